package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// actQuantRef quantizes the real value y to [lo, hi] as a float reference:
// round(y/scale) + zero point, clamped.
func actQuantRef(y float64, scale float32, zp int32, lo, hi float64) float64 {
	return min(max(math.Round(y/float64(scale))+float64(zp), lo), hi)
}

func hardSwishRef(x float64) float64 { return x * min(6, max(0, x+3)) / 6 }

func leakyRef(x, alpha float64) float64 {
	if x > 0 {
		return x
	}
	return alpha * x
}

// randomQuant draws an input scale, and an output scale within a factor
// maxRatio of it (both ways), and zero points over the whole int8 range.
func randomQuant(r *rand.Rand, maxRatio float64) (is float32, iz int32, os float32, oz int32) {
	is = float32(math.Exp(r.Float64()*9 - 7)) // ~1e-3 .. 2.7
	ratio := math.Exp((2*r.Float64() - 1) * math.Log(maxRatio))
	os = float32(float64(is) / ratio)
	return is, int32(r.IntN(256) - 128), os, int32(r.IntN(256) - 128)
}

func TestLeakyReluFloat32(t *testing.T) {
	in := []float32{-2, -0.5, 0, 0.25, 3, float32(math.Inf(-1)), float32(math.Inf(1))}
	for _, tc := range []struct {
		alpha float32
		want  []float32
	}{
		{0.5, []float32{-1, -0.25, 0, 0.25, 3, float32(math.Inf(-1)), float32(math.Inf(1))}},
		{0, []float32{0, 0, 0, 0.25, 3, float32(math.NaN()), float32(math.Inf(1))}}, // -Inf·0 is NaN, as in C++
		{2, []float32{-4, -1, 0, 0.25, 3, float32(math.Inf(-1)), float32(math.Inf(1))}},
		{-0.1, []float32{0.2, 0.05, 0, 0.25, 3, float32(math.Inf(1)), float32(math.Inf(1))}},
	} {
		out := make([]float32, len(in))
		LeakyReluFloat32(tc.alpha, in, out)
		for i := range out {
			w, g := tc.want[i], out[i]
			if !(g == w || math.IsNaN(float64(w)) && math.IsNaN(float64(g))) {
				t.Errorf("alpha %g: leaky(%g) = %g, want %g", tc.alpha, in[i], g, w)
			}
		}
	}
	out := []float32{0}
	LeakyReluFloat32(0.1, []float32{float32(math.NaN())}, out)
	if !math.IsNaN(float64(out[0])) {
		t.Errorf("leaky(NaN) = %g", out[0])
	}
}

func TestHardSwishFloat32(t *testing.T) {
	// x·relu6(x+3)/6 by hand.
	in := []float32{-10, -3, -1.5, -1, 0, 1, 1.5, 3, 4, 100, float32(math.Inf(1))}
	want := []float32{0, 0, -0.375, -1.0 / 3, 0, 2.0 / 3, 1.125, 3, 4, 100, float32(math.Inf(1))}
	out := make([]float32, len(in))
	HardSwishFloat32(in, out)
	for i := range out {
		if math.Abs(float64(out[i]-want[i])) > 1e-6 && out[i] != want[i] {
			t.Errorf("hardswish(%g) = %g, want %g", in[i], out[i], want[i])
		}
	}
	HardSwishFloat32([]float32{float32(math.NaN())}, out[:1])
	if !math.IsNaN(float64(out[0])) {
		t.Errorf("hardswish(NaN) = %g", out[0])
	}
	// Against the float64 formula (TFLite's float test: within 1e-5).
	r := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, 1000)
	for i := range x {
		x[i] = float32(r.Float64()*20 - 10)
	}
	y := make([]float32, len(x))
	HardSwishFloat32(x, y)
	for i := range x {
		if d := math.Abs(float64(y[i]) - hardSwishRef(float64(x[i]))); d > 1e-5 {
			t.Fatalf("hardswish(%g) = %g, off by %g", x[i], y[i], d)
		}
	}
}

