package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// quantGolden quantizes float values as TFLite Micro's test helper
// Quantize does (FloatToQuantizedType: round(v/scale) + zp, clamped).
func quantGolden[T int8 | int16](vals []float32, scale float32, zp int32) []T {
	lo, hi := int32(math.MinInt8), int32(math.MaxInt8)
	var z T
	if _, ok := any(z).(int16); ok {
		lo, hi = math.MinInt16, math.MaxInt16
	}
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = T(min(max(int32(math.Round(float64(v/scale)))+zp, lo), hi))
	}
	return out
}

func mustBroadcast(t *testing.T, a, b []int) *Broadcast {
	t.Helper()
	p, err := NewBroadcast(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return &p
}

// broadcastIndex maps an output index to the two input indices the numpy
// way, straight from the definition.
func broadcastIndex(out, a, b []int, o int) (ia, ib int) {
	n := len(out)
	idx := make([]int, n)
	for d := n - 1; d >= 0; d-- {
		idx[d] = o % out[d]
		o /= out[d]
	}
	flat := func(s []int) int {
		k := 0
		for d := 0; d < len(s); d++ {
			i := idx[n-len(s)+d]
			if s[d] == 1 {
				i = 0
			}
			k = k*s[d] + i
		}
		return k
	}
	return flat(a), flat(b)
}

func numel(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// randBroadcastShapes returns two random shapes that broadcast together.
func randBroadcastShapes(r *rand.Rand) (a, b []int) {
	n := 1 + r.IntN(MaxBroadcastDims)
	out := make([]int, n)
	for i := range out {
		out[i] = 1 + r.IntN(4)
	}
	mk := func() []int {
		k := n - r.IntN(n+1) // drop leading dims sometimes
		s := slices.Clone(out[n-k:])
		for i := range s {
			if r.IntN(3) == 0 {
				s[i] = 1
			}
		}
		return s
	}
	return mk(), mk()
}

func TestBroadcastShape(t *testing.T) {
	for _, tt := range []struct {
		a, b, want []int
		ok         bool
	}{
		{[]int{2, 3, 1, 2}, []int{1, 1, 3, 2}, []int{2, 3, 3, 2}, true},
		{[]int{2, 3, 1, 2}, []int{}, []int{2, 3, 1, 2}, true},
		{[]int{3}, []int{2, 1}, []int{2, 3}, true},
		{[]int{3}, []int{4}, nil, false},
		{[]int{1, 1, 1, 1, 1, 1, 2}, []int{2}, []int{1, 1, 1, 1, 1, 1, 2}, true},
		{[]int{2, 1, 2, 1, 2, 1, 2}, []int{1, 2, 1, 2, 1, 2, 1}, nil, false}, // 7 alternating dims
	} {
		got, err := BroadcastShape(tt.a, tt.b)
		if tt.want != nil && (err != nil || !slices.Equal(got, tt.want)) {
			t.Errorf("BroadcastShape(%v, %v) = %v, %v; want %v", tt.a, tt.b, got, err, tt.want)
		}
		if _, err := NewBroadcast(tt.a, tt.b); tt.ok != (err == nil) {
			t.Errorf("NewBroadcast(%v, %v) error %v, want ok=%v", tt.a, tt.b, err, tt.ok)
		}
	}
}

// TestBroadcastIndexing checks the merged-row walk against numpy's
// definition: each output element must combine the right input elements.
func TestBroadcastIndexing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for it := 0; it < 2000; it++ {
		a, b := randBroadcastShapes(r)
		out, err := BroadcastShape(a, b)
		if err != nil {
			t.Fatal(err)
		}
		p := mustBroadcast(t, a, b)
		if p.Size() != numel(out) {
			t.Fatalf("%v %v: size %d, want %d", a, b, p.Size(), numel(out))
		}
		// Encode element indices in int32 values: out = x*4096 + y.
		x := make([]int32, numel(a))
		y := make([]int32, numel(b))
		for i := range x {
			x[i] = int32(i)
		}
		for i := range y {
			y[i] = int32(i)
		}
		got := make([]int32, p.Size())
		BinaryInt32(OpMul, p, addConst(x, 1), addConst(y, 0), got, math.MinInt32, math.MaxInt32)
		sum := make([]int32, p.Size())
		BinaryInt32(OpAdd, p, scaleConst(x, 4096), y, sum, math.MinInt32, math.MaxInt32)
		for o := range sum {
			ia, ib := broadcastIndex(out, a, b, o)
			if want := int32(ia)*4096 + int32(ib); sum[o] != want {
				t.Fatalf("%v + %v → %v: element %d combines (%d, %d), want (%d, %d)", a, b, out, o, sum[o]/4096, sum[o]%4096, ia, ib)
			}
			if want := int32(ia+1) * int32(ib); got[o] != want {
				t.Fatalf("%v * %v: element %d = %d, want %d", a, b, o, got[o], want)
			}
		}
	}
}

func addConst(x []int32, c int32) []int32 {
	y := make([]int32, len(x))
	for i := range x {
		y[i] = x[i] + c
	}
	return y
}

func scaleConst(x []int32, c int32) []int32 {
	y := make([]int32, len(x))
	for i := range x {
		y[i] = x[i] * c
	}
	return y
}

// refAddSub is TFLite's quantized ADD/SUB written straight from the
// reference formula, with its own multiplier computation.
func refAddSub(a, b int32, s1, s2, so float32, z1, z2, zo int32, bits int, sub bool, lo, hi int32) int32 {
	leftShift := 20
	if bits == 16 {
		leftShift = 15
	}
	var m1, m2, mo float64
	if sub {
		tm := 2 * max(s1, s2)
		m1, m2 = float64(s1/tm), float64(s2/tm)
		mo = float64(tm / (float32(int(1)<<leftShift) * so))
	} else {
		tm := 2 * float64(max(s1, s2))
		m1, m2 = float64(s1)/tm, float64(s2)/tm
		mo = tm / (float64(int(1)<<leftShift) * float64(so))
	}
	q := func(m float64) (int32, int) { return QuantizeMultiplier(m) }
	q1, sh1 := q(m1)
	q2, sh2 := q(m2)
	qo, sho := q(mo)
	x1 := RoundingDivideByPOT(SaturatingRoundingDoublingHighMul((a-z1)*(1<<leftShift), q1), -sh1)
	x2 := RoundingDivideByPOT(SaturatingRoundingDoublingHighMul((b-z2)*(1<<leftShift), q2), -sh2)
	raw := x1 + x2
	if sub {
		raw = x1 - x2
	}
	v := RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(raw, qo), -sho) + zo
	return min(hi, max(lo, v))
}

