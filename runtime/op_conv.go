package runtime

import (
	"math"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("CONV_2D", prepareConv) }

// prepareConv validates a CONV_2D (NHWC input, filter [OC, KH, KW, IC/groups],
// optional bias) and binds its int8 or float32 kernel, as TFLite Micro's
// ConvPrepare / CalculateOpDataConv do. Float input with int8 weights is a
// hybrid convolution (op_hybrid.go).
func prepareConv(n *node) (evalFunc, error) {
	if isHybrid(n) {
		return prepareHybridConv(n)
	}
	in, w, out, err := weightOpTensors(n)
	if err != nil {
		return nil, err
	}
	if len(w.Shape) != 4 {
		return nil, n.errorf("filter has shape %v, want [out, h, w, in]", w.Shape)
	}
	g, err := windowGeom(n, in, out, w.Shape[1], w.Shape[2], true)
	if err != nil {
		return nil, err
	}
	fic := w.Shape[3]
	if w.Shape[0] != g.OutC || fic <= 0 || g.InC%fic != 0 || g.OutC%(g.InC/fic) != 0 {
		return nil, n.errorf("filter %v does not fit input %v and output %v", w.Shape, in.Shape, out.Shape)
	}
	act := kernels.Activation(n.opts().Activation)

	switch in.Type {
	case format.Float32:
		if err := n.checkType(w, format.Float32); err != nil {
			return nil, err
		}
		bias, err := floatBias(n, g.OutC)
		if err != nil {
			return nil, err
		}
		lo, hi, err := kernels.ActivationRangeFloat(act)
		if err != nil {
			return nil, n.errorf("%v", err)
		}
		p := &kernels.ConvFloatParams{ConvGeom: g, FilterInC: fic, Weights: w.Float32(), Bias: bias, Min: lo, Max: hi}
		if err := p.Check(); err != nil {
			return nil, n.errorf("%v", err)
		}
		scratch := n.scratch(kernels.ConvFloatScratchSize(p))
		return func() error {
			kernels.ConvFloat(p, in.Float32(), out.Float32(), *scratch)
			return nil
		}, nil
	case format.Int8:
		if err := n.checkType(w, format.Int8); err != nil {
			return nil, err
		}
		rq, zx, err := quantizedWeightOp(n, in, w, out, 0, g.OutC, false)
		if err != nil {
			return nil, err
		}
		bias, err := int32Bias(n, g.OutC)
		if err != nil {
			return nil, err
		}
		k := g.KH * g.KW * fic
		p := &kernels.ConvInt8Params{
			ConvGeom: g, FilterInC: fic, Weights: w.Int8(),
			Bias: kernels.FoldBias(bias, w.Int8(), k, zx), InZero: zx, Requant: rq,
		}
		if err := p.Check(); err != nil {
			return nil, n.errorf("%v", err)
		}
		scratch := n.scratch(kernels.ConvInt8ScratchSize(p))
		return func() error {
			kernels.ConvInt8(p, in.Int8(), out.Int8(), *scratch)
			return nil
		}, nil
	}
	return nil, n.errorf("input type %s is not supported (float32 or int8)", in.Type)
}

// weightOpTensors returns the input, weights and output of a CONV_2D,
// DEPTHWISE_CONV_2D or FULLY_CONNECTED (2 or 3 inputs, the bias optional)
// and checks that the input and output types agree and the weights are
// constant.
func weightOpTensors(n *node) (in, w, out *Tensor, err error) {
	if len(n.inputs) < 2 || len(n.inputs) > 3 || len(n.outputs) != 1 {
		return nil, nil, nil, n.errorf("has %d inputs and %d outputs, want 2 or 3 and 1", len(n.inputs), len(n.outputs))
	}
	if in, err = n.input(0); err != nil {
		return
	}
	if w, err = n.input(1); err != nil {
		return
	}
	if out, err = n.output(0); err != nil {
		return
	}
	if in.Type != out.Type {
		return nil, nil, nil, n.errorf("input has type %s, output %s", in.Type, out.Type)
	}
	if !w.Const {
		return nil, nil, nil, n.errorf("weights (tensor %d) must be constant", w.Index)
	}
	return in, w, out, nil
}

