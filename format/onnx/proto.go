package onnx

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of the parts of onnx.proto the importer reads. Every other
// field is skipped.
const (
	// ModelProto
	modelIRVersion    = 1
	modelProducerName = 2
	modelProducerVer  = 3
	modelDocString    = 6
	modelGraph        = 7
	modelOpsetImport  = 8

	// OperatorSetIdProto
	opsetDomain  = 1
	opsetVersion = 2

	// GraphProto
	graphNode              = 1
	graphName              = 2
	graphInitializer       = 5
	graphInput             = 11
	graphOutput            = 12
	graphValueInfo         = 13
	graphSparseInitializer = 15

	// NodeProto
	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5
	nodeDomain    = 7

	// AttributeProto
	attrName        = 1
	attrF           = 2
	attrI           = 3
	attrS           = 4
	attrT           = 5
	attrFloats      = 7
	attrInts        = 8
	attrType        = 20
	attrRefAttrName = 21

	// ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto(.Dimension)
	valueName       = 1
	valueType       = 2
	typeTensor      = 1
	tensorTypeElem  = 1
	tensorTypeShape = 2
	shapeDim        = 1
	dimValue        = 1
	dimParam        = 2

	// TensorProto
	tensorDims         = 1
	tensorDataType     = 2
	tensorSegment      = 3
	tensorFloatData    = 4
	tensorInt32Data    = 5
	tensorInt64Data    = 7
	tensorName         = 8
	tensorRawData      = 9
	tensorDoubleData   = 10
	tensorUint64Data   = 11
	tensorExternalData = 13
	tensorDataLocation = 14
)

// TensorProto.DataType values.
const (
	dtFloat   = 1
	dtUint8   = 2
	dtInt8    = 3
	dtUint16  = 4
	dtInt16   = 5
	dtInt32   = 6
	dtInt64   = 7
	dtString  = 8
	dtBool    = 9
	dtFloat16 = 10
	dtDouble  = 11
	dtUint32  = 12
	dtUint64  = 13
)

// AttributeProto.AttributeType values the importer reads.
const (
	atFloat  = 1
	atInt    = 2
	atString = 3
	atTensor = 4
	atInts   = 7
)

// maxNodes bounds the nodes of a graph, and maxValues its inputs, outputs,
// initializers and value_info entries, so a file cannot make the decoder
// allocate without bound. Both are the .eqm limits.
const (
	maxNodes  = 1 << 16
	maxValues = 1 << 16
	maxList   = 1 << 16 // a node's inputs, outputs, attributes; an attribute's list
)

// model is the part of a ModelProto the importer uses.
type model struct {
	irVersion       int64
	producer        string
	producerVersion string
	docString       string
	opsets          []opset
	graph           *graph
}

type opset struct {
	domain  string
	version int64
}

// graph is a GraphProto. Its nodes are in file order, which ONNX requires
// to be topological.
type graph struct {
	name         string
	nodes        []*node
	initializers []*tensor
	inputs       []*valueInfo
	outputs      []*valueInfo
	valueInfo    []*valueInfo
	sparse       bool // has sparse initializers
}

type node struct {
	inputs, outputs []string
	name            string
	opType          string
	domain          string
	attrs           []*attribute
}

// attribute is an AttributeProto; only the kinds the importer reads are
// kept (graphs, strings and tensor lists are skipped).
type attribute struct {
	name   string
	typ    int64
	f      float32
	i      int64
	s      []byte
	t      *tensor
	floats []float32
	ints   []int64
	hasF   bool
	hasI   bool
	hasS   bool
	ref    bool // ref_attr_name set: only valid inside functions
}

// tensor is a TensorProto. raw is a slice of the file, not a copy.
type tensor struct {
	name     string
	dims     []int64
	dataType int64
	raw      []byte
	hasRaw   bool
	floats   []float32
	int32s   []int32
	int64s   []int64
	doubles  []float64
	uint64s  []uint64
	external bool // data_location EXTERNAL or external_data present
	segment  bool
}

// valueInfo is a ValueInfoProto holding a tensor type.
type valueInfo struct {
	name      string
	elemType  int64
	hasShape  bool
	dims      []dim
	notTensor bool // a sequence, map or optional type
}

