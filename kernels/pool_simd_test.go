package kernels

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// The assembly reads poolArgs at these offsets (pool_arm64.s).
func TestPoolArgsLayout(t *testing.T) {
	if unsafe.Sizeof(0) != 8 {
		t.Skip("only the arm64 assembly reads the argument blocks")
	}
	var a poolArgs
	for _, f := range []struct {
		name      string
		off, want uintptr
	}{
		{"x", unsafe.Offsetof(a.x), 0}, {"rowStride", unsafe.Offsetof(a.rowStride), 8},
		{"rows", unsafe.Offsetof(a.rows), 16}, {"cols", unsafe.Offsetof(a.cols), 24},
		{"c", unsafe.Offsetof(a.c), 32}, {"blocks", unsafe.Offsetof(a.blocks), 40},
		{"sum", unsafe.Offsetof(a.sum), 48},
	} {
		if f.off != f.want {
			t.Errorf("poolArgs.%s at offset %d, the assembly reads %d", f.name, f.off, f.want)
		}
	}
}

func randPoolCase(r *rand.Rand) (*PoolParams, []int8) {
	for {
		c := 16 + r.IntN(60)
		g := cvRandGeom(r, c, c)
		g.DilationH, g.DilationW = 1, 1
		if r.IntN(4) == 0 { // a global pool, as KWS and IC end with
			g.InH, g.InW = 1+r.IntN(30), 1+r.IntN(8)
			g.KH, g.KW, g.StrideH, g.StrideW = g.InH, g.InW, g.InH, g.InW
		}
		same := r.IntN(2) == 0
		g.OutH, g.PadH = WindowOutput(same, g.InH, g.KH, g.StrideH, 1)
		g.OutW, g.PadW = WindowOutput(same, g.InW, g.KW, g.StrideW, 1)
		p := &PoolParams{ConvGeom: g, Min: -128, Max: 127}
		if r.IntN(2) == 0 {
			p.Min = int32(r.IntN(200) - 128)
			p.Max = p.Min + int32(r.IntN(127-int(p.Min)+1))
		}
		if g.OutH <= 0 || g.OutW <= 0 || p.Check() != nil {
			continue
		}
		in := cvRandInt8s(r, g.inSize(), -128, 127)
		if r.IntN(6) == 0 {
			v := int8([]int{-128, 127}[r.IntN(2)])
			for i := range in {
				in[i] = v
			}
		}
		return p, in
	}
}

func TestAvgPoolInt8SIMDMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for iter := range 1500 {
		p, in := randPoolCase(r)
		want := make([]int8, p.outSize())
		avgPoolInt(p, in, want, make([]byte, AvgPoolInt8ScratchSize(p)))
		out, check := cvGuarded[int8](len(want), 0x55)
		inCopy := slices.Clone(in)
		avgPoolInt8SIMD(p, in, out, cvScratch(AvgPoolInt8ScratchSize(p), iter%8))
		check(t)
		if !slices.Equal(in, inCopy) {
			t.Fatal("input changed")
		}
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("%+v: out[%d] = %d, generic %d", p.ConvGeom, i, out[i], want[i])
		}
	}
}
