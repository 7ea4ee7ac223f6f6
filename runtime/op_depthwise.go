package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("DEPTHWISE_CONV_2D", prepareDepthwise) }

// prepareDepthwise validates a DEPTHWISE_CONV_2D (NHWC input, filter
// [1, KH, KW, IC×multiplier], optional bias) and binds its int8 or float32
// kernel, as TFLite Micro's DepthwiseConvPrepare does. Float input with
// int8 weights is a hybrid convolution (op_hybrid.go).
func prepareDepthwise(n *node) (evalFunc, error) {
	if isHybrid(n) {
		return prepareHybridDepthwise(n)
	}
	in, w, out, err := weightOpTensors(n)
	if err != nil {
		return nil, err
	}
	if len(w.Shape) != 4 || w.Shape[0] != 1 {
		return nil, n.errorf("filter has shape %v, want [1, h, w, channels]", w.Shape)
	}
	g, err := windowGeom(n, in, out, w.Shape[1], w.Shape[2], true)
	if err != nil {
		return nil, err
	}
	if w.Shape[3] != g.OutC || g.OutC%g.InC != 0 {
		return nil, n.errorf("filter %v does not fit input %v and output %v", w.Shape, in.Shape, out.Shape)
	}
	mult := g.OutC / g.InC
	if dm := int(n.opts().DepthMultiplier); dm != 0 && dm != mult {
		return nil, n.errorf("depth multiplier %d, but %d input channels make %d outputs", dm, g.InC, g.OutC)
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
		p := &kernels.DepthwiseFloatParams{ConvGeom: g, DepthMul: mult, Weights: w.Float32(), Bias: bias, Min: lo, Max: hi}
		if err := p.Check(); err != nil {
			return nil, n.errorf("%v", err)
		}
		scratch := n.scratch(kernels.DepthwiseFloatScratchSize(p))
		return func() error {
			kernels.DepthwiseFloat(p, in.Float32(), out.Float32(), *scratch)
			return nil
		}, nil
	case format.Int8:
		if err := n.checkType(w, format.Int8); err != nil {
			return nil, err
		}
		rq, zx, err := quantizedWeightOp(n, in, w, out, 3, g.OutC, false)
		if err != nil {
			return nil, err
		}
		bias, err := int32Bias(n, g.OutC)
		if err != nil {
			return nil, err
		}
		p := &kernels.DepthwiseInt8Params{
			ConvGeom: g, DepthMul: mult, Weights: w.Int8(),
			Bias: kernels.FoldDepthwiseBias(bias, w.Int8(), g.OutC, zx), InZero: zx, Requant: rq,
		}
		if err := p.Check(); err != nil {
			return nil, n.errorf("%v", err)
		}
		scratch := n.scratch(kernels.DepthwiseInt8ScratchSize(p))
		return func() error {
			kernels.DepthwiseInt8(p, in.Int8(), out.Int8(), *scratch)
			return nil
		}, nil
	}
	return nil, n.errorf("input type %s is not supported (float32 or int8)", in.Type)
}
