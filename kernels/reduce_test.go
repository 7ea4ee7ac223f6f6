package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refMeanSums sums from the definition, visiting the input in row-major
// order, and returns the sums and the number of elements per output.
func refMeanSums(shape []int, axes []int, in []int32) ([]int64, []float32, int) {
	reduced := make([]bool, len(shape))
	for _, a := range axes {
		if a < 0 {
			a += len(shape)
		}
		reduced[a] = true
	}
	outSize, count := 1, 1
	for d, n := range shape {
		if reduced[d] {
			count *= n
		} else {
			outSize *= n
		}
	}
	sums := make([]int64, outSize)
	fsums := make([]float32, outSize)
	idx := make([]int, len(shape))
	for i, v := range in {
		k := i
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d] = k % shape[d]
			k /= shape[d]
		}
		o := 0
		for d := range shape {
			if !reduced[d] {
				o = o*shape[d] + idx[d]
			}
		}
		sums[o] += int64(v)
		fsums[o] += float32(float32(v) * 0.37) // conversion: no fused multiply-add
	}
	return sums, fsums, count
}

func TestMeanRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for it := 0; it < 300; it++ {
		rank := 1 + r.IntN(5)
		shape := make([]int, rank)
		for d := range shape {
			shape[d] = 1 + r.IntN(5)
		}
		var axes []int
		for d := 0; d < rank; d++ {
			if r.IntN(2) == 0 {
				axes = append(axes, d-rank*r.IntN(2)) // negative axes too
			}
		}
		if len(axes) > 0 && r.IntN(4) == 0 {
			axes = append(axes, axes[0]) // repeats are ignored
		}
		keep := r.IntN(2) == 0
		m, outShape, err := NewMean(shape, axes, keep)
		if err != nil {
			t.Fatal(err)
		}
		in := rndInt8s(r, numel(shape))
		in32 := make([]int32, len(in))
		inf := make([]float32, len(in))
		for i, v := range in {
			in32[i] = int32(v)
			inf[i] = float32(v) * 0.37
		}
		sums, fsums, count := refMeanSums(shape, axes, in32)
		if numel(outShape) != len(sums) || m.OutputSize() != len(sums) {
			t.Fatalf("%v axes %v keep %v: output shape %v", shape, axes, keep, outShape)
		}
		// Float: row-major float32 accumulation, then one division.
		gotf := make([]float32, len(sums))
		MeanFloat32(m, inf, gotf)
		for i := range gotf {
			if want := fsums[i] / float32(count); gotf[i] != want {
				t.Fatalf("float mean %v axes %v: out[%d] = %v, want %v", shape, axes, i, gotf[i], want)
			}
		}
		// Same quantization: truncating integer division.
		if err := m.SetQuantization(0.1, 3, 0.1, 3); err != nil {
			t.Fatal(err)
		}
		acc := make([]int32, len(sums))
		got := make([]int8, len(sums))
		MeanInt8(m, in, got, acc)
		for i, s := range sums {
			if want := int8(s / int64(count)); got[i] != want {
				t.Fatalf("int8 mean %v axes %v: out[%d] = %d, want %d", shape, axes, i, got[i], want)
			}
		}
		// Different quantization: QuantizedMeanOrSum's folded multiplier.
		si, so := rndScale(r), rndScale(r)
		zi, zo := int32(r.IntN(256)-128), int32(r.IntN(256)-128)
		if err := m.SetQuantization(si, zi, so, zo); err != nil {
			t.Fatal(err)
		}
		MeanInt8(m, in, got, acc)
		mult, shift := QuantizeMultiplier(float64(si) / float64(so))
		s := min(int(math.Floor(math.Log2(float64(count)))), 32, 31+shift)
		mult = int32((int64(mult) << s) / int64(count))
		shift -= s
		for i, sum := range sums {
			q := MultiplyByQuantizedMultiplier(int32(sum-int64(zi)*int64(count)), mult, shift) + zo
			if want := int8(min(max(q, -128), 127)); got[i] != want {
				t.Fatalf("requantizing mean %v axes %v: out[%d] = %d, want %d", shape, axes, i, got[i], want)
			}
			// And it is the mean, to within rounding.
			real := float64(si) * (float64(sum)/float64(count) - float64(zi))
			if q := math.Round(real/float64(so)) + float64(zo); q > -128 && q < 127 && math.Abs(float64(got[i])-q) > 1 {
				t.Fatalf("requantizing mean %v: out[%d] = %d, real mean quantizes to %v", shape, i, got[i], q)
			}
		}
	}
}

func TestMeanShapes(t *testing.T) {
	for _, tc := range []struct {
		shape, axes []int
		keep        bool
		want        []int
	}{
		{[]int{1, 4, 4, 8}, []int{1, 2}, true, []int{1, 1, 1, 8}},
		{[]int{1, 4, 4, 8}, []int{1, 2}, false, []int{1, 8}},
		{[]int{1, 4, 4, 8}, []int{-1, 0, 1, 2}, false, []int{}},
		{[]int{3, 2}, nil, false, []int{3, 2}},
	} {
		_, got, err := NewMean(tc.shape, tc.axes, tc.keep)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("NewMean(%v, %v, %v) = %v, %v; want %v", tc.shape, tc.axes, tc.keep, got, err, tc.want)
		}
	}
	if _, _, err := NewMean([]int{2, 3}, []int{2}, false); err == nil {
		t.Error("axis 2 accepted for rank 2")
	}
}

// TestMeanGlobalAverage is the 4-D global average over height and width
// with keep_dims, the MEAN that classifiers end with.
func TestMeanGlobalAverage(t *testing.T) {
	m, _, err := NewMean([]int{1, 2, 2, 2}, []int{1, 2}, true)
	if err != nil {
		t.Fatal(err)
	}
	in := []float32{1, 10, 2, 20, 3, 30, 4, 40}
	out := make([]float32, 2)
	MeanFloat32(m, in, out)
	if !slices.Equal(out, []float32{2.5, 25}) {
		t.Errorf("got %v", out)
	}
}

func TestMeanAllocs(t *testing.T) {
	m, _, _ := NewMean([]int{1, 7, 7, 32}, []int{1, 2}, true)
	_ = m.SetQuantization(0.1, 1, 0.05, -3)
	in, out, acc := make([]int8, 7*7*32), make([]int8, 32), make([]int32, 32)
	if n := testing.AllocsPerRun(10, func() { MeanInt8(m, in, out, acc) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
