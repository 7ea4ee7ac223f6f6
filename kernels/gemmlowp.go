package kernels

import (
	"math"
	"math/bits"
)

// This file holds the scalar gemmlowp fixed-point arithmetic
// (gemmlowp/fixedpoint/fixedpoint.h, FixedPoint<int32_t, IntegerBits>) that
// TFLite's reference SOFTMAX, LOGISTIC and TANH kernels are built on.
//
// A FixedPoint<int32, m> value is kept here as its raw int32 together with
// the integer-bit count m passed alongside: it represents raw / 2^(31-m),
// i.e. the format Qm.(31-m). Plain additions and subtractions wrap, as the
// C++ code relies on (it never overflows on the paths the kernels use);
// multiplication is SaturatingRoundingDoublingHighMul and the integer bits
// of the operands add up.

// Q0.31 constants used by the polynomial and Newton-Raphson approximations,
// as gemmlowp spells them (raw int32 values).
const (
	fpOneQ0             = math.MaxInt32 // FixedPoint<int32, 0>::One()
	fpExpMinusOneEighth = 1895147668    // exp(-1/8)
	fpOneThird          = 715827883     // 1/3
	fp48Over17Q2        = 1515870810    // 48/17 in Q2.29
	fpNeg32Over17Q2     = -1010580540   // -32/17 in Q2.29
	fpOneQ2             = 1 << 29       // FixedPoint<int32, 2>::One()
	fpOneHalfQ0         = 1 << 30       // 0.5
)

// expBarrelShifter lists exp(-2^k) in Q0.31 for k = -2..4, the factors
// exp_on_negative_values multiplies in for each bit of the input's
// magnitude above 1/4.
var expBarrelShifter = [...]struct {
	exponent   int
	multiplier int32
}{
	{-2, 1672461947}, // exp(-1/4)
	{-1, 1302514674}, // exp(-1/2)
	{0, 790015084},   // exp(-1)
	{1, 290630308},   // exp(-2)
	{2, 39332535},    // exp(-4)
	{3, 720401},      // exp(-8)
	{4, 242},         // exp(-16)
}

// SaturatingRoundingMultiplyByPOT multiplies x by 2^exponent: a saturating
// left shift for exponent > 0, a rounding right shift (RoundingDivideByPOT)
// for exponent < 0 (gemmlowp's SaturatingRoundingMultiplyByPOT).
func SaturatingRoundingMultiplyByPOT(x int32, exponent int) int32 {
	switch {
	case exponent == 0:
		return x
	case exponent < 0:
		return RoundingDivideByPOT(x, -exponent)
	}
	threshold := int32(1)<<uint(31-exponent) - 1
	if x > threshold {
		return math.MaxInt32
	}
	if x < -threshold {
		return math.MinInt32
	}
	return x << uint(exponent)
}

// FixedPointRescale converts a raw value from Q(srcBits) to Q(dstBits)
// integer bits, rounding and saturating (gemmlowp's Rescale).
func FixedPointRescale(x int32, srcBits, dstBits int) int32 {
	return SaturatingRoundingMultiplyByPOT(x, srcBits-dstBits)
}

// RoundingHalfSum returns (a+b)/2 rounded to nearest, ties away from zero.
func RoundingHalfSum(a, b int32) int32 {
	sum := int64(a) + int64(b)
	sign := int64(1)
	if sum < 0 {
		sign = -1
	}
	return int32((sum + sign) / 2)
}

// expOnIntervalBetweenNegativeOneQuarterAnd0Excl returns exp(a) for a Q0.31
// value a in [-1/4, 0), by a Taylor expansion around -1/8.
func expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a int32) int32 {
	x := a + 1<<28 // x = a + 1/8
	x2 := SaturatingRoundingDoublingHighMul(x, x)
	x3 := SaturatingRoundingDoublingHighMul(x2, x)
	x4 := SaturatingRoundingDoublingHighMul(x2, x2)
	x4Over4 := RoundingDivideByPOT(x4, 2)
	poly := RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x4Over4+x3, fpOneThird)+x2, 1)
	return fpExpMinusOneEighth + SaturatingRoundingDoublingHighMul(fpExpMinusOneEighth, x+poly)
}

