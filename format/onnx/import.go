package onnx

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/edgeq/edgeq/format"
)

// Opset versions of the default (ai.onnx) domain the importer knows.
const (
	MinOpset = 11
	MaxOpset = 21
)

// maxFileSize is protobuf's limit on a serialized message.
const maxFileSize = math.MaxInt32

// Import converts an ONNX model (a serialized ModelProto) to an .eqm
// model: NCHW operators become TFLite-style NHWC ones, as the package
// documentation describes. Constant data is copied (ONNX weights need
// reordering), so data may change afterwards.
//
// The result is validated. Meta.Name is left empty for the caller to set.
// Import returns an error, never panics, on any input; an error about
// unsupported operators names every one of them.
func Import(data []byte) (*format.Model, error) {
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("onnx: file is %d bytes, protobuf messages are limited to %d", len(data), maxFileSize)
	}
	pm, err := decodeModel(data)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	im := &importer{pm: pm}
	m, err := im.model()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	m.Meta.SourceHash = hex.EncodeToString(sum[:])
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("onnx: imported model is invalid: %w", err)
	}
	return m, nil
}

// importer holds the state of one Import.
type importer struct {
	pm     *model
	g      *graph
	opset  int64
	out    *format.Model
	values map[string]*value
	// source numbers every value name of the graph (see the package
	// documentation); info holds the shapes value_info and the graph
	// outputs declare.
	source map[string]int32
	names  []string // by source index
	info   map[string]*valueInfo
	// producer is the node writing each value.
	producer map[string]int
	// uses lists, for every value, the nodes reading it; graphOut marks
	// the graph outputs. Both decide whether an op may absorb its
	// consumer (a fused activation, a folded BatchNormalization).
	uses     map[string][]int
	graphOut map[string]bool
	absorbed []bool
	// cur is the node being translated, for error messages.
	cur  int
	node *node
}

// value is an ONNX value: a constant known at import time, or an
// activation held by an .eqm tensor in some layout.
type value struct {
	name   string
	source int32
	shape  []int // the ONNX shape
	dtype  format.DType

	// Constants: init is decoded on first use into f32 or i64 (every
	// integer type widens to int64).
	isConst bool
	init    *tensor
	decoded bool
	f32     []float32
	i64     []int64
	consts  map[string]int32 // .eqm tensors made from it, by layout

	// Activations: tensor holds the data, laid out as lay says. A value
	// flattened from flatSrc has tensor -1 until an op reads it.
	tensor  int32
	lay     layout
	flatSrc *value
	// nonNeg says every element is >= 0 (a RELU's output, say), so a max
	// pool may pad it with zeros, which quantize, instead of -inf.
	nonNeg   bool
	variants map[string]int32 // the same data in other layouts, by key
}

// layout says how an activation's .eqm tensor stores its ONNX value.
//
// perm: stored dimension i is ONNX dimension perm[i] (nil: the identity,
// the ONNX order itself). Rank-4 activations are stored NHWC, perm
// [0 2 3 1].
//
// flat: a rank-2 value [N, K] made by flattening a value of ONNX shape
// flat.shape stored with flat.perm, without moving data: its columns are
// in the stored order of the flattened dimensions, not ONNX's. A
// FULLY_CONNECTED reading it permutes its weight columns to match.
type layout struct {
	perm []int
	flat *flatLayout
}

type flatLayout struct {
	shape []int // ONNX shape before flattening
	perm  []int // its layout; perm[0] == 0
}

// nhwc is the layout of rank-4 activations.
var nhwc = []int{0, 2, 3, 1}

func identity(rank int) []int {
	p := make([]int, rank)
	for i := range p {
		p[i] = i
	}
	return p
}

// orIdentity returns perm, or for nil (ONNX order) the identity of the
// given rank, for loops over the stored dimensions.
func orIdentity(perm []int, rank int) []int {
	if perm == nil {
		return identity(rank)
	}
	return perm
}

// isIdentity reports whether perm leaves dimensions in place.
func isIdentity(perm []int) bool {
	for i, d := range perm {
		if d != i {
			return false
		}
	}
	return true
}

// key names a layout for caching.
func (l layout) key() string {
	if l.flat != nil {
		return fmt.Sprintf("flat%v%v", l.flat.shape, l.flat.perm)
	}
	if l.perm == nil || isIdentity(l.perm) {
		return "id"
	}
	return fmt.Sprint(l.perm)
}

