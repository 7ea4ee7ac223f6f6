package runtime_test

import (
	"math"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

// FuzzElementwiseOps builds one-operator models of the elementwise,
// softmax, activation, quantize, reshape, concat, pad and mean ops from
// fuzzed shapes, types, quantization and options: Load may refuse them,
// but neither Load nor Invoke may panic, and Invoke may not allocate.
func FuzzElementwiseOps(f *testing.F) {
	f.Add(uint8(0), uint8(2), uint32(0x020304), uint32(0x000104), uint32(0x020304), uint16(100), uint16(200), uint16(300), int8(0), int8(1), int8(-2), int8(-1), uint8(0))
	f.Add(uint8(3), uint8(2), uint32(0x000405), uint32(0), uint32(0x000405), uint16(1000), uint16(1), uint16(128), int8(3), int8(0), int8(-128), int8(1), uint8(1))
	f.Add(uint8(10), uint8(1), uint32(0x010203), uint32(0x000201), uint32(0x030303), uint16(7), uint16(7), uint16(7), int8(0), int8(0), int8(0), int8(1), uint8(2))
	f.Add(uint8(14), uint8(1), uint32(0x02030404), uint32(0), uint32(0x02030404), uint16(20), uint16(0xfd), uint16(30), int8(5), int8(0), int8(-7), int8(0), uint8(0)) // LEAKY_RELU int8
	f.Add(uint8(15), uint8(1), uint32(0x02030404), uint32(0), uint32(0x02030404), uint16(20), uint16(0), uint16(30), int8(5), int8(0), int8(-7), int8(0), uint8(0))    // HARD_SWISH int8
	ops := []string{"ADD", "SUB", "MUL", "SOFTMAX", "RELU", "RELU6", "LOGISTIC", "TANH",
		"QUANTIZE", "DEQUANTIZE", "RESHAPE", "CONCATENATION", "PAD", "MEAN", "LEAKY_RELU", "HARD_SWISH"}
	types := []format.DType{format.Float32, format.Int8, format.Int16, format.Int32, format.UInt8, format.Int64}
	shape := func(v uint32) []int {
		n := int(v>>24) % 4
		s := make([]int, n)
		for i := range s {
			s[i] = int(v>>(8*i)) % 5
		}
		return s
	}
	scale := func(v uint16) float32 { return float32(math.Ldexp(float64(v%1000+1), int(v/1000)%20-25)) }
	f.Fuzz(func(t *testing.T, opi, ti uint8, sa, sb, so uint32, q1, q2, q3 uint16, z1, z2, z3, axis int8, flags uint8) {
		op := ops[int(opi)%len(ops)]
		typ := types[int(ti)%len(types)]
		outTyp := typ
		if flags&1 != 0 {
			outTyp = types[int(flags>>1)%len(types)]
		}
		var b opModel
		quant := func(d format.DType, q uint16, z int8) (float32, int64) {
			if d == format.Float32 || flags&0x80 != 0 && d == format.Int32 {
				return 0, 0
			}
			return scale(q), int64(z)
		}
		s1, zz1 := quant(typ, q1, z1)
		in := b.tensor(typ, shape(sa), s1, zz1, nil)
		inputs := []int32{in}
		switch op {
		case "ADD", "SUB", "MUL", "CONCATENATION":
			s2, zz2 := quant(typ, q2, z2)
			inputs = append(inputs, b.tensor(typ, shape(sb), s2, zz2, nil))
		case "RESHAPE", "MEAN":
			vals := make([]int32, len(shape(sb)))
			for i := range vals {
				vals[i] = int32(int8(sb>>(8*i))) % 6
			}
			inputs = append(inputs, b.tensor(format.Int32, []int{len(vals)}, 0, 0, i32bytes(vals)))
		case "PAD":
			r := len(shape(sa))
			vals := make([]int32, 2*r)
			for i := range vals {
				vals[i] = int32(sb>>(4*i)) % 4
			}
			inputs = append(inputs, b.tensor(format.Int32, []int{r, 2}, 0, 0, i32bytes(vals)))
		}
		s3, zz3 := quant(outTyp, q3, z3)
		if op == "SOFTMAX" && flags&2 != 0 {
			s3, zz3 = 1.0/256, -128
		}
		out := b.tensor(outTyp, shape(so), s3, zz3, nil)
		b.op(op, format.Options{
			Activation: format.Activation(flags % 5),
			Axis:       int32(axis),
			KeepDims:   flags&4 != 0,
			Beta:       float32(flags%3) * 0.5,
			Alpha:      float32(int8(q2)) / 16,
		}, inputs, out)
		ip, err := runtime.LoadModel(&b.m)
		if err != nil {
			// The interpreter turns a panic in prepare into this error as
			// a last line of defence; the ops must not rely on it.
			if strings.Contains(err.Error(), "invalid operator") {
				t.Fatalf("%s: prepare panicked: %v", op, err)
			}
			return
		}
		for i := 0; i < ip.NumInputs(); i++ {
			data := ip.Input(i).Bytes()
			for k := range data {
				data[k] = byte(k*37) ^ flags
			}
		}
		if err := ip.Invoke(); err != nil {
			t.Fatalf("%s: Invoke: %v", op, err)
		}
		if n := testing.AllocsPerRun(2, func() { _ = ip.Invoke() }); n != 0 {
			t.Fatalf("%s: Invoke allocates %v times", op, n)
		}
	})
}
