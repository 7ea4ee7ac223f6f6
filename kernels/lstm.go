package kernels

import (
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// UNIDIRECTIONAL_SEQUENCE_LSTM, as TensorFlow Lite Micro's lstm_eval.h
// computes it (the standard Keras LSTM: no peephole, projection, CIFG or
// layer norm). One time step, for every batch row:
//
//	f = sigmoid(FC(x, Wf) + FC(h, Rf))      forget gate
//	i = sigmoid(FC(x, Wi) + FC(h, Ri))      input gate
//	g = act(FC(x, Wg) + FC(h, Rg))          cell gate, act usually tanh
//	c = clip(f·c + i·g)
//	o = sigmoid(FC(x, Wo) + FC(h, Ro))      output gate
//	h = tanh(c)·o;  out[t] = h
//
// with the bias in the input FC only. The integer variant ("8x8→16") has
// int8 activations and weights, int32 biases and an int16 cell state whose
// scale is a power of two: each FC writes int16 in Q3.12, the two are added
// with int16 saturation, the gates come out of the sigmoid/tanh tables in
// Q0.15, and the products are requantized with MulElementwise.

// lstmGateScale is the scale of an FC output feeding a gate nonlinearity,
// 2^-12 (Q3.12).
const lstmGateScale = 1.0 / 4096

// lstmActScale is the scale of a gate nonlinearity's output, 2^-15 (Q0.15).
const lstmActScale = 1.0 / 32768

// LSTMShape is the geometry of a sequence LSTM. Without TimeMajor the input
// is [Batches][Steps][InputSize] and each batch row runs through all steps
// before the next; with it the input is [Steps][Batches][InputSize] and all
// rows advance together. The output has StateSize in place of InputSize.
type LSTMShape struct {
	Batches   int
	Steps     int
	InputSize int
	StateSize int
	TimeMajor bool
}

func (s *LSTMShape) check() error {
	if s.Batches <= 0 || s.Steps <= 0 || s.InputSize <= 0 || s.StateSize <= 0 {
		return fmt.Errorf("kernels: LSTM dimensions must be positive (batches %d, steps %d, input %d, state %d)",
			s.Batches, s.Steps, s.InputSize, s.StateSize)
	}
	if s.InputSize >= 1<<17 || s.StateSize >= 1<<17 {
		return errors.New("kernels: LSTM too wide for an int32 accumulator")
	}
	return nil
}

// rowsPerStep is how many batch rows one step computes at once.
func (s *LSTMShape) rowsPerStep() int {
	if s.TimeMajor {
		return s.Batches
	}
	return 1
}

// LSTMGateInt8 is one gate's input and recurrent fully connected layers.
// The zero points of x and h are folded into the biases (FoldLSTMBias), so
// the core of each FC is a plain int8 dot product.
type LSTMGateInt8 struct {
	InputWeights        []int8  // [StateSize][InputSize]
	InputBias           []int32 // bias − zx·Σw per row
	InputMultiplier     int32   // input_scale·weight_scale / 2^-12
	InputShift          int
	RecurrentWeights    []int8  // [StateSize][StateSize]
	RecurrentBias       []int32 // −zh·Σw per row
	RecurrentMultiplier int32   // hidden_scale·weight_scale / 2^-12
	RecurrentShift      int
}

// LSTMGateMultiplier is the requantization of a gate's FC into Q3.12, as
// TFLM's CreateGateParams computes it (GetQuantizedConvolutionMultipler,
// float64 arithmetic).
func LSTMGateMultiplier(inScale, weightScale float32) (int32, int, error) {
	return lstmMultiplier(float64(inScale) * float64(weightScale) / lstmGateScale)
}

// lstmMultiplier is QuantizeMultiplier for a real multiplier that must be
// positive and below 2^30, so the shift fits the fixed-point helpers.
func lstmMultiplier(m float64) (int32, int, error) {
	if !(m > 0 && m < 1<<30) {
		return 0, 0, fmt.Errorf("kernels: LSTM rescale factor %g is not usable", m)
	}
	q, s := QuantizeMultiplier(m)
	return q, s, nil
}

// FoldLSTMBias returns bias[r] − zeroPoint·Σ_k w[r][k] for every row (bias
// may be nil), in wrapping int32 arithmetic like the reference accumulator
// Σ w·(x − zeroPoint) + bias.
func FoldLSTMBias(bias []int32, w []int8, k int, zeroPoint int32) []int32 {
	out := make([]int32, len(w)/k)
	for r := range out {
		var s int32
		for _, v := range w[r*k : (r+1)*k] {
			s += int32(v)
		}
		if bias != nil {
			out[r] = bias[r]
		}
		out[r] -= zeroPoint * s
	}
	return out
}

// LSTMInt8Params is a prepared 8x8→16 integer LSTM.
type LSTMInt8Params struct {
	LSTMShape
	Forget, Input, Cell, Output LSTMGateInt8
	CellTanh                    bool // cell gate activation: tanh, else sigmoid

	ForgetMul LSTMMul // forget·cell → cell
	InputMul  LSTMMul // input·cell gate → cell
	HiddenMul LSTMMul // tanh(cell)·output → hidden (int8)

	CellScalePower int   // cell state scale is 2^CellScalePower
	CellClip       bool  // clip the cell state to ±QuantizedClip
	QuantizedClip  int16 // the cell clip in cell state units

	prep *lstmPrepared // derived by Check
}

// lstmPrepared is what Check derives from an integer LSTM's parameters:
// the four gates' input and recurrent weights stacked (forget, input, cell,
// output; 4·StateSize rows each) and lane-packed, so that one step's eight
// fully connected layers are two matrix-vector products, with each row's
// bias and requantization beside them.
type lstmPrepared struct {
	in, rec         *laneRows
	inBias, recBias []int32           // [4·StateSize]
	inQ, recQ       [4]requantChannel // per gate
	forgetQ         requantChannel    // ForgetMul
	inputQ          requantChannel    // InputMul
	hiddenQ         requantChannel    // HiddenMul
	cellTanh        SigmoidInt16Params
}

// LSTMCellState returns the cell state's scale power and quantized clip as
// TFLM's CreateLstmCellStateInfo does: the power is log2(scale) rounded (the
// reference does not insist that the scale is a power of two), the clip is
// clip/scale in float64 clamped to int16 and truncated.
func LSTMCellState(cellScale, cellClip float32) (power int, clip bool, quantized int16) {
	power, _ = checkedLog2(cellScale)
	q := min(max(float64(cellClip)/float64(cellScale), -32768), 32767)
	return power, cellClip > 0, int16(q)
}

// Check validates the parameters against each other.
func (p *LSTMInt8Params) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	for _, g := range []*LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output} {
		if len(g.InputWeights) != p.StateSize*p.InputSize || len(g.RecurrentWeights) != p.StateSize*p.StateSize ||
			len(g.InputBias) != p.StateSize || len(g.RecurrentBias) != p.StateSize {
			return errors.New("kernels: LSTM gate weights or biases have the wrong length")
		}
		if g.InputShift < -31 || g.InputShift > 30 || g.RecurrentShift < -31 || g.RecurrentShift > 30 {
			return errors.New("kernels: LSTM gate requantization shift out of range")
		}
	}
	for _, m := range []*LSTMMul{&p.ForgetMul, &p.InputMul, &p.HiddenMul} {
		if m.Shift < -31 || m.Shift > 30 || m.Min > m.Max || m.Multiplier < 0 {
			return errors.New("kernels: LSTM product requantization out of range")
		}
	}
	if p.CellScalePower < -40 || p.CellScalePower > 2 {
		return fmt.Errorf("kernels: LSTM cell state scale 2^%d is out of range", p.CellScalePower)
	}
	for _, g := range []*LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output} {
		if g.InputMultiplier < 0 || g.RecurrentMultiplier < 0 {
			return errors.New("kernels: LSTM gate requantization multiplier is negative")
		}
	}
	p.prepare()
	return nil
}

