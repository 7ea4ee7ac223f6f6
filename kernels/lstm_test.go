package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TFLM's LSTM test model (testdata/lstm_test_data.cc, 2x3x2X2): 2 batches
// of 3 steps, 2 inputs, 2 units, tanh cell gate, cell clip 6, batch major,
// zero initial state; gate weights chosen to forget (large negative),
// remember (large positive) and stay in the sigmoid/tanh's linear range.
var (
	lstmGoldenShape = LSTMShape{Batches: 2, Steps: 3, InputSize: 2, StateSize: 2}
	lstmGoldenInput = []float32{
		0.2, 0.3, 0.2, 0.3, 0.2, 0.3, // batch one
		-0.98, 0.62, 0.01, 0.99, 0.49, -0.32, // batch two
	}
	lstmGoldenGates = [4]struct{ w, b []float32 }{ // forget, input, cell, output; input = recurrent weights
		{[]float32{-10, -10, -20, -20}, []float32{1, 2}},
		{[]float32{10, 10, 20, 20}, []float32{-1, -2}},
		{[]float32{1, 1, 1, 1}, []float32{0, 0}},
		{[]float32{1, 1, 1, 1}, []float32{0, 0}},
	}
	lstmGoldenOutput = []float32{
		0.26455893, 0.26870455, 0.47935803, 0.47937014, 0.58013272, 0.58013278,
		-1.41184672e-3, -1.43329117e-5, 0.46887168, 0.46891281, 0.50054074, 0.50054148,
	}
	lstmGoldenHidden = []float32{0.58013272, 0.58013278, 0.50054074, 0.50054148}
	lstmGoldenCell   = []float32{0.89740515, 0.8974053, 0.80327607, 0.80327785}
)

