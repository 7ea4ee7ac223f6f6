package quantize

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

// tinyCNN builds a small float model with every kind of quantization
// rule in it: CONV_2D 3×3 (ReLU) → MAX_POOL_2D → DEPTHWISE_CONV_2D →
// ADD (constant) → RESHAPE → FULLY_CONNECTED → SOFTMAX.
func tinyCNN(seed uint64) *format.Model {
	r := rand.New(rand.NewPCG(seed, 7))
	m := &format.Model{Version: format.Version, Buffers: [][]byte{nil}}
	tensor := func(name string, shape []int32, data []float32) int32 {
		t := format.Tensor{Name: name, Type: format.Float32, Shape: shape, Buffer: -1, Source: int32(len(m.Tensors))}
		if data != nil {
			b := make([]byte, 4*len(data))
			for i, v := range data {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
			}
			t.Buffer = int32(len(m.Buffers))
			m.Buffers = append(m.Buffers, b)
		}
		m.Tensors = append(m.Tensors, t)
		return int32(len(m.Tensors) - 1)
	}
	randn := func(n int, scale float64) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64() * scale)
		}
		return x
	}
	in := tensor("input", []int32{1, 8, 8, 2}, nil)
	w1 := tensor("conv/w", []int32{6, 3, 3, 2}, randn(6*9*2, 0.3))
	b1 := tensor("conv/b", []int32{6}, randn(6, 0.1))
	c1 := tensor("conv/out", []int32{1, 8, 8, 6}, nil)
	p1 := tensor("pool/out", []int32{1, 4, 4, 6}, nil)
	w2 := tensor("dw/w", []int32{1, 3, 3, 6}, randn(9*6, 0.4))
	b2 := tensor("dw/b", []int32{6}, randn(6, 0.1))
	d2 := tensor("dw/out", []int32{1, 4, 4, 6}, nil)
	k := tensor("add/const", []int32{1, 1, 1, 6}, randn(6, 0.5))
	a2 := tensor("add/out", []int32{1, 4, 4, 6}, nil)
	sh := len(m.Tensors)
	m.Tensors = append(m.Tensors, format.Tensor{Name: "shape", Type: format.Int32, Shape: []int32{2}, Buffer: int32(len(m.Buffers)), Source: int32(sh)})
	m.Buffers = append(m.Buffers, []byte{1, 0, 0, 0, 96, 0, 0, 0})
	rs := tensor("flat", []int32{1, 96}, nil)
	w3 := tensor("fc/w", []int32{5, 96}, randn(5*96, 0.15))
	b3 := tensor("fc/b", []int32{5}, randn(5, 0.1))
	f3 := tensor("logits", []int32{1, 5}, nil)
	out := tensor("probs", []int32{1, 5}, nil)
	m.Operators = []format.Operator{
		{Op: "CONV_2D", Inputs: []int32{in, w1, b1}, Outputs: []int32{c1}, Options: format.Options{Padding: format.PadSame, StrideW: 1, StrideH: 1, DilationW: 1, DilationH: 1, Activation: format.ActRelu}},
		{Op: "MAX_POOL_2D", Inputs: []int32{c1}, Outputs: []int32{p1}, Options: format.Options{Padding: format.PadValid, StrideW: 2, StrideH: 2, FilterW: 2, FilterH: 2}},
		{Op: "DEPTHWISE_CONV_2D", Inputs: []int32{p1, w2, b2}, Outputs: []int32{d2}, Options: format.Options{Padding: format.PadSame, StrideW: 1, StrideH: 1, DilationW: 1, DilationH: 1, DepthMultiplier: 1}},
		{Op: "ADD", Inputs: []int32{d2, k}, Outputs: []int32{a2}, Options: format.Options{Activation: format.ActRelu6}},
		{Op: "RESHAPE", Inputs: []int32{a2, int32(sh)}, Outputs: []int32{rs}, Options: format.Options{NewShape: []int32{1, 96}}},
		{Op: "FULLY_CONNECTED", Inputs: []int32{rs, w3, b3}, Outputs: []int32{f3}},
		{Op: "SOFTMAX", Inputs: []int32{f3}, Outputs: []int32{out}, Options: format.Options{Beta: 1}},
	}
	m.Inputs, m.Outputs = []int32{in}, []int32{out}
	return m
}

// randomSamples returns n inputs of size per, uniform in [lo, hi).
func randomSamples(n, per int, lo, hi float32, seed uint64) Samples {
	r := rand.New(rand.NewPCG(seed, 9))
	x := make([]float32, n*per)
	for i := range x {
		x[i] = lo + (hi-lo)*r.Float32()
	}
	return SingleInput(x, n)
}

