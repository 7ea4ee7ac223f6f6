package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("CONCATENATION", prepareConcat) }

// prepareConcat validates a CONCATENATION along options.Axis (negative
// counts from the back) and binds a copy. An int8 input quantized unlike
// the output is rescaled through a table (see kernels.NewConcatRescaleLUT);
// TFLite Micro would copy it raw, which only the converter's habit of
// giving every input the output's quantization makes right.
func prepareConcat(n *node) (evalFunc, error) {
	if len(n.inputs) == 0 || len(n.outputs) != 1 {
		return nil, n.errorf("has %d inputs and %d outputs, want at least 1 and 1", len(n.inputs), len(n.outputs))
	}
	if err := n.checkArity(len(n.inputs), 1); err != nil {
		return nil, err
	}
	out := n.outputs[0]
	if err := n.checkType(out, format.Float32, format.Int8, format.Int16, format.Int32, format.Int64, format.UInt8); err != nil {
		return nil, err
	}
	if act := n.opts().Activation; act != format.ActNone {
		return nil, n.errorf("fused activation %d is not supported (TFLite Micro requires none)", act)
	}
	axis := int(n.opts().Axis)
	if axis < 0 {
		axis += len(out.Shape)
	}
	shapes := make([][]int, len(n.inputs))
	for i, t := range n.inputs {
		if t.Type != out.Type {
			return nil, n.errorf("input tensor %d (%s) has type %s, output has %s", t.Index, t.Name, t.Type, out.Type)
		}
		shapes[i] = t.Shape
	}
	c, err := kernels.NewConcat(shapes, out.Shape, axis)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	ins := n.inputs

	var luts []*kernels.LUT8
	if out.Type == format.Int8 || out.Type == format.Int16 {
		outScale, oz, err := n.perTensorQuant(out)
		if err != nil {
			return nil, err
		}
		for i, t := range ins {
			is, iz, err := n.perTensorQuant(t)
			if err != nil {
				return nil, err
			}
			if is == outScale && iz == oz {
				continue
			}
			if out.Type == format.Int16 {
				return nil, n.errorf("int16 input tensor %d (%s) is quantized (%g, %d) unlike the output (%g, %d)", t.Index, t.Name, is, iz, outScale, oz)
			}
			if luts == nil {
				luts = make([]*kernels.LUT8, len(ins))
			}
			if luts[i], err = kernels.NewConcatRescaleLUT(is, iz, outScale, oz); err != nil {
				return nil, n.errorf("input %d: %v", i, err)
			}
		}
	}
	if luts != nil {
		views := make([][]int8, len(ins))
		return func() error {
			for i, t := range ins {
				views[i] = t.Int8()
			}
			c.Int8(views, luts, out.Int8())
			return nil
		}, nil
	}
	size := out.Type.Size()
	views := make([][]byte, len(ins))
	return func() error {
		for i, t := range ins {
			views[i] = t.Bytes()
		}
		c.Copy(views, out.Bytes(), size)
		return nil
	}, nil
}
