package tflite

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/edgeq/edgeq/format"
)

func mustImport(t testing.TB, data []byte) *format.Model {
	t.Helper()
	m, err := Import(data)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return m
}

func TestImportBuiltModel(t *testing.T) {
	data := addModel().build()
	m := mustImport(t, data)

	sum := sha256.Sum256(data)
	wantMeta := format.Metadata{
		Producer: "edgeq", Source: "tflite", SourceHash: hex.EncodeToString(sum[:]),
		Description: "test model",
	}
	if m.Meta != wantMeta {
		t.Errorf("Meta = %+v, want %+v", m.Meta, wantMeta)
	}
	if m.Version != format.Version {
		t.Errorf("Version = %d, want %d", m.Version, format.Version)
	}
	wantTensors := []format.Tensor{
		{Name: "in", Type: format.Float32, Shape: []int32{1, 2}, Buffer: -1, Source: 0},
		{Name: "c", Type: format.Float32, Shape: []int32{1, 2}, Buffer: 0, Source: 1},
		{Name: "out", Type: format.Float32, Shape: []int32{1, 2}, Buffer: -1, Source: 2},
	}
	if !reflect.DeepEqual(m.Tensors, wantTensors) {
		t.Errorf("Tensors =\n%+v\nwant\n%+v", m.Tensors, wantTensors)
	}
	if len(m.Buffers) != 1 || string(m.Buffers[0]) != string([]byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40}) {
		t.Errorf("Buffers = %v, want the constant's 8 bytes only", m.Buffers)
	}
	wantOps := []format.Operator{{
		Op: "ADD", Version: 2, Inputs: []int32{0, 1}, Outputs: []int32{2},
		Options: format.Options{Activation: format.ActRelu, PotScaleInt16: true},
	}}
	if !reflect.DeepEqual(m.Operators, wantOps) {
		t.Errorf("Operators = %+v, want %+v", m.Operators, wantOps)
	}
	if !reflect.DeepEqual(m.Inputs, []int32{0}) || !reflect.DeepEqual(m.Outputs, []int32{2}) {
		t.Errorf("Inputs, Outputs = %v, %v, want [0], [2]", m.Inputs, m.Outputs)
	}

	// Constant data is a slice of the input, not a copy.
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(m.Buffers[0])))
	if p < lo || p >= lo+uintptr(len(data)) {
		t.Errorf("buffer 0 was copied; want a slice of the input")
	}
	if cap(m.Buffers[0]) != len(m.Buffers[0]) {
		t.Errorf("buffer 0 has spare capacity %d; appending would write into the file", cap(m.Buffers[0]))
	}
}

