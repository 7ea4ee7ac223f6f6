package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Tiling of the generic int8 convolution and depthwise kernels: every tile
// size against the reference kernels, and the scratch bounds.

// TestConvInt8Tiles runs random convolutions in tiles of 1 to 9 pixel
// triples against the reference: tiles that end inside a triple, pixel
// counts that are no multiple of a tile, single output pixels.
func TestConvInt8Tiles(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for iter := range 400 {
		inC := 1 + r.IntN(6)
		groups := 1
		if inC%2 == 0 && r.IntN(4) == 0 {
			groups = 2
		}
		outC := groups * (1 + r.IntN(9))
		g := cvRandGeom(r, inC, outC)
		if iter%5 == 0 { // a single output pixel
			g.Batches, g.InH, g.InW, g.PadH, g.PadW = 1, g.KH, g.KW, 0, 0
			g.DilationH, g.DilationW, g.OutH, g.OutW = 1, 1, 1, 1
		}
		fic := inC / groups
		k := g.KH * g.KW * fic
		w := cvRandInt8s(r, outC*k, -127, 127)
		q, rq := cvRandQuant(r, outC, r.IntN(5) != 0)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		want := cvRefConvInt8(g, fic, w, q, in)
		p := &ConvInt8Params{ConvGeom: g, FilterInC: fic, Weights: w, Bias: FoldBias(q.bias, w, k, q.zx), InZero: q.zx, Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		for triples := 1; triples <= 9; triples++ {
			out, check := cvGuarded[int8](len(want), 0x55)
			convInt8Tiled(p, triples, in, out, cvScratch(convInt8TiledScratch(p, triples), iter%8))
			check(t)
			if i := cvFirstDiff(out, want); i >= 0 {
				t.Fatalf("iter %d %+v groups %d, %d triples: out[%d] = %d, want %d", iter, g, groups, triples, i, out[i], want[i])
			}
		}
	}
}

// TestConvInt8ScratchIsSmall checks that the convolution's scratch is one
// tile of convInt8TileBytes (or one triple, if larger) and a row of zero
// points.
func TestConvInt8ScratchIsSmall(t *testing.T) {
	for _, s := range cvBenchShapes {
		if s.dw {
			continue
		}
		g := ConvGeom{Batches: 1, InH: s.h, InW: s.w, InC: s.ic, OutC: s.oc, KH: s.kh, KW: s.kw, StrideH: s.s, StrideW: s.s, DilationH: 1, DilationW: 1}
		g.OutH, g.PadH = WindowOutput(true, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, 1)
		k := g.KH * g.KW * g.InC
		p := &ConvInt8Params{ConvGeom: g, FilterInC: g.InC, Weights: make([]int8, g.OutC*k), Bias: make([]int32, g.OutC)}
		got := convInt8GenericScratch(p)
		if limit := max(convInt8TileBytes, 24*k) + 7 + g.KW*g.InC; got > limit {
			t.Errorf("%s: %d bytes of scratch, want at most %d", s.name, got, limit)
		}
	}
}

// TestDepthwiseInt8Tilings runs random depthwise convolutions in every
// tiling (columns per tile, channels per block, tiled weights, lane sums
// moved or not) against the reference: tile and block edges, a last tile
// or block narrower than the rest, tiles of a single column or channel,
// weights tiled past the end of a tile.
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
		// Blocks of inCh input channels (depth multiplier 1), or of one input
		// channel and outs of its outputs.
		blocks := inC
		if mult > 1 {
			blocks = mult
		}
		for cols := 1; cols <= g.OutW; cols++ {
			for size := 1; size <= blocks; size++ {
				for _, v := range []struct {
					reps int
					sums bool
				}{{1, false}, {1, true}, {2, false}, {cols, false}, {3, true}} {
					if mult > 1 && v.reps > 1 {
						continue // tiled weights are for depth multiplier 1
					}
					tl := dwTiling{cols: cols, inCh: size, mult: 1, reps: v.reps, sums: v.sums}
					if mult > 1 {
						tl.inCh, tl.mult = 1, size
					}
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

// TestDepthwiseTilingWithin checks the tilings chosen for random layers and
// scratch limits: they fit the limit whenever one column of one channel
// does, and they are valid.
func TestDepthwiseTilingWithin(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for range 3000 {
		inC := 1 + r.IntN(300)
		mult := 1
		if r.IntN(4) == 0 {
			mult = 1 + r.IntN(8)
		}
		g := cvRandGeom(r, inC, inC*mult)
		g.InW = 1 + r.IntN(200)
		g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, g.DilationW)
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: mult, Weights: make([]int8, g.KH*g.KW*g.OutC)}
		limit := r.IntN(20000)
		tl := dwTilingWithin(p, limit)
		least := dwTiling{cols: 1, inCh: 1, mult: 1, reps: 1, sums: tl.sums}
		switch {
		case tl.cols < 1 || tl.cols > g.OutW || tl.inCh < 1 || tl.inCh > g.InC || tl.mult < 1 || tl.mult > mult || tl.reps < 1:
			t.Fatalf("%+v mult %d limit %d: tiling %+v", g, mult, limit, tl)
		case mult > 1 && (tl.inCh != 1 || tl.reps != 1):
			t.Fatalf("%+v mult %d: tiling %+v, want one input channel per block and weights in place", g, mult, tl)
		case mult == 1 && tl.mult != 1:
			t.Fatalf("%+v: tiling %+v, want blocks of whole channels", g, tl)
		case tl.reps > 1 && (tl.inCh >= dwTileBelow || tl.reps*tl.inCh > dwRepeat+tl.inCh-1 || tl.reps > tl.cols):
			t.Fatalf("%+v: tiling %+v tiles too many weights", g, tl)
		case least.scratch(p) <= limit && tl.scratch(p) > limit:
			t.Fatalf("%+v mult %d: tiling %+v needs %d bytes, limit %d", g, mult, tl, tl.scratch(p), limit)
		}
	}
}

// TestDepthwiseInt8ModelLayers runs the depthwise layers of the
// conformance models on the generic kernel against the reference, in the
// tiles it chooses, and checks their scratch against dwScratchLimit.
func TestDepthwiseInt8ModelLayers(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	for _, s := range dwModelShapes {
		g := dwShapeGeom(s)
		w := cvRandInt8s(r, g.KH*g.KW*g.OutC, -127, 127)
		q, rq := cvRandQuant(r, g.OutC, true)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		want := cvRefDepthwiseInt8(g, s.m, w, q, in)
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: s.m, Weights: w, Bias: FoldDepthwiseBias(q.bias, w, g.OutC, q.zx), InZero: q.zx, Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		size := depthwiseInt8GenericScratch(p)
		if limit := dwScratchLimit(p); size > limit {
			t.Errorf("%s: %d bytes of scratch, limit %d", s.name, size, limit)
		}
		out, check := cvGuarded[int8](len(want), 0x55)
		depthwiseInt8Generic(p, in, out, cvScratch(size, 3))
		check(t)
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("%s (tiling %+v): out[%d] = %d, want %d", s.name, dwTilingFor(p), i, out[i], want[i])
		}
	}
}

// TestDepthwiseWholeWindowLanes checks dwNeedsSums at its bound: a window
// of more taps than laneChunk is summed in the lanes without a split when
// every channel's Σ|w|·128 fits in 20 bits, here exactly, with inputs (and
// padding) at −128 so that the lane sums reach it.
func TestDepthwiseWholeWindowLanes(t *testing.T) {
	for _, sum := range []int{1<<20/128 - 1, 1 << 20 / 128} { // 8191 fits, 8192 does not
		g := ConvGeom{Batches: 1, InH: 12, InW: 11, InC: 2, OutC: 2, KH: 10, KW: 8, StrideH: 1, StrideW: 2, DilationH: 1, DilationW: 1}
		g.OutH, g.PadH = WindowOutput(true, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, 1)
		taps := g.KH * g.KW
		w := make([]int8, taps*g.OutC)
		for c := range g.OutC {
			left := sum
			for tap := range taps { // weights of one sign, Σ|w| = sum on channel 0
				v := min(left, 127, (sum+taps-1)/taps+c)
				w[tap*g.OutC+c] = int8(-v)
				left -= v
			}
		}
		in := make([]int8, g.inSize())
		for i := range in {
			in[i] = -128
		}
		in[5], in[40] = 127, 3 // some pixels differ
		rq := NewRequant(1, []float32{1}, 1<<14, g.OutC, 0)
		q := &cvQuant{zx: -128, mult: rq.Multiplier, shift: rq.Shift, min: -128, max: 127}
		want := cvRefDepthwiseInt8(g, 1, w, q, in)
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: 1, Weights: w, Bias: FoldDepthwiseBias(nil, w, g.OutC, -128), InZero: -128, Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		if needs := dwNeedsSums(p); needs != (sum*128 > 1<<20-1) {
			t.Errorf("Σ|w| = %d: dwNeedsSums = %v", sum, needs)
		}
		out := make([]int8, len(want))
		depthwiseInt8Generic(p, in, out, make([]byte, depthwiseInt8GenericScratch(p)))
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("Σ|w| = %d: out[%d] = %d, want %d", sum, i, out[i], want[i])
		}
	}
}