func refMul(a, b int32, s1, s2, so float32, z1, z2, zo int32, lo, hi int32) int32 {
	m, sh := QuantizeMultiplier(float64(s1) * float64(s2) / float64(so))
	return min(hi, max(lo, zo+MultiplyByQuantizedMultiplier((a-z1)*(b-z2), m, sh)))
}

func rndScale(r *rand.Rand) float32 {
	return float32(math.Ldexp(0.5+r.Float64(), -1-r.IntN(10)))
}

// TestAddSubMulInt8Random compares the kernels with the reference formulas
// over random shapes, scales, zero points and activation clamps.
func TestAddSubMulInt8Random(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for it := 0; it < 400; it++ {
		a, b := randBroadcastShapes(r)
		p := mustBroadcast(t, a, b)
		x, y := rndInt8s(r, numel(a)), rndInt8s(r, numel(b))
		out, _ := BroadcastShape(a, b)
		s1, s2, so := rndScale(r), rndScale(r), rndScale(r)
		z1, z2, zo := int32(r.IntN(256)-128), int32(r.IntN(256)-128), int32(r.IntN(256)-128)
		lo, hi := int32(math.MinInt8), int32(math.MaxInt8)
		if r.IntN(2) == 0 {
			lo, hi = int32(r.IntN(100)-128), int32(r.IntN(100)+27)
		}
		for _, op := range []string{"add", "sub", "mul"} {
			got := make([]int8, p.Size())
			switch op {
			case "add", "sub":
				var ap AddParams
				var err error
				if op == "add" {
					ap, err = NewAddParams(s1, z1, s2, z2, so, zo, 8)
				} else {
					ap, err = NewSubParams(s1, z1, s2, z2, so, zo, 8)
				}
				if err != nil {
					continue // output scale too small for these inputs
				}
				ap.ActivationMin, ap.ActivationMax = lo, hi
				if op == "add" {
					AddInt8(&ap, p, x, y, got)
				} else {
					SubInt8(&ap, p, x, y, got)
				}
			case "mul":
				mp, err := NewMulParams(s1, z1, s2, z2, so, zo, 8)
				if err != nil {
					t.Fatal(err)
				}
				mp.ActivationMin, mp.ActivationMax = lo, hi
				MulInt8(&mp, p, x, y, got)
			}
			for o := range got {
				ia, ib := broadcastIndex(out, a, b, o)
				va, vb := int32(x[ia]), int32(y[ib])
				var want int32
				if op == "mul" {
					want = refMul(va, vb, s1, s2, so, z1, z2, zo, lo, hi)
				} else {
					want = refAddSub(va, vb, s1, s2, so, z1, z2, zo, 8, op == "sub", lo, hi)
				}
				if int32(got[o]) != want {
					t.Fatalf("%s %v %v scales %g %g %g zps %d %d %d: out[%d] = %d, want %d", op, a, b, s1, s2, so, z1, z2, zo, o, got[o], want)
				}
			}
		}
	}
}

