package kernels

import (
	"fmt"
	"math"
)

// QuantInt is the set of integer element types QUANTIZE converts between.
type QuantInt interface {
	~int8 | ~uint8 | ~int16 | ~int32
}

func intRange[T QuantInt]() (lo, hi int32) {
	var z T
	switch any(z).(type) {
	case int8:
		return math.MinInt8, math.MaxInt8
	case uint8:
		return 0, math.MaxUint8
	case int16:
		return math.MinInt16, math.MaxInt16
	}
	return math.MinInt32, math.MaxInt32
}

// QuantizeFloat32 quantizes in into out as TFLite's AffineQuantize does:
// round(x / scale) in float32, rounding half away from zero, plus the zero
// point, clamped to the type's range. Values beyond the int32 range, where
// the C++ conversion is undefined, saturate; NaN maps to the zero point.
func QuantizeFloat32[T QuantInt](in []float32, out []T, scale float32, zeroPoint int32) {
	lo, hi := intRange[T]()
	out = out[:len(in)]
	for i, v := range in {
		r := math.Round(float64(v / scale))
		var q int64
		switch {
		case r != r:
			q = 0
		case r > math.MaxInt32:
			q = math.MaxInt32
		case r < math.MinInt32:
			q = math.MinInt32
		default:
			q = int64(r)
		}
		q += int64(zeroPoint)
		out[i] = T(max(min(q, int64(hi)), int64(lo)))
	}
}

// Requantize holds the rescaling of an integer → integer QUANTIZE (TFLite's
// reference_ops::Requantize): out = MultiplyByQuantizedMultiplier(x - inZp)
// + outZp, clamped.
type Requantize struct {
	Multiplier      int32
	Shift           int
	InZero, OutZero int32
}

// NewRequantize computes the rescaling from (inScale, inZp) to
// (outScale, outZp), as TFLite Micro's PrepareQuantizeReference does.
func NewRequantize(inScale float32, inZp int32, outScale float32, outZp int32) (Requantize, error) {
	if !(inScale > 0 && outScale > 0) {
		return Requantize{}, fmt.Errorf("scales must be positive (input %g, output %g)", inScale, outScale)
	}
	m, s := QuantizeMultiplier(float64(inScale) / float64(outScale))
	if s > 31 {
		return Requantize{}, fmt.Errorf("input/output scale ratio %g too large", float64(inScale)/float64(outScale))
	}
	return Requantize{Multiplier: m, Shift: s, InZero: inZp, OutZero: outZp}, nil
}

// RequantizeInts converts in to out element by element.
func RequantizeInts[I, O QuantInt](r *Requantize, in []I, out []O) {
	lo, hi := intRange[O]()
	out = out[:len(in)]
	if r.Multiplier >= 0 && r.Shift >= -31 && r.Shift <= 30 {
		// MultiplyByQuantizedMultiplier unpacked once (requant.go).
		ch := newRequantChannel(r.Multiplier, int32(r.Shift))
		zi, zo := r.InZero, r.OutZero
		for i, v := range in {
			out[i] = O(min(max(ch.apply(int32(v)-zi)+zo, lo), hi))
		}
		return
	}
	for i, v := range in {
		q := MultiplyByQuantizedMultiplier(int32(v)-r.InZero, r.Multiplier, r.Shift) + r.OutZero
		out[i] = O(min(max(q, lo), hi))
	}
}

// LUT returns the int8 → int8 requantization as a lookup table.
func (r *Requantize) LUT() *LUT8 {
	return newLUT8(func(x int32) int32 {
		q := MultiplyByQuantizedMultiplier(x-r.InZero, r.Multiplier, r.Shift) + r.OutZero
		return min(max(q, math.MinInt8), math.MaxInt8)
	})
}

// Dequantize converts in to float32 as TFLite's reference Dequantize does:
// float32(double(scale) * (x - zeroPoint)).
func Dequantize[T QuantInt](in []T, out []float32, scale float32, zeroPoint int32) {
	s := float64(scale)
	out = out[:len(in)]
	for i, v := range in {
		out[i] = float32(s * float64(int32(v)-zeroPoint))
	}
}

// DequantizeTable returns the int8 → float32 dequantization as a table
// indexed by uint8(x).
func DequantizeTable(scale float32, zeroPoint int32) *[256]float32 {
	t := new([256]float32)
	for x := int32(math.MinInt8); x <= math.MaxInt8; x++ {
		t[uint8(int8(x))] = float32(float64(scale) * float64(x-zeroPoint))
	}
	return t
}

// DequantizeInt8Table dequantizes through a table built by DequantizeTable.
func DequantizeInt8Table(t *[256]float32, in []int8, out []float32) {
	out = out[:len(in)]
	for i, v := range in {
		out[i] = t[uint8(v)]
	}
}
