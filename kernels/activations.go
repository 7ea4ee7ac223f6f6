package kernels

import (
	"fmt"
	"math"
)

// LUT8 is a 256-entry lookup table for an int8 → int8 elementwise op,
// indexed by the input value as a byte (uint8(x)). An int8 op whose output
// depends on one input value only is exact as a table: prepare runs the
// reference arithmetic once per possible input, and eval looks it up.
type LUT8 [256]int8

// Apply maps every element of in through the table into out.
func (t *LUT8) Apply(in, out []int8) {
	out = out[:len(in)]
	for i, v := range in {
		out[i] = t[uint8(v)]
	}
}

// newLUT8 fills a table with f(x) for x = -128..127.
func newLUT8(f func(x int32) int32) *LUT8 {
	t := new(LUT8)
	for x := int32(math.MinInt8); x <= math.MaxInt8; x++ {
		t[uint8(int8(x))] = int8(f(x))
	}
	return t
}

// Fixed-point formats of TFLite's int8 LOGISTIC and TANH: the input is
// rescaled to Q4.27.
const activationInputIntegerBits = 4

// sigmoidInputParams computes the input rescaling TFLite Micro's LOGISTIC
// and TANH prepare for int8 (CalculateArithmeticOpDataLogistic): the
// multiplier comes straight from frexp, without QuantizeMultiplier's
// renormalisation, and the radius beyond which the output saturates.
func sigmoidInputParams(inputScale float32) (multiplier int32, shift int, radius int32, err error) {
	if !(inputScale > 0) || math.IsInf(float64(inputScale), 0) {
		return 0, 0, 0, fmt.Errorf("input scale %g must be positive", inputScale)
	}
	real := float64(inputScale) * float64(int64(1)<<(31-activationInputIntegerBits))
	q, exp := math.Frexp(real)
	multiplier = int32(int64(math.Round(q * (1 << 31)))) // wraps at 2^31 as the C++ cast does
	shift = exp
	// CalculateInputRadius(4, shift, 31).
	r := math.Floor(float64((int64(1)<<activationInputIntegerBits)-1) *
		float64(int64(1)<<(31-activationInputIntegerBits)) / math.Ldexp(1, shift))
	if r > math.MaxInt32 {
		r = math.MaxInt32
	}
	return multiplier, shift, int32(r), nil
}

// NewLogisticInt8 builds the table of TFLite's int8 LOGISTIC
// (reference_integer_ops::Logistic with gemmlowp's logistic) for an input
// with the given quantization. The output is quantized with scale 1/256
// and zero point -128.
func NewLogisticInt8(inputScale float32, inputZeroPoint int32) (*LUT8, error) {
	mult, shift, radius, err := sigmoidInputParams(inputScale)
	if err != nil {
		return nil, err
	}
	return newLUT8(func(x int32) int32 {
		in := x - inputZeroPoint
		switch {
		case in <= -radius:
			return math.MinInt8
		case in >= radius:
			return math.MaxInt8
		}
		q4 := MultiplyByQuantizedMultiplier(in, mult, shift)
		q0 := FixedPointLogistic(q4, activationInputIntegerBits)
		out := RoundingDivideByPOT(q0, 31-8) - 128
		return min(max(out, math.MinInt8), math.MaxInt8)
	}), nil
}

// NewTanhInt8 builds the table of TFLite's int8 TANH
// (reference_integer_ops::Tanh with gemmlowp's tanh). The output is
// quantized with scale 1/128 and zero point 0.
func NewTanhInt8(inputScale float32, inputZeroPoint int32) (*LUT8, error) {
	mult, shift, radius, err := sigmoidInputParams(inputScale)
	if err != nil {
		return nil, err
	}
	return newLUT8(func(x int32) int32 {
		in := x - inputZeroPoint
		switch {
		case in <= -radius:
			return math.MinInt8
		case in >= radius:
			return math.MaxInt8
		}
		q4 := MultiplyByQuantizedMultiplier(in, mult, shift)
		q0 := FixedPointTanh(q4, activationInputIntegerBits)
		out := RoundingDivideByPOT(q0, 31-7)
		return min(max(out, math.MinInt8), math.MaxInt8)
	}), nil
}