// dwShape is a depthwise layer: input h×w×ic, depth multiplier m, window
// kh×kw, stride s, SAME padding.
type dwShape struct {
	name                   string
	h, w, ic, m, kh, kw, s int
}

// dwModelShapes are the depthwise layers of the conformance models.
var dwModelShapes = []dwShape{
	{"kws_25x5x64_3x3", 25, 5, 64, 1, 3, 3, 1},
	{"vww_48x48x8_3x3", 48, 48, 8, 1, 3, 3, 1},
	{"vww_48x48x16_3x3s2", 48, 48, 16, 1, 3, 3, 2},
	{"vww_24x24x32_3x3", 24, 24, 32, 1, 3, 3, 1},
	{"vww_24x24x32_3x3s2", 24, 24, 32, 1, 3, 3, 2},
	{"vww_12x12x64_3x3", 12, 12, 64, 1, 3, 3, 1},
	{"vww_12x12x64_3x3s2", 12, 12, 64, 1, 3, 3, 2},
	{"vww_6x6x128_3x3", 6, 6, 128, 1, 3, 3, 1},
	{"vww_6x6x128_3x3s2", 6, 6, 128, 1, 3, 3, 2},
	{"vww_3x3x256_3x3", 3, 3, 256, 1, 3, 3, 1},
	{"person_96x96x1_3x3s2_m8", 96, 96, 1, 8, 3, 3, 2},
	{"micro_49x40x1_10x8s2_m8", 49, 40, 1, 8, 10, 8, 2},
}

