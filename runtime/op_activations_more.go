package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() {
	register("LEAKY_RELU", prepareLeakyRelu)
	register("HARD_SWISH", prepareHardSwish)
}

// prepareLeakyRelu binds LEAKY_RELU (Options.Alpha): float32, int8 (a
// table of TFLite Micro's QuantizeLeakyRelu) or int16.
func prepareLeakyRelu(n *node) (evalFunc, error) {
	in, out, err := n.unaryTensors()
	if err != nil {
		return nil, err
	}
	alpha := n.opts().Alpha
	switch in.Type {
	case format.Float32:
		return func() error {
			kernels.LeakyReluFloat32(alpha, in.Float32(), out.Float32())
			return nil
		}, nil
	case format.Int8, format.Int16:
	default:
		return nil, n.errorf("input tensor %d (%s) has type %s, want float32, int8 or int16", in.Index, in.Name, in.Type)
	}
	is, iz, outScale, oz, err := n.unaryQuant(in, out)
	if err != nil {
		return nil, err
	}
	p, err := kernels.NewLeakyReluParams(is, iz, outScale, oz, alpha)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	if in.Type == format.Int8 {
		return lutEval(kernels.NewLeakyReluInt8(p), in, out), nil
	}
	return func() error {
		kernels.LeakyReluInt16(p, in.Int16(), out.Int16())
		return nil
	}, nil
}

// prepareHardSwish binds HARD_SWISH: float32, or int8 as a table of TFLite
// Micro's fixed-point HardSwish. TFLite has no int16 HARD_SWISH.
func prepareHardSwish(n *node) (evalFunc, error) {
	in, out, err := n.unaryTensors()
	if err != nil {
		return nil, err
	}
	switch in.Type {
	case format.Float32:
		return func() error {
			kernels.HardSwishFloat32(in.Float32(), out.Float32())
			return nil
		}, nil
	case format.Int8:
	default:
		return nil, n.errorf("input tensor %d (%s) has type %s, want float32 or int8", in.Index, in.Name, in.Type)
	}
	is, iz, outScale, oz, err := n.unaryQuant(in, out)
	if err != nil {
		return nil, err
	}
	p, err := kernels.NewHardSwishParams(is, iz, outScale, oz)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	return lutEval(kernels.NewHardSwishInt8(p), in, out), nil
}