// prepare derives p.prep from the (checked) parameters.
func (p *LSTMInt8Params) prepare() {
	nIn, nS := p.InputSize, p.StateSize
	gates := [4]*LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output}
	win := make([]int8, 0, 4*nS*nIn)
	wrec := make([]int8, 0, 4*nS*nS)
	pp := &lstmPrepared{
		inBias: make([]int32, 0, 4*nS), recBias: make([]int32, 0, 4*nS),
		forgetQ:  newRequantChannel(p.ForgetMul.Multiplier, int32(p.ForgetMul.Shift)),
		inputQ:   newRequantChannel(p.InputMul.Multiplier, int32(p.InputMul.Shift)),
		hiddenQ:  newRequantChannel(p.HiddenMul.Multiplier, int32(p.HiddenMul.Shift)),
		cellTanh: lstmTanhScale(p.CellScalePower),
	}
	for gi, g := range gates {
		win = append(win, g.InputWeights[:nS*nIn]...)
		wrec = append(wrec, g.RecurrentWeights[:nS*nS]...)
		pp.inBias = append(pp.inBias, g.InputBias[:nS]...)
		pp.recBias = append(pp.recBias, g.RecurrentBias[:nS]...)
		pp.inQ[gi] = newRequantChannel(g.InputMultiplier, int32(g.InputShift))
		pp.recQ[gi] = newRequantChannel(g.RecurrentMultiplier, int32(g.RecurrentShift))
	}
	pp.in = newLaneRows(win, 4*nS, nIn)
	pp.rec = newLaneRows(wrec, 4*nS, nS)
	p.prep = pp
}

