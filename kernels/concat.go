package kernels

import (
	"fmt"
	"math"
)

// Concat is the precomputed plan of a CONCATENATION: the output is, for
// each of Outer steps, the inputs' chunks one after another, where an
// input's chunk is its extent along the axis times the inner size.
type Concat struct {
	outer int
	chunk []int // elements per outer step, per input
	total int   // output elements
}

// NewConcat checks that the input shapes agree with the output shape
// except along axis (which must be in [0, rank)) and that the output's
// extent along axis is the inputs' sum, and plans the copy.
func NewConcat(inShapes [][]int, outShape []int, axis int) (*Concat, error) {
	rank := len(outShape)
	if axis < 0 || axis >= rank {
		return nil, fmt.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	if len(inShapes) == 0 {
		return nil, fmt.Errorf("no inputs")
	}
	c := &Concat{outer: 1, chunk: make([]int, len(inShapes)), total: 1}
	inner := 1
	for d, n := range outShape {
		if n < 0 {
			return nil, fmt.Errorf("negative dimension in output shape %v", outShape)
		}
		switch {
		case d < axis:
			c.outer *= n
		case d > axis:
			inner *= n
		}
		c.total *= n
	}
	sum := 0
	for i, s := range inShapes {
		if len(s) != rank {
			return nil, fmt.Errorf("input %d has shape %v, rank %d, output has rank %d", i, s, len(s), rank)
		}
		for d := range s {
			if d != axis && s[d] != outShape[d] {
				return nil, fmt.Errorf("input %d has shape %v, output %v: they differ in dimension %d, not only along axis %d", i, s, outShape, d, axis)
			}
		}
		if s[axis] < 0 {
			return nil, fmt.Errorf("negative dimension in input %d shape %v", i, s)
		}
		sum += s[axis]
		c.chunk[i] = s[axis] * inner
	}
	if sum != outShape[axis] {
		return nil, fmt.Errorf("inputs add up to %d along axis %d, output has %d", sum, axis, outShape[axis])
	}
	return c, nil
}

// Copy concatenates ins into out, elemSize bytes per element. Each ins[i]
// must hold the input's elements (at least), out the output's.
func (c *Concat) Copy(ins [][]byte, out []byte, elemSize int) {
	o := 0
	for k := 0; k < c.outer; k++ {
		for i, in := range ins {
			n := c.chunk[i] * elemSize
			copy(out[o:o+n], in[k*n:(k+1)*n])
			o += n
		}
	}
}

// Int8 concatenates int8 inputs, mapping input i through luts[i] where it
// is not nil (an input quantized differently from the output) and copying
// it otherwise.
func (c *Concat) Int8(ins [][]int8, luts []*LUT8, out []int8) {
	o := 0
	for k := 0; k < c.outer; k++ {
		for i, in := range ins {
			n := c.chunk[i]
			src, dst := in[k*n:(k+1)*n], out[o:o+n]
			if t := luts[i]; t != nil {
				t.Apply(src, dst)
			} else {
				copy(dst, src)
			}
			o += n
		}
	}
}

// NewConcatRescaleLUT returns the table that rescales an int8 input of a
// CONCATENATION to the output's quantization, with the float arithmetic of
// TFLite's reference ConcatenationWithScaling (which TFLite uses for uint8):
// round(x*s + b) + outZp, where s = inScale * (1/outScale) and b = -inZp*s,
// all in float32, clamped. TFLite Micro itself copies int8 inputs
// unchanged whatever their quantization, which is only right when it
// matches the output's; the converter always makes it so.
func NewConcatRescaleLUT(inScale float32, inZp int32, outScale float32, outZp int32) (*LUT8, error) {
	if !(inScale > 0 && outScale > 0) {
		return nil, fmt.Errorf("scales must be positive (input %g, output %g)", inScale, outScale)
	}
	s := inScale * (1 / outScale)
	b := float32(-inZp) * s
	return newLUT8(func(x int32) int32 {
		v := math.Round(float64(float32(float32(x)*s) + b))
		v = math.Max(math.Min(v, math.MaxInt32/2), math.MinInt32/2)
		return min(max(int32(v)+outZp, math.MinInt8), math.MaxInt8)
	}), nil
}
