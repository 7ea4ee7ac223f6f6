package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refConcat concatenates from the definition: output element at index idx
// comes from the input whose range along axis holds idx[axis].
func refConcat(shapes [][]int, data [][]int8, axis int, out []int) []int8 {
	res := make([]int8, numel(out))
	idx := make([]int, len(out))
	for o := range res {
		k := o
		for d := len(out) - 1; d >= 0; d-- {
			idx[d] = k % out[d]
			k /= out[d]
		}
		a := idx[axis]
		for i, s := range shapes {
			if a < s[axis] {
				off := 0
				for d := range s {
					j := idx[d]
					if d == axis {
						j = a
					}
					off = off*s[d] + j
				}
				res[o] = data[i][off]
				break
			}
			a -= s[axis]
		}
	}
	return res
}

func TestConcatRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for it := 0; it < 300; it++ {
		rank := 1 + r.IntN(5)
		axis := r.IntN(rank)
		base := make([]int, rank)
		for d := range base {
			base[d] = 1 + r.IntN(4)
		}
		n := 1 + r.IntN(4)
		shapes := make([][]int, n)
		data := make([][]int8, n)
		bytes := make([][]byte, n)
		out := slices.Clone(base)
		out[axis] = 0
		for i := range shapes {
			shapes[i] = slices.Clone(base)
			shapes[i][axis] = r.IntN(4) // empty inputs too
			out[axis] += shapes[i][axis]
			data[i] = rndInt8s(r, numel(shapes[i]))
			bytes[i] = make([]byte, len(data[i]))
			for k, v := range data[i] {
				bytes[i][k] = byte(v)
			}
		}
		c, err := NewConcat(shapes, out, axis)
		if err != nil {
			t.Fatal(err)
		}
		want := refConcat(shapes, data, axis, out)
		got := make([]int8, numel(out))
		c.Int8(data, make([]*LUT8, n), got)
		if !slices.Equal(got, want) {
			t.Fatalf("%v axis %d: got %v, want %v", shapes, axis, got, want)
		}
		gotb := make([]byte, numel(out))
		c.Copy(bytes, gotb, 1)
		for k := range gotb {
			if int8(gotb[k]) != want[k] {
				t.Fatalf("%v axis %d: byte copy differs at %d", shapes, axis, k)
			}
		}
	}
}

func TestConcatErrors(t *testing.T) {
	for _, tc := range []struct {
		in   [][]int
		out  []int
		axis int
	}{
		{[][]int{{2, 3}, {2, 4}}, []int{2, 6}, 1},    // sum mismatch
		{[][]int{{2, 3}, {3, 3}}, []int{2, 6}, 1},    // other dimension differs
		{[][]int{{2, 3}, {2, 3, 1}}, []int{2, 6}, 1}, // rank differs
		{[][]int{{2, 3}}, []int{2, 3}, 2},            // axis out of range
	} {
		if _, err := NewConcat(tc.in, tc.out, tc.axis); err == nil {
			t.Errorf("NewConcat(%v, %v, %d) accepted", tc.in, tc.out, tc.axis)
		}
	}
}

// TestConcatRescale checks the rescaling of an input quantized unlike the
// output against TFLite's ConcatenationWithScaling arithmetic.
func TestConcatRescale(t *testing.T) {
	lut, err := NewConcatRescaleLUT(0.2, 10, 0.1, -5)
	if err != nil {
		t.Fatal(err)
	}
	for x := -128; x <= 127; x++ {
		s := float32(0.2) * (1 / float32(0.1))
		b := float32(-10) * s
		want := min(max(int32(math.Round(float64(float32(float32(x)*s)+b)))-5, -128), 127)
		if got := lut[uint8(int8(x))]; int32(got) != want {
			t.Fatalf("rescale %d: got %d, want %d", x, got, want)
		}
	}
	// Real values survive: 0.2*(x-10) ≈ 0.1*(y+5).
	c, _ := NewConcat([][]int{{1, 2}, {1, 2}}, []int{1, 4}, 1)
	out := make([]int8, 4)
	c.Int8([][]int8{{20, 30}, {1, 2}}, []*LUT8{lut, nil}, out)
	if want := []int8{15, 35, 1, 2}; !slices.Equal(out, want) {
		t.Errorf("got %v, want %v", out, want)
	}
}