// LSTMInt8ScratchLen returns the int16 scratch elements LSTMInt8 needs:
// the four gates of a step's rows, and the int32 sums of one row's input and
// recurrent products (aligned within the scratch).
func LSTMInt8ScratchLen(s *LSTMShape) int {
	return 4*s.rowsPerStep()*s.StateSize + 4*lstmSumsLen(s.StateSize) + 1
}

// lstmSumsLen is the length of each of the int32 sums of a step: the four
// gates' rows, padded to whole lane tiles.
func lstmSumsLen(nS int) int { return (4*nS + tileRows - 1) / tileRows * tileRows }

// LSTMInt8 runs a prepared integer LSTM over the whole sequence. hidden
// ([Batches][StateSize] int8) and cell ([Batches][StateSize] int16) carry
// the state in and out; scratch holds LSTMInt8ScratchLen elements. Call
// Check first (else the first call prepares the parameters, which
// allocates once). It does not allocate.
func LSTMInt8(p *LSTMInt8Params, input, hidden []int8, cell []int16, output []int8, scratch []int16) {
	if p.prep == nil {
		p.prepare()
	}
	rows, nIn, nS := p.rowsPerStep(), p.InputSize, p.StateSize
	n := rows * nS
	scratch = scratch[:LSTMInt8ScratchLen(&p.LSTMShape)]
	gates := scratch[:4*n]
	rest := scratch[4*n:]
	if uintptr(unsafe.Pointer(unsafe.SliceData(rest)))%4 != 0 {
		rest = rest[1:]
	}
	sums := unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(rest))), 2*lstmSumsLen(nS))
	forEachLSTMStep(&p.LSTMShape, func(inOff, outOff, stateOff int) {
		lstmStepInt8(p, rows, input[inOff:inOff+rows*nIn], hidden[stateOff:stateOff+n],
			cell[stateOff:stateOff+n], output[outOff:outOff+n], gates, sums)
	})
}

// forEachLSTMStep calls step with the element offsets of the input, the
// output and the state rows of every time step, in TFLM's order
// (LstmStepManager).
func forEachLSTMStep(s *LSTMShape, step func(inOff, outOff, stateOff int)) {
	if s.TimeMajor {
		for t := range s.Steps {
			step(t*s.Batches*s.InputSize, t*s.Batches*s.StateSize, 0)
		}
		return
	}
	for b := range s.Batches {
		for t := range s.Steps {
			row := b*s.Steps + t
			step(row*s.InputSize, row*s.StateSize, b*s.StateSize)
		}
	}
}

// lstmStepInt8 runs one step of rows batch rows. gates holds the four
// gates' values, gate-major: gate g of row r, unit i at g·rows·S + r·S + i.
// No gate depends on another's output (the output gate reads the old
// hidden state, as in TFLM, which computes it after the cell update), so
// all four are computed first.
func lstmStepInt8(p *LSTMInt8Params, rows int, x, h []int8, c []int16, out []int8, gates []int16, sums []int32) {
	pp := p.prep
	nIn, nS := p.InputSize, p.StateSize
	n := rows * nS
	for r := range rows {
		lstmGatesInt8(pp, nS, n, x[r*nIn:(r+1)*nIn], h[r*nS:(r+1)*nS], gates[r*nS:], sums)
	}
	forget, input, cellGate, output := gates[:n], gates[n:2*n], gates[2*n:3*n], gates[3*n:4*n]
	LogisticInt16(lstmSigmoid, forget, forget)
	LogisticInt16(lstmSigmoid, input, input)
	if p.CellTanh {
		TanhInt16(lstmTanhScale(-12), cellGate, cellGate)
	} else {
		LogisticInt16(lstmSigmoid, cellGate, cellGate)
	}
	LogisticInt16(lstmSigmoid, output, output)

	// c = clip(f·c + i·g)
	lstmCellUpdate(p, forget, input, cellGate, c[:n])

	// h = tanh(c)·o
	tanhC := forget
	TanhInt16(pp.cellTanh, c[:n], tanhC)
	m := &p.HiddenMul
	mulInt16q(pp.hiddenQ, m.ZeroPoint, m.Min, m.Max, tanhC, output, h[:n])
	copy(out, h[:n])
}