// TestLeakyReluTFLM runs the cases of TFLite Micro's leaky_relu_test.cc.
func TestLeakyReluTFLM(t *testing.T) {
	// QuantizedActivationsOpTestLeakyReluInt8_1 / Int16_1: alpha 0.5,
	// inputs {0, 1, 3, 1, -1, -2}. The multipliers are exactly 1 and 0.5,
	// so the outputs are exact: {0, 1, 3, 1, -0.5, -1}.
	p, err := NewLeakyReluParams(0.1, 0, 0.1, 0, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int8, 6)
	NewLeakyReluInt8(p).Apply([]int8{0, 10, 30, 10, -10, -20}, got)
	if want := []int8{0, 10, 30, 10, -5, -10}; !slices.Equal(got, want) {
		t.Errorf("int8: got %v, want %v", got, want)
	}
	p, err = NewLeakyReluParams(0.01, 0, 0.01, 0, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	got16 := make([]int16, 6)
	LeakyReluInt16(p, []int16{0, 100, 300, 100, -100, -200}, got16)
	if want := []int16{0, 100, 300, 100, -50, -100}; !slices.Equal(got16, want) {
		t.Errorf("int16: got %v, want %v", got16, want)
	}

	// QuantizedActivationsOpTestLeakyRelu<T>: alpha 0.1, range [-5, 5) of
	// the type (scale 5/128 int8, 5/32768 int16, zero point 0), a ramp
	// from -5 to 4.6, tolerance 2·5/256.
	var in, want []float64
	for i := range 25 {
		v := -5 + 0.4*float64(i)
		in = append(in, v)
		want = append(want, leakyRef(v, 0.1))
	}
	const tol = 2 * 5.0 / 256
	const s8 = float32(5.0 / 128)
	p, err = NewLeakyReluParams(s8, 0, s8, 0, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	lut := NewLeakyReluInt8(p)
	for i, v := range in {
		q := int8(actQuantRef(v, s8, 0, -128, 127))
		if d := math.Abs(float64(s8)*float64(lut[uint8(q)]) - want[i]); d > tol {
			t.Errorf("int8 leaky(%g) off by %g", v, d)
		}
	}
	const s16 = float32(5.0 / 32768)
	p, err = NewLeakyReluParams(s16, 0, s16, 0, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range in {
		q := []int16{int16(actQuantRef(v, s16, 0, -32768, 32767))}
		LeakyReluInt16(p, q, q)
		if d := math.Abs(float64(s16)*float64(q[0]) - want[i]); d > tol {
			t.Errorf("int16 leaky(%g) off by %g", v, d)
		}
	}
}

// TestLeakyReluInt8Random holds every int8 input, for many random
// quantizations and alphas (negative and above 1 too), within one step of
// the float function.
func TestLeakyReluInt8Random(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphas := []float32{0.01, 0.1, 0.2, 0.3333, 1, 1.5, -0.25, 0}
	for k := range 2000 {
		is, iz, os, oz := randomQuant(r, 8)
		alpha := alphas[k%len(alphas)]
		if k%3 == 0 {
			alpha = float32(r.Float64()*2.5 - 0.5)
		}
		p, err := NewLeakyReluParams(is, iz, os, oz, alpha)
		if err != nil {
			t.Fatal(err)
		}
		lut := NewLeakyReluInt8(p)
		for x := -128; x < 128; x++ {
			want := actQuantRef(leakyRef(float64(is)*float64(int32(x)-iz), float64(alpha)), os, oz, -128, 127)
			if got := lut[uint8(x)]; math.Abs(float64(got)-want) > 1 {
				t.Fatalf("in (%g, %d) out (%g, %d) alpha %g: leaky(%d) = %d, want %v ±1", is, iz, os, oz, alpha, x, got, want)
			}
		}
	}
}

func TestLeakyReluInt16Random(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	x := make([]int16, 65536)
	for i := range x {
		x[i] = int16(i - 32768)
	}
	y := make([]int16, len(x))
	for range 20 {
		is := float32(math.Exp(r.Float64()*4 - 12))
		os := is * float32(0.5+r.Float64())
		iz, oz := int32(r.IntN(200)-100), int32(r.IntN(200)-100)
		alpha := float32(r.Float64()*1.2 - 0.2)
		p, err := NewLeakyReluParams(is, iz, os, oz, alpha)
		if err != nil {
			t.Fatal(err)
		}
		LeakyReluInt16(p, x, y)
		for i, v := range x {
			want := actQuantRef(leakyRef(float64(is)*float64(int32(v)-iz), float64(alpha)), os, oz, -32768, 32767)
			if math.Abs(float64(y[i])-want) > 1 {
				t.Fatalf("in (%g, %d) out (%g, %d) alpha %g: leaky(%d) = %d, want %v ±1", is, iz, os, oz, alpha, v, y[i], want)
			}
		}
	}
}

func TestLeakyReluParamsErrors(t *testing.T) {
	for _, tc := range []struct {
		is, os, alpha float32
		want          string
	}{
		{0, 1, 0.1, "positive"},
		{1, -1, 0.1, "positive"},
		{float32(math.Inf(1)), 1, 0.1, "positive"},
		{1, 1, float32(math.NaN()), "alpha"},
		{1, 1, float32(math.Inf(-1)), "alpha"},
		{1e30, 1e-30, 0.1, "overflows"},
		{1, 1e-10, 0.1, "too large"},
	} {
		_, err := NewLeakyReluParams(tc.is, 0, tc.os, 0, tc.alpha)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("(%g, %g, alpha %g): error %v, want one mentioning %q", tc.is, tc.os, tc.alpha, err, tc.want)
		}
	}
}

// TestHardSwishInt8Hand checks values worked through the reference
// arithmetic by hand, for input and output scale 1/16, zero points 0.
//
// Prepare: hires scale 2^-11. Output multiplier 2^-11/2^-4 = 2^-7:
// QuantizeMultiplier gives 2^30, exponent -6; in Q15 (2^30+2^15)>>16 =
// 16384. Reluish multiplier 2^-11/(3·2^-15) = 16/3 = 0.666…·2^3:
// round(0.666…·2^31) = 1431655765, exponent 3; in Q15
// (1431655765+32768)>>16 = 21845.
//
// x = 16 (1.0): hires 2048; preshift SRDHM(2048, 16384) =
// (33554432+16384)/32768 → 1024. Reluish: 2048<<2 = 8192, SRDHM(8192,
// 21845) = (178954240+16384)/32768 → 5461, <<1 = 10922 (1/3 of 32768),
// to [0, 1]: (10922+32768)>>1 = 21845. SDHM(21845, 1024) = 22369280/32768
// → 682; rounding 682/64 = 10.66 → 11. (Real: 1·4/6·16 = 10.67.)
//
// x = -16 (-1.0): preshift (-33554432-16383)/32768 → -1024; reluish
// SRDHM(-8192, 21845) = (-178954240-16383)/32768 → -5461, <<1 = -10922,
// (−10922+32768)>>1 = 10923; SDHM(10923, -1024) = -11185152/32768 → -341;
// -341/64 = -5.33 → -5 (remainder 43 > threshold 32). (Real: -5.33.)
//
// x = 48 (3.0): preshift (100663296+16384)/32768 → 3072; reluish
// SRDHM(24576, 21845) = (536862720+16384)/32768 → 16384, <<1 saturates
// to 32767, (32767+32768)>>1 = 32767; SDHM(32767, 3072) = 100660224/32768
// → 3071; 3071/64 = 47.98 → 48.
//
// x = -48 (-3.0): reluish SRDHM(-24576, 21845) → -16384, <<1 = -32768,
// (−32768+32768)>>1 = 0, so the output is the zero point.
func TestHardSwishInt8Hand(t *testing.T) {
	p, err := NewHardSwishParams(1.0/16, 0, 1.0/16, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := HardSwishParams{ReluishMultiplier: 21845, ReluishExponent: 3, OutputMultiplier: 16384, OutputExponent: -6}
	if p != want {
		t.Fatalf("params %+v, want %+v", p, want)
	}
	lut := NewHardSwishInt8(p)
	for _, c := range []struct{ x, want int8 }{{16, 11}, {-16, -5}, {48, 48}, {-48, 0}, {0, 0}, {-128, 0}, {127, 127}} {
		if got := lut[uint8(c.x)]; got != c.want {
			t.Errorf("hardswish(%d) = %d, want %d", c.x, got, c.want)
		}
	}
	// The same with zero points: the input's moves the table, the
	// output's moves the values.
	p, err = NewHardSwishParams(1.0/16, -10, 1.0/16, 7)
	if err != nil {
		t.Fatal(err)
	}
	lut = NewHardSwishInt8(p)
	for _, c := range []struct{ x, want int8 }{{6, 18}, {-26, 2}, {38, 55}, {-58, 7}, {-10, 7}} {
		if got := lut[uint8(c.x)]; got != c.want {
			t.Errorf("zero points -10, 7: hardswish(%d) = %d, want %d", c.x, got, c.want)
		}
	}
}

// TestHardSwishInt8Random holds every int8 input, for many random
// quantizations, within one step of the float function.
func TestHardSwishInt8Random(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 3000 {
		is, iz, os, oz := randomQuant(r, 100)
		p, err := NewHardSwishParams(is, iz, os, oz)
		if err != nil {
			t.Fatalf("in (%g, %d) out (%g, %d): %v", is, iz, os, oz, err)
		}
		lut := NewHardSwishInt8(p)
		for x := -128; x < 128; x++ {
			want := actQuantRef(hardSwishRef(float64(is)*float64(int32(x)-iz)), os, oz, -128, 127)
			if got := lut[uint8(x)]; math.Abs(float64(got)-want) > 1 {
				t.Fatalf("in (%g, %d) out (%g, %d): hardswish(%d) = %d, want %v ±1", is, iz, os, oz, x, got, want)
			}
		}
	}
}

// scaleFromMinMax and zeroPointFromMinMax are TFLite Micro's test helpers
// for int8.
func scaleFromMinMax(lo, hi float32) float32 { return (hi - lo) / 255 }

func zeroPointFromMinMax(lo, hi float32) int32 {
	return int32(-128 + math.Round(float64(-lo/scaleFromMinMax(lo, hi))))
}

// TestHardSwishTFLM runs the quantization pairs of TFLite Micro's
// hard_swish_test.cc (SimpleHardSwishTestInt8), over every input value
// instead of 101 random ones, with its tolerance of 1.5 steps of the
// wider range.
func TestHardSwishTFLM(t *testing.T) {
	pairs := [][2]float32{{0, 1}, {-2, 1}, {-5, 10}, {-40, 60}}
	for _, ip := range pairs {
		for _, op := range pairs {
			is, iz := scaleFromMinMax(ip[0], ip[1]), zeroPointFromMinMax(ip[0], ip[1])
			os, oz := scaleFromMinMax(op[0], op[1]), zeroPointFromMinMax(op[0], op[1])
			p, err := NewHardSwishParams(is, iz, os, oz)
			if err != nil {
				t.Fatalf("in %v out %v: %v", ip, op, err)
			}
			lut := NewHardSwishInt8(p)
			tol := float64(max(ip[1]-ip[0], op[1]-op[0])) * 1.5 / 256
			for x := -128; x < 128; x++ {
				v := float64(is) * float64(int32(x)-iz)
				want := min(max(hardSwishRef(v), float64(op[0])), float64(op[1]))
				got := float64(os) * float64(int32(lut[uint8(x)])-oz)
				if math.Abs(got-want) > tol {
					t.Errorf("in %v out %v: hardswish(%g) = %g, want %g ± %g", ip, op, v, got, want, tol)
				}
			}
		}
	}
}

// TestHardSwishBias follows TFLite's HardSwishBias test, on the
// quantization of a MobileNet v3 HARD_SWISH: over the inputs in [-3, 3]
// (where the fixed-point products matter) the mean difference from the
// correctly rounded outputs must be a small fraction of a step. It is
// what the truncating final multiply is for: a rounding one is off by
// 0.024 steps on average here.
func TestHardSwishBias(t *testing.T) {
	is, iz := scaleFromMinMax(-11.654928, 25.036512), zeroPointFromMinMax(-11.654928, 25.036512)
	os, oz := scaleFromMinMax(-0.3905796, 24.50887), zeroPointFromMinMax(-0.3905796, 24.50887)
	p, err := NewHardSwishParams(is, iz, os, oz)
	if err != nil {
		t.Fatal(err)
	}
	lut := NewHardSwishInt8(p)
	var sum float64
	n := 0
	for x := -128; x < 128; x++ {
		v := float64(is) * float64(int32(x)-iz)
		if v < -3 || v > 3 {
			continue
		}
		sum += float64(lut[uint8(x)]) - actQuantRef(hardSwishRef(v), os, oz, -128, 127)
		n++
	}
	if bias := sum / float64(n); math.Abs(bias) > 0.01 {
		t.Errorf("bias %.4f steps over %d inputs, want at most 0.01", bias, n)
	}
}

func TestHardSwishParamsErrors(t *testing.T) {
	for _, tc := range []struct {
		is, os float32
		want   string
	}{
		{0, 1, "positive"},
		{1, float32(math.NaN()), "positive"},
		{128, 1, "below 128 times"},
		{1, 1.0 / 200, "below 128 times"},
		{1e38, 1e-38, "too large"},
	} {
		_, err := NewHardSwishParams(tc.is, 0, tc.os, 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("(%g, %g): error %v, want one mentioning %q", tc.is, tc.os, err, tc.want)
		}
	}
	// Just below 128 times is accepted (output exponent 0).
	p, err := NewHardSwishParams(127, 0, 1, 0)
	if err != nil || p.OutputExponent != 0 {
		t.Errorf("ratio 127: %+v, %v", p, err)
	}
}

// TestFixedPoint16 checks the int16 fixed-point helpers against their
// definitions in exact arithmetic.
func TestFixedPoint16(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	edges := []int16{-32768, -32767, -16384, -16383, -1, 0, 1, 16383, 16384, 32767}
	pairs := make([][2]int16, 0, 200000)
	for _, a := range edges {
		for _, b := range edges {
			pairs = append(pairs, [2]int16{a, b})
		}
	}
	for range 200000 {
		pairs = append(pairs, [2]int16{int16(r.Uint32()), int16(r.Uint32())})
	}
	for _, ab := range pairs {
		a, b := ab[0], ab[1]
		prod := float64(a) * float64(b) / 32768
		// SQRDMULH: round half up; SQDMULH: truncate; -1·-1 saturates.
		wantR, wantT := math.Floor(prod+0.5), math.Trunc(prod)
		if a == -32768 && b == -32768 {
			wantR, wantT = 32767, 32767
		}
		if got := roundingDoublingHighMul16(a, b); float64(got) != wantR {
			t.Fatalf("SRDHM(%d, %d) = %d, want %v", a, b, got, wantR)
		}
		if got := doublingHighMul16(a, b); float64(got) != wantT {
			t.Fatalf("SDHM(%d, %d) = %d, want %v", a, b, got, wantT)
		}
	}
	for v := -32768; v < 32768; v++ {
		x := int16(v)
		for e := range 16 {
			// Round to nearest, ties away from zero, as the int32 version.
			if got, want := roundingDivideByPOT16(x, e), RoundingDivideByPOT(int32(x), e); int32(got) != want {
				t.Fatalf("RDBPOT16(%d, %d) = %d, want %d", x, e, got, want)
			}
			want := min(max(float64(x)*math.Ldexp(1, e), -32768), 32767)
			if got := saturatingLeftShift16(x, e); float64(got) != want {
				t.Fatalf("SaturatingLeftShift(%d, %d) = %d, want %v", x, e, got, want)
			}
		}
		// Exponents of 16 and more: the reference's truncated mask.
		want := int16(1)
		if x < 0 {
			want = -1
		}
		if got := roundingDivideByPOT16(x, 20); got != want {
			t.Fatalf("RDBPOT16(%d, 20) = %d, want %d", x, got, want)
		}
		if got, want := saturatingLeftShift16(x, 40), min(max(float64(x)*math.Ldexp(1, 40), -32768), 32767); float64(got) != want {
			t.Fatalf("SaturatingLeftShift(%d, 40) = %d, want %v", x, got, want)
		}
	}
	if downScaleToQ15(math.MaxInt32) != 32767 || downScaleToQ15(1<<30) != 1<<14 || downScaleToQ15(0x7FFF7FFF) != 32767 || downScaleToQ15(0x7FFE8000) != 32767 || downScaleToQ15(0x7FFE7FFF) != 32766 {
		t.Error("downScaleToQ15 rounding or saturation is off")
	}
}

// TestLeakyReluParamsFloat32 checks the real multipliers are evaluated in
// float32 before QuantizeMultiplier, as TFLite Micro's prepare does
// (input->params.scale * params->alpha / output->params.scale are float
// fields): in double precision these scales give other Q31 multipliers.
func TestLeakyReluParamsFloat32(t *testing.T) {
	is, os, alpha := float32(0.05), float32(0.03), float32(0.2)
	p, err := NewLeakyReluParams(is, 3, os, -20, alpha)
	if err != nil {
		t.Fatal(err)
	}
	idF32 := is / os
	alphaF32 := is * alpha / os
	wantID, wantIDShift := QuantizeMultiplier(float64(idF32))
	wantA, wantAShift := QuantizeMultiplier(float64(alphaF32))
	if p.IdentityMultiplier != wantID || p.IdentityShift != wantIDShift || p.AlphaMultiplier != wantA || p.AlphaShift != wantAShift {
		t.Errorf("params %+v, want identity (%d, %d), alpha (%d, %d)", p, wantID, wantIDShift, wantA, wantAShift)
	}
	if m, _ := QuantizeMultiplier(float64(is) / float64(os)); m == wantID {
		t.Error("float64 gives the same identity multiplier; pick scales that tell them apart")
	}
	if p.InputZeroPoint != 3 || p.OutputZeroPoint != -20 {
		t.Errorf("zero points %d, %d", p.InputZeroPoint, p.OutputZeroPoint)
	}
	// A negative alpha makes a negative multiplier: negative inputs come
	// out positive.
	p, err = NewLeakyReluParams(0.1, 0, 0.1, 0, -0.5)
	if err != nil {
		t.Fatal(err)
	}
	if lut := NewLeakyReluInt8(p); lut[uint8(0xF6)] != 5 || lut[10] != 10 { // -10 → 5
		t.Errorf("alpha -0.5: leaky(-10) = %d, leaky(10) = %d, want 5, 10", lut[uint8(0xF6)], lut[10])
	}
}
