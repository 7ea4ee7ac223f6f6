package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() {
	register("PAD", preparePad)
	register("PADV2", preparePad)
}

// preparePad validates a constant PAD (or PADV2, the same op with an
// explicit pad value as third input) of up to 5 dimensions. The paddings
// must be a constant int32 or int64 [rank, 2] tensor; the pad value is the
// output zero point for int8 and 0 otherwise, unless given.
func preparePad(n *node) (evalFunc, error) {
	if len(n.inputs) != 2 && len(n.inputs) != 3 {
		return nil, n.errorf("has %d inputs, want 2 or 3", len(n.inputs))
	}
	if err := n.checkArity(len(n.inputs), 1); err != nil {
		return nil, err
	}
	in, pads, out := n.inputs[0], n.inputs[1], n.outputs[0]
	if err := n.checkType(in, format.Float32, format.Int8, format.Int16, format.Int32); err != nil {
		return nil, err
	}
	if out.Type != in.Type {
		return nil, n.errorf("output tensor %d (%s) has type %s, input has %s", out.Index, out.Name, out.Type, in.Type)
	}
	rank := len(in.Shape)
	if !pads.Const {
		return nil, n.errorf("paddings tensor %d (%s) is not constant", pads.Index, pads.Name)
	}
	if !sameShape(pads.Shape, []int{rank, 2}) {
		return nil, n.errorf("paddings tensor %d (%s) has shape %v, want [%d 2]", pads.Index, pads.Name, pads.Shape, rank)
	}
	before, after := make([]int, rank), make([]int, rank)
	for d := 0; d < rank; d++ {
		switch pads.Type {
		case format.Int32:
			v := pads.Int32()
			before[d], after[d] = int(v[2*d]), int(v[2*d+1])
		case format.Int64:
			v := pads.Int64()
			before[d], after[d] = int(max(min(v[2*d], 1<<30+1), -1)), int(max(min(v[2*d+1], 1<<30+1), -1))
		default:
			return nil, n.errorf("paddings tensor %d (%s) has type %s, want int32 or int64", pads.Index, pads.Name, pads.Type)
		}
	}
	p, shape, err := kernels.NewPad(in.Shape, before, after)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	if err := n.checkShape(out, shape...); err != nil {
		return nil, err
	}

	value := n.optionalInput(2)
	if value != nil {
		if value.Type != in.Type || value.NumElements() != 1 {
			return nil, n.errorf("pad value tensor %d (%s) is a %s of shape %v, want one %s", value.Index, value.Name, value.Type, value.Shape, in.Type)
		}
	}
	if in.Type == format.Int8 || in.Type == format.Int16 {
		if !sameQuant(in, out) {
			return nil, n.errorf("input and output quantizations differ: PAD copies values without rescaling")
		}
		if _, _, err := n.perTensorQuant(out); err != nil {
			return nil, err
		}
		if value != nil && !sameQuant(value, out) {
			return nil, n.errorf("pad value tensor %d (%s) is quantized unlike the output", value.Index, value.Name)
		}
	}

	switch in.Type {
	case format.Int8:
		zero := int8(0)
		if len(out.ZeroPoint) == 1 {
			zero = int8(out.ZeroPoint[0])
		}
		return func() error {
			v := zero
			if value != nil {
				v = value.Int8()[0]
			}
			kernels.PadConstant(p, in.Int8(), out.Int8(), v)
			return nil
		}, nil
	case format.Int16:
		return func() error {
			var v int16
			if value != nil {
				v = value.Int16()[0]
			}
			kernels.PadConstant(p, in.Int16(), out.Int16(), v)
			return nil
		}, nil
	case format.Int32:
		return func() error {
			var v int32
			if value != nil {
				v = value.Int32()[0]
			}
			kernels.PadConstant(p, in.Int32(), out.Int32(), v)
			return nil
		}, nil
	default:
		return func() error {
			var v float32
			if value != nil {
				v = value.Float32()[0]
			}
			kernels.PadConstant(p, in.Float32(), out.Float32(), v)
			return nil
		}, nil
	}
}
