package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
)

func TestTransposeOp(t *testing.T) {
	// float32 NCHW [1,2,2,3] -> NHWC [1,2,3,2].
	var b opModel
	in := b.tensor(format.Float32, []int{1, 2, 2, 3}, 0, 0, nil)
	perm := b.tensor(format.Int32, []int{4}, 0, 0, i32bytes([]int32{0, 2, 3, 1}))
	out := b.tensor(format.Float32, []int{1, 2, 3, 2}, 0, 0, nil)
	x := make([]float32, 12)
	for i := range x {
		x[i] = float32(i)
	}
	ip := b.op("TRANSPOSE", format.Options{}, []int32{in, perm}, out).run(t, f32bytes(x))
	want := []float32{0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}
	if got := ip.Output(0).Float32(); !slices.Equal(got, want) {
		t.Errorf("float32: got %v, want %v", got, want)
	}
	// int8 with int64 permutation, quantization kept.
	b = opModel{}
	in = b.tensor(format.Int8, []int{2, 3}, 0.5, 3, nil)
	perm = b.tensor(format.Int64, []int{2}, 0, 0, append(i32bytes([]int32{1, 0}), i32bytes([]int32{0, 0})...))
	out = b.tensor(format.Int8, []int{3, 2}, 0.5, 3, nil)
	ip = b.op("TRANSPOSE", format.Options{}, []int32{in, perm}, out).run(t, []byte{1, 2, 3, 4, 5, 6})
	if got := ip.Output(0).Int8(); !slices.Equal(got, []int8{1, 4, 2, 5, 3, 6}) {
		t.Errorf("int8: got %v", got)
	}
	// Errors: not a permutation, wrong output shape, quantization change,
	// non-constant permutation.
	b = opModel{}
	in = b.tensor(format.Float32, []int{2, 3}, 0, 0, nil)
	perm = b.tensor(format.Int32, []int{2}, 0, 0, i32bytes([]int32{1, 1}))
	out = b.tensor(format.Float32, []int{3, 2}, 0, 0, nil)
	b.op("TRANSPOSE", format.Options{}, []int32{in, perm}, out).loadErr(t, "permutation")
	b = opModel{}
	in = b.tensor(format.Float32, []int{2, 3}, 0, 0, nil)
	perm = b.tensor(format.Int32, []int{2}, 0, 0, i32bytes([]int32{1, 0}))
	out = b.tensor(format.Float32, []int{2, 3}, 0, 0, nil)
	b.op("TRANSPOSE", format.Options{}, []int32{in, perm}, out).loadErr(t, "shape")
	b = opModel{}
	in = b.tensor(format.Int8, []int{2, 3}, 0.5, 0, nil)
	perm = b.tensor(format.Int32, []int{2}, 0, 0, i32bytes([]int32{1, 0}))
	out = b.tensor(format.Int8, []int{3, 2}, 0.25, 0, nil)
	b.op("TRANSPOSE", format.Options{}, []int32{in, perm}, out).loadErr(t, "quantization")
	b = opModel{}
	in = b.tensor(format.Float32, []int{2, 3}, 0, 0, nil)
	perm = b.tensor(format.Int32, []int{2}, 0, 0, nil)
	out = b.tensor(format.Float32, []int{3, 2}, 0, 0, nil)
	b.op("TRANSPOSE", format.Options{}, []int32{in, perm}, out).loadErr(t, "not constant")
}
