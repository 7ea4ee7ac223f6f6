package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TFLM svdf_test.cc, "2x2x10": batch 2, input 2, 4 units of rank 2 (8
// filters), memory 10, no bias, ten steps.
var (
	svdfInput2x2x10 = []float32{
		0.12609188, -0.46347019, 0.35867718, 0.36897406,
		0.14278367, -1.64410412, -0.57290924, 0.12729003,
		0.49837467, 0.19278903, 0.17660543, 0.52949083,
		-0.11186574, 0.13164264, -0.72674477, -0.5683046,
		-0.68892461, 0.37783599, -0.63690937, 0.44483393,
		-0.81299269, -0.86831826, -0.95760226, 1.82078898,
		-1.45006323, -0.82251364, -1.65087092, -1.89238167,
		0.03966608, -0.24936394, 2.06740379, -1.51439476,
		0.11771342, -0.23761693, 0.31088525, -1.55601168,
		-0.89477462, 1.67204106, -0.6230064, 0.29819036,
	}
	svdfFeature2x2x10 = []float32{
		-0.31930989, 0.0079667, 0.39296314, 0.37613347, 0.12416199, 0.15785322,
		0.27901134, 0.3905206, 0.21931258, -0.36137494, -0.10640851, 0.31053296,
		-0.36118156, -0.0976817, -0.36916667, 0.22197971,
	}
	svdfTime2x2x10 = []float32{
		-0.31930989, 0.37613347, 0.27901134, -0.36137494, -0.36118156,
		0.22197971, 0.27557442, -0.06634006, 0.0079667, 0.12416199,
		0.3905206, -0.10640851, -0.0976817, 0.15294972, 0.39635518,
		-0.02702999, 0.39296314, 0.15785322, 0.21931258, 0.31053296,
		-0.36916667, 0.38031587, -0.21580373, 0.27072677, 0.23622236,
		0.34936687, 0.18174365, 0.35907319, -0.17493086, 0.324846,
		-0.10781813, 0.27201805, 0.14324132, -0.23681851, -0.27115166,
		-0.01580888, -0.14943552, 0.15465137, 0.09784451, -0.0337657,
		-0.14884081, 0.19931212, -0.36002168, 0.34663299, -0.11405486,
		0.12672701, 0.39463779, -0.07886535, -0.06384811, 0.08249187,
		-0.26816407, -0.19905911, 0.29211238, 0.31264046, -0.28664589,
		0.05698794, 0.11613581, 0.14078894, 0.02187902, -0.21781836,
		-0.15567942, 0.08693647, -0.38256618, 0.36580828, -0.22922277,
		-0.0226903, 0.12878349, -0.28122205, -0.10850525, -0.11955214,
		0.27179423, -0.04710215, 0.31069002, 0.22672787, 0.09580326,
		0.08682203, 0.1258215, 0.1851041, 0.29228821, 0.12366763,
	}
	svdfGolden2x2x10 = []float32{
		-0.044205, -0.013757, 0.050369, -0.018447,
		0.073010, 0.025142, -0.021154, 0.013551,
		-0.209613, -0.062421, 0.150209, -0.108334,
		0.028256, -0.006950, -0.030885, 0.009603,
		-0.076800, -0.037075, -0.087198, -0.155183,
		0.091069, 0.098446, -0.016083, 0.106475,
		-0.082123, -0.162238, -0.084434, -0.141074,
		-0.029340, -0.090685, 0.053302, -0.030604,
		-0.201440, 0.088424, 0.139877, 0.012416,
		-0.113212, 0.103893, -0.100842, 0.122780,
		-0.166632, -0.116705, 0.175298, -0.047163,
		0.313077, -0.166485, -0.285860, 0.129069,
		-0.625911, 0.046134, 0.138081, -0.129581,
		-0.521455, -0.061579, 0.230289, 0.114963,
		-0.216693, -0.161643, -0.179177, -0.052599,
		-0.213239, 0.029502, 0.260858, 0.275045,
		-0.213689, -0.323608, -0.285635, -0.317687,
		-0.324092, -0.317972, -0.208450, -0.462504,
		-0.255126, -0.218576, -0.041528, 0.179421,
		-0.440583, 0.072127, -0.284136, 0.241570,
	}
	svdfShape2x2x10 = SVDFShape{Batches: 2, InputSize: 2, Filters: 8, Rank: 2, Memory: 10}
)

func TestSVDFFloatGolden(t *testing.T) {
	p := &SVDFFloatParams{
		SVDFShape:      svdfShape2x2x10,
		WeightsFeature: svdfFeature2x2x10,
		WeightsTime:    svdfTime2x2x10,
		Bias:           make([]float32, 4),
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	state := make([]float32, p.StateSize())
	out := make([]float32, 8)
	for step := range 10 {
		SVDFFloat(p, svdfInput2x2x10[step*4:step*4+4], state, out)
		for i, want := range svdfGolden2x2x10[step*8 : step*8+8] {
			if math.Abs(float64(out[i]-want)) > 1e-5 {
				t.Fatalf("step %d output %d = %g, want %g", step, i, out[i], want)
			}
		}
	}
}

// quantizeTFLM is tflite::Quantize: round half away from zero, add the
// zero point, clamp to [lo, hi].
func quantizeTFLM(x []float32, scale float32, zp, lo, hi int32) []int32 {
	q := make([]int32, len(x))
	for i, v := range x {
		q[i] = min(max(int32(math.Round(float64(v/scale)))+zp, lo), hi)
	}
	return q
}

func convertInts[T int8 | int16 | int32](x []int32) []T {
	out := make([]T, len(x))
	for i, v := range x {
		out[i] = T(v)
	}
	return out
}

// TestSVDFInt8Golden is TFLM's SvdfQuantized2x2Input2x4OutputShouldMatchGolden
// for both state types: the float test quantized, within one step of the
// quantized golden output. (The op's RELU is not applied by the integer
// kernel, in TFLM as here.)
func TestSVDFInt8Golden(t *testing.T) {
	t.Run("int16", func(t *testing.T) { testSVDFInt8Golden[int16](t, math.MaxInt16) })
	t.Run("int8", func(t *testing.T) { testSVDFInt8Golden[int8](t, math.MaxInt8) })
}

func testSVDFInt8Golden[T SVDFStateType](t *testing.T, tmax float32) {
	inScale := float32(2.5) / 127
	featureScale := float32(1.0) / 127
	timeScale := 1 / tmax
	stateScale := 1.49 / tmax
	outScale := float32(1.0) / 127
	lo, hi := stateRange[T]()

	p := &SVDFInt8Params[T]{SVDFShape: svdfShape2x2x10}
	p.WeightsFeature = convertInts[int8](quantizeTFLM(svdfFeature2x2x10, featureScale, 0, -128, 127))
	p.WeightsTime = convertInts[T](quantizeTFLM(svdfTime2x2x10, timeScale, 0, lo, hi))
	p.Bias = make([]int32, 4)
	p.FeatureFold = FoldSVDFFeature(p.WeightsFeature, p.InputSize, 0)
	var err error
	p.FeatureMultiplier, p.FeatureShift, p.OutputMultiplier, p.OutputShift, err = SVDFScales(inScale, featureScale, stateScale, timeScale, outScale)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	input := convertInts[int8](quantizeTFLM(svdfInput2x2x10, inScale, 0, -128, 127))
	golden := quantizeTFLM(svdfGolden2x2x10, outScale, 0, -128, 127)
	state := make([]T, p.StateSize())
	out := make([]int8, 8)
	for step := range 10 {
		SVDFInt8(p, input[step*4:step*4+4], state, out)
		for i, want := range golden[step*8 : step*8+8] {
			if d := int32(out[i]) - want; d < -1 || d > 1 {
				t.Fatalf("step %d output %d = %d, want %d ± 1", step, i, out[i], want)
			}
		}
	}
}

// svdfReference is TFLM's EvalIntegerSvdfReference transcribed loop for
// loop (scratch buffers, unfolded zero points), to check the folded kernel.
func svdfReference[T SVDFStateType](p *SVDFInt8Params[T], inZp int32, bias []int32, in []int8, state []T, out []int8) {
	nB, nIn, nF, nMem, rank := p.Batches, p.InputSize, p.Filters, p.Memory, p.Rank
	nU := nF / rank
	lo, hi := stateRange[T]()
	for i := 0; i+1 < nB*nF*nMem; i++ {
		state[i] = state[i+1]
	}
	for b := range nB {
		for r := range nF {
			var dot int32
			for c := range nIn {
				dot += int32(p.WeightsFeature[r*nIn+c]) * (int32(in[b*nIn+c]) - inZp)
			}
			dot = MultiplyByQuantizedMultiplier(dot, p.FeatureMultiplier, p.FeatureShift)
			dot = min(max(p.StateZeroPoint+dot, lo), hi)
			state[b*nF*nMem+r*nMem+nMem-1] = T(dot)
		}
	}
	scratch := make([]int32, nB*nF)
	for b := range nB {
		for i := range nF {
			for j := range nMem {
				scratch[b*nF+i] += int32(p.WeightsTime[i*nMem+j]) * (int32(state[b*nMem*nF+i*nMem+j]) - p.StateZeroPoint)
			}
		}
	}
	outScratch := make([]int32, nB*nU)
	for b := range nB {
		if bias != nil {
			copy(outScratch[b*nU:], bias)
		}
		for i := range nU {
			for j := range rank {
				outScratch[b*nU+i] += scratch[b*nF+i*rank+j]
			}
		}
	}
	for i, x := range outScratch {
		v := MultiplyByQuantizedMultiplier(x, p.OutputMultiplier, p.OutputShift) + p.OutputZeroPoint
		out[i] = int8(min(max(v, -128), 127))
	}
}

func TestSVDFInt8MatchesReference(t *testing.T) {
	t.Run("int16", func(t *testing.T) { testSVDFInt8Random[int16](t, math.MinInt16, math.MaxInt16) })
	t.Run("int8", func(t *testing.T) { testSVDFInt8Random[int8](t, math.MinInt8, math.MaxInt8) })
}

func testSVDFInt8Random[T SVDFStateType](t *testing.T, lo, hi int) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 40 {
		rank := 1 + rng.IntN(3)
		s := SVDFShape{Batches: 1 + rng.IntN(3), InputSize: 1 + rng.IntN(40), Filters: rank * (1 + rng.IntN(8)), Rank: rank, Memory: 1 + rng.IntN(12)}
		p := &SVDFInt8Params[T]{SVDFShape: s}
		p.WeightsFeature = make([]int8, s.Filters*s.InputSize)
		for i := range p.WeightsFeature {
			p.WeightsFeature[i] = int8(rng.IntN(256) - 128)
		}
		p.WeightsTime = make([]T, s.Filters*s.Memory)
		for i := range p.WeightsTime {
			p.WeightsTime[i] = T(lo + rng.IntN(hi-lo+1))
		}
		var bias []int32
		if trial%3 != 0 {
			bias = make([]int32, s.Units())
			for i := range bias {
				bias[i] = rng.Int32N(1<<20) - 1<<19
			}
		}
		inZp := rng.Int32N(256) - 128
		p.Bias = bias
		p.FeatureFold = FoldSVDFFeature(p.WeightsFeature, s.InputSize, inZp)
		if trial%2 == 1 {
			p.StateZeroPoint = rng.Int32N(21) - 10
		}
		p.OutputZeroPoint = rng.Int32N(256) - 128
		p.FeatureMultiplier, p.FeatureShift = QuantizeMultiplier(math.Ldexp(0.5+rng.Float64()/2, -4-rng.IntN(12)))
		p.OutputMultiplier, p.OutputShift = QuantizeMultiplier(math.Ldexp(0.5+rng.Float64()/2, -6-rng.IntN(12)))
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		stateGot := make([]T, s.StateSize())
		stateWant := make([]T, s.StateSize())
		got := make([]int8, s.Batches*s.Units())
		want := make([]int8, len(got))
		in := make([]int8, s.Batches*s.InputSize)
		for step := range s.Memory + 3 {
			for i := range in {
				in[i] = int8(rng.IntN(256) - 128)
			}
			SVDFInt8(p, in, stateGot, got)
			svdfReference(p, inZp, bias, in, stateWant, want)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("trial %d (%+v) step %d: output %d = %d, want %d", trial, s, step, i, got[i], want[i])
				}
			}
			for i := range stateWant {
				if stateGot[i] != stateWant[i] {
					t.Fatalf("trial %d step %d: state %d = %d, want %d", trial, step, i, stateGot[i], stateWant[i])
				}
			}
		}
	}
}

