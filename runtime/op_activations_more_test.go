package runtime_test

import (
	"math"
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func TestLeakyReluOp(t *testing.T) {
	// TFLite Micro's QuantizedActivationsOpTestLeakyReluInt8_1: scale 0.1,
	// alpha 0.5, {0, 1, 3, 1, -1, -2} → {0, 1, 3, 1, -0.5, -1}.
	var b opModel
	in := b.tensor(format.Int8, []int{2, 3}, 0.1, 0, nil)
	out := b.tensor(format.Int8, []int{2, 3}, 0.1, 0, nil)
	ip := b.op("LEAKY_RELU", format.Options{Alpha: 0.5}, []int32{in}, out).run(t, i8bytes([]int8{0, 10, 30, 10, -10, -20}))
	if got, want := ip.Output(0).Int8(), []int8{0, 10, 30, 10, -5, -10}; !slices.Equal(got, want) {
		t.Errorf("int8: got %v, want %v", got, want)
	}

	// Every int8 input, with zero points and rescaling: the kernel's table.
	x := allInt8()
	b = opModel{}
	in = b.tensor(format.Int8, []int{16, 16}, 0.05, 3, nil)
	out = b.tensor(format.Int8, []int{16, 16}, 0.03, -20, nil)
	ip = b.op("LEAKY_RELU", format.Options{Alpha: 0.2}, []int32{in}, out).run(t, i8bytes(x))
	p, err := kernels.NewLeakyReluParams(0.05, 3, 0.03, -20, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int8, 256)
	kernels.NewLeakyReluInt8(p).Apply(x, want)
	if got := ip.Output(0).Int8(); !slices.Equal(got, want) {
		t.Errorf("int8 table: got %v, want %v", got, want)
	}

	// int16, TFLite Micro's QuantizedActivationsOpTestLeakyReluInt16_1.
	b = opModel{}
	in = b.tensor(format.Int16, []int{6}, 0.01, 0, nil)
	out = b.tensor(format.Int16, []int{6}, 0.01, 0, nil)
	ip = b.op("LEAKY_RELU", format.Options{Alpha: 0.5}, []int32{in}, out).run(t, i16bytes([]int16{0, 100, 300, 100, -100, -200}))
	if got, want := ip.Output(0).Int16(), []int16{0, 100, 300, 100, -50, -100}; !slices.Equal(got, want) {
		t.Errorf("int16: got %v, want %v", got, want)
	}

	b = opModel{}
	in = b.tensor(format.Float32, []int{4}, 0, 0, nil)
	out = b.tensor(format.Float32, []int{4}, 0, 0, nil)
	ip = b.op("LEAKY_RELU", format.Options{Alpha: 0.25}, []int32{in}, out).run(t, f32bytes([]float32{-4, -1, 0, 2.5}))
	if got := ip.Output(0).Float32(); !slices.Equal(got, []float32{-1, -0.25, 0, 2.5}) {
		t.Errorf("float: %v", got)
	}
}

func TestHardSwishOp(t *testing.T) {
	// Scales 1/16, zero points -10 and 7: inputs of -3, -1, 0, 1, 3 (see
	// kernels' TestHardSwishInt8Hand for the arithmetic).
	var b opModel
	in := b.tensor(format.Int8, []int{5}, 1.0/16, -10, nil)
	out := b.tensor(format.Int8, []int{5}, 1.0/16, 7, nil)
	ip := b.op("HARD_SWISH", format.Options{}, []int32{in}, out).run(t, i8bytes([]int8{-58, -26, -10, 6, 38}))
	if got, want := ip.Output(0).Int8(), []int8{7, 2, 7, 18, 55}; !slices.Equal(got, want) {
		t.Errorf("int8: got %v, want %v", got, want)
	}

	x := allInt8()
	b = opModel{}
	in = b.tensor(format.Int8, []int{1, 4, 8, 8}, 0.08, -5, nil)
	out = b.tensor(format.Int8, []int{1, 4, 8, 8}, 0.05, -110, nil)
	ip = b.op("HARD_SWISH", format.Options{}, []int32{in}, out).run(t, i8bytes(x))
	p, err := kernels.NewHardSwishParams(0.08, -5, 0.05, -110)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int8, 256)
	kernels.NewHardSwishInt8(p).Apply(x, want)
	if got := ip.Output(0).Int8(); !slices.Equal(got, want) {
		t.Errorf("int8 table: got %v, want %v", got, want)
	}

	b = opModel{}
	in = b.tensor(format.Float32, []int{5}, 0, 0, nil)
	out = b.tensor(format.Float32, []int{5}, 0, 0, nil)
	ip = b.op("HARD_SWISH", format.Options{}, []int32{in}, out).run(t, f32bytes([]float32{-4, -1.5, 0, 1.5, 3}))
	if got := ip.Output(0).Float32(); !slices.Equal(got, []float32{0, -0.375, 0, 1.125, 3}) {
		t.Errorf("float: %v", got)
	}
}

func TestLeakyReluHardSwishErrors(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name           string
		op             string
		alpha          float32
		inT, outT      format.DType
		inS, outS      float32
		perChannelOut  bool
		inShape, outSh []int
		want           string
	}{
		{"hard swish int16", "HARD_SWISH", 0, format.Int16, format.Int16, 0.1, 0.1, false, []int{4}, []int{4}, "want float32 or int8"},
		{"leaky int32", "LEAKY_RELU", 0.1, format.Int32, format.Int32, 0.1, 0.1, false, []int{4}, []int{4}, "want float32, int8 or int16"},
		{"types differ", "LEAKY_RELU", 0.1, format.Int8, format.Int16, 0.1, 0.1, false, []int{4}, []int{4}, "output tensor 1"},
		{"shapes differ", "HARD_SWISH", 0, format.Int8, format.Int8, 0.1, 0.1, false, []int{4}, []int{2, 2}, "shape"},
		{"not quantized", "HARD_SWISH", 0, format.Int8, format.Int8, 0, 0.1, false, []int{4}, []int{4}, "not quantized"},
		{"per-channel", "LEAKY_RELU", 0.1, format.Int8, format.Int8, 0.1, 0.1, true, []int{1, 2}, []int{1, 2}, "per-tensor"},
		{"scale ratio", "HARD_SWISH", 0, format.Int8, format.Int8, 1, 1.0 / 200, false, []int{4}, []int{4}, "below 128 times"},
		{"nan alpha", "LEAKY_RELU", nan, format.Int8, format.Int8, 0.1, 0.1, false, []int{4}, []int{4}, "alpha"},
		{"leaky ratio", "LEAKY_RELU", 0.1, format.Int16, format.Int16, 1, 1e-10, false, []int{4}, []int{4}, "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b opModel
			in := b.tensor(tc.inT, tc.inShape, tc.inS, 0, nil)
			out := b.tensor(tc.outT, tc.outSh, tc.outS, 0, nil)
			if tc.perChannelOut {
				b.m.Tensors[out].Quant = &format.Quantization{Scale: []float32{0.1, 0.2}, ZeroPoint: []int64{0, 0}, Axis: 1}
			}
			b.op(tc.op, format.Options{Alpha: tc.alpha}, []int32{in}, out).loadErr(t, tc.want)
		})
	}
}
