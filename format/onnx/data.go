package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/edgeq/edgeq/format"
)

// attr returns the attribute called name, or nil.
func attr(n *node, name string) *attribute {
	for _, a := range n.attrs {
		if a.name == name {
			return a
		}
	}
	return nil
}

// intAttr returns an int attribute, or def when absent.
func (im *importer) intAttr(n *node, name string, def int64) (int64, error) {
	a, err := im.attrOf(n, name, atInt)
	if a == nil || err != nil {
		return def, err
	}
	return a.i, nil
}

// floatAttr returns a float attribute, or def when absent.
func (im *importer) floatAttr(n *node, name string, def float32) (float32, error) {
	a, err := im.attrOf(n, name, atFloat)
	if a == nil || err != nil {
		return def, err
	}
	return a.f, nil
}

// stringAttr returns a string attribute, or def when absent.
func (im *importer) stringAttr(n *node, name, def string) (string, error) {
	a, err := im.attrOf(n, name, atString)
	if a == nil || err != nil {
		return def, err
	}
	return string(a.s), nil
}

// intsAttr returns an ints attribute, or nil when absent; when it is
// present it must have length want (if want >= 0) and values in
// [lo, hi].
func (im *importer) intsAttr(n *node, name string, want int, lo, hi int64) ([]int, bool, error) {
	a, err := im.attrOf(n, name, atInts)
	if a == nil || err != nil {
		return nil, false, err
	}
	if want >= 0 && len(a.ints) != want {
		return nil, false, im.errorf("attribute %s has %d values, want %d", name, len(a.ints), want)
	}
	out := make([]int, len(a.ints))
	for i, v := range a.ints {
		if v < lo || v > hi {
			return nil, false, im.errorf("attribute %s: value %d is outside [%d, %d]", name, v, lo, hi)
		}
		out[i] = int(v)
	}
	return out, true, nil
}

// attrKinds names the attribute types the importer reads, for errors.
var attrKinds = map[int64]string{atInt: "an int", atFloat: "a float", atString: "a string", atInts: "a list of ints"}

// attrOf returns node n's attribute name, or nil when absent, refusing
// one that does not hold a value of type typ. The type field is optional
// in older files, so a set value of the kind counts as well.
func (im *importer) attrOf(n *node, name string, typ int64) (*attribute, error) {
	a := attr(n, name)
	if a == nil {
		return nil, nil
	}
	if a.ref || a.typ != typ && !a.holds(typ) {
		return nil, im.errorf("attribute %s is not %s", name, attrKinds[typ])
	}
	return a, nil
}

// holds reports whether the value field of type typ is set.
func (a *attribute) holds(typ int64) bool {
	switch typ {
	case atInt:
		return a.hasI
	case atFloat:
		return a.hasF
	case atString:
		return a.hasS
	case atInts:
		return len(a.ints) > 0
	}
	return false
}

// dataTypeName names a TensorProto.DataType.
func dataTypeName(t int64) string {
	names := map[int64]string{
		dtFloat: "FLOAT", dtUint8: "UINT8", dtInt8: "INT8", dtUint16: "UINT16", dtInt16: "INT16",
		dtInt32: "INT32", dtInt64: "INT64", dtString: "STRING", dtBool: "BOOL", dtFloat16: "FLOAT16",
		dtDouble: "DOUBLE", dtUint32: "UINT32", dtUint64: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128",
		16: "BFLOAT16",
	}
	if s, ok := names[t]; ok {
		return s
	}
	return fmt.Sprintf("DataType(%d)", t)
}

