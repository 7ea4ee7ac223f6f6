package runtime

import (
	"math"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() {
	register("AVERAGE_POOL_2D", func(n *node) (evalFunc, error) { return preparePool(n, true) })
	register("MAX_POOL_2D", func(n *node) (evalFunc, error) { return preparePool(n, false) })
}

// preparePool validates an AVERAGE_POOL_2D or MAX_POOL_2D over an NHWC
// float32, int8 or int16 tensor and binds its kernel, as TFLite Micro's
// PoolingPrepare does: quantized pools keep the input's scale and zero
// point.
func preparePool(n *node, avg bool) (evalFunc, error) {
	if err := n.checkArity(1, 1); err != nil {
		return nil, err
	}
	in, out := n.inputs[0], n.outputs[0]
	if err := n.checkType(in, format.Float32, format.Int8, format.Int16); err != nil {
		return nil, err
	}
	if in.Type != out.Type {
		return nil, n.errorf("input has type %s, output %s", in.Type, out.Type)
	}
	o := n.opts()
	g, err := windowGeom(n, in, out, int(o.FilterH), int(o.FilterW), false)
	if err != nil {
		return nil, err
	}
	if g.OutC != g.InC {
		return nil, n.errorf("output has %d channels, input %d", g.OutC, g.InC)
	}
	act := kernels.Activation(o.Activation)
	p := &kernels.PoolParams{ConvGeom: g}

	if in.Type == format.Float32 {
		if p.MinF, p.MaxF, err = kernels.ActivationRangeFloat(act); err != nil {
			return nil, n.errorf("%v", err)
		}
		if err := p.Check(); err != nil {
			return nil, n.errorf("%v", err)
		}
		if !avg {
			return func() error { kernels.MaxPoolFloat(p, in.Float32(), out.Float32()); return nil }, nil
		}
		scratch := n.scratch(kernels.AvgPoolFloatScratchSize(p))
		return func() error { kernels.AvgPoolFloat(p, in.Float32(), out.Float32(), *scratch); return nil }, nil
	}

	si, zi, err := n.perTensorQuant(in)
	if err != nil {
		return nil, err
	}
	so, zo, err := n.perTensorQuant(out)
	if err != nil {
		return nil, err
	}
	if math.Abs(float64(si)-float64(so)) > 1e-6 || zi != zo {
		return nil, n.errorf("input quantization (scale %g, zero point %d) differs from the output's (%g, %d)", si, zi, so, zo)
	}
	qmin, qmax := intTypeRange(out.Type)
	if p.Min, p.Max, err = kernels.ActivationRangeQuantized(act, so, zo, qmin, qmax); err != nil {
		return nil, n.errorf("%v", err)
	}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	if !avg {
		if in.Type == format.Int8 {
			return func() error { kernels.MaxPoolInt8(p, in.Int8(), out.Int8()); return nil }, nil
		}
		return func() error { kernels.MaxPoolInt16(p, in.Int16(), out.Int16()); return nil }, nil
	}
	scratch := n.scratch(kernels.AvgPoolInt8ScratchSize(p))
	if in.Type == format.Int8 {
		return func() error { kernels.AvgPoolInt8(p, in.Int8(), out.Int8(), *scratch); return nil }, nil
	}
	return func() error { kernels.AvgPoolInt16(p, in.Int16(), out.Int16(), *scratch); return nil }, nil
}
