package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestDepthwiseFloatWide runs float depthwise convolutions with enough
// channels for several eight-channel blocks and a tail, against the
// reference, bit for bit.
func TestDepthwiseFloatWide(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for iter := range 300 {
		inC := []int{8, 16, 17, 24, 31, 64}[iter%6]
		mult := 1
		if iter%5 == 4 {
			mult = 2
		}
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