// permute returns shape with its dimensions reordered by perm.
func permute[T any](shape []T, perm []int) []T {
	if perm == nil {
		return slices.Clone(shape)
	}
	out := make([]T, len(perm))
	for i, d := range perm {
		out[i] = shape[d]
	}
	return out
}

// inverse returns the inverse permutation.
func inverse(perm []int) []int {
	inv := make([]int, len(perm))
	for i, d := range perm {
		inv[d] = i
	}
	return inv
}

// keptPerm is the layout an op that works in any dimension order (MEAN,
// PAD, CONCATENATION) can leave a value in: its own, but ONNX order for
// a flattened value, whose columns no permutation describes.
func (l layout) keptPerm() []int {
	if l.flat != nil {
		return nil
	}
	return l.perm
}

// storedShape is the .eqm shape of an activation of ONNX shape s laid
// out by l.
func (l layout) storedShape(s []int) []int {
	return permute(s, l.perm)
}

// order is the sequence of ONNX dimensions larger than 1 in stored order:
// two layouts of the same shape with the same order store the same bytes.
func order(shape, perm []int) []int {
	var o []int
	for _, d := range orIdentity(perm, len(shape)) {
		if shape[d] != 1 {
			o = append(o, d)
		}
	}
	return o
}

// errorf returns an error naming the node being translated.
func (im *importer) errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if im.node == nil {
		return errors.New("onnx: " + msg)
	}
	name := ""
	if im.node.name != "" {
		name = im.node.name + ", "
	}
	return fmt.Errorf("onnx: node %d (%s%s): %s", im.cur, name, im.node.opType, msg)
}

func (im *importer) model() (*format.Model, error) {
	pm := im.pm
	if pm.graph == nil {
		return nil, errors.New("onnx: malformed model: no graph (is this an ONNX model?)")
	}
	im.g = pm.graph
	if err := im.opsets(); err != nil {
		return nil, err
	}
	if im.g.sparse {
		return nil, errors.New("onnx: sparse initializers are not supported")
	}
	desc := pm.docString
	if desc == "" && pm.producer != "" {
		desc = strings.TrimSpace(fmt.Sprintf("exported by %s %s", pm.producer, pm.producerVersion))
	}
	im.out = &format.Model{
		Version: format.Version,
		Meta:    format.Metadata{Producer: "edgeq", Source: "onnx", Description: desc},
	}
	if err := im.index(); err != nil {
		return nil, err
	}
	if err := im.checkOps(); err != nil {
		return nil, err
	}
	if err := im.inputs(); err != nil {
		return nil, err
	}
	im.absorbed = make([]bool, len(im.g.nodes))
	for i, n := range im.g.nodes {
		if im.absorbed[i] {
			continue
		}
		im.cur, im.node = i, n
		if err := translators[n.opType](im, n); err != nil {
			return nil, err
		}
	}
	im.node = nil
	if err := im.outputs(); err != nil {
		return nil, err
	}
	if len(im.out.Tensors) > format.MaxTensors || len(im.out.Operators) > format.MaxOperators {
		return nil, fmt.Errorf("onnx: the imported model has %d tensors and %d operators, limits are %d and %d",
			len(im.out.Tensors), len(im.out.Operators), format.MaxTensors, format.MaxOperators)
	}
	return im.out, nil
}

// opsets finds the ai.onnx opset version, and refuses models without one
// or with one the importer does not know.
func (im *importer) opsets() error {
	found := false
	for _, o := range im.pm.opsets {
		if o.domain == "" || o.domain == "ai.onnx" {
			if found && o.version != im.opset {
				return fmt.Errorf("onnx: opset_import lists the ai.onnx domain twice (versions %d and %d)", im.opset, o.version)
			}
			im.opset, found = o.version, true
		}
	}
	if !found {
		return errors.New("onnx: opset_import has no ai.onnx (default domain) entry")
	}
	if im.opset < MinOpset || im.opset > MaxOpset {
		return fmt.Errorf("onnx: opset %d is not supported (the importer knows opsets %d to %d)", im.opset, MinOpset, MaxOpset)
	}
	return nil
}

