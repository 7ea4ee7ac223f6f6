package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() {
	register("RELU", func(n *node) (evalFunc, error) { return prepareRelu(n, false) })
	register("RELU6", func(n *node) (evalFunc, error) { return prepareRelu(n, true) })
	register("LOGISTIC", func(n *node) (evalFunc, error) { return prepareSigmoid(n, false) })
	register("TANH", func(n *node) (evalFunc, error) { return prepareSigmoid(n, true) })
}

// unaryTensors checks a one-input, one-output elementwise op whose output
// has the input's shape and type.
func (n *node) unaryTensors() (in, out *Tensor, err error) {
	if err := n.checkArity(1, 1); err != nil {
		return nil, nil, err
	}
	in, out = n.inputs[0], n.outputs[0]
	if err := n.checkSameShapeType(in, out); err != nil {
		return nil, nil, err
	}
	return in, out, nil
}

// unaryQuant returns the per-tensor quantization of an elementwise op's
// integer input and output.
func (n *node) unaryQuant(in, out *Tensor) (inScale float32, inZero int32, outScale float32, outZero int32, err error) {
	if inScale, inZero, err = n.perTensorQuant(in); err != nil {
		return
	}
	outScale, outZero, err = n.perTensorQuant(out)
	return
}

// lutEval returns the eval of an int8 op precomputed as a table.
func lutEval(lut *kernels.LUT8, in, out *Tensor) evalFunc {
	return func() error {
		lut.Apply(in.Int8(), out.Int8())
		return nil
	}
}

// prepareRelu binds RELU or RELU6 as TFLite Micro computes them: int8 RELU
// requantizes to the output's scale, RELU6 clamps the raw values (so input
// and output must share their quantization).
func prepareRelu(n *node, six bool) (evalFunc, error) {
	in, out, err := n.unaryTensors()
	if err != nil {
		return nil, err
	}
	switch in.Type {
	case format.Float32:
		return func() error {
			kernels.ReluFloat32(in.Float32(), out.Float32(), six)
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
	if six && (is != outScale || iz != oz) {
		return nil, n.errorf("input quantization (%g, %d) differs from the output's (%g, %d): RELU6 clamps without rescaling", is, iz, outScale, oz)
	}
	if in.Type == format.Int8 {
		lut, err := kernels.NewReluInt8(is, iz, outScale, oz, six)
		if err != nil {
			return nil, n.errorf("%v", err)
		}
		return lutEval(lut, in, out), nil
	}
	if six {
		lo, hi := kernels.Relu6Int16Range(is, iz)
		return func() error {
			kernels.ClampInt16(lo, hi, in.Int16(), out.Int16())
			return nil
		}, nil
	}
	if iz != 0 || oz != 0 {
		return nil, n.errorf("int16 RELU needs zero points of 0, have %d and %d", iz, oz)
	}
	p, err := kernels.NewReluInt16(is, outScale)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	return func() error {
		kernels.ReluInt16(p, in.Int16(), out.Int16())
		return nil
	}, nil
}

// prepareSigmoid binds LOGISTIC (tanh false) or TANH: float32, int8 through
// TFLite Micro's gemmlowp arithmetic (precomputed as a table), or int16
// through its interpolated sigmoid table.
func prepareSigmoid(n *node, tanh bool) (evalFunc, error) {
	in, out, err := n.unaryTensors()
	if err != nil {
		return nil, err
	}
	switch in.Type {
	case format.Float32:
		if tanh {
			return func() error { kernels.TanhFloat32(in.Float32(), out.Float32()); return nil }, nil
		}
		return func() error { kernels.LogisticFloat32(in.Float32(), out.Float32()); return nil }, nil
	case format.Int8, format.Int16:
	default:
		return nil, n.errorf("input tensor %d (%s) has type %s, want float32, int8 or int16", in.Index, in.Name, in.Type)
	}
	is, iz, outScale, oz, err := n.unaryQuant(in, out)
	if err != nil {
		return nil, err
	}
	if in.Type == format.Int16 {
		if iz != 0 || oz != 0 {
			return nil, n.errorf("int16 input and output need zero points of 0, have %d and %d", iz, oz)
		}
		p, err := kernels.NewSigmoidInt16Params(is, outScale, tanh)
		if err != nil {
			return nil, n.errorf("%v", err)
		}
		if tanh {
			return func() error { kernels.TanhInt16(p, in.Int16(), out.Int16()); return nil }, nil
		}
		return func() error { kernels.LogisticInt16(p, in.Int16(), out.Int16()); return nil }, nil
	}
	var lut *kernels.LUT8
	if tanh {
		if outScale != 1.0/128 || oz != 0 {
			return nil, n.errorf("int8 output has scale %g and zero point %d, want 1/128 and 0", outScale, oz)
		}
		lut, err = kernels.NewTanhInt8(is, iz)
	} else {
		if outScale != 1.0/256 || oz != -128 {
			return nil, n.errorf("int8 output has scale %g and zero point %d, want 1/256 and -128", outScale, oz)
		}
		lut, err = kernels.NewLogisticInt8(is, iz)
	}
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	return lutEval(lut, in, out), nil
}
