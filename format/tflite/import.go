package tflite

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/edgeq/edgeq/format"
)

// Import converts a .tflite model to an .eqm model. Only subgraph 0 is
// imported. Tensor i of the result is tensor i of the subgraph. Constant
// data is not copied: the model's Buffers are slices of data, which must
// not change while the model is in use.
//
// The result is validated. Meta.Name is left empty for the caller to set.
// Import returns an error, never panics, on any input; an error about
// unsupported operators or tensor types names every one of them.
func Import(data []byte) (*format.Model, error) {
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("tflite: file is %d bytes, flatbuffers are limited to %d", len(data), maxFileSize)
	}
	im := importer{r: &reader{buf: data}}
	m, err := im.model()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	m.Meta.SourceHash = hex.EncodeToString(sum[:])
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("tflite: imported model is invalid: %w", err)
	}
	return m, nil
}

// importer holds the state of one Import.
type importer struct {
	r        *reader
	opcodes  tables
	buffers  tables
	bufIndex map[uint32]int32 // TFLite buffer index -> .eqm buffer index
	out      *format.Model
	// badOps and badTypes collect "#i NAME" for every operator and tensor
	// the importer cannot represent, so one error can name them all.
	badOps, badTypes []string
}

// malformed wraps the reader's failure with what was being read.
func (im *importer) malformed(what string) error {
	return fmt.Errorf("tflite: malformed file: %s: %w", what, im.r.err)
}

func (im *importer) model() (*format.Model, error) {
	root := im.r.root(fileIdentifier)
	version := root.uint32(modelVersion, 0)
	im.opcodes = root.tables(modelOperatorCodes)
	im.buffers = root.tables(modelBuffers)
	subgraphs := root.tables(modelSubgraphs)
	description := root.string(modelDescription)
	if im.r.err != nil {
		return nil, im.malformed("model")
	}
	if version != schemaVersion {
		return nil, fmt.Errorf("tflite: schema version %d, only version %d is supported", version, schemaVersion)
	}
	if subgraphs.len() == 0 {
		return nil, errors.New("tflite: model has no subgraphs")
	}
	sg := subgraphs.at(0)
	if im.r.err != nil {
		return nil, im.malformed("subgraph 0")
	}

	im.out = &format.Model{
		Version: format.Version,
		Meta: format.Metadata{
			Producer:    "edgeq",
			Source:      "tflite",
			Description: description,
		},
	}
	if err := im.tensors(sg.tables(subgraphTensors)); err != nil {
		return nil, err
	}
	if err := im.operators(sg.tables(subgraphOperators)); err != nil {
		return nil, err
	}
	if len(im.badOps) > 0 || len(im.badTypes) > 0 {
		var msgs []string
		if len(im.badOps) > 0 {
			msgs = append(msgs, "unsupported operators: "+strings.Join(im.badOps, ", "))
		}
		if len(im.badTypes) > 0 {
			msgs = append(msgs, "unsupported tensor types: "+strings.Join(im.badTypes, ", "))
		}
		return nil, errors.New("tflite: " + strings.Join(msgs, "; "))
	}
	im.out.Inputs = sg.int32s(subgraphInputs)
	im.out.Outputs = sg.int32s(subgraphOutputs)
	if im.r.err != nil {
		return nil, im.malformed("subgraph 0 inputs and outputs")
	}
	return im.out, nil
}

