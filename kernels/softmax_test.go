package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The golden vectors below were produced by an independent C++
// transliteration of TFLite Micro's reference_ops::Softmax (int8 input,
// int8 and int16 outputs) built on the real gemmlowp fixedpoint.h.
var softmaxGoldens = []struct {
	beta, scale float32
	depth       int
	in, out8    []int8
	out16       []int16
}{
	{1, 0.1, 10,
		[]int8{10, 20, 30, 40, 50, -10, -20, -30, -40, -50},
		[]int8{-125, -120, -106, -68, 35, -128, -128, -128, -128, -128},
		[]int16{-32006, -30697, -27137, -17463, 8836, -32665, -32730, -32754, -32763, -32766}},
	{1, 0.0625, 8,
		[]int8{127, -128, 0, 5, -5, 100, 101, 99},
		[]int8{36, -128, -128, -128, -128, -98, -96, -99},
		[]int16{9329, -32768, -32753, -32747, -32757, -24981, -24479, -25453}},
	{1, 0.5, 6,
		[]int8{3, 2, 1, 0, -1, -2},
		[]int8{-22, -64, -89, -104, -114, -119},
		[]int16{-5631, -16308, -22785, -26713, -29095, -30540}},
	{0.5, 0.0390625, 12,
		[]int8{-128, -100, -60, -20, 0, 20, 60, 100, 127, 126, 125, -1},
		[]int8{-128, -127, -126, -125, -123, -120, -112, -92, -67, -68, -69, -123},
		[]int16{-32661, -32582, -32363, -31883, -31460, -30835, -28545, -23545, -17140, -17442, -17739, -31485}},
	{1, 0.00390625, 5,
		[]int8{-128, -127, 127, 126, 0},
		[]int8{-100, -100, -51, -52, -81},
		[]int16{-25532, -25504, -13176, -13253, -20839}},
	{2, 0.2, 7,
		[]int8{1, 1, 1, 1, 1, 1, 1},
		[]int8{-91, -91, -91, -91, -91, -91, -91},
		[]int16{-23406, -23406, -23406, -23406, -23406, -23406, -23406}},
	{1, 0.09, 256,
		[]int8{127, 126, 125, 124, 123, 122, 121, 120, 119, 118, 117, 116, 115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 70, 69, 68, 67, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20, -21, -22, -23, -24, -25, -26, -27, -28, -29, -30, -31, -32, -33, -34, -35, -36, -37, -38, -39, -40, -41, -42, -43, -44, -45, -46, -47, -48, -49, -50, -51, -52, -53, -54, -55, -56, -57, -58, -59, -60, -61, -62, -63, -64, -65, -66, -67, -68, -69, -70, -71, -72, -73, -74, -75, -76, -77, -78, -79, -80, -81, -82, -83, -84, -85, -86, -87, -88, -89, -90, -91, -92, -93, -94, -95, -96, -97, -98, -99, -100, -101, -102, -103, -104, -105, -106, -107, -108, -109, -110, -111, -112, -113, -114, -115, -116, -117, -118, -119, -120, -121, -122, -123, -124, -125, -126, -127, -128},
		[]int8{-106, -108, -110, -111, -113, -114, -115, -116, -117, -118, -119, -120, -121, -121, -122, -122, -123, -123, -124, -124, -124, -125, -125, -125, -125, -126, -126, -126, -126, -126, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128},
		[]int16{-27127, -27613, -28057, -28462, -28833, -29171, -29481, -29764, -30022, -30259, -30475, -30672, -30852, -31017, -31168, -31306, -31432, -31547, -31652, -31748, -31836, -31916, -31989, -32056, -32117, -32173, -32225, -32271, -32314, -32353, -32389, -32422, -32451, -32479, -32504, -32526, -32547, -32566, -32583, -32599, -32614, -32627, -32639, -32650, -32660, -32670, -32678, -32686, -32693, -32699, -32705, -32711, -32716, -32720, -32724, -32728, -32731, -32735, -32737, -32740, -32743, -32745, -32747, -32749, -32750, -32752, -32753, -32754, -32756, -32757, -32758, -32759, -32759, -32760, -32761, -32761, -32762, -32762, -32763, -32763, -32764, -32764, -32764, -32765, -32765, -32765, -32766, -32766, -32766, -32766, -32766, -32766, -32767, -32767, -32767, -32767, -32767, -32767, -32767, -32767, -32767, -32767, -32767, -32767, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768}},
}

func TestSoftmaxGoldens(t *testing.T) {
	for _, g := range softmaxGoldens {
		p, err := NewSoftmaxParams(g.beta, g.scale)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int8, len(g.in))
		SoftmaxInt8(p, g.in, got, g.depth)
		if !slices.Equal(got, g.out8) {
			t.Errorf("beta %g scale %g: int8\n got %v\nwant %v", g.beta, g.scale, got, g.out8)
		}
		got16 := make([]int16, len(g.in))
		SoftmaxInt8Int16(p, g.in, got16, g.depth)
		if !slices.Equal(got16, g.out16) {
			t.Errorf("beta %g scale %g: int16\n got %v\nwant %v", g.beta, g.scale, got16, g.out16)
		}
	}
}