func TestSVDFScalesFloat32(t *testing.T) {
	// keyword_scrambled's first SVDF. TFLM multiplies and divides the
	// float32 scales in float32; in float64 the multipliers would be
	// 2134672828 and 1206190409, and the model's conformance data would
	// not match.
	in, wf, st, wt, out := float32(0.05920833349227905), float32(0.009171206504106522),
		float32(0.004370165057480335), float32(0.0037055062130093575), float32(0.23618337512016296)
	m1, s1, m2, s2, err := SVDFScales(in, wf, st, wt, out)
	if err != nil {
		t.Fatal(err)
	}
	if m1 != 2134672896 || s1 != -3 || m2 != 1206190336 || s2 != -13 {
		t.Errorf("SVDFScales = (%d, %d), (%d, %d); want (2134672896, -3), (1206190336, -13)", m1, s1, m2, s2)
	}
	if _, _, _, _, err := SVDFScales(0, wf, st, wt, out); err == nil {
		t.Error("zero input scale accepted")
	}
}

func TestSVDFAllocs(t *testing.T) {
	p := &SVDFInt8Params[int16]{SVDFShape: svdfShape2x2x10}
	p.WeightsFeature = make([]int8, 16)
	p.WeightsTime = make([]int16, 80)
	p.FeatureFold = make([]int32, 8)
	p.FeatureMultiplier, p.OutputMultiplier = 1<<30, 1<<30
	in, state, out := make([]int8, 4), make([]int16, p.StateSize()), make([]int8, 8)
	if n := testing.AllocsPerRun(10, func() { SVDFInt8(p, in, state, out) }); n != 0 {
		t.Errorf("SVDFInt8 allocates %.0f times", n)
	}
}

