package kernels

import (
	"slices"
	"testing"
)

// transposeRef is the textbook definition: for every output index, unravel
// it, map each output coordinate to its input dimension, ravel.
func transposeRef(in []int32, shape, perm []int) []int32 {
	n := len(shape)
	outShape := make([]int, n)
	for i, d := range perm {
		outShape[i] = shape[d]
	}
	total := 1
	for _, d := range shape {
		total *= d
	}
	out := make([]int32, total)
	idx := make([]int, n)
	for o := range out {
		r := o
		for i := n - 1; i >= 0; i-- {
			idx[i] = r % outShape[i]
			r /= outShape[i]
		}
		inIdx := make([]int, n)
		for i, d := range perm {
			inIdx[d] = idx[i]
		}
		flat := 0
		for d := 0; d < n; d++ {
			flat = flat*shape[d] + inIdx[d]
		}
		out[o] = in[flat]
	}
	return out
}

func TestTranspose(t *testing.T) {
	cases := []struct{ shape, perm []int }{
		{[]int{}, []int{}},
		{[]int{5}, []int{0}},
		{[]int{2, 3}, []int{1, 0}},
		{[]int{1, 3, 4, 5}, []int{0, 2, 3, 1}}, // NCHW -> NHWC
		{[]int{2, 4, 5, 3}, []int{0, 3, 1, 2}}, // NHWC -> NCHW
		{[]int{2, 3, 4}, []int{2, 0, 1}},
		{[]int{2, 1, 3, 2, 2, 3}, []int{5, 3, 1, 0, 4, 2}},
		{[]int{3, 0, 2}, []int{1, 2, 0}},
	}
	for _, c := range cases {
		n := 1
		for _, d := range c.shape {
			n *= d
		}
		in := make([]int32, n)
		for i := range in {
			in[i] = int32(i*7 + 1)
		}
		p, shape, err := NewTranspose(c.shape, c.perm)
		if err != nil {
			t.Fatalf("%v %v: %v", c.shape, c.perm, err)
		}
		want := transposeRef(in, c.shape, c.perm)
		got := make([]int32, p.OutputSize())
		TransposeCopy(p, in, got)
		if !slices.Equal(got, want) {
			t.Errorf("%v perm %v (out %v): got %v, want %v", c.shape, c.perm, shape, got, want)
		}
	}
	for _, bad := range []struct{ shape, perm []int }{
		{[]int{2, 3}, []int{0, 0}},
		{[]int{2, 3}, []int{0}},
		{[]int{2, 3}, []int{0, 2}},
		{[]int{1, 1, 1, 1, 1, 1, 1}, []int{0, 1, 2, 3, 4, 5, 6}},
		{[]int{1 << 20, 1 << 20}, []int{1, 0}},
	} {
		if _, _, err := NewTranspose(bad.shape, bad.perm); err == nil {
			t.Errorf("%v perm %v: no error", bad.shape, bad.perm)
		}
	}
}
