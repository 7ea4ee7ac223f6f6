package kernels

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSymmetricQuantizeFloats(t *testing.T) {
	q := make([]int8, 3)
	s := SymmetricQuantizeFloats([]float32{0.5, -1, 0.25}, q)
	if s != 1.0/127 || q[0] != 64 || q[1] != -127 || q[2] != 32 {
		t.Fatalf("scale %v q %v", s, q)
	}
	s = SymmetricQuantizeFloats([]float32{0, 0}, q)
	if s != 1 || q[0] != 0 || q[1] != 0 {
		t.Fatalf("zeros: scale %v q %v", s, q)
	}
}

func TestAsymmetricQuantizeFloats(t *testing.T) {
	q := make([]int8, 4)
	s, off := AsymmetricQuantizeFloats([]float32{0, 1, 2, -1}, q)
	// rmin -1, rmax 2: scale 3/255, zero point -128 + 1/(3/255) = -43.
	if s != float32(3.0/255) || off != -43 {
		t.Fatalf("scale %v offset %d", s, off)
	}
	want := []int8{-43, 42, 127, -128}
	for i := range want {
		if q[i] != want[i] {
			t.Fatalf("q = %v, want %v", q, want)
		}
	}
	// All positive: the range is widened to include 0 (offset -128).
	s, off = AsymmetricQuantizeFloats([]float32{1, 2}, q)
	if off != -128 || s != float32(2.0/255) || q[1] != 127 {
		t.Fatalf("positive: scale %v offset %d q %v", s, off, q[:2])
	}
	s, off = AsymmetricQuantizeFloats([]float32{0, 0, 0}, q)
	if s != 1 || off != 0 || q[0] != 0 {
		t.Fatalf("zeros: %v %d", s, off)
	}
}

func randFloats(r *rand.Rand, n int, scale float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = (r.Float32()*2 - 1) * scale
	}
	return x
}

func randWeights(r *rand.Rand, n int) []int8 {
	w := make([]int8, n)
	for i := range w {
		w[i] = int8(r.IntN(255) - 127)
	}
	return w
}

// quantizeRef is the input quantization the hybrid kernels use.
func quantizeRef(x []float32, asym bool) ([]int8, float32, int32) {
	q := make([]int8, len(x))
	if asym {
		s, off := AsymmetricQuantizeFloats(x, q)
		return q, s, off
	}
	return q, SymmetricQuantizeFloats(x, q), 0
}

func TestHybridFC(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		batches, depth, outC int
		perChannel, asym     bool
	}{
		{1, 1, 1, false, false}, {1, 17, 5, false, false}, {3, 64, 10, true, false},
		{2, 33, 7, false, true}, {4, 128, 3, true, true},
		// One batch, lane-packed: rows beyond a tile, taps beyond a lane chunk.
		{1, 200, 14, true, true}, {1, 784, 13, false, false},
	} {
		p := &HybridFCParams{Batches: tc.batches, Depth: tc.depth, OutC: tc.outC, Weights: randWeights(r, tc.depth*tc.outC),
			Bias: randFloats(r, tc.outC, 1), Asymmetric: tc.asym, Min: -3, Max: 3}
		p.Scales = []float32{0.01}
		if tc.perChannel {
			p.Scales = randFloats(r, tc.outC, 0.02)
		}
		p.RowSums = RowSums(p.Weights, tc.outC, tc.depth)
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		in := randFloats(r, tc.batches*tc.depth, 2)
		in[0] = 0
		out := make([]float32, tc.batches*tc.outC)
		HybridFC(p, in, out, make([]byte, HybridFCScratchSize(p)))
		for b := 0; b < tc.batches; b++ {
			xq, s, off := quantizeRef(in[b*tc.depth:(b+1)*tc.depth], tc.asym)
			for c := 0; c < tc.outC; c++ {
				var acc int32
				var exact float64
				for d := 0; d < tc.depth; d++ {
					acc += int32(p.Weights[c*tc.depth+d]) * (int32(xq[d]) - off)
					exact += float64(p.Weights[c*tc.depth+d]) * float64(in[b*tc.depth+d])
				}
				ws := channelScale(p.Scales, c)
				want := min(max(p.Bias[c]+float32(acc)*(s*ws), p.Min), p.Max)
				got := out[b*tc.outC+c]
				if math.Abs(float64(got-want)) > 1e-5*math.Max(1, math.Abs(float64(want))) {
					t.Fatalf("%+v: out[%d][%d] = %v, want %v", tc, b, c, got, want)
				}
				// And close to the float layer with dequantized weights.
				f := float32(math.Min(math.Max(float64(p.Bias[c])+exact*float64(ws), -3), 3))
				// Each term errs by at most |w|·ws·s/2 <= ws·max|x|/2 (max|x| <= 2).
				if math.Abs(float64(got-f)) > float64(tc.depth)*math.Abs(float64(ws))+1e-5 {
					t.Fatalf("%+v: out[%d][%d] = %v, float %v", tc, b, c, got, f)
				}
			}
		}
	}
}