// NewReluInt8 builds the table of TFLite Micro's int8 RELU (ReluQuantized):
// the input is requantized to the output scale and clamped at the output's
// real zero. With six set it builds RELU6 instead, which TFLite Micro
// computes without requantizing: a clamp of the input to the quantized
// [0, 6] of the input's own scale (the output must share it).
func NewReluInt8(inScale float32, inZp int32, outScale float32, outZp int32, six bool) (*LUT8, error) {
	if !(inScale > 0 && outScale > 0) {
		return nil, fmt.Errorf("scales must be positive (input %g, output %g)", inScale, outScale)
	}
	if six {
		lo := quantizeClamp(0, inScale, inZp, math.MinInt8, math.MaxInt8)
		hi := quantizeClamp(6, inScale, inZp, math.MinInt8, math.MaxInt8)
		return newLUT8(func(x int32) int32 { return min(max(x, lo), hi) }), nil
	}
	mult, shift := QuantizeMultiplier(float64(inScale) / float64(outScale))
	if shift > 31 {
		return nil, fmt.Errorf("input/output scale ratio %g too large", float64(inScale)/float64(outScale))
	}
	lo := max(math.MinInt8, outZp) // zero point + round(0/scale)
	return newLUT8(func(x int32) int32 {
		v := outZp + MultiplyByQuantizedMultiplier(x-inZp, mult, shift)
		return min(max(v, lo), math.MaxInt8)
	}), nil
}

// quantizeClamp is TFLite Micro's FloatToQuantizedType: round(v/scale) in
// float32, plus the zero point, clamped to [lo, hi].
func quantizeClamp(v, scale float32, zp, lo, hi int32) int32 {
	r := math.Round(float64(v / scale))
	r = math.Max(math.Min(r, math.MaxInt32/2), math.MinInt32/2)
	return min(max(int32(r)+zp, lo), hi)
}

// Relu6Int16Range returns the clamp TFLite Micro's int16 RELU6 applies.
func Relu6Int16Range(scale float32, zp int32) (lo, hi int16) {
	return int16(quantizeClamp(0, scale, zp, math.MinInt16, math.MaxInt16)),
		int16(quantizeClamp(6, scale, zp, math.MinInt16, math.MaxInt16))
}

// ReluInt16Params holds TFLite Micro's int16 RELU requantization (zero
// points 0).
type ReluInt16Params struct {
	Multiplier int32
	Shift      int
}

// NewReluInt16 computes int16 RELU's requantization.
func NewReluInt16(inScale, outScale float32) (ReluInt16Params, error) {
	if !(inScale > 0 && outScale > 0) {
		return ReluInt16Params{}, fmt.Errorf("scales must be positive (input %g, output %g)", inScale, outScale)
	}
	m, s := QuantizeMultiplier(float64(inScale) / float64(outScale))
	if s > 31 {
		return ReluInt16Params{}, fmt.Errorf("input/output scale ratio %g too large", float64(inScale)/float64(outScale))
	}
	return ReluInt16Params{m, s}, nil
}

// ReluInt16 computes int16 RELU (zero points 0).
func ReluInt16(p ReluInt16Params, in, out []int16) {
	out = out[:len(in)]
	for i, v := range in {
		r := MultiplyByQuantizedMultiplier(int32(v), p.Multiplier, p.Shift)
		out[i] = int16(min(max(r, 0), math.MaxInt16))
	}
}

// ClampInt16 clamps every element of in to [lo, hi] (int16 RELU6).
func ClampInt16(lo, hi int16, in, out []int16) {
	out = out[:len(in)]
	for i, v := range in {
		out[i] = min(max(v, lo), hi)
	}
}

// ReluFloat32 computes max(x, 0); with six set, min(max(x, 0), 6). NaN
// passes through, as in TFLite's ReluFloat.
func ReluFloat32(in, out []float32, six bool) {
	out = out[:len(in)]
	for i, v := range in {
		if v < 0 {
			v = 0
		}
		if six && v > 6 {
			v = 6
		}
		out[i] = v
	}
}

