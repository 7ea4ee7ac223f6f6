package format

import (
	"fmt"
	"math"
	"strconv"
)

// Limits on what a model may declare. Decode and Validate refuse anything
// larger, so a hostile file cannot make a reader allocate without bound.
const (
	MaxTensorBytes = 1 << 30 // bytes of one tensor (constant or activation)
	MaxTensors     = 1 << 16 // tensors in a model; also buffers
	MaxOperators   = 1 << 16 // operators in a model
	MaxRank        = 8       // dimensions of a tensor shape
)

// maxList bounds every msgpack array or map in a file (a quantization's
// per-channel scales, an operator's inputs, ...). Decode checks it before
// anything is allocated; Validate checks it so Encode never writes a file
// Decode would refuse.
const maxList = 1 << 16

// Size returns the size of one element in bytes, or 0 for an unknown type
// and for Int4, whose elements are smaller than a byte (see Bits).
func (d DType) Size() int {
	switch d {
	case Int8, UInt8, Bool:
		return 1
	case Int16:
		return 2
	case Float32, Int32:
		return 4
	case Int64:
		return 8
	}
	return 0
}

// Bits returns the size of one element in bits, or 0 for an unknown type.
func (d DType) Bits() int {
	if d == Int4 {
		return 4
	}
	return 8 * d.Size()
}

// String returns the lower-case name of the type, as in "int8", or
// "DType(9)" for an unknown value.
func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Int8:
		return "int8"
	case Int16:
		return "int16"
	case Int32:
		return "int32"
	case UInt8:
		return "uint8"
	case Int64:
		return "int64"
	case Bool:
		return "bool"
	case Int4:
		return "int4"
	}
	return "DType(" + strconv.Itoa(int(d)) + ")"
}

// zeroPointRange returns the values a zero point of type d may take.
// Types without an integer range (float32, bool) only allow 0.
func (d DType) zeroPointRange() (lo, hi int64) {
	switch d {
	case Int4:
		return -8, 7
	case Int8:
		return math.MinInt8, math.MaxInt8
	case UInt8:
		return 0, math.MaxUint8
	case Int16:
		return math.MinInt16, math.MaxInt16
	case Int32:
		return math.MinInt32, math.MaxInt32
	case Int64:
		return math.MinInt64, math.MaxInt64
	}
	return 0, 0
}

// NumElements returns the number of elements of the tensor: the product of
// its shape, 1 for a scalar. It returns -1 when the shape has a negative
// dimension or when the tensor would be larger than MaxTensorBytes bytes
// (or MaxTensorBytes elements for an unknown type), so the result is
// always safe to allocate from.
func (t *Tensor) NumElements() int {
	n, err := numElements(t.Shape, t.Type.Size())
	if err != nil {
		return -1
	}
	return n
}

// Bytes returns the size of the tensor's data in bytes, or -1 when
// NumElements does or the type is unknown.
func (t *Tensor) Bytes() int {
	n, bits := t.NumElements(), t.Type.Bits()
	if n < 0 || bits == 0 {
		return -1
	}
	return packedBytes(n, bits)
}

// packedBytes is the storage n elements of the given bit width take,
// rounded up to whole bytes.
func packedBytes(n, bits int) int { return (n*bits + 7) / 8 }

// numElements multiplies out shape, refusing negative dimensions and
// products above MaxTensorBytes bytes (elemSize 0 counts as 1 byte).
func numElements(shape []int32, elemSize int) (int, error) {
	if elemSize < 1 {
		elemSize = 1
	}
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("dimension %d is negative (%d)", i, d)
		}
		if d == 0 {
			return 0, nil
		}
	}
	n := 1
	for _, d := range shape {
		// n*elemSize <= MaxTensorBytes holds here, so n*d cannot overflow
		// even on 32-bit when checked against the quotient first.
		if int(d) > MaxTensorBytes/elemSize/n {
			return 0, fmt.Errorf("shape %v needs more than MaxTensorBytes (%d) bytes", shape, MaxTensorBytes)
		}
		n *= int(d)
	}
	return n, nil
}

// Validate checks that the model is self-consistent: every index in range,
// every constant's buffer exactly as long as its shape needs, quantization
// parameters well-formed and every size within the limits above. A model
// that passes can be walked without further bounds checks on indices,
// shapes or buffer lengths. The version is not checked here (Decode does).
func (m *Model) Validate() error {
	if len(m.Tensors) > MaxTensors {
		return fmt.Errorf("format: %d tensors, limit is MaxTensors (%d)", len(m.Tensors), MaxTensors)
	}
	if len(m.Buffers) > MaxTensors {
		return fmt.Errorf("format: %d buffers, limit is MaxTensors (%d)", len(m.Buffers), MaxTensors)
	}
	if len(m.Operators) > MaxOperators {
		return fmt.Errorf("format: %d operators, limit is MaxOperators (%d)", len(m.Operators), MaxOperators)
	}
	for i, b := range m.Buffers {
		if len(b) > MaxTensorBytes {
			return fmt.Errorf("format: buffer %d holds %d bytes, limit is MaxTensorBytes (%d)", i, len(b), MaxTensorBytes)
		}
	}
	for i := range m.Tensors {
		if err := m.validateTensor(&m.Tensors[i]); err != nil {
			return fmt.Errorf("format: tensor %d: %w", i, err)
		}
	}
	for i := range m.Operators {
		if err := m.validateOperator(&m.Operators[i]); err != nil {
			return fmt.Errorf("format: operator %d (%s): %w", i, m.Operators[i].Op, err)
		}
	}
	if err := m.checkTensorList("input", m.Inputs, false); err != nil {
		return fmt.Errorf("format: graph inputs: %w", err)
	}
	if err := m.checkTensorList("output", m.Outputs, false); err != nil {
		return fmt.Errorf("format: graph outputs: %w", err)
	}
	return nil
}