func TestHybridConv(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, tc := range []struct {
		g    ConvGeom
		asym bool
	}{
		{ConvGeom{Batches: 1, InH: 5, InW: 4, InC: 3, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: 1, PadW: 1, OutH: 5, OutW: 4, OutC: 4}, true},
		{ConvGeom{Batches: 2, InH: 9, InW: 7, InC: 2, KH: 4, KW: 2, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 2, PadH: 1, PadW: 0, OutH: 5, OutW: 3, OutC: 3}, false},
		{ConvGeom{Batches: 1, InH: 6, InW: 6, InC: 1, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, OutH: 6, OutW: 6, OutC: 8}, true},
		// 72 taps: more than one lane chunk; 6 channels: a group of 4 and 2 single ones.
		{ConvGeom{Batches: 2, InH: 7, InW: 6, InC: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: 1, PadW: 1, OutH: 7, OutW: 6, OutC: 6}, true},
	} {
		g := tc.g
		k := g.KH * g.KW * g.InC
		p := &HybridConvParams{ConvGeom: g, Weights: randWeights(r, g.OutC*k), Bias: randFloats(r, g.OutC, 1), Asymmetric: tc.asym,
			Min: float32(math.Inf(-1)), Max: float32(math.Inf(1))}
		p.Scales = []float32{0.02}
		if tc.asym {
			p.Scales = randFloats(r, g.OutC, 0.03)
		}
		p.RowSums = RowSums(p.Weights, g.OutC, k)
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		in := randFloats(r, g.Batches*g.InH*g.InW*g.InC, 1)
		for i := range in {
			in[i] += 0.5 // mostly positive, so the offset matters
		}
		out := make([]float32, g.Batches*g.OutH*g.OutW*g.OutC)
		HybridConv(p, in, out, make([]byte, HybridConvScratchSize(p)))
		img := g.InH * g.InW * g.InC
		for b := 0; b < g.Batches; b++ {
			xq, s, off := quantizeRef(in[b*img:(b+1)*img], tc.asym)
			for y := 0; y < g.OutH; y++ {
				for x := 0; x < g.OutW; x++ {
					for oc := 0; oc < g.OutC; oc++ {
						var acc int32
						for ky := 0; ky < g.KH; ky++ {
							for kx := 0; kx < g.KW; kx++ {
								iy, ix := y*g.StrideH-g.PadH+ky*g.DilationH, x*g.StrideW-g.PadW+kx*g.DilationW
								if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
									continue
								}
								for ic := 0; ic < g.InC; ic++ {
									acc += int32(p.Weights[((oc*g.KH+ky)*g.KW+kx)*g.InC+ic]) * (int32(xq[(iy*g.InW+ix)*g.InC+ic]) - off)
								}
							}
						}
						var want float32
						if tc.asym {
							want = float32(float32(acc)*channelScale(p.Scales, oc)*s) + p.Bias[oc]
						} else {
							want = float32(float32(acc)*(s*p.Scales[0])) + p.Bias[oc]
						}
						got := out[((b*g.OutH+y)*g.OutW+x)*g.OutC+oc]
						if got != want {
							t.Fatalf("%+v: out[%d][%d][%d][%d] = %v, want %v", tc, b, y, x, oc, got, want)
						}
					}
				}
			}
		}
	}
}