// index numbers the graph's values, collects the declared shapes and the
// uses of every value, and checks that every name is produced once.
func (im *importer) index() error {
	g := im.g
	im.values = map[string]*value{}
	im.source = map[string]int32{}
	im.info = map[string]*valueInfo{}
	im.uses = map[string][]int{}
	im.graphOut = map[string]bool{}
	im.producer = map[string]int{}
	number := func(name string) {
		if _, ok := im.source[name]; !ok {
			im.source[name] = int32(len(im.names))
			im.names = append(im.names, name)
		}
	}
	inputNames := map[string]bool{}
	for _, vi := range g.inputs {
		if vi.name == "" {
			return errors.New("onnx: a graph input has no name")
		}
		inputNames[vi.name] = true
		number(vi.name)
	}
	initNames := map[string]bool{}
	for i, t := range g.initializers {
		if t.name == "" {
			return fmt.Errorf("onnx: initializer %d has no name", i)
		}
		if initNames[t.name] {
			return fmt.Errorf("onnx: two initializers are named %q", t.name)
		}
		initNames[t.name] = true
		number(t.name)
	}
	produced := map[string]int{}
	for i, n := range g.nodes {
		for _, o := range n.outputs {
			if o == "" {
				continue
			}
			if initNames[o] || inputNames[o] {
				return fmt.Errorf("onnx: node %d (%s) writes %q, which is a graph input or an initializer", i, n.opType, o)
			}
			if len(im.names) >= maxValues*4 {
				return fmt.Errorf("onnx: the graph has more than %d values", maxValues*4)
			}
			if j, dup := produced[o]; dup {
				return fmt.Errorf("onnx: nodes %d and %d both write %q", j, i, o)
			}
			produced[o] = i
			im.producer[o] = i
			number(o)
		}
		for _, in := range n.inputs {
			if in != "" && (len(im.uses[in]) == 0 || im.uses[in][len(im.uses[in])-1] != i) {
				im.uses[in] = append(im.uses[in], i)
			}
		}
	}
	for _, vi := range g.valueInfo {
		im.info[vi.name] = vi
	}
	for _, vi := range g.outputs {
		im.info[vi.name] = vi
		im.graphOut[vi.name] = true
	}
	for _, t := range g.initializers {
		im.values[t.name] = &value{name: t.name, source: im.source[t.name], isConst: true, init: t, tensor: -1}
	}
	return nil
}