// lstmGatesInt8 computes saturate16(FC(x) + FC(h)) of all four gates for
// one batch row into gates, gate g's unit i at g·stride + i; sums is int32
// scratch of 2·lstmSumsLen(nS).
func lstmGatesInt8(pp *lstmPrepared, nS, stride int, x, h []int8, gates []int16, sums []int32) {
	m := lstmSumsLen(nS)
	in, rec := sums[:m], sums[m:2*m]
	pp.in.mulVec(in, x, 0)
	pp.rec.mulVec(rec, h, 0)
	for g := range 4 {
		lstmGateSum(gates[g*stride:g*stride+nS], in[g*nS:(g+1)*nS], rec[g*nS:(g+1)*nS],
			pp.inBias[g*nS:(g+1)*nS], pp.recBias[g*nS:(g+1)*nS], pp.inQ[g], pp.recQ[g])
	}
}

// lstmGateSum sets gate = saturate16(saturate16(requantize(in+inBias)) +
// saturate16(requantize(rec+recBias))).
func lstmGateSum(gate []int16, in, rec, inBias, recBias []int32, iq, rq requantChannel) {
	n := len(gate)
	in, rec, inBias, recBias = in[:n], rec[:n], inBias[:n], recBias[:n]
	if iq.left == 0 && iq.e > 0 && rq.left == 0 && rq.e > 0 {
		// Right shifts only (the usual case): requantChannel.apply
		// without its left shift and mask, the constants in registers.
		im, ih, ie := iq.mult, iq.half, iq.e&63
		rm, rh, re := rq.mult, rq.half, rq.e&63
		for i := range gate {
			h := (int64(in[i]+inBias[i])*im + 1<<30) >> 31
			a := min(max((h+ih+h>>63)>>ie, math.MinInt16), math.MaxInt16)
			h = (int64(rec[i]+recBias[i])*rm + 1<<30) >> 31
			b := min(max((h+rh+h>>63)>>re, math.MinInt16), math.MaxInt16)
			gate[i] = int16(min(max(a+b, math.MinInt16), math.MaxInt16))
		}
		return
	}
	for i := range gate {
		a := min(max(iq.apply(in[i]+inBias[i]), math.MinInt16), math.MaxInt16)
		b := min(max(rq.apply(rec[i]+recBias[i]), math.MinInt16), math.MaxInt16)
		gate[i] = int16(min(max(a+b, math.MinInt16), math.MaxInt16))
	}
}

// lstmCellUpdate sets c = clip(saturate16(f·c + i·g)), the products
// requantized as TFLite's MulElementwise does.
func lstmCellUpdate(p *LSTMInt8Params, f, in, g, c []int16) {
	pp := p.prep
	fq, iq := pp.forgetQ, pp.inputQ
	fm, im := &p.ForgetMul, &p.InputMul
	f, in, g = f[:len(c)], in[:len(c)], g[:len(c)]
	lo, hi := int32(math.MinInt16), int32(math.MaxInt16)
	if p.CellClip {
		lo, hi = -int32(p.QuantizedClip), int32(p.QuantizedClip)
	}
	for j, cv := range c {
		a := min(max(fm.ZeroPoint+fq.apply(int32(f[j])*int32(cv)), fm.Min), fm.Max)
		b := min(max(im.ZeroPoint+iq.apply(int32(in[j])*int32(g[j])), im.Min), im.Max)
		s := min(max(int32(int16(a))+int32(int16(b)), math.MinInt16), math.MaxInt16)
		c[j] = int16(max(min(s, hi), lo))
	}
}

// mulInt16q sets out = clamp(zp + requantize(a·b)) as int8.
func mulInt16q(q requantChannel, zp, lo, hi int32, a, b []int16, out []int8) {
	b, out = b[:len(a)], out[:len(a)]
	for i, v := range a {
		out[i] = int8(min(max(zp+q.apply(int32(v)*int32(b[i])), lo), hi))
	}
}

// LSTMGateFloat is one gate's weights of a float32 LSTM.
type LSTMGateFloat struct {
	InputWeights     []float32 // [StateSize][InputSize]
	Bias             []float32 // [StateSize], or nil
	RecurrentWeights []float32 // [StateSize][StateSize]
}