func TestAddSubMulInt16Random(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for it := 0; it < 200; it++ {
		a, b := randBroadcastShapes(r)
		p := mustBroadcast(t, a, b)
		x, y := rndInt16s(r, numel(a)), rndInt16s(r, numel(b))
		out, _ := BroadcastShape(a, b)
		s1, s2, so := rndScale(r), rndScale(r), rndScale(r)
		for _, op := range []string{"add", "sub", "mul"} {
			got := make([]int16, p.Size())
			var err error
			switch op {
			case "add":
				var ap AddParams
				if ap, err = NewAddParams(s1, 0, s2, 0, so, 0, 16); err == nil {
					AddInt16(&ap, p, x, y, got)
				}
			case "sub":
				var ap AddParams
				if ap, err = NewSubParams(s1, 0, s2, 0, so, 0, 16); err == nil {
					SubInt16(&ap, p, x, y, got)
				}
			case "mul":
				var mp MulParams
				if mp, err = NewMulParams(s1, 0, s2, 0, so, 0, 16); err == nil {
					MulInt16(&mp, p, x, y, got)
				}
			}
			if err != nil {
				continue
			}
			for o := range got {
				ia, ib := broadcastIndex(out, a, b, o)
				va, vb := int32(x[ia]), int32(y[ib])
				var want int32
				if op == "mul" {
					want = refMul(va, vb, s1, s2, so, 0, 0, 0, math.MinInt16, math.MaxInt16)
				} else {
					want = refAddSub(va, vb, s1, s2, so, 0, 0, 0, 16, op == "sub", math.MinInt16, math.MaxInt16)
				}
				if int32(got[o]) != want {
					t.Fatalf("%s int16 %v %v: out[%d] = %d, want %d", op, a, b, o, got[o], want)
				}
			}
		}
	}
}

func rndInt8s(r *rand.Rand, n int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(r.IntN(256) - 128)
	}
	return s
}

func rndInt16s(r *rand.Rand, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(r.IntN(65536) - 32768)
	}
	return s
}

// Golden vectors from TFLite Micro's add_test.cc: inputs and expected
// outputs are floats quantized with the test's scales; TFLite Micro
// matches them exactly (tolerance 1e-5 on integers).
var addBroadcastInput1 = []float32{-0.3, 2.3, 0.9, 0.5, 0.8, -1.1, 1.2, 2.8, -1.6, 0.0, 0.7, -2.2}
var addBroadcastInput2 = []float32{0.2, 0.3, -0.4, 0.5, 1.0, 0.9}
var addBroadcastCases = []struct {
	shape2, out []int
	golden      []float32
}{
	{[]int{1, 1, 3, 2}, []int{2, 3, 3, 2}, []float32{-0.1, 2.6, -0.7, 2.8, 0.7, 3.2, 1.1, 0.8, 0.5, 1.0, 1.9, 1.4,
		1.0, -0.8, 0.4, -0.6, 1.8, -0.2, 1.4, 3.1, 0.8, 3.3, 2.2, 3.7,
		-1.4, 0.3, -2.0, 0.5, -0.6, 0.9, 0.9, -1.9, 0.3, -1.7, 1.7, -1.3}},
	{[]int{1, 3, 1, 2}, []int{2, 3, 1, 2}, []float32{-0.1, 2.6, 0.5, 1.0, 1.8, -0.2, 1.4, 3.1, -2.0, 0.5, 1.7, -1.3}},
	{[]int{2, 1, 3, 1}, []int{2, 3, 3, 2}, []float32{-0.1, 2.5, 0.0, 2.6, -0.7, 1.9, 1.1, 0.7, 1.2, 0.8, 0.5, 0.1,
		1.0, -0.9, 1.1, -0.8, 0.4, -1.5, 1.7, 3.3, 2.2, 3.8, 2.1, 3.7,
		-1.1, 0.5, -0.6, 1.0, -0.7, 0.9, 1.2, -1.7, 1.7, -1.2, 1.6, -1.3}},
	{[]int{2, 3, 1, 1}, []int{2, 3, 1, 2}, []float32{-0.1, 2.5, 1.2, 0.8, 0.4, -1.5, 1.7, 3.3, -0.6, 1.0, 1.6, -1.3}},
}

