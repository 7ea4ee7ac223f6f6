package runtime

import (
	"math"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() {
	register("ADD", func(n *node) (evalFunc, error) { return prepareBinary(n, kernels.OpAdd) })
	register("SUB", func(n *node) (evalFunc, error) { return prepareBinary(n, kernels.OpSub) })
	register("MUL", func(n *node) (evalFunc, error) { return prepareBinary(n, kernels.OpMul) })
}

// prepareBinary validates an ADD, SUB or MUL (numpy broadcasting, fused
// activation) and binds its float32, int32, int8 or int16 kernel, as TFLite
// Micro's CalculateOpDataAdd / Sub / Mul do.
func prepareBinary(n *node, op kernels.BinaryOp) (evalFunc, error) {
	if err := n.checkArity(2, 1); err != nil {
		return nil, err
	}
	a, b, out := n.inputs[0], n.inputs[1], n.outputs[0]
	if err := n.checkType(out, format.Float32, format.Int8, format.Int16, format.Int32); err != nil {
		return nil, err
	}
	for _, t := range []*Tensor{a, b} {
		if t.Type != out.Type {
			return nil, n.errorf("tensor %d (%s) has type %s, output has %s", t.Index, t.Name, t.Type, out.Type)
		}
	}
	shape, err := kernels.BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	if err := n.checkShape(out, shape...); err != nil {
		return nil, err
	}
	plan, err := kernels.NewBroadcast(a.Shape, b.Shape)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	bc := &plan
	act := kernels.Activation(n.opts().Activation)

	switch out.Type {
	case format.Float32:
		lo, hi, err := kernels.ActivationRangeFloat(act)
		if err != nil {
			return nil, n.errorf("%v", err)
		}
		return func() error {
			kernels.BinaryFloat32(op, bc, a.Float32(), b.Float32(), out.Float32(), lo, hi)
			return nil
		}, nil
	case format.Int32:
		lo, hi := int32(math.MinInt32), int32(math.MaxInt32)
		if op != kernels.OpAdd { // TFLite Micro's int32 ADD ignores the activation
			switch act {
			case kernels.ActNone:
			case kernels.ActRelu:
				lo = 0
			case kernels.ActRelu6:
				lo, hi = 0, 6
			case kernels.ActReluN1To1:
				lo, hi = -1, 1
			default:
				return nil, n.errorf("fused activation %d is not supported", act)
			}
		}
		return func() error {
			kernels.BinaryInt32(op, bc, a.Int32(), b.Int32(), out.Int32(), lo, hi)
			return nil
		}, nil
	}

	// int8 / int16.
	s1, z1, err := n.perTensorQuant(a)
	if err != nil {
		return nil, err
	}
	s2, z2, err := n.perTensorQuant(b)
	if err != nil {
		return nil, err
	}
	so, zo, err := n.perTensorQuant(out)
	if err != nil {
		return nil, err
	}
	bits := 8 * out.Type.Size()
	qmin, qmax := intTypeRange(out.Type)
	lo, hi, err := kernels.ActivationRangeQuantized(act, so, zo, qmin, qmax)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	if op == kernels.OpMul {
		p, err := kernels.NewMulParams(s1, z1, s2, z2, so, zo, bits)
		if err != nil {
			return nil, n.errorf("%v", err)
		}
		p.ActivationMin, p.ActivationMax = lo, hi
		if bits == 8 {
			return func() error { kernels.MulInt8(&p, bc, a.Int8(), b.Int8(), out.Int8()); return nil }, nil
		}
		return func() error { kernels.MulInt16(&p, bc, a.Int16(), b.Int16(), out.Int16()); return nil }, nil
	}
	newParams := kernels.NewAddParams
	if op == kernels.OpSub {
		newParams = kernels.NewSubParams
	}
	p, err := newParams(s1, z1, s2, z2, so, zo, bits)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	p.ActivationMin, p.ActivationMax = lo, hi
	switch {
	case bits == 8 && op == kernels.OpAdd:
		return func() error { kernels.AddInt8(&p, bc, a.Int8(), b.Int8(), out.Int8()); return nil }, nil
	case bits == 8:
		return func() error { kernels.SubInt8(&p, bc, a.Int8(), b.Int8(), out.Int8()); return nil }, nil
	case op == kernels.OpAdd:
		// TFLite Micro runs int16 ADD through the general-scale path
		// whatever pot_scale_int16 says.
		return func() error { kernels.AddInt16(&p, bc, a.Int16(), b.Int16(), out.Int16()); return nil }, nil
	default:
		return func() error { kernels.SubInt16(&p, bc, a.Int16(), b.Int16(), out.Int16()); return nil }, nil
	}
}

// checkArity checks that the node has exactly the given numbers of inputs
// and outputs, none of them omitted.
func (n *node) checkArity(inputs, outputs int) error {
	if len(n.inputs) != inputs || len(n.outputs) != outputs {
		return n.errorf("has %d inputs and %d outputs, want %d and %d", len(n.inputs), len(n.outputs), inputs, outputs)
	}
	for i, t := range n.inputs {
		if t == nil {
			return n.errorf("input %d is omitted", i)
		}
	}
	for i, t := range n.outputs {
		if t == nil {
			return n.errorf("output %d is omitted", i)
		}
	}
	return nil
}

// perTensorQuant returns a tensor's single scale and zero point, checking
// that the zero point fits the tensor's type.
func (n *node) perTensorQuant(t *Tensor) (float32, int32, error) {
	if len(t.Scale) != 1 || len(t.ZeroPoint) > 1 {
		if len(t.Scale) == 0 {
			return 0, 0, n.errorf("tensor %d (%s) of type %s is not quantized", t.Index, t.Name, t.Type)
		}
		return 0, 0, n.errorf("tensor %d (%s) has %d scales and %d zero points, want one (per-tensor quantization)", t.Index, t.Name, len(t.Scale), len(t.ZeroPoint))
	}
	s := t.Scale[0]
	var z int32
	if len(t.ZeroPoint) == 1 {
		z = t.ZeroPoint[0]
	}
	if !(s > 0) || math.IsInf(float64(s), 0) {
		return 0, 0, n.errorf("tensor %d (%s) has scale %g, want a positive finite number", t.Index, t.Name, s)
	}
	if lo, hi := intTypeRange(t.Type); z < lo || z > hi {
		return 0, 0, n.errorf("tensor %d (%s) has zero point %d, outside the %s range", t.Index, t.Name, z, t.Type)
	}
	return s, z, nil
}

// intTypeRange returns the value range of an integer tensor type.
func intTypeRange(d format.DType) (lo, hi int32) {
	switch d {
	case format.Int8:
		return math.MinInt8, math.MaxInt8
	case format.UInt8:
		return 0, math.MaxUint8
	case format.Int16:
		return math.MinInt16, math.MaxInt16
	}
	return math.MinInt32, math.MaxInt32
}

// sameQuant reports whether two tensors carry identical per-tensor
// quantization.
func sameQuant(a, b *Tensor) bool {
	if len(a.Scale) != len(b.Scale) || len(a.ZeroPoint) != len(b.ZeroPoint) {
		return false
	}
	for i := range a.Scale {
		if a.Scale[i] != b.Scale[i] {
			return false
		}
	}
	for i := range a.ZeroPoint {
		if a.ZeroPoint[i] != b.ZeroPoint[i] {
			return false
		}
	}
	return true
}

// checkSameShapeType checks that out has in's shape and type.
func (n *node) checkSameShapeType(in, out *Tensor) error {
	if out.Type != in.Type {
		return n.errorf("output tensor %d (%s) has type %s, input has %s", out.Index, out.Name, out.Type, in.Type)
	}
	return n.checkShape(out, in.Shape...)
}
