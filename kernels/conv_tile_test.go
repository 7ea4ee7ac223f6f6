package kernels

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"unsafe"
)

func BenchmarkDepthwiseTilingSweep(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct {
		name                        string
		h, w, ic, m, kh, kw, stride int
		tilings                     [][2]int
	}{
		{"kws_25x5x64_3x3", 25, 5, 64, 1, 3, 3, 1, [][2]int{{5, 64}, {5, 32}, {5, 16}, {5, 8}, {3, 32}, {3, 16}}},
		{"vww_48x48x16_3x3", 48, 48, 16, 1, 3, 3, 1, [][2]int{{48, 16}, {24, 16}, {16, 16}, {12, 16}, {8, 16}, {6, 16}, {16, 8}, {12, 8}, {24, 8}}},
		{"vww_24x24x64_3x3s2", 24, 24, 64, 1, 3, 3, 2, [][2]int{{12, 64}, {12, 16}, {6, 32}, {6, 16}, {4, 16}, {12, 8}}},
		{"vww_6x6x128_3x3", 6, 6, 128, 1, 3, 3, 1, [][2]int{{6, 128}, {6, 32}, {6, 16}, {6, 8}, {3, 32}, {3, 16}}},
	} {
		g := ConvGeom{Batches: 1, InH: s.h, InW: s.w, InC: s.ic, OutC: s.ic * s.m, KH: s.kh, KW: s.kw, StrideH: s.stride, StrideW: s.stride, DilationH: 1, DilationW: 1}
		g.OutH, g.PadH = WindowOutput(true, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, 1)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		out := make([]int8, g.outSize())
		_, rq := cvRandQuant(r, g.OutC, true)
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: s.m, Weights: cvRandInt8s(r, g.KH*g.KW*g.OutC, -60, 60), Bias: make([]int32, g.OutC), InZero: -128, Requant: rq}
		if err := p.Check(); err != nil {
			b.Fatal(err)
		}
		macs := g.OutH * g.OutW * g.OutC * g.KH * g.KW
		olds := make([]byte, old_depthwiseInt8GenericScratch(p))
		b.Run(fmt.Sprintf("shape=%s/old/B=%d", s.name, len(olds)), func(b *testing.B) {
			cvBench(b, macs, func() { old_depthwiseInt8Generic(p, in, out, olds) })
		})
		for _, tc := range s.tilings {
			t := dwTiling{cols: tc[0], inCh: tc[1]}
			scratch := make([]byte, t.scratch(p))
			b.Run(fmt.Sprintf("shape=%s/cols=%d/inCh=%d/B=%d", s.name, t.cols, t.inCh, len(scratch)), func(b *testing.B) {
				cvBench(b, macs, func() { depthwiseInt8Tiled(p, t, in, out, scratch) })
			})
		}
	}
}

