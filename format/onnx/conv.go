package onnx

import (
	"math"
	"slices"

	"github.com/edgeq/edgeq/format"
)

// spatial reads a 2-element ints attribute (strides, dilations, ...).
func (im *importer) spatial(n *node, name string, def int) ([2]int, error) {
	v, ok, err := im.intsAttr(n, name, 2, 1, maxWindow)
	if err != nil || !ok {
		return [2]int{def, def}, err
	}
	return [2]int{v[0], v[1]}, nil
}

// maxWindow bounds strides, dilations, pads and kernel sizes, so window
// arithmetic cannot overflow even with 32-bit ints.
const maxWindow = 1 << 20

// window is the geometry of a convolution or pool along one spatial
// dimension, with ONNX's explicit padding.
type window struct {
	in, k, stride, dil int
	before, after      int // padding actually used (after trimmed to what the output reads)
	out                int
}

func (w window) eff() int { return (w.k-1)*w.dil + 1 }

// valid reports whether TFLite's VALID padding computes this window.
func (w window) valid() bool {
	return w.before == 0 && w.after == 0
}

// same reports whether TFLite's SAME padding computes this window: the
// same output count and the same first window; taps past the end of the
// input are then skipped in both (ONNX pads them, and a pad is zero for a
// convolution, excluded from an average and never the max).
func (w window) same() bool {
	out := (w.in + w.stride - 1) / w.stride
	before := max((out-1)*w.stride+w.eff()-w.in, 0) / 2
	return out == w.out && before == w.before
}

// windows reads auto_pad and pads and returns the two spatial windows of
// a convolution or pool over in with kernel k. ceil is a pool's ceil_mode.
func (im *importer) windows(n *node, in, k, stride, dil [2]int, ceil bool) ([2]window, error) {
	var ws [2]window
	autoPad, err := im.stringAttr(n, "auto_pad", "NOTSET")
	if err != nil {
		return ws, err
	}
	pads, ok, err := im.intsAttr(n, "pads", 4, 0, maxWindow)
	if err != nil {
		return ws, err
	}
	if !ok {
		pads = []int{0, 0, 0, 0}
	}
	for i := range ws {
		w := window{in: in[i], k: k[i], stride: stride[i], dil: dil[i]}
		if w.k > maxWindow || w.in > math.MaxInt32/4 || w.eff() > math.MaxInt32/4 {
			return ws, im.errorf("kernel %v with dilations %v over %v is too large", k, dil, in)
		}
		switch autoPad {
		case "NOTSET", "":
			w.before, w.after = pads[i], pads[i+2]
		case "VALID":
		case "SAME_UPPER", "SAME_LOWER":
			out := (w.in + w.stride - 1) / w.stride
			total := max((out-1)*w.stride+w.eff()-w.in, 0)
			w.before = total / 2
			if autoPad == "SAME_LOWER" {
				w.before = (total + 1) / 2
			}
			w.after = total - w.before
		default:
			return ws, im.errorf("auto_pad %q is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", autoPad)
		}
		span := w.in + w.before + w.after - w.eff()
		if span < 0 {
			return ws, im.errorf("window %d (dilated %d) is larger than the padded input (%d)", w.k, w.eff(), w.in+w.before+w.after)
		}
		w.out = span/w.stride + 1
		if ceil && span%w.stride != 0 {
			w.out++
			if (w.out-1)*w.stride >= w.in+w.before {
				w.out-- // the last window would start in the end padding
			}
		}
		// Trim the end padding to what the last window reads.
		w.after = max((w.out-1)*w.stride+w.eff()-w.in-w.before, 0)
		ws[i] = w
	}
	return ws, nil
}

