package kernels

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// lrRefMulVec is the plain int32 matrix-vector product.
func lrRefMulVec(w []int8, rows, k int, x []int8) []int32 {
	out := make([]int32, rows)
	for r := range rows {
		for i := range k {
			out[r] += int32(w[r*k+i]) * int32(x[i])
		}
	}
	return out
}

// TestLaneRowsMulVec compares the lane-packed product with the plain one for
// every small shape: all row counts around the tile of 12 and depths around
// the lane chunks, random and extreme values.
func TestLaneRowsMulVec(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for rows := 1; rows <= 30; rows++ {
		for _, k := range []int{1, 2, 3, 7, 16, 62, 63, 64, 65, 127, 128, 129, 200} {
			for variant := range 4 {
				w := cvRandInt8s(r, rows*k, -128, 127)
				x := cvRandInt8s(r, k, -128, 127)
				switch variant {
				case 1: // every product at its most negative
					for i := range w {
						w[i] = -128
					}
					for i := range x {
						x[i] = 127
					}
				case 2: // every product at its most positive
					for i := range w {
						w[i] = -128
					}
					for i := range x {
						x[i] = -128
					}
				case 3: // small weights: long chunks
					w = cvRandInt8s(r, rows*k, -3, 3)
				}
				lr := newLaneRows(w, rows, k)
				n := lr.paddedRows()
				if n < rows || n >= rows+tileRows || n%tileRows != 0 {
					t.Fatalf("rows %d: %d padded rows", rows, n)
				}
				got := make([]int32, n+1)
				got[n] = 0x5eed
				lr.mulVec(got[:n], x, 0)
				if got[n] != 0x5eed {
					t.Fatalf("rows %d k %d: mulVec wrote past its rows", rows, k)
				}
				want := append(lrRefMulVec(w, rows, k, x), make([]int32, n-rows)...)
				if !slices.Equal(got[:n], want) {
					t.Fatalf("rows %d k %d variant %d: got %v, want %v", rows, k, variant, got[:n], want)
				}
				// One tile at a time, from any tile.
				for j := range lr.tiles() {
					one := make([]int32, tileRows)
					lr.mulVec(one, x, j)
					if !slices.Equal(one, want[j*tileRows:(j+1)*tileRows]) {
						t.Fatalf("rows %d k %d variant %d: tile %d = %v, want %v", rows, k, variant, j, one, want[j*tileRows:(j+1)*tileRows])
					}
				}
			}
		}
	}
}

// TestLaneRowsLongRows checks depths up to the int8 kernels' limit, where
// the int32 sums of the lanes are largest.
func TestLaneRowsLongRows(t *testing.T) {
	for _, tc := range []struct{ x, w int8 }{{-128, -128}, {-128, 127}, {127, -128}, {127, 127}} {
		k := maxDot
		w := make([]int8, 13*k)
		for i := range w {
			w[i] = tc.w
		}
		x := make([]int8, k)
		for i := range x {
			x[i] = tc.x
		}
		x[7] = -tc.x
		lr := newLaneRows(w, 13, k)
		got := make([]int32, lr.paddedRows())
		lr.mulVec(got, x, 0)
		if want := lrRefMulVec(w, 13, k, x); !slices.Equal(got[:13], want) {
			t.Errorf("x=%d w=%d: got %v, want %v", tc.x, tc.w, got, want)
		}
	}
}

// TestFullyConnectedInt8OneBatch runs one-batch layers (the lane-packed
// path) against the reference with extreme requantizations and clamps.
func TestFullyConnectedInt8OneBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for iter := range 1500 {
		depth := 1 + r.IntN(260)
		oc := 1 + r.IntN(40)
		w := cvRandInt8s(r, oc*depth, -128, 127)
		if iter%3 == 0 {
			w = cvRandInt8s(r, oc*depth, -127, 127)
		}
		q, rq := cvRandQuant(r, oc, r.IntN(5) != 0)
		in := cvRandInt8s(r, depth, -128, 127)
		g := ConvGeom{Batches: 1, InH: 1, InW: 1, InC: depth, OutH: 1, OutW: 1, OutC: oc, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}
		want := cvRefConvInt8(g, depth, w, q, in)
		p := &FullyConnectedInt8Params{Batches: 1, Depth: depth, OutC: oc, Weights: w, Bias: FoldBias(q.bias, w, depth, q.zx), Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		if p.packed == nil && p.lanes == nil {
			t.Fatal("a one-batch layer on the generic kernel is not lane-packed")
		}
		out, check := cvGuarded[int8](len(want), 0x55)
		FullyConnectedInt8(p, in, out, cvScratch(FullyConnectedInt8ScratchSize(p), iter%8))
		check(t)
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("iter %d %d→%d: out[%d] = %d, want %d", iter, depth, oc, i, out[i], want[i])
		}
	}
}

func BenchmarkLaneRows(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct{ rows, k int }{{128, 640}, {128, 128}, {64, 96}, {80, 28}, {80, 20}} {
		w := cvRandInt8s(r, s.rows*s.k, -127, 127)
		x := cvRandInt8s(r, s.k, -128, 127)
		lr := newLaneRows(w, s.rows, s.k)
		dst := make([]int32, lr.paddedRows())
		b.Run(fmt.Sprintf("impl=lanes/shape=%dx%d", s.rows, s.k), func(b *testing.B) {
			cvBench(b, s.rows*s.k, func() { lr.mulVec(dst, x, 0) })
		})
		b.Run(fmt.Sprintf("impl=rows4/shape=%dx%d", s.rows, s.k), func(b *testing.B) {
			cvBench(b, s.rows*s.k, func() {
				k := s.k
				for c := 0; c+4 <= s.rows; c += 4 {
					dst[c], dst[c+1], dst[c+2], dst[c+3] = dotRows4(x, w[c*k:(c+1)*k], w[(c+1)*k:(c+2)*k], w[(c+2)*k:(c+3)*k], w[(c+3)*k:(c+4)*k])
				}
			})
		})
	}
}