func (m *Model) validateTensor(t *Tensor) error {
	size, bits := t.Type.Size(), t.Type.Bits()
	if bits == 0 {
		return fmt.Errorf("unknown dtype %d", t.Type)
	}
	if t.Type == Int4 && (t.Buffer < 0 || t.Variable) {
		return fmt.Errorf("int4 is a storage type for constants only, and this tensor has no constant data")
	}
	if len(t.Shape) > MaxRank {
		return fmt.Errorf("rank %d exceeds MaxRank (%d)", len(t.Shape), MaxRank)
	}
	n, err := numElements(t.Shape, size)
	if err != nil {
		return err
	}
	switch {
	case t.Buffer >= 0:
		if int(t.Buffer) >= len(m.Buffers) {
			return fmt.Errorf("buffer %d out of range (model has %d buffers)", t.Buffer, len(m.Buffers))
		}
		if have, need := len(m.Buffers[t.Buffer]), packedBytes(n, bits); have != need {
			return fmt.Errorf("buffer %d holds %d bytes, shape %v of %v needs %d", t.Buffer, have, t.Shape, t.Type, need)
		}
	case t.Buffer != -1:
		return fmt.Errorf("buffer index %d is negative (use -1 for no data)", t.Buffer)
	}
	if t.Quant != nil {
		if err := validateQuant(t.Quant, t); err != nil {
			return fmt.Errorf("quantization: %w", err)
		}
	}
	return nil
}

func validateQuant(q *Quantization, t *Tensor) error {
	if len(q.Scale) == 0 {
		return fmt.Errorf("no scale")
	}
	if len(q.Scale) != len(q.ZeroPoint) {
		return fmt.Errorf("%d scales but %d zero points", len(q.Scale), len(q.ZeroPoint))
	}
	if len(q.Scale) > maxList {
		return fmt.Errorf("%d scales, limit is %d", len(q.Scale), maxList)
	}
	if q.Axis < 0 {
		return fmt.Errorf("axis %d is negative", q.Axis)
	}
	if len(q.Scale) > 1 {
		if int(q.Axis) >= len(t.Shape) {
			return fmt.Errorf("axis %d out of range for shape %v", q.Axis, t.Shape)
		}
		if d := t.Shape[q.Axis]; int(d) != len(q.Scale) {
			return fmt.Errorf("%d scales, dimension %d (axis %d) is %d", len(q.Scale), q.Axis, q.Axis, d)
		}
	}
	for i, s := range q.Scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return fmt.Errorf("scale %d is %v, want finite and > 0", i, s)
		}
	}
	lo, hi := t.Type.zeroPointRange()
	for i, z := range q.ZeroPoint {
		if z < lo || z > hi {
			return fmt.Errorf("zero point %d is %d, outside [%d, %d] for %v", i, z, lo, hi, t.Type)
		}
	}
	return nil
}

func (m *Model) validateOperator(op *Operator) error {
	if op.Op == "" {
		return fmt.Errorf("empty op name")
	}
	if op.Version < 0 {
		return fmt.Errorf("version %d is negative", op.Version)
	}
	if err := m.checkTensorList("input", op.Inputs, true); err != nil {
		return err
	}
	if err := m.checkTensorList("output", op.Outputs, false); err != nil {
		return err
	}
	if err := m.checkTensorList("intermediate", op.Intermediates, false); err != nil {
		return err
	}
	if len(op.Options.NewShape) > MaxRank {
		return fmt.Errorf("new_shape has %d dimensions, limit is MaxRank (%d)", len(op.Options.NewShape), MaxRank)
	}
	return nil
}

// checkTensorList checks that every index in list names a tensor; -1 is
// allowed when optional is set.
func (m *Model) checkTensorList(what string, list []int32, optional bool) error {
	if len(list) > maxList {
		return fmt.Errorf("%d %ss, limit is %d", len(list), what, maxList)
	}
	for i, ti := range list {
		if ti == -1 && optional {
			continue
		}
		if ti < 0 || int(ti) >= len(m.Tensors) {
			return fmt.Errorf("%s %d: tensor %d out of range (model has %d tensors)", what, i, ti, len(m.Tensors))
		}
	}
	return nil
}
