package onnx

import (
	"math"
	"slices"

	"github.com/edgeq/edgeq/format"
)

// broadcast returns the numpy broadcast of two shapes.
func broadcast(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, false
		}
	}
	return out, true
}

// binary translates Add, Sub, Mul and Div (by a constant, as a MUL by its
// reciprocal) with numpy broadcasting, fusing a following activation.
func (im *importer) binary(n *node, op string) error {
	a, err := im.input(n, 0)
	if err != nil {
		return err
	}
	b, err := im.input(n, 1)
	if err != nil {
		return err
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	if a.isConst && b.isConst {
		return im.errorf("both operands are constants; the importer does not fold constant expressions")
	}
	for _, v := range []*value{a, b} {
		if v.isConst {
			if _, err := im.floats(v); err != nil {
				return err
			}
		} else if v.dtype != format.Float32 {
			return im.errorf("operand %s has type %s, want float32", v.name, v.dtype)
		}
	}
	if op == "DIV" {
		if !b.isConst {
			return im.errorf("division by a computed value is not supported (only by a constant)")
		}
		r := make([]float32, len(b.f32))
		for i, x := range b.f32 {
			r[i] = 1 / x
		}
		b = &value{name: b.name + "/reciprocal", source: -1, shape: b.shape, dtype: format.Float32, isConst: true, decoded: true, f32: r, tensor: -1}
		op = "MUL"
	}
	name, act, err := im.fuseActivation(name)
	if err != nil {
		return err
	}
	switch {
	case b.isConst:
		_, err = im.binaryWithConst(op, a, b.f32, b.shape, name, im.source[name], act)
		return err
	case a.isConst:
		_, err = im.binaryConstFirst(op, a, b, name, act)
		return err
	}
	shape, ok := broadcast(a.shape, b.shape)
	if !ok {
		return im.errorf("shapes %v and %v do not broadcast", a.shape, b.shape)
	}
	var perm []int
	switch {
	case len(a.shape) == len(b.shape) && a.lay.flat != nil && a.lay.key() == b.lay.key() && slices.Equal(a.shape, b.shape):
		ta, err := im.stored(a)
		if err != nil {
			return err
		}
		tb, err := im.stored(b)
		if err != nil {
			return err
		}
		_, err = im.emitLike(op, a, []int32{ta, tb}, name, im.source[name], act)
		return err
	case len(a.shape) == len(b.shape) && a.lay.flat == nil && a.lay.key() == b.lay.key():
		perm = a.lay.perm
	case len(a.shape) == len(b.shape):
		perm = canonical(len(shape))
	case len(shape) == 4:
		return im.errorf("shapes %v and %v: broadcasting a lower-rank activation against a rank-4 one is not supported", a.shape, b.shape)
	}
	ta, err := im.tensorIn(a, perm)
	if err != nil {
		return err
	}
	tb, err := im.tensorIn(b, perm)
	if err != nil {
		return err
	}
	out, err := im.newOutput(name, shape, perm)
	if err != nil {
		return err
	}
	im.markNonNeg(name, rectifies(act))
	im.emit(op, []int32{ta, tb}, []int32{out}, format.Options{Activation: act})
	return nil
}

// constLike lays a constant c of ONNX shape cshape out like activation x
// for an elementwise op with it: the shape padded with leading 1s to x's
// rank, then permuted as x is (or, for a flattened x, its columns
// reordered).
func (im *importer) constLike(x *value, c []float32, cshape []int, name string, source int32) (int32, []int, error) {
	if len(cshape) > len(x.shape) {
		return 0, nil, im.errorf("constant %s has shape %v, of higher rank than the activation %v", name, cshape, x.shape)
	}
	shape := slices.Clone(cshape)
	for len(shape) < len(x.shape) {
		shape = append([]int{1}, shape...)
	}
	if _, ok := broadcast(x.shape, shape); !ok {
		return 0, nil, im.errorf("shapes %v and %v do not broadcast", x.shape, cshape)
	}
	data := c
	stored := shape
	switch {
	case x.lay.flat != nil:
		if k := shape[1]; k > 1 {
			cols := flatColumns(x.lay.flat)
			data = make([]float32, len(c))
			for r := range shape[0] {
				for j, col := range cols {
					data[r*k+j] = c[r*k+col]
				}
			}
		}
	case x.lay.perm != nil:
		data = transposeData(c, shape, x.lay.perm)
		stored = permute(shape, x.lay.perm)
	}
	return im.constFloats(name, stored, data, source), shape, nil
}

// binaryWithConst emits op(x, c) for a constant c of ONNX shape cshape and
// records the result as value name.
func (im *importer) binaryWithConst(op string, x *value, c []float32, cshape []int, name string, source int32, act format.Activation) (*value, error) {
	tx, err := im.stored(x)
	if err != nil {
		return nil, err
	}
	tc, shape, err := im.constLike(x, c, cshape, im.scratchName(name, "operand"), -1)
	if err != nil {
		return nil, err
	}
	out, _ := broadcast(x.shape, shape)
	if !slices.Equal(out, x.shape) {
		return nil, im.errorf("the constant %v would broadcast the activation %v", cshape, x.shape)
	}
	return im.emitLike(op, x, []int32{tx, tc}, name, source, act)
}

// binaryConstFirst emits op(c, x) for a constant first operand.
func (im *importer) binaryConstFirst(op string, c, x *value, name string, act format.Activation) (*value, error) {
	tx, err := im.stored(x)
	if err != nil {
		return nil, err
	}
	tc, shape, err := im.constLike(x, c.f32, c.shape, c.name, c.source)
	if err != nil {
		return nil, err
	}
	if out, _ := broadcast(x.shape, shape); !slices.Equal(out, x.shape) {
		return nil, im.errorf("the constant %v would broadcast the activation %v", c.shape, x.shape)
	}
	return im.emitLike(op, x, []int32{tc, tx}, name, im.source[name], act)
}

// emitLike emits an elementwise op whose output is laid out like x.
func (im *importer) emitLike(op string, x *value, inputs []int32, name string, source int32, act format.Activation) (*value, error) {
	return im.emitLikeOpts(op, x, inputs, name, source, format.Options{Activation: act})
}

// emitLikeOpts is emitLike for an op with options besides the activation.
func (im *importer) emitLikeOpts(op string, x *value, inputs []int32, name string, source int32, opts format.Options) (*value, error) {
	act := opts.Activation
	if err := im.checkInfo(name, x.shape); err != nil {
		return nil, err
	}
	stored := x.lay.storedShape(x.shape)
	out := im.addTensor(name, format.Float32, stored, -1, source)
	v := &value{name: name, source: source, shape: slices.Clone(x.shape), dtype: format.Float32, tensor: out, lay: x.lay,
		nonNeg: rectifies(act) || op == "RELU" || op == "RELU6" || op == "LOGISTIC"}
	if source >= 0 {
		im.values[name] = v
	}
	im.emit(op, inputs, []int32{out}, opts)
	return v, nil
}

// unary translates an elementwise op of one input, in any layout.
func (im *importer) unary(n *node, op string) error {
	return im.unaryOpts(n, op, format.Options{})
}

// unaryOpts is unary for an op with options.
func (im *importer) unaryOpts(n *node, op string, opts format.Options) error {
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	t, err := im.stored(x)
	if err != nil {
		return err
	}
	_, err = im.emitLikeOpts(op, x, []int32{t}, name, im.source[name], opts)
	return err
}

// leakyRelu translates LeakyRelu to LEAKY_RELU with its alpha.
func (im *importer) leakyRelu(n *node) error {
	alpha, err := im.floatAttr(n, "alpha", 0.01)
	if err != nil {
		return err
	}
	return im.unaryOpts(n, "LEAKY_RELU", format.Options{Alpha: alpha})
}

// hardSigmoid translates x·HardSigmoid(x) with alpha 1/6 and beta 1/2, the
// way exporters write HardSwish before opset 14, to one HARD_SWISH that
// absorbs the Mul. HardSigmoid used any other way is refused.
func (im *importer) hardSigmoid(n *node) error {
	alpha, err := im.floatAttr(n, "alpha", 0.2)
	if err != nil {
		return err
	}
	beta, err := im.floatAttr(n, "beta", 0.5)
	if err != nil {
		return err
	}
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	if math.Abs(float64(alpha)-1.0/6) > 1e-6 || beta != 0.5 {
		return im.errorf("HardSigmoid with alpha %g and beta %g is not supported, only alpha 1/6 and beta 0.5 in a hard swish x·HardSigmoid(x)", alpha, beta)
	}
	i := im.onlyUse(name)
	var mul *node
	if i >= 0 {
		mul = im.g.nodes[i]
	}
	if mul == nil || mul.opType != "Mul" || len(mul.inputs) != 2 || len(mul.outputs) != 1 || mul.outputs[0] == "" ||
		im.values[mul.inputs[0]] != x && im.values[mul.inputs[1]] != x {
		return im.errorf("HardSigmoid is supported only in a hard swish: x·HardSigmoid(x), the Mul its only reader")
	}
	t, err := im.stored(x)
	if err != nil {
		return err
	}
	im.absorbed[i] = true
	out := mul.outputs[0]
	_, err = im.emitLikeOpts("HARD_SWISH", x, []int32{t}, out, im.source[out], format.Options{})
	return err
}

// clip translates a Clip with constant bounds [0, 6], [0, ∞) or [-1, 1]
// that no op absorbed.
func (im *importer) clip(n *node) error {
	act, ok, err := im.activationOf(n)
	if err != nil {
		return err
	}
	if !ok {
		lo, hi, _, _ := im.clipRange(n)
		return im.errorf("only Clip to [0, 6], [0, inf) or [-1, 1] with constant bounds is supported, not [%g, %g]", lo, hi)
	}
	op := map[format.Activation]string{format.ActRelu: "RELU", format.ActRelu6: "RELU6", format.ActRelu1: "RELU_N1_TO_1"}[act]
	return im.unary(n, op)
}

// softmax translates Softmax over the last stored dimension. Before
// opset 13 Softmax works on the input flattened at axis, which is done
// with RESHAPEs around the SOFTMAX.
func (im *importer) softmax(n *node) error {
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	def := int64(-1)
	if im.opset < 13 {
		def = 1
	}
	axis, err := im.intAttr(n, "axis", def)
	if err != nil {
		return err
	}
	r := len(x.shape)
	ax, err := im.normAxis(axis, r)
	if err != nil {
		return err
	}
	axes := []int{ax}
	if im.opset < 13 {
		axes = axes[:0]
		for d := ax; d < r; d++ {
			axes = append(axes, d)
		}
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	// The softmax axes must be the trailing stored dimensions (a flattened
	// value's columns are, whatever their order).
	lay := x.lay
	trailing := func(perm []int) bool {
		tail := slices.Clone(orIdentity(perm, r)[r-len(axes):])
		slices.Sort(tail)
		return slices.Equal(tail, axes)
	}
	switch {
	case lay.flat != nil && r == 2 && ax == 1:
	case lay.flat == nil && trailing(lay.perm):
	case r == 4 && slices.Equal(axes, []int{1}):
		lay = layout{perm: nhwc}
	default:
		lay = layout{}
		if !trailing(nil) {
			return im.errorf("softmax over axis %d of shape %v: only the last axis (or the channels of NCHW) is supported", ax, x.shape)
		}
	}
	var t int32
	if lay.key() == x.lay.key() {
		t, err = im.stored(x)
	} else {
		t, err = im.tensorIn(x, lay.perm)
	}
	if err != nil {
		return err
	}
	stored := lay.storedShape(x.shape)
	if lay.flat != nil {
		stored = slices.Clone(x.shape)
	}
	if err := im.checkInfo(name, x.shape); err != nil {
		return err
	}
	out := im.addTensor(name, format.Float32, stored, -1, im.source[name])
	im.values[name] = &value{name: name, source: im.source[name], shape: slices.Clone(x.shape), dtype: format.Float32, tensor: out, lay: lay, nonNeg: true}
	depth := 1
	for _, d := range stored[r-len(axes):] {
		depth *= d
	}
	if len(axes) == 1 || depth == stored[r-1] {
		im.emit("SOFTMAX", []int32{t}, []int32{out}, format.Options{Beta: 1})
		return nil
	}
	rows := numElements(stored) / depth
	flatIn := im.reshape(t, im.scratchName(name, "rows"), []int{rows, depth}, -1)
	flatOut := im.addTensor(im.scratchName(name, "softmax_rows"), format.Float32, []int{rows, depth}, -1, -1)
	im.emit("SOFTMAX", []int32{flatIn}, []int32{flatOut}, format.Options{Beta: 1})
	s := im.constInt32s(im.scratchName(name, "shape"), toInt32s(stored))
	im.emit("RESHAPE", []int32{flatOut, s}, []int32{out}, format.Options{NewShape: toInt32s(stored)})
	return nil
}

// concat translates Concat, its axis mapped into the stored layout.
func (im *importer) concat(n *node) error {
	axis, err := im.intAttr(n, "axis", math.MinInt64)
	if err != nil {
		return err
	}
	if axis == math.MinInt64 {
		return im.errorf("axis is missing")
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	var vals []*value
	var first *value
	for i := range n.inputs {
		v, err := im.decodedInput(n, i)
		if err != nil {
			return err
		}
		if !v.isConst && v.dtype != format.Float32 {
			return im.errorf("input %s has type %s, want float32", v.name, v.dtype)
		}
		if !v.isConst && first == nil {
			first = v
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return im.errorf("has no inputs")
	}
	if first == nil {
		return im.concatConsts(vals, axis, name)
	}
	shape, ax, err := im.concatShape(vals, first, axis)
	if err != nil {
		return err
	}
	perm := first.lay.keptPerm()
	for _, v := range vals {
		if v.isConst && v.dtype != format.Float32 {
			return im.errorf("input %s is an integer constant, want float32", v.name)
		}
	}
	var inputs []int32
	for _, v := range vals {
		t, err := im.tensorIn(v, perm)
		if err != nil {
			return err
		}
		inputs = append(inputs, t)
	}
	out, err := im.newOutput(name, shape, perm)
	if err != nil {
		return err
	}
	nonNeg := true
	for _, v := range vals {
		nonNeg = nonNeg && v.nonNeg
	}
	im.markNonNeg(name, nonNeg)
	storedAxis := ax
	if perm != nil {
		storedAxis = inverse(perm)[ax]
	}
	im.emit("CONCATENATION", inputs, []int32{out}, format.Options{Axis: int32(storedAxis)})
	return nil
}

// concatShape returns the shape of the Concat of vals along axis, and the
// axis in [0, rank): every value must have first's rank and match it
// outside the axis.
func (im *importer) concatShape(vals []*value, first *value, axis int64) ([]int, int, error) {
	r := len(first.shape)
	ax, err := im.normAxis(axis, r)
	if err != nil {
		return nil, 0, err
	}
	shape := slices.Clone(first.shape)
	shape[ax] = 0
	for _, v := range vals {
		if len(v.shape) != r {
			return nil, 0, im.errorf("inputs have ranks %d and %d", r, len(v.shape))
		}
		for d := range r {
			if d != ax && v.shape[d] != first.shape[d] {
				return nil, 0, im.errorf("input shapes %v and %v differ outside axis %d", first.shape, v.shape, ax)
			}
		}
		shape[ax] += v.shape[ax]
	}
	return shape, ax, nil
}

// concatConsts folds a Concat of constants (shape arithmetic).
func (im *importer) concatConsts(vals []*value, axis int64, name string) error {
	first := vals[0]
	for _, v := range vals {
		if v.dtype != first.dtype {
			return im.errorf("constant inputs of different types (%s and %s)", first.dtype, v.dtype)
		}
	}
	shape, ax, err := im.concatShape(vals, first, axis)
	if err != nil {
		return err
	}
	outer, inner := numElements(shape[:ax]), numElements(shape[ax+1:])
	var f32 []float32
	var i64 []int64
	if first.dtype == format.Float32 {
		f32 = []float32{}
	} else {
		i64 = []int64{}
	}
	for o := range outer {
		for _, v := range vals {
			chunk := v.shape[ax] * inner
			if f32 != nil {
				f32 = append(f32, v.f32[o*chunk:(o+1)*chunk]...)
			} else {
				i64 = append(i64, v.i64[o*chunk:(o+1)*chunk]...)
			}
		}
	}
	return im.newConst(name, shape, f32, i64)
}
