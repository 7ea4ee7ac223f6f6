package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// The references below are written directly from TFLite's reference
// kernels (reference_integer_ops::ConvPerChannel, DepthwiseConvPerChannel,
// FullyConnected, reference_ops::Conv ...): per-tap (x − zx), taps outside
// the input skipped, MultiplyByQuantizedMultiplier per output.

type cvQuant struct {
	zx, zo   int32
	mult     []int32
	shift    []int32
	bias     []int32 // raw (unfolded), may be nil
	min, max int32
}

func (q *cvQuant) out(acc int32, c int) int8 {
	if q.bias != nil {
		acc += q.bias[c]
	}
	v := MultiplyByQuantizedMultiplier(acc, q.mult[c], int(q.shift[c])) + q.zo
	return int8(min(max(v, q.min), q.max))
}

func cvRefConvInt8(g ConvGeom, fic int, w []int8, q *cvQuant, in []int8) []int8 {
	out := make([]int8, g.outSize())
	groups := g.InC / fic
	perGroup := g.OutC / groups
	for b := range g.Batches {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for oc := range g.OutC {
					grp := oc / perGroup
					var acc int32
					for ky := range g.KH {
						iy := oy*g.StrideH - g.PadH + ky*g.DilationH
						for kx := range g.KW {
							ix := ox*g.StrideW - g.PadW + kx*g.DilationW
							if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
								continue
							}
							for ic := range fic {
								x := int32(in[((b*g.InH+iy)*g.InW+ix)*g.InC+grp*fic+ic])
								wv := int32(w[((oc*g.KH+ky)*g.KW+kx)*fic+ic])
								acc += wv * (x - q.zx)
							}
						}
					}
					out[((b*g.OutH+oy)*g.OutW+ox)*g.OutC+oc] = q.out(acc, oc)
				}
			}
		}
	}
	return out
}

func cvRefDepthwiseInt8(g ConvGeom, mult int, w []int8, q *cvQuant, in []int8) []int8 {
	out := make([]int8, g.outSize())
	for b := range g.Batches {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for ic := range g.InC {
					for m := range mult {
						oc := ic*mult + m
						var acc int32
						for ky := range g.KH {
							for kx := range g.KW {
								iy := oy*g.StrideH - g.PadH + ky*g.DilationH
								ix := ox*g.StrideW - g.PadW + kx*g.DilationW
								if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
									continue
								}
								x := int32(in[((b*g.InH+iy)*g.InW+ix)*g.InC+ic])
								acc += int32(w[(ky*g.KW+kx)*g.OutC+oc]) * (x - q.zx)
							}
						}
						out[((b*g.OutH+oy)*g.OutW+ox)*g.OutC+oc] = q.out(acc, oc)
					}
				}
			}
		}
	}
	return out
}

func cvRefConvFloat(g ConvGeom, fic int, w, bias []float32, lo, hi float32, in []float32) []float32 {
	out := make([]float32, g.outSize())
	groups := g.InC / fic
	perGroup := g.OutC / groups
	for b := range g.Batches {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for oc := range g.OutC {
					grp := oc / perGroup
					var total float32
					for ky := range g.KH {
						iy := oy*g.StrideH - g.PadH + ky*g.DilationH
						for kx := range g.KW {
							ix := ox*g.StrideW - g.PadW + kx*g.DilationW
							if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
								continue
							}
							for ic := range fic {
								total += float32(in[((b*g.InH+iy)*g.InW+ix)*g.InC+grp*fic+ic] * w[((oc*g.KH+ky)*g.KW+kx)*fic+ic])
							}
						}
					}
					if bias != nil {
						total += bias[oc]
					}
					out[((b*g.OutH+oy)*g.OutW+ox)*g.OutC+oc] = min(max(total, lo), hi)
				}
			}
		}
	}
	return out
}

