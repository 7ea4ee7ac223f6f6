package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

// Mixed-precision weight layers: FULLY_CONNECTED, CONV_2D and
// DEPTHWISE_CONV_2D whose activations are not int8 but whose weights are.
//
//   - Hybrid ("dynamic-range") layers have float32 input and output, as
//     TFLite's dynamic-range quantizer writes them. The input is quantized
//     to int8 at every Invoke with a scale computed from its values (see
//     kernels.HybridFC).
//   - 16x8 layers have int16 input and output (zero point 0) and int64 (or
//     int32) biases, TFLite's 16x8 quantization mode (kernels.FC16x8).
//
// The ops' prepare functions hand such nodes here (isHybrid).

// isHybrid reports whether a weight layer has int8 weights and float32 or
// int16 input.
func isHybrid(n *node) bool {
	return len(n.inputs) >= 2 && n.inputs[0] != nil && n.inputs[1] != nil && n.inputs[1].Type == format.Int8 &&
		(n.inputs[0].Type == format.Float32 || n.inputs[0].Type == format.Int16)
}

// hybridWeights checks the weights' quantization: constant, symmetric,
// per tensor or per channel along axis with channels entries.
func hybridWeights(n *node, w *Tensor, axis, channels int) ([]float32, error) {
	if !w.Const {
		return nil, n.errorf("hybrid weights (tensor %d) must be constant", w.Index)
	}
	if !w.Quantized() {
		return nil, n.errorf("int8 weights (tensor %d) have no quantization parameters", w.Index)
	}
	if len(w.Scale) != 1 && (len(w.Scale) != channels || w.QuantAxis != axis) {
		return nil, n.errorf("weights (tensor %d) have %d scales along axis %d, want 1 or %d along axis %d", w.Index, len(w.Scale), w.QuantAxis, channels, axis)
	}
	for i, z := range w.ZeroPoint {
		if z != 0 {
			return nil, n.errorf("weights (tensor %d) zero point %d is %d; hybrid weights must be symmetric", w.Index, i, z)
		}
	}
	for i, s := range w.Scale {
		if !(s > 0) {
			return nil, n.errorf("weights (tensor %d) scale %d is %v", w.Index, i, s)
		}
	}
	return w.Scale, nil
}

// hybridBias returns the optional float bias input 2 with channels values.
func hybridBias(n *node, channels int) ([]float32, error) {
	b := n.optionalInput(2)
	if b == nil {
		return nil, nil
	}
	if err := n.checkType(b, format.Float32); err != nil {
		return nil, err
	}
	if !b.Const {
		return nil, n.errorf("bias (tensor %d) must be constant", b.Index)
	}
	if b.NumElements() != channels {
		return nil, n.errorf("bias has %d values for %d output channels", b.NumElements(), channels)
	}
	return b.Float32(), nil
}

func hybridActivation(n *node) (lo, hi float32, err error) {
	lo, hi, err = kernels.ActivationRangeFloat(kernels.Activation(n.opts().Activation))
	if err != nil {
		return 0, 0, n.errorf("%v", err)
	}
	return lo, hi, nil
}

// prepareHybridFC prepares a FULLY_CONNECTED with float or int16 input and
// int8 weights [OutC, Depth].
func prepareHybridFC(n *node) (evalFunc, error) {
	if n.inputs[0].Type == format.Int16 {
		return prepareFC16x8(n)
	}
	in, err := n.input(0)
	if err != nil {
		return nil, err
	}
	w, err := n.input(1)
	if err != nil {
		return nil, err
	}
	out, err := n.output(0)
	if err != nil {
		return nil, err
	}
	if err := n.checkType(out, format.Float32); err != nil {
		return nil, err
	}
	if len(w.Shape) != 2 || w.Shape[0] <= 0 || w.Shape[1] <= 0 {
		return nil, n.errorf("weights have shape %v, want [units, depth]", w.Shape)
	}
	outC, depth := w.Shape[0], w.Shape[1]
	if in.NumElements()%depth != 0 {
		return nil, n.errorf("input has %d values, not a multiple of the weights' depth %d", in.NumElements(), depth)
	}
	batches := in.NumElements() / depth
	if out.NumElements() != batches*outC {
		return nil, n.errorf("output has %d values, want %d×%d", out.NumElements(), batches, outC)
	}
	scales, err := hybridWeights(n, w, 0, outC)
	if err != nil {
		return nil, err
	}
	bias, err := hybridBias(n, outC)
	if err != nil {
		return nil, err
	}
	lo, hi, err := hybridActivation(n)
	if err != nil {
		return nil, err
	}
	p := &kernels.HybridFCParams{
		Batches: batches, Depth: depth, OutC: outC,
		Weights: w.Int8(), Scales: scales, Bias: bias,
		Asymmetric: n.opts().AsymmetricQuantizeInputs,
		Min:        lo, Max: hi,
	}
	if p.Asymmetric {
		p.RowSums = kernels.RowSums(p.Weights, outC, depth)
	}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	scratch := n.scratch(kernels.HybridFCScratchSize(p))
	return func() error {
		kernels.HybridFC(p, in.Float32(), out.Float32(), *scratch)
		return nil
	}, nil
}

