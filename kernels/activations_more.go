package kernels

import (
	"fmt"
	"math"
)

// LEAKY_RELU and HARD_SWISH, float32 and integer, as TFLite Micro's
// reference kernels compute them (reference_ops::LeakyRelu,
// QuantizeLeakyRelu and HardSwish, prepared as LeakyReluPrepare and
// HardSwishPrepare do). The int8 versions are 256-entry tables built once
// by running the reference arithmetic on every input value.

// LeakyReluFloat32 computes x for x > 0, else alpha·x (alpha may be above
// 1 or negative). NaN passes through.
func LeakyReluFloat32(alpha float32, in, out []float32) {
	out = out[:len(in)]
	for i, v := range in {
		if !(v > 0) {
			v *= alpha
		}
		out[i] = v
	}
}

// HardSwishFloat32 computes x·relu6(x+3)/6 in float32, in the order TFLite's
// reference does (the product first, then the division). NaN passes
// through.
func HardSwishFloat32(in, out []float32) {
	out = out[:len(in)]
	for i, x := range in {
		// std::min(6, std::max(0, x+3)): a NaN sum selects 0.
		r := x + 3
		if !(r > 0) {
			r = 0
		}
		if !(r < 6) {
			r = 6
		}
		out[i] = x * r / 6
	}
}

// LeakyReluParams is the requantization of TFLite's integer LEAKY_RELU:
// inputs at or above the input zero point are rescaled by the identity
// multiplier (input scale / output scale), those below by the alpha one
// (input scale · alpha / output scale, negative for a negative alpha).
type LeakyReluParams struct {
	InputZeroPoint, OutputZeroPoint int32
	IdentityMultiplier              int32
	IdentityShift                   int
	AlphaMultiplier                 int32
	AlphaShift                      int
}

// NewLeakyReluParams computes LEAKY_RELU's multipliers as TFLite Micro's
// prepare does: each real multiplier is evaluated in float32
// (input_scale·alpha/output_scale and input_scale/output_scale), then
// turned into a Q31 multiplier and shift by QuantizeMultiplier.
func NewLeakyReluParams(inScale float32, inZp int32, outScale float32, outZp int32, alpha float32) (LeakyReluParams, error) {
	var p LeakyReluParams
	if !validScale(inScale) || !validScale(outScale) {
		return p, fmt.Errorf("scales must be positive and finite (input %g, output %g)", inScale, outScale)
	}
	if math.IsNaN(float64(alpha)) || math.IsInf(float64(alpha), 0) {
		return p, fmt.Errorf("alpha %g is not a finite number", alpha)
	}
	identity := inScale / outScale
	alphaMult := inScale * alpha / outScale
	if math.IsInf(float64(identity), 0) || math.IsInf(float64(alphaMult), 0) {
		return p, fmt.Errorf("input/output scale ratio %g (alpha %g) overflows float32", float64(inScale)/float64(outScale), alpha)
	}
	p.InputZeroPoint, p.OutputZeroPoint = inZp, outZp
	p.IdentityMultiplier, p.IdentityShift = QuantizeMultiplier(float64(identity))
	p.AlphaMultiplier, p.AlphaShift = QuantizeMultiplier(float64(alphaMult))
	// A left shift of 32 or more is undefined in the reference; no sane
	// model gets near it (it means a scale ratio beyond 2^31).
	if p.IdentityShift > 31 || p.AlphaShift > 31 {
		return p, fmt.Errorf("input/output scale ratio %g (alpha %g) too large", float64(inScale)/float64(outScale), alpha)
	}
	return p, nil
}

// eval computes one output of reference_ops::QuantizeLeakyRelu before the
// clamp to the output type.
func (p *LeakyReluParams) eval(x int32) int32 {
	in := x - p.InputZeroPoint
	if in >= 0 {
		return p.OutputZeroPoint + MultiplyByQuantizedMultiplier(in, p.IdentityMultiplier, p.IdentityShift)
	}
	return p.OutputZeroPoint + MultiplyByQuantizedMultiplier(in, p.AlphaMultiplier, p.AlphaShift)
}

// NewLeakyReluInt8 builds the table of TFLite's int8 LEAKY_RELU.
func NewLeakyReluInt8(p LeakyReluParams) *LUT8 {
	return newLUT8(func(x int32) int32 {
		return min(max(p.eval(x), math.MinInt8), math.MaxInt8)
	})
}

// LeakyReluInt16 computes TFLite's int16 LEAKY_RELU (any zero points).
func LeakyReluInt16(p LeakyReluParams, in, out []int16) {
	out = out[:len(in)]
	for i, v := range in {
		out[i] = int16(min(max(p.eval(int32(v)), math.MinInt16), math.MaxInt16))
	}
}

// HardSwishParams is TFLite's HardSwishParams: the integer HARD_SWISH
// works on 16-bit fixed point. The input, shifted left by 7 bits
// ("hires" scale input_scale/128), is multiplied once by the output
// multiplier (hires scale / output scale, exponent <= 0) and once by the
// "reluish" multiplier, which maps the real value 3 to 32768 (hires
// scale / (3/32768)); the reluish value, saturated to [-1, 1] and moved to
// [0, 1], multiplies the first product, and a final rounding shift brings
// it to the output scale.
type HardSwishParams struct {
	InputZeroPoint, OutputZeroPoint int32
	ReluishMultiplier               int16
	ReluishExponent                 int
	OutputMultiplier                int16
	OutputExponent                  int
}

