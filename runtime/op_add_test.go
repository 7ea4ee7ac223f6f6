package runtime_test

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
	"github.com/edgeq/edgeq/runtime"
)

// opModel builds a one-operator model by hand for the op tests.
type opModel struct{ m format.Model }

// tensor adds a tensor, quantized when scale > 0, constant when data is
// not nil, and returns its index.
func (b *opModel) tensor(typ format.DType, shape []int, scale float32, zp int64, data []byte) int32 {
	t := format.Tensor{Type: typ, Buffer: -1, Source: int32(len(b.m.Tensors))}
	for _, d := range shape {
		t.Shape = append(t.Shape, int32(d))
	}
	if scale > 0 {
		t.Quant = &format.Quantization{Scale: []float32{scale}, ZeroPoint: []int64{zp}}
	}
	if data != nil {
		t.Buffer = int32(len(b.m.Buffers))
		b.m.Buffers = append(b.m.Buffers, data)
	}
	b.m.Tensors = append(b.m.Tensors, t)
	return int32(len(b.m.Tensors) - 1)
}

// op sets the model's single operator; its non-constant inputs become the
// graph inputs, in order, and its outputs the graph outputs.
func (b *opModel) op(name string, o format.Options, in []int32, out ...int32) *opModel {
	b.m.Version = format.Version
	b.m.Operators = []format.Operator{{Op: name, Inputs: in, Outputs: out, Options: o}}
	b.m.Inputs = nil
	for _, ti := range in {
		if ti >= 0 && b.m.Tensors[ti].Buffer < 0 {
			b.m.Inputs = append(b.m.Inputs, ti)
		}
	}
	b.m.Outputs = out
	return b
}

// run loads the model, copies the inputs in, invokes, checks that Invoke
// does not allocate, and returns the interpreter.
func (b *opModel) run(t *testing.T, inputs ...[]byte) *runtime.Interpreter {
	t.Helper()
	ip, err := runtime.LoadModel(&b.m)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range inputs {
		if len(in) != len(ip.Input(i).Bytes()) {
			t.Fatalf("input %d: %d bytes for a %d-byte tensor", i, len(in), len(ip.Input(i).Bytes()))
		}
		copy(ip.Input(i).Bytes(), in)
	}
	if err := ip.Invoke(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() { _ = ip.Invoke() }); n != 0 {
		t.Errorf("%s: Invoke allocates %v times", b.m.Operators[0].Op, n)
	}
	return ip
}

// loadErr loads the model and returns the error, failing if there is none
// or it does not mention want.
func (b *opModel) loadErr(t *testing.T, want string) {
	t.Helper()
	_, err := runtime.LoadModel(&b.m)
	if err == nil {
		t.Fatalf("%s: load succeeded, want an error mentioning %q", b.m.Operators[0].Op, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("%s: error %q does not mention %q", b.m.Operators[0].Op, err, want)
	}
}

func i8bytes(x []int8) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

func i16bytes(x []int16) []byte {
	b := make([]byte, 2*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func i32bytes(x []int32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return b
}

func f32bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func seqInt8(n int, start, step int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8((start + i*step) % 256)
	}
	return s
}

func TestBinaryOpsInt8(t *testing.T) {
	x := seqInt8(2*3*4, -100, 9)
	y := seqInt8(4, 17, -31)
	for _, tc := range []struct {
		op  string
		act format.Activation
		k   kernels.BinaryOp
	}{
		{"ADD", format.ActRelu, kernels.OpAdd},
		{"SUB", format.ActNone, kernels.OpSub},
		{"MUL", format.ActRelu6, kernels.OpMul},
	} {
		var b opModel
		a := b.tensor(format.Int8, []int{2, 3, 4}, 0.05, -3, nil)
		c := b.tensor(format.Int8, []int{4}, 0.1, 7, nil)
		o := b.tensor(format.Int8, []int{2, 3, 4}, 0.08, -10, nil)
		b.op(tc.op, format.Options{Activation: tc.act}, []int32{a, c}, o)
		ip := b.run(t, i8bytes(x), i8bytes(y))

		bc, err := kernels.NewBroadcast([]int{2, 3, 4}, []int{4})
		if err != nil {
			t.Fatal(err)
		}
		lo, hi, err := kernels.ActivationRangeQuantized(kernels.Activation(tc.act), 0.08, -10, -128, 127)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]int8, 24)
		switch tc.k {
		case kernels.OpMul:
			p, _ := kernels.NewMulParams(0.05, -3, 0.1, 7, 0.08, -10, 8)
			p.ActivationMin, p.ActivationMax = lo, hi
			kernels.MulInt8(&p, &bc, x, y, want)
		case kernels.OpAdd:
			p, _ := kernels.NewAddParams(0.05, -3, 0.1, 7, 0.08, -10, 8)
			p.ActivationMin, p.ActivationMax = lo, hi
			kernels.AddInt8(&p, &bc, x, y, want)
		default:
			p, _ := kernels.NewSubParams(0.05, -3, 0.1, 7, 0.08, -10, 8)
			p.ActivationMin, p.ActivationMax = lo, hi
			kernels.SubInt8(&p, &bc, x, y, want)
		}
		if got := ip.Output(0).Int8(); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", tc.op, got, want)
		}
		if tc.act == format.ActRelu && slices.Min(ip.Output(0).Int8()) < -10 {
			t.Errorf("%s: RELU output below the zero point", tc.op)
		}
	}
}