// hybridGeom fills the window geometry of a hybrid convolution from NHWC
// input and output shapes and the op's options.
func hybridGeom(n *node, in, out *Tensor, kh, kw int) (kernels.ConvGeom, error) {
	if len(in.Shape) != 4 || len(out.Shape) != 4 {
		return kernels.ConvGeom{}, n.errorf("input %v and output %v must be NHWC", in.Shape, out.Shape)
	}
	o := n.opts()
	g := kernels.ConvGeom{
		Batches: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], InC: in.Shape[3],
		OutH: out.Shape[1], OutW: out.Shape[2], OutC: out.Shape[3], KH: kh, KW: kw,
		StrideH: int(o.StrideH), StrideW: int(o.StrideW),
		DilationH: max(int(o.DilationH), 1), DilationW: max(int(o.DilationW), 1),
	}
	same := o.Padding == format.PadSame
	oh, padH := kernels.WindowOutput(same, g.InH, kh, g.StrideH, g.DilationH)
	ow, padW := kernels.WindowOutput(same, g.InW, kw, g.StrideW, g.DilationW)
	if out.Shape[0] != g.Batches || oh != g.OutH || ow != g.OutW {
		return g, n.errorf("output shape %v does not match input %v, window %d×%d, strides %d×%d", out.Shape, in.Shape, kh, kw, g.StrideH, g.StrideW)
	}
	g.PadH, g.PadW = padH, padW
	return g, nil
}

// prepareHybridConv prepares a CONV_2D with float input and int8 weights
// [OutC, KH, KW, InC]. Per-channel weights quantize the input with an
// offset (TFLite's EvalHybridPerChannel), per-tensor ones symmetrically.
func prepareHybridConv(n *node) (evalFunc, error) {
	if n.inputs[0].Type == format.Int16 {
		return prepareConv16x8(n)
	}
	in, err := n.input(0)
	if err != nil {
		return nil, err
	}
	w, err := n.input(1)
	if err != nil {
		return nil, err
	}
	out, err := n.output(0)
	if err != nil {
		return nil, err
	}
	if err := n.checkType(out, format.Float32); err != nil {
		return nil, err
	}
	if len(w.Shape) != 4 {
		return nil, n.errorf("weights have shape %v, want [out, h, w, in]", w.Shape)
	}
	g, err := hybridGeom(n, in, out, w.Shape[1], w.Shape[2])
	if err != nil {
		return nil, err
	}
	if w.Shape[0] != g.OutC || w.Shape[3] != g.InC {
		return nil, n.errorf("weights %v do not match input %v and output %v", w.Shape, in.Shape, out.Shape)
	}
	scales, err := hybridWeights(n, w, 0, g.OutC)
	if err != nil {
		return nil, err
	}
	bias, err := hybridBias(n, g.OutC)
	if err != nil {
		return nil, err
	}
	lo, hi, err := hybridActivation(n)
	if err != nil {
		return nil, err
	}
	p := &kernels.HybridConvParams{
		ConvGeom: g, Weights: w.Int8(), Scales: scales, Bias: bias,
		Asymmetric: len(scales) > 1,
		RowSums:    kernels.RowSums(w.Int8(), g.OutC, g.KH*g.KW*g.InC),
		Min:        lo, Max: hi,
	}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	scratch := n.scratch(kernels.HybridConvScratchSize(p))
	return func() error {
		kernels.HybridConv(p, in.Float32(), out.Float32(), *scratch)
		return nil
	}, nil
}