// windowGeom fills the window geometry of a convolution or pool from NHWC
// input and output shapes and the op's options, computing the padding as
// TFLite does, and checks the output shape the model stores.
func windowGeom(n *node, in, out *Tensor, kh, kw int, dilated bool) (kernels.ConvGeom, error) {
	if len(in.Shape) != 4 || len(out.Shape) != 4 {
		return kernels.ConvGeom{}, n.errorf("input %v and output %v must be 4-D (NHWC)", in.Shape, out.Shape)
	}
	o := n.opts()
	g := kernels.ConvGeom{
		Batches: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], InC: in.Shape[3],
		OutH: out.Shape[1], OutW: out.Shape[2], OutC: out.Shape[3], KH: kh, KW: kw,
		StrideH: int(o.StrideH), StrideW: int(o.StrideW), DilationH: 1, DilationW: 1,
	}
	if dilated {
		// Zero is the .eqm default, and TFLite's too.
		g.DilationH, g.DilationW = max(int(o.DilationH), 1), max(int(o.DilationW), 1)
	}
	if g.StrideH <= 0 || g.StrideW <= 0 || kh <= 0 || kw <= 0 || g.DilationH <= 0 || g.DilationW <= 0 {
		return g, n.errorf("window %d×%d, strides %d×%d and dilations %d×%d must be positive", kh, kw, g.StrideH, g.StrideW, g.DilationH, g.DilationW)
	}
	var same bool
	switch o.Padding {
	case format.PadSame:
		same = true
	case format.PadValid:
	default:
		return g, n.errorf("unknown padding %d", o.Padding)
	}
	oh, padH := kernels.WindowOutput(same, g.InH, kh, g.StrideH, g.DilationH)
	ow, padW := kernels.WindowOutput(same, g.InW, kw, g.StrideW, g.DilationW)
	if oh <= 0 || ow <= 0 || out.Shape[0] != g.Batches || oh != g.OutH || ow != g.OutW {
		return g, n.errorf("output shape %v, want [%d %d %d …] for input %v, window %d×%d, strides %d×%d, dilations %d×%d",
			out.Shape, g.Batches, oh, ow, in.Shape, kh, kw, g.StrideH, g.StrideW, g.DilationH, g.DilationW)
	}
	g.PadH, g.PadW = padH, padW
	return g, nil
}

// quantizedWeightOp checks the quantization of an int8 weight op (input
// and output per tensor; weights per tensor or per channel along axis with
// channels scales) and returns the per-channel requantization, clamped to
// the fused activation, and the input zero point. Weight zero points are
// not used, as in TFLite Micro's per-channel kernels (weights are
// symmetric by the quantization spec). fcScale selects FULLY_CONNECTED's
// per-tensor multiplier, which TFLite computes from the float32 product of
// the input and weight scales.
func quantizedWeightOp(n *node, in, w, out *Tensor, axis, channels int, fcScale bool) (kernels.Requant, int32, error) {
	var rq kernels.Requant
	si, zx, err := n.perTensorQuant(in)
	if err != nil {
		return rq, 0, err
	}
	so, zo, err := n.perTensorQuant(out)
	if err != nil {
		return rq, 0, err
	}
	scales := w.Scale
	if len(scales) != 1 && (len(scales) != channels || w.QuantAxis != axis) {
		return rq, 0, n.errorf("weights (tensor %d) have %d scales along axis %d, want 1 or %d along axis %d", w.Index, len(scales), w.QuantAxis, channels, axis)
	}
	for i, s := range scales {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return rq, 0, n.errorf("weights (tensor %d) scale %d is %g, want a positive finite number", w.Index, i, s)
		}
	}
	rq = kernels.NewRequant(si, scales, so, channels, zo)
	if fcScale && len(scales) == 1 {
		// GetQuantizedConvolutionMultipler: double(input_scale * filter_scale).
		m, s := kernels.QuantizeMultiplier(float64(si*scales[0]) / float64(so))
		for c := range channels {
			rq.Multiplier[c], rq.Shift[c] = m, int32(s)
		}
	}
	rq.Min, rq.Max, err = kernels.ActivationRangeQuantized(kernels.Activation(n.opts().Activation), so, zo, math.MinInt8, math.MaxInt8)
	if err != nil {
		return rq, 0, n.errorf("%v", err)
	}
	if err := rq.Prepare(channels); err != nil {
		return rq, 0, n.errorf("%v", err)
	}
	return rq, zx, nil
}

// int32Bias returns the optional constant int32 bias (input 2) of an int8
// weight op, or nil.
func int32Bias(n *node, channels int) ([]int32, error) {
	b := n.optionalInput(2)
	if b == nil {
		return nil, nil
	}
	if err := n.checkType(b, format.Int32); err != nil {
		return nil, err
	}
	if !b.Const {
		return nil, n.errorf("bias (tensor %d) must be constant", b.Index)
	}
	if b.NumElements() != channels || len(b.Int32()) != channels {
		return nil, n.errorf("bias has %d values for %d output channels", b.NumElements(), channels)
	}
	return b.Int32(), nil
}

// floatBias returns the optional constant float32 bias (input 2), or nil.
func floatBias(n *node, channels int) ([]float32, error) {
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
	if b.NumElements() != channels || len(b.Float32()) != channels {
		return nil, n.errorf("bias has %d values for %d output channels", b.NumElements(), channels)
	}
	return b.Float32(), nil
}
