package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func TestMeanOp(t *testing.T) {
	x := seqInt8(2*3*3*4, -90, 37)
	for _, keep := range []bool{true, false} {
		for _, sameQ := range []bool{true, false} {
			var b opModel
			in := b.tensor(format.Int8, []int{2, 3, 3, 4}, 0.1, 2, nil)
			axis := b.tensor(format.Int32, []int{2}, 0, 0, i32bytes([]int32{1, -2}))
			shape := []int{2, 4}
			if keep {
				shape = []int{2, 1, 1, 4}
			}
			outScale, oz := float32(0.1), int64(2)
			if !sameQ {
				outScale, oz = 0.03, -11
			}
			out := b.tensor(format.Int8, shape, outScale, oz, nil)
			ip := b.op("MEAN", format.Options{KeepDims: keep}, []int32{in, axis}, out).run(t, i8bytes(x))
			m, _, _ := kernels.NewMean([]int{2, 3, 3, 4}, []int{1, 2}, keep)
			if err := m.SetQuantization(0.1, 2, outScale, int32(oz)); err != nil {
				t.Fatal(err)
			}
			want := make([]int8, 8)
			kernels.MeanInt8(m, x, want, make([]int32, 8))
			if got := ip.Output(0).Int8(); !slices.Equal(got, want) {
				t.Errorf("keep %v same %v: got %v, want %v", keep, sameQ, got, want)
			}
		}
	}
	// float.
	var b opModel
	in := b.tensor(format.Float32, []int{2, 2}, 0, 0, nil)
	axis := b.tensor(format.Int32, []int{}, 0, 0, i32bytes([]int32{0}))
	out := b.tensor(format.Float32, []int{2}, 0, 0, nil)
	ip := b.op("MEAN", format.Options{}, []int32{in, axis}, out).run(t, f32bytes([]float32{1, 2, 4, 8}))
	if got := ip.Output(0).Float32(); !slices.Equal(got, []float32{2.5, 5}) {
		t.Errorf("float: %v", got)
	}
	// Errors: stored shape disagrees; non-constant axis.
	b = opModel{}
	in = b.tensor(format.Float32, []int{2, 2}, 0, 0, nil)
	axis = b.tensor(format.Int32, []int{1}, 0, 0, i32bytes([]int32{0}))
	out = b.tensor(format.Float32, []int{1, 2}, 0, 0, nil)
	b.op("MEAN", format.Options{}, []int32{in, axis}, out).loadErr(t, "shape")
	b = opModel{}
	in = b.tensor(format.Float32, []int{2, 2}, 0, 0, nil)
	axis = b.tensor(format.Int32, []int{1}, 0, 0, nil)
	out = b.tensor(format.Float32, []int{2}, 0, 0, nil)
	b.op("MEAN", format.Options{}, []int32{in, axis}, out).loadErr(t, "not constant")
}
