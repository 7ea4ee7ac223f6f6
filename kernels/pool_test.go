package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// cvRefPool is TFLite's reference AveragePool / MaxPool (integer_ops and
// float), one output at a time with the clipped window.
func cvRefPool(g ConvGeom, avg bool, lo, hi int32, in []int32) []int32 {
	out := make([]int32, g.outSize())
	for b := range g.Batches {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for c := range g.InC {
					y0, x0 := oy*g.StrideH-g.PadH, ox*g.StrideW-g.PadW
					fy0, fy1 := max(0, -y0), min(g.KH, g.InH-y0)
					fx0, fx1 := max(0, -x0), min(g.KW, g.InW-x0)
					var acc, count int32
					mx := int32(math.MinInt32)
					for fy := fy0; fy < fy1; fy++ {
						for fx := fx0; fx < fx1; fx++ {
							v := in[((b*g.InH+y0+fy)*g.InW+x0+fx)*g.InC+c]
							acc += v
							count++
							mx = max(mx, v)
						}
					}
					v := mx
					if avg {
						if acc > 0 {
							v = (acc + count/2) / count
						} else {
							v = (acc - count/2) / count
						}
					}
					out[((b*g.OutH+oy)*g.OutW+ox)*g.InC+c] = min(max(v, lo), hi)
				}
			}
		}
	}
	return out
}

func cvRefPoolFloat(g ConvGeom, avg bool, lo, hi float32, in []float32) []float32 {
	out := make([]float32, g.outSize())
	for b := range g.Batches {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for c := range g.InC {
					y0, x0 := oy*g.StrideH-g.PadH, ox*g.StrideW-g.PadW
					fy0, fy1 := max(0, -y0), min(g.KH, g.InH-y0)
					fx0, fx1 := max(0, -x0), min(g.KW, g.InW-x0)
					var total, count float32
					mx := float32(-math.MaxFloat32)
					for fy := fy0; fy < fy1; fy++ {
						for fx := fx0; fx < fx1; fx++ {
							v := in[((b*g.InH+y0+fy)*g.InW+x0+fx)*g.InC+c]
							total += v
							count++
							mx = max(mx, v)
						}
					}
					v := mx
					if avg {
						v = total / count
					}
					out[((b*g.OutH+oy)*g.OutW+ox)*g.InC+c] = min(max(v, lo), hi)
				}
			}
		}
	}
	return out
}

func cvRandPoolGeom(r *rand.Rand) ConvGeom {
	for {
		c := 1 + r.IntN(9)
		if r.IntN(3) == 0 {
			c = 8 * (1 + r.IntN(3)) // the eight-channel max pool
		}
		g := ConvGeom{
			Batches: 1 + r.IntN(2), InH: 1 + r.IntN(10), InW: 1 + r.IntN(10), InC: c, OutC: c,
			KH: 1 + r.IntN(5), KW: 1 + r.IntN(5), StrideH: 1 + r.IntN(3), StrideW: 1 + r.IntN(3),
			DilationH: 1, DilationW: 1,
		}
		same := r.IntN(2) == 0
		g.OutH, g.PadH = WindowOutput(same, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(same, g.InW, g.KW, g.StrideW, 1)
		if g.OutH > 0 && g.OutW > 0 {
			return g
		}
	}
}

func TestPoolInt8MatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for iter := range 3000 {
		g := cvRandPoolGeom(r)
		lo, hi := int32(-128), int32(127)
		if r.IntN(2) == 0 {
			lo = int32(r.IntN(200) - 128)
			hi = lo + int32(r.IntN(127-int(lo)+1))
		}
		p := &PoolParams{ConvGeom: g, Min: lo, Max: hi}
		if err := p.Check(); err != nil {
			t.Fatalf("%+v: %v", g, err)
		}
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		wide := make([]int32, len(in))
		for i, v := range in {
			wide[i] = int32(v)
		}
		for _, avg := range []bool{true, false} {
			want := cvRefPool(g, avg, lo, hi, wide)
			out, check := cvGuarded[int8](len(want), 0x55)
			if avg {
				AvgPoolInt8(p, in, out, cvScratch(AvgPoolInt8ScratchSize(p), iter%8))
			} else {
				MaxPoolInt8(p, in, out)
			}
			check(t)
			for i := range out {
				if int32(out[i]) != want[i] {
					t.Fatalf("iter %d avg=%v %+v: out[%d] = %d, want %d", iter, avg, g, i, out[i], want[i])
				}
			}
		}
		// int16
		in16 := make([]int16, len(in))
		for i := range in16 {
			in16[i] = int16(r.IntN(65536) - 32768)
			wide[i] = int32(in16[i])
		}
		p.Min, p.Max = -32768, 32767
		for _, avg := range []bool{true, false} {
			want := cvRefPool(g, avg, -32768, 32767, wide)
			out, check := cvGuarded[int16](len(want), 0x5555)
			if avg {
				AvgPoolInt16(p, in16, out, cvScratch(AvgPoolInt8ScratchSize(p), iter%8))
			} else {
				MaxPoolInt16(p, in16, out)
			}
			check(t)
			for i := range out {
				if int32(out[i]) != want[i] {
					t.Fatalf("int16 iter %d avg=%v %+v: out[%d] = %d, want %d", iter, avg, g, i, out[i], want[i])
				}
			}
		}
	}
}

func TestPoolFloatMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for iter := range 2000 {
		g := cvRandPoolGeom(r)
		lo, hi := cvRandRange(r)
		p := &PoolParams{ConvGeom: g, MinF: lo, MaxF: hi}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		in := cvRandFloats(r, g.inSize())
		for _, avg := range []bool{true, false} {
			want := cvRefPoolFloat(g, avg, lo, hi, in)
			out, check := cvGuarded[float32](len(want), 12345)
			if avg {
				AvgPoolFloat(p, in, out, cvScratch(AvgPoolFloatScratchSize(p), iter%8))
			} else {
				MaxPoolFloat(p, in, out)
			}
			check(t)
			if i := cvFirstDiff(out, want); i >= 0 {
				t.Fatalf("iter %d avg=%v: out[%d] = %g, want %g", iter, avg, i, out[i], want[i])
			}
		}
	}
}

// TestAvgPoolRounding checks TFLite's rounding of averages, half away
// from zero, on hand-made values.
func TestAvgPoolRounding(t *testing.T) {
	g := ConvGeom{Batches: 1, InH: 1, InW: 4, InC: 1, OutH: 1, OutW: 2, OutC: 1, KH: 1, KW: 2, StrideH: 1, StrideW: 2, DilationH: 1, DilationW: 1}
	p := &PoolParams{ConvGeom: g, Min: -128, Max: 127}
	for _, tc := range []struct {
		in   []int8
		want []int8
	}{
		{[]int8{1, 2, -1, -2}, []int8{2, -2}}, // 1.5 → 2, -1.5 → -2
		{[]int8{0, 1, 0, -1}, []int8{1, -1}},  // 0.5 → 1, -0.5 → -1
		{[]int8{127, 127, -128, -128}, []int8{127, -128}},
		{[]int8{3, 4, -3, -4}, []int8{4, -4}},
	} {
		out := make([]int8, 2)
		AvgPoolInt8(p, tc.in, out, make([]byte, AvgPoolInt8ScratchSize(p)))
		if out[0] != tc.want[0] || out[1] != tc.want[1] {
			t.Errorf("avg of %v = %v, want %v", tc.in, out, tc.want)
		}
	}
}