// decode reads a constant's data on first use: floating-point types
// become float32, integer and boolean types int64.
func (im *importer) decode(v *value) error {
	if v.decoded {
		return nil
	}
	t := v.init
	shape, err := tensorShape(t)
	if err != nil {
		return im.errorf("constant %q: %v", v.name, err)
	}
	if t.external {
		return im.errorf("constant %q keeps its data in an external file; only self-contained models are supported", v.name)
	}
	if t.segment {
		return im.errorf("constant %q is segmented, which is not supported", v.name)
	}
	n := numElements(shape)
	bad := func(have int, what string) error {
		return im.errorf("constant %q of shape %v holds %d %s, want %d", v.name, shape, have, what, n)
	}
	switch t.dataType {
	case dtFloat, dtDouble, dtFloat16:
		v.dtype = format.Float32
		size := map[int64]int{dtFloat: 4, dtDouble: 8, dtFloat16: 2}[t.dataType]
		switch {
		case t.hasRaw:
			if len(t.raw) != n*size {
				return bad(len(t.raw), "bytes of raw data for elements of "+fmt.Sprint(size))
			}
			v.f32 = make([]float32, n)
			for i := range v.f32 {
				switch size {
				case 4:
					v.f32[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.raw[4*i:]))
				case 8:
					v.f32[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(t.raw[8*i:])))
				default:
					v.f32[i] = halfToFloat(binary.LittleEndian.Uint16(t.raw[2*i:]))
				}
			}
		case t.dataType == dtFloat:
			if len(t.floats) != n {
				return bad(len(t.floats), "float_data values")
			}
			v.f32 = append([]float32{}, t.floats...)
		case t.dataType == dtDouble:
			if len(t.doubles) != n {
				return bad(len(t.doubles), "double_data values")
			}
			v.f32 = make([]float32, n)
			for i, x := range t.doubles {
				v.f32[i] = float32(x)
			}
		default:
			if len(t.int32s) != n {
				return bad(len(t.int32s), "int32_data values")
			}
			v.f32 = make([]float32, n)
			for i, x := range t.int32s {
				v.f32[i] = halfToFloat(uint16(x))
			}
		}
	case dtInt64, dtInt32, dtInt16, dtInt8, dtUint8, dtUint16, dtBool, dtUint32, dtUint64:
		v.dtype = format.Int64
		size := map[int64]int{dtInt64: 8, dtInt32: 4, dtInt16: 2, dtInt8: 1, dtUint8: 1, dtUint16: 2, dtBool: 1, dtUint32: 4, dtUint64: 8}[t.dataType]
		v.i64 = make([]int64, n)
		switch {
		case t.hasRaw:
			if len(t.raw) != n*size {
				return bad(len(t.raw), "bytes of raw data for elements of "+fmt.Sprint(size))
			}
			signed := t.dataType == dtInt64 || t.dataType == dtInt32 || t.dataType == dtInt16 || t.dataType == dtInt8
			for i := range v.i64 {
				b := t.raw[size*i:]
				var u uint64
				switch size {
				case 1:
					u = uint64(b[0])
					if signed {
						u = uint64(int64(int8(b[0])))
					}
				case 2:
					u = uint64(binary.LittleEndian.Uint16(b))
					if signed {
						u = uint64(int64(int16(u)))
					}
				case 4:
					u = uint64(binary.LittleEndian.Uint32(b))
					if signed {
						u = uint64(int64(int32(u)))
					}
				default:
					u = binary.LittleEndian.Uint64(b)
				}
				v.i64[i] = int64(u)
			}
		case t.dataType == dtInt64:
			if len(t.int64s) != n {
				return bad(len(t.int64s), "int64_data values")
			}
			copy(v.i64, t.int64s)
		case t.dataType == dtUint32 || t.dataType == dtUint64:
			if len(t.uint64s) != n {
				return bad(len(t.uint64s), "uint64_data values")
			}
			for i, x := range t.uint64s {
				v.i64[i] = int64(x)
			}
		default:
			if len(t.int32s) != n {
				return bad(len(t.int32s), "int32_data values")
			}
			for i, x := range t.int32s {
				v.i64[i] = int64(x)
			}
		}
	default:
		return im.errorf("constant %q has type %s, which is not supported", v.name, dataTypeName(t.dataType))
	}
	v.shape = shape
	v.decoded = true
	return nil
}

// tensorShape checks a TensorProto's dims: each in [0, 2^31), at most
// format.MaxRank of them, the element count within format's limits.
// Constants may have zero elements.
func tensorShape(t *tensor) ([]int, error) {
	if len(t.dims) > format.MaxRank {
		return nil, fmt.Errorf("rank %d exceeds the limit of %d", len(t.dims), format.MaxRank)
	}
	shape := make([]int, len(t.dims))
	n := 1
	for i, d := range t.dims {
		if d < 0 || d > math.MaxInt32 {
			return nil, fmt.Errorf("dimension %d is %d", i, d)
		}
		shape[i] = int(d)
		if d == 0 {
			n = 0
		}
	}
	if n != 0 {
		for _, d := range shape {
			if d > format.MaxTensorBytes/8/n {
				return nil, fmt.Errorf("shape %v needs more than %d bytes", shape, format.MaxTensorBytes)
			}
			n *= d
		}
	}
	return shape, nil
}

// halfToFloat converts an IEEE 754 half-precision number.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // inf, NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		f := float32(frac) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}

// floats returns a float constant's values.
func (im *importer) floats(v *value) ([]float32, error) {
	if err := im.decodeAs(v, format.Float32); err != nil {
		return nil, err
	}
	return v.f32, nil
}

