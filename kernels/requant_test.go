package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// requantize applies a one-channel requantization.
func requantize(x, m, shift int32) int32 {
	r := Requant{Multiplier: []int32{m}, Shift: []int32{shift}}
	r.unpack()
	return r.ch[0].apply(x)
}

// TestRequantizeMatchesTFLite compares the branch-free requantization with
// MultiplyByQuantizedMultiplier (the reference formulation) on random and
// extreme values.
func TestRequantizeMatchesTFLite(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	xs := []int32{0, 1, -1, 2, -2, math.MaxInt32, math.MinInt32, math.MaxInt32 - 1, math.MinInt32 + 1, 1 << 30, -1 << 30}
	ms := []int32{0, 1, 1 << 30, math.MaxInt32, 1<<30 + 1, 1518500250}
	for i := range 2000000 {
		x := int32(r.Uint32())
		switch i % 4 {
		case 1:
			x >>= r.IntN(32)
		case 2:
			x = xs[r.IntN(len(xs))]
		}
		m := int32(r.Uint32() >> 1)
		if i%5 == 0 {
			m = ms[r.IntN(len(ms))]
		}
		shift := int32(r.IntN(62) - 31)
		if i%3 == 0 {
			shift = int32(r.IntN(12) - 11)
		}
		want := MultiplyByQuantizedMultiplier(x, m, int(shift))
		if got := requantize(x, m, shift); got != want {
			t.Fatalf("requantize(%d, %d, %d) = %d, want %d", x, m, shift, got, want)
		}
	}
}

func TestRequantCheck(t *testing.T) {
	ok := Requant{Multiplier: []int32{1 << 30}, Shift: []int32{-3}, Min: -128, Max: 127}
	if err := ok.Prepare(1); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Requant{
		{Multiplier: []int32{-1}, Shift: []int32{0}, Min: -128, Max: 127},
		{Multiplier: []int32{1}, Shift: []int32{31}, Min: -128, Max: 127},
		{Multiplier: []int32{1}, Shift: []int32{-32}, Min: -128, Max: 127},
		{Multiplier: []int32{1}, Shift: []int32{0}, Min: 5, Max: 4},
		{Multiplier: []int32{1, 2}, Shift: []int32{0}, Min: -128, Max: 127},
	} {
		if err := bad.Prepare(len(bad.Multiplier)); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

func TestActivationRangeQuantized(t *testing.T) {
	for _, tc := range []struct {
		act    Activation
		scale  float32
		zp     int32
		lo, hi int32
	}{
		{ActNone, 0.1, 3, -128, 127},
		{ActRelu, 0.1, -128, -128, 127},
		{ActRelu, 0.1, 3, 3, 127},
		{ActRelu6, 0.05, -128, -128, -8},       // 6/0.05 = 120 → -128+120
		{ActRelu6, 0.0235294, -128, -128, 127}, // 6/scale = 255 → clamped
		{ActReluN1To1, 0.01, 0, -100, 100},
		{ActReluN1To1, 0.5, 10, 8, 12},
		{ActRelu6, 0.04, 0, 0, 127}, // 150 → 127
	} {
		lo, hi, err := ActivationRangeQuantized(tc.act, tc.scale, tc.zp, -128, 127)
		if err != nil || lo != tc.lo || hi != tc.hi {
			t.Errorf("%v scale %g zp %d: [%d, %d] %v, want [%d, %d]", tc.act, tc.scale, tc.zp, lo, hi, err, tc.lo, tc.hi)
		}
	}
	if _, _, err := ActivationRangeQuantized(4, 0.1, 0, -128, 127); err == nil {
		t.Error("tanh accepted as a clamp")
	}
}

// TestRequantizeRowPaths checks every specialised row loop against the
// reference formula.
func TestRequantizeRowPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for iter := range 2000 {
		n := 1 + r.IntN(40)
		rq := Requant{Multiplier: make([]int32, n), Shift: make([]int32, n), ZeroPoint: int32(r.IntN(256) - 128), Min: -128, Max: 127}
		if r.IntN(2) == 0 {
			rq.Min, rq.Max = int32(r.IntN(100)-128), int32(r.IntN(100))
		}
		kind := iter % 4 // 0 uniform right, 1 per-channel right, 2 some left shifts, 3 some zero shifts
		for c := range n {
			rq.Multiplier[c] = int32(1<<30 + r.IntN(1<<30))
			rq.Shift[c] = int32(-1 - r.IntN(20))
			switch kind {
			case 0:
				if c > 0 {
					rq.Multiplier[c], rq.Shift[c] = rq.Multiplier[0], rq.Shift[0]
				}
			case 2:
				if r.IntN(3) == 0 {
					rq.Shift[c] = int32(r.IntN(4))
				}
			case 3:
				if r.IntN(3) == 0 {
					rq.Shift[c] = 0
				}
			}
		}
		if err := rq.Prepare(n); err != nil {
			t.Fatal(err)
		}
		acc := make([]int32, n)
		bias := make([]int32, n)
		for c := range n {
			acc[c] = int32(r.Uint32()) >> r.IntN(32)
			bias[c] = int32(r.IntN(1<<20) - 1<<19)
		}
		for _, b := range [][]int32{bias, nil} {
			dst := make([]int8, n)
			RequantizeRowInt8(dst, acc, b, &rq)
			for c := range n {
				x := acc[c]
				if b != nil {
					x += b[c]
				}
				v := MultiplyByQuantizedMultiplier(x, rq.Multiplier[c], int(rq.Shift[c])) + rq.ZeroPoint
				if want := int8(min(max(v, rq.Min), rq.Max)); dst[c] != want {
					t.Fatalf("iter %d kind %d channel %d: got %d, want %d", iter, kind, c, dst[c], want)
				}
			}
		}
	}
}

func BenchmarkRequantizeRowInt8(b *testing.B) {
	const n = 64
	for _, uniform := range []bool{true, false} {
		rq := Requant{Multiplier: make([]int32, n), Shift: make([]int32, n), Min: -128, Max: 127}
		for c := range n {
			rq.Multiplier[c], rq.Shift[c] = int32(1<<30+c*12345), -7
			if !uniform {
				rq.Shift[c] = int32(-7 - c%3)
			}
		}
		rq.Prepare(n)
		acc := make([]int32, n)
		bias := make([]int32, n)
		for c := range acc {
			acc[c] = int32(c * 1000)
		}
		dst := make([]int8, n)
		b.Run(fmt.Sprintf("uniform=%v", uniform), func(b *testing.B) {
			cvBench(b, 0, func() { RequantizeRowInt8(dst, acc, bias, &rq) })
		})
	}
}
