package tflite

import (
	flatbuffers "github.com/google/flatbuffers/go"
)

// This file writes small .tflite files with flatbuffers.Builder, for tests
// of what the real models do not contain. Field ids are the schema.fbs
// positions, written out as numbers here on purpose (not the importer's
// constants) so a wrong constant in the importer shows up as a failure.

type fbTensor struct {
	shape, shapeSignature []int32
	typ                   int8
	buffer                uint32
	name                  string
	quant                 *fbQuant
	variable, sparse      bool
}

type fbQuant struct {
	min, max  []float32
	scale     []float32
	zeroPoint []int64
	dimension int32
	custom    bool // QuantizationDetails = CustomQuantization
}

type fbOpcode struct {
	deprecated int8
	builtin    int32
	custom     string
	version    int32 // 0: leave the field out (schema default 1)
}

type fbOperator struct {
	opcode          uint32
	inputs, outputs []int32
	intermediates   []int32
	optType         uint8
	options         func(b *flatbuffers.Builder) flatbuffers.UOffsetT
}

type fbBuffer struct {
	data         []byte
	offset, size uint64
}

type fbModel struct {
	ident       string // "" means TFL3
	version     uint32 // 0 means 3
	description string
	opcodes     []fbOpcode
	subgraphs   int // number of subgraphs; extra ones are empty. 0 means 1
	noSubgraphs bool
	tensors     []fbTensor
	operators   []fbOperator
	buffers     []fbBuffer // buffer 0 (empty) is added in front
	inputs      []int32
	outputs     []int32
}

func int32Vector(b *flatbuffers.Builder, v []int32) flatbuffers.UOffsetT {
	b.StartVector(4, len(v), 4)
	for i := len(v) - 1; i >= 0; i-- {
		b.PrependInt32(v[i])
	}
	return b.EndVector(len(v))
}

func float32Vector(b *flatbuffers.Builder, v []float32) flatbuffers.UOffsetT {
	b.StartVector(4, len(v), 4)
	for i := len(v) - 1; i >= 0; i-- {
		b.PrependFloat32(v[i])
	}
	return b.EndVector(len(v))
}

func int64Vector(b *flatbuffers.Builder, v []int64) flatbuffers.UOffsetT {
	b.StartVector(8, len(v), 8)
	for i := len(v) - 1; i >= 0; i-- {
		b.PrependInt64(v[i])
	}
	return b.EndVector(len(v))
}

func tableVector(b *flatbuffers.Builder, v []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	b.StartVector(4, len(v), 4)
	for i := len(v) - 1; i >= 0; i-- {
		b.PrependUOffsetT(v[i])
	}
	return b.EndVector(len(v))
}

func (q *fbQuant) build(b *flatbuffers.Builder) flatbuffers.UOffsetT {
	var minV, maxV, scale, zero, details flatbuffers.UOffsetT
	if q.min != nil {
		minV = float32Vector(b, q.min)
		maxV = float32Vector(b, q.max)
	}
	if q.scale != nil {
		scale = float32Vector(b, q.scale)
	}
	if q.zeroPoint != nil {
		zero = int64Vector(b, q.zeroPoint)
	}
	if q.custom {
		b.StartObject(1) // CustomQuantization
		details = b.EndObject()
	}
	b.StartObject(7)
	if minV != 0 {
		b.PrependUOffsetTSlot(0, minV, 0)
		b.PrependUOffsetTSlot(1, maxV, 0)
	}
	if scale != 0 {
		b.PrependUOffsetTSlot(2, scale, 0)
	}
	if zero != 0 {
		b.PrependUOffsetTSlot(3, zero, 0)
	}
	if details != 0 {
		b.PrependByteSlot(4, 1, 0)
		b.PrependUOffsetTSlot(5, details, 0)
	}
	b.PrependInt32Slot(6, q.dimension, 0)
	return b.EndObject()
}

func (t *fbTensor) build(b *flatbuffers.Builder) flatbuffers.UOffsetT {
	shape := int32Vector(b, t.shape)
	name := b.CreateString(t.name)
	var quant, sig, sparsity flatbuffers.UOffsetT
	if t.quant != nil {
		quant = t.quant.build(b)
	}
	if t.shapeSignature != nil {
		sig = int32Vector(b, t.shapeSignature)
	}
	if t.sparse {
		b.StartObject(3) // SparsityParameters
		sparsity = b.EndObject()
	}
	b.StartObject(8)
	b.PrependUOffsetTSlot(0, shape, 0)
	b.PrependInt8Slot(1, t.typ, 0)
	b.PrependUint32Slot(2, t.buffer, 0)
	b.PrependUOffsetTSlot(3, name, 0)
	if quant != 0 {
		b.PrependUOffsetTSlot(4, quant, 0)
	}
	b.PrependBoolSlot(5, t.variable, false)
	if sparsity != 0 {
		b.PrependUOffsetTSlot(6, sparsity, 0)
	}
	if sig != 0 {
		b.PrependUOffsetTSlot(7, sig, 0)
	}
	return b.EndObject()
}

