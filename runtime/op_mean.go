package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("MEAN", prepareMean) }

// prepareMean validates a MEAN over the axes of its constant second input
// (int32 or int64), with options.KeepDims, and binds the float32 kernel or
// TFLite Micro's int8/int16 one.
func prepareMean(n *node) (evalFunc, error) {
	if err := n.checkArity(2, 1); err != nil {
		return nil, err
	}
	in, axisT, out := n.inputs[0], n.inputs[1], n.outputs[0]
	if err := n.checkType(in, format.Float32, format.Int8, format.Int16); err != nil {
		return nil, err
	}
	if out.Type != in.Type {
		return nil, n.errorf("output tensor %d (%s) has type %s, input has %s", out.Index, out.Name, out.Type, in.Type)
	}
	if !axisT.Const {
		return nil, n.errorf("axis tensor %d (%s) is not constant", axisT.Index, axisT.Name)
	}
	if len(axisT.Shape) > 1 {
		return nil, n.errorf("axis tensor %d (%s) has shape %v, want a scalar or a vector", axisT.Index, axisT.Name, axisT.Shape)
	}
	var axes []int
	switch axisT.Type {
	case format.Int32:
		for _, a := range axisT.Int32()[:axisT.NumElements()] {
			axes = append(axes, int(a))
		}
	case format.Int64:
		for _, a := range axisT.Int64()[:axisT.NumElements()] {
			axes = append(axes, int(max(min(a, 1<<20), -1<<20)))
		}
	default:
		return nil, n.errorf("axis tensor %d (%s) has type %s, want int32 or int64", axisT.Index, axisT.Name, axisT.Type)
	}
	m, shape, err := kernels.NewMean(in.Shape, axes, n.opts().KeepDims)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	if err := n.checkShape(out, shape...); err != nil {
		return nil, err
	}
	if in.Type == format.Float32 {
		return func() error {
			kernels.MeanFloat32(m, in.Float32(), out.Float32())
			return nil
		}, nil
	}
	is, iz, err := n.perTensorQuant(in)
	if err != nil {
		return nil, err
	}
	outScale, oz, err := n.perTensorQuant(out)
	if err != nil {
		return nil, err
	}
	if err := m.SetQuantization(is, iz, outScale, oz); err != nil {
		return nil, n.errorf("%v", err)
	}
	acc := n.scratch(4 * max(m.OutputSize(), 1))
	if in.Type == format.Int8 {
		return func() error {
			kernels.MeanInt8(m, in.Int8(), out.Int8(), view[int32](*acc))
			return nil
		}, nil
	}
	return func() error {
		kernels.MeanInt16(m, in.Int16(), out.Int16(), view[int32](*acc))
		return nil
	}, nil
}
