package kernels

import (
	"fmt"
	"math"
)

// MaxTransposeDims is the largest rank TRANSPOSE accepts, as in TFLite.
const MaxTransposeDims = 6

// Transpose is the precomputed plan of a TRANSPOSE: output dimension i is
// input dimension perm[i]. Shapes are extended to MaxTransposeDims
// dimensions by leading 1s.
type Transpose struct {
	out    [MaxTransposeDims]int // output shape
	stride [MaxTransposeDims]int // input elements skipped per step of each output dimension
	size   int
}

// NewTranspose plans permuting a tensor of the given shape so that output
// dimension i is input dimension perm[i], and returns the output shape.
// perm must name every dimension once.
func NewTranspose(shape, perm []int) (*Transpose, []int, error) {
	n := len(shape)
	if n > MaxTransposeDims {
		return nil, nil, fmt.Errorf("rank %d is more than the %d TRANSPOSE supports", n, MaxTransposeDims)
	}
	if len(perm) != n {
		return nil, nil, fmt.Errorf("permutation %v for rank %d", perm, n)
	}
	var seen [MaxTransposeDims]bool
	for _, d := range perm {
		if d < 0 || d >= n || seen[d] {
			return nil, nil, fmt.Errorf("%v is not a permutation of %d dimensions", perm, n)
		}
		seen[d] = true
	}
	// Row-major strides of the input.
	var inStride [MaxTransposeDims]int
	size := int64(1)
	for d := n - 1; d >= 0; d-- {
		if shape[d] < 0 {
			return nil, nil, fmt.Errorf("negative dimension in shape %v", shape)
		}
		inStride[d] = int(size)
		size *= int64(shape[d])
		if size > math.MaxInt32 {
			return nil, nil, fmt.Errorf("shape %v too large", shape)
		}
	}
	p := &Transpose{size: int(size)}
	outShape := make([]int, n)
	for i := range p.out {
		p.out[i] = 1
	}
	for i, d := range perm {
		k := MaxTransposeDims - n + i
		p.out[k] = shape[d]
		p.stride[k] = inStride[d]
		outShape[i] = shape[d]
	}
	return p, outShape, nil
}

// OutputSize is the number of output elements.
func (p *Transpose) OutputSize() int { return p.size }

// TransposeCopy writes the permuted in to out, walking out in row-major
// order:
//
//	out[i0, …, i5] = in[Σ ik·stride[k]]
func TransposeCopy[T any](p *Transpose, in, out []T) {
	if p.size == 0 {
		return
	}
	out = out[:p.size]
	s, e := p.stride, p.out
	o := 0
	for a := 0; a < e[0]; a++ {
		ia := a * s[0]
		for b := 0; b < e[1]; b++ {
			ib := ia + b*s[1]
			for c := 0; c < e[2]; c++ {
				ic := ib + c*s[2]
				for d := 0; d < e[3]; d++ {
					id := ic + d*s[3]
					for f := 0; f < e[4]; f++ {
						i := id + f*s[4]
						row := out[o : o+e[5]]
						o += e[5]
						if s[5] == 1 {
							copy(row, in[i:i+e[5]])
							continue
						}
						for g := range row {
							row[g] = in[i]
							i += s[5]
						}
					}
				}
			}
		}
	}
}
