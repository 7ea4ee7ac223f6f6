package quantize

import (
	"fmt"
	"math"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

// Samples supplies the inputs of calibration and evaluation runs.
type Samples interface {
	// Len returns the number of samples.
	Len() int
	// Sample returns sample i: one slice of float32 values per graph input,
	// in the order of the model's inputs.
	Sample(i int) [][]float32
}

// SingleInput returns Samples for a model with one input: n samples of
// len(data)/n values each, stored one after another.
func SingleInput(data []float32, n int) Samples {
	return &singleInput{data: data, n: n}
}

type singleInput struct {
	data []float32
	n    int
	one  [1][]float32
}

func (s *singleInput) Len() int { return s.n }

func (s *singleInput) Sample(i int) [][]float32 {
	per := len(s.data) / s.n
	s.one[0] = s.data[i*per : (i+1)*per]
	return s.one[:]
}

// subset returns the first n samples of s.
func subset(s Samples, n int) Samples {
	if n <= 0 || n >= s.Len() {
		return s
	}
	return &firstN{s, n}
}

type firstN struct {
	Samples
	n int
}

func (f *firstN) Len() int { return f.n }

// SetInput writes real values into input tensor t: copied into a float32
// tensor, quantized (round half away from zero, saturating, as TFLite's
// QUANTIZE) into an int8 or int16 one.
func SetInput(t *runtime.Tensor, x []float32) error {
	n := t.NumElements()
	if len(x) != n {
		return fmt.Errorf("quantize: input %s %v %s needs %d values, sample has %d", t.Name, t.Shape, t.Type, n, len(x))
	}
	switch t.Type {
	case format.Float32:
		copy(t.Float32(), x)
		return nil
	case format.Int8, format.Int16:
		if !t.Quantized() {
			return fmt.Errorf("quantize: input %s is %s without quantization parameters", t.Name, t.Type)
		}
		scale, zp := t.Scale[0], float64(t.ZeroPoint[0])
		if t.Type == format.Int8 {
			dst := t.Int8()
			for i, v := range x {
				dst[i] = int8(min(max(math.Round(float64(v/scale))+zp, math.MinInt8), math.MaxInt8))
			}
		} else {
			dst := t.Int16()
			for i, v := range x {
				dst[i] = int16(min(max(math.Round(float64(v/scale))+zp, math.MinInt16), math.MaxInt16))
			}
		}
		return nil
	}
	return fmt.Errorf("quantize: input %s has type %s; want float32, int8 or int16", t.Name, t.Type)
}

// Values returns t's elements as real numbers, dequantizing integer
// tensors that carry (per-tensor or per-channel) quantization parameters.
// It appends to dst[:0].
func Values(t *runtime.Tensor, dst []float32) []float32 {
	dst = dst[:0]
	switch t.Type {
	case format.Float32:
		return append(dst, t.Float32()...)
	case format.Int8, format.Int16, format.Int32, format.UInt8:
	default:
		return dst
	}
	channels, inner := 1, 1
	if len(t.Scale) > 1 && t.QuantAxis >= 0 && t.QuantAxis < len(t.Shape) && t.Shape[t.QuantAxis] == len(t.Scale) {
		channels = len(t.Scale)
		for _, d := range t.Shape[t.QuantAxis+1:] {
			inner *= d
		}
	}
	at := func(i int) (float32, float32) {
		if !t.Quantized() {
			return 1, 0
		}
		c := (i / inner) % channels
		zp := float32(0)
		if c < len(t.ZeroPoint) {
			zp = float32(t.ZeroPoint[c])
		}
		return t.Scale[c], zp
	}
	switch t.Type {
	case format.Int8:
		for i, q := range t.Int8() {
			s, z := at(i)
			dst = append(dst, s*(float32(q)-z))
		}
	case format.UInt8:
		for i, q := range t.Uint8() {
			s, z := at(i)
			dst = append(dst, s*(float32(q)-z))
		}
	case format.Int16:
		for i, q := range t.Int16() {
			s, z := at(i)
			dst = append(dst, s*(float32(q)-z))
		}
	case format.Int32:
		for i, q := range t.Int32() {
			s, z := at(i)
			dst = append(dst, s*(float32(q)-z))
		}
	}
	return dst
}

// setInputs loads sample i into the interpreter's inputs.
func setInputs(ip *runtime.Interpreter, s Samples, i int) error {
	in := s.Sample(i)
	if len(in) != ip.NumInputs() {
		return fmt.Errorf("quantize: sample %d has %d inputs, model has %d", i, len(in), ip.NumInputs())
	}
	for k, x := range in {
		if err := SetInput(ip.Input(k), x); err != nil {
			return fmt.Errorf("sample %d: %w", i, err)
		}
	}
	return nil
}