func TestImportVariants(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *fbModel)
		check  func(t *testing.T, m *format.Model)
	}{
		{"extra subgraphs are ignored", func(m *fbModel) { m.subgraphs = 3 },
			func(t *testing.T, m *format.Model) {
				if len(m.Operators) != 1 {
					t.Errorf("%d operators, want 1", len(m.Operators))
				}
			}},
		{"unused unsupported op codes", func(m *fbModel) {
			m.opcodes = append(m.opcodes,
				fbOpcode{deprecated: 36, builtin: 36}, // GATHER
				fbOpcode{deprecated: 32, custom: "MyOp"},
				fbOpcode{deprecated: -1, builtin: -7}) // nonsense, unused
		}, func(t *testing.T, m *format.Model) {}},
		{"builtin code only in the deprecated byte", func(m *fbModel) {
			m.opcodes[0] = fbOpcode{deprecated: 25}
			m.operators[0].optType, m.operators[0].options = 0, nil
		}, func(t *testing.T, m *format.Model) {
			if m.Operators[0].Op != "SOFTMAX" || m.Operators[0].Version != 1 {
				t.Errorf("op %s v%d, want SOFTMAX v1 (the default version)", m.Operators[0].Op, m.Operators[0].Version)
			}
		}},
		{"builtin code only in builtin_code", func(m *fbModel) {
			m.opcodes[0] = fbOpcode{builtin: 114, version: 3}
			m.operators[0].optType, m.operators[0].options = 0, nil
		}, func(t *testing.T, m *format.Model) {
			if m.Operators[0].Op != "QUANTIZE" || m.Operators[0].Version != 3 {
				t.Errorf("op %s v%d, want QUANTIZE v3", m.Operators[0].Op, m.Operators[0].Version)
			}
		}},
		{"shape_signature is ignored", func(m *fbModel) {
			m.tensors[0].shapeSignature = []int32{-1, 2}
		}, func(t *testing.T, m *format.Model) {
			if !reflect.DeepEqual(m.Tensors[0].Shape, []int32{1, 2}) {
				t.Errorf("shape %v, want [1 2]", m.Tensors[0].Shape)
			}
		}},
		{"scalar tensor", func(m *fbModel) { m.tensors[0].shape = nil },
			func(t *testing.T, m *format.Model) {
				if m.Tensors[0].Shape == nil || len(m.Tensors[0].Shape) != 0 || m.Tensors[0].NumElements() != 1 {
					t.Errorf("shape %#v, want an empty shape (a scalar)", m.Tensors[0].Shape)
				}
			}},
		{"min/max without scale is no quantization", func(m *fbModel) {
			m.tensors[0].quant = &fbQuant{min: []float32{-1}, max: []float32{1}}
		}, func(t *testing.T, m *format.Model) {
			if m.Tensors[0].Quant != nil {
				t.Errorf("Quant = %+v, want nil", m.Tensors[0].Quant)
			}
		}},
		{"per-tensor quantization", func(m *fbModel) {
			m.tensors[0].typ = 9 // INT8
			m.tensors[0].quant = &fbQuant{scale: []float32{0.5}, zeroPoint: []int64{-128}, dimension: 3}
		}, func(t *testing.T, m *format.Model) {
			want := &format.Quantization{Scale: []float32{0.5}, ZeroPoint: []int64{-128}, Axis: 0}
			if m.Tensors[0].Type != format.Int8 || !reflect.DeepEqual(m.Tensors[0].Quant, want) {
				t.Errorf("tensor %v %+v, want int8 %+v", m.Tensors[0].Type, m.Tensors[0].Quant, want)
			}
		}},
		{"per-channel quantization", func(m *fbModel) {
			m.tensors[1].typ = 9
			m.tensors[1].shape = []int32{2, 1, 1, 4}
			m.buffers[0].data = make([]byte, 8)
			m.tensors[1].quant = &fbQuant{scale: []float32{0.5, 0.25}, zeroPoint: []int64{0, 0}, dimension: 0}
		}, func(t *testing.T, m *format.Model) {
			want := &format.Quantization{Scale: []float32{0.5, 0.25}, ZeroPoint: []int64{0, 0}, Axis: 0}
			if !reflect.DeepEqual(m.Tensors[1].Quant, want) {
				t.Errorf("Quant %+v, want %+v", m.Tensors[1].Quant, want)
			}
		}},
		{"vector quantized along a dimension it lacks", func(m *fbModel) {
			m.tensors[1].typ = 2 // INT32 bias
			m.tensors[1].shape = []int32{2}
			m.tensors[1].quant = &fbQuant{scale: []float32{0.5, 0.25}, zeroPoint: []int64{0, 0}, dimension: 3}
		}, func(t *testing.T, m *format.Model) {
			if q := m.Tensors[1].Quant; q == nil || q.Axis != 0 {
				t.Errorf("Quant %+v, want axis 0", q)
			}
		}},
		{"variable tensor", func(m *fbModel) { m.tensors[2].variable = true },
			func(t *testing.T, m *format.Model) {
				if !m.Tensors[2].Variable || m.Tensors[2].Buffer != -1 {
					t.Errorf("tensor 2: Variable %v Buffer %d, want true, -1", m.Tensors[2].Variable, m.Tensors[2].Buffer)
				}
			}},
		{"shared and empty buffers", func(m *fbModel) {
			m.buffers = append(m.buffers, fbBuffer{data: []byte{}}, fbBuffer{data: make([]byte, 8)})
			m.tensors = append(m.tensors,
				fbTensor{name: "c2", shape: []int32{2}, typ: 0, buffer: 1},  // shares c's buffer
				fbTensor{name: "act", shape: []int32{2}, typ: 0, buffer: 2}, // empty buffer
				fbTensor{name: "c3", shape: []int32{2}, typ: 0, buffer: 3})
		}, func(t *testing.T, m *format.Model) {
			got := []int32{m.Tensors[1].Buffer, m.Tensors[3].Buffer, m.Tensors[4].Buffer, m.Tensors[5].Buffer}
			if want := []int32{0, 0, -1, 1}; !reflect.DeepEqual(got, want) || len(m.Buffers) != 2 {
				t.Errorf("buffers %v of %d, want %v of 2", got, len(m.Buffers), want)
			}
		}},
		{"intermediates", func(m *fbModel) { m.operators[0].intermediates = []int32{2, 0} },
			func(t *testing.T, m *format.Model) {
				if !reflect.DeepEqual(m.Operators[0].Intermediates, []int32{2, 0}) {
					t.Errorf("Intermediates %v, want [2 0]", m.Operators[0].Intermediates)
				}
			}},
		{"optional input", func(m *fbModel) { m.operators[0].inputs = []int32{0, -1} },
			func(t *testing.T, m *format.Model) {
				if !reflect.DeepEqual(m.Operators[0].Inputs, []int32{0, -1}) {
					t.Errorf("Inputs %v, want [0 -1]", m.Operators[0].Inputs)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fm := addModel()
			tc.change(fm)
			tc.check(t, mustImport(t, fm.build()))
		})
	}
}