// prepareHybridDepthwise prepares a DEPTHWISE_CONV_2D with float input and
// int8 weights [1, KH, KW, OutC] (per-channel scales along axis 3).
func prepareHybridDepthwise(n *node) (evalFunc, error) {
	if n.inputs[0].Type == format.Int16 {
		return prepareDepthwise16x8(n)
	}
	in, err := n.input(0)
	if err != nil {
		return nil, err
	}
	w, err := n.input(1)
	if err != nil {
		return nil, err
	}
	out, err := n.output(0)
	if err != nil {
		return nil, err
	}
	if err := n.checkType(out, format.Float32); err != nil {
		return nil, err
	}
	if len(w.Shape) != 4 || w.Shape[0] != 1 {
		return nil, n.errorf("weights have shape %v, want [1, h, w, out]", w.Shape)
	}
	g, err := hybridGeom(n, in, out, w.Shape[1], w.Shape[2])
	if err != nil {
		return nil, err
	}
	if w.Shape[3] != g.OutC || g.InC <= 0 || g.OutC%g.InC != 0 {
		return nil, n.errorf("weights %v do not match input %v and output %v", w.Shape, in.Shape, out.Shape)
	}
	mult := g.OutC / g.InC
	if dm := int(n.opts().DepthMultiplier); dm > 0 && dm != mult {
		return nil, n.errorf("depth multiplier %d, but %d output channels for %d input channels", dm, g.OutC, g.InC)
	}
	scales, err := hybridWeights(n, w, 3, g.OutC)
	if err != nil {
		return nil, err
	}
	bias, err := hybridBias(n, g.OutC)
	if err != nil {
		return nil, err
	}
	lo, hi, err := hybridActivation(n)
	if err != nil {
		return nil, err
	}
	p := &kernels.HybridDepthwiseParams{ConvGeom: g, DepthMul: mult, Weights: w.Int8(), Scales: scales, Bias: bias, Min: lo, Max: hi}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	scratch := n.scratch(kernels.HybridDepthwiseScratchSize(p))
	return func() error {
		kernels.HybridDepthwise(p, in.Float32(), out.Float32(), *scratch)
		return nil
	}, nil
}

// prepareConstDequantize folds a DEQUANTIZE whose input is a constant (int4,
// int8 or int16, per-tensor or per-channel), as weight-only quantized models use
// it: the float values are computed once, here at load, into memory of
// their own, and the output becomes a constant, so the float operator that
// reads it prepares (and packs) real weights and nothing runs at Invoke.
// TFLite's DEQUANTIZE likewise dequantizes constant inputs only once.
// ok is false when the input is not a constant; prepareDequantize then
// goes on as for activations.
func prepareConstDequantize(n *node) (eval evalFunc, ok bool, err error) {
	if len(n.inputs) != 1 || len(n.outputs) != 1 || n.inputs[0] == nil || !n.inputs[0].Const {
		return nil, false, nil
	}
	in, out := n.inputs[0], n.outputs[0]
	if err := n.checkType(out, format.Float32); err != nil {
		return nil, true, err
	}
	if err := n.checkType(in, format.Int4, format.Int8, format.Int16); err != nil {
		return nil, true, err
	}
	if !sameShape(in.Shape, out.Shape) {
		return nil, true, n.errorf("output shape %v differs from input shape %v", out.Shape, in.Shape)
	}
	if !in.Quantized() || len(in.ZeroPoint) != len(in.Scale) {
		return nil, true, n.errorf("constant input (tensor %d) has no usable quantization parameters", in.Index)
	}
	channels, inner := 1, 1
	if len(in.Scale) > 1 {
		if in.QuantAxis < 0 || in.QuantAxis >= len(in.Shape) || in.Shape[in.QuantAxis] != len(in.Scale) {
			return nil, true, n.errorf("%d scales do not match axis %d of shape %v", len(in.Scale), in.QuantAxis, in.Shape)
		}
		channels = len(in.Scale)
		for _, d := range in.Shape[in.QuantAxis+1:] {
			inner *= d
		}
	}
	count := in.NumElements()
	data := make([]byte, 4*count)
	out.data = data
	f := out.Float32()
	q8, q16 := in.Int8(), in.Int16()
	if in.Type == format.Int4 {
		q8 = make([]int8, count) // unpacked only while dequantizing
		format.UnpackInt4(q8, in.data)
	}
	for i := range f {
		c := i / inner % channels
		var q int32
		if in.Type != format.Int16 {
			q = int32(q8[i])
		} else {
			q = int32(q16[i])
		}
		f[i] = float32(q-in.ZeroPoint[c]) * in.Scale[c]
	}
	out.Const = true
	return func() error { return nil }, true, nil
}

// layer16x8 holds what every 16x8 weight layer checks: int16 input and
// output with zero point 0, symmetric int8 weights, an int64 (or int32)
// bias, and the requantization.
type layer16x8 struct {
	in, w, out *Tensor
	bias       []int64
	requant    kernels.Requant16
}