// LogisticFloat32 computes 1/(1+exp(-x)) as TFLite's float reference does,
// with its cut-offs: 1 above 16.619047, exp(x) below -9.
func LogisticFloat32(in, out []float32) {
	const upper, lower = 16.619047164916992188, -9
	out = out[:len(in)]
	for i, v := range in {
		switch {
		case v > upper:
			out[i] = 1
		case v < lower:
			out[i] = float32(math.Exp(float64(v)))
		default:
			out[i] = 1 / (1 + float32(math.Exp(float64(-v))))
		}
	}
}

// TanhFloat32 computes tanh(x).
func TanhFloat32(in, out []float32) {
	out = out[:len(in)]
	for i, v := range in {
		out[i] = float32(math.Tanh(float64(v)))
	}
}

// sigmoidTable holds sigmoid(i/24) in 0.16 fixed point, i = 0..255: the
// table TFLite's int16 LOGISTIC and TANH interpolate in (tanh(x) =
// 2*sigmoid(2x) - 1).
var sigmoidTable = [256]uint16{
	32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498,
	40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
	46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865,
	52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
	56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288,
	59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
	61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886,
	62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
	63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450,
	64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
	64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097,
	65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
	65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
	65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
	65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
	65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
	65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
	65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
	65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525,
	65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
	65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531,
	65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
	65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
	65534, 65534, 65535,
}

// SigmoidInt16Params holds the input rescaling of TFLite Micro's int16
// LOGISTIC or TANH: x*Multiplier >> LeftShift (rounded) brings the input
// to the table's 1/(3*4096) scale.
type SigmoidInt16Params struct {
	Multiplier int32
	LeftShift  int
}

// NewSigmoidInt16Params computes the int16 LOGISTIC (tanh false) or TANH
// (tanh true) input rescaling, as TFLite Micro's prepare does. Zero points
// must be 0 and the output scale 2^-15.
func NewSigmoidInt16Params(inputScale, outputScale float32, tanh bool) (SigmoidInt16Params, error) {
	var p SigmoidInt16Params
	if !(inputScale > 0) || math.IsInf(float64(inputScale), 0) {
		return p, fmt.Errorf("input scale %g must be positive", inputScale)
	}
	if l, ok := checkedLog2(outputScale); !ok || l != -15 {
		return p, fmt.Errorf("output scale %g must be 2^-15", outputScale)
	}
	const inputIntegerBits = 3
	l, pot := checkedLog2(inputScale)
	p.LeftShift = 15 - inputIntegerBits + l
	if tanh {
		pot = pot && (p.LeftShift == 0 || p.LeftShift == 1)
	} else {
		pot = pot && p.LeftShift == 0
	}
	if pot {
		// Power-of-two scale: the kernel multiplies by 3 << LeftShift.
		p.Multiplier = 3 << uint(p.LeftShift)
		p.LeftShift = 0
		return p, nil
	}
	m := float64(inputScale) * 4096 * 3
	p.LeftShift = 0
	for m <= 32767.0/2 && p.LeftShift <= 30 {
		p.LeftShift++
		m *= 2
	}
	if m > math.MaxInt16 {
		// TFLite only DCHECKs this; past it x*Multiplier can overflow.
		return p, fmt.Errorf("input scale %g too large for the int16 table (multiplier %g > 32767)", inputScale, m)
	}
	p.Multiplier = int32(m)
	return p, nil
}

// checkedLog2 is TFLite's CheckedLog2: log2(x) rounded, and whether x is
// within 1e-3 (in the exponent) of that power of two.
func checkedLog2(x float32) (int, bool) {
	l := float32(math.Log(float64(x))) * (1 / float32(math.Log(2)))
	r := float32(math.Round(float64(l)))
	return int(r), math.Abs(float64(l-r)) < 1e-3
}

