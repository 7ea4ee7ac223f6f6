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

// fields calls fn for every field of the message in b. fn gets the field's
// number, wire type and its value bytes: for varints and fixed values the
// decoded number in v, for length-delimited fields the payload in data.
func (d *decoder) fields(b []byte, fn func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return d.errorf("bad field tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		var v uint64
		var data []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			v = uint64(x)
		case protowire.Fixed64Type:
			v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			data, n = protowire.ConsumeBytes(b)
		case protowire.StartGroupType:
			n = protowire.ConsumeFieldValue(num, typ, b)
		default:
			return d.errorf("field %d has wire type %d", num, typ)
		}
		if n < 0 {
			return d.errorf("field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(num, typ, v, data); err != nil {
			return err
		}
	}
	return nil
}

// want checks a known field's wire type.
func (d *decoder) want(num protowire.Number, typ, want protowire.Type) error {
	if typ != want {
		return d.errorf("field %d has wire type %d, want %d", num, typ, want)
	}
	return nil
}

// message decodes the sub-message in data with fn, naming it in errors.
func (d *decoder) message(name string, data []byte, fn func([]byte) error) error {
	d.path = append(d.path, name)
	err := fn(data)
	d.path = d.path[:len(d.path)-1]
	return err
}

// varints appends a repeated varint field, packed or not.
func (d *decoder) varints(num protowire.Number, typ protowire.Type, v uint64, data []byte, list []int64) ([]int64, error) {
	switch typ {
	case protowire.VarintType:
		return append(list, int64(v)), nil
	case protowire.BytesType:
		for len(data) > 0 {
			x, n := protowire.ConsumeVarint(data)
			if n < 0 {
				return nil, d.errorf("field %d: packed varint: %v", num, protowire.ParseError(n))
			}
			list = append(list, int64(x))
			data = data[n:]
		}
		return list, nil
	}
	return nil, d.errorf("field %d has wire type %d, want a varint or packed varints", num, typ)
}

// float32s appends a repeated float field, packed or not.
func (d *decoder) float32s(num protowire.Number, typ protowire.Type, v uint64, data []byte, list []float32) ([]float32, error) {
	switch typ {
	case protowire.Fixed32Type:
		return append(list, math.Float32frombits(uint32(v))), nil
	case protowire.BytesType:
		if len(data)%4 != 0 {
			return nil, d.errorf("field %d: packed floats take %d bytes, not a multiple of 4", num, len(data))
		}
		for i := 0; i < len(data); i += 4 {
			x, _ := protowire.ConsumeFixed32(data[i:])
			list = append(list, math.Float32frombits(x))
		}
		return list, nil
	}
	return nil, d.errorf("field %d has wire type %d, want fixed32 or packed fixed32", num, typ)
}

// float64s appends a repeated double field, packed or not.
func (d *decoder) float64s(num protowire.Number, typ protowire.Type, v uint64, data []byte, list []float64) ([]float64, error) {
	switch typ {
	case protowire.Fixed64Type:
		return append(list, math.Float64frombits(v)), nil
	case protowire.BytesType:
		if len(data)%8 != 0 {
			return nil, d.errorf("field %d: packed doubles take %d bytes, not a multiple of 8", num, len(data))
		}
		for i := 0; i < len(data); i += 8 {
			x, _ := protowire.ConsumeFixed64(data[i:])
			list = append(list, math.Float64frombits(x))
		}
		return list, nil
	}
	return nil, d.errorf("field %d has wire type %d, want fixed64 or packed fixed64", num, typ)
}

// decodeModel decodes a ModelProto.
func decodeModel(b []byte) (*model, error) {
	d := &decoder{}
	m := &model{}
	err := d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch num {
		case modelIRVersion:
			if err := d.want(num, typ, protowire.VarintType); err != nil {
				return err
			}
			m.irVersion = int64(v)
		case modelProducerName, modelProducerVer, modelDocString:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			switch num {
			case modelProducerName:
				m.producer = string(data)
			case modelProducerVer:
				m.producerVersion = string(data)
			default:
				m.docString = string(data)
			}
		case modelOpsetImport:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			if len(m.opsets) >= maxList {
				return d.errorf("more than %d opset imports", maxList)
			}
			var o opset
			if err := d.message("opset_import", data, func(b []byte) error { return d.opset(b, &o) }); err != nil {
				return err
			}
			m.opsets = append(m.opsets, o)
		case modelGraph:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			if m.graph != nil {
				return d.errorf("more than one graph")
			}
			m.graph = &graph{}
			return d.message("graph", data, func(b []byte) error { return d.graph(b, m.graph) })
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (d *decoder) opset(b []byte, o *opset) error {
	return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch num {
		case opsetDomain:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			o.domain = string(data)
		case opsetVersion:
			if err := d.want(num, typ, protowire.VarintType); err != nil {
				return err
			}
			o.version = int64(v)
		}
		return nil
	})
}

func (d *decoder) graph(b []byte, g *graph) error {
	return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch num {
		case graphName:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			g.name = string(data)
		case graphNode:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			if len(g.nodes) >= maxNodes {
				return d.errorf("more than %d nodes", maxNodes)
			}
			n := &node{}
			g.nodes = append(g.nodes, n)
			return d.message(fmt.Sprintf("node[%d]", len(g.nodes)-1), data, func(b []byte) error { return d.node(b, n) })
		case graphInitializer:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			if len(g.initializers) >= maxValues {
				return d.errorf("more than %d initializers", maxValues)
			}
			t := &tensor{}
			g.initializers = append(g.initializers, t)
			return d.message(fmt.Sprintf("initializer[%d]", len(g.initializers)-1), data, func(b []byte) error { return d.tensor(b, t) })
		case graphInput, graphOutput, graphValueInfo:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			list, name := &g.inputs, "input"
			switch num {
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
			return d.message(fmt.Sprintf("%s[%d]", name, len(*list)-1), data, func(b []byte) error { return d.valueInfo(b, vi) })
		case graphSparseInitializer:
			g.sparse = true
		}
		return nil
	})
}

