package kernels

import (
	"fmt"
	"math"
)

// Softmax fixed-point formats, as in TFLite's reference_ops::Softmax: the
// scaled input differences are Q5.26, the sum of exponentials Q12.19.
const (
	softmaxScaledDiffIntegerBits = 5
	softmaxAccumulationBits      = 12
)

// SoftmaxParams holds the precomputed state of an int8 SOFTMAX.
//
// TFLite Micro's reference kernel (reference_ops::Softmax with gemmlowp's
// exp_on_negative_values) rescales each difference x - max(row) by
// beta*input_scale and exponentiates it in fixed point. The difference of
// two int8 values has only 256 possible values, so prepare evaluates that
// exponential once for each and eval only sums and scales: the arithmetic,
// and so every output, is the reference's.
type SoftmaxParams struct {
	InputMultiplier int32
	InputLeftShift  int
	DiffMin         int32 // differences below this contribute exp() = 0
	// exp[d] is exp_on_negative_values of the rescaled difference -d, in
	// Q0.31, for d = 0..255 (0 where -d < DiffMin).
	exp [256]int32
}

// SoftmaxMaxDepth is the longest row the int8 kernel accepts: longer rows
// of equal values would overflow the Q12.19 sum of exponentials, as they do
// in TFLite.
const SoftmaxMaxDepth = 1 << softmaxAccumulationBits

// NewSoftmaxParams precomputes SOFTMAX for an int8 input with the given
// scale and the op's beta, as TFLite's PreprocessSoftmaxScaling and
// CalculateInputRadius do.
func NewSoftmaxParams(beta float32, inputScale float32) (*SoftmaxParams, error) {
	real := math.Min(float64(beta)*float64(inputScale)*float64(int64(1)<<(31-softmaxScaledDiffIntegerBits)), float64(math.MaxInt32))
	if !(real > 1) {
		return nil, fmt.Errorf("beta %g times input scale %g is too small for the fixed-point softmax", beta, inputScale)
	}
	p := &SoftmaxParams{}
	p.InputMultiplier, p.InputLeftShift = QuantizeMultiplier(real)
	if p.InputLeftShift < 0 || p.InputLeftShift > 31 {
		return nil, fmt.Errorf("softmax input multiplier %g out of range", real)
	}
	// CalculateInputRadius(5, left_shift, 31), negated.
	radius := math.Floor(float64((int64(1)<<softmaxScaledDiffIntegerBits)-1) *
		float64(int64(1)<<(31-softmaxScaledDiffIntegerBits)) / float64(int64(1)<<p.InputLeftShift))
	p.DiffMin = -int32(radius)
	for d := range p.exp {
		diff := int32(-d)
		if diff < p.DiffMin {
			continue
		}
		scaled := MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.InputMultiplier, p.InputLeftShift)
		p.exp[d] = ExpOnNegativeValues(scaled, softmaxScaledDiffIntegerBits)
	}
	return p, nil
}

// softmaxRowScale returns the reciprocal of a row's sum of exponentials and
// its exponent plus 31; less the output's bit width, that is the right
// shift that turns exp*reciprocal into the output.
func (p *SoftmaxParams) softmaxRowScale(x []int8, maxv int8) (recip int32, shift int) {
	var sum int32 // Q12.19; plain additions, as FixedPointAccum's operator+
	for _, v := range x {
		sum += FixedPointRescale(p.exp[int32(maxv)-int32(v)], 0, softmaxAccumulationBits)
	}
	recip, numBitsOverUnit := GetReciprocal(sum, softmaxAccumulationBits)
	return recip, numBitsOverUnit + 31
}

// softmaxScale returns round(recip*e / 2^exponent). TFLite checks
// exponent <= 31 at run time and aborts otherwise, which happens for int8
// outputs when a row's exponentials sum to 512 or more (rows of at least
// 512 near-equal values); the product is below 2^31, so the rounded
// quotient is then 0, the value returned.
func softmaxScale(recip, e int32, exponent int) int32 {
	prod := SaturatingRoundingDoublingHighMul(recip, e)
	if exponent > 31 {
		return 0
	}
	return RoundingDivideByPOT(prod, exponent)
}

func rowMax(x []int8) int8 {
	m := int8(math.MinInt8)
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

// SoftmaxInt8 computes the softmax of every row of depth values of in into
// out, whose quantization must be scale 1/256, zero point -128.
func SoftmaxInt8(p *SoftmaxParams, in, out []int8, depth int) {
	if depth <= 0 {
		return
	}
	out = out[:len(in)]
	for r := 0; r+depth <= len(in); r += depth {
		x, o := in[r:r+depth], out[r:r+depth]
		m := rowMax(x)
		recip, shift := p.softmaxRowScale(x, m)
		exponent := shift - 8
		for i, v := range x {
			d := int32(m) - int32(v)
			if d > -p.DiffMin {
				o[i] = math.MinInt8
				continue
			}
			u := softmaxScale(recip, p.exp[d], exponent)
			o[i] = int8(min(max(u+math.MinInt8, math.MinInt8), math.MaxInt8))
		}
	}
}

// SoftmaxInt8Int16 is SoftmaxInt8 with an int16 output quantized with
// scale 1/65536, zero point -32768.
func SoftmaxInt8Int16(p *SoftmaxParams, in []int8, out []int16, depth int) {
	if depth <= 0 {
		return
	}
	out = out[:len(in)]
	for r := 0; r+depth <= len(in); r += depth {
		x, o := in[r:r+depth], out[r:r+depth]
		m := rowMax(x)
		recip, shift := p.softmaxRowScale(x, m)
		exponent := shift - 16
		for i, v := range x {
			d := int32(m) - int32(v)
			if d > -p.DiffMin {
				o[i] = math.MinInt16
				continue
			}
			u := softmaxScale(recip, p.exp[d], exponent)
			o[i] = int16(min(max(u+math.MinInt16, math.MinInt16), math.MaxInt16))
		}
	}
}

// SoftmaxFloat32 computes softmax(beta*x) of every row of depth values, as
// TFLite's float reference does (max subtracted, exp in float32).
func SoftmaxFloat32(beta float32, in, out []float32, depth int) {
	if depth <= 0 {
		return
	}
	out = out[:len(in)]
	for r := 0; r+depth <= len(in); r += depth {
		x, o := in[r:r+depth], out[r:r+depth]
		m := float32(-math.MaxFloat32)
		for _, v := range x {
			m = max(m, v)
		}
		var sum float32
		for i, v := range x {
			e := float32(math.Exp(float64((v - m) * beta)))
			o[i] = e
			sum += e
		}
		for i := range o {
			o[i] /= sum
		}
	}
}
