package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The golden vectors below were produced by an independent C
// transliteration of TFLite Micro's reference_ops::SoftmaxInt16 and
// LUTPopulate<int16_t> (gcc -O2 -ffp-contract=off on x86-64, glibc expf,
// as TFLite Micro's reference build); both of its 513-entry tables equal
// the ones softmax16Tables makes, entry for entry.
var softmax16Goldens = []struct {
	beta, scale float32
	depth       int
	in, out     []int16
}{
	{ // TFLM's 2-D test data, input scale 0.1
		1.0, 0.1, 5,
		[]int16{10, 20, 30, 40, 50, -10, -20, -30, -40, -50},
		[]int16{382, 1039, 2822, 7671, 20853, 20853, 7671, 2822, 1039, 382}},
	{ // full int16 range, scale 2^-12
		1.0, 0.000244140625, 8,
		[]int16{3898, 24837, -3075, -16332, -12891, -31539, -28133, -26111, 27059, -30120, -4297, 31411, 25917, 5810, 11538, 6863, 27229, -3706, -28547, -14531, 9846, -10139, 20612, 5691},
		[]int16{196, 32526, 36, 2, 3, 2, 2, 2, 6992, 1, 3, 20233, 5291, 39, 158, 50, 26879, 14, 2, 2, 386, 3, 5343, 139}},
	{ // scale 0.001, beta 1.5: a positive left shift
		1.5, 0.001, 6,
		[]int16{-11447, 8251, -5372, -9837, 2451, -7272, -802, 6275, 8528, 7708, 7814, -5132, -9797, -2484, -4101, 4889, -4888, -11049},
		[]int16{2, 32753, 2, 2, 6, 2, 1, 669, 19631, 5737, 6727, 1, 2, 2, 2, 32757, 2, 2}},
	{ // scale 3e-5: a right shift; differences span only part of [-10, 0]
		1.0, 3e-05, 7,
		[]int16{-10082, -3406, -16863, -19700, -2437, -10617, -22683, 27183, -27857, -13108, -4829, 5864, 19911, 6131, -5407, -2119, -3964, 24527, 25491, 21240, -31809},
		[]int16{4881, 5962, 3982, 3657, 6138, 4803, 3344, 8770, 1682, 2618, 3357, 4626, 7051, 4664, 3032, 3347, 3166, 7443, 7662, 6744, 1373}},
	{ // scale 0.05: most differences beyond -10
		1.0, 0.05, 5,
		[]int16{254, -321, -14, 339, -94, 108, 3, 139, -254, 34, 203, -111, 322, -271, -314},
		[]int16{461, 2, 2, 32301, 2, 5707, 30, 26888, 2, 141, 85, 2, 32677, 2, 2}},
	{ // near-equal values, depth 40, beta 0.5
		0.5, 0.002, 40,
		[]int16{146, 152, 106, 132, 105, 127, 155, 136, 146, 157, 124, 101, 108, 130, 113, 118, 151, 128, 157, 158, 132, 115, 146, 106, 146, 128, 139, 143, 145, 130, 142, 124, 102, 148, 136, 140, 100, 146, 126, 120},
		[]int16{831, 836, 798, 819, 798, 815, 838, 823, 831, 840, 813, 794, 800, 818, 804, 808, 835, 816, 840, 841, 819, 806, 831, 798, 831, 816, 825, 829, 830, 818, 828, 813, 795, 833, 823, 826, 794, 831, 815, 810}},
	{ // depth 1
		1.0, 0.01, 1,
		[]int16{-26049, 13516, -2437, -28916},
		[]int16{32767, 32767, 32767, 32767}},
	{ // extremes
		1.0, 0.00048828125, 4,
		[]int16{-32768, 32767, 32767, -32768, 0, 0, -1, 1},
		[]int16{1, 16383, 16383, 1, 8192, 8192, 8188, 8196}},
}

