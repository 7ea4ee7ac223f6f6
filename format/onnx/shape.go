package onnx

import (
	"math"
	"slices"

	"github.com/edgeq/edgeq/format"
)

// reshapeTo records value name as x reshaped to shape: a constant is
// reshaped at import; an activation whose bytes are in ONNX order gets a
// RESHAPE; an NHWC activation flattened to [N, K] keeps its bytes (see
// layout.flat); others are transposed to ONNX order first.
func (im *importer) reshapeTo(x *value, shape []int, name string) error {
	if x.isConst {
		if err := im.decode(x); err != nil {
			return err
		}
		if numElements(shape) != len(x.f32)+len(x.i64) {
			return im.errorf("cannot reshape %v to %v", x.shape, shape)
		}
		return im.newConst(name, shape, x.f32, x.i64)
	}
	if err := checkShape(shape, format.Float32); err != nil {
		return im.errorf("output %q: %v", name, err)
	}
	if numElements(shape) != numElements(x.shape) {
		return im.errorf("cannot reshape %v (%d elements) to %v", x.shape, numElements(x.shape), shape)
	}
	if slices.Equal(shape, x.shape) {
		return im.alias(name, x)
	}
	if err := im.checkInfo(name, shape); err != nil {
		return err
	}
	p := x.lay.perm
	if x.lay.flat == nil && p != nil && !slices.Equal(order(x.shape, p), order(x.shape, nil)) &&
		len(shape) == 2 && p[0] == 0 && shape[0] == x.shape[0] {
		im.values[name] = &value{name: name, source: im.source[name], shape: shape, dtype: format.Float32,
			tensor: -1, flatSrc: x, lay: layout{flat: &flatLayout{shape: slices.Clone(x.shape), perm: p}}, nonNeg: x.nonNeg}
		return nil
	}
	var src int32
	var err error
	if x.lay.flat == nil && slices.Equal(order(x.shape, p), order(x.shape, nil)) {
		src, err = im.stored(x) // the bytes are in ONNX order already
	} else {
		src, err = im.tensorIn(x, nil)
	}
	if err != nil {
		return err
	}
	t := im.reshape(src, name, shape, im.source[name])
	_, err = im.define(name, shape, layout{}, t)
	im.markNonNeg(name, x.nonNeg)
	return err
}

func (im *importer) flatten(n *node) error {
	x, err := im.decodedInput(n, 0)
	if err != nil {
		return err
	}
	axis, err := im.intAttr(n, "axis", 1)
	if err != nil {
		return err
	}
	ax := len(x.shape) // Flatten also takes the rank itself as axis: [size, 1]
	if axis != int64(ax) {
		if ax, err = im.normAxis(axis, len(x.shape)); err != nil {
			return err
		}
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	return im.reshapeTo(x, []int{numElements(x.shape[:ax]), numElements(x.shape[ax:])}, name)
}

func (im *importer) reshapeOp(n *node) error {
	x, err := im.decodedInput(n, 0)
	if err != nil {
		return err
	}
	_, spec, err := im.intInput(n, 1)
	if err != nil {
		return err
	}
	allowZero, err := im.intAttr(n, "allowzero", 0)
	if err != nil {
		return err
	}
	if len(spec) > format.MaxRank {
		return im.errorf("shape has %d dimensions, the limit is %d", len(spec), format.MaxRank)
	}
	shape := make([]int, len(spec))
	infer, known := -1, 1
	for i, d := range spec {
		switch {
		case d == 0 && allowZero == 0:
			if i >= len(x.shape) {
				return im.errorf("shape %v copies dimension %d, which the input %v lacks", spec, i, x.shape)
			}
			shape[i] = x.shape[i]
		case d == -1 && infer < 0:
			infer = i
			continue
		case d < 1 || d > math.MaxInt32:
			return im.errorf("shape %v has dimension %d", spec, d)
		default:
			shape[i] = int(d)
		}
		if shape[i] > format.MaxTensorBytes/known {
			return im.errorf("shape %v is too large", spec)
		}
		known *= shape[i]
	}
	total := numElements(x.shape)
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return im.errorf("shape %v does not fit %d elements", spec, total)
		}
		shape[infer] = total / known
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	return im.reshapeTo(x, shape, name)
}

