package quantize

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/edgeq/edgeq/format"
)

// TestStaticPadV2MaxPool quantizes the PADV2 + MAX_POOL_2D pair that ONNX
// max pools with uneven padding import as: the pad value, the lowest
// float, must become the lowest integer, so that padding never wins a max.
func TestStaticPadV2MaxPool(t *testing.T) {
	m := &format.Model{Version: format.Version, Buffers: [][]byte{nil}}
	add := func(tt format.Tensor, data []byte) int32 {
		tt.Buffer, tt.Source = -1, int32(len(m.Tensors))
		if data != nil {
			tt.Buffer = int32(len(m.Buffers))
			m.Buffers = append(m.Buffers, data)
		}
		m.Tensors = append(m.Tensors, tt)
		return int32(len(m.Tensors) - 1)
	}
	pads := make([]byte, 4*8)
	for i, v := range []int32{0, 0, 0, 1, 0, 1, 0, 0} {
		binary.LittleEndian.PutUint32(pads[4*i:], uint32(v))
	}
	lowest := binary.LittleEndian.AppendUint32(nil, math.Float32bits(-math.MaxFloat32))
	in := add(format.Tensor{Name: "x", Type: format.Float32, Shape: []int32{1, 5, 5, 2}}, nil)
	p := add(format.Tensor{Name: "pads", Type: format.Int32, Shape: []int32{4, 2}}, pads)
	v := add(format.Tensor{Name: "lowest", Type: format.Float32, Shape: []int32{}}, lowest)
	padded := add(format.Tensor{Name: "padded", Type: format.Float32, Shape: []int32{1, 6, 6, 2}}, nil)
	out := add(format.Tensor{Name: "pooled", Type: format.Float32, Shape: []int32{1, 3, 3, 2}}, nil)
	m.Operators = []format.Operator{
		{Op: "PADV2", Inputs: []int32{in, p, v}, Outputs: []int32{padded}},
		{Op: "MAX_POOL_2D", Inputs: []int32{padded}, Outputs: []int32{out}, Options: format.Options{Padding: format.PadValid, StrideW: 2, StrideH: 2, FilterW: 2, FilterH: 2}},
	}
	m.Inputs, m.Outputs = []int32{in}, []int32{out}

	// All-negative inputs: a pad value of 0 (or the zero point) would win
	// every border window.
	data := randomSamples(32, 50, -3, -1, 5)
	qm, _, err := Quantize(m, data, Options{Method: MethodMinMax})
	if err != nil {
		t.Fatal(err)
	}
	pv := qm.Tensors[qm.Operators[0].Inputs[2]]
	if pv.Type != format.Int8 || int8(qm.Buffers[pv.Buffer][0]) != -128 {
		t.Errorf("pad value quantized to %s %v, want int8 -128", pv.Type, qm.Buffers[pv.Buffer])
	}
	res, err := Evaluate(qm, data, EvalOptions{Ref: m})
	if err != nil {
		t.Fatal(err)
	}
	if *res.SQNR < 35 {
		t.Errorf("PADV2 + MAX_POOL_2D int8: SQNR %.1f dB against float", *res.SQNR)
	}
}