func TestSoftmaxInt16Goldens(t *testing.T) {
	for _, g := range softmax16Goldens {
		p, err := NewSoftmaxInt16Params(g.beta, g.scale)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int16, len(g.in))
		SoftmaxInt16(p, g.in, got, g.depth)
		if !slices.Equal(got, g.out) {
			t.Errorf("beta %g scale %g:\n got %v\nwant %v", g.beta, g.scale, got, g.out)
		}
		// In place, as the reference (which caches the exponentials in
		// the output) allows.
		buf := slices.Clone(g.in)
		SoftmaxInt16(p, buf, buf, g.depth)
		if !slices.Equal(buf, g.out) {
			t.Errorf("beta %g scale %g in place:\n got %v\nwant %v", g.beta, g.scale, buf, g.out)
		}
	}
}

// TestSoftmaxInt16TFLMGoldens uses softmax_test.cc's int16 cases: input
// scale 0.1, float goldens quantized to 1/32768, tolerance 1 for the 1-D
// data and TFLM's empirical 7 for the 3-D data.
func TestSoftmaxInt16TFLMGoldens(t *testing.T) {
	cases := []struct {
		depth    int
		in, want []float32
		tol      int
	}{
		{5, []float32{1, 2, 3, 4, 5},
			[]float32{0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647}, 1},
		{5, []float32{
			3, 6, -5, 4, -9, -10, -10, -8, 2, 2, 8, -5, -8, 5, -6, -8, 6, 1, -10, -8,
			7, 6, -10, -4, -5, 2, 7, 9, -9, 7, -4, -2, 8, 2, 2, 3, 6, 6, 2, 4,
			9, 7, -7, 0, 4, -3, 8, 8, -3, -4, -9, -9, 4, -8, -1, -10, -2, 6, -7, 0},
			[]float32{
				0.042009463, 0.843782625, 0.000014093, 0.114193561, 0.000000258,
				0.000003072, 0.000003072, 0.000022699, 0.499985578, 0.499985578,
				0.952571219, 0.000002153, 0.000000107, 0.047425728, 0.000000792,
				0.000000826, 0.993305397, 0.006692839, 0.000000112, 0.000000826,
				0.731046347, 0.268936922, 0.000000030, 0.000012210, 0.000004492,
				0.000717124, 0.106430599, 0.786421666, 0.000000012, 0.106430599,
				0.000006114, 0.000045174, 0.995015917, 0.002466398, 0.002466398,
				0.022595176, 0.453836234, 0.453836234, 0.008312301, 0.061420055,
				0.875505904, 0.118486839, 0.000000099, 0.000108046, 0.005899112,
				0.000008351, 0.499990113, 0.499990113, 0.000008351, 0.000003072,
				0.000002245, 0.000002245, 0.993296627, 0.000006103, 0.006692780,
				0.000000112, 0.000334520, 0.997191323, 0.000002254, 0.002471790}, 7},
	}
	p, err := NewSoftmaxInt16Params(1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		got := make([]int16, len(c.in))
		SoftmaxInt16(p, quantGolden[int16](c.in, 0.1, 0), got, c.depth)
		checkNearInts(t, "softmax int16", got, quantGolden[int16](c.want, 1.0/32768, 0), c.tol)
	}
}

// TestSoftmaxInt16Float compares random rows with the float softmax,
// 32768·exp(x_i - max)/Σ exp(x_j - max), where every difference lies
// inside the exp table's [-10, 0] (beyond it see TestSoftmaxInt16Edges).
// The tables (±1 each, interpolated) and the output rounding keep the
// error below 4 steps.
func TestSoftmaxInt16Float(t *testing.T) {
	const tol = 4
	r := rand.New(rand.NewPCG(16, 8))
	for it := 0; it < 2000; it++ {
		depth := 1 + r.IntN(100)
		scale := float32(math.Pow(10, -5+4*r.Float64()))
		beta := float32(0.25 + 2*r.Float64())
		spread := min(65535, int(9.99/(float64(scale)*float64(beta))))
		if spread < 1 {
			continue
		}
		lo := r.IntN(65536-spread) - 32768
		in := make([]int16, depth)
		for i := range in {
			in[i] = int16(lo + r.IntN(spread+1))
		}
		p, err := NewSoftmaxInt16Params(beta, scale)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int16, depth)
		SoftmaxInt16(p, in, got, depth)
		m := slices.Max(in)
		var sum float64
		e := make([]float64, depth)
		for i, v := range in {
			e[i] = math.Exp(float64(int32(v)-int32(m)) * float64(scale) * float64(beta))
			sum += e[i]
		}
		for i := range e {
			want := min(32768*e[i]/sum, 32767)
			if d := math.Abs(float64(got[i]) - want); d > tol {
				t.Fatalf("beta %g scale %g depth %d: out[%d] = %d, want %.2f ±%d", beta, scale, depth, i, got[i], want, tol)
			}
		}
	}
}

