package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("TRANSPOSE", prepareTranspose) }

// prepareTranspose validates a TRANSPOSE of up to 6 dimensions by a
// constant int32 or int64 permutation (output dimension i is input
// dimension perm[i]) and binds a copy for any element type. Quantized
// tensors must keep their quantization: values move, they are not
// rescaled.
func prepareTranspose(n *node) (evalFunc, error) {
	if err := n.checkArity(2, 1); err != nil {
		return nil, err
	}
	in, permT, out := n.inputs[0], n.inputs[1], n.outputs[0]
	if out.Type != in.Type {
		return nil, n.errorf("output tensor %d (%s) has type %s, input has %s", out.Index, out.Name, out.Type, in.Type)
	}
	if !permT.Const {
		return nil, n.errorf("permutation tensor %d (%s) is not constant", permT.Index, permT.Name)
	}
	if len(permT.Shape) != 1 || permT.Shape[0] != len(in.Shape) {
		return nil, n.errorf("permutation tensor %d (%s) has shape %v, want [%d]", permT.Index, permT.Name, permT.Shape, len(in.Shape))
	}
	perm := make([]int, len(in.Shape))
	for i := range perm {
		switch permT.Type {
		case format.Int32:
			perm[i] = int(permT.Int32()[i])
		case format.Int64:
			perm[i] = int(max(min(permT.Int64()[i], 1<<20), -1))
		default:
			return nil, n.errorf("permutation tensor %d (%s) has type %s, want int32 or int64", permT.Index, permT.Name, permT.Type)
		}
	}
	p, shape, err := kernels.NewTranspose(in.Shape, perm)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	if err := n.checkShape(out, shape...); err != nil {
		return nil, err
	}
	if in.Quantized() || out.Quantized() {
		if !sameQuant(in, out) {
			return nil, n.errorf("input and output quantizations differ: TRANSPOSE moves values without rescaling")
		}
	}
	switch in.Type.Size() {
	case 1:
		return func() error { kernels.TransposeCopy(p, in.Uint8(), out.Uint8()); return nil }, nil
	case 2:
		return func() error { kernels.TransposeCopy(p, in.Int16(), out.Int16()); return nil }, nil
	case 4:
		return func() error { kernels.TransposeCopy(p, in.Int32(), out.Int32()); return nil }, nil
	case 8:
		return func() error { kernels.TransposeCopy(p, in.Int64(), out.Int64()); return nil }, nil
	}
	return nil, n.errorf("input tensor %d (%s) has type %s, which TRANSPOSE cannot copy", in.Index, in.Name, in.Type)
}