func dwShapeGeom(s dwShape) ConvGeom {
	g := ConvGeom{Batches: 1, InH: s.h, InW: s.w, InC: s.ic, OutC: s.ic * s.m, KH: s.kh, KW: s.kw, StrideH: s.s, StrideW: s.s, DilationH: 1, DilationW: 1}
	g.OutH, g.PadH = WindowOutput(true, g.InH, g.KH, g.StrideH, 1)
	g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, 1)
	return g
}

// BenchmarkDepthwise measures the depthwise layers of the conformance
// models with a depth multiplier (those of multiplier 1 are in
// BenchmarkConv).
func BenchmarkDepthwise(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range dwModelShapes {
		if s.m == 1 {
			continue
		}
		g := dwShapeGeom(s)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		out := make([]int8, g.outSize())
		_, rq := cvRandQuant(r, g.OutC, true)
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: s.m, Weights: cvRandInt8s(r, g.KH*g.KW*g.OutC, -127, 127), Bias: make([]int32, g.OutC), InZero: -128, Requant: rq}
		if err := p.Check(); err != nil {
			b.Fatal(err)
		}
		scratch := make([]byte, DepthwiseInt8ScratchSize(p))
		macs := g.OutH * g.OutW * g.OutC * g.KH * g.KW
		b.Run(fmt.Sprintf("impl=generic/shape=%s", s.name), func(b *testing.B) {
			cvBench(b, macs, func() { DepthwiseInt8(p, in, out, scratch) })
		})
	}
}