func threadNanos() int64 {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

// TestDepthwiseInterleaved (temporary) times the old kernel, whole-row
// tiles and the default tiling, alternating in short batches.
func TestDepthwiseInterleaved(t *testing.T) {
	if os.Getenv("DWAB") == "" {
		t.Skip()
	}
	only := os.Getenv("DWAB")
	runtime.LockOSThread()
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct {
		name                        string
		h, w, ic, m, kh, kw, stride int
	}{
		{"kws_25x5x64_3x3", 25, 5, 64, 1, 3, 3, 1},
		{"vww_48x48x8_3x3", 48, 48, 8, 1, 3, 3, 1},
		{"vww_48x48x16_3x3s2", 48, 48, 16, 1, 3, 3, 2},
		{"vww_24x24x32_3x3", 24, 24, 32, 1, 3, 3, 1},
		{"vww_24x24x32_3x3s2", 24, 24, 32, 1, 3, 3, 2},
		{"vww_12x12x64_3x3", 12, 12, 64, 1, 3, 3, 1},
		{"vww_12x12x64_3x3s2", 12, 12, 64, 1, 3, 3, 2},
		{"vww_6x6x128_3x3", 6, 6, 128, 1, 3, 3, 1},
		{"vww_3x3x256_3x3", 3, 3, 256, 1, 3, 3, 1},
		{"person_96x96x1_3x3s2_m8", 96, 96, 1, 8, 3, 3, 2},
		{"micro_49x40x1_10x8s2_m8", 49, 40, 1, 8, 10, 8, 2},
	} {
		if only != "1" && only != s.name {
			continue
		}
		g := ConvGeom{Batches: 1, InH: s.h, InW: s.w, InC: s.ic, OutC: s.ic * s.m, KH: s.kh, KW: s.kw, StrideH: s.stride, StrideW: s.stride, DilationH: 1, DilationW: 1}
		g.OutH, g.PadH = WindowOutput(true, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, 1)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		out := make([]int8, g.outSize())
		_, rq := cvRandQuant(r, g.OutC, true)
		for c := range rq.Shift {
			rq.Shift[c] = -min(max(-rq.Shift[c], 1), 30)
		}
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: s.m, Weights: cvRandInt8s(r, g.KH*g.KW*g.OutC, -60, 60), Bias: make([]int32, g.OutC), InZero: -128, Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		olds := make([]byte, old_depthwiseInt8GenericScratch(p))
		full := dwTiling{cols: g.OutW, inCh: g.InC, sums: dwNeedsSums(p)}
		if s.m > 1 {
			full.inCh = 1
		}
		fs := make([]byte, full.scratch(p))
		def := dwTilingFor(p)
		ds := make([]byte, def.scratch(p))
		fns := []func(){
			func() { old_depthwiseInt8Generic(p, in, out, olds) },
			func() { depthwiseInt8Tiled(p, full, in, out, fs) },
			func() { depthwiseInt8Tiled(p, def, in, out, ds) },
		}
		best := []int64{1 << 62, 1 << 62, 1 << 62}
		n := 0
		for t0 := threadNanos(); threadNanos()-t0 < 1e6 && os.Getenv("DWONLY") == ""; n++ {
			fns[0]()
		}
		n = max(n, 1)
		rounds := 300
		if os.Getenv("DWROUNDS") != "" {
			rounds, _ = strconv.Atoi(os.Getenv("DWROUNDS"))
		}
		for range rounds {
			for i, f := range fns {
				if k := os.Getenv("DWONLY"); k != "" && k != strconv.Itoa(i) {
					continue
				}
				t0 := threadNanos()
				for range n {
					f()
				}
				best[i] = min(best[i], (threadNanos()-t0)/int64(n))
			}
		}
		t.Logf("%-26s old %7d (%5d B)  full %7d %+5.1f%% (%5d B)  tiled %7d %+5.1f%% (%5d B, cols %d inCh %d)", s.name,
			best[0], len(olds), best[1], 100*(float64(best[1])/float64(best[0])-1), len(fs),
			best[2], 100*(float64(best[2])/float64(best[0])-1), len(ds), def.cols, def.inCh)
	}
}

// TestDepthwiseInt8Tilings runs random depthwise convolutions in every
// tiling (columns per tile, input channels per block, lane sums moved or
// not) against the reference: tile and block edges, a last tile or block
// narrower than the rest, tiles of a single column or channel.
func TestDepthwiseInt8Tilings(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for iter := range 300 {
		inC := 1 + r.IntN(7)
		mult := 1 + r.IntN(3)
		if r.IntN(2) == 0 {
			mult = 1
		}
		g := cvRandGeom(r, inC, inC*mult)
		if r.IntN(3) == 0 { // wider rows
			g.InW = 10 + r.IntN(20)
			g.OutW, g.PadW = WindowOutput(r.IntN(2) == 0, g.InW, g.KW, g.StrideW, g.DilationW)
			if g.OutW <= 0 {
				continue
			}
		}
		w := cvRandInt8s(r, g.KH*g.KW*g.OutC, -127, 127)
		q, rq := cvRandQuant(r, g.OutC, r.IntN(5) != 0)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		want := cvRefDepthwiseInt8(g, mult, w, q, in)
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: mult, Weights: w, Bias: FoldDepthwiseBias(q.bias, w, g.OutC, q.zx), InZero: q.zx, Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		for cols := 1; cols <= g.OutW; cols++ {
			for inCh := 1; inCh <= inC && (inCh == 1 || mult == 1); inCh++ {
				for _, v := range []struct {
					reps int
					sums bool
				}{{1, false}, {1, true}, {2, false}, {cols, false}, {3, true}} {
					if mult > 1 && v.reps > 1 {
						continue // tiled weights are for depth multiplier 1
					}
					tl := dwTiling{cols: cols, inCh: inCh, reps: v.reps, sums: v.sums}
					out, check := cvGuarded[int8](len(want), 0x55)
					depthwiseInt8Tiled(p, tl, in, out, cvScratch(tl.scratch(p), iter%8))
					check(t)
					if i := cvFirstDiff(out, want); i >= 0 {
						t.Fatalf("iter %d %+v mult %d tiling %+v: out[%d] = %d, want %d", iter, g, mult, tl, i, out[i], want[i])
					}
				}
			}
		}
	}
}

func TestPrintTilings(t *testing.T) {
	for _, s := range []struct{ h, w, ic, m, k, stride int }{
		{25, 5, 64, 1, 3, 1}, {48, 48, 8, 1, 3, 1}, {48, 48, 16, 1, 3, 2}, {24, 24, 32, 1, 3, 1}, {24, 24, 32, 1, 3, 2},
		{12, 12, 64, 1, 3, 1}, {12, 12, 64, 1, 3, 2}, {6, 6, 128, 1, 3, 1}, {6, 6, 128, 1, 3, 2}, {3, 3, 256, 1, 3, 1}, {96, 96, 1, 8, 3, 2},
	} {
		g := ConvGeom{Batches: 1, InH: s.h, InW: s.w, InC: s.ic, OutC: s.ic * s.m, KH: s.k, KW: s.k, StrideH: s.stride, StrideW: s.stride, DilationH: 1, DilationW: 1}
		g.OutH, g.PadH = WindowOutput(true, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, 1)
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: s.m, Weights: make([]int8, g.KH*g.KW*g.OutC)}
		tl := dwTilingFor(p)
		t.Logf("%dx%dx%d m%d s%d -> out %dx%d cols %d inCh %d scratch %d", s.h, s.w, s.ic, s.m, s.stride, g.OutH, g.OutW, tl.cols, tl.inCh, tl.scratch(p))
	}
}