func BenchmarkSVDFInt8(b *testing.B) {
	// keyword_scrambled's first layer: 96 inputs, 64 filters, memory 8.
	s := SVDFShape{Batches: 1, InputSize: 96, Filters: 64, Rank: 1, Memory: 8}
	p := &SVDFInt8Params[int16]{SVDFShape: s}
	p.WeightsFeature = make([]int8, s.Filters*s.InputSize)
	p.WeightsTime = make([]int16, s.Filters*s.Memory)
	p.FeatureFold = make([]int32, s.Filters)
	p.FeatureMultiplier, p.OutputMultiplier = 1<<30, 1<<30
	in, state, out := make([]int8, 96), make([]int16, s.StateSize()), make([]int8, 64)
	b.ReportAllocs()
	b.ReportMetric(float64(s.Filters*(s.InputSize+s.Memory)), "MACs/op")
	for b.Loop() {
		SVDFInt8(p, in, state, out)
	}
}

// TestSVDFInt8Shapes runs the shapes of keyword_scrambled (memories that
// are multiples of eight, more filters than a time block, inputs longer
// than a lane chunk) and their neighbours against the reference, with
// extreme weights and states.
func TestSVDFInt8Shapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, s := range []SVDFShape{
		{Batches: 1, InputSize: 96, Filters: 64, Rank: 1, Memory: 8},
		{Batches: 1, InputSize: 16, Filters: 32, Rank: 1, Memory: 32},
		{Batches: 2, InputSize: 130, Filters: 33, Rank: 3, Memory: 16},
		{Batches: 1, InputSize: 7, Filters: 17, Rank: 1, Memory: 24},
		{Batches: 1, InputSize: 5, Filters: 40, Rank: 2, Memory: 9},
	} {
		for _, extreme := range []bool{false, true} {
			p := &SVDFInt8Params[int16]{SVDFShape: s}
			p.WeightsFeature = make([]int8, s.Filters*s.InputSize)
			for i := range p.WeightsFeature {
				p.WeightsFeature[i] = int8(rng.IntN(256) - 128)
				if extreme {
					p.WeightsFeature[i] = -128
				}
			}
			p.WeightsTime = make([]int16, s.Filters*s.Memory)
			for i := range p.WeightsTime {
				p.WeightsTime[i] = int16(rng.IntN(1<<16) - 1<<15)
				if extreme {
					p.WeightsTime[i] = -1 << 15
				}
			}
			bias := make([]int32, s.Units())
			for i := range bias {
				bias[i] = rng.Int32N(1<<20) - 1<<19
			}
			inZp := rng.Int32N(256) - 128
			p.Bias = bias
			p.FeatureFold = FoldSVDFFeature(p.WeightsFeature, s.InputSize, inZp)
			p.StateZeroPoint = rng.Int32N(21) - 10
			p.OutputZeroPoint = rng.Int32N(256) - 128
			p.FeatureMultiplier, p.FeatureShift = QuantizeMultiplier(math.Ldexp(0.5+rng.Float64()/2, -4-rng.IntN(12)))
			p.OutputMultiplier, p.OutputShift = QuantizeMultiplier(math.Ldexp(0.5+rng.Float64()/2, -6-rng.IntN(20)))
			if extreme {
				p.FeatureMultiplier, p.FeatureShift = 1<<31-1, 0
			}
			if err := p.Check(); err != nil {
				t.Fatal(err)
			}
			stateGot, stateWant := make([]int16, s.StateSize()), make([]int16, s.StateSize())
			got, want := make([]int8, s.Batches*s.Units()), make([]int8, s.Batches*s.Units())
			in := make([]int8, s.Batches*s.InputSize)
			for step := range s.Memory + 2 {
				for i := range in {
					in[i] = int8(rng.IntN(256) - 128)
					if extreme {
						in[i] = 127
					}
				}
				SVDFInt8(p, in, stateGot, got)
				svdfReference(p, inZp, bias, in, stateWant, want)
				if !slices.Equal(got, want) || !slices.Equal(stateGot, stateWant) {
					t.Fatalf("%+v extreme %v step %d: output %v, want %v", s, extreme, step, got, want)
				}
			}
		}
	}
}

