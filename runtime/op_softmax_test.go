package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func TestSoftmaxOp(t *testing.T) {
	x := seqInt8(3*7, -60, 23)
	p, err := kernels.NewSoftmaxParams(1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	// int8 → int8 and int8 → int16.
	var b opModel
	in := b.tensor(format.Int8, []int{3, 7}, 0.1, 5, nil)
	out := b.tensor(format.Int8, []int{3, 7}, 1.0/256, -128, nil)
	ip := b.op("SOFTMAX", format.Options{Beta: 1}, []int32{in}, out).run(t, i8bytes(x))
	want := make([]int8, len(x))
	kernels.SoftmaxInt8(p, x, want, 7)
	if got := ip.Output(0).Int8(); !slices.Equal(got, want) {
		t.Errorf("int8: got %v, want %v", got, want)
	}
	b = opModel{}
	in = b.tensor(format.Int8, []int{3, 7}, 0.1, 5, nil)
	out = b.tensor(format.Int16, []int{3, 7}, 1.0/65536, -32768, nil)
	ip = b.op("SOFTMAX", format.Options{Beta: 1}, []int32{in}, out).run(t, i8bytes(x))
	want16 := make([]int16, len(x))
	kernels.SoftmaxInt8Int16(p, x, want16, 7)
	if got := ip.Output(0).Int16(); !slices.Equal(got, want16) {
		t.Errorf("int16: got %v, want %v", got, want16)
	}
	// float with beta.
	b = opModel{}
	in = b.tensor(format.Float32, []int{1, 3}, 0, 0, nil)
	out = b.tensor(format.Float32, []int{1, 3}, 0, 0, nil)
	ip = b.op("SOFTMAX", format.Options{Beta: 0.5}, []int32{in}, out).run(t, f32bytes([]float32{0, 2, 4}))
	wantf := make([]float32, 3)
	kernels.SoftmaxFloat32(0.5, []float32{0, 2, 4}, wantf, 3)
	if got := ip.Output(0).Float32(); !slices.Equal(got, wantf) {
		t.Errorf("float: got %v, want %v", got, wantf)
	}

	// Errors.
	b = opModel{}
	in = b.tensor(format.Int8, []int{2, 4}, 0.1, 0, nil)
	out = b.tensor(format.Int8, []int{2, 4}, 1.0/128, -128, nil)
	b.op("SOFTMAX", format.Options{Beta: 1}, []int32{in}, out).loadErr(t, "1/256")
	b = opModel{}
	in = b.tensor(format.Int8, []int{2, 4}, 0.1, 0, nil)
	out = b.tensor(format.Int8, []int{2, 5}, 1.0/256, -128, nil)
	b.op("SOFTMAX", format.Options{Beta: 1}, []int32{in}, out).loadErr(t, "shape")
	b = opModel{}
	in = b.tensor(format.Int8, []int{2, 4}, 0.1, 0, nil)
	out = b.tensor(format.Int8, []int{2, 4}, 1.0/256, -128, nil)
	b.op("SOFTMAX", format.Options{}, []int32{in}, out).loadErr(t, "beta")
}
