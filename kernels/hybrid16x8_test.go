package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randInt16s(r *rand.Rand, n int) []int16 {
	x := make([]int16, n)
	for i := range x {
		x[i] = int16(r.IntN(65536) - 32768)
	}
	return x
}

// expect16 is the real-valued result a 16x8 kernel rounds: acc·M, clamped.
// The int64 requantization uses a 16-bit multiplier, so results are within
// 1 + |v|·2^-14 of it.
func expect16(acc int64, r *Requant16, c int) float64 {
	m := float64(r.Multiplier[c]) * math.Pow(2, float64(r.Shift[c])-31)
	return math.Min(math.Max(float64(acc)*m, float64(r.Min)), float64(r.Max))
}

func TestRequant16(t *testing.T) {
	r, err := NewRequant16(0.5, []float32{0.25, 0.5}, 0.125, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Channel 0: 0.5·0.25/0.125 = 1; channel 1: 2.
	if got := r.apply(1000, 0); got != 1000 {
		t.Errorf("×1: %d", got)
	}
	if got := r.apply(-1000, 1); got != -2000 {
		t.Errorf("×2: %d", got)
	}
	if got := r.apply(1<<20, 1); got != math.MaxInt16 {
		t.Errorf("saturation: %d", got)
	}
	h, _ := NewRequant16(1, []float32{1}, 2, 1)
	// 0.5 as (1<<30, 0): (1001·16384 + 16384) >> 15 = 500 (TFLite's int64 path).
	if got := h.apply(1001, 0); got != 501 {
		t.Errorf("1001·0.5 = %d, want 501", got)
	}
	if got := h.apply(1000, 0); got != 500 {
		t.Errorf("1000·0.5 = %d, want 500", got)
	}
	if _, err := NewRequant16(1, []float32{1}, 1e-6, 1); err == nil {
		t.Error("a multiplier of 10^6 (shift > 7) accepted")
	}
}

func TestConv16x8(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for _, g := range []ConvGeom{
		// 6 output channels: a group of four and two single rows; 3
		// batches of 3×5 pixels: pixel pairs, across batches, and an odd
		// last one.
		{Batches: 3, InH: 6, InW: 5, InC: 3, KH: 3, KW: 2, StrideH: 2, StrideW: 1, DilationH: 1, DilationW: 2, PadH: 1, PadW: 1, OutH: 3, OutW: 5, OutC: 6},
		// 576 taps: more than one 32-bit lane sums.
		{Batches: 1, InH: 3, InW: 3, InC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: 1, PadW: 1, OutH: 3, OutW: 3, OutC: 6},
	} {
		conv16x8Case(t, r, g)
	}
}

func conv16x8Case(t *testing.T, r *rand.Rand, g ConvGeom) {
	k := g.KH * g.KW * g.InC
	p := &Conv16x8Params{ConvGeom: g, Weights: randWeights(r, g.OutC*k), Bias: []int64{1 << 20, -5, 0, 123456, -77777, 31}}
	var err error
	if p.Requant16, err = NewRequant16(0.001, []float32{0.01, 0.003, 0.0071, 0.02, 0.0042, 0.015}, 0.002, g.OutC); err != nil {
		t.Fatal(err)
	}
	p.Min, p.Max = -30000, 30000
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	in := randInt16s(r, g.Batches*g.InH*g.InW*g.InC)
	out := make([]int16, g.Batches*g.OutH*g.OutW*g.OutC)
	Conv16x8(p, in, out, make([]byte, Conv16x8ScratchSize(p)))
	for b := 0; b < g.Batches; b++ {
		for y := 0; y < g.OutH; y++ {
			for x := 0; x < g.OutW; x++ {
				for oc := 0; oc < g.OutC; oc++ {
					acc := p.Bias[oc]
					for ky := 0; ky < g.KH; ky++ {
						for kx := 0; kx < g.KW; kx++ {
							iy, ix := y*g.StrideH-g.PadH+ky*g.DilationH, x*g.StrideW-g.PadW+kx*g.DilationW
							if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
								continue
							}
							for ic := 0; ic < g.InC; ic++ {
								acc += int64(p.Weights[((oc*g.KH+ky)*g.KW+kx)*g.InC+ic]) * int64(in[((b*g.InH+iy)*g.InW+ix)*g.InC+ic])
							}
						}
					}
					got := out[((b*g.OutH+y)*g.OutW+x)*g.OutC+oc]
					if want := expect16(acc, &p.Requant16, oc); math.Abs(float64(got)-want) > 1+math.Abs(want)/(1<<14) {
						t.Fatalf("out[%d][%d][%d][%d] = %d, want about %.2f", b, y, x, oc, got, want)
					}
					if got != p.apply(acc, oc) {
						t.Fatalf("out[%d][%d][%d][%d] = %d, want %d", b, y, x, oc, got, p.apply(acc, oc))
					}
				}
			}
		}
	}
}