func TestLSTMFloatGolden(t *testing.T) {
	p := &LSTMFloatParams{LSTMShape: lstmGoldenShape, CellTanh: true, CellClip: 6}
	for i, g := range []*LSTMGateFloat{&p.Forget, &p.Input, &p.Cell, &p.Output} {
		g.InputWeights = lstmGoldenGates[i].w
		g.RecurrentWeights = lstmGoldenGates[i].w
		g.Bias = lstmGoldenGates[i].b
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	hidden, cell, out := make([]float32, 4), make([]float32, 4), make([]float32, 12)
	LSTMFloat(p, lstmGoldenInput, hidden, cell, out, make([]float32, LSTMFloatScratchLen(&p.LSTMShape)))
	for _, c := range []struct {
		name      string
		got, want []float32
	}{{"output", out, lstmGoldenOutput}, {"hidden", hidden, lstmGoldenHidden}, {"cell", cell, lstmGoldenCell}} {
		for i := range c.want {
			if math.Abs(float64(c.got[i]-c.want[i])) > 1e-6 {
				t.Errorf("%s[%d] = %g, want %g", c.name, i, c.got[i], c.want[i])
			}
		}
	}
}

// TestLSTMInt8Golden quantizes the same model with TFLM's
// Get2X2Int8LstmQuantizationSettings and checks the int8 outputs against
// the float golden values within two output steps (cell state within
// 1e-2: the quantized gates drift a little from the float ones).
func TestLSTMInt8Golden(t *testing.T) {
	const (
		inScale  = 0.00784313725490196
		hScale   = 0.004705882165580988
		hZp      = -21
		cellPow2 = 0.00024414062
	)
	wScales := [4]float32{0.15748031496062992, 0.15748031496062992, 0.007874015748031496, 0.007874015748031496}
	p := &LSTMInt8Params{LSTMShape: lstmGoldenShape, CellTanh: true}
	for i, g := range []*LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output} {
		w := convertInts[int8](quantizeTFLM(lstmGoldenGates[i].w, wScales[i], 0, -127, 127))
		bias := quantizeTFLM(lstmGoldenGates[i].b, inScale*wScales[i], 0, math.MinInt32, math.MaxInt32)
		g.InputWeights, g.RecurrentWeights = w, w
		g.InputBias = FoldLSTMBias(bias, w, 2, 0)
		g.RecurrentBias = FoldLSTMBias(nil, w, 2, hZp)
		g.InputMultiplier, g.InputShift = mustMultiplier(t)(LSTMGateMultiplier(inScale, wScales[i]))
		g.RecurrentMultiplier, g.RecurrentShift = mustMultiplier(t)(LSTMGateMultiplier(hScale, wScales[i]))
	}
	p.ForgetMul = mustMul(t)(NewLSTMMul(lstmActScale, cellPow2, cellPow2, 0, math.MinInt16, math.MaxInt16))
	p.InputMul = mustMul(t)(NewLSTMMul(lstmActScale, lstmActScale, cellPow2, 0, math.MinInt16, math.MaxInt16))
	p.HiddenMul = mustMul(t)(NewLSTMMul(lstmActScale, lstmActScale, hScale, hZp, math.MinInt8, math.MaxInt8))
	p.CellScalePower, p.CellClip, p.QuantizedClip = LSTMCellState(cellPow2, 6)
	if p.CellScalePower != -12 || !p.CellClip || p.QuantizedClip != 24576 {
		t.Fatalf("LSTMCellState = %d, %v, %d; want -12, true, 24576", p.CellScalePower, p.CellClip, p.QuantizedClip)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	in := convertInts[int8](quantizeTFLM(lstmGoldenInput, inScale, 0, -128, 127))
	hidden := []int8{hZp, hZp, hZp, hZp} // zero
	cell := make([]int16, 4)
	out := make([]int8, 12)
	LSTMInt8(p, in, hidden, cell, out, make([]int16, LSTMInt8ScratchLen(&p.LSTMShape)))
	for i, want := range lstmGoldenOutput {
		got := float64(int32(out[i])-hZp) * hScale
		if math.Abs(got-float64(want)) > 2*hScale {
			t.Errorf("output %d = %d (%g), want %g", i, out[i], got, want)
		}
	}
	for i, want := range lstmGoldenCell {
		if got := float64(cell[i]) * cellPow2; math.Abs(got-float64(want)) > 1e-2 {
			t.Errorf("cell %d = %d (%g), want %g", i, cell[i], got, want)
		}
	}
}

// lstmReference is TFLM's integer EvalLstm transcribed step by step
// (unfolded zero points, its buffer reuse), to check the folded kernel.
func lstmReference(p *LSTMInt8Params, inZp, hZp int32, bias [4][]int32, input, hidden []int8, cell []int16, output []int8) {
	nIn, nS := p.InputSize, p.StateSize
	rows := 1
	if p.TimeMajor {
		rows = p.Batches
	}
	fc := func(w []int8, k int, x []int8, zp int32, b []int32, mult int32, shift int, out []int16) {
		for r := range rows {
			for o := range nS {
				var acc int32
				for d := range k {
					acc += int32(w[o*k+d]) * (int32(x[r*k+d]) - zp)
				}
				if b != nil {
					acc += b[o]
				}
				v := MultiplyByQuantizedMultiplier(acc, mult, shift)
				out[r*nS+o] = int16(min(max(v, -32768), 32767))
			}
		}
	}
	gates := []*LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output}
	gate := func(gi int, x, h []int8, out []int16) {
		g := gates[gi]
		tmp := make([]int16, rows*nS)
		fc(g.InputWeights, nIn, x, inZp, bias[gi], g.InputMultiplier, g.InputShift, out)
		fc(g.RecurrentWeights, nS, h, hZp, nil, g.RecurrentMultiplier, g.RecurrentShift, tmp)
		for i := range out {
			out[i] = int16(min(max(int32(out[i])+int32(tmp[i]), -32768), 32767))
		}
		if gi == 2 && p.CellTanh {
			TanhInt16(SigmoidInt16Params{Multiplier: 3}, out, out)
		} else {
			LogisticInt16(SigmoidInt16Params{Multiplier: 3}, out, out)
		}
	}
	mul := func(m *LSTMMul, a, b []int16, out func(i int, v int32)) {
		for i := range a {
			v := m.ZeroPoint + MultiplyByQuantizedMultiplier(int32(a[i])*int32(b[i]), m.Multiplier, m.Shift)
			out(i, min(max(v, m.Min), m.Max))
		}
	}
	step := func(x, h []int8, c []int16, out []int8) {
		n := rows * nS
		f, in, g, o := make([]int16, n), make([]int16, n), make([]int16, n), make([]int16, n)
		gate(0, x, h, f)
		gate(1, x, h, in)
		gate(2, x, h, g)
		mul(&p.ForgetMul, f, c, func(i int, v int32) { c[i] = int16(v) })
		buf := make([]int16, n)
		mul(&p.InputMul, in, g, func(i int, v int32) { buf[i] = int16(v) })
		for i := range c {
			c[i] = int16(min(max(int32(c[i])+int32(buf[i]), -32768), 32767))
			if p.CellClip {
				c[i] = max(min(p.QuantizedClip, c[i]), -p.QuantizedClip)
			}
		}
		gate(3, x, h, o)
		th := make([]int16, n)
		TanhInt16(lstmTanhScale(p.CellScalePower), c, th)
		mul(&p.HiddenMul, th, o, func(i int, v int32) { h[i] = int8(v) })
		copy(out, h)
	}
	if p.TimeMajor {
		for t := range p.Steps {
			step(input[t*rows*nIn:(t+1)*rows*nIn], hidden, cell, output[t*rows*nS:(t+1)*rows*nS])
		}
		return
	}
	for b := range p.Batches {
		for t := range p.Steps {
			r := b*p.Steps + t
			step(input[r*nIn:(r+1)*nIn], hidden[b*nS:(b+1)*nS], cell[b*nS:(b+1)*nS], output[r*nS:(r+1)*nS])
		}
	}
}