// TestSVDFTimeDots checks the time products directly (the whole kernel's
// output requantization can hide an error in the sums), for both state
// types, every memory up to 40 and every block size.
func TestSVDFTimeDots(t *testing.T) {
	t.Run("int16", func(t *testing.T) { testSVDFTimeDots[int16](t, -1<<15, 1<<15-1) })
	t.Run("int8", func(t *testing.T) { testSVDFTimeDots[int8](t, -128, 127) })
}

func testSVDFTimeDots[T SVDFStateType](t *testing.T, lo, hi int) {
	rng := rand.New(rand.NewPCG(9, 10))
	for nMem := 1; nMem <= 40; nMem++ {
		for nF := 1; nF <= svdfTimeBlock; nF++ {
			w, s := make([]T, nF*nMem), make([]T, nF*nMem)
			for i := range w {
				w[i], s[i] = T(lo+rng.IntN(hi-lo+1)), T(lo+rng.IntN(hi-lo+1))
				if nF == 3 { // extremes: the int32 sums wrap
					w[i], s[i] = T(lo), T(lo)
				}
			}
			var dots [svdfTimeBlock]int32
			for i := range dots {
				dots[i] = 0x5eed
			}
			svdfTimeDots(&dots, w, s, nMem)
			for f := range svdfTimeBlock {
				var want int32 = 0x5eed
				if f < nF {
					want = 0
					for m := range nMem {
						want += int32(w[f*nMem+m]) * int32(s[f*nMem+m])
					}
				}
				if dots[f] != want {
					t.Fatalf("memory %d, %d filters: dots[%d] = %d, want %d", nMem, nF, f, dots[f], want)
				}
			}
		}
	}
}