// padded decides how TFLite computes windows ws. With zeroPad, explicit
// padding may be done by a PAD op with zeros (a convolution, or an
// average that counts the pads); with lowestPad by a PADV2 with the lowest
// float (a max pool); allowSame lets SAME stand for ONNX's padding.
func (im *importer) padded(x int32, name string, ws [2]window, allowSame, zeroPad, lowestPad bool) (int32, format.Padding, error) {
	if ws[0].valid() && ws[1].valid() {
		return x, format.PadValid, nil
	}
	if allowSame && ws[0].same() && ws[1].same() {
		return x, format.PadSame, nil
	}
	if !zeroPad && !lowestPad {
		return 0, 0, im.errorf("padding %d,%d/%d,%d (begin/end of H, W) cannot be computed", ws[0].before, ws[1].before, ws[0].after, ws[1].after)
	}
	st := im.out.Tensors[x]
	shape := make([]int, len(st.Shape))
	for i, d := range st.Shape {
		shape[i] = int(d)
	}
	shape[1] += ws[0].before + ws[0].after
	shape[2] += ws[1].before + ws[1].after
	if err := checkShape(shape, format.Float32); err != nil {
		return 0, 0, im.errorf("padded input: %v", err)
	}
	p := im.addTensor(im.scratchName(name, "padded"), format.Float32, shape, -1, -1)
	pads := im.constInt32s(im.scratchName(name, "paddings"), []int32{
		0, 0, int32(ws[0].before), int32(ws[0].after), int32(ws[1].before), int32(ws[1].after), 0, 0})
	pads = im.reshapeConst(pads, []int{4, 2})
	if lowestPad {
		v := im.constFloats(im.scratchName(name, "pad_value"), []int{1}, []float32{-math.MaxFloat32}, -1)
		im.emit("PADV2", []int32{x, pads, v}, []int32{p}, format.Options{})
	} else {
		im.emit("PAD", []int32{x, pads}, []int32{p}, format.Options{})
	}
	return p, format.PadValid, nil
}

// reshapeConst gives a constant tensor the importer made a new shape.
func (im *importer) reshapeConst(t int32, shape []int) int32 {
	im.out.Tensors[t].Shape = toInt32s(shape)
	return t
}

// bnParams returns the per-channel scale and shift of an inference
// BatchNormalization over c channels: y = x·scale + shift.
func (im *importer) bnParams(n *node, c int) (scale, shift []float32, err error) {
	if mode, err := im.intAttr(n, "training_mode", 0); err != nil || mode != 0 {
		if err == nil {
			err = im.errorf("training_mode is %d; only inference (0) is supported", mode)
		}
		return nil, nil, err
	}
	eps, err := im.floatAttr(n, "epsilon", 1e-5)
	if err != nil {
		return nil, nil, err
	}
	var p [4][]float32 // scale, B, mean, var
	for k := range p {
		v, x, err := im.floatInput(n, k+1)
		if err != nil {
			return nil, nil, err
		}
		p[k] = x
		if len(p[k]) != c {
			return nil, nil, im.errorf("input %d (%s) has %d values for %d channels", k+1, v.name, len(p[k]), c)
		}
	}
	scale, shift = make([]float32, c), make([]float32, c)
	for i := range c {
		s := float64(p[0][i]) / math.Sqrt(float64(p[3][i])+float64(eps))
		scale[i] = float32(s)
		shift[i] = float32(float64(p[1][i]) - float64(p[2][i])*s)
	}
	return scale, shift, nil
}

// foldBatchNorm absorbs the BatchNormalization that is the single reader
// of name, if any, into an op with c output channels; it returns the new
// output name and the BatchNormalization's scale and shift (nil if none).
func (im *importer) foldBatchNorm(name string, c int) (string, []float32, []float32, error) {
	i := im.onlyUse(name)
	if i < 0 {
		return name, nil, nil, nil
	}
	n := im.g.nodes[i]
	if n.opType != "BatchNormalization" || n.inputs[0] != name || len(n.inputs) < 5 {
		return name, nil, nil, nil
	}
	for _, in := range n.inputs[1:5] {
		if v := im.values[in]; v == nil || !v.isConst {
			return name, nil, nil, nil
		}
	}
	cur, node := im.cur, im.node
	im.cur, im.node = i, n
	out, err := im.output(n)
	var scale, shift []float32
	if err == nil {
		scale, shift, err = im.bnParams(n, c)
	}
	im.cur, im.node = cur, node
	if err != nil {
		return "", nil, nil, err
	}
	im.absorbed[i] = true
	return out, scale, shift, nil
}

