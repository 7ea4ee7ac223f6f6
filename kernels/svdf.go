package kernels

import (
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// SVDF (singular value decomposition filter) is a rank-R approximation of a
// fully connected layer over a sliding window of the last Memory inputs.
// Each of Filters = Units·Rank filters keeps its own history of Memory
// activations in a state tensor laid out [Batches][Filters][Memory], oldest
// first. One step of the layer:
//
//	state <<= 1                                   // drop the oldest column
//	state[b][f][Memory-1] = Σ_i WeightsFeature[f][i] · x[b][i]
//	t[b][f]  = Σ_m WeightsTime[f][m] · state[b][f][m]
//	out[b][u] = act(Bias[u] + Σ_r t[b][u·Rank+r])
//
// The integer variant is TensorFlow Lite Micro's EvalIntegerSvdfReference:
// the feature product is requantized into the state's type with
// effective_scale_1, the reduction with effective_scale_2 into int8. It
// applies no fused activation (the output zero point and the int8 clamp do
// what the quantizer left to them), exactly like the reference.

// SVDFShape is the geometry shared by the integer and float SVDF.
type SVDFShape struct {
	Batches   int
	InputSize int
	Filters   int // Units·Rank
	Rank      int
	Memory    int
}

// Units returns the number of outputs per batch, Filters/Rank.
func (s *SVDFShape) Units() int { return s.Filters / s.Rank }

// StateSize returns the number of elements of the state tensor.
func (s *SVDFShape) StateSize() int { return s.Batches * s.Filters * s.Memory }

func (s *SVDFShape) check() error {
	if s.Batches <= 0 || s.InputSize <= 0 || s.Filters <= 0 || s.Rank <= 0 || s.Memory <= 0 {
		return fmt.Errorf("kernels: SVDF dimensions must be positive (batches %d, input %d, filters %d, rank %d, memory %d)",
			s.Batches, s.InputSize, s.Filters, s.Rank, s.Memory)
	}
	if s.Filters%s.Rank != 0 {
		return fmt.Errorf("kernels: SVDF has %d filters, not a multiple of rank %d", s.Filters, s.Rank)
	}
	if s.InputSize >= 1<<17 {
		return fmt.Errorf("kernels: SVDF input of %d values is too large for an int32 accumulator", s.InputSize)
	}
	return nil
}

// SVDFStateType is the element type of an integer SVDF's time weights and
// state: int16 (the usual 8x16 quantization) or int8.
type SVDFStateType interface{ int8 | int16 }

// SVDFInt8Params is a prepared integer SVDF with int8 input and output and
// a T-typed state and time weights.
type SVDFInt8Params[T SVDFStateType] struct {
	SVDFShape
	WeightsFeature []int8  // [Filters][InputSize]
	FeatureFold    []int32 // −InputZeroPoint·Σ_i WeightsFeature[f][i], see FoldSVDFFeature
	WeightsTime    []T     // [Filters][Memory]
	Bias           []int32 // [Units], or nil

	StateZeroPoint    int32
	OutputZeroPoint   int32
	FeatureMultiplier int32 // effective_scale_1, see SVDFScales
	FeatureShift      int
	OutputMultiplier  int32 // effective_scale_2
	OutputShift       int

	prep svdfPrepared // derived by Check
}

// svdfPrepared is what Check derives from the parameters for the kernel.
type svdfPrepared struct {
	feature  *laneRows      // WeightsFeature, lane-packed
	unitBias []int32        // Bias[u] − StateZeroPoint·Σ WeightsTime of unit u's filters
	featureQ requantChannel // FeatureMultiplier, FeatureShift
	outputQ  requantChannel // OutputMultiplier, OutputShift
}

// Check validates the parameters against each other.
func (p *SVDFInt8Params[T]) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	if len(p.WeightsFeature) != p.Filters*p.InputSize || len(p.FeatureFold) != p.Filters ||
		len(p.WeightsTime) != p.Filters*p.Memory || (p.Bias != nil && len(p.Bias) != p.Units()) {
		return errors.New("kernels: SVDF weights, fold or bias have the wrong length")
	}
	if p.FeatureShift < -31 || p.FeatureShift > 30 || p.OutputShift < -31 || p.OutputShift > 30 {
		return errors.New("kernels: SVDF requantization shift out of range")
	}
	if p.FeatureMultiplier < 0 || p.OutputMultiplier < 0 {
		return errors.New("kernels: SVDF requantization multiplier is negative")
	}
	p.prepare()
	return nil
}