func tinyData(n int, seed uint64) Samples { return randomSamples(n, 8*8*2, -1, 1, seed) }

// checkConventions checks that a static model follows TFLite's integer
// quantization conventions, which the runtime's TFLite-exact kernels assume.
func checkConventions(t *testing.T, m *format.Model, act format.DType) {
	t.Helper()
	param := func(ti int32) (float32, int64) {
		q := m.Tensors[ti].Quant
		if q == nil || len(q.Scale) != 1 {
			t.Fatalf("tensor %d (%s) is not quantized per tensor: %+v", ti, m.Tensors[ti].Name, q)
		}
		return q.Scale[0], q.ZeroPoint[0]
	}
	for i, ti := range m.Inputs {
		if m.Tensors[ti].Type != act {
			t.Errorf("input %d is %s, want %s", i, m.Tensors[ti].Type, act)
		}
	}
	for i, op := range m.Operators {
		out := op.Outputs[0]
		if m.Tensors[out].Type != act {
			t.Errorf("op %d (%s) output is %s", i, op.Op, m.Tensors[out].Type)
			continue
		}
		os, oz := param(out)
		if act == format.Int16 && oz != 0 {
			t.Errorf("op %d (%s): int16 zero point %d", i, op.Op, oz)
		}
		switch op.Op {
		case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED":
			is, _ := param(op.Inputs[0])
			w := m.Tensors[op.Inputs[1]]
			if w.Type != format.Int8 {
				t.Errorf("op %d: weights are %s", i, w.Type)
			}
			for _, z := range w.Quant.ZeroPoint {
				if z != 0 {
					t.Errorf("op %d: weight zero point %d", i, z)
				}
			}
			wantAxis := map[string]int32{"CONV_2D": 0, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 0}[op.Op]
			if len(w.Quant.Scale) > 1 && w.Quant.Axis != wantAxis {
				t.Errorf("op %d: weight axis %d, want %d", i, w.Quant.Axis, wantAxis)
			}
			b := m.Tensors[op.Inputs[2]]
			wantBias := format.Int32
			if act == format.Int16 {
				wantBias = format.Int64
			}
			if b.Type != wantBias || b.Quant == nil {
				t.Fatalf("op %d: bias is %s %+v", i, b.Type, b.Quant)
			}
			for c, bs := range b.Quant.Scale {
				ws := w.Quant.Scale[min(c, len(w.Quant.Scale)-1)]
				if math.Abs(float64(bs-is*ws)) > 1e-6*float64(bs) || b.Quant.ZeroPoint[c] != 0 {
					t.Errorf("op %d: bias scale %d = %v, want input × weight = %v", i, c, bs, is*ws)
				}
			}
		case "MAX_POOL_2D", "AVERAGE_POOL_2D", "RESHAPE", "PAD":
			is, iz := param(op.Inputs[0])
			if is != os || iz != oz {
				t.Errorf("op %d (%s): output (%v, %d) differs from input (%v, %d)", i, op.Op, os, oz, is, iz)
			}
		case "SOFTMAX", "LOGISTIC":
			if act == format.Int8 && (os != 1.0/256 || oz != -128) {
				t.Errorf("op %d (%s): output (%v, %d), want (1/256, -128)", i, op.Op, os, oz)
			}
			if act == format.Int16 && os != 1.0/32768 {
				t.Errorf("op %d (%s): output (%v, %d), want (1/32768, 0)", i, op.Op, os, oz)
			}
		case "TANH":
			if act == format.Int8 && (os != 1.0/128 || oz != 0) {
				t.Errorf("op %d (%s): output (%v, %d), want (1/128, 0)", i, op.Op, os, oz)
			}
			if act == format.Int16 && os != 1.0/32768 {
				t.Errorf("op %d (%s): output (%v, %d), want (1/32768, 0)", i, op.Op, os, oz)
			}
		}
		if op.Options.Activation == format.ActRelu || op.Options.Activation == format.ActRelu6 {
			// ReLU outputs start at 0: the zero point is the lowest value.
			if act == format.Int8 && oz != -128 {
				t.Errorf("op %d (%s): ReLU output zero point %d, want -128", i, op.Op, oz)
			}
		}
	}
}

