package runtime

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/internal/shareddata"
)

// hybridFloatTwin returns a copy of m in which every int8 constant that
// feeds a float operator (the hybrid weights) is replaced by its float
// values: the float model the hybrid kernels approximate.
func hybridFloatTwin(t *testing.T, m *format.Model) *format.Model {
	t.Helper()
	c := *m
	c.Tensors = slices.Clone(m.Tensors)
	c.Buffers = slices.Clone(m.Buffers)
	for i := range c.Tensors {
		ft := &c.Tensors[i]
		if ft.Type != format.Int8 || ft.Buffer < 0 || ft.Quant == nil {
			continue
		}
		q := ft.Quant
		raw := m.Buffers[ft.Buffer]
		inner, channels := 1, len(q.Scale)
		if channels > 1 {
			for _, d := range ft.Shape[q.Axis+1:] {
				inner *= int(d)
			}
		}
		f := make([]byte, 4*len(raw))
		for k, b := range raw {
			ch := k / inner % channels
			v := float32(int32(int8(b))-int32(q.ZeroPoint[ch])) * q.Scale[ch]
			binary.LittleEndian.PutUint32(f[4*k:], math.Float32bits(v))
		}
		ft.Type, ft.Quant, ft.Buffer = format.Float32, nil, int32(len(c.Buffers))
		c.Buffers = append(c.Buffers, f)
	}
	return &c
}

func hybridArgmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// TestHybridKWS runs MLPerf Tiny's dynamic-range KWS model (float
// activations, int8 CONV_2D weights) on the KWS conformance inputs,
// dequantized, and checks it against the same network with float weights.
func TestHybridKWS(t *testing.T) {
	src, err := os.ReadFile(shareddata.Path(t, "models", "kws_ref_model_float32.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := tflite.Import(src)
	if err != nil {
		t.Fatal(err)
	}
	hybrid := 0
	for _, op := range m.Operators {
		if len(op.Inputs) > 1 && m.Tensors[op.Inputs[1]].Type == format.Int8 && m.Tensors[op.Inputs[0]].Type == format.Float32 {
			hybrid++
		}
	}
	if hybrid == 0 {
		t.Fatal("the KWS float32 model has no hybrid operators")
	}
	ip, err := LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := LoadModel(hybridFloatTwin(t, m))
	if err != nil {
		t.Fatal(err)
	}
	// The int8 KWS model's input quantization maps its conformance inputs
	// to the features the float model takes.
	const inScale, inZero = 0.5847029089927673, 83
	dir := shareddata.Path(t, "conformance", "kws_ref_model", "inputs")
	files, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
	if len(files) == 0 {
		t.Skip("no KWS conformance inputs")
	}
	agree := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []*Interpreter{ip, ref} {
			x := p.Input(0).Float32()
			if len(x) != len(raw) {
				t.Fatalf("%s: %d values for an input of %d", f, len(raw), len(x))
			}
			for i, b := range raw {
				x[i] = inScale * float32(int32(int8(b))-inZero)
			}
			if err := p.Invoke(); err != nil {
				t.Fatal(err)
			}
		}
		got, want := ip.Output(0).Float32(), ref.Output(0).Float32()
		maxDiff := 0.0
		for i := range got {
			maxDiff = math.Max(maxDiff, math.Abs(float64(got[i]-want[i])))
		}
		if maxDiff > 0.05 {
			t.Errorf("%s: hybrid %v, float weights %v (max difference %.3g)", filepath.Base(f), got, want, maxDiff)
		}
		if hybridArgmax(got) == hybridArgmax(want) {
			agree++
		}
		t.Logf("%s: class %d (p %.3f) vs %d (p %.3f), max |Δp| %.4f", filepath.Base(f), hybridArgmax(got), got[hybridArgmax(got)], hybridArgmax(want), want[hybridArgmax(want)], maxDiff)
	}
	if agree < len(files)-1 {
		t.Errorf("top-1 agrees on %d of %d inputs", agree, len(files))
	}
	if n := testing.AllocsPerRun(5, func() { ip.Invoke() }); n != 0 {
		t.Errorf("hybrid Invoke allocates %v times", n)
	}
}

// hybridModel builds input [batch, depth] → FULLY_CONNECTED (int8 weights,
// float bias) → output, optionally with the weights behind a DEQUANTIZE.
func hybridModel(batch, depth, units int, w []int8, scales []float32, bias []float32, viaDequantize bool) *format.Model {
	m := &format.Model{Version: format.Version}
	wb := make([]byte, len(w))
	for i, v := range w {
		wb[i] = byte(v)
	}
	bb := make([]byte, 4*len(bias))
	for i, v := range bias {
		binary.LittleEndian.PutUint32(bb[4*i:], math.Float32bits(v))
	}
	m.Buffers = [][]byte{nil, wb, bb}
	q := &format.Quantization{Scale: scales, ZeroPoint: make([]int64, len(scales))}
	m.Tensors = []format.Tensor{
		{Name: "in", Type: format.Float32, Shape: []int32{int32(batch), int32(depth)}, Buffer: -1},
		{Name: "w", Type: format.Int8, Shape: []int32{int32(units), int32(depth)}, Buffer: 1, Quant: q},
		{Name: "b", Type: format.Float32, Shape: []int32{int32(units)}, Buffer: 2},
		{Name: "out", Type: format.Float32, Shape: []int32{int32(batch), int32(units)}, Buffer: -1},
	}
	fc := format.Operator{Op: "FULLY_CONNECTED", Inputs: []int32{0, 1, 2}, Outputs: []int32{3}, Options: format.Options{Activation: format.ActRelu}}
	if viaDequantize {
		m.Tensors = append(m.Tensors, format.Tensor{Name: "w_float", Type: format.Float32, Shape: m.Tensors[1].Shape, Buffer: -1})
		fc.Inputs[1] = 4
		m.Operators = append(m.Operators, format.Operator{Op: "DEQUANTIZE", Inputs: []int32{1}, Outputs: []int32{4}})
	}
	m.Operators = append(m.Operators, fc)
	m.Inputs, m.Outputs = []int32{0}, []int32{3}
	return m
}

func TestHybridFCOp(t *testing.T) {
	w := []int8{10, -20, 30, 127, 0, -127}
	for _, asym := range []bool{false, true} {
		m := hybridModel(2, 3, 2, w, []float32{0.01, 0.02}, []float32{0.5, -0.25}, false)
		m.Operators[0].Options.AsymmetricQuantizeInputs = asym
		ip, err := LoadModel(m)
		if err != nil {
			t.Fatal(err)
		}
		copy(ip.Input(0).Float32(), []float32{1, 2, 3, -1, 0.5, 0.25})
		if err := ip.Invoke(); err != nil {
			t.Fatal(err)
		}
		in := []float32{1, 2, 3, -1, 0.5, 0.25}
		for b := 0; b < 2; b++ {
			for u := 0; u < 2; u++ {
				want := []float32{0.5, -0.25}[u]
				for d := 0; d < 3; d++ {
					want += float32(w[u*3+d]) * []float32{0.01, 0.02}[u] * in[b*3+d]
				}
				want = max(want, 0)
				if got := ip.Output(0).Float32()[b*2+u]; math.Abs(float64(got-want)) > 0.02 {
					t.Errorf("asym %v: out[%d][%d] = %v, want about %v", asym, b, u, got, want)
				}
			}
		}
		if n := testing.AllocsPerRun(5, func() { ip.Invoke() }); n != 0 {
			t.Errorf("Invoke allocates %v times", n)
		}
	}
}

func TestHybridOpErrors(t *testing.T) {
	w := []int8{1, 2, 3, 4, 5, 6}
	for name, mutate := range map[string]func(m *format.Model){
		"zero point": func(m *format.Model) { m.Tensors[1].Quant.ZeroPoint[0] = 3 },
		"no quant":   func(m *format.Model) { m.Tensors[1].Quant = nil },
		"scale count": func(m *format.Model) {
			m.Tensors[1].Quant.Scale = []float32{1, 2, 3}
			m.Tensors[1].Quant.ZeroPoint = []int64{0, 0, 0}
		},
		"bias length":  func(m *format.Model) { m.Tensors[2].Shape = []int32{1}; m.Buffers[2] = m.Buffers[2][:4] },
		"output shape": func(m *format.Model) { m.Tensors[3].Shape = []int32{2, 3} },
	} {
		m := hybridModel(2, 3, 2, w, []float32{0.1}, []float32{0, 0}, false)
		mutate(m)
		if _, err := LoadModel(m); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestConstDequantize(t *testing.T) {
	w := []int8{10, -20, 30, 127, 0, -127}
	scales := []float32{0.01, 0.02}
	m := hybridModel(1, 3, 2, w, scales, []float32{0.5, -0.25}, true)
	ip, err := LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ip.Plan() {
		if e.Tensor == 4 {
			t.Fatal("the dequantized weights were planned into the arena")
		}
	}
	if !ip.Tensor(4).Const {
		t.Fatal("the dequantized weights are not a constant")
	}
	wantW := []float32{0.1, -0.2, 0.3, 2.54, 0, -2.54}
	for i, v := range ip.Tensor(4).Float32() {
		if math.Abs(float64(v-wantW[i])) > 1e-6 {
			t.Fatalf("weights %v, want %v", ip.Tensor(4).Float32(), wantW)
		}
	}
	copy(ip.Input(0).Float32(), []float32{1, 2, 3})
	if err := ip.Invoke(); err != nil {
		t.Fatal(err)
	}
	want := []float32{max(0.5+0.1-0.4+0.9, 0), max(-0.25+2.54-2.54*3, 0)}
	for i, v := range ip.Output(0).Float32() {
		if math.Abs(float64(v-want[i])) > 1e-5 {
			t.Fatalf("output %v, want %v", ip.Output(0).Float32(), want)
		}
	}
	// Per-channel scales along the wrong axis are refused.
	m = hybridModel(1, 3, 2, w, scales, []float32{0, 0}, true)
	m.Tensors[1].Quant.Axis = 1
	if _, err := LoadModel(m); err == nil {
		t.Fatal("scales along the wrong axis accepted")
	}
}

// TestConstDequantizeInt4 checks packed int4 weights: element 0 in the low
// nibble, sign-extended, scaled per output channel.
func TestConstDequantizeInt4(t *testing.T) {
	m := hybridModel(1, 3, 2, make([]int8, 6), []float32{0.5, 0.25}, []float32{0, 0}, true)
	m.Tensors[1].Type = format.Int4
	// Weights [[1, -2, 3], [7, 0, -8]]: nibbles 1, e, 3, 7, 0, 8.
	m.Buffers[1] = []byte{0xe1, 0x73, 0x80}
	ip, err := LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.5, -1, 1.5, 1.75, 0, -2}
	if got := ip.Tensor(4).Float32(); !slices.Equal(got, want) {
		t.Fatalf("int4 weights dequantized to %v, want %v", got, want)
	}
	copy(ip.Input(0).Float32(), []float32{1, 2, 3})
	if err := ip.Invoke(); err != nil {
		t.Fatal(err)
	}
	if got, want := ip.Output(0).Float32(), []float32{0.5 - 2 + 4.5, 0}; !slices.Equal(got, want) {
		t.Errorf("output %v, want %v", got, want)
	}
	// Any other op reading int4 directly is refused, naming the tensor.
	m = hybridModel(1, 3, 2, make([]int8, 6), []float32{0.5, 0.25}, []float32{0, 0}, false)
	m.Tensors[1].Type = format.Int4
	m.Buffers[1] = []byte{0xe1, 0x73, 0x80}
	if _, err := LoadModel(m); err == nil || !strings.Contains(err.Error(), "int4, which only DEQUANTIZE reads") {
		t.Errorf("FULLY_CONNECTED on int4 weights: err %v", err)
	}
}

// fc16x8Model builds int16 input [1, 3] → FULLY_CONNECTED (int8 weights,
// int64 bias) → int16 output [1, 2].
func fc16x8Model(inZero int64) *format.Model {
	bias := make([]byte, 16)
	binary.LittleEndian.PutUint64(bias[0:], uint64(1000))
	binary.LittleEndian.PutUint64(bias[8:], uint64(0xFFFFFFFFFFFFFC18)) // -1000
	m := &format.Model{Version: format.Version, Buffers: [][]byte{nil, {10, 0xEC, 30, 127, 0, 0x81}, bias}}
	m.Tensors = []format.Tensor{
		{Name: "in", Type: format.Int16, Shape: []int32{1, 3}, Buffer: -1, Quant: &format.Quantization{Scale: []float32{0.01}, ZeroPoint: []int64{inZero}}},
		{Name: "w", Type: format.Int8, Shape: []int32{2, 3}, Buffer: 1, Quant: &format.Quantization{Scale: []float32{0.02, 0.04}, ZeroPoint: []int64{0, 0}}},
		{Name: "b", Type: format.Int64, Shape: []int32{2}, Buffer: 2, Quant: &format.Quantization{Scale: []float32{0.0002, 0.0004}, ZeroPoint: []int64{0, 0}}},
		{Name: "out", Type: format.Int16, Shape: []int32{1, 2}, Buffer: -1, Quant: &format.Quantization{Scale: []float32{0.05}, ZeroPoint: []int64{0}}},
	}
	m.Operators = []format.Operator{{Op: "FULLY_CONNECTED", Inputs: []int32{0, 1, 2}, Outputs: []int32{3}}}
	m.Inputs, m.Outputs = []int32{0}, []int32{3}
	return m
}

func TestFC16x8Op(t *testing.T) {
	ip, err := LoadModel(fc16x8Model(0))
	if err != nil {
		t.Fatal(err)
	}
	copy(ip.Input(0).Int16(), []int16{100, -200, 300}) // 1, -2, 3
	if err := ip.Invoke(); err != nil {
		t.Fatal(err)
	}
	// Channel 0: (10·100 + (-20)(-200) + 30·300 + 1000)·0.01·0.02/0.05 = 15000·0.004 = 60.
	// Channel 1: (127·100 − 127·300 − 1000)·0.01·0.04/0.05 = -26400·0.008 = -211.2 → -211.
	if got := ip.Output(0).Int16(); got[0] != 60 || got[1] != -211 {
		t.Fatalf("output %v, want [60 -211]", got)
	}
	if n := testing.AllocsPerRun(5, func() { ip.Invoke() }); n != 0 {
		t.Errorf("Invoke allocates %v times", n)
	}
	if _, err := LoadModel(fc16x8Model(5)); err == nil {
		t.Fatal("int16 input with zero point 5 accepted")
	}
}
