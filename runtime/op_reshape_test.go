package runtime_test

import (
	"bytes"
	"testing"

	"github.com/edgeq/edgeq/format"
)

func TestReshapeOp(t *testing.T) {
	data := f32bytes([]float32{1, 2, 3, 4, 5, 6})
	// New shape from the options, with -1.
	var b opModel
	in := b.tensor(format.Float32, []int{1, 2, 3}, 0, 0, nil)
	out := b.tensor(format.Float32, []int{3, 2}, 0, 0, nil)
	ip := b.op("RESHAPE", format.Options{NewShape: []int32{-1, 2}}, []int32{in}, out).run(t, data)
	if !bytes.Equal(ip.Output(0).Bytes(), data) {
		t.Errorf("options: got %v", ip.Output(0).Float32())
	}
	// New shape from a constant int32 input; int8 data.
	b = opModel{}
	in = b.tensor(format.Int8, []int{2, 3}, 0.1, 0, nil)
	shape := b.tensor(format.Int32, []int{2}, 0, 0, i32bytes([]int32{6, 1}))
	out = b.tensor(format.Int8, []int{6, 1}, 0.1, 0, nil)
	ip = b.op("RESHAPE", format.Options{}, []int32{in, shape}, out).run(t, []byte{1, 2, 3, 4, 5, 6})
	if !bytes.Equal(ip.Output(0).Bytes(), []byte{1, 2, 3, 4, 5, 6}) {
		t.Errorf("shape input: got %v", ip.Output(0).Bytes())
	}
	// No new shape at all: the output's stored shape is used.
	b = opModel{}
	in = b.tensor(format.Int16, []int{4}, 0, 0, nil)
	out = b.tensor(format.Int16, []int{2, 2}, 0, 0, nil)
	ip = b.op("RESHAPE", format.Options{}, []int32{in}, out).run(t, i16bytes([]int16{1, -2, 3, -4}))
	if !bytes.Equal(ip.Output(0).Bytes(), i16bytes([]int16{1, -2, 3, -4})) {
		t.Errorf("stored shape: got %v", ip.Output(0).Int16())
	}

	// Errors: the stored shape disagrees with the new shape; element
	// counts differ; two -1s; types differ.
	for _, tc := range []struct {
		newShape []int32
		out      []int
		typ      format.DType
		want     string
	}{
		{[]int32{2, 3}, []int{3, 2}, format.Float32, "shape"},
		{nil, []int{7}, format.Float32, "elements"},
		{[]int32{-1, -1}, []int{3, 2}, format.Float32, "-1"},
		{nil, []int{6}, format.Int32, "type"},
	} {
		b = opModel{}
		in = b.tensor(format.Float32, []int{6}, 0, 0, nil)
		out = b.tensor(tc.typ, tc.out, 0, 0, nil)
		b.op("RESHAPE", format.Options{NewShape: tc.newShape}, []int32{in}, out).loadErr(t, tc.want)
	}
}

func TestSqueezeExpandDimsOps(t *testing.T) {
	data := []byte{1, 2, 3, 4, 5, 6}
	var b opModel
	in := b.tensor(format.Int8, []int{1, 1, 6}, 0.5, -3, nil)
	out := b.tensor(format.Int8, []int{6}, 0.5, -3, nil)
	ip := b.op("SQUEEZE", format.Options{}, []int32{in}, out).run(t, data)
	if !bytes.Equal(ip.Output(0).Bytes(), data) {
		t.Errorf("SQUEEZE: got %v", ip.Output(0).Bytes())
	}
	b = opModel{}
	in = b.tensor(format.Float32, []int{2, 3}, 0, 0, nil)
	axis := b.tensor(format.Int32, []int{}, 0, 0, i32bytes([]int32{0}))
	out = b.tensor(format.Float32, []int{1, 2, 3}, 0, 0, nil)
	floats := f32bytes([]float32{1, -2, 3, -4, 5, -6})
	ip = b.op("EXPAND_DIMS", format.Options{}, []int32{in, axis}, out).run(t, floats)
	if !bytes.Equal(ip.Output(0).Bytes(), floats) {
		t.Errorf("EXPAND_DIMS: got %v", ip.Output(0).Float32())
	}

	// Errors: element counts, types, quantization, a missing axis.
	b = opModel{}
	in = b.tensor(format.Float32, []int{1, 6}, 0, 0, nil)
	b.op("SQUEEZE", format.Options{}, []int32{in}, b.tensor(format.Float32, []int{5}, 0, 0, nil)).loadErr(t, "elements")
	b = opModel{}
	in = b.tensor(format.Float32, []int{1, 6}, 0, 0, nil)
	b.op("SQUEEZE", format.Options{}, []int32{in}, b.tensor(format.Int8, []int{6}, 0.1, 0, nil)).loadErr(t, "type")
	b = opModel{}
	in = b.tensor(format.Int8, []int{1, 6}, 0.5, 0, nil)
	b.op("SQUEEZE", format.Options{}, []int32{in}, b.tensor(format.Int8, []int{6}, 0.25, 0, nil)).loadErr(t, "quantizations differ")
	b = opModel{}
	in = b.tensor(format.Float32, []int{6}, 0, 0, nil)
	b.op("EXPAND_DIMS", format.Options{}, []int32{in}, b.tensor(format.Float32, []int{1, 6}, 0, 0, nil)).loadErr(t, "want 2 and 1")
}