// TestSoftmaxInt16Edges checks outputs derived by hand.
func TestSoftmaxInt16Edges(t *testing.T) {
	p, err := NewSoftmaxInt16Params(1, 1.0/4096)
	if err != nil {
		t.Fatal(err)
	}
	// Equal values: each output is 1/depth (one step of error); depth 1
	// and two equal maxima are exact.
	for _, depth := range []int{1, 2, 3, 4, 10, 100, 1000, SoftmaxInt16MaxDepth} {
		in, out := make([]int16, depth), make([]int16, depth)
		for i := range in {
			in[i] = -1234
		}
		SoftmaxInt16(p, in, out, depth)
		want := min(32768/float64(depth), 32767)
		for i, v := range out {
			if math.Abs(float64(v)-want) > 1 {
				t.Fatalf("depth %d equal values: out[%d] = %d, want %.1f", depth, i, v, want)
			}
		}
	}
	// One dominant value. Its own exponential is not 32768 but 32762:
	// x - max = 0 is the exp table's input 32767, 127/128 of the way from
	// entry 511 (exp(-10/512)·32768 = 32134.2, stored 32133) to 32767.
	// Differences beyond -10 get the table's first entry: exp(-10)·32768
	// = 1.49 rounds to 1, but the segment's midpoint exp(-10+10/1024)·32768
	// = 1.501 rounds to 2 while the interpolation there, (1 + 1.52)/2,
	// rounds to 1, and half that error (rounded away from zero) raises the
	// entry to 2. So the maximum is 32768·32762/(32762+2n) and each of the
	// n others 32768·2/(32762+2n) ≈ 2, within the reciprocal table's step
	// and the output rounding.
	for _, n := range []int{1, 5, 50} {
		in := make([]int16, n+1)
		for i := range in {
			in[i] = math.MinInt16
		}
		in[n/2] = math.MaxInt16
		out := make([]int16, len(in))
		SoftmaxInt16(p, in, out, len(in))
		sum := float64(32762 + 2*n)
		for i, v := range out {
			want := 32768 * 2 / sum
			if i == n/2 {
				want = 32768 * 32762 / sum
			}
			if math.Abs(float64(v)-want) > 1.5 {
				t.Errorf("dominant, %d others: out[%d] = %d, want %.1f", n, i, v, want)
			}
		}
	}
	// Rows are independent; a trailing partial row is left alone.
	in := []int16{0, 0, 5000, 5000, 7}
	out := []int16{9, 9, 9, 9, 9}
	SoftmaxInt16(p, in, out, 2)
	if !slices.Equal(out, []int16{16384, 16384, 16384, 16384, 9}) {
		t.Errorf("two rows of two equal values: got %v", out)
	}
}