func TestAddTFLMGoldens(t *testing.T) {
	shape1 := []int{2, 3, 1, 2}
	for i, c := range addBroadcastCases {
		p := mustBroadcast(t, shape1, c.shape2)
		// Float.
		got := make([]float32, p.Size())
		BinaryFloat32(OpAdd, p, addBroadcastInput1, addBroadcastInput2, got, -math.MaxFloat32, math.MaxFloat32)
		for k := range got {
			if math.Abs(float64(got[k]-c.golden[k])) > 1e-5 {
				t.Errorf("float case %d: out[%d] = %g, want %g", i, k, got[k], c.golden[k])
			}
		}
		// int8, QuantizedAddWithMixedBroadcastInt8.
		x := quantGolden[int8](addBroadcastInput1, 0.1, -10)
		y := quantGolden[int8](addBroadcastInput2, 0.05, -5)
		want := quantGolden[int8](c.golden, 0.1, 7)
		ap, err := NewAddParams(0.1, -10, 0.05, -5, 0.1, 7, 8)
		if err != nil {
			t.Fatal(err)
		}
		got8 := make([]int8, p.Size())
		AddInt8(&ap, p, x, y, got8)
		if !slices.Equal(got8, want) {
			t.Errorf("int8 case %d: got %v, want %v", i, got8, want)
		}
		// int16, QuantizedAddWithMixedBroadcastInt16.
		x16 := quantGolden[int16](addBroadcastInput1, 0.1, 0)
		y16 := quantGolden[int16](addBroadcastInput2, 0.05, 0)
		want16 := quantGolden[int16](c.golden, 0.1, 0)
		ap, err = NewAddParams(0.1, 0, 0.05, 0, 0.1, 0, 16)
		if err != nil {
			t.Fatal(err)
		}
		got16 := make([]int16, p.Size())
		AddInt16(&ap, p, x16, y16, got16)
		if !slices.Equal(got16, want16) {
			t.Errorf("int16 case %d: got %v, want %v", i, got16, want16)
		}
	}

	// QuantizedAddNoActivationInt8 / QuantizedAddActivationRelu1Int8.
	in1 := []float32{-2.01, -1.01, -0.01, 0.98}
	in2 := []float32{1.01, 1.99, 2.99, 4.02}
	for _, tc := range []struct {
		golden []float32
		lo, hi int32
	}{
		{[]float32{-1, 1, 3, 5}, -128, 127},
		{[]float32{-1, 1, 1, 1}, 13 - 1, 13 + 1}, // ReLU_N1_TO_1 at scale 1, zp 13
	} {
		p := mustBroadcast(t, []int{1, 2, 2, 1}, []int{1, 2, 2, 1})
		ap, err := NewAddParams(0.25, -10, 0.5, 4, 1.0, 13, 8)
		if err != nil {
			t.Fatal(err)
		}
		ap.ActivationMin, ap.ActivationMax = tc.lo, tc.hi
		got := make([]int8, 4)
		AddInt8(&ap, p, quantGolden[int8](in1, 0.25, -10), quantGolden[int8](in2, 0.5, 4), got)
		if want := quantGolden[int8](tc.golden, 1.0, 13); !slices.Equal(got, want) {
			t.Errorf("int8 add: got %v, want %v", got, want)
		}
	}

	// QuantizedAddWithScalarBroadcastInt8 over its four shapes.
	for _, shape := range [][]int{{6}, {2, 3}, {2, 1, 3}, {1, 3, 1, 2}} {
		p := mustBroadcast(t, shape, []int{})
		ap, err := NewAddParams(0.1, -8, 0.05, 4, 0.05, 12, 8)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int8, 6)
		AddInt8(&ap, p, quantGolden[int8]([]float32{-2.0, 0.2, 0.7, 0.8, 1.1, 2.0}, 0.1, -8), quantGolden[int8]([]float32{0.1}, 0.05, 4), got)
		if want := quantGolden[int8]([]float32{-1.9, 0.3, 0.8, 0.9, 1.2, 2.1}, 0.05, 12); !slices.Equal(got, want) {
			t.Errorf("scalar broadcast %v: got %v, want %v", shape, got, want)
		}
	}
}