// checkOps refuses, in one error naming them all, the nodes of domains or
// types the importer does not translate.
func (im *importer) checkOps() error {
	var bad []string
	for i, n := range im.g.nodes {
		switch {
		case n.domain != "" && n.domain != "ai.onnx":
			bad = append(bad, fmt.Sprintf("#%d %s (domain %q)", i, n.opType, n.domain))
		case translators[n.opType] == nil:
			bad = append(bad, fmt.Sprintf("#%d %s", i, n.opType))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("onnx: unsupported operators: %s", strings.Join(bad, ", "))
	}
	return nil
}

// inputs makes the graph inputs that are not initializers the .eqm
// inputs. A symbolic first dimension (the batch) becomes 1; rank-4
// inputs are NHWC unless every node reading them transposes them to NCHW
// first (a converted TensorFlow model), in which case they stay as they
// are.
func (im *importer) inputs() error {
	for _, vi := range im.g.inputs {
		if v := im.values[vi.name]; v != nil && v.isConst {
			continue // an initializer with a default value: a constant
		}
		if _, dup := im.values[vi.name]; dup {
			return fmt.Errorf("onnx: graph input %q is listed twice", vi.name)
		}
		if vi.notTensor {
			return fmt.Errorf("onnx: graph input %q is not a tensor", vi.name)
		}
		if vi.elemType != dtFloat {
			return fmt.Errorf("onnx: graph input %q has type %s; only float32 inputs are supported", vi.name, dataTypeName(vi.elemType))
		}
		if !vi.hasShape {
			return fmt.Errorf("onnx: graph input %q has no shape", vi.name)
		}
		shape := make([]int, len(vi.dims))
		for i, d := range vi.dims {
			switch {
			case d.hasValue && d.value > 0:
				shape[i] = int(min(d.value, math.MaxInt32))
			case i == 0 && (!d.hasValue || d.value < 0):
				shape[i] = 1 // a symbolic batch dimension
			default:
				what := fmt.Sprint(d.value)
				if !d.hasValue {
					what = fmt.Sprintf("symbolic (%q)", d.param)
				}
				return fmt.Errorf("onnx: graph input %q: dimension %d is %s; the runtime needs static shapes", vi.name, i, what)
			}
		}
		if err := checkShape(shape, format.Float32); err != nil {
			return fmt.Errorf("onnx: graph input %q: %w", vi.name, err)
		}
		var perm []int
		if len(shape) == 4 && !im.onlyToNCHW(vi.name) {
			perm = nhwc
		}
		v := &value{name: vi.name, source: im.source[vi.name], shape: shape, dtype: format.Float32, lay: layout{perm: perm}}
		v.tensor = im.addTensor(vi.name, format.Float32, v.lay.storedShape(shape), -1, v.source)
		im.values[vi.name] = v
		im.out.Inputs = append(im.out.Inputs, v.tensor)
	}
	if len(im.out.Inputs) == 0 {
		return errors.New("onnx: the graph has no inputs besides its initializers")
	}
	return nil
}

// onlyToNCHW reports whether every node reading name is a Transpose with
// perm [0 3 1 2].
func (im *importer) onlyToNCHW(name string) bool {
	uses := im.uses[name]
	if len(uses) == 0 {
		return false
	}
	for _, i := range uses {
		n := im.g.nodes[i]
		a := attr(n, "perm")
		if n.opType != "Transpose" || a == nil || !slices.Equal(a.ints, []int64{0, 3, 1, 2}) {
			return false
		}
	}
	return true
}

// outputs makes the graph outputs the .eqm outputs: rank-4 outputs NHWC,
// unless a Transpose with perm [0 2 3 1] computes them (a converted
// TensorFlow model), and others in ONNX order.
func (im *importer) outputs() error {
	if len(im.g.outputs) == 0 {
		return errors.New("onnx: the graph has no outputs")
	}
	for _, vi := range im.g.outputs {
		v := im.values[vi.name]
		if v == nil {
			return fmt.Errorf("onnx: graph output %q is not computed by the graph", vi.name)
		}
		if v.isConst {
			return fmt.Errorf("onnx: graph output %q is a constant", vi.name)
		}
		var perm []int
		if len(v.shape) == 4 && !im.fromNHWC(vi.name) {
			perm = nhwc
		}
		t, err := im.tensorIn(v, perm)
		if err != nil {
			return err
		}
		im.out.Outputs = append(im.out.Outputs, t)
	}
	return nil
}

// fromNHWC reports whether a Transpose with perm [0 2 3 1] writes name,
// possibly through Identity nodes.
func (im *importer) fromNHWC(name string) bool {
	for range len(im.g.nodes) {
		i, ok := im.producer[name]
		if !ok {
			return false
		}
		n := im.g.nodes[i]
		switch n.opType {
		case "Identity":
			if len(n.inputs) == 0 {
				return false
			}
			name = n.inputs[0]
			continue
		case "Transpose":
			a := attr(n, "perm")
			return a != nil && slices.Equal(a.ints, []int64{0, 2, 3, 1})
		}
		return false
	}
	return false
}

// checkShape refuses dimensions below 1, ranks above format.MaxRank and
// tensors above format.MaxTensorBytes.
func checkShape(shape []int, dt format.DType) error {
	if len(shape) > format.MaxRank {
		return fmt.Errorf("rank %d exceeds the limit of %d", len(shape), format.MaxRank)
	}
	n := 1
	for i, d := range shape {
		if d < 1 {
			return fmt.Errorf("dimension %d of shape %v is %d, want at least 1", i, shape, d)
		}
		if d > format.MaxTensorBytes/max(dt.Size(), 1)/n {
			return fmt.Errorf("shape %v needs more than %d bytes", shape, format.MaxTensorBytes)
		}
		n *= d
	}
	return nil
}

// normAxis resolves an axis of a value of the given rank: ONNX counts
// negative axes from the end.
func (im *importer) normAxis(axis int64, rank int) (int, error) {
	if axis < int64(-rank) || axis >= int64(rank) {
		return 0, im.errorf("axis %d is out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += int64(rank)
	}
	return int(axis), nil
}

func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func toInt32s(s []int) []int32 {
	out := make([]int32, len(s))
	for i, d := range s {
		out[i] = int32(d)
	}
	return out
}

// addTensor appends an .eqm tensor and returns its index.
func (im *importer) addTensor(name string, dt format.DType, shape []int, buffer, source int32) int32 {
	im.out.Tensors = append(im.out.Tensors, format.Tensor{
		Name: name, Type: dt, Shape: toInt32s(shape), Buffer: buffer, Source: source,
	})
	return int32(len(im.out.Tensors) - 1)
}

// addConst appends a constant tensor holding data.
func (im *importer) addConst(name string, dt format.DType, shape []int, data []byte, source int32) int32 {
	im.out.Buffers = append(im.out.Buffers, data)
	return im.addTensor(name, dt, shape, int32(len(im.out.Buffers)-1), source)
}

func (im *importer) constFloats(name string, shape []int, x []float32, source int32) int32 {
	return im.addConst(name, format.Float32, shape, floatBytes(x), source)
}

func (im *importer) constInt32s(name string, x []int32) int32 {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		putUint32(b[4*i:], uint32(v))
	}
	return im.addConst(name, format.Int32, []int{len(x)}, b, -1)
}

// emit appends an operator.
func (im *importer) emit(op string, inputs []int32, outputs []int32, opts format.Options) {
	im.out.Operators = append(im.out.Operators, format.Operator{
		Op: op, Version: 1, Inputs: inputs, Outputs: outputs, Options: opts,
	})
}

// sourceName returns the ONNX name of the value numbered source, or def.
func (im *importer) sourceName(source int32, def string) string {
	if source >= 0 && int(source) < len(im.names) {
		return im.names[source]
	}
	return def
}

// scratchName names a tensor the importer adds for value base.
func (im *importer) scratchName(base, what string) string {
	return base + "/" + what
}

// val returns the value named name, which an input of the current node
// reads.
func (im *importer) val(name string) (*value, error) {
	if name == "" {
		return nil, im.errorf("a required input is omitted")
	}
	v := im.values[name]
	if v == nil {
		if _, known := im.source[name]; known {
			return nil, im.errorf("input %q is read before the node that writes it (nodes must be in topological order)", name)
		}
		return nil, im.errorf("input %q is not a graph input, an initializer or the output of any node", name)
	}
	return v, nil
}

// input returns input i of the current node, or an error if it is absent.
func (im *importer) input(n *node, i int) (*value, error) {
	if i >= len(n.inputs) || n.inputs[i] == "" {
		return nil, im.errorf("input %d is missing", i)
	}
	return im.val(n.inputs[i])
}

// optionalInput returns input i of the current node, or nil if absent.
func (im *importer) optionalInput(n *node, i int) (*value, error) {
	if i >= len(n.inputs) || n.inputs[i] == "" {
		return nil, nil
	}
	return im.val(n.inputs[i])
}

// activation returns input i, which must be a float32 activation.
func (im *importer) activation(n *node, i int) (*value, error) {
	v, err := im.input(n, i)
	if err != nil {
		return nil, err
	}
	if v.isConst {
		return nil, im.errorf("input %d (%s) is a constant; the importer does not fold constant expressions", i, v.name)
	}
	if v.dtype != format.Float32 {
		return nil, im.errorf("input %d (%s) has type %s, want float32", i, v.name, v.dtype)
	}
	return v, nil
}

// define records the current node's output k as an activation of ONNX
// shape shape held by tensor t in layout lay, after checking the shape
// against value_info.
func (im *importer) define(name string, shape []int, lay layout, t int32) (*value, error) {
	if name == "" {
		return nil, im.errorf("an output has no name")
	}
	if err := im.checkInfo(name, shape); err != nil {
		return nil, err
	}
	v := &value{name: name, source: im.source[name], shape: shape, dtype: format.Float32, tensor: t, lay: lay}
	im.values[name] = v
	return v, nil
}

// newOutput makes the .eqm tensor of the current node's output name, of
// ONNX shape shape stored in layout perm, and records it.
func (im *importer) newOutput(name string, shape []int, perm []int) (int32, error) {
	if err := checkShape(shape, format.Float32); err != nil {
		return 0, im.errorf("output %q: %v", name, err)
	}
	lay := layout{perm: perm}
	t := im.addTensor(name, format.Float32, lay.storedShape(shape), -1, im.source[name])
	if _, err := im.define(name, shape, lay, t); err != nil {
		return 0, err
	}
	return t, nil
}

// markNonNeg records that value name has no negative elements when cond
// holds.
func (im *importer) markNonNeg(name string, cond bool) {
	if v := im.values[name]; v != nil && cond {
		v.nonNeg = true
	}
}

// rectifies reports whether a fused activation leaves no negative value.
func rectifies(act format.Activation) bool {
	return act == format.ActRelu || act == format.ActRelu6
}

// alias makes output name another name for v's data.
func (im *importer) alias(name string, v *value) error {
	if name == "" {
		return nil
	}
	if !v.isConst {
		if err := im.checkInfo(name, v.shape); err != nil {
			return err
		}
	}
	im.values[name] = v
	return nil
}

// checkInfo compares a computed shape with the one value_info or the
// graph outputs declare, if any. Symbolic dimensions match anything.
func (im *importer) checkInfo(name string, shape []int) error {
	vi := im.info[name]
	if vi == nil || !vi.hasShape {
		return nil
	}
	if vi.elemType != 0 && vi.elemType != dtFloat {
		return im.errorf("value %q is declared %s; the importer computes float32", name, dataTypeName(vi.elemType))
	}
	bad := len(vi.dims) != len(shape)
	for i := 0; !bad && i < len(shape); i++ {
		d := vi.dims[i]
		bad = d.hasValue && d.value > 0 && d.value != int64(shape[i])
	}
	if bad {
		declared := make([]string, len(vi.dims))
		for i, d := range vi.dims {
			declared[i] = d.param
			if d.hasValue {
				declared[i] = fmt.Sprint(d.value)
			}
		}
		return im.errorf("value %q has shape %v, but the model declares [%s]", name, shape, strings.Join(declared, " "))
	}
	return nil
}

// onlyUse returns the node that is the single reader of value name, or -1
// when there are several, none, or the value is a graph output.
func (im *importer) onlyUse(name string) int {
	uses := im.uses[name]
	if len(uses) != 1 || im.graphOut[name] || im.absorbed[uses[0]] {
		return -1
	}
	n := im.g.nodes[uses[0]]
	count := 0
	for _, in := range n.inputs {
		if in == name {
			count++
		}
	}
	if count != 1 {
		return -1
	}
	return uses[0]
}

// fuseActivation looks at the single reader of the current op's output
// name: a Relu, or a Clip to [0, 6], [0, ∞) or [-1, 1], is absorbed into
// the op as its fused activation. It returns the name the op's output
// then has and the activation.
func (im *importer) fuseActivation(name string) (string, format.Activation, error) {
	i := im.onlyUse(name)
	if i < 0 {
		return name, format.ActNone, nil
	}
	n := im.g.nodes[i]
	act, ok, err := im.activationOf(n)
	if err != nil || !ok || len(n.outputs) != 1 || n.inputs[0] != name {
		return name, format.ActNone, err
	}
	im.absorbed[i] = true
	return n.outputs[0], act, nil
}

// activationOf says which fused activation node n computes, if any.
func (im *importer) activationOf(n *node) (format.Activation, bool, error) {
	switch n.opType {
	case "Relu":
		return format.ActRelu, true, nil
	case "Clip":
		lo, hi, ok, err := im.clipRange(n)
		if err != nil || !ok {
			return 0, false, err
		}
		switch {
		case lo == 0 && hi == 6:
			return format.ActRelu6, true, nil
		case lo == 0 && math.IsInf(float64(hi), 1):
			return format.ActRelu, true, nil
		case lo == -1 && hi == 1:
			return format.ActRelu1, true, nil
		}
	}
	return 0, false, nil
}

// clipRange returns a Clip's bounds when they are constants (absent bounds
// are infinite); ok is false when one is computed by the graph.
func (im *importer) clipRange(n *node) (lo, hi float32, ok bool, err error) {
	lo, hi = float32(math.Inf(-1)), float32(math.Inf(1))
	if a := attr(n, "min"); a != nil && a.hasF {
		lo = a.f
	}
	if a := attr(n, "max"); a != nil && a.hasF {
		hi = a.f
	}
	for k, bound := range []*float32{&lo, &hi} {
		if k+1 >= len(n.inputs) || n.inputs[k+1] == "" {
			continue
		}
		v := im.values[n.inputs[k+1]]
		if v == nil || !v.isConst {
			return 0, 0, false, nil
		}
		x, err := im.floats(v)
		if err != nil {
			return 0, 0, false, err
		}
		if len(x) != 1 {
			return 0, 0, false, fmt.Errorf("onnx: Clip bound %s has %d values, want 1", v.name, len(x))
		}
		*bound = x[0]
	}
	return lo, hi, true, nil
}