// axesOf reads a node's axes from the attribute (before opset
// attrOpsetLimit) or from a constant input, normalized to [0, rank).
func (im *importer) axesOf(n *node, input int, fromInput bool, rank int) ([]int, bool, error) {
	var raw []int64
	if fromInput {
		v, x, err := im.optionalIntInput(n, input)
		if err != nil || v == nil {
			return nil, false, err
		}
		raw = x
	} else {
		a := attr(n, "axes")
		if a == nil {
			return nil, false, nil
		}
		raw = a.ints
	}
	axes := make([]int, len(raw))
	for i, a := range raw {
		ax, err := im.normAxis(a, rank)
		if err != nil {
			return nil, false, err
		}
		axes[i] = ax
	}
	sorted := slices.Clone(axes)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(axes) {
		return nil, false, im.errorf("axes %v repeat an axis", raw)
	}
	return axes, true, nil
}

// squeeze translates Squeeze and Unsqueeze as reshapes.
func (im *importer) squeeze(n *node, unsqueeze bool) error {
	x, err := im.decodedInput(n, 0)
	if err != nil {
		return err
	}
	rank := len(x.shape)
	if unsqueeze {
		count := 0
		if im.opset < 13 {
			if a := attr(n, "axes"); a != nil {
				count = len(a.ints)
			}
		} else if _, raw, err := im.optionalIntInput(n, 1); err != nil {
			return err
		} else {
			count = len(raw)
		}
		rank += count
		if rank > format.MaxRank {
			return im.errorf("output rank %d exceeds the limit of %d", rank, format.MaxRank)
		}
	}
	axes, ok, err := im.axesOf(n, 1, im.opset >= 13, rank)
	if err != nil {
		return err
	}
	shape := []int{}
	if unsqueeze {
		if !ok || len(axes) == 0 || len(axes) != rank-len(x.shape) {
			return im.errorf("axes are missing")
		}
		insert := make([]bool, rank)
		for _, a := range axes {
			insert[a] = true
		}
		j := 0
		for i := range rank {
			if insert[i] {
				shape = append(shape, 1)
			} else {
				shape = append(shape, x.shape[j])
				j++
			}
		}
	} else {
		all := !ok || len(axes) == 0
		drop := make([]bool, rank)
		for _, a := range axes {
			if x.shape[a] != 1 {
				return im.errorf("cannot squeeze axis %d of shape %v", a, x.shape)
			}
			drop[a] = true
		}
		for i, d := range x.shape {
			if !drop[i] && !(all && d == 1) {
				shape = append(shape, d)
			}
		}
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	return im.reshapeTo(x, shape, name)
}

// transposeOp translates Transpose: a constant is transposed at import;
// an activation keeps its bytes and only its layout changes.
func (im *importer) transposeOp(n *node) error {
	x, err := im.decodedInput(n, 0)
	if err != nil {
		return err
	}
	r := len(x.shape)
	q, ok, err := im.intsAttr(n, "perm", r, 0, int64(max(r-1, 0)))
	if err != nil {
		return err
	}
	if !ok {
		q = make([]int, r)
		for i := range q {
			q[i] = r - 1 - i
		}
	}
	seen := make([]bool, r)
	for _, d := range q {
		if seen[d] {
			return im.errorf("perm %v is not a permutation", q)
		}
		seen[d] = true
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	shape := permute(x.shape, q)
	if x.isConst {
		switch {
		case x.f32 != nil:
			return im.newConst(name, shape, transposeData(x.f32, x.shape, q), nil)
		default:
			return im.newConst(name, shape, nil, transposeData(x.i64, x.shape, q))
		}
	}
	if err := im.checkInfo(name, shape); err != nil {
		return err
	}
	src := x
	if x.lay.flat != nil {
		t, err := im.tensorIn(x, nil)
		if err != nil {
			return err
		}
		src = &value{name: x.name, source: x.source, shape: x.shape, dtype: x.dtype, tensor: t}
	}
	t, err := im.stored(src)
	if err != nil {
		return err
	}
	// Stored dimension i holds input dimension pin[i], which is output
	// dimension qinv[pin[i]].
	pin := orIdentity(src.lay.perm, r)
	qinv := inverse(q)
	pout := make([]int, r)
	for i, d := range pin {
		pout[i] = qinv[d]
	}
	if isIdentity(pout) {
		pout = nil
	}
	im.values[name] = &value{name: name, source: im.source[name], shape: shape, dtype: format.Float32, tensor: t, lay: layout{perm: pout}, nonNeg: x.nonNeg}
	return nil
}

// reduceMean translates ReduceMean to MEAN over the stored axes.
func (im *importer) reduceMean(n *node) error {
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	r := len(x.shape)
	axes, ok, err := im.axesOf(n, 1, im.opset >= 18, r)
	if err != nil {
		return err
	}
	keep, err := im.intAttr(n, "keepdims", 1)
	if err != nil {
		return err
	}
	noop, err := im.intAttr(n, "noop_with_empty_axes", 0)
	if err != nil {
		return err
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	if !ok || len(axes) == 0 {
		if noop != 0 {
			return im.alias(name, x)
		}
		axes = identity(r)
	}
	perm := x.lay.keptPerm()
	in, err := im.tensorIn(x, perm)
	if err != nil {
		return err
	}
	perm = orIdentity(perm, r)
	inv := inverse(perm)
	reduced := make([]bool, r)
	stored := make([]int32, len(axes))
	for i, a := range axes {
		reduced[a] = true
		stored[i] = int32(inv[a])
	}
	var shape, outPerm []int
	for i, d := range x.shape {
		switch {
		case !reduced[i]:
			shape = append(shape, d)
		case keep != 0:
			shape = append(shape, 1)
		}
	}
	if keep != 0 {
		outPerm = perm
	} else {
		for _, d := range perm {
			if reduced[d] {
				continue
			}
			below := 0
			for e := range d {
				if reduced[e] {
					below++
				}
			}
			outPerm = append(outPerm, d-below)
		}
	}
	if outPerm != nil && isIdentity(outPerm) {
		outPerm = nil
	}
	if shape == nil {
		shape = []int{}
	}
	axesT := im.constInt32s(im.scratchName(name, "axes"), stored)
	out, err := im.newOutput(name, shape, outPerm)
	if err != nil {
		return err
	}
	im.markNonNeg(name, x.nonNeg)
	im.emit("MEAN", []int32{in, axesT}, []int32{out}, format.Options{KeepDims: keep != 0})
	return nil
}

// pad translates a constant-mode Pad with constant pads to PAD, or PADV2
// when the value is not 0.
func (im *importer) pad(n *node) error {
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	mode, err := im.stringAttr(n, "mode", "constant")
	if err != nil {
		return err
	}
	if mode != "constant" {
		return im.errorf("mode %q is not supported (only constant)", mode)
	}
	_, pads, err := im.intInput(n, 1)
	if err != nil {
		return err
	}
	r := len(x.shape)
	if r > 5 {
		return im.errorf("input has rank %d; PAD handles up to 5 dimensions", r)
	}
	axes, hasAxes, err := im.axesOf(n, 3, true, r)
	if err != nil {
		return err
	}
	if !hasAxes {
		axes = identity(r)
	}
	if len(pads) != 2*len(axes) {
		return im.errorf("%d pads for %d axes", len(pads), len(axes))
	}
	before, after := make([]int, r), make([]int, r)
	for i, a := range axes {
		b, e := pads[i], pads[i+len(axes)]
		if b < 0 || e < 0 || b > math.MaxInt32 || e > math.MaxInt32 {
			return im.errorf("pads %v: only non-negative padding is supported", pads)
		}
		before[a], after[a] = int(b), int(e)
	}
	var value float32
	if cv, c, err := im.optionalFloatInput(n, 2); err != nil {
		return err
	} else if cv != nil {
		if len(c) != 1 {
			return im.errorf("constant_value has %d values, want 1", len(c))
		}
		value = c[0]
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	perm := x.lay.keptPerm()
	in, err := im.tensorIn(x, perm)
	if err != nil {
		return err
	}
	shape := slices.Clone(x.shape)
	for d := range r {
		shape[d] += before[d] + after[d]
	}
	sb, sa := permute(before, perm), permute(after, perm)
	paddings := make([]int32, 2*r)
	for d := range r {
		paddings[2*d], paddings[2*d+1] = int32(sb[d]), int32(sa[d])
	}
	pt := im.reshapeConst(im.constInt32s(im.scratchName(name, "paddings"), paddings), []int{r, 2})
	out, err := im.newOutput(name, shape, perm)
	if err != nil {
		return err
	}
	im.markNonNeg(name, x.nonNeg && value >= 0)
	if value != 0 {
		vt := im.constFloats(im.scratchName(name, "pad_value"), []int{1}, []float32{value}, -1)
		im.emit("PADV2", []int32{in, pt, vt}, []int32{out}, format.Options{})
		return nil
	}
	im.emit("PAD", []int32{in, pt}, []int32{out}, format.Options{})
	return nil
}

// identityOp makes Identity's and Dropout's output another name for the
// input (Dropout is the identity at inference).
func (im *importer) identityOp(n *node) error {
	x, err := im.input(n, 0)
	if err != nil {
		return err
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	return im.alias(name, x)
}

// constant records a Constant node's value.
func (im *importer) constant(n *node) error {
	name, err := im.output(n)
	if err != nil {
		return err
	}
	if len(n.attrs) != 1 {
		return im.errorf("has %d attributes, want 1", len(n.attrs))
	}
	a := n.attrs[0]
	switch a.name {
	case "value":
		if a.t == nil {
			return im.errorf("attribute value holds no tensor")
		}
		v := &value{name: name, source: im.source[name], isConst: true, init: a.t, tensor: -1}
		im.values[name] = v
		return im.decode(v)
	case "value_float":
		return im.newConst(name, []int{}, []float32{a.f}, nil)
	case "value_floats":
		return im.newConst(name, []int{len(a.floats)}, slices.Clone(a.floats), nil)
	case "value_int":
		return im.newConst(name, []int{}, nil, []int64{a.i})
	case "value_ints":
		return im.newConst(name, []int{len(a.ints)}, nil, slices.Clone(a.ints))
	}
	return im.errorf("attribute %s is not supported", a.name)
}

// shapeOp folds Shape: every shape is known at import.
func (im *importer) shapeOp(n *node) error {
	x, err := im.decodedInput(n, 0)
	if err != nil {
		return err
	}
	r := int64(len(x.shape))
	start, err := im.intAttr(n, "start", 0)
	if err != nil {
		return err
	}
	end, err := im.intAttr(n, "end", r)
	if err != nil {
		return err
	}
	clamp := func(i int64) int64 {
		if i < 0 {
			i += r
		}
		return max(0, min(i, r))
	}
	start, end = clamp(start), clamp(end)
	dims := []int64{}
	for i := start; i < end; i++ {
		dims = append(dims, int64(x.shape[i]))
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	return im.newConst(name, []int{len(dims)}, nil, dims)
}

// gather folds Gather on constants (shape arithmetic).
func (im *importer) gather(n *node) error {
	x, err := im.input(n, 0)
	if err != nil {
		return err
	}
	iv, err := im.input(n, 1)
	if err != nil {
		return err
	}
	if !x.isConst {
		return im.errorf("Gather is only supported on constants (as in shape arithmetic)")
	}
	idx, err := im.ints(iv)
	if err != nil {
		return err
	}
	if err := im.decode(x); err != nil {
		return err
	}
	axis, err := im.intAttr(n, "axis", 0)
	if err != nil {
		return err
	}
	if len(x.shape) != 1 || (axis != 0 && axis != -1) || len(iv.shape) > 1 {
		return im.errorf("only Gather from a constant vector is supported")
	}
	size := int64(x.shape[0])
	var f32 []float32
	var i64 []int64
	for _, i := range idx {
		if i < -size || i >= size {
			return im.errorf("index %d is out of range for %d values", i, size)
		}
		if i < 0 {
			i += size
		}
		if x.f32 != nil {
			f32 = append(f32, x.f32[i])
		} else {
			i64 = append(i64, x.i64[i])
		}
	}
	if f32 == nil && i64 == nil {
		if x.f32 != nil {
			f32 = []float32{}
		} else {
			i64 = []int64{}
		}
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	return im.newConst(name, slices.Clone(iv.shape), f32, i64)
}

// cast folds Cast of constants and is the identity on float activations
// cast to float.
func (im *importer) cast(n *node) error {
	x, err := im.input(n, 0)
	if err != nil {
		return err
	}
	to, err := im.intAttr(n, "to", 0)
	if err != nil {
		return err
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	toFloat := to == dtFloat || to == dtDouble || to == dtFloat16
	if !x.isConst {
		if to != dtFloat && to != dtDouble || x.dtype != format.Float32 {
			return im.errorf("Cast of an activation to %s is not supported", dataTypeName(to))
		}
		return im.alias(name, x)
	}
	if err := im.decode(x); err != nil {
		return err
	}
	switch {
	case toFloat && x.f32 != nil:
		return im.newConst(name, x.shape, x.f32, nil)
	case toFloat:
		f := make([]float32, len(x.i64))
		for i, v := range x.i64 {
			f[i] = float32(v)
		}
		return im.newConst(name, x.shape, f, nil)
	case to == dtInt64 || to == dtInt32:
		if x.i64 != nil {
			return im.newConst(name, x.shape, nil, x.i64)
		}
		i := make([]int64, len(x.f32))
		for k, v := range x.f32 {
			if math.IsNaN(float64(v)) || math.Abs(float64(v)) > 1<<62 {
				return im.errorf("cannot cast %v to an integer", v)
			}
			i[k] = int64(v)
		}
		return im.newConst(name, x.shape, nil, i)
	}
	return im.errorf("Cast to %s is not supported", dataTypeName(to))
}