// TestSVDFInt8SmallValues runs the kernel where the output requantization
// resolves single units of the accumulator (multiplier ~1, small weights
// and states), so that an error anywhere in the sums shows.
func TestSVDFInt8SmallValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 60 {
		rank := 1 + rng.IntN(3)
		s := SVDFShape{Batches: 1 + rng.IntN(2), InputSize: 1 + rng.IntN(150), Filters: rank * (1 + rng.IntN(30)), Rank: rank, Memory: []int{8, 16, 32, 5, 1}[trial%5]}
		p := &SVDFInt8Params[int16]{SVDFShape: s}
		p.WeightsFeature = make([]int8, s.Filters*s.InputSize)
		for i := range p.WeightsFeature {
			p.WeightsFeature[i] = int8(rng.IntN(7) - 3)
		}
		p.WeightsTime = make([]int16, s.Filters*s.Memory)
		for i := range p.WeightsTime {
			p.WeightsTime[i] = int16(rng.IntN(7) - 3)
		}
		bias := make([]int32, s.Units())
		for i := range bias {
			bias[i] = rng.Int32N(41) - 20
		}
		inZp := rng.Int32N(11) - 5
		p.Bias = bias
		p.FeatureFold = FoldSVDFFeature(p.WeightsFeature, s.InputSize, inZp)
		p.StateZeroPoint = rng.Int32N(7) - 3
		p.OutputZeroPoint = rng.Int32N(21) - 10
		p.FeatureMultiplier, p.FeatureShift = QuantizeMultiplier(0.3 + 0.6*rng.Float64())
		p.OutputMultiplier, p.OutputShift = QuantizeMultiplier(0.3 + 0.6*rng.Float64())
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		stateGot, stateWant := make([]int16, s.StateSize()), make([]int16, s.StateSize())
		got, want := make([]int8, s.Batches*s.Units()), make([]int8, s.Batches*s.Units())
		in := make([]int8, s.Batches*s.InputSize)
		for step := range s.Memory + 2 {
			for i := range in {
				in[i] = int8(rng.IntN(9) - 4)
			}
			SVDFInt8(p, in, stateGot, got)
			svdfReference(p, inZp, bias, in, stateWant, want)
			if !slices.Equal(got, want) || !slices.Equal(stateGot, stateWant) {
				t.Fatalf("trial %d %+v step %d: output %v, want %v", trial, s, step, got, want)
			}
		}
	}
}