// NewHardSwishParams computes HARD_SWISH's fixed-point parameters as TFLite
// Micro's HardSwishPrepare does: the two real multipliers in float32, then
// QuantizeMultiplier, then the Q31 multiplier rounded to Q15
// (DownScaleInt32ToInt16Multiplier). Like TFLite it refuses an output
// multiplier of 1 or more (input scale at least 128 × the output scale).
func NewHardSwishParams(inScale float32, inZp int32, outScale float32, outZp int32) (HardSwishParams, error) {
	var p HardSwishParams
	if !validScale(inScale) || !validScale(outScale) {
		return p, fmt.Errorf("scales must be positive and finite (input %g, output %g)", inScale, outScale)
	}
	const reluishScale float32 = 3.0 / 32768
	hires := inScale * (1.0 / 128)
	outMult := hires / outScale
	reluishMult := hires / reluishScale
	if math.IsInf(float64(outMult), 0) || math.IsInf(float64(reluishMult), 0) {
		return p, fmt.Errorf("input scale %g too large for output scale %g", inScale, outScale)
	}
	p.InputZeroPoint, p.OutputZeroPoint = inZp, outZp
	m, e := QuantizeMultiplier(float64(outMult))
	p.OutputMultiplier, p.OutputExponent = downScaleToQ15(m), e
	if p.OutputExponent > 0 {
		return p, fmt.Errorf("input scale %g is %g times the output scale %g; HARD_SWISH needs it below 128 times",
			inScale, float64(inScale)/float64(outScale), outScale)
	}
	m, e = QuantizeMultiplier(float64(reluishMult))
	p.ReluishMultiplier, p.ReluishExponent = downScaleToQ15(m), e
	return p, nil
}

// validScale reports whether s is a usable quantization scale.
func validScale(s float32) bool {
	return s > 0 && !math.IsInf(float64(s), 0)
}

// downScaleToQ15 rounds a non-negative Q31 multiplier to Q15 (TFLite's
// DownScaleInt32ToInt16Multiplier), saturating at 32767.
func downScaleToQ15(m int32) int16 {
	const round = 1 << 15
	if m >= math.MaxInt32-round {
		return math.MaxInt16
	}
	return int16((m + round) >> 16)
}

// eval computes one int8 output of reference_ops::HardSwish. The
// arithmetic is int16 throughout, as in the reference, including its
// saturations and the wrap of the final zero-point addition.
func (p *HardSwishParams) eval(x int32) int32 {
	in := int16(x - p.InputZeroPoint)
	hires := int16(int32(in) * (1 << 7))
	// The input on the output scale, before the final right shift.
	preshift := roundingDoublingHighMul16(hires, p.OutputMultiplier)
	// The reluish value: the input with 3 at 32768, saturated, in two
	// steps so that only the last bit of a left shift saturates.
	r := hires
	if p.ReluishExponent > 0 {
		r = saturatingLeftShift16(r, p.ReluishExponent-1)
	}
	r = roundingDoublingHighMul16(r, p.ReluishMultiplier)
	if p.ReluishExponent > 0 {
		r = saturatingLeftShift16(r, 1)
	}
	if p.ReluishExponent < 0 {
		r = roundingDivideByPOT16(r, -p.ReluishExponent)
	}
	// From [-1, 1] to [0, 1].
	r = int16((int32(r) + 1<<15) >> 1)
	// Truncating, not rounding, here cancels the bias of the rounding above.
	o := doublingHighMul16(r, preshift)
	o = roundingDivideByPOT16(o, -p.OutputExponent)
	o = int16(int32(o) + p.OutputZeroPoint)
	return min(max(int32(o), math.MinInt8), math.MaxInt8)
}

// NewHardSwishInt8 builds the table of TFLite's int8 HARD_SWISH.
func NewHardSwishInt8(p HardSwishParams) *LUT8 {
	return newLUT8(p.eval)
}

// roundingDoublingHighMul16 is gemmlowp's SaturatingRoundingDoublingHighMul
// on int16 (ARM's SQRDMULH): the high half of 2·a·b, rounded to nearest
// (nudge ±2^14, truncating division), -1·-1 saturating to 32767.
func roundingDoublingHighMul16(a, b int16) int16 {
	if a == math.MinInt16 && b == math.MinInt16 {
		return math.MaxInt16
	}
	ab := int32(a) * int32(b)
	nudge := int32(1 << 14)
	if ab < 0 {
		nudge = 1 - 1<<14
	}
	return int16((ab + nudge) / (1 << 15))
}

// doublingHighMul16 is TFLite's SaturatingDoublingHighMul on int16 (ARM's
// SQDMULH): the high half of 2·a·b, truncated toward zero.
func doublingHighMul16(a, b int16) int16 {
	if a == math.MinInt16 && b == math.MinInt16 {
		return math.MaxInt16
	}
	return int16(int32(a) * int32(b) / (1 << 15))
}

// saturatingLeftShift16 is TFLite's SaturatingLeftShift: v·2^amount
// clamped to the int16 range.
func saturatingLeftShift16(v int16, amount int) int16 {
	if amount >= 16 {
		// Any non-zero value saturates (the reference's int64 product
		// would too, for the shifts where it is defined).
		amount = 16
	}
	r := int64(v) << uint(amount)
	return int16(min(max(r, math.MinInt16), math.MaxInt16))
}

// roundingDivideByPOT16 is gemmlowp's RoundingDivideByPOT on int16, for
// exponents 0..31. For exponents of 16 and more the reference's mask
// (1<<exponent)-1 is truncated to int16 (-1), and the result follows from
// that: -1 for negative x, 1 otherwise. Only absurd scale ratios get there.
func roundingDivideByPOT16(x int16, exponent int) int16 {
	mask := int16(int64(1)<<uint(exponent) - 1)
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
