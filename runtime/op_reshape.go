package runtime

import (
	"errors"
	"math"
	"unsafe"

	"github.com/edgeq/edgeq/format"
)

func init() {
	register("RESHAPE", prepareReshape)
	register("SQUEEZE", prepareSqueeze)
	register("EXPAND_DIMS", prepareSqueeze)
}

// prepareReshape validates a RESHAPE of any type: the element counts must
// agree, and where the new shape is known at load (from the options or a
// constant shape input, one dimension possibly -1) the output's stored
// shape must be it. Eval copies the bytes, unless input and output share
// memory.
func prepareReshape(n *node) (evalFunc, error) {
	if len(n.inputs) < 1 || len(n.inputs) > 2 || len(n.outputs) != 1 {
		return nil, n.errorf("has %d inputs and %d outputs, want 1 or 2 and 1", len(n.inputs), len(n.outputs))
	}
	in, err := n.input(0)
	if err != nil {
		return nil, err
	}
	out, err := n.output(0)
	if err != nil {
		return nil, err
	}
	if out.Type != in.Type {
		return nil, n.errorf("output tensor %d (%s) has type %s, input has %s", out.Index, out.Name, out.Type, in.Type)
	}
	if in.NumElements() != out.NumElements() {
		return nil, n.errorf("input tensor %d (%s) has shape %v, output %v: %d elements, not %d", in.Index, in.Name, in.Shape, out.Shape, in.NumElements(), out.NumElements())
	}

	var newShape []int
	known := false
	if s := n.optionalInput(1); s != nil {
		if s.Const {
			if len(s.Shape) > 1 {
				return nil, n.errorf("shape tensor %d (%s) has shape %v, want 1 dimension", s.Index, s.Name, s.Shape)
			}
			switch s.Type {
			case format.Int32:
				for _, v := range s.Int32()[:s.NumElements()] {
					newShape = append(newShape, int(v))
				}
			case format.Int64:
				for _, v := range s.Int64()[:s.NumElements()] {
					newShape = append(newShape, int(max(min(v, math.MaxInt32), -2)))
				}
			default:
				return nil, n.errorf("shape tensor %d (%s) has type %s, want int32 or int64", s.Index, s.Name, s.Type)
			}
			known = true
		}
	} else if ns := n.opts().NewShape; len(ns) > 0 {
		for _, v := range ns {
			newShape = append(newShape, int(v))
		}
		known = true
	}
	if known {
		if err := resolveNewShape(newShape, in.NumElements()); err != nil {
			return nil, n.errorf("new shape %v for %d elements: %v", newShape, in.NumElements(), err)
		}
		if err := n.checkShape(out, newShape...); err != nil {
			return nil, err
		}
	}
	return sameBytes(n, in, out), nil
}

// sameBytes is the eval of an op whose output holds its input's bytes
// under another shape: nothing to do when the planner let them share
// memory (it may: the op is marked in place), else a copy.
func sameBytes(n *node, in, out *Tensor) evalFunc {
	n.inPlace = true
	return func() error {
		src, dst := in.Bytes(), out.Bytes()
		if len(src) > 0 && len(dst) > 0 && unsafe.SliceData(src) == unsafe.SliceData(dst) {
			return nil
		}
		copy(dst, src)
		return nil
	}
}

// prepareSqueeze binds SQUEEZE and EXPAND_DIMS (whose second input is the
// axis): both only drop or add dimensions of size 1, which the output
// tensor's stored shape already says, so they are a RESHAPE to it. Integer
// tensors must keep their quantization.
func prepareSqueeze(n *node) (evalFunc, error) {
	want := 1
	if n.op.Op == "EXPAND_DIMS" {
		want = 2
	}
	if err := n.checkArity(want, 1); err != nil {
		return nil, err
	}
	in, out := n.inputs[0], n.outputs[0]
	if out.Type != in.Type {
		return nil, n.errorf("output tensor %d (%s) has type %s, input has %s", out.Index, out.Name, out.Type, in.Type)
	}
	if in.NumElements() != out.NumElements() {
		return nil, n.errorf("input tensor %d (%s) has shape %v, output %v: %d elements, not %d", in.Index, in.Name, in.Shape, out.Shape, in.NumElements(), out.NumElements())
	}
	if (in.Quantized() || out.Quantized()) && !sameQuant(in, out) {
		return nil, n.errorf("input and output quantizations differ: %s moves values without rescaling", n.op.Op)
	}
	return sameBytes(n, in, out), nil
}

// resolveNewShape replaces a single -1 in shape by the extent that makes
// it hold count elements, and checks that it does.
func resolveNewShape(shape []int, count int) error {
	stretch, known := -1, int64(1)
	for i, d := range shape {
		switch {
		case d == -1 && stretch < 0:
			stretch = i
		case d == -1:
			return errors.New("more than one -1")
		case d < 0:
			return errors.New("negative dimension")
		default:
			known *= int64(d)
			if known > math.MaxInt32 {
				return errors.New("too many elements")
			}
		}
	}
	if stretch >= 0 {
		if known == 0 || int64(count)%known != 0 {
			return errors.New("-1 cannot be resolved")
		}
		shape[stretch] = int(int64(count) / known)
		known = int64(count)
	}
	if known != int64(count) {
		return errors.New("element count differs")
	}
	return nil
}