func (im *importer) conv(n *node) error {
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	wv, w, err := im.floatInput(n, 1)
	if err != nil {
		return err
	}
	if len(x.shape) != 4 || len(wv.shape) != 4 {
		return im.errorf("input %v and weights %v: only 2-D convolutions (rank-4 input and weights) are supported", x.shape, wv.shape)
	}
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	M, CG, KH, KW := wv.shape[0], wv.shape[1], wv.shape[2], wv.shape[3]
	group, err := im.intAttr(n, "group", 1)
	if err != nil {
		return err
	}
	if group < 1 || group > int64(C) || C%int(group) != 0 || M%int(group) != 0 || CG != C/int(group) || M == 0 || KH == 0 || KW == 0 {
		return im.errorf("weights %v do not fit input %v with %d groups", wv.shape, x.shape, group)
	}
	g := int(group)
	if ks, ok, err := im.intsAttr(n, "kernel_shape", 2, 1, math.MaxInt32); err != nil {
		return err
	} else if ok && (ks[0] != KH || ks[1] != KW) {
		return im.errorf("kernel_shape %v, but the weights are %v", ks, wv.shape)
	}
	stride, err := im.spatial(n, "strides", 1)
	if err != nil {
		return err
	}
	dil, err := im.spatial(n, "dilations", 1)
	if err != nil {
		return err
	}
	ws, err := im.windows(n, [2]int{H, W}, [2]int{KH, KW}, stride, dil, false)
	if err != nil {
		return err
	}
	bv, bias, err := im.optionalFloatInput(n, 2)
	if err != nil {
		return err
	}
	if bv != nil && len(bias) != M {
		return im.errorf("bias %s has %d values for %d output channels", bv.name, len(bias), M)
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	name, scale, shift, err := im.foldBatchNorm(name, M)
	if err != nil {
		return err
	}
	if scale != nil {
		w = slices.Clone(w)
		per := len(w) / M
		for m := range M {
			for j := m * per; j < (m+1)*per; j++ {
				w[j] *= scale[m]
			}
		}
		b := make([]float32, M)
		for m := range M {
			if bias != nil {
				b[m] = bias[m] * scale[m]
			}
			b[m] += shift[m]
		}
		bias = b
	}
	name, act, err := im.fuseActivation(name)
	if err != nil {
		return err
	}

	in, err := im.tensorIn(x, nhwc)
	if err != nil {
		return err
	}
	in, padding, err := im.padded(in, name, ws, true, true, false)
	if err != nil {
		return err
	}
	out, err := im.newOutput(name, []int{N, M, ws[0].out, ws[1].out}, nhwc)
	if err != nil {
		return err
	}
	im.markNonNeg(name, rectifies(act))
	opts := format.Options{
		Padding: padding, StrideH: int32(stride[0]), StrideW: int32(stride[1]),
		DilationH: int32(dil[0]), DilationW: int32(dil[1]), Activation: act,
	}
	op := "CONV_2D"
	var wt int32
	if g == C && C > 1 {
		// Depthwise: output channel m reads input channel m / (M/C), as in
		// TFLite's depth multiplier. [M,1,KH,KW] -> [1,KH,KW,M].
		op = "DEPTHWISE_CONV_2D"
		opts.DepthMultiplier = int32(M / C)
		wt = im.constFloats(wv.name, []int{1, KH, KW, M}, transposeData(w, wv.shape, []int{1, 2, 3, 0}), wv.source)
	} else {
		// [M, C/g, KH, KW] -> [M, KH, KW, C/g]; groups split both
		// channel ranges in order, in ONNX and TFLite alike.
		wt = im.constFloats(wv.name, []int{M, KH, KW, CG}, transposeData(w, wv.shape, nhwc), wv.source)
	}
	inputs := []int32{in, wt}
	if bias != nil {
		bname := im.scratchName(name, "bias")
		if scale == nil {
			bname = n.inputs[2]
		}
		inputs = append(inputs, im.constFloats(bname, []int{M}, bias, biasSource(im, n)))
	}
	im.emit(op, inputs, []int32{out}, opts)
	return nil
}

// biasSource is the source index of a node's bias input (input 2), or -1.
func biasSource(im *importer, n *node) int32 {
	if len(n.inputs) > 2 && n.inputs[2] != "" {
		if s, ok := im.source[n.inputs[2]]; ok {
			return s
		}
	}
	return -1
}

// batchNorm translates a BatchNormalization no convolution absorbed: a
// MUL by the per-channel scale, then an ADD of the shift.
func (im *importer) batchNorm(n *node) error {
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	if len(x.shape) < 2 {
		return im.errorf("input has shape %v, want at least 2 dimensions", x.shape)
	}
	c := x.shape[1]
	scale, shift, err := im.bnParams(n, c)
	if err != nil {
		return err
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	cshape := make([]int, len(x.shape)-1)
	for i := range cshape {
		cshape[i] = 1
	}
	cshape[0] = c
	scaled, err := im.binaryWithConst("MUL", x, scale, cshape, im.scratchName(name, "scaled"), -1, format.ActNone)
	if err != nil {
		return err
	}
	name, act, err := im.fuseActivation(name)
	if err != nil {
		return err
	}
	_, err = im.binaryWithConst("ADD", scaled, shift, cshape, name, im.source[name], act)
	return err
}

func (im *importer) pool(n *node, avg bool) error {
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	if len(x.shape) != 4 {
		return im.errorf("input has shape %v; only 2-D pools (rank-4 input) are supported", x.shape)
	}
	k, ok, err := im.intsAttr(n, "kernel_shape", 2, 1, maxWindow)
	if err != nil {
		return err
	}
	if !ok {
		return im.errorf("kernel_shape is missing")
	}
	stride, err := im.spatial(n, "strides", 1)
	if err != nil {
		return err
	}
	dil, err := im.spatial(n, "dilations", 1)
	if err != nil {
		return err
	}
	if dil != [2]int{1, 1} {
		return im.errorf("dilations %v are not supported", dil)
	}
	if order, err := im.intAttr(n, "storage_order", 0); err != nil || order != 0 {
		if err == nil {
			err = im.errorf("storage_order %d is not supported", order)
		}
		return err
	}
	ceil, err := im.intAttr(n, "ceil_mode", 0)
	if err != nil {
		return err
	}
	includePad, err := im.intAttr(n, "count_include_pad", 0)
	if err != nil {
		return err
	}
	ws, err := im.windows(n, [2]int{x.shape[2], x.shape[3]}, [2]int{k[0], k[1]}, stride, dil, ceil != 0)
	if err != nil {
		return err
	}
	if avg && ceil != 0 && includePad != 0 {
		// ONNX Runtime and PyTorch disagree on whether the windows ceil_mode
		// adds count the pads; refuse rather than guess.
		for _, w := range ws {
			if (w.in+w.before+w.after-w.eff())%w.stride != 0 {
				return im.errorf("ceil_mode with count_include_pad is not supported when it adds windows")
			}
		}
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	name, act, err := im.fuseActivation(name)
	if err != nil {
		return err
	}
	in, err := im.tensorIn(x, nhwc)
	if err != nil {
		return err
	}
	var padding format.Padding
	switch {
	case !avg:
		// A max pool's pads are -inf; over a tensor with no negative value
		// zeros do as well, and quantize.
		in, padding, err = im.padded(in, name, ws, true, x.nonNeg, !x.nonNeg)
	case includePad != 0:
		in, padding, err = im.padded(in, name, ws, false, true, false)
	default:
		in, padding, err = im.padded(in, name, ws, true, false, false)
		if err != nil {
			err = im.errorf("padding %d,%d/%d,%d (begin/end of H, W) with count_include_pad 0 matches neither SAME nor VALID",
				ws[0].before, ws[1].before, ws[0].after, ws[1].after)
		}
	}
	if err != nil {
		return err
	}
	out, err := im.newOutput(name, []int{x.shape[0], x.shape[1], ws[0].out, ws[1].out}, nhwc)
	if err != nil {
		return err
	}
	im.markNonNeg(name, x.nonNeg || rectifies(act))
	op := "MAX_POOL_2D"
	if avg {
		op = "AVERAGE_POOL_2D"
	}
	im.emit(op, []int32{in}, []int32{out}, format.Options{
		Padding: padding, StrideH: int32(stride[0]), StrideW: int32(stride[1]),
		FilterH: int32(k[0]), FilterW: int32(k[1]), Activation: act,
	})
	return nil
}

// globalPool translates GlobalAveragePool to a MEAN over H and W, and
// GlobalMaxPool to a MAX_POOL_2D with the input's size.
func (im *importer) globalPool(n *node, avg bool) error {
	x, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	if len(x.shape) != 4 {
		return im.errorf("input has shape %v; only rank-4 input is supported", x.shape)
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	in, err := im.tensorIn(x, nhwc)
	if err != nil {
		return err
	}
	out, err := im.newOutput(name, []int{x.shape[0], x.shape[1], 1, 1}, nhwc)
	if err != nil {
		return err
	}
	im.markNonNeg(name, x.nonNeg)
	if avg {
		axes := im.constInt32s(im.scratchName(name, "axes"), []int32{1, 2})
		im.emit("MEAN", []int32{in, axes}, []int32{out}, format.Options{KeepDims: true})
		return nil
	}
	im.emit("MAX_POOL_2D", []int32{in}, []int32{out}, format.Options{
		Padding: format.PadValid, StrideH: 1, StrideW: 1,
		FilterH: int32(x.shape[2]), FilterW: int32(x.shape[3]),
	})
	return nil
}
