package kernels

import (
	"fmt"
	"math"
	"math/bits"
)

// Mean is the precomputed plan of a MEAN over a set of axes.
//
// Sums are accumulated walking the input in row-major order, as TFLite's
// reference Reduce does, so float results round exactly as TFLite's. For
// int8/int16, TFLite Micro divides the int32 sum by the element count with
// truncation when input and output share their quantization, and
// otherwise folds 1/count into the output rescaling (QuantizedMeanOrSum);
// SetQuantization chooses between the two.
type Mean struct {
	in        []int // input shape
	outStride []int // output offset step per input dimension (0: reduced)
	outSize   int
	count     int // input elements averaged into each output

	sameQuant       bool
	multiplier      int32
	shift           int
	inZero, outZero int32
}

// MaxMeanDims is the largest rank MEAN accepts.
const MaxMeanDims = 8

// NewMean plans a MEAN of a tensor of the given shape over axes (negative
// axes count from the back; repeats are ignored) and returns the output
// shape: reduced dimensions become 1 with keepDims, and are dropped
// otherwise.
func NewMean(shape []int, axes []int, keepDims bool) (*Mean, []int, error) {
	n := len(shape)
	if n > MaxMeanDims {
		return nil, nil, fmt.Errorf("rank %d is more than the %d MEAN supports", n, MaxMeanDims)
	}
	reduced := make([]bool, n)
	if n > 0 {
		for _, a := range axes {
			r := a
			if r < 0 {
				r += n
			}
			if r < 0 || r >= n {
				return nil, nil, fmt.Errorf("axis %d out of range for rank %d", a, n)
			}
			reduced[r] = true
		}
	}
	m := &Mean{in: append([]int(nil), shape...), outStride: make([]int, n), outSize: 1, count: 1}
	var outShape []int
	for d := 0; d < n; d++ {
		if shape[d] < 0 {
			return nil, nil, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if reduced[d] {
			m.count *= shape[d]
			if keepDims {
				outShape = append(outShape, 1)
			}
			continue
		}
		m.outSize *= shape[d]
		outShape = append(outShape, shape[d])
	}
	if outShape == nil {
		outShape = []int{}
	}
	stride := 1
	for d := n - 1; d >= 0; d-- {
		if !reduced[d] {
			m.outStride[d] = stride
			stride *= shape[d]
		}
	}
	return m, outShape, nil
}

// OutputSize is the number of output elements.
func (m *Mean) OutputSize() int { return m.outSize }

// SetQuantization precomputes the int8/int16 rescaling from the input's
// quantization to the output's.
func (m *Mean) SetQuantization(inScale float32, inZp int32, outScale float32, outZp int32) error {
	if !(inScale > 0 && outScale > 0) {
		return fmt.Errorf("scales must be positive (input %g, output %g)", inScale, outScale)
	}
	m.inZero, m.outZero = inZp, outZp
	m.sameQuant = inZp == outZp && inScale == outScale
	m.multiplier, m.shift = QuantizeMultiplier(float64(inScale) / float64(outScale))
	if m.shift > 31 {
		return fmt.Errorf("input/output scale ratio %g too large", float64(inScale)/float64(outScale))
	}
	if m.count > 0 {
		// Fold 1/count into the multiplier as QuantizedMeanOrSum does,
		// keeping shift - s >= -31 and s <= 32.
		s := 63 - bits.LeadingZeros64(uint64(m.count))
		s = min(s, 32, 31+m.shift)
		m.multiplier = int32((int64(m.multiplier) << uint(s)) / int64(m.count))
		m.shift -= s
	}
	return nil
}

// meanSum adds every input element into acc at its output offset.
func meanSum[T int8 | int16 | float32, A int32 | float32](m *Mean, in []T, acc []A) {
	for i := range acc {
		acc[i] = 0
	}
	if m.count == 0 || m.outSize == 0 {
		return
	}
	n := len(m.in)
	if n == 0 {
		acc[0] += A(in[0])
		return
	}
	var idx [MaxMeanDims]int
	inner, innerStride := m.in[n-1], m.outStride[n-1]
	size := m.outSize * m.count
	o := 0
	for i := 0; i < size; i += inner {
		row := in[i : i+inner]
		if innerStride == 0 {
			a := acc[o]
			for _, v := range row {
				a += A(v)
			}
			acc[o] = a
		} else {
			dst := acc[o : o+inner]
			for k, v := range row {
				dst[k] += A(v)
			}
		}
		// Advance the outer dimensions like an odometer.
		for d := n - 2; d >= 0; d-- {
			idx[d]++
			o += m.outStride[d]
			if idx[d] < m.in[d] {
				break
			}
			o -= m.outStride[d] * idx[d]
			idx[d] = 0
		}
	}
}

// MeanFloat32 computes the mean in float32.
func MeanFloat32(m *Mean, in, out []float32) {
	out = out[:m.outSize]
	meanSum(m, in, out)
	if m.count == 0 {
		return
	}
	c := float32(m.count)
	for i := range out {
		out[i] /= c
	}
}

// MeanInt8 computes the mean of a quantized int8 tensor; acc is scratch
// for OutputSize() int32 sums.
func MeanInt8(m *Mean, in, out []int8, acc []int32) {
	meanQuantized(m, in, out, acc, math.MinInt8, math.MaxInt8)
}

// MeanInt16 computes the mean of a quantized int16 tensor; acc is scratch
// for OutputSize() int32 sums.
func MeanInt16(m *Mean, in, out []int16, acc []int32) {
	meanQuantized(m, in, out, acc, math.MinInt16, math.MaxInt16)
}

func meanQuantized[T int8 | int16](m *Mean, in, out []T, acc []int32, lo, hi int32) {
	out, acc = out[:m.outSize], acc[:m.outSize]
	meanSum(m, in, acc)
	if m.count == 0 {
		for i := range out {
			out[i] = 0
		}
		return
	}
	if m.sameQuant {
		c := int32(m.count)
		for i, s := range acc {
			out[i] = T(s / c) // truncating, as TFLite's integer Mean
		}
		return
	}
	offset := int32(int64(m.inZero) * int64(m.count))
	for i, s := range acc {
		q := MultiplyByQuantizedMultiplier(s-offset, m.multiplier, m.shift) + m.outZero
		out[i] = T(min(max(q, lo), hi))
	}
}
