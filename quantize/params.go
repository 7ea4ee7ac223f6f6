package quantize

import (
	"fmt"
	"math"
)

// optionError reports a bad option value.
type optionError struct{ name, value, want string }

func (e *optionError) Error() string {
	return fmt.Sprintf("quantize: bad %s %q (want %s)", e.name, e.value, e.want)
}

// Affine are per-tensor affine quantization parameters: real = Scale·(q − ZeroPoint).
type Affine struct {
	Scale     float32 `json:"scale"`
	ZeroPoint int32   `json:"zero_point"`
}

// Int8 fixed output parameters TFLite's integer kernels require.
var (
	softmaxInt8  = Affine{Scale: 1.0 / 256, ZeroPoint: -128} // SOFTMAX, LOGISTIC
	tanhInt8     = Affine{Scale: 1.0 / 128, ZeroPoint: 0}    // TANH
	softmaxInt16 = Affine{Scale: 1.0 / 32768, ZeroPoint: 0}  // SOFTMAX, LOGISTIC (16x8)
	tanhInt16    = Affine{Scale: 1.0 / 32768, ZeroPoint: 0}  // TANH (16x8)
)

// AffineFor returns the parameters that map range r onto grid g the way
// TFLite's quantizer does: the range is widened to contain 0, the scale
// spreads it over the grid, and the zero point is the integer nearest to
// where 0 falls (clamped to the grid), so 0 is represented exactly.
// Symmetric grids use zero point 0 and scale max(|min|,|max|)/qmax.
func AffineFor(r Range, g Grid) Affine {
	r = r.withZero()
	lo, hi := float64(r.Min), float64(r.Max)
	if g.Symmetric {
		qmax := float64(g.Levels-1) / 2
		m := max(-lo, hi)
		if !(m > 0) || math.IsInf(m, 0) {
			return Affine{Scale: 1 / float32(qmax), ZeroPoint: 0}
		}
		return Affine{Scale: float32(m / qmax), ZeroPoint: 0}
	}
	qmin := -float64(g.Levels / 2)
	qmax := qmin + float64(g.Levels-1)
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		// Nothing but zeros was seen: any scale represents it; pick [0, 1].
		return Affine{Scale: float32(1 / (qmax - qmin)), ZeroPoint: int32(qmin)}
	}
	scale := (hi - lo) / (qmax - qmin)
	zp := qmin - lo/scale
	switch {
	case zp <= qmin:
		zp = qmin
	case zp >= qmax:
		zp = qmax
	default:
		zp = math.Round(zp)
	}
	return Affine{Scale: float32(scale), ZeroPoint: int32(zp)}
}

// Representable returns the real range the parameters can express on g.
func (a Affine) Representable(g Grid) Range {
	qmin := -g.Levels / 2
	qmax := qmin + g.Levels - 1
	if g.Symmetric {
		qmin, qmax = -(g.Levels-1)/2, (g.Levels-1)/2
	}
	return Range{Min: a.Scale * float32(qmin-int(a.ZeroPoint)), Max: a.Scale * float32(qmax-int(a.ZeroPoint))}
}

// channelLayout describes how a weight tensor splits into quantization
// channels along one axis: element i belongs to channel (i / inner) % n.
type channelLayout struct {
	n, inner int
}

// layoutOf returns the channel layout of shape along axis; axis < 0 means
// the whole tensor is one channel.
func layoutOf(shape []int32, axis int) (channelLayout, error) {
	if axis < 0 {
		return channelLayout{n: 1, inner: math.MaxInt}, nil
	}
	if axis >= len(shape) {
		return channelLayout{}, fmt.Errorf("quantize: channel axis %d out of range for shape %v", axis, shape)
	}
	inner := 1
	for _, d := range shape[axis+1:] {
		inner *= int(d)
	}
	return channelLayout{n: int(shape[axis]), inner: inner}, nil
}

func (l channelLayout) channel(i int) int {
	if l.n == 1 {
		return 0
	}
	return (i / l.inner) % l.n
}

// SymmetricWeights quantizes w symmetrically per channel along axis (axis < 0:
// per tensor) to integers in [-qmax, qmax], qmax = 2^(bits-1) − 1, as TFLite
// does for weights: scale_c = max|w_c| / qmax, q = round(w / scale_c) (ties
// away from zero). A channel of zeros gets scale 1.
func SymmetricWeights(w []float32, shape []int32, axis, bits int) (q []int8, scales []float32, err error) {
	l, err := layoutOf(shape, axis)
	if err != nil {
		return nil, nil, err
	}
	qmax := float64(int(1)<<(bits-1) - 1)
	absMax := make([]float64, l.n)
	for i, v := range w {
		c := l.channel(i)
		absMax[c] = max(absMax[c], math.Abs(float64(v)))
	}
	scales = make([]float32, l.n)
	for c, m := range absMax {
		if m == 0 || math.IsInf(m, 0) || m != m {
			scales[c] = 1
			continue
		}
		scales[c] = float32(m / qmax)
	}
	q = make([]int8, len(w))
	for i, v := range w {
		s := float64(scales[l.channel(i)])
		q[i] = int8(min(max(math.Round(float64(v)/s), -qmax), qmax))
	}
	return q, scales, nil
}

// dequantizeWeights returns the real values q stands for.
func dequantizeWeights(q []int8, shape []int32, axis int, scales []float32) []float32 {
	l, _ := layoutOf(shape, axis)
	out := make([]float32, len(q))
	for i, v := range q {
		out[i] = float32(v) * scales[l.channel(i)]
	}
	return out
}

// QuantizeBias turns a float bias into int32 with scale inputScale·weightScale[c]
// and zero point 0, as TFLite's integer kernels expect. It also returns the
// scales. Values beyond int32 saturate.
func QuantizeBias(b []float32, inputScale float32, weightScales []float32) ([]int32, []float32) {
	scales := make([]float32, len(weightScales))
	for c, ws := range weightScales {
		scales[c] = inputScale * ws
	}
	q := make([]int32, len(b))
	for i, v := range b {
		s := scales[0]
		if len(scales) > 1 {
			s = scales[i%len(scales)]
		}
		q[i] = int32(min(max(math.Round(float64(v)/float64(s)), math.MinInt32), math.MaxInt32))
	}
	return q, scales
}

// QuantizeBias64 is QuantizeBias for the int64 biases of 16x8 kernels.
func QuantizeBias64(b []float32, inputScale float32, weightScales []float32) ([]int64, []float32) {
	scales := make([]float32, len(weightScales))
	for c, ws := range weightScales {
		scales[c] = inputScale * ws
	}
	q := make([]int64, len(b))
	for i, v := range b {
		s := scales[0]
		if len(scales) > 1 {
			s = scales[i%len(scales)]
		}
		q[i] = int64(min(max(math.Round(float64(v)/float64(s)), -(1<<62)), 1<<62))
	}
	return q, scales
}

// quantizeValues maps reals to integers of a grid with parameters a,
// rounding ties away from zero and saturating, as TFLite's QUANTIZE does.
func quantizeValues(x []float32, a Affine, g Grid) []int32 {
	qmin := -g.Levels / 2
	qmax := qmin + g.Levels - 1
	if g.Symmetric {
		qmin, qmax = -(g.Levels-1)/2-1, (g.Levels-1)/2
	}
	out := make([]int32, len(x))
	for i, v := range x {
		r := math.Round(float64(v)/float64(a.Scale)) + float64(a.ZeroPoint)
		out[i] = int32(min(max(r, float64(qmin)), float64(qmax)))
	}
	return out
}
