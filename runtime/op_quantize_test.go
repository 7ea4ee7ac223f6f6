package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func TestQuantizeOps(t *testing.T) {
	// float32 → int8: TFLite's quantize_test.cc QuantizeOpTest.INT8.
	var b opModel
	in := b.tensor(format.Float32, []int{2, 5}, 0, 0, nil)
	out := b.tensor(format.Int8, []int{2, 5}, 0.5, -1, nil)
	ip := b.op("QUANTIZE", format.Options{}, []int32{in}, out).run(t,
		f32bytes([]float32{-63.5, -63, -62.5, -62, -61.5, 62, 62.5, 63, 63.5, 64}))
	if got := ip.Output(0).Int8(); !slices.Equal(got, []int8{-128, -127, -126, -125, -124, 123, 124, 125, 126, 127}) {
		t.Errorf("float→int8: %v", got)
	}

	// Integer requantizations against the kernel.
	x := allInt8()
	r, _ := kernels.NewRequantize(0.05, 3, 0.02, -7)
	for _, outType := range []format.DType{format.Int8, format.Int16, format.Int32} {
		b = opModel{}
		in = b.tensor(format.Int8, []int{256}, 0.05, 3, nil)
		out = b.tensor(outType, []int{256}, 0.02, -7, nil)
		ip = b.op("QUANTIZE", format.Options{}, []int32{in}, out).run(t, i8bytes(x))
		switch outType {
		case format.Int8:
			want := make([]int8, 256)
			kernels.RequantizeInts(&r, x, want)
			if got := ip.Output(0).Int8(); !slices.Equal(got, want) {
				t.Errorf("int8→int8: got %v, want %v", got, want)
			}
		case format.Int16:
			want := make([]int16, 256)
			kernels.RequantizeInts(&r, x, want)
			if got := ip.Output(0).Int16(); !slices.Equal(got, want) {
				t.Errorf("int8→int16: got %v, want %v", got, want)
			}
		case format.Int32:
			want := make([]int32, 256)
			kernels.RequantizeInts(&r, x, want)
			if got := ip.Output(0).Int32(); !slices.Equal(got, want) {
				t.Errorf("int8→int32: got %v, want %v", got, want)
			}
		}
	}
	b = opModel{}
	in = b.tensor(format.Int16, []int{3}, 1.0/32768, 0, nil)
	out = b.tensor(format.Int8, []int{3}, 1.0/128, 0, nil)
	ip = b.op("QUANTIZE", format.Options{}, []int32{in}, out).run(t, i16bytes([]int16{-32768, 256, 32767}))
	if got := ip.Output(0).Int8(); !slices.Equal(got, []int8{-128, 1, 127}) {
		t.Errorf("int16→int8: %v", got)
	}

	// Unsupported pairs and missing quantization.
	b = opModel{}
	in = b.tensor(format.Int32, []int{3}, 0.1, 0, nil)
	out = b.tensor(format.Int32, []int{3}, 0.1, 0, nil)
	b.op("QUANTIZE", format.Options{}, []int32{in}, out).loadErr(t, "not supported")
	b = opModel{}
	in = b.tensor(format.Float32, []int{3}, 0, 0, nil)
	out = b.tensor(format.Int8, []int{3}, 0, 0, nil)
	b.op("QUANTIZE", format.Options{}, []int32{in}, out).loadErr(t, "not quantized")
}

func TestDequantizeOp(t *testing.T) {
	for _, typ := range []format.DType{format.Int8, format.Int16, format.UInt8} {
		var b opModel
		in := b.tensor(typ, []int{2}, 0.5, 1, nil)
		out := b.tensor(format.Float32, []int{2}, 0, 0, nil)
		data := []byte{3, 0}
		want := []float32{1, -0.5}
		switch typ {
		case format.Int16:
			data = i16bytes([]int16{3, 0})
		case format.UInt8:
			data = []byte{3, 255}
			want = []float32{1, 127}
		}
		ip := b.op("DEQUANTIZE", format.Options{}, []int32{in}, out).run(t, data)
		if got := ip.Output(0).Float32(); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", typ, got, want)
		}
	}
}