func cvRefDepthwiseFloat(g ConvGeom, mult int, w, bias []float32, lo, hi float32, in []float32) []float32 {
	out := make([]float32, g.outSize())
	for b := range g.Batches {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for ic := range g.InC {
					for m := range mult {
						oc := ic*mult + m
						var total float32
						for ky := range g.KH {
							for kx := range g.KW {
								iy := oy*g.StrideH - g.PadH + ky*g.DilationH
								ix := ox*g.StrideW - g.PadW + kx*g.DilationW
								if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
									continue
								}
								total += float32(in[((b*g.InH+iy)*g.InW+ix)*g.InC+ic] * w[(ky*g.KW+kx)*g.OutC+oc])
							}
						}
						if bias != nil {
							total += bias[oc]
						}
						out[((b*g.OutH+oy)*g.OutW+ox)*g.OutC+oc] = min(max(total, lo), hi)
					}
				}
			}
		}
	}
	return out
}

// cvRandGeom returns a random small window geometry with a valid output.
func cvRandGeom(r *rand.Rand, inC, outC int) ConvGeom {
	for {
		g := ConvGeom{
			Batches: 1 + r.IntN(2), InH: 1 + r.IntN(9), InW: 1 + r.IntN(9), InC: inC, OutC: outC,
			KH: 1 + r.IntN(4), KW: 1 + r.IntN(4), StrideH: 1 + r.IntN(3), StrideW: 1 + r.IntN(3),
			DilationH: 1 + r.IntN(2), DilationW: 1 + r.IntN(2),
		}
		same := r.IntN(2) == 0
		g.OutH, g.PadH = WindowOutput(same, g.InH, g.KH, g.StrideH, g.DilationH)
		g.OutW, g.PadW = WindowOutput(same, g.InW, g.KW, g.StrideW, g.DilationW)
		if g.OutH > 0 && g.OutW > 0 {
			return g
		}
	}
}

func cvRandInt8s(r *rand.Rand, n int, lo, hi int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(lo + r.IntN(hi-lo+1))
	}
	return s
}

// cvRandQuant returns random requantization parameters for n channels
// (per-tensor half of the time) and a matching reference.
func cvRandQuant(r *rand.Rand, n int, withBias bool) (*cvQuant, Requant) {
	q := &cvQuant{zx: int32(r.IntN(256) - 128), zo: int32(r.IntN(256) - 128)}
	scales := []float32{float32(0.0005 + 0.01*r.Float64())}
	if r.IntN(2) == 0 {
		scales = make([]float32, n)
		for i := range scales {
			scales[i] = float32(0.0005 + 0.01*r.Float64())
		}
	}
	outScale := float32(0.02 + 0.2*r.Float64())
	if r.IntN(8) == 0 {
		outScale = float32(0.0001 + 0.0001*r.Float64()) // multipliers > 1
	}
	rq := NewRequant(float32(0.01+0.05*r.Float64()), scales, outScale, n, q.zo)
	q.mult, q.shift = rq.Multiplier, rq.Shift
	q.min, q.max = -128, 127
	if r.IntN(2) == 0 {
		q.min = int32(r.IntN(100) - 128)
		q.max = q.min + int32(r.IntN(127-int(q.min)+1))
	}
	rq.Min, rq.Max = q.min, q.max
	if withBias {
		q.bias = make([]int32, n)
		for i := range q.bias {
			q.bias[i] = int32(r.IntN(1<<17) - 1<<16)
		}
	}
	return q, rq
}

// cvGuarded returns a slice of n elements inside a larger one whose guard
// elements are filled with sentinel, and a check that the guards held.
func cvGuarded[T comparable](n int, sentinel T) ([]T, func(t *testing.T)) {
	const g = 17
	buf := make([]T, n+2*g)
	for i := range buf {
		buf[i] = sentinel
	}
	check := func(t *testing.T) {
		t.Helper()
		for i := range g {
			if buf[i] != sentinel || buf[n+g+i] != sentinel {
				t.Fatalf("write outside the output (guard %d)", i)
			}
		}
	}
	return buf[g : g+n : g+n], check
}

// cvScratch returns size bytes of scratch starting off bytes after
// an 8-byte boundary.
func cvScratch(size, off int) []byte {
	b := make([]int64, (size+off)/8+2)
	return cvBytes(b)[off : off+size]
}

