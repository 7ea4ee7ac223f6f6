package runtime

import (
	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() {
	register("QUANTIZE", prepareQuantize)
	register("DEQUANTIZE", prepareDequantize)
}

// prepareQuantize binds QUANTIZE: float32 → int8/int16 (AffineQuantize),
// or a requantization between the integer types TFLite Micro pairs up.
func prepareQuantize(n *node) (evalFunc, error) {
	if err := n.checkArity(1, 1); err != nil {
		return nil, err
	}
	in, out := n.inputs[0], n.outputs[0]
	if err := n.checkShape(out, in.Shape...); err != nil {
		return nil, err
	}
	outScale, oz, err := n.perTensorQuant(out)
	if err != nil {
		return nil, err
	}
	if in.Type == format.Float32 {
		switch out.Type {
		case format.Int8:
			return func() error { kernels.QuantizeFloat32(in.Float32(), out.Int8(), outScale, oz); return nil }, nil
		case format.Int16:
			return func() error { kernels.QuantizeFloat32(in.Float32(), out.Int16(), outScale, oz); return nil }, nil
		}
		return nil, n.errorf("quantizing float32 to %s is not supported (int8 or int16)", out.Type)
	}

	is, iz, err := n.perTensorQuant(in)
	if err != nil {
		return nil, err
	}
	r, err := kernels.NewRequantize(is, iz, outScale, oz)
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	type pair struct{ in, out format.DType }
	switch (pair{in.Type, out.Type}) {
	case pair{format.Int8, format.Int8}:
		return lutEval(r.LUT(), in, out), nil
	case pair{format.Int8, format.UInt8}:
		return func() error { kernels.RequantizeInts(&r, in.Int8(), out.Uint8()); return nil }, nil
	case pair{format.Int8, format.Int16}:
		return func() error { kernels.RequantizeInts(&r, in.Int8(), out.Int16()); return nil }, nil
	case pair{format.Int8, format.Int32}:
		return func() error { kernels.RequantizeInts(&r, in.Int8(), out.Int32()); return nil }, nil
	case pair{format.UInt8, format.Int8}:
		return func() error { kernels.RequantizeInts(&r, in.Uint8(), out.Int8()); return nil }, nil
	case pair{format.Int16, format.Int8}:
		return func() error { kernels.RequantizeInts(&r, in.Int16(), out.Int8()); return nil }, nil
	case pair{format.Int16, format.Int16}:
		return func() error { kernels.RequantizeInts(&r, in.Int16(), out.Int16()); return nil }, nil
	case pair{format.Int16, format.Int32}:
		return func() error { kernels.RequantizeInts(&r, in.Int16(), out.Int32()); return nil }, nil
	case pair{format.Int32, format.Int8}:
		return func() error { kernels.RequantizeInts(&r, in.Int32(), out.Int8()); return nil }, nil
	case pair{format.Int32, format.Int16}:
		return func() error { kernels.RequantizeInts(&r, in.Int32(), out.Int16()); return nil }, nil
	}
	return nil, n.errorf("quantizing %s to %s is not supported", in.Type, out.Type)
}

// prepareDequantize binds DEQUANTIZE from int8, int16 or uint8 to float32.
func prepareDequantize(n *node) (evalFunc, error) {
	if err := n.checkArity(1, 1); err != nil {
		return nil, err
	}
	// Weight-only models dequantize constant weights: done once, at load.
	if eval, ok, err := prepareConstDequantize(n); ok {
		return eval, err
	}
	in, out := n.inputs[0], n.outputs[0]
	if err := n.checkShape(out, in.Shape...); err != nil {
		return nil, err
	}
	if err := n.checkType(out, format.Float32); err != nil {
		return nil, err
	}
	if err := n.checkType(in, format.Int8, format.Int16, format.UInt8); err != nil {
		return nil, err
	}
	s, z, err := n.perTensorQuant(in)
	if err != nil {
		return nil, err
	}
	switch in.Type {
	case format.Int8:
		tab := kernels.DequantizeTable(s, z)
		return func() error { kernels.DequantizeInt8Table(tab, in.Int8(), out.Float32()); return nil }, nil
	case format.Int16:
		return func() error { kernels.Dequantize(in.Int16(), out.Float32(), s, z); return nil }, nil
	default:
		return func() error { kernels.Dequantize(in.Uint8(), out.Float32(), s, z); return nil }, nil
	}
}