func prepareLayer16x8(n *node, axis, channels int, wShape func(w *Tensor) error) (*layer16x8, error) {
	l := &layer16x8{}
	var err error
	if l.in, err = n.input(0); err != nil {
		return nil, err
	}
	if l.w, err = n.input(1); err != nil {
		return nil, err
	}
	if l.out, err = n.output(0); err != nil {
		return nil, err
	}
	if err := n.checkType(l.out, format.Int16); err != nil {
		return nil, err
	}
	if err := wShape(l.w); err != nil {
		return nil, err
	}
	for _, t := range []*Tensor{l.in, l.out} {
		if len(t.Scale) != 1 || len(t.ZeroPoint) != 1 || t.ZeroPoint[0] != 0 || !(t.Scale[0] > 0) {
			return nil, n.errorf("int16 tensor %d (%s) needs one scale and zero point 0, has %v and %v", t.Index, t.Name, t.Scale, t.ZeroPoint)
		}
	}
	if channels < 0 {
		channels = l.w.Shape[axis]
	}
	scales, err := hybridWeights(n, l.w, axis, channels)
	if err != nil {
		return nil, err
	}
	if b := n.optionalInput(2); b != nil {
		if !b.Const || b.NumElements() != channels {
			return nil, n.errorf("bias (tensor %d) must be a constant of %d values", b.Index, channels)
		}
		switch b.Type {
		case format.Int64:
			l.bias = b.Int64()
		case format.Int32:
			l.bias = make([]int64, channels)
			for i, v := range b.Int32() {
				l.bias[i] = int64(v)
			}
		default:
			return nil, n.errorf("bias (tensor %d) is %s, want int64 or int32", b.Index, b.Type)
		}
	}
	if l.requant, err = kernels.NewRequant16(l.in.Scale[0], scales, l.out.Scale[0], channels); err != nil {
		return nil, n.errorf("%v", err)
	}
	lo, hi, err := kernels.ActivationRangeQuantized(kernels.Activation(n.opts().Activation), l.out.Scale[0], 0, -32768, 32767)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	l.requant.Min, l.requant.Max = lo, hi
	return l, nil
}

// prepareFC16x8 prepares a 16x8 FULLY_CONNECTED.
func prepareFC16x8(n *node) (evalFunc, error) {
	l, err := prepareLayer16x8(n, 0, -1, func(w *Tensor) error {
		if len(w.Shape) != 2 || w.Shape[0] <= 0 || w.Shape[1] <= 0 {
			return n.errorf("weights have shape %v, want [units, depth]", w.Shape)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	outC, depth := l.w.Shape[0], l.w.Shape[1]
	if l.in.NumElements()%depth != 0 || l.out.NumElements() != l.in.NumElements()/depth*outC {
		return nil, n.errorf("input %v, weights %v and output %v do not match", l.in.Shape, l.w.Shape, l.out.Shape)
	}
	p := &kernels.FC16x8Params{Batches: l.in.NumElements() / depth, Depth: depth, OutC: outC, Weights: l.w.Int8(), Bias: l.bias, Requant16: l.requant}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	in, out := l.in, l.out
	return func() error { kernels.FC16x8(p, in.Int16(), out.Int16()); return nil }, nil
}

// prepareConv16x8 prepares a 16x8 CONV_2D.
func prepareConv16x8(n *node) (evalFunc, error) {
	l, err := prepareLayer16x8(n, 0, -1, func(w *Tensor) error {
		if len(w.Shape) != 4 {
			return n.errorf("weights have shape %v, want [out, h, w, in]", w.Shape)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	g, err := hybridGeom(n, l.in, l.out, l.w.Shape[1], l.w.Shape[2])
	if err != nil {
		return nil, err
	}
	if l.w.Shape[0] != g.OutC || l.w.Shape[3] != g.InC {
		return nil, n.errorf("weights %v do not match input %v and output %v", l.w.Shape, l.in.Shape, l.out.Shape)
	}
	p := &kernels.Conv16x8Params{ConvGeom: g, Weights: l.w.Int8(), Bias: l.bias, Requant16: l.requant}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	in, out := l.in, l.out
	scratch := n.scratch(kernels.Conv16x8ScratchSize(p))
	return func() error { kernels.Conv16x8(p, in.Int16(), out.Int16(), *scratch); return nil }, nil
}

// prepareDepthwise16x8 prepares a 16x8 DEPTHWISE_CONV_2D.
func prepareDepthwise16x8(n *node) (evalFunc, error) {
	l, err := prepareLayer16x8(n, 3, -1, func(w *Tensor) error {
		if len(w.Shape) != 4 || w.Shape[0] != 1 {
			return n.errorf("weights have shape %v, want [1, h, w, out]", w.Shape)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	g, err := hybridGeom(n, l.in, l.out, l.w.Shape[1], l.w.Shape[2])
	if err != nil {
		return nil, err
	}
	if l.w.Shape[3] != g.OutC || g.InC <= 0 || g.OutC%g.InC != 0 {
		return nil, n.errorf("weights %v do not match input %v and output %v", l.w.Shape, l.in.Shape, l.out.Shape)
	}
	p := &kernels.Depthwise16x8Params{ConvGeom: g, DepthMul: g.OutC / g.InC, Weights: l.w.Int8(), Bias: l.bias, Requant16: l.requant}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	in, out := l.in, l.out
	scratch := n.scratch(kernels.Depthwise16x8ScratchSize(p))
	return func() error { kernels.Depthwise16x8(p, in.Int16(), out.Int16(), *scratch); return nil }, nil
}