// TestImportExternalBuffer checks buffers stored after the flatbuffer
// (offset/size), as files over 2 GB do.
func TestImportExternalBuffer(t *testing.T) {
	fm := addModel()
	fm.buffers[0] = fbBuffer{offset: 2, size: 8} // placeholder offset, same encoded size
	n := len(fm.build())
	fm.buffers[0].offset = uint64(n)
	payload := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	data := append(fm.build(), payload...)
	m := mustImport(t, data)
	if string(m.Buffers[0]) != string(payload) {
		t.Errorf("buffer 0 = %v, want %v", m.Buffers[0], payload)
	}
	fm.buffers[0].size = 9
	if _, err := Import(append(fm.build(), payload...)); err == nil || !strings.Contains(err.Error(), "run past the end") {
		t.Errorf("Import with an external buffer past the end: %v", err)
	}
}

func TestImportOptions(t *testing.T) {
	type fb = flatbuffers.Builder
	tests := []struct {
		name    string
		code    int32
		optType uint8
		fields  int
		fill    func(b *fb)
		want    format.Options
		wantErr string
	}{
		{"conv", 3, 1, 7, func(b *fb) {
			b.PrependInt8Slot(0, 1, 0)  // VALID
			b.PrependInt32Slot(1, 2, 0) // stride_w
			b.PrependInt32Slot(2, 3, 0) // stride_h
			b.PrependInt8Slot(3, 3, 0)  // RELU6
			b.PrependInt32Slot(4, 0, 1) // dilation_w written as 0
			b.PrependInt32Slot(5, 2, 1) // dilation_h
		}, format.Options{Padding: format.PadValid, StrideW: 2, StrideH: 3, Activation: format.ActRelu6, DilationW: 1, DilationH: 2}, ""},
		{"conv empty table", 3, 1, 7, func(b *fb) {}, format.Options{DilationW: 1, DilationH: 1}, ""},
		{"conv no table", 3, 0, 0, nil, format.Options{DilationW: 1, DilationH: 1}, ""},
		{"depthwise", 4, 2, 7, func(b *fb) {
			b.PrependInt8Slot(0, 0, 0)
			b.PrependInt32Slot(1, 1, 0)
			b.PrependInt32Slot(2, 2, 0)
			b.PrependInt32Slot(3, 8, 0) // depth_multiplier
			b.PrependInt8Slot(4, 1, 0)  // RELU
			b.PrependInt32Slot(5, 2, 1)
			b.PrependInt32Slot(6, 3, 1)
		}, format.Options{StrideW: 1, StrideH: 2, DepthMultiplier: 8, Activation: format.ActRelu, DilationW: 2, DilationH: 3}, ""},
		{"average pool", 1, 5, 6, func(b *fb) {
			b.PrependInt8Slot(0, 1, 0)
			b.PrependInt32Slot(1, 2, 0)
			b.PrependInt32Slot(2, 3, 0)
			b.PrependInt32Slot(3, 4, 0) // filter_width
			b.PrependInt32Slot(4, 5, 0) // filter_height
			b.PrependInt8Slot(5, 2, 0)  // RELU_N1_TO_1
		}, format.Options{Padding: format.PadValid, StrideW: 2, StrideH: 3, FilterW: 4, FilterH: 5, Activation: format.ActRelu1}, ""},
		{"max pool", 17, 5, 6, func(b *fb) {
			b.PrependInt32Slot(1, 2, 0)
			b.PrependInt32Slot(2, 2, 0)
			b.PrependInt32Slot(3, 2, 0)
			b.PrependInt32Slot(4, 2, 0)
		}, format.Options{StrideW: 2, StrideH: 2, FilterW: 2, FilterH: 2}, ""},
		{"fully connected", 9, 8, 5, func(b *fb) {
			b.PrependInt8Slot(0, 1, 0)
			b.PrependBoolSlot(2, true, false) // keep_num_dims
			b.PrependBoolSlot(3, true, false) // asymmetric_quantize_inputs
		}, format.Options{Activation: format.ActRelu, KeepNumDims: true, AsymmetricQuantizeInputs: true}, ""},
		{"fully connected shuffled", 9, 8, 5, func(b *fb) { b.PrependInt8Slot(1, 1, 0) }, format.Options{}, "weights format 1 (shuffled) is not supported"},
		{"svdf", 27, 6, 3, func(b *fb) {
			b.PrependInt32Slot(0, 2, 0)
			b.PrependInt8Slot(1, 1, 0)
			b.PrependBoolSlot(2, true, false)
		}, format.Options{Rank: 2, Activation: format.ActRelu, AsymmetricQuantizeInputs: true}, ""},
		{"lstm", 44, 71, 6, func(b *fb) {
			b.PrependInt8Slot(0, 4, 0)
			b.PrependFloat32Slot(1, 10, 0)
			b.PrependFloat32Slot(2, 2.5, 0)
			b.PrependBoolSlot(3, true, false)
			b.PrependBoolSlot(4, true, false)
		}, format.Options{Activation: format.ActTanh, CellClip: 10, ProjClip: 2.5, TimeMajor: true, AsymmetricQuantizeInputs: true}, ""},
		{"lstm diagonal", 44, 71, 6, func(b *fb) { b.PrependBoolSlot(5, true, false) }, format.Options{}, "diagonal recurrent tensors are not supported"},
		{"add", 0, 11, 2, func(b *fb) { b.PrependInt8Slot(0, 3, 0) }, format.Options{Activation: format.ActRelu6, PotScaleInt16: true}, ""},
		{"add pot_scale false", 0, 11, 2, func(b *fb) { b.PrependBoolSlot(1, false, true) }, format.Options{}, ""},
		{"add no table", 0, 0, 0, nil, format.Options{}, ""},
		{"sub", 41, 28, 2, func(b *fb) {
			b.PrependInt8Slot(0, 1, 0)
			b.PrependBoolSlot(1, false, true)
		}, format.Options{Activation: format.ActRelu}, ""},
		{"sub default pot_scale", 41, 28, 2, func(b *fb) {}, format.Options{PotScaleInt16: true}, ""},
		{"mul", 18, 21, 1, func(b *fb) { b.PrependInt8Slot(0, 4, 0) }, format.Options{Activation: format.ActTanh}, ""},
		{"softmax", 25, 9, 1, func(b *fb) { b.PrependFloat32Slot(0, 0.5, 0) }, format.Options{Beta: 0.5}, ""},
		{"concatenation", 2, 10, 2, func(b *fb) {
			b.PrependInt32Slot(0, -1, 0)
			b.PrependInt8Slot(1, 1, 0)
		}, format.Options{Axis: -1, Activation: format.ActRelu}, ""},
		{"reshape", 22, 17, 1, nil, format.Options{NewShape: []int32{1, -1}}, ""},
		{"mean", 40, 27, 1, func(b *fb) { b.PrependBoolSlot(0, true, false) }, format.Options{KeepDims: true}, ""},
		{"quantize", 114, 0, 0, nil, format.Options{}, ""},
		{"dequantize", 6, 0, 0, nil, format.Options{}, ""},
		{"pad", 34, 22, 0, func(b *fb) {}, format.Options{}, ""},
		{"logistic", 14, 0, 0, nil, format.Options{}, ""},
		{"tanh", 28, 0, 0, nil, format.Options{}, ""},
		{"relu", 19, 0, 0, nil, format.Options{}, ""},
		{"relu6", 21, 0, 0, nil, format.Options{}, ""},
		{"leaky_relu", 98, 75, 1, func(b *fb) { b.PrependFloat32Slot(0, 0.2, 0) }, format.Options{Alpha: 0.2}, ""},
		{"leaky_relu default alpha", 98, 75, 1, func(b *fb) {}, format.Options{}, ""},
		{"leaky_relu no table", 98, 0, 0, nil, format.Options{}, ""},
		{"leaky_relu wrong options", 98, 9, 1, func(b *fb) {}, format.Options{}, "builtin options of type 9, want 75"},
		{"hard_swish", 117, 0, 0, nil, format.Options{}, ""},

		{"wrong options type", 3, 5, 6, func(b *fb) {}, format.Options{}, "tflite: operator 0 (CONV_2D): builtin options of type 5, want 1"},
		{"unknown activation", 9, 8, 5, func(b *fb) { b.PrependInt8Slot(0, 5, 0) }, format.Options{}, "unsupported fused activation 5"},
		{"unknown padding", 3, 1, 7, func(b *fb) { b.PrependInt8Slot(0, 2, 0) }, format.Options{}, "unknown padding 2"},
		{"negative padding", 3, 1, 7, func(b *fb) { b.PrependInt8Slot(0, -1, 0) }, format.Options{}, "unknown padding"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fm := addModel()
			deprecated := int8(min(tc.code, 127))
			fm.opcodes = []fbOpcode{{deprecated: deprecated, builtin: tc.code}}
			op := &fm.operators[0]
			op.optType = tc.optType
			op.options = nil
			switch {
			case tc.code == 22: // RESHAPE: a vector field
				op.options = func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
					v := int32Vector(b, []int32{1, -1})
					b.StartObject(1)
					b.PrependUOffsetTSlot(0, v, 0)
					return b.EndObject()
				}
			case tc.fill != nil:
				op.options = optionsTable(tc.fields, tc.fill)
			}
			m, err := Import(fm.build())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Import: %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if got := m.Operators[0].Options; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Options =\n%+v\nwant\n%+v", got, tc.want)
			}
			if got := m.Operators[0].Op; got != builtinNames[tc.code] {
				t.Errorf("Op = %q, want %q", got, builtinNames[tc.code])
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *fbModel)
		want   string
	}{
		{"unsupported operators", func(m *fbModel) {
			m.opcodes = append(m.opcodes,
				fbOpcode{deprecated: 36, builtin: 36},    // 1 GATHER
				fbOpcode{deprecated: 119, builtin: 119},  // 2 WHILE
				fbOpcode{deprecated: 32, custom: "MyOp"}, // 3 custom
				fbOpcode{deprecated: 127, builtin: 500})  // 4 from the future
			m.operators = []fbOperator{
				{opcode: 0, inputs: []int32{0, 1}, outputs: []int32{2}},
				{opcode: 1, inputs: []int32{0, 1}, outputs: []int32{2}},
				{opcode: 0, inputs: []int32{0, 1}, outputs: []int32{2}},
				{opcode: 2, inputs: []int32{0}, outputs: []int32{2}},
				{opcode: 3, inputs: []int32{0}, outputs: []int32{2}},
				{opcode: 4, inputs: []int32{0}, outputs: []int32{2}},
			}
		}, `tflite: unsupported operators: #1 GATHER, #3 WHILE, #4 CUSTOM("MyOp"), #5 BUILTIN(500)`},
		{"unsupported tensor types", func(m *fbModel) {
			m.tensors[0].typ = 1 // FLOAT16
			m.tensors[2].typ = 5 // STRING
		}, "tflite: unsupported tensor types: #0 FLOAT16, #2 STRING"},
		{"unsupported ops and types", func(m *fbModel) {
			m.tensors[1].typ = 17 // INT4
			m.opcodes[0] = fbOpcode{deprecated: 42, builtin: 42}
		}, "tflite: unsupported operators: #0 DIV; unsupported tensor types: #1 INT4"},
		{"unknown tensor type", func(m *fbModel) { m.tensors[1].typ = 99 }, "#1 TensorType(99)"},
		{"identifier", func(m *fbModel) { m.ident = "TFL2" }, `tflite: malformed file: model: file identifier is "TFL2", want "TFL3"`},
		{"schema version", func(m *fbModel) { m.version = 2 }, "tflite: schema version 2, only version 3 is supported"},
		{"no subgraphs", func(m *fbModel) { m.noSubgraphs = true }, "tflite: model has no subgraphs"},
		{"opcode index", func(m *fbModel) { m.operators[0].opcode = 5 }, "tflite: operator 0: opcode index 5 out of range (file has 1 operator codes)"},
		{"buffer index", func(m *fbModel) { m.tensors[1].buffer = 9 }, "tflite: tensor 1 (c): buffer 9 out of range (file has 2 buffers)"},
		{"buffer size", func(m *fbModel) { m.buffers[0].data = m.buffers[0].data[:4] }, "tflite: imported model is invalid: format: tensor 1: buffer 0 holds 4 bytes, shape [1 2] of float32 needs 8"},
		{"operator input", func(m *fbModel) { m.operators[0].inputs[1] = 7 }, "operator 0 (ADD): input 1: tensor 7 out of range (model has 3 tensors)"},
		{"operator output", func(m *fbModel) { m.operators[0].outputs[0] = -1 }, "operator 0 (ADD): output 0: tensor -1 out of range"},
		{"graph input", func(m *fbModel) { m.inputs = []int32{3} }, "graph inputs: input 0: tensor 3 out of range"},
		{"negative dimension", func(m *fbModel) { m.tensors[0].shape = []int32{-1, 2} }, "tensor 0: dimension 0 is negative (-1)"},
		{"rank", func(m *fbModel) { m.tensors[0].shape = make([]int32, 9) }, "tflite: tensor 0: rank 9, limit is 8"},
		{"sparse", func(m *fbModel) { m.tensors[1].sparse = true }, "tflite: tensor 1 (c): sparse tensors are not supported"},
		{"custom quantization", func(m *fbModel) {
			m.tensors[0].quant = &fbQuant{scale: []float32{1}, zeroPoint: []int64{0}, custom: true}
		}, "tflite: tensor 0 (in): custom quantization is not supported"},
		{"scale without zero point", func(m *fbModel) {
			m.tensors[0].typ = 9
			m.tensors[0].quant = &fbQuant{scale: []float32{1}}
		}, "tensor 0: quantization: 1 scales but 0 zero points"},
		{"zero scale", func(m *fbModel) {
			m.tensors[0].typ = 9
			m.tensors[0].quant = &fbQuant{scale: []float32{0}, zeroPoint: []int64{0}}
		}, "tensor 0: quantization: scale 0 is 0"},
		{"per-channel axis", func(m *fbModel) {
			m.tensors[1].typ = 9
			m.tensors[1].shape = []int32{2, 4}
			m.tensors[1].quant = &fbQuant{scale: []float32{1, 1}, zeroPoint: []int64{0, 0}, dimension: 2}
		}, "tensor 1: quantization: axis 2 out of range for shape [2 4]"},
		{"reshape new_shape rank", func(m *fbModel) {
			m.opcodes[0] = fbOpcode{deprecated: 22, builtin: 22}
			m.operators[0].optType = 17
			m.operators[0].options = func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
				v := int32Vector(b, make([]int32, 9))
				b.StartObject(1)
				b.PrependUOffsetTSlot(0, v, 0)
				return b.EndObject()
			}
		}, "operator 0 (RESHAPE): new_shape has 9 dimensions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fm := addModel()
			tc.change(fm)
			m, err := Import(fm.build())
			if err == nil {
				t.Fatalf("Import succeeded (%d operators), want error %q", len(m.Operators), tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Import: %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestImportTruncated cuts a valid file at every length: each must fail,
// none may panic.
func TestImportTruncated(t *testing.T) {
	for _, data := range [][]byte{addModel().build(), smallRealModel(t)} {
		for n := range len(data) {
			if _, err := Import(data[:n]); err == nil {
				t.Errorf("Import of the first %d of %d bytes succeeded", n, len(data))
			}
		}
	}
}

// TestImportCorrupt flips every byte of a valid file in turn. Most flips
// give errors, some give a different valid model; none may panic.
func TestImportCorrupt(t *testing.T) {
	for _, orig := range [][]byte{addModel().build(), smallRealModel(t)} {
		if orig == nil {
			continue
		}
		data := make([]byte, len(orig))
		failed := 0
		for i := range orig {
			for _, x := range []byte{0xff, 0x80, 0x01} {
				copy(data, orig)
				data[i] ^= x
				if _, err := Import(data); err != nil {
					failed++
				}
			}
		}
		if failed == 0 {
			t.Errorf("no corruption of a %d-byte file was detected", len(orig))
		}
	}
}

// TestImportCorruptAll flips bytes at random places in every real model:
// no flip may make Import panic.
func TestImportCorruptAll(t *testing.T) {
	paths := fuzzSeeds()
	if len(paths) == 0 {
		t.Skip("no real models found; set EDGEQ_TESTDATA")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, path := range paths {
		orig := readFile(t, path)
		data := make([]byte, len(orig))
		for range 300 {
			copy(data, orig)
			for range 1 + rng.IntN(3) {
				data[rng.IntN(len(data))] ^= byte(1 + rng.IntN(255))
			}
			_, _ = Import(data)
		}
	}
}

// TestImportRandom feeds random bytes, some dressed with a valid root
// offset and identifier so they get past the first checks.
func TestImportRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		data := make([]byte, rng.IntN(512))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		if i%2 == 0 && len(data) >= 16 {
			data[0], data[1], data[2], data[3] = byte(8+rng.IntN(8)), 0, 0, 0
			copy(data[4:], "TFL3")
		}
		if _, err := Import(data); err == nil {
			t.Logf("random input %d imported", i) // possible in principle
		}
	}
}