func (op *fbOperator) build(b *flatbuffers.Builder) flatbuffers.UOffsetT {
	in := int32Vector(b, op.inputs)
	out := int32Vector(b, op.outputs)
	var inter, opts flatbuffers.UOffsetT
	if op.intermediates != nil {
		inter = int32Vector(b, op.intermediates)
	}
	if op.options != nil {
		opts = op.options(b)
	}
	b.StartObject(9)
	b.PrependUint32Slot(0, op.opcode, 0)
	b.PrependUOffsetTSlot(1, in, 0)
	b.PrependUOffsetTSlot(2, out, 0)
	b.PrependUint8Slot(3, op.optType, 0)
	if opts != 0 {
		b.PrependUOffsetTSlot(4, opts, 0)
	}
	if inter != 0 {
		b.PrependUOffsetTSlot(8, inter, 0)
	}
	return b.EndObject()
}

func (m *fbModel) build() []byte {
	b := flatbuffers.NewBuilder(1024)

	var codes []flatbuffers.UOffsetT
	for _, c := range m.opcodes {
		var custom flatbuffers.UOffsetT
		if c.custom != "" {
			custom = b.CreateString(c.custom)
		}
		b.StartObject(4)
		b.PrependInt8Slot(0, c.deprecated, 0)
		if custom != 0 {
			b.PrependUOffsetTSlot(1, custom, 0)
		}
		if c.version != 0 {
			b.PrependInt32Slot(2, c.version, 1)
		}
		b.PrependInt32Slot(3, c.builtin, 0)
		codes = append(codes, b.EndObject())
	}
	codesVec := tableVector(b, codes)

	var tensors []flatbuffers.UOffsetT
	for i := range m.tensors {
		tensors = append(tensors, m.tensors[i].build(b))
	}
	tensorsVec := tableVector(b, tensors)
	var ops []flatbuffers.UOffsetT
	for i := range m.operators {
		ops = append(ops, m.operators[i].build(b))
	}
	opsVec := tableVector(b, ops)
	inputs := int32Vector(b, m.inputs)
	outputs := int32Vector(b, m.outputs)
	b.StartObject(5)
	b.PrependUOffsetTSlot(0, tensorsVec, 0)
	b.PrependUOffsetTSlot(1, inputs, 0)
	b.PrependUOffsetTSlot(2, outputs, 0)
	b.PrependUOffsetTSlot(3, opsVec, 0)
	subgraph := b.EndObject()
	subgraphs := []flatbuffers.UOffsetT{subgraph}
	for i := 1; i < m.subgraphs; i++ {
		b.StartObject(5)
		subgraphs = append(subgraphs, b.EndObject())
	}
	if m.noSubgraphs {
		subgraphs = nil
	}
	subgraphsVec := tableVector(b, subgraphs)

	var bufs []flatbuffers.UOffsetT
	for _, buf := range append([]fbBuffer{{}}, m.buffers...) {
		var data flatbuffers.UOffsetT
		if buf.data != nil {
			b.StartVector(1, len(buf.data), 16)
			for i := len(buf.data) - 1; i >= 0; i-- {
				b.PrependByte(buf.data[i])
			}
			data = b.EndVector(len(buf.data))
		}
		b.StartObject(3)
		if data != 0 {
			b.PrependUOffsetTSlot(0, data, 0)
		}
		b.PrependUint64Slot(1, buf.offset, 0)
		b.PrependUint64Slot(2, buf.size, 0)
		bufs = append(bufs, b.EndObject())
	}
	bufsVec := tableVector(b, bufs)
	desc := b.CreateString(m.description)

	version := m.version
	if version == 0 {
		version = 3
	}
	b.StartObject(8)
	b.PrependUint32Slot(0, version, 0)
	b.PrependUOffsetTSlot(1, codesVec, 0)
	b.PrependUOffsetTSlot(2, subgraphsVec, 0)
	b.PrependUOffsetTSlot(3, desc, 0)
	b.PrependUOffsetTSlot(4, bufsVec, 0)
	root := b.EndObject()
	ident := m.ident
	if ident == "" {
		ident = "TFL3"
	}
	b.FinishWithFileIdentifier(root, []byte(ident))
	return b.FinishedBytes()
}

// optionsTable returns an options builder that writes a table of n fields
// with fill.
func optionsTable(n int, fill func(b *flatbuffers.Builder)) func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
	return func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
		b.StartObject(n)
		fill(b)
		return b.EndObject()
	}
}

// addModel returns a valid float model: out = ADD(in, const) with RELU,
// plus anything the caller changes.
func addModel() *fbModel {
	return &fbModel{
		description: "test model",
		opcodes:     []fbOpcode{{deprecated: 0, builtin: 0, version: 2}},
		tensors: []fbTensor{
			{name: "in", shape: []int32{1, 2}, typ: 0},
			{name: "c", shape: []int32{1, 2}, typ: 0, buffer: 1},
			{name: "out", shape: []int32{1, 2}, typ: 0},
		},
		buffers: []fbBuffer{{data: []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40}}}, // 1.0, 2.0
		operators: []fbOperator{{
			opcode: 0, inputs: []int32{0, 1}, outputs: []int32{2},
			optType: 11, options: optionsTable(2, func(b *flatbuffers.Builder) { b.PrependInt8Slot(0, 1, 0) }),
		}},
		inputs:  []int32{0},
		outputs: []int32{2},
	}
}