func TestLSTMInt8MatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 30 {
		s := LSTMShape{Batches: 1 + rng.IntN(3), Steps: 1 + rng.IntN(6), InputSize: 1 + rng.IntN(30), StateSize: 1 + rng.IntN(24), TimeMajor: trial%2 == 1}
		lstmRandomCheck(t, rng, s, trial)
	}
}

// TestLSTMInt8LongRows runs gates whose rows are longer than a lane chunk
// (the lane-packed products split their sums), and the shape of
// trained_lstm_int8.
func TestLSTMInt8LongRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial, s := range []LSTMShape{
		{Batches: 1, Steps: 3, InputSize: 130, StateSize: 70},
		{Batches: 2, Steps: 2, InputSize: 64, StateSize: 65, TimeMajor: true},
		{Batches: 1, Steps: 28, InputSize: 28, StateSize: 20},
	} {
		lstmRandomCheck(t, rng, s, trial)
	}
}

// lstmRandomCheck builds a random integer LSTM of shape s and compares the
// kernel with lstmReference over the sequence.
func lstmRandomCheck(t *testing.T, rng *rand.Rand, s LSTMShape, trial int) {
	t.Helper()
	randInt8 := func(n int) []int8 {
		x := make([]int8, n)
		for i := range x {
			x[i] = int8(rng.IntN(256) - 128)
		}
		return x
	}
	inZp, hZp := rng.Int32N(256)-128, rng.Int32N(256)-128
	inScale, hScale := float32(0.002+0.02*rng.Float64()), float32(0.002+0.02*rng.Float64())
	cellPow := -11 - rng.IntN(5)
	cellScale := float32(math.Ldexp(1, cellPow))
	p := &LSTMInt8Params{LSTMShape: s, CellTanh: trial%5 != 0}
	var bias [4][]int32
	for gi, g := range []*LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output} {
		ws, rs := float32(0.001+0.02*rng.Float64()), float32(0.001+0.02*rng.Float64())
		g.InputWeights, g.RecurrentWeights = randInt8(s.StateSize*s.InputSize), randInt8(s.StateSize*s.StateSize)
		bias[gi] = make([]int32, s.StateSize)
		for i := range bias[gi] {
			bias[gi][i] = rng.Int32N(1<<16) - 1<<15
		}
		g.InputBias = FoldLSTMBias(bias[gi], g.InputWeights, s.InputSize, inZp)
		g.RecurrentBias = FoldLSTMBias(nil, g.RecurrentWeights, s.StateSize, hZp)
		g.InputMultiplier, g.InputShift = mustMultiplier(t)(LSTMGateMultiplier(inScale, ws))
		g.RecurrentMultiplier, g.RecurrentShift = mustMultiplier(t)(LSTMGateMultiplier(hScale, rs))
	}
	p.ForgetMul = mustMul(t)(NewLSTMMul(lstmActScale, cellScale, cellScale, 0, math.MinInt16, math.MaxInt16))
	p.InputMul = mustMul(t)(NewLSTMMul(lstmActScale, lstmActScale, cellScale, 0, math.MinInt16, math.MaxInt16))
	p.HiddenMul = mustMul(t)(NewLSTMMul(lstmActScale, lstmActScale, hScale, hZp, math.MinInt8, math.MaxInt8))
	clip := float32(0)
	if trial%3 == 0 {
		clip = float32(rng.Float64() * 4)
	}
	p.CellScalePower, p.CellClip, p.QuantizedClip = LSTMCellState(cellScale, clip)
	if p.CellScalePower != cellPow {
		t.Fatalf("LSTMCellState power %d, want %d", p.CellScalePower, cellPow)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	input := randInt8(s.Batches * s.Steps * s.InputSize)
	hGot, hWant := randInt8(s.Batches*s.StateSize), make([]int8, s.Batches*s.StateSize)
	copy(hWant, hGot)
	cGot, cWant := make([]int16, s.Batches*s.StateSize), make([]int16, s.Batches*s.StateSize)
	for i := range cGot {
		cGot[i] = int16(rng.IntN(1<<16) - 1<<15)
	}
	copy(cWant, cGot)
	got, want := make([]int8, s.Batches*s.Steps*s.StateSize), make([]int8, s.Batches*s.Steps*s.StateSize)
	LSTMInt8(p, input, hGot, cGot, got, make([]int16, LSTMInt8ScratchLen(&s)))
	lstmReference(p, inZp, hZp, bias, input, hWant, cWant, want)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("trial %d (%+v): output %d = %d, want %d", trial, s, i, got[i], want[i])
		}
	}
	for i := range cWant {
		if cGot[i] != cWant[i] || hGot[i] != hWant[i] {
			t.Fatalf("trial %d: state %d = (%d, %d), want (%d, %d)", trial, i, hGot[i], cGot[i], hWant[i], cWant[i])
		}
	}
}