func TestDepthwiseAndFC16x8(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	g := ConvGeom{Batches: 1, InH: 5, InW: 4, InC: 2, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: 1, PadW: 1, OutH: 5, OutW: 4}
	for _, mult := range []int{1, 2} {
		g.OutC = g.InC * mult
		d := &Depthwise16x8Params{ConvGeom: g, DepthMul: mult, Weights: randWeights(r, 9*g.OutC)}
		d.Requant16, _ = NewRequant16(0.001, []float32{0.01}, 0.003, g.OutC)
		if err := d.Check(); err != nil {
			t.Fatal(err)
		}
		in := randInt16s(r, 5*4*2)
		out := make([]int16, 5*4*g.OutC)
		Depthwise16x8(d, in, out, make([]byte, Depthwise16x8ScratchSize(d)))
		for y := 0; y < 5; y++ {
			for x := 0; x < 4; x++ {
				for oc := 0; oc < g.OutC; oc++ {
					var acc int64
					for ky := 0; ky < 3; ky++ {
						for kx := 0; kx < 3; kx++ {
							iy, ix := y-1+ky, x-1+kx
							if iy >= 0 && iy < 5 && ix >= 0 && ix < 4 {
								acc += int64(d.Weights[(ky*3+kx)*g.OutC+oc]) * int64(in[(iy*4+ix)*2+oc/mult])
							}
						}
					}
					if got := out[(y*4+x)*g.OutC+oc]; got != d.apply(acc, oc) || math.Abs(float64(got)-expect16(acc, &d.Requant16, oc)) > 2 {
						t.Fatalf("depth multiplier %d: out[%d][%d][%d] = %d, acc %d", mult, y, x, oc, got, acc)
					}
				}
			}
		}
	}
	// 7 outputs: a group of four rows and three single ones.
	const depth, outC = 7, 7
	f := &FC16x8Params{Batches: 2, Depth: depth, OutC: outC, Weights: randWeights(r, depth*outC), Bias: []int64{10, -10, 1 << 30, 0, -1 << 20, 5, 77}}
	f.Requant16, _ = NewRequant16(0.0005, []float32{0.02, 0.01, 0.005, 0.03, 0.007, 0.011, 0.002}, 0.01, outC)
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	fin := randInt16s(r, 2*depth)
	fout := make([]int16, 2*outC)
	FC16x8(f, fin, fout)
	for b := 0; b < 2; b++ {
		for oc := 0; oc < outC; oc++ {
			acc := f.Bias[oc]
			for i := 0; i < depth; i++ {
				acc += int64(f.Weights[oc*depth+i]) * int64(fin[b*depth+i])
			}
			if got := fout[b*outC+oc]; got != f.apply(acc, oc) || math.Abs(float64(got)-expect16(acc, &f.Requant16, oc)) > 2 {
				t.Fatalf("fc out[%d][%d] = %d, acc %d", b, oc, got, acc)
			}
		}
	}
	for _, bad := range []interface{ Check() error }{&FC16x8Params{}, &Conv16x8Params{}, &Depthwise16x8Params{ConvGeom: g}} {
		if bad.Check() == nil {
			t.Errorf("Check accepted %+v", bad)
		}
	}
}

// TestConv16x8Extremes drives every product to its largest magnitude,
// 2^22, over 576 taps: sums far beyond int32, which the packed lanes must
// split in time.
func TestConv16x8Extremes(t *testing.T) {
	g := ConvGeom{Batches: 1, InH: 3, InW: 3, InC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: 1, PadW: 1, OutH: 3, OutW: 3, OutC: 5}
	k := g.KH * g.KW * g.InC
	p := &Conv16x8Params{ConvGeom: g, Weights: make([]int8, g.OutC*k)}
	for i := range p.Weights {
		p.Weights[i] = math.MinInt8
	}
	var err error
	if p.Requant16, err = NewRequant16(1, []float32{1}, 1<<14, g.OutC); err != nil {
		t.Fatal(err)
	}
	in := make([]int16, g.InH*g.InW*g.InC)
	for i := range in {
		in[i] = math.MinInt16
	}
	out := make([]int16, g.OutH*g.OutW*g.OutC)
	Conv16x8(p, in, out, make([]byte, Conv16x8ScratchSize(p)))
	for px := range g.OutH * g.OutW {
		y, x := px/g.OutW, px%g.OutW
		taps := (min(y+2, 3) - max(y-1, 0)) * (min(x+2, 3) - max(x-1, 0)) * g.InC
		want := p.apply(int64(taps)<<22, 0) // each product is (-2^7)·(-2^15)
		for c := range g.OutC {
			if got := out[px*g.OutC+c]; got != want {
				t.Fatalf("pixel %d channel %d: %d, want %d (%d taps)", px, c, got, want, taps)
			}
		}
	}
}
