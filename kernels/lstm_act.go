package kernels

// This file holds the int16 pieces of the integer LSTM: the input scaling
// of the table-based int16 LOGISTIC and TANH (LogisticInt16, TanhInt16) as
// the LSTM calls them, the element-wise products (TFLite's
// MulElementwise) and the saturating int16 addition.

// lstmSigmoid is the input scaling TFLM's LSTM passes to the int16
// LOGISTIC for a Q3.12 gate input (lstm_internal::Sigmoid: multiplier 0,
// shift 0, which the kernel turns into 3 << 0).
var lstmSigmoid = SigmoidInt16Params{Multiplier: 3}

// lstmTanhScale returns the int16 TANH input scaling TFLM's LSTM uses for
// an input with scale 2^power (lstm_internal::Tanh): a shift of
// 15+power-3 that, when negative, becomes a rounding right shift of 3·x.
func lstmTanhScale(power int) SigmoidInt16Params {
	shift := 15 + power - 3
	if shift < 0 {
		return SigmoidInt16Params{Multiplier: 3, LeftShift: -shift}
	}
	return SigmoidInt16Params{Multiplier: 3 << uint(shift)}
}

// LSTMMul is the requantization of an element-wise product of two
// symmetric int16 tensors (TFLite's MulElementwise with zero input
// offsets): out = clamp(ZeroPoint + MultiplyByQuantizedMultiplier(a·b)).
type LSTMMul struct {
	Multiplier int32
	Shift      int
	ZeroPoint  int32
	Min, Max   int32
}

// NewLSTMMul computes the product's multiplier as TFLM's
// CreateInterGateMulParams does, in float64 from the float32 scales, with
// the output type's full range as the clamp.
func NewLSTMMul(scale1, scale2, outScale float32, outZeroPoint, outMin, outMax int32) (LSTMMul, error) {
	m, s, err := lstmMultiplier(float64(scale1) * float64(scale2) / float64(outScale))
	return LSTMMul{Multiplier: m, Shift: s, ZeroPoint: outZeroPoint, Min: outMin, Max: outMax}, err
}

func (p *LSTMMul) apply(a, b int16) int32 {
	v := p.ZeroPoint + MultiplyByQuantizedMultiplier(int32(a)*int32(b), p.Multiplier, p.Shift)
	return min(max(v, p.Min), p.Max)
}

func mulInt16(p *LSTMMul, a, b, out []int16) {
	b, out = b[:len(a)], out[:len(a)]
	for i := range a {
		out[i] = int16(p.apply(a[i], b[i]))
	}
}

// addSatInt16 sets out = saturate16(a + b); out may alias a or b.
func addSatInt16(a, b, out []int16) {
	b, out = b[:len(a)], out[:len(a)]
	for i := range a {
		out[i] = int16(min(max(int32(a[i])+int32(b[i]), -1<<15), 1<<15-1))
	}
}