func mustMultiplier(t *testing.T) func(int32, int, error) (int32, int) {
	return func(m int32, s int, err error) (int32, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m, s
	}
}

func mustMul(t *testing.T) func(LSTMMul, error) LSTMMul {
	return func(m LSTMMul, err error) LSTMMul {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
}

func TestLSTMMultiplierRange(t *testing.T) {
	if _, _, err := LSTMGateMultiplier(1e30, 1e30); err == nil {
		t.Error("infinite gate rescale accepted")
	}
	if _, err := NewLSTMMul(1, 1, 1e-30, 0, -128, 127); err == nil {
		t.Error("huge product rescale accepted")
	}
}

func TestLSTMTanhScale(t *testing.T) {
	for _, tt := range []struct {
		power int
		want  SigmoidInt16Params
	}{
		{-12, SigmoidInt16Params{Multiplier: 3}},
		{-11, SigmoidInt16Params{Multiplier: 6}},
		{-10, SigmoidInt16Params{Multiplier: 12}},
		{-13, SigmoidInt16Params{Multiplier: 3, LeftShift: 1}},
		{-15, SigmoidInt16Params{Multiplier: 3, LeftShift: 3}},
	} {
		if got := lstmTanhScale(tt.power); got != tt.want {
			t.Errorf("lstmTanhScale(%d) = %+v, want %+v", tt.power, got, tt.want)
		}
	}
}

func TestLSTMMul(t *testing.T) {
	// Q0.15 × Q0.15 into the cell's Q3.12: 0.5·0.5 = 0.25 = 1024.
	m := mustMul(t)(NewLSTMMul(lstmActScale, lstmActScale, lstmGateScale, 0, math.MinInt16, math.MaxInt16))
	if m.Multiplier != 1<<30 || m.Shift != -17 {
		t.Fatalf("NewLSTMMul = %+v, want multiplier 2^30, shift -17", m)
	}
	out := make([]int16, 2)
	mulInt16(&m, []int16{16384, -32768}, []int16{16384, 32767}, out)
	if out[0] != 1024 || out[1] != -4096 {
		t.Errorf("products = %v, want [1024 -4096]", out)
	}
	// Saturating add.
	addSatInt16([]int16{32000, -32000}, []int16{1000, -1000}, out)
	if out[0] != 32767 || out[1] != -32768 {
		t.Errorf("saturating sums = %v", out)
	}
}

func TestLSTMAllocs(t *testing.T) {
	s := LSTMShape{Batches: 2, Steps: 3, InputSize: 4, StateSize: 5}
	p := &LSTMInt8Params{LSTMShape: s}
	for _, g := range []*LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output} {
		g.InputWeights, g.RecurrentWeights = make([]int8, 20), make([]int8, 25)
		g.InputBias, g.RecurrentBias = make([]int32, 5), make([]int32, 5)
	}
	in, h, c, out := make([]int8, 24), make([]int8, 10), make([]int16, 10), make([]int8, 30)
	scratch := make([]int16, LSTMInt8ScratchLen(&s))
	if n := testing.AllocsPerRun(10, func() { LSTMInt8(p, in, h, c, out, scratch) }); n != 0 {
		t.Errorf("LSTMInt8 allocates %.0f times", n)
	}
	fp := &LSTMFloatParams{LSTMShape: s}
	for _, g := range []*LSTMGateFloat{&fp.Forget, &fp.Input, &fp.Cell, &fp.Output} {
		g.InputWeights, g.RecurrentWeights = make([]float32, 20), make([]float32, 25)
	}
	fin, fh, fc, fout := make([]float32, 24), make([]float32, 10), make([]float32, 10), make([]float32, 30)
	fs := make([]float32, LSTMFloatScratchLen(&s))
	if n := testing.AllocsPerRun(10, func() { LSTMFloat(fp, fin, fh, fc, fout, fs) }); n != 0 {
		t.Errorf("LSTMFloat allocates %.0f times", n)
	}
}

func BenchmarkLSTMInt8(b *testing.B) {
	// trained_lstm_int8: 28 steps of 28 inputs, 20 units.
	s := LSTMShape{Batches: 1, Steps: 28, InputSize: 28, StateSize: 20}
	p := &LSTMInt8Params{LSTMShape: s, CellTanh: true}
	for _, g := range []*LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output} {
		g.InputWeights, g.RecurrentWeights = make([]int8, 20*28), make([]int8, 20*20)
		g.InputBias, g.RecurrentBias = make([]int32, 20), make([]int32, 20)
		g.InputMultiplier, g.RecurrentMultiplier = 1<<30, 1<<30
	}
	in, h, c, out := make([]int8, 28*28), make([]int8, 20), make([]int16, 20), make([]int8, 28*20)
	scratch := make([]int16, LSTMInt8ScratchLen(&s))
	b.ReportAllocs()
	b.ReportMetric(float64(s.Steps*4*s.StateSize*(s.InputSize+s.StateSize)), "MACs/op")
	for b.Loop() {
		LSTMInt8(p, in, h, c, out, scratch)
	}
}
