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

// TestSoftmaxOpInt16 runs the 16x8 SOFTMAX (int16 in and out) on TFLite
// Micro's 2-D softmax test data, whose exact reference outputs come from a
// C transliteration of reference_ops::SoftmaxInt16 (see kernels'
// softmax16Goldens), and checks the quantization the kernel requires.
func TestSoftmaxOpInt16(t *testing.T) {
	x := []int16{10, 20, 30, 40, 50, -10, -20, -30, -40, -50}
	want := []int16{382, 1039, 2822, 7671, 20853, 20853, 7671, 2822, 1039, 382}
	var b opModel
	in := b.tensor(format.Int16, []int{2, 5}, 0.1, 0, nil)
	out := b.tensor(format.Int16, []int{2, 5}, 1.0/32768, 0, nil)
	ip := b.op("SOFTMAX", format.Options{Beta: 1}, []int32{in}, out).run(t, i16bytes(x))
	if got := ip.Output(0).Int16(); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}

	// Beta reaches the kernel.
	x = []int16{-3000, 1200, 0, 31000, -32768, 77, 5, 6}
	p, err := kernels.NewSoftmaxInt16Params(0.5, 1.0/1024)
	if err != nil {
		t.Fatal(err)
	}
	want = make([]int16, len(x))
	kernels.SoftmaxInt16(p, x, want, 4)
	b = opModel{}
	in = b.tensor(format.Int16, []int{2, 4}, 1.0/1024, 0, nil)
	out = b.tensor(format.Int16, []int{2, 4}, 1.0/32768, 0, nil)
	ip = b.op("SOFTMAX", format.Options{Beta: 0.5}, []int32{in}, out).run(t, i16bytes(x))
	if got := ip.Output(0).Int16(); !slices.Equal(got, want) {
		t.Errorf("beta 0.5: got %v, want %v", got, want)
	}

	// Errors.
	for _, c := range []struct {
		inZp, outZp int64
		outScale    float32
		outType     format.DType
		beta        float32
		shape       []int
		want        string
	}{
		{0, 0, 1.0 / 65536, format.Int16, 1, []int{2, 4}, "1/32768"},
		{0, 1, 1.0 / 32768, format.Int16, 1, []int{2, 4}, "zero point 1"},
		{3, 0, 1.0 / 32768, format.Int16, 1, []int{2, 4}, "zero point 3"},
		{0, 0, 1.0 / 32768, format.Int8, 1, []int{2, 4}, "type int8"},
		{0, 0, 1.0 / 32768, format.Int16, 0, []int{2, 4}, "beta"},
		{0, 0, 1.0 / 32768, format.Int16, 1, []int{1, kernels.SoftmaxInt16MaxDepth + 1}, "rows of"},
	} {
		b = opModel{}
		in = b.tensor(format.Int16, c.shape, 0.01, c.inZp, nil)
		out = b.tensor(c.outType, c.shape, c.outScale, c.outZp, nil)
		b.op("SOFTMAX", format.Options{Beta: c.beta}, []int32{in}, out).loadErr(t, c.want)
	}
	// A large scale times beta: one input step beyond the exp table.
	b = opModel{}
	in = b.tensor(format.Int16, []int{2, 4}, 8, 0, nil)
	out = b.tensor(format.Int16, []int{2, 4}, 1.0/32768, 0, nil)
	b.op("SOFTMAX", format.Options{Beta: 1}, []int32{in}, out).loadErr(t, "too large")
}