func TestConvInt8MatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 3000 {
		inC := 1 + r.IntN(9)
		groups := 1
		if r.IntN(6) == 0 {
			for _, d := range []int{3, 2} {
				if inC%d == 0 {
					groups = d
					break
				}
			}
		}
		outC := groups * (1 + r.IntN(11))
		g := cvRandGeom(r, inC, outC)
		fic := inC / groups
		k := g.KH * g.KW * fic
		w := cvRandInt8s(r, outC*k, -127, 127)
		if r.IntN(10) == 0 {
			w = cvRandInt8s(r, outC*k, -128, -128)
		}
		q, rq := cvRandQuant(r, outC, r.IntN(5) != 0)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		want := cvRefConvInt8(g, fic, w, q, in)

		p := &ConvInt8Params{ConvGeom: g, FilterInC: fic, Weights: w, Bias: FoldBias(q.bias, w, k, q.zx), InZero: q.zx, Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		out, check := cvGuarded[int8](len(want), 0x55)
		inCopy := slices.Clone(in)
		ConvInt8(p, in, out, cvScratch(ConvInt8ScratchSize(p), iter%8))
		check(t)
		if !slices.Equal(in, inCopy) {
			t.Fatal("input changed")
		}
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("iter %d %+v groups %d: out[%d] = %d, want %d", iter, g, groups, i, out[i], want[i])
		}
	}
}

func TestDepthwiseInt8MatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := range 3000 {
		inC := 1 + r.IntN(11)
		mult := 1 + r.IntN(3)
		if r.IntN(2) == 0 {
			mult = 1
		}
		g := cvRandGeom(r, inC, inC*mult)
		w := cvRandInt8s(r, g.KH*g.KW*g.OutC, -127, 127)
		q, rq := cvRandQuant(r, g.OutC, r.IntN(5) != 0)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		want := cvRefDepthwiseInt8(g, mult, w, q, in)

		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: mult, Weights: w, Bias: FoldDepthwiseBias(q.bias, w, g.OutC, q.zx), InZero: q.zx, Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		out, check := cvGuarded[int8](len(want), 0x55)
		inCopy := slices.Clone(in)
		DepthwiseInt8(p, in, out, cvScratch(DepthwiseInt8ScratchSize(p), iter%8))
		check(t)
		if !slices.Equal(in, inCopy) {
			t.Fatal("input changed")
		}
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("iter %d %+v mult %d: out[%d] = %d, want %d", iter, g, mult, i, out[i], want[i])
		}
	}
}

// TestDepthwiseLargeWindows covers windows of more than laneChunk taps,
// whose lane sums are moved to int32 rows on the way, at extreme values.
func TestDepthwiseLargeWindows(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for iter := range 40 {
		g := ConvGeom{Batches: 1, InH: 12 + r.IntN(8), InW: 9 + r.IntN(4), InC: 1 + r.IntN(5), KH: 8 + r.IntN(3), KW: 8 + r.IntN(3),
			StrideH: 1 + r.IntN(2), StrideW: 1 + r.IntN(2), DilationH: 1, DilationW: 1}
		g.OutC = g.InC
		same := iter%2 == 0 || g.InW < g.KW || g.InH < g.KH
		g.OutH, g.PadH = WindowOutput(same, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(same, g.InW, g.KW, g.StrideW, 1)
		w := cvRandInt8s(r, g.KH*g.KW*g.OutC, -128, -126)
		in := cvRandInt8s(r, g.inSize(), -128, -126)
		if iter%3 == 0 {
			in = cvRandInt8s(r, g.inSize(), -128, 127)
		}
		q, rq := cvRandQuant(r, g.OutC, true)
		q.zx = 127 // padding taps at the other extreme
		for c := range rq.Shift {
			rq.Shift[c] -= 8 // keep the large sums inside the output range
		}
		q.shift = rq.Shift
		want := cvRefDepthwiseInt8(g, 1, w, q, in)
		p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: 1, Weights: w, Bias: FoldDepthwiseBias(q.bias, w, g.OutC, q.zx), InZero: q.zx, Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		out := make([]int8, len(want))
		DepthwiseInt8(p, in, out, make([]byte, DepthwiseInt8ScratchSize(p)))
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("iter %d %+v: out[%d] = %d, want %d", iter, g, i, out[i], want[i])
		}
	}
}