// ints returns an integer constant's values.
func (im *importer) ints(v *value) ([]int64, error) {
	if err := im.decodeAs(v, format.Int64); err != nil {
		return nil, err
	}
	return v.i64, nil
}

// decodeAs decodes v, which must be a constant of type dt (Float32 or
// Int64, the two types decode produces).
func (im *importer) decodeAs(v *value, dt format.DType) error {
	if !v.isConst {
		return im.errorf("%q must be a constant (an initializer or a Constant node)", v.name)
	}
	if err := im.decode(v); err != nil {
		return err
	}
	if v.dtype != dt {
		if dt == format.Float32 {
			return im.errorf("constant %q has an integer type, want a float", v.name)
		}
		return im.errorf("constant %q has a float type, want an integer", v.name)
	}
	return nil
}

// floatInput returns input i of the current node, which must be a float
// constant (weights, a bias, ...), and its values.
func (im *importer) floatInput(n *node, i int) (*value, []float32, error) {
	return constInput(im, n, i, false, (*importer).floats)
}

// optionalFloatInput is floatInput for an input that may be omitted: it
// returns a nil value then.
func (im *importer) optionalFloatInput(n *node, i int) (*value, []float32, error) {
	return constInput(im, n, i, true, (*importer).floats)
}

// intInput returns input i of the current node, which must be an integer
// constant (a shape, pads, ...), and its values.
func (im *importer) intInput(n *node, i int) (*value, []int64, error) {
	return constInput(im, n, i, false, (*importer).ints)
}

// optionalIntInput is intInput for an input that may be omitted: it
// returns a nil value then.
func (im *importer) optionalIntInput(n *node, i int) (*value, []int64, error) {
	return constInput(im, n, i, true, (*importer).ints)
}

// constInput reads input i of the current node and its constant data with
// data; an omitted optional input gives a nil value and no error.
func constInput[T any](im *importer, n *node, i int, optional bool, data func(*importer, *value) ([]T, error)) (*value, []T, error) {
	read := im.input
	if optional {
		read = im.optionalInput
	}
	v, err := read(n, i)
	if err != nil || v == nil {
		return nil, nil, err
	}
	x, err := data(im, v)
	if err != nil {
		return nil, nil, err
	}
	return v, x, nil
}

// decodedInput returns input i of the current node with its shape known:
// a constant's shape is only read when its data is decoded.
func (im *importer) decodedInput(n *node, i int) (*value, error) {
	v, err := im.input(n, i)
	if err != nil {
		return nil, err
	}
	if v.isConst {
		if err := im.decode(v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// newConst records a constant value the importer computed (from a
// Constant node, Shape, ...).
func (im *importer) newConst(name string, shape []int, f32 []float32, i64 []int64) error {
	if name == "" {
		return nil
	}
	dt := format.Float32
	if f32 == nil {
		dt = format.Int64
	}
	im.values[name] = &value{name: name, source: im.source[name], shape: shape, dtype: dt,
		isConst: true, decoded: true, f32: f32, i64: i64, tensor: -1}
	return nil
}

// transposeData returns data, of the given shape, with its dimensions
// reordered: output dimension i is input dimension perm[i].
func transposeData[T any](data []T, shape, perm []int) []T {
	n := len(shape)
	if n == 0 || isIdentity(perm) {
		return slices.Clone(data)
	}
	stride := make([]int, n)
	s := 1
	for d := n - 1; d >= 0; d-- {
		stride[d] = s
		s *= shape[d]
	}
	outShape := permute(shape, perm)
	outStride := permute(stride, perm) // input stride of each output dimension
	out := make([]T, len(data))
	idx := make([]int, n)
	in := 0
	for o := range out {
		out[o] = data[in]
		for d := n - 1; d >= 0; d-- {
			idx[d]++
			in += outStride[d]
			if idx[d] < outShape[d] {
				break
			}
			in -= idx[d] * outStride[d]
			idx[d] = 0
		}
	}
	return out
}

func floatBytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		putUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func putUint32(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) }

// flatColumns returns, for a flat layout, the ONNX column of every stored
// column: stored column j holds ONNX column cols[j].
func flatColumns(f *flatLayout) []int {
	shape := f.shape[1:]
	perm := make([]int, len(f.perm)-1)
	for i, d := range f.perm[1:] {
		perm[i] = d - 1
	}
	// Number the ONNX columns in ONNX order, then lay them out as the
	// stored data is: the stored column j holds what that transposition
	// puts at j.
	cols := make([]int, numElements(shape))
	for i := range cols {
		cols[i] = i
	}
	return transposeData(cols, shape, perm)
}