// prepare derives p.prep from the (checked) parameters.
func (p *SVDFInt8Params[T]) prepare() {
	nF, nMem := p.Filters, p.Memory
	ub := make([]int32, p.Units())
	for u := range ub {
		if p.Bias != nil {
			ub[u] = p.Bias[u]
		}
		for f := u * p.Rank; f < (u+1)*p.Rank; f++ {
			var s int32
			for _, w := range p.WeightsTime[f*nMem : (f+1)*nMem] {
				s += int32(w)
			}
			ub[u] -= p.StateZeroPoint * s
		}
	}
	p.prep = svdfPrepared{
		feature:  newLaneRows(p.WeightsFeature, nF, p.InputSize),
		unitBias: ub,
		featureQ: newRequantChannel(p.FeatureMultiplier, int32(p.FeatureShift)),
		outputQ:  newRequantChannel(p.OutputMultiplier, int32(p.OutputShift)),
	}
}

// FoldSVDFFeature returns −zeroPoint·Σ_i w[f][i] for every filter, in
// wrapping int32 arithmetic, so that Σ w·x + fold == Σ w·(x − zeroPoint),
// the reference's feature accumulator.
func FoldSVDFFeature(w []int8, inputSize int, zeroPoint int32) []int32 {
	fold := make([]int32, len(w)/inputSize)
	for f := range fold {
		var s int32
		for _, v := range w[f*inputSize : (f+1)*inputSize] {
			s += int32(v)
		}
		fold[f] = -zeroPoint * s
	}
	return fold
}

// SVDFScales computes the two requantization multipliers of an integer SVDF
// as TFLM's PrepareSvdf does: the products and quotients of the tensor
// scales are taken in float32, and only the result is widened to float64:
//
//	effective_scale_1 = input·weights_feature/state
//	effective_scale_2 = state·weights_time/output
func SVDFScales(input, weightsFeature, state, weightsTime, output float32) (m1 int32, s1 int, m2 int32, s2 int, err error) {
	e1 := float64(float32(input*weightsFeature) / state)
	e2 := float64(float32(state*weightsTime) / output)
	if !(e1 > 0 && e1 < 1<<30) || !(e2 > 0 && e2 < 1<<30) {
		return 0, 0, 0, 0, fmt.Errorf("kernels: SVDF effective scales %g and %g are not usable", e1, e2)
	}
	m1, s1 = QuantizeMultiplier(e1)
	m2, s2 = QuantizeMultiplier(e2)
	return m1, s1, m2, s2, nil
}

// SVDFInt8 runs one step of a prepared integer SVDF: in is [Batches]
// [InputSize], state [Batches][Filters][Memory] (updated in place), out
// [Batches][Units]. Call Check first (else the first call prepares the
// parameters, which allocates once). It does not allocate.
//
// The zero points are folded: the feature product is Σ w·x + FeatureFold,
// the time product Σ w·state − StateZeroPoint·Σ w, the same int32 sums as
// the reference's Σ w·(x − zx) and Σ w·(state − zs).
func SVDFInt8[T SVDFStateType](p *SVDFInt8Params[T], in []int8, state []T, out []int8) {
	if p.prep.feature == nil {
		p.prepare()
	}
	nIn, nF, nMem := p.InputSize, p.Filters, p.Memory
	nUnits := nF / p.Rank
	in = in[:p.Batches*nIn]
	state = state[:p.Batches*nF*nMem]
	out = out[:p.Batches*nUnits]

	// Shift the whole state left by one; the column each filter loses to its
	// neighbour is its newest slot, rewritten below.
	copy(state, state[1:])

	for b := range p.Batches {
		st := state[b*nF*nMem : (b+1)*nF*nMem]
		svdfFeatureInt8(p, in[b*nIn:(b+1)*nIn], st)
		svdfTimeInt8(p, st, out[b*nUnits:(b+1)*nUnits])
	}
}