// dim is one dimension of a TensorShapeProto: a value, a symbolic name or
// nothing at all.
type dim struct {
	value    int64
	param    string
	hasValue bool
}

// decoder walks protobuf bytes; every method checks bounds and returns an
// error on malformed input, never panics.
type decoder struct {
	path []string // where we are, for error messages
}

// errMalformed is wrapped by every decoding error.
var errMalformed = errors.New("malformed protobuf")

func (d *decoder) errorf(format string, args ...any) error {
	where := ""
	for i, p := range d.path {
		if i > 0 {
			where += "."
		}
		where += p
	}
	if where != "" {
		where += ": "
	}
	return fmt.Errorf("%w: %s%s", errMalformed, where, fmt.Sprintf(format, args...))
}

// field is one field of a message as fields reads it: for varints and
// fixed values the decoded number in v, for length-delimited fields the
// payload in data.
type field struct {
	num  protowire.Number
	typ  protowire.Type
	v    uint64
	data []byte
}

// fields calls fn for every field of the message in b.
func (d *decoder) fields(b []byte, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return d.errorf("bad field tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			f.v = uint64(x)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.data, n = protowire.ConsumeBytes(b)
		case protowire.StartGroupType:
			n = protowire.ConsumeFieldValue(num, typ, b)
		default:
			return d.errorf("field %d has wire type %d", num, typ)
		}
		if n < 0 {
			return d.errorf("field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// want checks a known field's wire type.
func (d *decoder) want(f field, want protowire.Type) error {
	if f.typ != want {
		return d.errorf("field %d has wire type %d, want %d", f.num, f.typ, want)
	}
	return nil
}

// varint returns a varint field's value.
func (d *decoder) varint(f field) (int64, error) {
	if err := d.want(f, protowire.VarintType); err != nil {
		return 0, err
	}
	return int64(f.v), nil
}

// bytes returns a length-delimited field's payload (a slice of the file).
func (d *decoder) bytes(f field) ([]byte, error) {
	if err := d.want(f, protowire.BytesType); err != nil {
		return nil, err
	}
	return f.data, nil
}

// str returns a string field's value.
func (d *decoder) str(f field) (string, error) {
	b, err := d.bytes(f)
	return string(b), err
}

// message decodes the sub-message field f holds with fn, naming it in
// errors.
func (d *decoder) message(f field, name string, fn func([]byte) error) error {
	if err := d.want(f, protowire.BytesType); err != nil {
		return err
	}
	d.path = append(d.path, name)
	err := fn(f.data)
	d.path = d.path[:len(d.path)-1]
	return err
}

// varints appends a repeated varint field, packed or not.
func (d *decoder) varints(f field, list []int64) ([]int64, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(list, int64(f.v)), nil
	case protowire.BytesType:
		for data := f.data; len(data) > 0; {
			x, n := protowire.ConsumeVarint(data)
			if n < 0 {
				return nil, d.errorf("field %d: packed varint: %v", f.num, protowire.ParseError(n))
			}
			list = append(list, int64(x))
			data = data[n:]
		}
		return list, nil
	}
	return nil, d.errorf("field %d has wire type %d, want a varint or packed varints", f.num, f.typ)
}

// float32s appends a repeated float field, packed or not.
func (d *decoder) float32s(f field, list []float32) ([]float32, error) {
	return appendFixed(d, f, list, 4, "floats", func(bits uint64) float32 { return math.Float32frombits(uint32(bits)) })
}

// float64s appends a repeated double field, packed or not.
func (d *decoder) float64s(f field, list []float64) ([]float64, error) {
	return appendFixed(d, f, list, 8, "doubles", math.Float64frombits)
}

// appendFixed appends a repeated fixed32 (size 4) or fixed64 (size 8)
// field, packed or not, converting every value's bits with conv; what
// names the values in errors.
func appendFixed[T any](d *decoder, f field, list []T, size int, what string, conv func(bits uint64) T) ([]T, error) {
	typ := protowire.Fixed32Type
	if size == 8 {
		typ = protowire.Fixed64Type
	}
	switch f.typ {
	case typ:
		return append(list, conv(f.v)), nil
	case protowire.BytesType:
		if len(f.data)%size != 0 {
			return nil, d.errorf("field %d: packed %s take %d bytes, not a multiple of %d", f.num, what, len(f.data), size)
		}
		for i := 0; i < len(f.data); i += size {
			var bits uint64
			if size == 8 {
				bits, _ = protowire.ConsumeFixed64(f.data[i:])
			} else {
				x, _ := protowire.ConsumeFixed32(f.data[i:])
				bits = uint64(x)
			}
			list = append(list, conv(bits))
		}
		return list, nil
	}
	return nil, d.errorf("field %d has wire type %d, want fixed%d or packed fixed%d", f.num, f.typ, 8*size, 8*size)
}

// decodeModel decodes a ModelProto.
func decodeModel(b []byte) (*model, error) {
	d := &decoder{}
	m := &model{}
	err := d.fields(b, func(f field) (err error) {
		switch f.num {
		case modelIRVersion:
			m.irVersion, err = d.varint(f)
		case modelProducerName:
			m.producer, err = d.str(f)
		case modelProducerVer:
			m.producerVersion, err = d.str(f)
		case modelDocString:
			m.docString, err = d.str(f)
		case modelOpsetImport:
			if len(m.opsets) >= maxList {
				return d.errorf("more than %d opset imports", maxList)
			}
			var o opset
			if err := d.message(f, "opset_import", func(b []byte) error { return d.opset(b, &o) }); err != nil {
				return err
			}
			m.opsets = append(m.opsets, o)
		case modelGraph:
			if m.graph != nil {
				return d.errorf("more than one graph")
			}
			m.graph = &graph{}
			return d.message(f, "graph", func(b []byte) error { return d.graph(b, m.graph) })
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (d *decoder) opset(b []byte, o *opset) error {
	return d.fields(b, func(f field) (err error) {
		switch f.num {
		case opsetDomain:
			o.domain, err = d.str(f)
		case opsetVersion:
			o.version, err = d.varint(f)
		}
		return err
	})
}

func (d *decoder) graph(b []byte, g *graph) error {
	return d.fields(b, func(f field) (err error) {
		switch f.num {
		case graphName:
			g.name, err = d.str(f)
		case graphNode:
			if len(g.nodes) >= maxNodes {
				return d.errorf("more than %d nodes", maxNodes)
			}
			n := &node{}
			g.nodes = append(g.nodes, n)
			return d.message(f, fmt.Sprintf("node[%d]", len(g.nodes)-1), func(b []byte) error { return d.node(b, n) })
		case graphInitializer:
			if len(g.initializers) >= maxValues {
				return d.errorf("more than %d initializers", maxValues)
			}
			t := &tensor{}
			g.initializers = append(g.initializers, t)
			return d.message(f, fmt.Sprintf("initializer[%d]", len(g.initializers)-1), func(b []byte) error { return d.tensor(b, t) })
		case graphInput, graphOutput, graphValueInfo:
			list, name := &g.inputs, "input"
			switch f.num {
			case graphOutput:
				list, name = &g.outputs, "output"
			case graphValueInfo:
				list, name = &g.valueInfo, "value_info"
			}
			if len(*list) >= maxValues {
				return d.errorf("more than %d %s entries", maxValues, name)
			}
			vi := &valueInfo{}
			*list = append(*list, vi)
			return d.message(f, fmt.Sprintf("%s[%d]", name, len(*list)-1), func(b []byte) error { return d.valueInfo(b, vi) })
		case graphSparseInitializer:
			g.sparse = true
		}
		return err
	})
}

func (d *decoder) node(b []byte, n *node) error {
	return d.fields(b, func(f field) (err error) {
		switch f.num {
		case nodeInput, nodeOutput:
			list := &n.inputs
			if f.num == nodeOutput {
				list = &n.outputs
			}
			if len(*list) >= maxList {
				return d.errorf("more than %d inputs or outputs", maxList)
			}
			name, err := d.str(f)
			*list = append(*list, name)
			return err
		case nodeName:
			n.name, err = d.str(f)
		case nodeOpType:
			n.opType, err = d.str(f)
		case nodeDomain:
			n.domain, err = d.str(f)
		case nodeAttribute:
			if len(n.attrs) >= maxList {
				return d.errorf("more than %d attributes", maxList)
			}
			a := &attribute{}
			n.attrs = append(n.attrs, a)
			return d.message(f, fmt.Sprintf("attribute[%d]", len(n.attrs)-1), func(b []byte) error { return d.attribute(b, a) })
		}
		return err
	})
}

func (d *decoder) attribute(b []byte, a *attribute) error {
	return d.fields(b, func(f field) (err error) {
		switch f.num {
		case attrName:
			a.name, err = d.str(f)
		case attrType:
			a.typ, err = d.varint(f)
		case attrF:
			if err = d.want(f, protowire.Fixed32Type); err == nil {
				a.f, a.hasF = math.Float32frombits(uint32(f.v)), true
			}
		case attrI:
			a.i, err = d.varint(f)
			a.hasI = err == nil
		case attrS:
			a.s, err = d.bytes(f)
			a.hasS = err == nil
		case attrT:
			a.t = &tensor{}
			return d.message(f, "t", func(b []byte) error { return d.tensor(b, a.t) })
		case attrFloats:
			a.floats, err = d.float32s(f, a.floats)
		case attrInts:
			a.ints, err = d.varints(f, a.ints)
		case attrRefAttrName:
			a.ref = true
		}
		return err
	})
}

func (d *decoder) tensor(b []byte, t *tensor) error {
	return d.fields(b, func(f field) (err error) {
		switch f.num {
		case tensorDims:
			t.dims, err = d.varints(f, t.dims)
		case tensorDataType:
			t.dataType, err = d.varint(f)
		case tensorSegment:
			t.segment = true
		case tensorFloatData:
			t.floats, err = d.float32s(f, t.floats)
		case tensorInt32Data:
			var list []int64
			list, err = d.varints(f, nil)
			for _, x := range list {
				t.int32s = append(t.int32s, int32(x))
			}
		case tensorInt64Data:
			t.int64s, err = d.varints(f, t.int64s)
		case tensorName:
			t.name, err = d.str(f)
		case tensorRawData:
			t.raw, err = d.bytes(f)
			t.hasRaw = err == nil
		case tensorDoubleData:
			t.doubles, err = d.float64s(f, t.doubles)
		case tensorUint64Data:
			var list []int64
			list, err = d.varints(f, nil)
			for _, x := range list {
				t.uint64s = append(t.uint64s, uint64(x))
			}
		case tensorExternalData:
			t.external = true
		case tensorDataLocation:
			var loc int64
			loc, err = d.varint(f)
			t.external = t.external || loc != 0
		}
		return err
	})
}

func (d *decoder) valueInfo(b []byte, vi *valueInfo) error {
	return d.fields(b, func(f field) (err error) {
		switch f.num {
		case valueName:
			vi.name, err = d.str(f)
		case valueType:
			return d.message(f, "type", func(b []byte) error { return d.typeProto(b, vi) })
		}
		return err
	})
}

func (d *decoder) typeProto(b []byte, vi *valueInfo) error {
	return d.fields(b, func(f field) error {
		switch f.num {
		case typeTensor:
			return d.message(f, "tensor_type", func(b []byte) error { return d.tensorType(b, vi) })
		case 4, 5, 9, 8: // sequence, map, optional, sparse tensor
			vi.notTensor = true
		}
		return nil
	})
}

func (d *decoder) tensorType(b []byte, vi *valueInfo) error {
	return d.fields(b, func(f field) (err error) {
		switch f.num {
		case tensorTypeElem:
			vi.elemType, err = d.varint(f)
		case tensorTypeShape:
			return d.message(f, "shape", func(b []byte) error {
				vi.hasShape = true
				return d.shape(b, vi)
			})
		}
		return err
	})
}

// shape decodes a TensorShapeProto's dimensions into vi.dims.
func (d *decoder) shape(b []byte, vi *valueInfo) error {
	return d.fields(b, func(f field) error {
		if f.num != shapeDim {
			return nil
		}
		if err := d.want(f, protowire.BytesType); err != nil {
			return err
		}
		if len(vi.dims) >= maxList {
			return d.errorf("more than %d dimensions", maxList)
		}
		var dm dim
		err := d.fields(f.data, func(f field) (err error) {
			switch f.num {
			case dimValue:
				dm.value, err = d.varint(f)
				dm.hasValue = err == nil
			case dimParam:
				dm.param, err = d.str(f)
			}
			return err
		})
		vi.dims = append(vi.dims, dm)
		return err
	})
}
