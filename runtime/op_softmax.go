package runtime

import (
	"math"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("SOFTMAX", prepareSoftmax) }

// prepareSoftmax validates a SOFTMAX over the last dimension and binds the
// float32 kernel, TFLite Micro's int8 fixed-point one (int8 or int16
// output) or its int16 table-based one (int16 in and out, 16x8 models),
// checking the quantization TFLite Micro requires.
func prepareSoftmax(n *node) (evalFunc, error) {
	if err := n.checkArity(1, 1); err != nil {
		return nil, err
	}
	in, out := n.inputs[0], n.outputs[0]
	if len(in.Shape) == 0 {
		return nil, n.errorf("input tensor %d (%s) is a scalar, want at least 1 dimension", in.Index, in.Name)
	}
	if err := n.checkShape(out, in.Shape...); err != nil {
		return nil, err
	}
	depth := in.Shape[len(in.Shape)-1]
	beta := n.opts().Beta

	switch in.Type {
	case format.Float32:
		if err := n.checkType(out, format.Float32); err != nil {
			return nil, err
		}
		return func() error {
			kernels.SoftmaxFloat32(beta, in.Float32(), out.Float32(), depth)
			return nil
		}, nil
	case format.Int8:
	case format.Int16:
		return prepareSoftmaxInt16(n, in, out, depth, beta)
	default:
		return nil, n.errorf("input tensor %d (%s) has type %s, want float32, int8 or int16", in.Index, in.Name, in.Type)
	}

	if err := n.checkType(out, format.Int8, format.Int16); err != nil {
		return nil, err
	}
	scale, _, err := n.perTensorQuant(in)
	if err != nil {
		return nil, err
	}
	outScale, oz, err := n.perTensorQuant(out)
	if err != nil {
		return nil, err
	}
	if depth > kernels.SoftmaxMaxDepth {
		return nil, n.errorf("rows of %d values, more than the %d the fixed-point softmax sums without overflow", depth, kernels.SoftmaxMaxDepth)
	}
	p, err := kernels.NewSoftmaxParams(beta, scale)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	if out.Type == format.Int8 {
		if oz != -128 || outScale != 1.0/256 {
			return nil, n.errorf("int8 output has scale %g and zero point %d, want 1/256 and -128", outScale, oz)
		}
		return func() error {
			kernels.SoftmaxInt8(p, in.Int8(), out.Int8(), depth)
			return nil
		}, nil
	}
	if oz != -32768 || math.Abs(float64(outScale)-1.0/65536) > 0.001/65536 {
		return nil, n.errorf("int16 output has scale %g and zero point %d, want 1/65536 and -32768", outScale, oz)
	}
	return func() error {
		kernels.SoftmaxInt8Int16(p, in.Int8(), out.Int16(), depth)
		return nil
	}, nil
}

// prepareSoftmaxInt16 binds the int16 → int16 SOFTMAX. As in TFLite Micro's
// CalculateSoftmaxParams, the input zero point must be 0 and the output
// quantization scale 1/32768 (within 0.1%), zero point 0: the kernel's
// output is that format whatever the tensor says.
func prepareSoftmaxInt16(n *node, in, out *Tensor, depth int, beta float32) (evalFunc, error) {
	if err := n.checkType(out, format.Int16); err != nil {
		return nil, err
	}
	scale, iz, err := n.perTensorQuant(in)
	if err != nil {
		return nil, err
	}
	if iz != 0 {
		return nil, n.errorf("int16 input tensor %d (%s) has zero point %d, want 0", in.Index, in.Name, iz)
	}
	outScale, oz, err := n.perTensorQuant(out)
	if err != nil {
		return nil, err
	}
	if oz != 0 || math.Abs(float64(outScale)-1.0/32768) > 0.001/32768 {
		return nil, n.errorf("int16 output has scale %g and zero point %d, want 1/32768 and 0", outScale, oz)
	}
	if depth > kernels.SoftmaxInt16MaxDepth {
		return nil, n.errorf("rows of %d values, more than the %d the int16 softmax sums without overflow", depth, kernels.SoftmaxInt16MaxDepth)
	}
	p, err := kernels.NewSoftmaxInt16Params(beta, scale)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	return func() error {
		kernels.SoftmaxInt16(p, in.Int16(), out.Int16(), depth)
		return nil
	}, nil
}