// svdfFeatureInt8 writes the requantized feature product of x into the
// newest state column of every filter.
func svdfFeatureInt8[T SVDFStateType](p *SVDFInt8Params[T], x []int8, st []T) {
	nF, nMem := p.Filters, p.Memory
	lr := p.prep.feature
	fold := p.FeatureFold[:nF]
	q := p.prep.featureQ
	lo, hi := stateRange[T]()
	zs := p.StateZeroPoint
	var sums [fcLaneBlock * tileRows]int32
	tiles := lr.tiles()
	for t := 0; t < tiles; t += fcLaneBlock {
		nt := min(fcLaneBlock, tiles-t)
		lr.mulVec(sums[:nt*tileRows], x, t)
		f0 := t * tileRows
		n := min(nt*tileRows, nF-f0)
		fd := fold[f0 : f0+n]
		for j, s := range sums[:n] {
			v := q.apply(s+fd[j]) + zs
			st[(f0+j)*nMem+nMem-1] = T(min(max(v, lo), hi))
		}
	}
}

// svdfTimeInt8 applies the time weights to the state, sums the rank
// filters of every unit with its bias and requantizes to out.
func svdfTimeInt8[T SVDFStateType](p *SVDFInt8Params[T], st []T, out []int8) {
	nF, nMem, rank := p.Filters, p.Memory, p.Rank
	st = st[:nF*nMem]
	wt := p.WeightsTime[:nF*nMem]
	ub := p.prep.unitBias[:len(out)]
	q := p.prep.outputQ
	zo := p.OutputZeroPoint
	var dots [svdfTimeBlock]int32
	if rank == 1 {
		for f0 := 0; f0 < nF; f0 += svdfTimeBlock {
			n := min(svdfTimeBlock, nF-f0)
			svdfTimeDots(&dots, wt[f0*nMem:(f0+n)*nMem], st[f0*nMem:(f0+n)*nMem], nMem)
			o, b := out[f0:f0+n], ub[f0:f0+n]
			for j, d := range dots[:n] {
				v := q.apply(d+b[j]) + zo
				o[j] = int8(min(max(v, math.MinInt8), math.MaxInt8))
			}
		}
		return
	}
	var acc int32
	u, r := 0, 0 // unit, and filters of it summed into acc
	for f0 := 0; f0 < nF; f0 += svdfTimeBlock {
		n := min(svdfTimeBlock, nF-f0)
		svdfTimeDots(&dots, wt[f0*nMem:(f0+n)*nMem], st[f0*nMem:(f0+n)*nMem], nMem)
		for _, d := range dots[:n] {
			acc += d
			if r++; r == rank {
				v := q.apply(acc+ub[u]) + zo
				out[u] = int8(min(max(v, math.MinInt8), math.MaxInt8))
				u, r, acc = u+1, 0, 0
			}
		}
	}
}

// svdfTimeBlock is the number of filters svdfTimeDots handles at once.
const svdfTimeBlock = 16

// svdfTimeDots sets dots[f] = Σ_m w[f·nMem+m]·s[f·nMem+m] (wrapping int32)
// for the len(w)/nMem (at most svdfTimeBlock) filters of w and s. The
// loops are written for int16 and int8 rather than T: Go compiles generic
// code to slower loads.
func svdfTimeDots[T SVDFStateType](dots *[svdfTimeBlock]int32, w, s []T, nMem int) {
	s = s[:len(w)]
	if unsafe.Sizeof(w[0]) == 2 {
		timeDots16(dots, unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(w))), len(w)),
			unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(s))), len(s)), nMem)
		return
	}
	timeDots8(dots, unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(w))), len(w)),
		unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(s))), len(s)), nMem)
}

//go:noinline
func timeDots16(dots *[svdfTimeBlock]int32, w, s []int16, nMem int) {
	s = s[:len(w)]
	nF := len(w) / nMem
	if nMem%8 == 0 && nF > 0 {
		// Eight taps at a time (memories are usually multiples of eight).
		// The slices were checked above: the loads walk them by pointer.
		// (The pointers never step past the last group, which would point
		// outside the slices.)
		pw, ps := unsafe.Pointer(&w[0]), unsafe.Pointer(&s[0])
		left := nF * nMem / 8
		for f := range dots[:nF] {
			var a, b int32
			for range nMem / 8 {
				x, y := (*[8]int16)(pw), (*[8]int16)(ps)
				a += int32(x[0])*int32(y[0]) + int32(x[1])*int32(y[1]) + int32(x[2])*int32(y[2]) + int32(x[3])*int32(y[3])
				b += int32(x[4])*int32(y[4]) + int32(x[5])*int32(y[5]) + int32(x[6])*int32(y[6]) + int32(x[7])*int32(y[7])
				if left--; left > 0 {
					pw, ps = unsafe.Add(pw, 16), unsafe.Add(ps, 16)
				}
			}
			dots[f] = a + b
		}
		return
	}
	for f := range dots[:nF] {
		ws, ss := w[f*nMem:(f+1)*nMem], s[f*nMem:(f+1)*nMem]
		ss = ss[:len(ws)]
		var a int32
		for m, v := range ws {
			a += int32(v) * int32(ss[m])
		}
		dots[f] = a
	}
}