// scaleShift returns the rounding term and the right shift of the input
// scaling, x·Multiplier + round >> shift. A shift of 31 or more (a negative
// LeftShift converts to a huge one) sign-fills an int32, so 31 stands for
// all of them.
func (p SigmoidInt16Params) scaleShift() (round int32, shift uint) {
	if p.LeftShift > 0 {
		round = 1 << uint(p.LeftShift-1)
	}
	return round, min(uint(p.LeftShift), 31)
}

// LogisticInt16 computes TFLite's int16 LOGISTIC (table interpolation).
// The loop has no data-dependent branches (signs and saturation are
// selected, not branched on): gate inputs change sign at random.
func LogisticInt16(p SigmoidInt16Params, in, out []int16) {
	out = out[:len(in)]
	m := p.Multiplier
	round, sh := p.scaleShift()
	if sh == 0 {
		logisticInt16Unshifted(m, in, out)
		return
	}
	for i, v := range in {
		x := (int32(v)*m + round) >> sh
		sign := x >> 31
		abs := uint32((x ^ sign) - sign)
		h := min(abs>>9, 254)
		a, b := uint32(sigmoidTable[h]), uint32(sigmoidTable[h+1])
		r := a<<9 + (abs&0x1ff)*(b-a)
		if abs >= 255<<9 {
			r = 0x7FFF << 10
		}
		pos, neg := r+1<<9, 1<<25-r+1<<9-1
		if x < 0 {
			pos = neg
		}
		out[i] = int16(pos >> 10)
	}
}

// TanhInt16 computes TFLite's int16 TANH (table interpolation), without
// data-dependent branches like LogisticInt16.
func TanhInt16(p SigmoidInt16Params, in, out []int16) {
	out = out[:len(in)]
	m := p.Multiplier
	round, sh := p.scaleShift()
	if sh == 0 {
		tanhInt16Unshifted(m, in, out)
		return
	}
	for i, v := range in {
		x := (int32(v)*m + round) >> sh
		sign := x >> 31
		abs := uint32((x ^ sign) - sign)
		h := min(abs>>8, 254)
		a, b := uint32(sigmoidTable[h]), uint32(sigmoidTable[h+1])
		r := int32(a<<8 + (abs&0xFF)*(b-a))
		if abs >= 255<<8 {
			r = 0xFFFF << 8
		}
		pos, neg := r-1<<23+1<<7, -r+1<<23+1<<7-1
		if x < 0 {
			pos = neg
		}
		out[i] = int16(pos >> 8)
	}
}

// logisticInt16Unshifted is LogisticInt16 for a scaling without shift (the
// LSTM's gates), x = v·m.
func logisticInt16Unshifted(m int32, in, out []int16) {
	out = out[:len(in)]
	for i, v := range in {
		x := int32(v) * m
		sign := x >> 31
		abs := uint32((x ^ sign) - sign)
		h := min(abs>>9, 254)
		a, b := uint32(sigmoidTable[h]), uint32(sigmoidTable[h+1])
		r := a<<9 + (abs&0x1ff)*(b-a)
		if abs >= 255<<9 {
			r = 0x7FFF << 10
		}
		pos, neg := r+1<<9, 1<<25-r+1<<9-1
		if x < 0 {
			pos = neg
		}
		out[i] = int16(pos >> 10)
	}
}

// tanhInt16Unshifted is TanhInt16 for a scaling without shift.
func tanhInt16Unshifted(m int32, in, out []int16) {
	out = out[:len(in)]
	for i, v := range in {
		x := int32(v) * m
		sign := x >> 31
		abs := uint32((x ^ sign) - sign)
		h := min(abs>>8, 254)
		a, b := uint32(sigmoidTable[h]), uint32(sigmoidTable[h+1])
		r := int32(a<<8 + (abs&0xFF)*(b-a))
		if abs >= 255<<8 {
			r = 0xFFFF << 8
		}
		pos, neg := r-1<<23+1<<7, -r+1<<23+1<<7-1
		if x < 0 {
			pos = neg
		}
		out[i] = int16(pos >> 8)
	}
}