func TestFullyConnectedInt8MatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for iter := range 2000 {
		batches := 1 + r.IntN(5)
		depth := 1 + r.IntN(300)
		oc := 1 + r.IntN(20)
		w := cvRandInt8s(r, oc*depth, -127, 127)
		q, rq := cvRandQuant(r, oc, r.IntN(5) != 0)
		in := cvRandInt8s(r, batches*depth, -128, 127)
		g := ConvGeom{Batches: batches, InH: 1, InW: 1, InC: depth, OutH: 1, OutW: 1, OutC: oc, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}
		want := cvRefConvInt8(g, depth, w, q, in)

		p := &FullyConnectedInt8Params{Batches: batches, Depth: depth, OutC: oc, Weights: w, Bias: FoldBias(q.bias, w, depth, q.zx), Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		out, check := cvGuarded[int8](len(want), 0x55)
		FullyConnectedInt8(p, in, out, cvScratch(FullyConnectedInt8ScratchSize(p), iter%8))
		check(t)
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("iter %d %d×%d→%d: out[%d] = %d, want %d", iter, batches, depth, oc, i, out[i], want[i])
		}
	}
}

// TestLanesAtExtremes drives every packed lane to the largest sums the
// kernels allow, in both signs.
func TestLanesAtExtremes(t *testing.T) {
	for _, tc := range []struct{ x, w int8 }{{-128, -128}, {-128, 127}, {127, -128}, {127, 127}} {
		depth := maxDot
		w := make([]int8, 2*depth)
		for i := range w {
			w[i] = tc.w
		}
		in := make([]int8, 3*depth)
		for i := range in {
			in[i] = tc.x
		}
		in[depth] = -tc.x // make the rows differ a little
		p := &FullyConnectedInt8Params{Batches: 3, Depth: depth, OutC: 2, Weights: w, Bias: make([]int32, 2),
			Requant: Requant{Multiplier: []int32{1 << 30, 1 << 30}, Shift: []int32{-31, -20}, Min: -128, Max: 127}}
		out := make([]int8, 6)
		FullyConnectedInt8(p, in, out, make([]byte, FullyConnectedInt8ScratchSize(p)))
		q := &cvQuant{mult: p.Multiplier, shift: p.Shift, min: -128, max: 127}
		g := ConvGeom{Batches: 3, InH: 1, InW: 1, InC: depth, OutH: 1, OutW: 1, OutC: 2, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}
		if want := cvRefConvInt8(g, depth, w, q, in); !slices.Equal(out, want) {
			t.Errorf("x=%d w=%d: got %v, want %v", tc.x, tc.w, out, want)
		}
	}
}

// TestLaneChunks runs 1×1 convolutions whose depths straddle the lane
// chunks (63 taps for weights with -128, 64 for [-127, 127], more for
// small weights) with every input and weight at an extreme, where a lane
// overflowing its 21 bits would show.
func TestLaneChunks(t *testing.T) {
	for _, tc := range []struct {
		x, w   int8
		depths []int
	}{
		{-128, -128, []int{1, 62, 63, 64, 125, 126, 127, 200}},
		{127, -128, []int{63, 64, 127}},
		{-128, 127, []int{63, 64, 65, 128, 129}},
		{-128, -127, []int{63, 64, 65, 128, 129, 200}},
		{127, 127, []int{64, 65}},
		{-128, -8, []int{1023, 1024, 2047, 2100}},
		{-128, 8, []int{1023, 1024, 2100}},
	} {
		for _, depth := range tc.depths {
			g := ConvGeom{Batches: 1, InH: 1, InW: 7, InC: depth, OutH: 1, OutW: 7, OutC: 5, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}
			w := make([]int8, 5*depth)
			for i := range w {
				w[i] = tc.w
			}
			in := make([]int8, g.inSize())
			for i := range in {
				in[i] = tc.x
			}
			in[3] = 0
			q := &cvQuant{mult: make([]int32, 5), shift: make([]int32, 5), min: -128, max: 127}
			for c := range 5 {
				q.mult[c], q.shift[c] = 1<<30, int32(-16-c)
			}
			rq := Requant{Multiplier: q.mult, Shift: q.shift, Min: -128, Max: 127}
			p := &ConvInt8Params{ConvGeom: g, FilterInC: depth, Weights: w, Bias: make([]int32, 5), Requant: rq}
			if err := p.Check(); err != nil {
				t.Fatal(err)
			}
			out := make([]int8, g.outSize())
			ConvInt8(p, in, out, make([]byte, ConvInt8ScratchSize(p)))
			if want := cvRefConvInt8(g, depth, w, q, in); !slices.Equal(out, want) {
				t.Errorf("depth %d x=%d w=%d (chunk %d): got %v, want %v", depth, tc.x, tc.w, p.laneChunk, out, want)
			}
		}
	}
	for _, tc := range []struct {
		w    []int8
		want int
	}{{[]int8{0}, 8191}, {[]int8{-128}, 63}, {[]int8{127, -127}, 64}, {[]int8{3, -8}, 1023}} {
		if got := laneChunkFor(tc.w); got != tc.want {
			t.Errorf("laneChunkFor(%v) = %d, want %d", tc.w, got, tc.want)
		}
	}
}

func TestConvFloatMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for iter := range 2000 {
		inC := 1 + r.IntN(9)
		groups := 1
		if r.IntN(6) == 0 && inC%2 == 0 {
			groups = 2
		}
		outC := groups * (1 + r.IntN(9))
		g := cvRandGeom(r, inC, outC)
		fic := inC / groups
		w := cvRandFloats(r, outC*g.KH*g.KW*fic)
		var bias []float32
		if r.IntN(4) != 0 {
			bias = cvRandFloats(r, outC)
		}
		lo, hi := cvRandRange(r)
		in := cvRandFloats(r, g.inSize())
		want := cvRefConvFloat(g, fic, w, bias, lo, hi, in)
		p := &ConvFloatParams{ConvGeom: g, FilterInC: fic, Weights: w, Bias: bias, Min: lo, Max: hi}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		out, check := cvGuarded[float32](len(want), 12345)
		ConvFloat(p, in, out, cvScratch(ConvFloatScratchSize(p), iter%8))
		check(t)
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("iter %d %+v: out[%d] = %g, want %g", iter, g, i, out[i], want[i])
		}
	}
}

func TestDepthwiseFloatMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for iter := range 2000 {
		inC := 1 + r.IntN(9)
		mult := 1 + r.IntN(3)
		g := cvRandGeom(r, inC, inC*mult)
		w := cvRandFloats(r, g.KH*g.KW*g.OutC)
		var bias []float32
		if r.IntN(4) != 0 {
			bias = cvRandFloats(r, g.OutC)
		}
		lo, hi := cvRandRange(r)
		in := cvRandFloats(r, g.inSize())
		want := cvRefDepthwiseFloat(g, mult, w, bias, lo, hi, in)
		p := &DepthwiseFloatParams{ConvGeom: g, DepthMul: mult, Weights: w, Bias: bias, Min: lo, Max: hi}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		out, check := cvGuarded[float32](len(want), 12345)
		DepthwiseFloat(p, in, out, cvScratch(DepthwiseFloatScratchSize(p), iter%8))
		check(t)
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("iter %d %+v: out[%d] = %g, want %g", iter, g, i, out[i], want[i])
		}
	}
}

func TestFullyConnectedFloatMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for iter := range 1000 {
		batches, depth, oc := 1+r.IntN(5), 1+r.IntN(100), 1+r.IntN(11)
		w := cvRandFloats(r, oc*depth)
		var bias []float32
		if r.IntN(4) != 0 {
			bias = cvRandFloats(r, oc)
		}
		lo, hi := cvRandRange(r)
		in := cvRandFloats(r, batches*depth)
		g := ConvGeom{Batches: batches, InH: 1, InW: 1, InC: depth, OutH: 1, OutW: 1, OutC: oc, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}
		want := cvRefConvFloat(g, depth, w, bias, lo, hi, in)
		p := &FullyConnectedFloatParams{Batches: batches, Depth: depth, OutC: oc, Weights: w, Bias: bias, Min: lo, Max: hi}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		out, check := cvGuarded[float32](len(want), 12345)
		FullyConnectedFloat(p, in, out)
		check(t)
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("iter %d: out[%d] = %g, want %g", iter, i, out[i], want[i])
		}
	}
}

func TestKernelsDoNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	g := ConvGeom{Batches: 1, InH: 9, InW: 7, InC: 8, OutH: 9, OutW: 7, OutC: 12, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: 1, PadW: 1}
	k := 3 * 3 * 8
	w := cvRandInt8s(r, 12*k, -127, 127)
	_, rq := cvRandQuant(r, 12, true)
	in := cvRandInt8s(r, g.inSize(), -128, 127)
	out := make([]int8, g.outSize())
	conv := &ConvInt8Params{ConvGeom: g, FilterInC: 8, Weights: w, Bias: make([]int32, 12), Requant: rq}
	cs := make([]byte, ConvInt8ScratchSize(conv))
	dg := g
	dg.OutC = 8
	_, drq := cvRandQuant(r, 8, true)
	dw := &DepthwiseInt8Params{ConvGeom: dg, DepthMul: 1, Weights: cvRandInt8s(r, 9*8, -127, 127), Bias: make([]int32, 8), Requant: drq}
	ds := make([]byte, DepthwiseInt8ScratchSize(dw))
	fc := &FullyConnectedInt8Params{Batches: 2, Depth: 36, OutC: 12, Weights: w, Bias: make([]int32, 12), Requant: rq}
	fs := make([]byte, FullyConnectedInt8ScratchSize(fc))
	pg := g
	pg.OutC = 8
	pool := &PoolParams{ConvGeom: pg, Min: -128, Max: 127}
	ps := make([]byte, AvgPoolInt8ScratchSize(pool))
	if n := testing.AllocsPerRun(10, func() {
		ConvInt8(conv, in, out, cs)
		DepthwiseInt8(dw, in, out, ds)
		FullyConnectedInt8(fc, in, out, fs)
		AvgPoolInt8(pool, in, out, ps)
		MaxPoolInt8(pool, in, out)
	}); n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

func cvRandFloats(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func cvRandRange(r *rand.Rand) (float32, float32) {
	switch r.IntN(4) {
	case 0:
		return 0, math.MaxFloat32
	case 1:
		return 0, 6
	case 2:
		return -1, 1
	}
	return -math.MaxFloat32, math.MaxFloat32
}

func cvFirstDiff[T comparable](got, want []T) int {
	if len(got) != len(want) {
		return 0
	}
	for i := range got {
		if got[i] != want[i] {
			return i
		}
	}
	return -1
}

func TestWindowOutput(t *testing.T) {
	for _, tc := range []struct {
		same                                   bool
		in, filter, stride, dilation, out, pad int
	}{
		{true, 49, 10, 2, 1, 25, 4},  // KWS first layer: total padding 9, 4 before
		{false, 49, 10, 2, 1, 20, 0}, // (49+2-10)/2
		{true, 96, 3, 2, 1, 48, 0},   // total padding 1, 0 before
		{true, 5, 3, 1, 2, 5, 2},     // effective filter 5
		{false, 5, 3, 1, 2, 1, 0},
		{false, 2, 3, 1, 1, 0, 0},
	} {
		out, pad := WindowOutput(tc.same, tc.in, tc.filter, tc.stride, tc.dilation)
		if out != tc.out || pad != tc.pad {
			t.Errorf("WindowOutput(%v, %d, %d, %d, %d) = %d, %d, want %d, %d", tc.same, tc.in, tc.filter, tc.stride, tc.dilation, out, pad, tc.out, tc.pad)
		}
	}
}

// Benchmarks: layer shapes from the conformance models.

type cvShape struct {
	name                    string
	h, w, ic, oc, kh, kw, s int
	dw                      bool
}

var cvBenchShapes = []cvShape{
	{"kws_conv1_49x10x1_10x4s2_64", 49, 10, 1, 64, 10, 4, 2, false},
	{"kws_pw_25x5x64_1x1_64", 25, 5, 64, 64, 1, 1, 1, false},
	{"vww_pw_24x24x32_1x1_64", 24, 24, 32, 64, 1, 1, 1, false},
	{"vww_pw_6x6x128_1x1_256", 6, 6, 128, 256, 1, 1, 1, false},
	{"resnet_32x32x16_3x3_16", 32, 32, 16, 16, 3, 3, 1, false},
	{"resnet_16x16x32_3x3_32", 16, 16, 32, 32, 3, 3, 1, false},
	{"vww_conv1_96x96x3_3x3s2_8", 96, 96, 3, 8, 3, 3, 2, false},
	{"kws_dw_25x5x64_3x3", 25, 5, 64, 64, 3, 3, 1, true},
	{"vww_dw_48x48x16_3x3", 48, 48, 16, 16, 3, 3, 1, true},
	{"vww_dw_24x24x64_3x3s2", 24, 24, 64, 64, 3, 3, 2, true},
}

func BenchmarkConv(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range cvBenchShapes {
		g := ConvGeom{Batches: 1, InH: s.h, InW: s.w, InC: s.ic, OutC: s.oc, KH: s.kh, KW: s.kw, StrideH: s.s, StrideW: s.s, DilationH: 1, DilationW: 1}
		g.OutH, g.PadH = WindowOutput(true, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, 1)
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		out := make([]int8, g.outSize())
		_, rq := cvRandQuant(r, g.OutC, true)
		var run func()
		var macs int
		if s.dw {
			p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: 1, Weights: cvRandInt8s(r, g.KH*g.KW*g.OutC, -127, 127), Bias: make([]int32, g.OutC), InZero: -128, Requant: rq}
			scratch := make([]byte, DepthwiseInt8ScratchSize(p))
			run = func() { DepthwiseInt8(p, in, out, scratch) }
			macs = g.OutH * g.OutW * g.OutC * g.KH * g.KW
		} else {
			k := g.KH * g.KW * g.InC
			p := &ConvInt8Params{ConvGeom: g, FilterInC: g.InC, Weights: cvRandInt8s(r, g.OutC*k, -127, 127), Bias: make([]int32, g.OutC), InZero: -128, Requant: rq}
			scratch := make([]byte, ConvInt8ScratchSize(p))
			run = func() { ConvInt8(p, in, out, scratch) }
			macs = g.OutH * g.OutW * g.OutC * k
		}
		b.Run(fmt.Sprintf("impl=generic/shape=%s", s.name), func(b *testing.B) { cvBench(b, macs, run) })
	}
}