// LSTMFloatParams is a float32 LSTM, TFLM's EvalLstm<float>: FCs sum in
// index order and add the bias last, sigmoid is TFLite's reference
// Logistic, the other activation tanh (or sigmoid).
type LSTMFloatParams struct {
	LSTMShape
	Forget, Input, Cell, Output LSTMGateFloat
	CellTanh                    bool
	CellClip                    float32 // > 0 clips the cell state to ±CellClip
}

// Check validates the parameters against each other.
func (p *LSTMFloatParams) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	for _, g := range []*LSTMGateFloat{&p.Forget, &p.Input, &p.Cell, &p.Output} {
		if len(g.InputWeights) != p.StateSize*p.InputSize || len(g.RecurrentWeights) != p.StateSize*p.StateSize ||
			(g.Bias != nil && len(g.Bias) != p.StateSize) {
			return errors.New("kernels: LSTM gate weights or bias have the wrong length")
		}
	}
	return nil
}

// LSTMFloatScratchLen returns the float32 scratch elements LSTMFloat needs.
func LSTMFloatScratchLen(s *LSTMShape) int { return 4 * s.rowsPerStep() * s.StateSize }

// LSTMFloat runs a float32 LSTM over the whole sequence; arguments as for
// LSTMInt8. It does not allocate.
func LSTMFloat(p *LSTMFloatParams, input, hidden, cell, output, scratch []float32) {
	rows, nIn, nS := p.rowsPerStep(), p.InputSize, p.StateSize
	n := rows * nS
	scratch = scratch[:4*n]
	s0, s1, s2, s3 := scratch[:n], scratch[n:2*n], scratch[2*n:3*n], scratch[3*n:]
	forEachLSTMStep(&p.LSTMShape, func(inOff, outOff, stateOff int) {
		lstmStepFloat(p, rows, input[inOff:inOff+rows*nIn], hidden[stateOff:stateOff+n],
			cell[stateOff:stateOff+n], output[outOff:outOff+n], s0, s1, s2, s3)
	})
}

func lstmStepFloat(p *LSTMFloatParams, rows int, x, h, c, out, s0, s1, s2, s3 []float32) {
	forget, input, cellGate, tmp := s0, s1, s2, s3
	lstmGateFloat(p, &p.Forget, rows, x, h, forget, tmp)
	LogisticFloat32(forget, forget)
	lstmGateFloat(p, &p.Input, rows, x, h, input, tmp)
	LogisticFloat32(input, input)
	lstmGateFloat(p, &p.Cell, rows, x, h, cellGate, tmp)
	if p.CellTanh {
		TanhFloat32(cellGate, cellGate)
	} else {
		LogisticFloat32(cellGate, cellGate)
	}
	for i := range c {
		c[i] = float32(forget[i]*c[i]) + float32(input[i]*cellGate[i])
	}
	if p.CellClip > 0 {
		for i, v := range c {
			c[i] = max(min(p.CellClip, v), -p.CellClip)
		}
	}
	output := s1
	lstmGateFloat(p, &p.Output, rows, x, h, output, tmp)
	LogisticFloat32(output, output)
	tanhC := s0
	TanhFloat32(c, tanhC)
	for i := range h {
		h[i] = tanhC[i] * output[i]
	}
	copy(out, h)
}

func lstmGateFloat(p *LSTMFloatParams, g *LSTMGateFloat, rows int, x, h, gate, tmp []float32) {
	nIn, nS := p.InputSize, p.StateSize
	for r := range rows {
		fcFloat(g.InputWeights, g.Bias, x[r*nIn:(r+1)*nIn], gate[r*nS:(r+1)*nS])
		fcFloat(g.RecurrentWeights, nil, h[r*nS:(r+1)*nS], tmp[r*nS:(r+1)*nS])
	}
	for i := range gate[:rows*nS] {
		gate[i] += tmp[i]
	}
}

// fcFloat is one row of TFLite's reference float FullyConnected without
// activation: the products summed in order, then the bias added.
func fcFloat(w, bias, x, out []float32) {
	k := len(x)
	w = w[:len(out)*k]
	for o := range out {
		var total float32
		for i, v := range w[o*k : (o+1)*k] {
			total += float32(v * x[i]) // the conversion forbids a fused multiply-add
		}
		if bias != nil {
			total += bias[o]
		}
		out[o] = total
	}
}
