package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
)

func TestPadOp(t *testing.T) {
	// int8 padded with the output zero point; paddings int32.
	var b opModel
	in := b.tensor(format.Int8, []int{1, 2, 2, 1}, 0.1, -7, nil)
	pads := b.tensor(format.Int32, []int{4, 2}, 0, 0, i32bytes([]int32{0, 0, 1, 0, 0, 1, 0, 0}))
	out := b.tensor(format.Int8, []int{1, 3, 3, 1}, 0.1, -7, nil)
	ip := b.op("PAD", format.Options{}, []int32{in, pads}, out).run(t, []byte{1, 2, 3, 4})
	if got := ip.Output(0).Int8(); !slices.Equal(got, []int8{-7, -7, -7, 1, 2, -7, 3, 4, -7}) {
		t.Errorf("int8: %v", got)
	}
	// float with int64 paddings and an explicit value (PADV2).
	b = opModel{}
	in = b.tensor(format.Float32, []int{2}, 0, 0, nil)
	pads = b.tensor(format.Int64, []int{1, 2}, 0, 0, append(i32bytes([]int32{1, 0}), i32bytes([]int32{2, 0})...))
	val := b.tensor(format.Float32, []int{}, 0, 0, f32bytes([]float32{9}))
	out = b.tensor(format.Float32, []int{5}, 0, 0, nil)
	ip = b.op("PADV2", format.Options{}, []int32{in, pads, val}, out).run(t, f32bytes([]float32{1, 2}))
	if got := ip.Output(0).Float32(); !slices.Equal(got, []float32{9, 1, 2, 9, 9}) {
		t.Errorf("float: %v", got)
	}
	// Errors: non-constant paddings, wrong output shape, quantization change.
	b = opModel{}
	in = b.tensor(format.Float32, []int{2}, 0, 0, nil)
	pads = b.tensor(format.Int32, []int{1, 2}, 0, 0, nil)
	out = b.tensor(format.Float32, []int{4}, 0, 0, nil)
	b.op("PAD", format.Options{}, []int32{in, pads}, out).loadErr(t, "not constant")
	b = opModel{}
	in = b.tensor(format.Float32, []int{2}, 0, 0, nil)
	pads = b.tensor(format.Int32, []int{1, 2}, 0, 0, i32bytes([]int32{1, 1}))
	out = b.tensor(format.Float32, []int{5}, 0, 0, nil)
	b.op("PAD", format.Options{}, []int32{in, pads}, out).loadErr(t, "shape")
	b = opModel{}
	in = b.tensor(format.Int8, []int{2}, 0.1, 0, nil)
	pads = b.tensor(format.Int32, []int{1, 2}, 0, 0, i32bytes([]int32{1, 1}))
	out = b.tensor(format.Int8, []int{4}, 0.2, 0, nil)
	b.op("PAD", format.Options{}, []int32{in, pads}, out).loadErr(t, "quantization")
}