func TestHybridDepthwise(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, g := range []ConvGeom{
		{Batches: 1, InH: 5, InW: 5, InC: 3, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: 1, PadW: 1, OutH: 5, OutW: 5},
		{Batches: 2, InH: 8, InW: 6, InC: 2, KH: 3, KW: 2, StrideH: 2, StrideW: 1, DilationH: 2, DilationW: 1, PadH: 2, PadW: 0, OutH: 4, OutW: 5},
		// More taps than float32 sums exactly: the integer loop.
		{Batches: 1, InH: 24, InW: 23, InC: 5, KH: 24, KW: 23, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, OutH: 1, OutW: 1},
	} {
		for _, mult := range []int{1, 2} {
			g.OutC = g.InC * mult
			p := &HybridDepthwiseParams{ConvGeom: g, DepthMul: mult, Weights: randWeights(r, g.KH*g.KW*g.OutC),
				Scales: randFloats(r, g.OutC, 0.05), Bias: randFloats(r, g.OutC, 1), Min: 0, Max: 6}
			if err := p.Check(); err != nil {
				t.Fatal(err)
			}
			in := randFloats(r, g.Batches*g.InH*g.InW*g.InC, 2)
			out := make([]float32, g.Batches*g.OutH*g.OutW*g.OutC)
			HybridDepthwise(p, in, out, make([]byte, HybridDepthwiseScratchSize(p)+7))
			img := g.InH * g.InW * g.InC
			for b := 0; b < g.Batches; b++ {
				xq, s, off := quantizeRef(in[b*img:(b+1)*img], true)
				for y := 0; y < g.OutH; y++ {
					for x := 0; x < g.OutW; x++ {
						for oc := 0; oc < g.OutC; oc++ {
							ic := oc / mult
							var acc int32
							for ky := 0; ky < g.KH; ky++ {
								for kx := 0; kx < g.KW; kx++ {
									iy, ix := y*g.StrideH-g.PadH+ky*g.DilationH, x*g.StrideW-g.PadW+kx*g.DilationW
									if iy >= 0 && iy < g.InH && ix >= 0 && ix < g.InW {
										acc += int32(p.Weights[(ky*g.KW+kx)*g.OutC+oc]) * (int32(xq[(iy*g.InW+ix)*g.InC+ic]) - off)
									}
								}
							}
							want := min(max(float32(float32(acc)*(p.Scales[oc]*s))+p.Bias[oc], 0), 6)
							if got := out[((b*g.OutH+y)*g.OutW+x)*g.OutC+oc]; got != want {
								t.Fatalf("%+v mult %d: out = %v, want %v", g, mult, got, want)
							}
						}
					}
				}
			}
		}
	}
}

func TestHybridCheck(t *testing.T) {
	bad := []interface{ Check() error }{
		&HybridFCParams{},
		&HybridFCParams{Batches: 1, Depth: 2, OutC: 1, Weights: make([]int8, 2), Scales: []float32{1, 2, 3}},
		&HybridFCParams{Batches: 1, Depth: 2, OutC: 1, Weights: make([]int8, 2), Scales: []float32{1}, Asymmetric: true},
		&HybridConvParams{},
		&HybridDepthwiseParams{},
	}
	for i, p := range bad {
		if p.Check() == nil {
			t.Errorf("case %d: Check accepted %+v", i, p)
		}
	}
}

func TestHybridAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	p := &HybridFCParams{Batches: 1, Depth: 64, OutC: 16, Weights: randWeights(r, 64*16), Scales: []float32{0.1}, Min: -1e9, Max: 1e9}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	in, out, scratch := randFloats(r, 64, 1), make([]float32, 16), make([]byte, HybridFCScratchSize(p))
	if n := testing.AllocsPerRun(10, func() { HybridFC(p, in, out, scratch) }); n != 0 {
		t.Fatalf("HybridFC allocates %v times", n)
	}
}