// ExpOnNegativeValues returns exp(a) in Q0.31 for a value a <= 0 given in
// Q(integerBits).(31-integerBits) (gemmlowp's exp_on_negative_values).
// integerBits must be in [0, 30].
func ExpOnNegativeValues(a int32, integerBits int) int32 {
	fractionalBits := 31 - integerBits
	oneQuarter := int32(1) << uint(fractionalBits-2)
	mask := oneQuarter - 1
	aModQuarterMinusOneQuarter := (a & mask) - oneQuarter
	result := expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
		FixedPointRescale(aModQuarterMinusOneQuarter, integerBits, 0))
	remainder := aModQuarterMinusOneQuarter - a
	for _, b := range expBarrelShifter {
		if integerBits > b.exponent {
			if remainder&(int32(1)<<uint(fractionalBits+b.exponent)) != 0 {
				result = SaturatingRoundingDoublingHighMul(result, b.multiplier)
			}
		}
	}
	if integerBits > 5 {
		// Below -32 the result rounds to zero.
		clamp := -(int32(1) << uint(36-integerBits))
		if a < clamp {
			result = 0
		}
	}
	if a == 0 {
		result = fpOneQ0
	}
	return result
}

// newtonRaphsonReciprocal runs gemmlowp's three Newton-Raphson steps
// computing 1/d in Q2.29 for the Q0.31 half-denominator d in [1/2, 1).
func newtonRaphsonReciprocal(halfDenominator int32) int32 {
	x := fp48Over17Q2 + SaturatingRoundingDoublingHighMul(halfDenominator, fpNeg32Over17Q2)
	for i := 0; i < 3; i++ {
		halfDenominatorTimesX := SaturatingRoundingDoublingHighMul(halfDenominator, x)
		oneMinus := fpOneQ2 - halfDenominatorTimesX
		x += FixedPointRescale(SaturatingRoundingDoublingHighMul(x, oneMinus), 4, 2)
	}
	return x
}

// OneOverOnePlusXForXIn01 returns 1/(1+a) in Q0.31 for a Q0.31 value a in
// [0, 1) (gemmlowp's one_over_one_plus_x_for_x_in_0_1).
func OneOverOnePlusXForXIn01(a int32) int32 {
	x := newtonRaphsonReciprocal(RoundingHalfSum(a, fpOneQ0))
	// ExactMulByPot<-1> reinterprets Q2 as Q1; Rescale<0> then doubles.
	return FixedPointRescale(x, 1, 0)
}

// OneMinusXOverOnePlusXForXIn01 returns (1-a)/(1+a) in Q0.31 for a Q0.31
// value a in [0, 1) (gemmlowp's one_minus_x_over_one_plus_x_for_x_in_0_1).
func OneMinusXOverOnePlusXForXIn01(a int32) int32 {
	x := newtonRaphsonReciprocal(RoundingHalfSum(a, fpOneQ0))
	return FixedPointRescale(x-fpOneQ2, 2, 0)
}

// FixedPointTanh returns tanh(a) in Q0.31 for a in Q(integerBits)
// (gemmlowp's tanh). integerBits must be in [0, 29].
func FixedPointTanh(a int32, integerBits int) int32 {
	if a == 0 {
		return 0
	}
	n := -a // n <= 0 whatever the sign of a
	if a < 0 {
		n = a
	}
	// neg_tanh_on_negative_values: ExactMulByPot<1> adds an integer bit.
	t := OneMinusXOverOnePlusXForXIn01(ExpOnNegativeValues(n, integerBits+1))
	if a < 0 {
		return -t
	}
	return t
}

// FixedPointLogistic returns 1/(1+exp(-a)) in Q0.31 for a in
// Q(integerBits) (gemmlowp's logistic). integerBits must be in [0, 30].
func FixedPointLogistic(a int32, integerBits int) int32 {
	if a == 0 {
		return fpOneHalfQ0
	}
	abs := a
	if a <= 0 {
		abs = -a
	}
	positive := OneOverOnePlusXForXIn01(ExpOnNegativeValues(-abs, integerBits))
	if a > 0 {
		return positive
	}
	return fpOneQ0 - positive
}

// GetReciprocal returns 1/x as a Q0.31 value scaled by 2^-numBitsOverUnit,
// for x > 0 in Q(xIntegerBits) (TFLite's GetReciprocal, used by SOFTMAX to
// divide by the sum of exponentials).
func GetReciprocal(x int32, xIntegerBits int) (reciprocal int32, numBitsOverUnit int) {
	headroomPlusOne := bits.LeadingZeros32(uint32(x))
	numBitsOverUnit = xIntegerBits - headroomPlusOne
	shiftedSumMinusOne := int32((uint32(x) << uint(headroomPlusOne)) - (1 << 31))
	return OneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit
}