// refSoftmaxInt8 is TFLite's reference_ops::Softmax written out directly,
// exponentiating every element (no table).
func refSoftmaxInt8(beta, scale float32, in []int8, depth, outBits int) []int32 {
	real := math.Min(float64(beta)*float64(scale)*(1<<26), math.MaxInt32)
	mult, ls := QuantizeMultiplier(real)
	diffMin := -int32(math.Floor(31 * (1 << 26) / math.Ldexp(1, ls)))
	out := make([]int32, len(in))
	minOut := int32(-1) << (outBits - 1)
	for r := 0; r < len(in); r += depth {
		row := in[r : r+depth]
		m := slices.Max(row)
		var sum int32
		for _, v := range row {
			if d := int32(v) - int32(m); d >= diffMin {
				sum += SaturatingRoundingMultiplyByPOT(ExpOnNegativeValues(SaturatingRoundingDoublingHighMul(d<<ls, mult), 5), -12)
			}
		}
		recip, nbou := GetReciprocal(sum, 12)
		exponent := nbou + 31 - outBits
		for i, v := range row {
			d := int32(v) - int32(m)
			if d < diffMin {
				out[r+i] = minOut
				continue
			}
			e := ExpOnNegativeValues(SaturatingRoundingDoublingHighMul(d<<ls, mult), 5)
			u := RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(recip, e), exponent) + minOut
			out[r+i] = min(max(u, minOut), -minOut-1)
		}
	}
	return out
}

func TestSoftmaxRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for it := 0; it < 500; it++ {
		depth := 1 + r.IntN(40)
		rows := 1 + r.IntN(5)
		beta := []float32{1, 0.5, 2, 1.7}[r.IntN(4)]
		scale := float32(math.Ldexp(0.5+r.Float64(), -r.IntN(9)))
		in := rndInt8s(r, depth*rows)
		if r.IntN(3) == 0 { // narrow spread: many near-equal values
			for i := range in {
				in[i] = int8(r.IntN(5))
			}
		}
		p, err := NewSoftmaxParams(beta, scale)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int8, len(in))
		SoftmaxInt8(p, in, got, depth)
		got16 := make([]int16, len(in))
		SoftmaxInt8Int16(p, in, got16, depth)
		want8 := refSoftmaxInt8(beta, scale, in, depth, 8)
		want16 := refSoftmaxInt8(beta, scale, in, depth, 16)
		for i := range in {
			if int32(got[i]) != want8[i] || int32(got16[i]) != want16[i] {
				t.Fatalf("beta %g scale %g depth %d: out[%d] = %d/%d, want %d/%d", beta, scale, depth, i, got[i], got16[i], want8[i], want16[i])
			}
		}
	}
}

// TestSoftmaxTFLMGoldens uses softmax_test.cc's 2-D vectors: input scale
// 0.1, outputs compared with quantized float goldens, tolerance 1.
func TestSoftmaxTFLMGoldens(t *testing.T) {
	in := []float32{1.0, 2.0, 3.0, 4.0, 5.0, -1.0, -2.0, -3.0, -4.0, -5.0}
	golden := []float32{0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647,
		0.636408647, 0.234121657, 0.086128544, 0.031684921, 0.011656231}
	p, err := NewSoftmaxParams(1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int8, 10)
	SoftmaxInt8(p, quantGolden[int8](in, 0.1, 0), got, 5)
	checkNearInts(t, "softmax int8", got, quantGolden[int8](golden, 1.0/256, -128), 1)
	gotf := make([]float32, 10)
	SoftmaxFloat32(1, in, gotf, 5)
	for i := range golden {
		if math.Abs(float64(gotf[i]-golden[i])) > 1e-5 {
			t.Errorf("softmax float: out[%d] = %g, want %g", i, gotf[i], golden[i])
		}
	}
}

// TestSoftmaxLongRows covers rows whose exponentials sum past 512, where
// TFLite aborts for int8 outputs: every output is then the real value
// (below half a step) rounded, -128; int16 outputs are unaffected.
func TestSoftmaxLongRows(t *testing.T) {
	p, err := NewSoftmaxParams(1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	in := make([]int8, 600)
	out := make([]int8, 600)
	SoftmaxInt8(p, in, out, 600)
	for i, v := range out {
		if v != -128 {
			t.Fatalf("out[%d] = %d, want -128", i, v)
		}
	}
	out16 := make([]int16, 600)
	SoftmaxInt8Int16(p, in, out16, 600)
	want := int16(math.Round(65536.0/600) - 32768)
	for i, v := range out16 {
		if d := int(v) - int(want); d < -1 || d > 1 {
			t.Fatalf("int16 out[%d] = %d, want %d", i, v, want)
		}
	}
}

func TestSoftmaxParamsErrors(t *testing.T) {
	if _, err := NewSoftmaxParams(1, 1e-12); err == nil {
		t.Error("tiny input scale accepted")
	}
	if _, err := NewSoftmaxParams(0, 0.1); err == nil {
		t.Error("beta 0 accepted")
	}
}

func TestSoftmaxAllocs(t *testing.T) {
	p, _ := NewSoftmaxParams(1, 0.1)
	in, out := make([]int8, 1000), make([]int8, 1000)
	if n := testing.AllocsPerRun(10, func() { SoftmaxInt8(p, in, out, 10) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func BenchmarkSoftmaxInt8(b *testing.B) {
	p, _ := NewSoftmaxParams(1, 0.1)
	in, out := make([]int8, 1000), make([]int8, 1000)
	b.ReportAllocs()
	for b.Loop() {
		SoftmaxInt8(p, in, out, 1000)
	}
}