func TestBinaryOpsFloatInt32Int16(t *testing.T) {
	var b opModel
	a := b.tensor(format.Float32, []int{2, 2}, 0, 0, nil)
	c := b.tensor(format.Float32, []int{}, 0, 0, f32bytes([]float32{1.5}))
	o := b.tensor(format.Float32, []int{2, 2}, 0, 0, nil)
	b.op("SUB", format.Options{Activation: format.ActRelu1}, []int32{a, c}, o)
	ip := b.run(t, f32bytes([]float32{0, 1, 2, 3}))
	if got := ip.Output(0).Float32(); !slices.Equal(got, []float32{-1, -0.5, 0.5, 1}) {
		t.Errorf("float SUB relu1: %v", got)
	}

	b = opModel{}
	a = b.tensor(format.Int32, []int{3}, 0, 0, nil)
	c = b.tensor(format.Int32, []int{3}, 0, 0, nil)
	o = b.tensor(format.Int32, []int{3}, 0, 0, nil)
	b.op("MUL", format.Options{Activation: format.ActRelu6}, []int32{a, c}, o)
	ip = b.run(t, i32bytes([]int32{-2, 2, 5}), i32bytes([]int32{3, 2, 5}))
	if got := ip.Output(0).Int32(); !slices.Equal(got, []int32{0, 4, 6}) {
		t.Errorf("int32 MUL relu6: %v", got)
	}

	b = opModel{}
	a = b.tensor(format.Int16, []int{4}, 0.25, 0, nil)
	c = b.tensor(format.Int16, []int{4}, 0.5, 0, nil)
	o = b.tensor(format.Int16, []int{4}, 1, 0, nil)
	b.op("ADD", format.Options{PotScaleInt16: true}, []int32{a, c}, o)
	// TFLite Micro's add_test.cc QuantizedAddNoActivationInt16.
	ip = b.run(t, i16bytes([]int16{-8, -4, 0, 4}), i16bytes([]int16{2, 4, 6, 8}))
	if got := ip.Output(0).Int16(); !slices.Equal(got, []int16{-1, 1, 3, 5}) {
		t.Errorf("int16 ADD: %v", got)
	}
}

func TestBinaryOpsErrors(t *testing.T) {
	build := func(outShape []int, outType format.DType, perChannel bool) *opModel {
		var b opModel
		a := b.tensor(format.Int8, []int{2, 3}, 0.1, 0, nil)
		c := b.tensor(format.Int8, []int{3}, 0.1, 0, nil)
		o := b.tensor(outType, outShape, 0.1, 0, nil)
		if perChannel {
			b.m.Tensors[c].Quant = &format.Quantization{Scale: []float32{0.1, 0.2, 0.3}, ZeroPoint: []int64{0, 0, 0}}
		}
		return b.op("ADD", format.Options{}, []int32{a, c}, o)
	}
	build([]int{2, 2}, format.Int8, false).loadErr(t, "shape")
	build([]int{2, 3}, format.Int16, false).loadErr(t, "type")
	build([]int{2, 3}, format.Int8, true).loadErr(t, "per-tensor")
	b := build([]int{2, 3}, format.Int8, false)
	b.m.Operators[0].Options.Activation = format.ActTanh
	b.loadErr(t, "activation")
	b = build([]int{2, 3}, format.Int8, false)
	b.m.Tensors[2].Quant.Scale[0] = 1e-9 // output scale too small for ADD's rescaling
	b.loadErr(t, "multiplier")
	var m opModel
	a := m.tensor(format.Int8, []int{2}, 0.1, 0, nil)
	c := m.tensor(format.Int8, []int{3}, 0.1, 0, nil)
	o := m.tensor(format.Int8, []int{3}, 0.1, 0, nil)
	m.op("MUL", format.Options{}, []int32{a, c}, o).loadErr(t, "broadcast")
}