//go:noinline
func timeDots8(dots *[svdfTimeBlock]int32, w, s []int8, nMem int) {
	s = s[:len(w)]
	for f := range dots[:len(w)/nMem] {
		ws, ss := w[f*nMem:(f+1)*nMem], s[f*nMem:(f+1)*nMem]
		ss = ss[:len(ws)]
		var a int32
		for m, v := range ws {
			a += int32(v) * int32(ss[m])
		}
		dots[f] = a
	}
}

// stateRange returns the value range of T as int32.
func stateRange[T SVDFStateType]() (lo, hi int32) {
	var z T
	switch any(z).(type) {
	case int8:
		return math.MinInt8, math.MaxInt8
	default:
		return math.MinInt16, math.MaxInt16
	}
}

// SVDFFloatParams is a float32 SVDF, TFLM's EvalFloatSvdfReference: every
// sum runs in float32 in index order, the bias is added before the rank
// terms, and the fused activation is applied last.
type SVDFFloatParams struct {
	SVDFShape
	WeightsFeature []float32 // [Filters][InputSize]
	WeightsTime    []float32 // [Filters][Memory]
	Bias           []float32 // [Units], or nil
	Activation     Activation
}

// Check validates the parameters against each other.
func (p *SVDFFloatParams) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	if len(p.WeightsFeature) != p.Filters*p.InputSize || len(p.WeightsTime) != p.Filters*p.Memory ||
		(p.Bias != nil && len(p.Bias) != p.Units()) {
		return errors.New("kernels: SVDF weights or bias have the wrong length")
	}
	if p.Activation > svdfActSigmoid {
		return fmt.Errorf("kernels: SVDF fused activation %d is not supported", p.Activation)
	}
	return nil
}

// Fused activations beyond the clamps of activation_range.go, numbered as in
// TFLite, that TFLM's ActivationValFloat also applies.
const (
	svdfActTanh    Activation = 4
	svdfActSignBit Activation = 5
	svdfActSigmoid Activation = 6
)

// SVDFFloat runs one step of a float32 SVDF; shapes as for SVDFInt8. It does
// not allocate.
func SVDFFloat(p *SVDFFloatParams, in, state, out []float32) {
	nIn, nF, nMem, rank := p.InputSize, p.Filters, p.Memory, p.Rank
	nUnits := nF / rank
	in = in[:p.Batches*nIn]
	state = state[:p.Batches*nF*nMem]
	out = out[:p.Batches*nUnits]
	wf := p.WeightsFeature[:nF*nIn]
	wt := p.WeightsTime[:nF*nMem]

	copy(state, state[1:])
	for b := range p.Batches {
		x := in[b*nIn : (b+1)*nIn]
		st := state[b*nF*nMem : (b+1)*nF*nMem]
		for f := range nF {
			var dot float32
			for i, w := range wf[f*nIn : (f+1)*nIn] {
				dot += float32(w * x[i]) // the conversion forbids a fused multiply-add
			}
			st[f*nMem+nMem-1] = dot
		}
		o := out[b*nUnits : (b+1)*nUnits]
		for u := range o {
			var acc float32
			if p.Bias != nil {
				acc = p.Bias[u]
			}
			for f := u * rank; f < (u+1)*rank; f++ {
				s := st[f*nMem : (f+1)*nMem]
				var t float32
				for m, w := range wt[f*nMem : (f+1)*nMem] {
					t += float32(w * s[m])
				}
				acc += t
			}
			o[u] = svdfActivate(p.Activation, acc)
		}
	}
}

// svdfActivate is TFLM's ActivationValFloat.
func svdfActivate(act Activation, x float32) float32 {
	switch act {
	case ActRelu:
		return max(0, x)
	case ActReluN1To1:
		return max(-1, min(x, 1))
	case ActRelu6:
		return max(0, min(x, 6))
	case svdfActTanh:
		return float32(math.Tanh(float64(x)))
	case svdfActSignBit:
		if math.Signbit(float64(x)) {
			return 1
		}
		return 0
	case svdfActSigmoid:
		return 1 / (1 + float32(math.Exp(float64(-x))))
	}
	return x
}