// hybridThreadCPU returns the CPU time the calling OS thread has used
// (Linux), which stays meaningful when the machine is shared.
func hybridThreadCPU() time.Duration {
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

func hybridBench(b *testing.B, macs int, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	start := hybridThreadCPU()
	for b.Loop() {
		f()
	}
	cpu := float64(hybridThreadCPU()-start) / float64(b.N)
	b.ReportMetric(cpu, "cpu-ns/op")
	b.ReportMetric(float64(macs), "MACs/op")
	if cpu > 0 {
		b.ReportMetric(float64(macs)/cpu, "GMAC/cpu-s")
	}
}

func BenchmarkHybrid(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	b.Run("op=fc/shape=1x784_128", func(b *testing.B) {
		p := &HybridFCParams{Batches: 1, Depth: 784, OutC: 128, Weights: randWeights(r, 784*128), Scales: []float32{0.01}, Min: 0, Max: 1e9}
		if err := p.Check(); err != nil {
			b.Fatal(err)
		}
		in, out, scratch := randFloats(r, 784, 1), make([]float32, 128), make([]byte, HybridFCScratchSize(p))
		hybridBench(b, 784*128, func() { HybridFC(p, in, out, scratch) })
	})
	g := ConvGeom{Batches: 1, InH: 49, InW: 10, InC: 1, KH: 10, KW: 4, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, PadH: 4, PadW: 1, OutH: 25, OutW: 5, OutC: 64}
	b.Run("op=conv/shape=kws1", func(b *testing.B) {
		k := g.KH * g.KW * g.InC
		p := &HybridConvParams{ConvGeom: g, Weights: randWeights(r, 64*k), Scales: []float32{0.01}, RowSums: make([]int32, 64), Min: 0, Max: 1e9}
		if err := p.Check(); err != nil {
			b.Fatal(err)
		}
		in, out, scratch := randFloats(r, 490, 1), make([]float32, 25*5*64), make([]byte, HybridConvScratchSize(p))
		hybridBench(b, 25*5*64*k, func() { HybridConv(p, in, out, scratch) })
	})
	// The int8 convolution shapes, to compare with BenchmarkConvInt8.
	for _, sh := range simdBenchShapes {
		if sh.dw {
			continue
		}
		g := sh.geom()
		k := g.KH * g.KW * g.InC
		p := &HybridConvParams{ConvGeom: g, Weights: cvRandInt8s(r, g.OutC*k, -127, 127), Scales: randFloats(r, g.OutC, 0.01), Asymmetric: true, Min: 0, Max: 1e9}
		p.RowSums = RowSums(p.Weights, g.OutC, k)
		if err := p.Check(); err != nil {
			b.Fatal(err)
		}
		in, out, scratch := randFloats(r, g.inSize(), 1), make([]float32, g.outSize()), make([]byte, HybridConvScratchSize(p))
		b.Run("op=conv/shape="+sh.name, func(b *testing.B) {
			hybridBench(b, g.OutH*g.OutW*g.OutC*k, func() { HybridConv(p, in, out, scratch) })
		})
	}
	dg := ConvGeom{Batches: 1, InH: 25, InW: 5, InC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: 1, PadW: 1, OutH: 25, OutW: 5, OutC: 64}
	b.Run("op=depthwise/shape=kws", func(b *testing.B) {
		p := &HybridDepthwiseParams{ConvGeom: dg, DepthMul: 1, Weights: randWeights(r, 9*64), Scales: []float32{0.01}, Min: 0, Max: 1e9}
		if err := p.Check(); err != nil {
			b.Fatal(err)
		}
		in, out, scratch := randFloats(r, 25*5*64, 1), make([]float32, 25*5*64), make([]byte, HybridDepthwiseScratchSize(p))
		hybridBench(b, 25*5*64*9, func() { HybridDepthwise(p, in, out, scratch) })
	})
}