func (im *importer) tensors(list tables) error {
	if list.len() > format.MaxTensors {
		return fmt.Errorf("tflite: %d tensors, limit is %d", list.len(), format.MaxTensors)
	}
	if im.r.err != nil {
		return im.malformed("tensors")
	}
	im.bufIndex = make(map[uint32]int32)
	im.out.Tensors = make([]format.Tensor, list.len())
	for i := range im.out.Tensors {
		if err := im.tensor(i, list.at(i)); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) tensor(i int, tt table) error {
	t := &im.out.Tensors[i]
	t.Source = int32(i)
	t.Buffer = -1
	t.Name = tt.string(tensorName)
	t.Variable = tt.bool(tensorIsVariable, false)
	typ := tt.int8(tensorType, 0)
	if n := tt.vectorLen(tensorShape, 4); n > format.MaxRank {
		return fmt.Errorf("tflite: tensor %d: rank %d, limit is %d", i, n, format.MaxRank)
	}
	t.Shape = tt.int32s(tensorShape)
	if t.Shape == nil {
		t.Shape = []int32{}
	}
	buf := tt.uint32(tensorBuffer, 0)
	sparse := tt.child(tensorSparsity).ok
	quant := tt.child(tensorQuantization)
	if im.r.err != nil {
		return im.malformed(fmt.Sprintf("tensor %d", i))
	}
	if sparse {
		return fmt.Errorf("tflite: tensor %d (%s): sparse tensors are not supported", i, t.Name)
	}
	dt, ok := tensorTypes[typ]
	if !ok {
		im.badTypes = append(im.badTypes, fmt.Sprintf("#%d %s", i, tensorTypeName(typ)))
		return nil
	}
	t.Type = dt
	var err error
	if t.Quant, err = im.quantization(quant, t.Shape); err != nil {
		return fmt.Errorf("tflite: tensor %d (%s): %w", i, t.Name, err)
	}
	if t.Buffer, err = im.buffer(buf); err != nil {
		return fmt.Errorf("tflite: tensor %d (%s): %w", i, t.Name, err)
	}
	return nil
}

// quantization converts a QuantizationParameters table; it returns nil when
// the table is absent or has no scales (min/max only, as float models have).
func (im *importer) quantization(q table, shape []int32) (*format.Quantization, error) {
	if !q.ok {
		return nil, nil
	}
	details := q.uint8(quantDetailsType, 0)
	scale := q.float32s(quantScale)
	zero := q.int64s(quantZeroPoint)
	axis := q.int32(quantDimension, 0)
	if im.r.err != nil {
		return nil, fmt.Errorf("malformed quantization parameters: %w", im.r.err)
	}
	if details != 0 {
		return nil, errors.New("custom quantization is not supported")
	}
	if len(scale) == 0 {
		return nil, nil
	}
	switch {
	case len(scale) == 1:
		axis = 0 // TFLite ignores the dimension of per-tensor parameters
	case len(shape) == 1 && int(shape[0]) == len(scale):
		// A vector can only be quantized along its one axis. Some
		// converters copy the filter's dimension (3) to the bias.
		axis = 0
	}
	return &format.Quantization{Scale: scale, ZeroPoint: zero, Axis: axis}, nil
}

// buffer returns the .eqm buffer index for TFLite buffer b, adding the
// buffer's data to the model the first time it is seen, or -1 when the
// buffer holds no data.
func (im *importer) buffer(b uint32) (int32, error) {
	if idx, ok := im.bufIndex[b]; ok {
		return idx, nil
	}
	if int64(b) >= int64(im.buffers.len()) {
		if b == 0 {
			return -1, nil // buffer 0 is the empty sentinel; some files omit it
		}
		return 0, fmt.Errorf("buffer %d out of range (file has %d buffers)", b, im.buffers.len())
	}
	bt := im.buffers.at(int(b))
	data := bt.bytes(bufferData)
	offset := bt.uint64(bufferOffset, 0)
	size := bt.uint64(bufferSize, 0)
	if im.r.err != nil {
		return 0, fmt.Errorf("malformed buffer %d: %w", b, im.r.err)
	}
	if offset > 1 { // data stored after the flatbuffer (models over 2 GB)
		if !im.r.in(offset, size) {
			return 0, fmt.Errorf("buffer %d: %d bytes at offset %d run past the end of the file", b, size, offset)
		}
		end := offset + size
		data = im.r.buf[offset:end:end]
	}
	idx := int32(-1)
	if len(data) > 0 {
		idx = int32(len(im.out.Buffers))
		im.out.Buffers = append(im.out.Buffers, data)
	}
	im.bufIndex[b] = idx
	return idx, nil
}

func (im *importer) operators(list tables) error {
	if list.len() > format.MaxOperators {
		return fmt.Errorf("tflite: %d operators, limit is %d", list.len(), format.MaxOperators)
	}
	if im.r.err != nil {
		return im.malformed("operators")
	}
	im.out.Operators = make([]format.Operator, list.len())
	for i := range im.out.Operators {
		if err := im.operator(i, list.at(i)); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) operator(i int, ot table) error {
	op := &im.out.Operators[i]
	code, version, name, err := im.opcode(ot.uint32(operatorOpcodeIndex, 0))
	if err != nil {
		return fmt.Errorf("tflite: operator %d: %w", i, err)
	}
	if !supportedOps[code] {
		im.badOps = append(im.badOps, fmt.Sprintf("#%d %s", i, name))
		return nil
	}
	op.Op = name
	op.Version = version
	op.Inputs = ot.int32s(operatorInputs)
	op.Outputs = ot.int32s(operatorOutputs)
	op.Intermediates = ot.int32s(operatorIntermediates)
	optType := ot.uint8(operatorOptionsType, optNone)
	opts := ot.child(operatorOptions)
	if im.r.err != nil {
		return im.malformed(fmt.Sprintf("operator %d (%s)", i, name))
	}
	if err := im.options(code, optType, opts, &op.Options); err != nil {
		return fmt.Errorf("tflite: operator %d (%s): %w", i, name, err)
	}
	if im.r.err != nil {
		return im.malformed(fmt.Sprintf("operator %d (%s) options", i, name))
	}
	return nil
}

// opcode resolves an operator's opcode index to its builtin code, version
// and name. Custom ops are named CUSTOM("code").
func (im *importer) opcode(index uint32) (code, version int32, name string, err error) {
	if int64(index) >= int64(im.opcodes.len()) {
		return 0, 0, "", fmt.Errorf("opcode index %d out of range (file has %d operator codes)", index, im.opcodes.len())
	}
	oc := im.opcodes.at(int(index))
	// Codes above 127 live only in builtin_code; older files have only the
	// deprecated byte. The larger of the two is the real code.
	code = max(int32(oc.int8(opcodeDeprecatedBuiltin, 0)), oc.int32(opcodeBuiltin, 0))
	version = oc.int32(opcodeVersion, 1)
	custom := oc.string(opcodeCustomCode)
	if im.r.err != nil {
		return 0, 0, "", fmt.Errorf("malformed operator code %d: %w", index, im.r.err)
	}
	name = builtinName(code)
	if code == opCustom {
		name = fmt.Sprintf("CUSTOM(%q)", custom)
	}
	return code, version, name, nil
}
