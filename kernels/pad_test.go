package kernels

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// refPad pads from the definition: an output element is the input element
// at its index minus the left paddings, or value outside the input.
func refPad(shape, before []int, out []int, in []int8, value int8) []int8 {
	res := make([]int8, numel(out))
	idx := make([]int, len(out))
	for o := range res {
		k := o
		for d := len(out) - 1; d >= 0; d-- {
			idx[d] = k % out[d]
			k /= out[d]
		}
		off, inside := 0, true
		for d := range shape {
			j := idx[d] - before[d]
			if j < 0 || j >= shape[d] {
				inside = false
				break
			}
			off = off*shape[d] + j
		}
		res[o] = value
		if inside {
			res[o] = in[off]
		}
	}
	return res
}

func TestPadRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for it := 0; it < 400; it++ {
		rank := r.IntN(MaxPadDims + 1)
		shape, before, after := make([]int, rank), make([]int, rank), make([]int, rank)
		for d := range shape {
			shape[d] = r.IntN(4)
			before[d], after[d] = r.IntN(3), r.IntN(3)
		}
		p, outShape, err := NewPad(shape, before, after)
		if err != nil {
			t.Fatal(err)
		}
		in := rndInt8s(r, numel(shape))
		got := make([]int8, p.OutputSize())
		PadConstant(p, in, got, -7)
		if want := refPad(shape, before, outShape, in, -7); !slices.Equal(got, want) {
			t.Fatalf("%v pad %v/%v: got %v, want %v", shape, before, after, got, want)
		}
	}
}

// TestPadImageStyle pads a [1,2,2,1] image by one pixel all round.
func TestPadImageStyle(t *testing.T) {
	p, out, err := NewPad([]int{1, 2, 2, 1}, []int{0, 1, 1, 0}, []int{0, 1, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out, []int{1, 4, 4, 1}) {
		t.Fatalf("output shape %v", out)
	}
	got := make([]float32, 16)
	PadConstant(p, []float32{1, 2, 3, 4}, got, 0)
	want := []float32{0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, _, err := NewPad([]int{2}, []int{-1}, []int{0}); err == nil {
		t.Error("negative padding accepted")
	}
	if _, _, err := NewPad(make([]int, 6), make([]int, 6), make([]int, 6)); err == nil {
		t.Error("6-D accepted")
	}
}

func TestPadAllocs(t *testing.T) {
	p, _, _ := NewPad([]int{1, 8, 8, 3}, []int{0, 1, 1, 0}, []int{0, 1, 1, 0})
	in, out := make([]int8, 192), make([]int8, p.OutputSize())
	if n := testing.AllocsPerRun(10, func() { PadConstant(p, in, out, 3) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