// TestMulTFLMGoldens uses mul_test.cc's vectors (tolerance 1 there).
func TestMulTFLMGoldens(t *testing.T) {
	p := mustBroadcast(t, []int{1, 2, 2, 1}, []int{1, 2, 2, 1})
	mp, err := NewMulParams(0.01, 0, 0.01, 0, 0.01, 0, 8)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int8, 4)
	MulInt8(&mp, p, quantGolden[int8]([]float32{-0.8, 0.2, 0.9, 0.7}, 0.01, 0), quantGolden[int8]([]float32{0.6, 0.4, 0.9, 0.8}, 0.01, 0), got)
	checkNearInts(t, "mul", got, quantGolden[int8]([]float32{-0.48, 0.08, 0.81, 0.56}, 0.01, 0), 1)

	p = mustBroadcast(t, []int{1, 3, 1, 2}, []int{1})
	mp, err = NewMulParams(0.05, 0, 0.05, 0, 0.01, 0, 8)
	if err != nil {
		t.Fatal(err)
	}
	got = make([]int8, 6)
	MulInt8(&mp, p, quantGolden[int8]([]float32{-2.0, 0.2, 0.7, 0.8, 1.1, 2.0}, 0.05, 0), quantGolden[int8]([]float32{0.1}, 0.05, 0), got)
	checkNearInts(t, "mul broadcast", got, quantGolden[int8]([]float32{-0.2, 0.02, 0.07, 0.08, 0.11, 0.2}, 0.01, 0), 1)

	gotf := make([]float32, 4)
	p = mustBroadcast(t, []int{1, 2, 2, 1}, []int{1, 2, 2, 1})
	BinaryFloat32(OpMul, p, []float32{-0.8, 0.2, 0.9, 0.7}, []float32{0.6, 0.4, 0.9, 0.8}, gotf, 0, math.MaxFloat32)
	for i, w := range []float32{0.0, 0.08, 0.81, 0.56} {
		if math.Abs(float64(gotf[i]-w)) > 1e-5 {
			t.Errorf("float mul relu: out[%d] = %g, want %g", i, gotf[i], w)
		}
	}
}

func checkNearInts[T int8 | int16](t *testing.T, what string, got, want []T, tol int) {
	t.Helper()
	for i := range want {
		if d := int(got[i]) - int(want[i]); d > tol || d < -tol {
			t.Errorf("%s: out[%d] = %d, want %d ±%d", what, i, got[i], want[i], tol)
		}
	}
}

func TestAddParamsErrors(t *testing.T) {
	if _, err := NewAddParams(1, 0, 1, 0, 1e-9, 0, 8); err == nil {
		t.Error("tiny output scale accepted")
	}
	if _, err := NewAddParams(0, 0, 1, 0, 1, 0, 8); err == nil {
		t.Error("zero scale accepted")
	}
	if _, err := NewAddParams(1, 200, 1, 0, 1, 0, 8); err == nil {
		t.Error("zero point 200 accepted for int8")
	}
	if _, err := NewMulParams(1, 1, 1, 0, 1, 0, 16); err == nil {
		t.Error("int16 MUL with a zero point accepted")
	}
}

func TestBinaryAllocs(t *testing.T) {
	p := mustBroadcast(t, []int{2, 3, 4, 5}, []int{1, 3, 1, 5})
	x, y, out := make([]int8, 120), make([]int8, 15), make([]int8, 120)
	ap, _ := NewAddParams(0.1, 0, 0.2, 0, 0.3, 0, 8)
	mp, _ := NewMulParams(0.1, 0, 0.2, 0, 0.3, 0, 8)
	xf, yf, of := make([]float32, 120), make([]float32, 15), make([]float32, 120)
	if n := testing.AllocsPerRun(10, func() {
		AddInt8(&ap, p, x, y, out)
		SubInt8(&ap, p, x, y, out)
		MulInt8(&mp, p, x, y, out)
		BinaryFloat32(OpAdd, p, xf, yf, of, 0, 6)
	}); n != 0 {
		t.Errorf("%v allocations per run, want 0", n)
	}
}

func BenchmarkAddInt8(b *testing.B) {
	for _, c := range []struct {
		name string
		a, s []int
	}{
		{"same", []int{1, 32, 32, 64}, []int{1, 32, 32, 64}},
		{"channel", []int{1, 32, 32, 64}, []int{64}},
	} {
		b.Run("shape="+c.name, func(b *testing.B) {
			p, _ := NewBroadcast(c.a, c.s)
			x, y, out := make([]int8, numel(c.a)), make([]int8, numel(c.s)), make([]int8, p.Size())
			ap, _ := NewAddParams(0.1, 3, 0.2, -4, 0.3, 5, 8)
			b.ReportAllocs()
			b.SetBytes(int64(p.Size()))
			for b.Loop() {
				AddInt8(&ap, &p, x, y, out)
			}
		})
	}
}