func TestStaticTinyCNN(t *testing.T) {
	src := tinyCNN(1)
	calib, test := tinyData(64, 1), tinyData(100, 2)
	for _, method := range append(Methods, MethodAuto) {
		t.Run(string(method), func(t *testing.T) {
			qm, rep, err := Quantize(src, calib, Options{Method: method, BiasCorrection: true, AutoSamples: 32})
			if err != nil {
				t.Fatal(err)
			}
			checkConventions(t, qm, format.Int8)
			if len(rep.Layers) != 3 || len(rep.Tensors) != 8 {
				t.Errorf("report has %d layers and %d tensors", len(rep.Layers), len(rep.Tensors))
			}
			if qm.Meta.QuantMethod != "static" || !strings.Contains(qm.Meta.Calibration, "64 samples") {
				t.Errorf("metadata %+v", qm.Meta)
			}
			res, err := Evaluate(qm, test, EvalOptions{Ref: src, Layers: true})
			if err != nil {
				t.Fatal(err)
			}
			if *res.Agreement < 0.9 || *res.SQNR < 15 {
				t.Errorf("agreement %.3f, SQNR %.1f dB", *res.Agreement, *res.SQNR)
			}
			if len(res.Layers) != 8 {
				t.Errorf("%d layers in the SQNR table, want 8 (input + 7 ops)", len(res.Layers))
			}
			for _, l := range res.Layers {
				if l.SQNR < 10 {
					t.Errorf("layer %s: SQNR %.1f dB", l.Name, l.SQNR)
				}
			}
			// The source model is untouched.
			if src.Tensors[0].Type != format.Float32 || src.Tensors[1].Type != format.Float32 {
				t.Fatal("Quantize modified its input model")
			}
			if _, err := format.Encode(qm); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestStatic16x8TinyCNN(t *testing.T) {
	src := tinyCNN(13)
	for _, floatIO := range []bool{false, true} {
		qm, rep, err := Quantize(src, tinyData(64, 13), Options{Activations: format.Int16, BiasCorrection: true, FloatIO: floatIO, AutoSamples: 16})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Activations != "int16" {
			t.Errorf("report says %s activations", rep.Activations)
		}
		if !floatIO {
			checkConventions(t, qm, format.Int16)
		}
		// The SOFTMAX is int16 in and out: no QUANTIZE but the float
		// input's.
		for i, op := range qm.Operators {
			if op.Op == "QUANTIZE" && qm.Tensors[op.Inputs[0]].Type != format.Float32 {
				t.Errorf("op %d: QUANTIZE from %s", i, qm.Tensors[op.Inputs[0]].Type)
			}
			if op.Op == "SOFTMAX" && (qm.Tensors[op.Inputs[0]].Type != format.Int16 || qm.Tensors[op.Outputs[0]].Type != format.Int16) {
				t.Errorf("op %d: SOFTMAX from %s to %s, want int16 to int16", i, qm.Tensors[op.Inputs[0]].Type, qm.Tensors[op.Outputs[0]].Type)
			}
		}
		res, err := Evaluate(qm, tinyData(100, 14), EvalOptions{Ref: src, Layers: true})
		if err != nil {
			t.Fatal(err)
		}
		if *res.Agreement < 0.95 || *res.SQNR < 20 {
			t.Errorf("16x8 (float I/O %v): agreement %.3f, SQNR %.1f dB", floatIO, *res.Agreement, *res.SQNR)
		}
		// int16 activations are far finer than int8: every int16 layer,
		// the softmax's probabilities included, keeps more than 35 dB.
		for _, l := range res.Layers {
			if l.Type == "int16" && l.SQNR < 35 {
				t.Errorf("16x8 layer %s: SQNR %.1f dB", l.Name, l.SQNR)
			}
		}
	}
}

func TestStaticFloatIO(t *testing.T) {
	src := tinyCNN(3)
	calib := tinyData(32, 3)
	opt := Options{Method: MethodMinMax}
	q8, _, err := Quantize(src, calib, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.FloatIO = true
	qf, _, err := Quantize(src, calib, opt)
	if err != nil {
		t.Fatal(err)
	}
	if qf.Tensors[qf.Inputs[0]].Type != format.Float32 || qf.Tensors[qf.Outputs[0]].Type != format.Float32 {
		t.Fatal("float I/O model has integer inputs or outputs")
	}
	if qf.Operators[0].Op != "QUANTIZE" || qf.Operators[len(qf.Operators)-1].Op != "DEQUANTIZE" {
		t.Fatal("no QUANTIZE/DEQUANTIZE at the boundary")
	}
	// Both give the same integer results: QUANTIZE rounds as SetInput does.
	a, b := mustLoad(t, q8), mustLoad(t, qf)
	test := tinyData(20, 4)
	for i := 0; i < test.Len(); i++ {
		for _, ip := range []*runtime.Interpreter{a, b} {
			if err := setInputs(ip, test, i); err != nil {
				t.Fatal(err)
			}
			if err := ip.Invoke(); err != nil {
				t.Fatal(err)
			}
		}
		x, y := Values(a.Output(0), nil), Values(b.Output(0), nil)
		for j := range x {
			if x[j] != y[j] {
				t.Fatalf("sample %d: int8 I/O %v, float I/O %v", i, x, y)
			}
		}
	}
}

func mustLoad(t *testing.T, m *format.Model) *runtime.Interpreter {
	t.Helper()
	ip, err := runtime.LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	return ip
}

func TestStaticPerTensorAndPerChannelFC(t *testing.T) {
	src := tinyCNN(5)
	qm, _, err := Quantize(src, tinyData(32, 5), Options{Method: MethodMSE, PerTensor: true, PerChannelFC: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range qm.Operators {
		if len(op.Inputs) < 2 || op.Inputs[1] < 0 || qm.Tensors[op.Inputs[1]].Type != format.Int8 {
			continue
		}
		n := len(qm.Tensors[op.Inputs[1]].Quant.Scale)
		switch op.Op {
		case "CONV_2D", "DEPTHWISE_CONV_2D":
			if n != 1 {
				t.Errorf("%s: %d weight scales with PerTensor", op.Op, n)
			}
		case "FULLY_CONNECTED":
			if n != 5 {
				t.Errorf("FC: %d weight scales with PerChannelFC", n)
			}
		}
	}
	checkConventions(t, qm, format.Int8)
	mustLoad(t, qm)
}

func TestDynamicTinyCNN(t *testing.T) {
	src := tinyCNN(6)
	qm, rep, err := Quantize(src, nil, Options{Mode: ModeDynamic})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Layers) != 3 || qm.Meta.QuantMethod != "dynamic" {
		t.Fatalf("report %+v, meta %+v", rep, qm.Meta)
	}
	for _, op := range qm.Operators {
		switch op.Op {
		case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED":
			if qm.Tensors[op.Inputs[1]].Type != format.Int8 || qm.Tensors[op.Inputs[2]].Type != format.Float32 || qm.Tensors[op.Inputs[0]].Type != format.Float32 {
				t.Errorf("%s: input/weights/bias %s/%s/%s", op.Op, qm.Tensors[op.Inputs[0]].Type, qm.Tensors[op.Inputs[1]].Type, qm.Tensors[op.Inputs[2]].Type)
			}
		}
	}
	res, err := Evaluate(qm, tinyData(100, 7), EvalOptions{Ref: src})
	if err != nil {
		t.Fatal(err)
	}
	if *res.Agreement < 0.95 || *res.SQNR < 25 {
		t.Errorf("dynamic: agreement %.3f, SQNR %.1f dB", *res.Agreement, *res.SQNR)
	}
	if fb, qb := WeightBytes(src), WeightBytes(qm); float64(qb) > 0.35*float64(fb) {
		t.Errorf("weights %d -> %d bytes", fb, qb)
	}
}

func TestWeightsOnlyTinyCNN(t *testing.T) {
	src := tinyCNN(8)
	qm, _, err := Quantize(src, nil, Options{Mode: ModeWeights})
	if err != nil {
		t.Fatal(err)
	}
	deq := 0
	for _, op := range qm.Operators {
		if op.Op == "DEQUANTIZE" {
			deq++
			in := qm.Tensors[op.Inputs[0]]
			if in.Buffer < 0 || in.Type != format.Int8 {
				t.Errorf("DEQUANTIZE of a non-constant %s", in.Name)
			}
		}
	}
	if deq != 3 {
		t.Fatalf("%d DEQUANTIZE ops, want 3", deq)
	}
	folded := foldConstants(t, qm)
	res, err := Evaluate(folded, tinyData(100, 9), EvalOptions{Ref: src})
	if err != nil {
		t.Fatal(err)
	}
	if *res.Agreement < 0.97 || *res.SQNR < 30 {
		t.Errorf("weight-only: agreement %.3f, SQNR %.1f dB", *res.Agreement, *res.SQNR)
	}
}

// TestWeightsOnlyRuns checks the runtime folds DEQUANTIZE of a constant at
// load, which weight-only models need.
func TestWeightsOnlyRuns(t *testing.T) {
	qm, _, err := Quantize(tinyCNN(10), nil, Options{Mode: ModeWeights})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.LoadModel(qm); err != nil {
		t.Fatalf("the runtime does not load a weight-only model: %v", err)
	}
}

func TestBiasShiftMatchesBruteForce(t *testing.T) {
	src := tinyCNN(11)
	data := tinyData(8, 11)
	cal, err := Calibrate(src, data, CalibrateOptions{Bins: -1})
	if err != nil {
		t.Fatal(err)
	}
	// Brute force for the CONV_2D (op 0): mean over samples and pixels of
	// Σ Δw·x, taps outside the input counting 0.
	w, _ := floatData(src, src.Operators[0].Inputs[1])
	wq := make([]float32, len(w))
	r := rand.New(rand.NewPCG(1, 1))
	for i, v := range w {
		wq[i] = v + float32(r.NormFloat64()*0.01)
	}
	shift := biasShift("CONV_2D", w, wq, src.Tensors[src.Operators[0].Inputs[1]].Shape, cal.patches[0].mean(), src.Tensors[0].Shape)
	want := make([]float64, 6)
	for s := 0; s < data.Len(); s++ {
		x := data.Sample(s)[0]
		for y := 0; y < 8; y++ {
			for xo := 0; xo < 8; xo++ {
				for oc := 0; oc < 6; oc++ {
					for ky := 0; ky < 3; ky++ {
						for kx := 0; kx < 3; kx++ {
							iy, ix := y-1+ky, xo-1+kx
							if iy < 0 || iy >= 8 || ix < 0 || ix >= 8 {
								continue
							}
							for ic := 0; ic < 2; ic++ {
								j := ((oc*3+ky)*3+kx)*2 + ic
								want[oc] += float64(wq[j]-w[j]) * float64(x[(iy*8+ix)*2+ic])
							}
						}
					}
				}
			}
		}
	}
	for oc := range want {
		want[oc] /= float64(data.Len() * 64)
		if math.Abs(shift[oc]-want[oc]) > 1e-6 {
			t.Fatalf("channel %d: shift %v, brute force %v", oc, shift[oc], want[oc])
		}
	}
}

// TestBiasCorrectionReducesShift checks that bias correction brings the
// mean of each logit of the dynamic model closer to the float model's, for
// inputs whose mean is far from zero (where weight rounding shifts means).
func TestBiasCorrectionReducesShift(t *testing.T) {
	src := tinyCNN(12)
	data := randomSamples(200, 128, 0, 1, 12)
	logits := func(m *format.Model) *format.Model {
		c := clone(m)
		c.Outputs = []int32{14} // "logits", before the softmax
		return c
	}
	ref := mustCollect(t, logits(src), data)
	meanErr := func(bc bool) float64 {
		qm, _, err := Quantize(src, data, Options{Mode: ModeDynamic, PerTensor: true, BiasCorrection: bc})
		if err != nil {
			t.Fatal(err)
		}
		q := mustCollect(t, logits(qm), data)
		var e float64
		for j := range ref[0] {
			var d float64
			for i := range ref {
				d += float64(q[i][j] - ref[i][j])
			}
			e += math.Abs(d / float64(len(ref)))
		}
		return e
	}
	without, with := meanErr(false), meanErr(true)
	t.Logf("summed |mean logit error|: %.5f without bias correction, %.5f with", without, with)
	if with >= without {
		t.Errorf("bias correction did not reduce the mean output shift")
	}
}

func mustCollect(t *testing.T, m *format.Model, data Samples) [][]float32 {
	t.Helper()
	out, err := collectOutputs(m, data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// foldConstants returns a copy of m in which every DEQUANTIZE of a constant
// is replaced by the float constant it computes, as a runtime that
// dequantizes at load would run the model.
func foldConstants(t testing.TB, m *format.Model) *format.Model {
	t.Helper()
	c := clone(m)
	var ops []format.Operator
	for _, op := range c.Operators {
		if op.Op != "DEQUANTIZE" || !isConst(c, op.Inputs[0]) {
			ops = append(ops, op)
			continue
		}
		in := c.Tensors[op.Inputs[0]]
		raw := c.Buffers[in.Buffer]
		q := make([]int8, len(raw))
		for i, b := range raw {
			q[i] = int8(b)
		}
		axis := -1
		if len(in.Quant.Scale) > 1 {
			axis = int(in.Quant.Axis)
		}
		f := dequantizeWeights(q, in.Shape, axis, in.Quant.Scale)
		setConst(c, op.Outputs[0], format.Float32, float32Bytes(f), nil)
	}
	c.Operators = ops
	compactBuffers(c)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}
