package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func TestConcatOp(t *testing.T) {
	// float32 along the last axis, given as -1; one input constant.
	var b opModel
	a := b.tensor(format.Float32, []int{2, 1}, 0, 0, nil)
	c := b.tensor(format.Float32, []int{2, 2}, 0, 0, f32bytes([]float32{10, 11, 12, 13}))
	o := b.tensor(format.Float32, []int{2, 3}, 0, 0, nil)
	ip := b.op("CONCATENATION", format.Options{Axis: -1}, []int32{a, c}, o).run(t, f32bytes([]float32{1, 2}))
	if got := ip.Output(0).Float32(); !slices.Equal(got, []float32{1, 10, 11, 2, 12, 13}) {
		t.Errorf("float: %v", got)
	}
	// int8 along axis 0, the second input rescaled to the output's scale.
	b = opModel{}
	a = b.tensor(format.Int8, []int{1, 2}, 0.1, -5, nil)
	c = b.tensor(format.Int8, []int{1, 2}, 0.2, 10, nil)
	o = b.tensor(format.Int8, []int{2, 2}, 0.1, -5, nil)
	ip = b.op("CONCATENATION", format.Options{Axis: 0}, []int32{a, c}, o).run(t, []byte{1, 2}, []byte{20, 30})
	lut, _ := kernels.NewConcatRescaleLUT(0.2, 10, 0.1, -5)
	if got := ip.Output(0).Int8(); !slices.Equal(got, []int8{1, 2, lut[20], lut[30]}) || lut[20] != 15 {
		t.Errorf("int8 rescaled: %v", got)
	}
	// Errors.
	b = opModel{}
	a = b.tensor(format.Int8, []int{1, 2}, 0.1, 0, nil)
	c = b.tensor(format.Int8, []int{1, 3}, 0.1, 0, nil)
	o = b.tensor(format.Int8, []int{2, 2}, 0.1, 0, nil)
	b.op("CONCATENATION", format.Options{Axis: 0}, []int32{a, c}, o).loadErr(t, "differ")
	b = opModel{}
	a = b.tensor(format.Float32, []int{1, 2}, 0, 0, nil)
	o = b.tensor(format.Float32, []int{1, 2}, 0, 0, nil)
	b.op("CONCATENATION", format.Options{Axis: 0, Activation: format.ActRelu}, []int32{a}, o).loadErr(t, "activation")
}
