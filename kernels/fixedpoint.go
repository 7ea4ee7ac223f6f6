package kernels

import "math"

// QuantizeMultiplier turns a real multiplier into a Q31 fixed-point multiplier
// and a power-of-two exponent, so that m ≈ multiplier * 2^(shift-31).
// shift > 0 is a left shift. It follows TFLite's rounding (half away from
// zero) and flushes multipliers below 2^-31 to zero.
func QuantizeMultiplier(m float64) (multiplier int32, shift int) {
	if m == 0 {
		return 0, 0
	}
	q, exp := math.Frexp(m)
	fixed := int64(math.Round(q * (1 << 31)))
	if fixed == 1<<31 {
		fixed /= 2
		exp++
	}
	if exp < -31 {
		return 0, 0
	}
	return int32(fixed), exp
}

// QuantizeMultiplierSmallerThanOne is QuantizeMultiplier for 0 < m < 1,
// as TFLite's legacy kernels use it (shift <= 0).
func QuantizeMultiplierSmallerThanOne(m float64) (int32, int) {
	return QuantizeMultiplier(m)
}

// SaturatingRoundingDoublingHighMul returns the high 32 bits of 2*a*b,
// rounded as gemmlowp does (nudge ±2^30, truncating division), saturating
// the single overflow case a == b == MinInt32.
func SaturatingRoundingDoublingHighMul(a, b int32) int32 {
	if a == b && a == math.MinInt32 {
		return math.MaxInt32
	}
	ab := int64(a) * int64(b)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - (1 << 30)
	}
	// Division truncates toward zero, as the C++ reference does.
	return int32((ab + nudge) / (1 << 31))
}

// RoundingDivideByPOT divides x by 2^exponent rounding to nearest, ties away
// from zero (gemmlowp's RoundingDivideByPOT).
func RoundingDivideByPOT(x int32, exponent int) int32 {
	mask := int32(1)<<uint(exponent) - 1
	remainder := x & mask
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	r := x >> uint(exponent)
	if remainder > threshold {
		r++
	}
	return r
}

// MultiplyByQuantizedMultiplier computes round(x * multiplier * 2^(shift-31))
// exactly as TFLite's reference (double-rounding) implementation does.
func MultiplyByQuantizedMultiplier(x, multiplier int32, shift int) int32 {
	left, right := 0, 0
	if shift > 0 {
		left = shift
	} else {
		right = -shift
	}
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x*(int32(1)<<uint(left)), multiplier), right)
}

// MultiplyByQuantizedMultiplier64 is the int64-input variant TFLite uses for
// 16-bit activations (|x| < 2^47, shift in [-31, 7]): the multiplier is first
// reduced to Q15, rounded, then x*m is shifted with one rounding step.
func MultiplyByQuantizedMultiplier64(x int64, multiplier int32, shift int) int32 {
	reduced := int64(0x7FFF)
	if multiplier < 0x7FFF0000 {
		reduced = int64((multiplier + 1<<15) >> 16)
	}
	total := uint(15 - shift)
	round := int64(1) << (total - 1)
	return int32((x*reduced + round) >> total)
}

// MultiplyByQuantizedMultiplierSmallerThanOneExp is TFLite's helper for
// shift <= 0 (right shift only).
func MultiplyByQuantizedMultiplierSmallerThanOneExp(x, multiplier int32, shift int) int32 {
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), -shift)
}

// MultiplyByQuantizedMultiplierGreaterThanOne is TFLite's helper for shift >= 0.
func MultiplyByQuantizedMultiplierGreaterThanOne(x, multiplier int32, shift int) int32 {
	return SaturatingRoundingDoublingHighMul(x*(int32(1)<<uint(shift)), multiplier)
}
