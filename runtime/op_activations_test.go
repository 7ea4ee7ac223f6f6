package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func allInt8() []int8 {
	x := make([]int8, 256)
	for i := range x {
		x[i] = int8(i - 128)
	}
	return x
}

func TestActivationOpsInt8(t *testing.T) {
	x := allInt8()
	lg, _ := kernels.NewLogisticInt8(0.05, 3)
	th, _ := kernels.NewTanhInt8(0.05, 3)
	relu, _ := kernels.NewReluInt8(0.05, 3, 0.03, -20, false)
	relu6, _ := kernels.NewReluInt8(0.05, 3, 0.05, 3, true)
	for _, tc := range []struct {
		op       string
		outScale float32
		outZp    int64
		lut      *kernels.LUT8
	}{
		{"LOGISTIC", 1.0 / 256, -128, lg},
		{"TANH", 1.0 / 128, 0, th},
		{"RELU", 0.03, -20, relu},
		{"RELU6", 0.05, 3, relu6},
	} {
		var b opModel
		in := b.tensor(format.Int8, []int{16, 16}, 0.05, 3, nil)
		out := b.tensor(format.Int8, []int{16, 16}, tc.outScale, tc.outZp, nil)
		ip := b.op(tc.op, format.Options{}, []int32{in}, out).run(t, i8bytes(x))
		want := make([]int8, 256)
		tc.lut.Apply(x, want)
		if got := ip.Output(0).Int8(); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", tc.op, got, want)
		}
	}
	// Output quantization TFLite Micro requires.
	for _, tc := range []struct {
		op       string
		outScale float32
		outZp    int64
		want     string
	}{
		{"LOGISTIC", 1.0 / 256, 0, "-128"},
		{"TANH", 1.0 / 256, 0, "1/128"},
		{"RELU6", 0.1, 3, "rescaling"},
	} {
		var b opModel
		in := b.tensor(format.Int8, []int{4}, 0.05, 3, nil)
		out := b.tensor(format.Int8, []int{4}, tc.outScale, tc.outZp, nil)
		b.op(tc.op, format.Options{}, []int32{in}, out).loadErr(t, tc.want)
	}
}

func TestActivationOpsInt16Float(t *testing.T) {
	x := []int16{-32768, -20000, -4096, -1, 0, 1, 4096, 20000, 32767}
	for _, tanh := range []bool{false, true} {
		op := "LOGISTIC"
		if tanh {
			op = "TANH"
		}
		var b opModel
		in := b.tensor(format.Int16, []int{9}, 1.0/4096, 0, nil)
		out := b.tensor(format.Int16, []int{9}, 1.0/32768, 0, nil)
		ip := b.op(op, format.Options{}, []int32{in}, out).run(t, i16bytes(x))
		p, err := kernels.NewSigmoidInt16Params(1.0/4096, 1.0/32768, tanh)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]int16, len(x))
		if tanh {
			kernels.TanhInt16(p, x, want)
		} else {
			kernels.LogisticInt16(p, x, want)
		}
		if got := ip.Output(0).Int16(); !slices.Equal(got, want) {
			t.Errorf("%s int16: got %v, want %v", op, got, want)
		}
	}
	var b opModel
	in := b.tensor(format.Int16, []int{3}, 0.5, 0, nil)
	out := b.tensor(format.Int16, []int{3}, 0.5, 0, nil)
	ip := b.op("RELU6", format.Options{}, []int32{in}, out).run(t, i16bytes([]int16{-4, 8, 20}))
	if got := ip.Output(0).Int16(); !slices.Equal(got, []int16{0, 8, 12}) {
		t.Errorf("RELU6 int16: %v", got)
	}
	b = opModel{}
	in = b.tensor(format.Float32, []int{4}, 0, 0, nil)
	out = b.tensor(format.Float32, []int{4}, 0, 0, nil)
	ip = b.op("RELU6", format.Options{}, []int32{in}, out).run(t, f32bytes([]float32{-1, 0.5, 6.5, 3}))
	if got := ip.Output(0).Float32(); !slices.Equal(got, []float32{0, 0.5, 6, 3}) {
		t.Errorf("RELU6 float: %v", got)
	}
}
