package kernels

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// The assembly reads dwArgs at these offsets (dwconv_arm64.s).
func TestDwArgsLayout(t *testing.T) {
	if unsafe.Sizeof(0) != 8 {
		t.Skip("only the arm64 assembly reads the argument blocks")
	}
	var a dwArgs
	for _, f := range []struct {
		name      string
		off, want uintptr
	}{
		{"vzp32", unsafe.Offsetof(a.vzp32), 0},
		{"vzp16", unsafe.Offsetof(a.vzp16), 16},
		{"vlo", unsafe.Offsetof(a.vlo), 32},
		{"vhi", unsafe.Offsetof(a.vhi), 48},
		{"taps", unsafe.Offsetof(a.taps), 64},
		{"x", unsafe.Offsetof(a.x), 136},
		{"rowStride", unsafe.Offsetof(a.rowStride), 144},
		{"step", unsafe.Offsetof(a.step), 152},
		{"w", unsafe.Offsetof(a.w), 160},
		{"params", unsafe.Offsetof(a.params), 168},
		{"blocks", unsafe.Offsetof(a.blocks), 176},
		{"tail", unsafe.Offsetof(a.tail), 184},
		{"out", unsafe.Offsetof(a.out), 192},
		{"outRowStride", unsafe.Offsetof(a.outRowStride), 200},
		{"outStep", unsafe.Offsetof(a.outStep), 208},
		{"outH", unsafe.Offsetof(a.outH), 216},
		{"outW", unsafe.Offsetof(a.outW), 224},
		{"flags", unsafe.Offsetof(a.flags), 232},
	} {
		if f.off != f.want {
			t.Errorf("dwArgs.%s at offset %d, the assembly reads %d", f.name, f.off, f.want)
		}
	}
}

// randDepthwiseCase returns a random depthwise convolution the SIMD core
// handles: depth multiplier 1, windows of up to 9 taps.
func randDepthwiseCase(r *rand.Rand) (*DepthwiseInt8Params, []int8) {
	c := 1 + r.IntN(48)
	var g ConvGeom
	for {
		g = cvRandGeom(r, c, c)
		if r.IntN(3) == 0 {
			g.InH, g.InW = 1+r.IntN(20), 1+r.IntN(20)
		}
		if g.KH*g.KW > dwTaps {
			continue
		}
		same := r.IntN(2) == 0
		g.OutH, g.PadH = WindowOutput(same, g.InH, g.KH, g.StrideH, g.DilationH)
		g.OutW, g.PadW = WindowOutput(same, g.InW, g.KW, g.StrideW, g.DilationW)
		if g.OutH > 0 && g.OutW > 0 {
			break
		}
	}
	w := cvRandInt8s(r, g.KH*g.KW*c, -127, 127)
	switch r.IntN(4) { // half of the time the wide core
	case 0:
		w[r.IntN(len(w))] = -128
	case 1:
		w = cvRandInt8s(r, len(w), -128, -128)
	}
	q, rq := cvRandQuant(r, c, r.IntN(5) != 0)
	if r.IntN(2) == 0 { // per-channel shifts of both signs: the general requantization
		for i := range rq.Shift {
			rq.Shift[i] = int32(r.IntN(7) - 5)
		}
		rq.Shift[r.IntN(c)] = int32(r.IntN(2))
		q.shift = rq.Shift
	}
	in := cvRandInt8s(r, g.inSize(), -128, 127)
	if r.IntN(8) == 0 {
		for i := range in {
			in[i] = -128
		}
	}
	p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: 1, Weights: w, Bias: FoldDepthwiseBias(q.bias, w, c, q.zx), InZero: q.zx, Requant: rq}
	if err := p.Check(); err != nil {
		panic(err)
	}
	return p, in
}

// checkDepthwisePacked runs p on the SIMD core (or, without assembly, its
// generic twin) and compares with the generic kernel.
func checkDepthwisePacked(t *testing.T, p *DepthwiseInt8Params, in []int8, scratchOff int) {
	t.Helper()
	want := make([]int8, p.outSize())
	depthwiseInt8Generic(p, in, want, make([]byte, depthwiseInt8GenericScratch(p)))
	for _, dot := range []bool{false, true} {
		if dot && useNEON && !useDotProd {
			continue // the CPU has no dot product
		}
		pk := packDepthwise(p, dot)
		out, check := cvGuarded[int8](len(want), 0x55)
		inCopy := slices.Clone(in)
		depthwiseInt8Packed(p, pk, in, out, cvScratch(depthwiseInt8PackedScratch(p), scratchOff))
		check(t)
		if !slices.Equal(in, inCopy) {
			t.Fatal("input changed")
		}
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("%+v kind %d: out[%d] = %d, generic %d", p.ConvGeom, pk.kind, i, out[i], want[i])
		}
	}
}

func TestDepthwiseInt8PackedMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for iter := range 2000 {
		p, in := randDepthwiseCase(r)
		checkDepthwisePacked(t, p, in, iter%8)
	}
}

// The depthwise core's requantization equals the generic one on the
// extreme cases of TestGemmRequantExtremes: a 1×1 window whose weights are
// 0 makes every accumulator its bias.
func TestDepthwiseRequantExtremes(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for _, rightOnly := range []bool{false, true} {
		mult, shift, acc := requantCases(rightOnly)
		r.Shuffle(len(acc), func(i, j int) {
			mult[i], mult[j] = mult[j], mult[i]
			shift[i], shift[j] = shift[j], shift[i]
			acc[i], acc[j] = acc[j], acc[i]
		})
		const c = 37
		for c0 := 0; c0 < len(acc); c0 += c {
			n := min(c, len(acc)-c0)
			g := ConvGeom{Batches: 1, InH: 2, InW: 3, InC: n, OutH: 2, OutW: 3, OutC: n, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}
			rq := Requant{Multiplier: mult[c0 : c0+n], Shift: shift[c0 : c0+n], ZeroPoint: int32(r.IntN(256) - 128), Min: -128, Max: 127}
			if r.IntN(2) == 0 {
				rq.Min = int32(r.IntN(200) - 128)
				rq.Max = rq.Min + int32(r.IntN(127-int(rq.Min)+1))
			}
			p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: 1, Weights: make([]int8, n), Bias: acc[c0 : c0+n], Requant: rq}
			if err := p.Check(); err != nil {
				t.Fatal(err)
			}
			if pk := packDepthwise(p, false); pk.rightOnly != rightOnly {
				t.Fatalf("right-only %v, want %v", pk.rightOnly, rightOnly)
			}
			checkDepthwisePacked(t, p, cvRandInt8s(r, g.inSize(), -128, 127), 0)
		}
	}
}

// FuzzDepthwiseInt8Packed runs the SIMD depthwise core and the generic
// kernel on a convolution drawn from the fuzzer's bytes.
func FuzzDepthwiseInt8Packed(f *testing.F) {
	for i := range 8 {
		f.Add(uint64(i), uint64(3*i+2))
	}
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		r := rand.New(rand.NewPCG(s1, s2))
		p, in := randDepthwiseCase(r)
		checkDepthwisePacked(t, p, in, int(s1%8))
	})
}