func BenchmarkFullyConnected(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct{ batches, depth, oc int }{{1, 640, 128}, {1, 128, 128}, {1, 256, 2}, {4, 640, 128}} {
		_, rq := cvRandQuant(r, s.oc, true)
		p := &FullyConnectedInt8Params{Batches: s.batches, Depth: s.depth, OutC: s.oc, Weights: cvRandInt8s(r, s.oc*s.depth, -127, 127), Bias: make([]int32, s.oc), Requant: rq}
		in := cvRandInt8s(r, s.batches*s.depth, -128, 127)
		out := make([]int8, s.batches*s.oc)
		scratch := make([]byte, FullyConnectedInt8ScratchSize(p))
		macs := s.batches * s.depth * s.oc
		b.Run(fmt.Sprintf("impl=generic/shape=%dx%d_%d", s.batches, s.depth, s.oc), func(b *testing.B) {
			cvBench(b, macs, func() { FullyConnectedInt8(p, in, out, scratch) })
		})
	}
}

func cvBytes(b []int64) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), len(b)*8)
}

// cvThreadCPU returns the CPU time the calling OS thread has used, so
// benchmarks can report it as well as wall time (shared machines).
func cvThreadCPU() time.Duration {
	b, err := os.ReadFile("/proc/thread-self/schedstat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	ns, _ := strconv.ParseInt(f[0], 10, 64)
	return time.Duration(ns)
}

// cvBench runs f as a benchmark reporting MACs/op, GMAC/s and the thread
// CPU time per op (cpu-ns/op), which stays meaningful on a loaded machine.
func cvBench(b *testing.B, macs int, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	start := cvThreadCPU()
	for b.Loop() {
		f()
	}
	cpu := float64(cvThreadCPU()-start) / float64(b.N)
	b.ReportMetric(cpu, "cpu-ns/op")
	if macs > 0 {
		b.ReportMetric(float64(macs), "MACs/op")
		if cpu > 0 {
			b.ReportMetric(float64(macs)/cpu, "GMAC/cpu-s")
		}
	}
}
