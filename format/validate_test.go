package format

import (
	"math"
	"strings"
	"testing"
)

// tinyModel returns a small valid model: one int8 FULLY_CONNECTED with
// per-channel weights and an int32 bias.
func tinyModel() *Model {
	return &Model{
		Version: Version,
		Meta:    Metadata{Name: "tiny", Producer: "test"},
		Tensors: []Tensor{
			{Name: "in", Type: Int8, Shape: []int32{1, 4}, Buffer: -1,
				Quant: &Quantization{Scale: []float32{0.5}, ZeroPoint: []int64{-3}}},
			{Name: "w", Type: Int8, Shape: []int32{2, 4}, Buffer: 0,
				Quant: &Quantization{Scale: []float32{0.1, 0.2}, ZeroPoint: []int64{0, 0}}},
			{Name: "b", Type: Int32, Shape: []int32{2}, Buffer: 1},
			{Name: "out", Type: Int8, Shape: []int32{1, 2}, Buffer: -1,
				Quant: &Quantization{Scale: []float32{0.25}, ZeroPoint: []int64{5}}},
		},
		Buffers: [][]byte{
			{1, 2, 3, 4, 5, 6, 7, 8},
			{1, 0, 0, 0, 2, 0, 0, 0},
		},
		Operators: []Operator{{
			Op: "FULLY_CONNECTED", Version: 4,
			Inputs: []int32{0, 1, 2}, Outputs: []int32{3},
			Options: Options{Activation: ActRelu},
		}},
		Inputs:  []int32{0},
		Outputs: []int32{3},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Model)
		want   string // substring of the error; "" for no error
	}{
		{"valid", func(m *Model) {}, ""},
		{"activation without buffer", func(m *Model) { m.Tensors[3].Buffer = -1 }, ""},
		{"optional input", func(m *Model) { m.Operators[0].Inputs[2] = -1 }, ""},
		{"scalar", func(m *Model) { m.Tensors[0].Shape = nil }, ""},
		{"zero-sized with huge dim", func(m *Model) { m.Tensors[0].Shape = []int32{0, math.MaxInt32, math.MaxInt32} }, ""},
		{"zero-sized constant, empty buffer", func(m *Model) {
			m.Tensors[2].Shape = []int32{0}
			m.Buffers[1] = nil
		}, ""},
		{"shared buffer", func(m *Model) {
			m.Tensors = append(m.Tensors, Tensor{Type: Int32, Shape: []int32{2}, Buffer: 1})
		}, ""},
		{"unused buffer", func(m *Model) { m.Buffers = append(m.Buffers, []byte{1}) }, ""},
		{"intermediates", func(m *Model) { m.Operators[0].Intermediates = []int32{3} }, ""},

		// tensors
		{"unknown dtype", func(m *Model) { m.Tensors[0].Type = 0 }, "format: tensor 0: unknown dtype 0"},
		{"unknown dtype high", func(m *Model) { m.Tensors[0].Type = 99 }, "unknown dtype 99"},
		{"buffer out of range", func(m *Model) { m.Tensors[1].Buffer = 2 }, "format: tensor 1: buffer 2 out of range (model has 2 buffers)"},
		{"buffer negative", func(m *Model) { m.Tensors[1].Buffer = -2 }, "tensor 1: buffer index -2 is negative"},
		{"buffer short", func(m *Model) { m.Buffers[0] = m.Buffers[0][:6] }, "format: tensor 1: buffer 0 holds 6 bytes, shape [2 4] of int8 needs 8"},
		{"buffer long", func(m *Model) { m.Buffers[1] = append(m.Buffers[1], 0) }, "tensor 2: buffer 1 holds 9 bytes, shape [2] of int32 needs 8"},
		{"empty buffer is not an activation", func(m *Model) { m.Buffers[0] = nil }, "tensor 1: buffer 0 holds 0 bytes"},
		{"negative dim", func(m *Model) { m.Tensors[0].Shape = []int32{1, -4} }, "tensor 0: dimension 1 is negative (-4)"},
		{"rank", func(m *Model) { m.Tensors[0].Shape = []int32{1, 1, 1, 1, 1, 1, 1, 1, 4} }, "tensor 0: rank 9 exceeds MaxRank (8)"},
		{"max rank", func(m *Model) { m.Tensors[0].Shape = []int32{1, 1, 1, 1, 1, 1, 1, 4} }, ""},
		{"too many bytes", func(m *Model) { m.Tensors[0].Shape = []int32{1 << 15, 1 << 15, 2} }, "tensor 0: shape [32768 32768 2] needs more than MaxTensorBytes"},
		{"max bytes", func(m *Model) { m.Tensors[0].Shape = []int32{1 << 15, 1 << 15} }, ""},
		{"too many bytes for float", func(m *Model) {
			m.Tensors[0].Type = Float32
			m.Tensors[0].Quant = nil
			m.Tensors[0].Shape = []int32{1 << 14, 1 << 14, 2}
		}, "needs more than MaxTensorBytes"},
		{"product overflow", func(m *Model) {
			m.Tensors[0].Shape = []int32{math.MaxInt32, math.MaxInt32, math.MaxInt32, math.MaxInt32}
		}, "needs more than MaxTensorBytes"},

		// quantization
		{"no scale", func(m *Model) { m.Tensors[0].Quant.Scale = nil }, "tensor 0: quantization: no scale"},
		{"scale/zero mismatch", func(m *Model) { m.Tensors[0].Quant.ZeroPoint = []int64{1, 2} }, "quantization: 1 scales but 2 zero points"},
		{"zero scale", func(m *Model) { m.Tensors[0].Quant.Scale[0] = 0 }, "quantization: scale 0 is 0, want finite and > 0"},
		{"negative scale", func(m *Model) { m.Tensors[0].Quant.Scale[0] = -1 }, "scale 0 is -1"},
		{"NaN scale", func(m *Model) { m.Tensors[0].Quant.Scale[0] = float32(math.NaN()) }, "scale 0 is NaN"},
		{"Inf scale", func(m *Model) { m.Tensors[1].Quant.Scale[1] = float32(math.Inf(1)) }, "tensor 1: quantization: scale 1 is +Inf"},
		{"axis out of range", func(m *Model) { m.Tensors[1].Quant.Axis = 2 }, "tensor 1: quantization: axis 2 out of range for shape [2 4]"},
		{"axis negative", func(m *Model) { m.Tensors[0].Quant.Axis = -1 }, "axis -1 is negative"},
		{"per-channel count", func(m *Model) { m.Tensors[1].Quant.Axis = 1 }, "tensor 1: quantization: 2 scales, dimension 1 (axis 1) is 4"},
		{"int8 zero point high", func(m *Model) { m.Tensors[0].Quant.ZeroPoint[0] = 128 }, "zero point 0 is 128, outside [-128, 127] for int8"},
		{"int8 zero point low", func(m *Model) { m.Tensors[0].Quant.ZeroPoint[0] = -129 }, "outside [-128, 127]"},
		{"uint8 zero point", func(m *Model) {
			m.Tensors[0].Type = UInt8
			m.Tensors[0].Quant.ZeroPoint[0] = -1
		}, "zero point 0 is -1, outside [0, 255] for uint8"},
		{"int16 zero point", func(m *Model) {
			m.Tensors[0].Type = Int16
			m.Tensors[0].Quant.ZeroPoint[0] = 40000
		}, "outside [-32768, 32767] for int16"},
		{"float zero point", func(m *Model) {
			m.Tensors[0].Type = Float32
			m.Tensors[0].Quant.ZeroPoint[0] = 1
		}, "outside [0, 0] for float32"},

		// operators
		{"empty op", func(m *Model) { m.Operators[0].Op = "" }, "format: operator 0 (): empty op name"},
		{"negative version", func(m *Model) { m.Operators[0].Version = -1 }, "version -1 is negative"},
		{"input out of range", func(m *Model) { m.Operators[0].Inputs[1] = 4 }, "format: operator 0 (FULLY_CONNECTED): input 1: tensor 4 out of range (model has 4 tensors)"},
		{"input below -1", func(m *Model) { m.Operators[0].Inputs[1] = -2 }, "input 1: tensor -2 out of range"},
		{"output -1", func(m *Model) { m.Operators[0].Outputs[0] = -1 }, "output 0: tensor -1 out of range"},
		{"intermediate out of range", func(m *Model) { m.Operators[0].Intermediates = []int32{9} }, "intermediate 0: tensor 9 out of range"},
		{"new_shape rank", func(m *Model) { m.Operators[0].Options.NewShape = make([]int32, 9) }, "new_shape has 9 dimensions"},

		// graph
		{"graph input out of range", func(m *Model) { m.Inputs[0] = 7 }, "format: graph inputs: input 0: tensor 7 out of range"},
		{"graph output -1", func(m *Model) { m.Outputs[0] = -1 }, "format: graph outputs: output 0: tensor -1 out of range"},

		// limits
		{"too many tensors", func(m *Model) { m.Tensors = make([]Tensor, MaxTensors+1) }, "format: 65537 tensors, limit is MaxTensors (65536)"},
		{"too many buffers", func(m *Model) { m.Buffers = make([][]byte, MaxTensors+1) }, "65537 buffers"},
		{"too many operators", func(m *Model) { m.Operators = make([]Operator, MaxOperators+1) }, "format: 65537 operators, limit is MaxOperators (65536)"},
		{"too many scales", func(m *Model) {
			m.Tensors[0].Shape = []int32{maxList + 1}
			m.Tensors[0].Quant = &Quantization{Scale: make([]float32, maxList+1), ZeroPoint: make([]int64, maxList+1)}
		}, "65537 scales, limit is 65536"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tinyModel()
			tc.change(m)
			err := m.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v, want no error", err)
			case tc.want != "" && err == nil:
				t.Fatalf("Validate: no error, want %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("Validate: %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestDType(t *testing.T) {
	tests := []struct {
		d    DType
		size int
		name string
	}{
		{Float32, 4, "float32"},
		{Int8, 1, "int8"},
		{Int16, 2, "int16"},
		{Int32, 4, "int32"},
		{UInt8, 1, "uint8"},
		{Int64, 8, "int64"},
		{Bool, 1, "bool"},
		{0, 0, "DType(0)"},
		{42, 0, "DType(42)"},
	}
	for _, tc := range tests {
		if got := tc.d.Size(); got != tc.size {
			t.Errorf("%v.Size() = %d, want %d", tc.d, got, tc.size)
		}
		if got := tc.d.String(); got != tc.name {
			t.Errorf("DType(%d).String() = %q, want %q", uint8(tc.d), got, tc.name)
		}
	}
}

func TestTensorSize(t *testing.T) {
	tests := []struct {
		typ   DType
		shape []int32
		elems int
		bytes int
	}{
		{Int8, nil, 1, 1},
		{Float32, []int32{}, 1, 4},
		{Int8, []int32{1, 28, 28, 1}, 784, 784},
		{Float32, []int32{2, 3}, 6, 24},
		{Int16, []int32{5, 0, 3}, 0, 0},
		{Int64, []int32{3}, 3, 24},
		{Int8, []int32{2, -1}, -1, -1},
		{Int8, []int32{1 << 15, 1 << 15}, 1 << 30, 1 << 30},
		{Int8, []int32{1 << 15, 1 << 15, 2}, -1, -1},
		{Float32, []int32{1 << 15, 1 << 14}, -1, -1}, // 2^29 elements, 2^31 bytes
		{Int8, []int32{math.MaxInt32, math.MaxInt32, math.MaxInt32}, -1, -1},
		{0, []int32{3}, 3, -1}, // unknown type: elements known, bytes not
	}
	for _, tc := range tests {
		tt := &Tensor{Type: tc.typ, Shape: tc.shape}
		if got := tt.NumElements(); got != tc.elems {
			t.Errorf("%v %v: NumElements() = %d, want %d", tc.typ, tc.shape, got, tc.elems)
		}
		if got := tt.Bytes(); got != tc.bytes {
			t.Errorf("%v %v: Bytes() = %d, want %d", tc.typ, tc.shape, got, tc.bytes)
		}
	}
}