// TestSoftmaxInt16Tables checks the tables against their functions: each
// entry is f·32768 rounded (±0.5), moved by at most one step by the
// midpoint correction, and the ends are the values worked out by hand.
func TestSoftmaxInt16Tables(t *testing.T) {
	tabs := softmax16Tables()
	exp, recip := &tabs[0], &tabs[1]
	for i := range exp {
		x := -10 + 10*float64(i)/512
		if d := float64(exp[i]) - 32768*math.Exp(x); math.Abs(d) > 1.51 {
			t.Errorf("exp[%d] = %d, exp(%g)·32768 = %.2f", i, exp[i], x, 32768*math.Exp(x))
		}
		y := float64(i) / 512
		if d := float64(recip[i]) - 32768/(1+y); math.Abs(d) > 1.51 {
			t.Errorf("recip[%d] = %d, 32768/(1+%g) = %.2f", i, recip[i], y, 32768/(1+y))
		}
	}
	// exp(0) and 1/(1+0) are 32768, clamped; 1/(1+1) is 16384.
	if exp[0] != 2 || exp[512] != 32767 || recip[0] != 32767 || recip[512] != 16384 {
		t.Errorf("table ends: exp %d…%d, recip %d…%d; want 2…32767, 32767…16384", exp[0], exp[512], recip[0], recip[512])
	}
	// Entry for entry, the tables equal the C transliteration's (see
	// softmax16Goldens): its sums Σt[i] and Σi·t[i]. One float32 rounding
	// done differently (an FMA, a less exact exp) would move an entry.
	for _, c := range []struct {
		name      string
		t         *lut16
		sum, isum int64
	}{{"exp", exp, 1694030, 781484582}, {"recip", recip, 11653643, 2640032328}} {
		var sum, isum int64
		for i, v := range c.t {
			sum += int64(v)
			isum += int64(i) * int64(v)
		}
		if sum != c.sum || isum != c.isum {
			t.Errorf("%s table: Σt = %d, Σi·t = %d; want %d, %d", c.name, sum, isum, c.sum, c.isum)
		}
	}
}

// TestLUT16Lookup checks the interpolation on linear tables by hand:
// index 256 + v>>7, then (slope·(v&127) + 64) >> 7 added to the entry.
func TestLUT16Lookup(t *testing.T) {
	var up, down lut16
	for i := range up {
		up[i], down[i] = int16(2*i), int16(-2*i)
	}
	cases := []struct {
		t    *lut16
		v    int16
		want int16
	}{
		{&up, math.MinInt16, 0},    // first entry
		{&up, 0, 512},              // entry 256
		{&up, 63, 513},             // 512 + (2·63+64)>>7 = 512 + 1
		{&up, 127, 514},            // 512 + (2·127+64)>>7 = 512 + 2
		{&up, -1, 512},             // entry 255 (510) + (2·127+64)>>7
		{&up, math.MaxInt16, 1024}, // entry 511 (1022) + 2, the 513th entry's slope
		{&down, 31, -512},          // -512 + (-62+64)>>7 = -512 + 0
		{&down, 63, -513},          // -512 + (-126+64)>>7 = -512 - 1
	}
	for _, c := range cases {
		if got := c.t.lookup(c.v); got != c.want {
			t.Errorf("lookup(%d) = %d, want %d", c.v, got, c.want)
		}
	}
}

func TestSoftmaxInt16Params(t *testing.T) {
	// 0.1·65535/10 ≈ 655.35 = 0.64·2^10 (with 0.1 rounded to float32).
	p, err := NewSoftmaxInt16Params(1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	want := float64(float32(0.1)) * 6553.5
	if got := math.Ldexp(float64(p.InputMultiplier), p.InputLeftShift-31); p.InputLeftShift != 10 || math.Abs(got-want) > 1e-6 {
		t.Errorf("multiplier %d shift %d (%.9g), want shift 10 and %.9g", p.InputMultiplier, p.InputLeftShift, got, want)
	}
	for _, c := range []struct{ beta, scale float32 }{
		{0, 0.1}, {-1, 0.1}, {1, float32(math.NaN())}, {1, float32(math.Inf(1))}, {1, 10}, {1e30, 1e30},
	} {
		if _, err := NewSoftmaxInt16Params(c.beta, c.scale); err == nil {
			t.Errorf("beta %g scale %g accepted", c.beta, c.scale)
		}
	}
}

func TestSoftmaxInt16Allocs(t *testing.T) {
	p, _ := NewSoftmaxInt16Params(1, 1.0/4096)
	in, out := make([]int16, 1000), make([]int16, 1000)
	if n := testing.AllocsPerRun(10, func() { SoftmaxInt16(p, in, out, 10) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func BenchmarkSoftmaxInt16(b *testing.B) {
	p, _ := NewSoftmaxInt16Params(1, 1.0/4096)
	in, out := make([]int16, 1000), make([]int16, 1000)
	for i := range in {
		in[i] = int16(i * 37)
	}
	b.ReportAllocs()
	for b.Loop() {
		SoftmaxInt16(p, in, out, 1000)
	}
}
