package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("FULLY_CONNECTED", prepareFullyConnected) }

// prepareFullyConnected validates a FULLY_CONNECTED (weights [OC, K], input
// of any shape holding batches×K values, optional bias) and binds its int8
// or float32 kernel, as TFLite Micro's FullyConnectedPrepare does. The
// output holds batches×OC values whatever keep_num_dims says; the model's
// output shape is checked for that count and its last dimension. Float
// input with int8 weights is a hybrid layer (op_hybrid.go).
func prepareFullyConnected(n *node) (evalFunc, error) {
	if isHybrid(n) {
		return prepareHybridFC(n)
	}
	in, w, out, err := weightOpTensors(n)
	if err != nil {
		return nil, err
	}
	if len(w.Shape) != 2 || w.Shape[0] <= 0 || w.Shape[1] <= 0 {
		return nil, n.errorf("weights have shape %v, want [units, depth]", w.Shape)
	}
	oc, depth := w.Shape[0], w.Shape[1]
	if in.NumElements()%depth != 0 {
		return nil, n.errorf("input %v has %d values, not a multiple of the weights' depth %d", in.Shape, in.NumElements(), depth)
	}
	batches := in.NumElements() / depth
	if batches == 0 || len(out.Shape) == 0 || out.Shape[len(out.Shape)-1] != oc || out.NumElements() != batches*oc {
		return nil, n.errorf("output shape %v, want %d batches of %d units", out.Shape, batches, oc)
	}
	act := kernels.Activation(n.opts().Activation)

	switch in.Type {
	case format.Float32:
		if err := n.checkType(w, format.Float32); err != nil {
			return nil, err
		}
		bias, err := floatBias(n, oc)
		if err != nil {
			return nil, err
		}
		lo, hi, err := kernels.ActivationRangeFloat(act)
		if err != nil {
			return nil, n.errorf("%v", err)
		}
		p := &kernels.FullyConnectedFloatParams{Batches: batches, Depth: depth, OutC: oc, Weights: w.Float32(), Bias: bias, Min: lo, Max: hi}
		if err := p.Check(); err != nil {
			return nil, n.errorf("%v", err)
		}
		return func() error {
			kernels.FullyConnectedFloat(p, in.Float32(), out.Float32())
			return nil
		}, nil
	case format.Int8:
		if err := n.checkType(w, format.Int8); err != nil {
			return nil, err
		}
		// TFLite's per-tensor kernel subtracts the weights' zero point;
		// this one, like the quantization spec, wants symmetric weights.
		for i, z := range w.ZeroPoint {
			if z != 0 {
				return nil, n.errorf("weights (tensor %d) zero point %d is %d; int8 weights must be symmetric", w.Index, i, z)
			}
		}
		rq, zx, err := quantizedWeightOp(n, in, w, out, 0, oc, true)
		if err != nil {
			return nil, err
		}
		bias, err := int32Bias(n, oc)
		if err != nil {
			return nil, err
		}
		p := &kernels.FullyConnectedInt8Params{
			Batches: batches, Depth: depth, OutC: oc, Weights: w.Int8(),
			Bias: kernels.FoldBias(bias, w.Int8(), depth, zx), Requant: rq,
		}
		if err := p.Check(); err != nil {
			return nil, n.errorf("%v", err)
		}
		scratch := n.scratch(kernels.FullyConnectedInt8ScratchSize(p))
		return func() error {
			kernels.FullyConnectedInt8(p, in.Int8(), out.Int8(), *scratch)
			return nil
		}, nil
	}
	return nil, n.errorf("input type %s is not supported (float32 or int8)", in.Type)
}
