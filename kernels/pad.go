package kernels

import (
	"fmt"
	"math"
)

// MaxPadDims is the largest rank PAD accepts, as in TFLite.
const MaxPadDims = 5

// Pad is the precomputed plan of a constant PAD, with the shapes extended
// to MaxPadDims dimensions by leading 1s.
type Pad struct {
	in, out     [MaxPadDims]int
	left, right [MaxPadDims]int
	outSize     int
}

// NewPad plans padding a tensor of the given shape by before[d] elements
// in front of and after[d] behind each dimension d (all non-negative), and
// returns the output shape.
func NewPad(shape, before, after []int) (*Pad, []int, error) {
	n := len(shape)
	if n > MaxPadDims {
		return nil, nil, fmt.Errorf("rank %d is more than the %d PAD supports", n, MaxPadDims)
	}
	if len(before) != n || len(after) != n {
		return nil, nil, fmt.Errorf("%d/%d paddings for rank %d", len(before), len(after), n)
	}
	p := &Pad{}
	size := int64(1)
	outShape := make([]int, n)
	for i := range p.in {
		p.in[i], p.out[i] = 1, 1
	}
	for d := 0; d < n; d++ {
		if before[d] < 0 || after[d] < 0 {
			return nil, nil, fmt.Errorf("negative padding %d, %d in dimension %d", before[d], after[d], d)
		}
		if shape[d] < 0 {
			return nil, nil, fmt.Errorf("negative dimension in shape %v", shape)
		}
		const limit = 1 << 30
		if shape[d] > limit || before[d] > limit || after[d] > limit {
			return nil, nil, fmt.Errorf("padding %d, %d of dimension %d (%d) too large", before[d], after[d], d, shape[d])
		}
		k := MaxPadDims - n + d
		p.in[k] = shape[d]
		p.left[k], p.right[k] = before[d], after[d]
		p.out[k] = shape[d] + before[d] + after[d]
		outShape[d] = p.out[k]
		size *= int64(p.out[k])
		if size > math.MaxInt32 {
			return nil, nil, fmt.Errorf("padded shape %v too large", outShape[:d+1])
		}
	}
	p.outSize = int(size)
	return p, outShape, nil
}

// OutputSize is the number of output elements.
func (p *Pad) OutputSize() int { return p.outSize }

// PadConstant pads in into out with value, as TFLite's reference PadImpl
// does: output elements inside the padded border take the input's in
// row-major order, the others value.
func PadConstant[T any](p *Pad, in, out []T, value T) {
	out = out[:p.outSize]
	// Inner rows: the last dimension; the four outer ones are walked below.
	rowOut, rowIn := p.out[4], p.in[4]
	l4 := p.left[4]
	o, i := 0, 0
	for a := 0; a < p.out[0]; a++ {
		pa := a < p.left[0] || a >= p.left[0]+p.in[0]
		for b := 0; b < p.out[1]; b++ {
			pb := pa || b < p.left[1] || b >= p.left[1]+p.in[1]
			for c := 0; c < p.out[2]; c++ {
				pc := pb || c < p.left[2] || c >= p.left[2]+p.in[2]
				for d := 0; d < p.out[3]; d++ {
					row := out[o : o+rowOut]
					o += rowOut
					if pc || d < p.left[3] || d >= p.left[3]+p.in[3] {
						fill(row, value)
						continue
					}
					fill(row[:l4], value)
					copy(row[l4:l4+rowIn], in[i:i+rowIn])
					fill(row[l4+rowIn:], value)
					i += rowIn
				}
			}
		}
	}
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}