func (d *decoder) node(b []byte, n *node) error {
	return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch num {
		case nodeInput, nodeOutput:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			list := &n.inputs
			if num == nodeOutput {
				list = &n.outputs
			}
			if len(*list) >= maxList {
				return d.errorf("more than %d inputs or outputs", maxList)
			}
			*list = append(*list, string(data))
		case nodeName, nodeOpType, nodeDomain:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			switch num {
			case nodeName:
				n.name = string(data)
			case nodeOpType:
				n.opType = string(data)
			default:
				n.domain = string(data)
			}
		case nodeAttribute:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			if len(n.attrs) >= maxList {
				return d.errorf("more than %d attributes", maxList)
			}
			a := &attribute{}
			n.attrs = append(n.attrs, a)
			return d.message(fmt.Sprintf("attribute[%d]", len(n.attrs)-1), data, func(b []byte) error { return d.attribute(b, a) })
		}
		return nil
	})
}

func (d *decoder) attribute(b []byte, a *attribute) error {
	return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) (err error) {
		switch num {
		case attrName:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			a.name = string(data)
		case attrType:
			if err := d.want(num, typ, protowire.VarintType); err != nil {
				return err
			}
			a.typ = int64(v)
		case attrF:
			if err := d.want(num, typ, protowire.Fixed32Type); err != nil {
				return err
			}
			a.f, a.hasF = math.Float32frombits(uint32(v)), true
		case attrI:
			if err := d.want(num, typ, protowire.VarintType); err != nil {
				return err
			}
			a.i, a.hasI = int64(v), true
		case attrS:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			a.s, a.hasS = data, true
		case attrT:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			a.t = &tensor{}
			return d.message("t", data, func(b []byte) error { return d.tensor(b, a.t) })
		case attrFloats:
			a.floats, err = d.float32s(num, typ, v, data, a.floats)
		case attrInts:
			a.ints, err = d.varints(num, typ, v, data, a.ints)
		case attrRefAttrName:
			a.ref = true
		}
		return err
	})
}

func (d *decoder) tensor(b []byte, t *tensor) error {
	return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) (err error) {
		switch num {
		case tensorDims:
			t.dims, err = d.varints(num, typ, v, data, t.dims)
		case tensorDataType:
			if err := d.want(num, typ, protowire.VarintType); err != nil {
				return err
			}
			t.dataType = int64(v)
		case tensorSegment:
			t.segment = true
		case tensorFloatData:
			t.floats, err = d.float32s(num, typ, v, data, t.floats)
		case tensorInt32Data:
			var list []int64
			list, err = d.varints(num, typ, v, data, nil)
			for _, x := range list {
				t.int32s = append(t.int32s, int32(x))
			}
		case tensorInt64Data:
			t.int64s, err = d.varints(num, typ, v, data, t.int64s)
		case tensorName:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			t.name = string(data)
		case tensorRawData:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			t.raw, t.hasRaw = data, true
		case tensorDoubleData:
			t.doubles, err = d.float64s(num, typ, v, data, t.doubles)
		case tensorUint64Data:
			var list []int64
			list, err = d.varints(num, typ, v, data, nil)
			for _, x := range list {
				t.uint64s = append(t.uint64s, uint64(x))
			}
		case tensorExternalData:
			t.external = true
		case tensorDataLocation:
			if err := d.want(num, typ, protowire.VarintType); err != nil {
				return err
			}
			if v != 0 {
				t.external = true
			}
		}
		return err
	})
}

func (d *decoder) valueInfo(b []byte, vi *valueInfo) error {
	return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch num {
		case valueName:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			vi.name = string(data)
		case valueType:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			return d.message("type", data, func(b []byte) error { return d.typeProto(b, vi) })
		}
		return nil
	})
}

func (d *decoder) typeProto(b []byte, vi *valueInfo) error {
	return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch num {
		case typeTensor:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			return d.message("tensor_type", data, func(b []byte) error { return d.tensorType(b, vi) })
		case 4, 5, 9, 8: // sequence, map, optional, sparse tensor
			vi.notTensor = true
		}
		return nil
	})
}

func (d *decoder) tensorType(b []byte, vi *valueInfo) error {
	return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch num {
		case tensorTypeElem:
			if err := d.want(num, typ, protowire.VarintType); err != nil {
				return err
			}
			vi.elemType = int64(v)
		case tensorTypeShape:
			if err := d.want(num, typ, protowire.BytesType); err != nil {
				return err
			}
			vi.hasShape = true
			return d.message("shape", data, func(b []byte) error {
				return d.fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
					if num != shapeDim {
						return nil
					}
					if err := d.want(num, typ, protowire.BytesType); err != nil {
						return err
					}
					if len(vi.dims) >= maxList {
						return d.errorf("more than %d dimensions", maxList)
					}
					var dm dim
					err := d.fields(data, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
						switch num {
						case dimValue:
							if err := d.want(num, typ, protowire.VarintType); err != nil {
								return err
							}
							dm.value, dm.hasValue = int64(v), true
						case dimParam:
							if err := d.want(num, typ, protowire.BytesType); err != nil {
								return err
							}
							dm.param = string(data)
						}
						return nil
					})
					vi.dims = append(vi.dims, dm)
					return err
				})
			})
		}
		return nil
	})
}
