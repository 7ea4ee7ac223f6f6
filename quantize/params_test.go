package quantize

import (
	"math"
	"testing"
)

func TestAffineFor(t *testing.T) {
	for _, tc := range []struct {
		r    Range
		want Affine
	}{
		{Range{0, 6}, Affine{6.0 / 255, -128}},   // ReLU6
		{Range{-1, 1}, Affine{2.0 / 255, -1}},    // zp = round(-0.5) away from zero
		{Range{-2, -1}, Affine{2.0 / 255, 127}},  // widened to contain 0
		{Range{0.5, 3}, Affine{3.0 / 255, -128}}, // widened to contain 0
		{Range{-3, 1}, Affine{4.0 / 255, 63}},    // -128 + 3/(4/255) = 63.25
	} {
		got := AffineFor(tc.r, gridInt8())
		// Check the defining properties rather than trusting hand arithmetic.
		rr := tc.r.withZero()
		wantScale := (rr.Max - rr.Min) / 255
		if math.Abs(float64(got.Scale-wantScale)) > 1e-7 {
			t.Errorf("%v: scale %v, want %v", tc.r, got.Scale, wantScale)
		}
		zp := math.Round(-128 - float64(rr.Min)/float64(got.Scale))
		if float64(got.ZeroPoint) != min(max(zp, -128), 127) {
			t.Errorf("%v: zero point %d, want %v", tc.r, got.ZeroPoint, zp)
		}
		if tc.want.ZeroPoint != got.ZeroPoint {
			t.Errorf("%v: zero point %d, want %d", tc.r, got.ZeroPoint, tc.want.ZeroPoint)
		}
		// 0 is exactly representable: q = zp lies on the grid.
		if got.ZeroPoint < -128 || got.ZeroPoint > 127 {
			t.Errorf("%v: zero point %d off the grid", tc.r, got.ZeroPoint)
		}
	}
	a := AffineFor(Range{-3, 5}, gridInt16())
	if a.ZeroPoint != 0 || math.Abs(float64(a.Scale)-5.0/32767) > 1e-9 {
		t.Errorf("int16: %+v", a)
	}
}

func TestSymmetricWeightsPerChannel(t *testing.T) {
	// Conv filter [O=2, H=1, W=1, I=3], per-channel on axis 0.
	w := []float32{0.5, -1, 0.25, 2, 0, -0.5}
	q, s, err := SymmetricWeights(w, []int32{2, 1, 1, 3}, 0, 8)
	if err != nil {
		t.Fatal(err)
	}
	if s[0] != 1.0/127 || s[1] != 2.0/127 {
		t.Fatalf("scales %v", s)
	}
	want := []int8{64, -127, 32, 127, 0, -32} // 0.5*127 = 63.5 -> 64, -0.5*63.5 = -31.75 -> -32
	for i := range want {
		if q[i] != want[i] {
			t.Fatalf("q = %v, want %v", q, want)
		}
	}
	// Depthwise [1, 1, 2, C=2] per-channel on axis 3: channels interleave.
	q, s, err = SymmetricWeights([]float32{1, -4, -2, 2}, []int32{1, 1, 2, 2}, 3, 8)
	if err != nil {
		t.Fatal(err)
	}
	if s[0] != 2.0/127 || s[1] != 4.0/127 || q[0] != 64 || q[1] != -127 || q[2] != -127 || q[3] != 64 {
		t.Fatalf("depthwise: q %v scales %v", q, s)
	}
	// Per tensor, 4 bits, and a zero channel.
	q, s, _ = SymmetricWeights([]float32{0, 0, 7, -3.5}, []int32{2, 2}, -1, 4)
	if len(s) != 1 || s[0] != 1 || q[2] != 7 || q[3] != -4 {
		t.Fatalf("int4 per-tensor: q %v scales %v", q, s)
	}
	_, s, _ = SymmetricWeights([]float32{0, 0, 1, 1}, []int32{2, 2}, 0, 8)
	if s[0] != 1 {
		t.Fatalf("zero channel scale %v, want 1", s[0])
	}
	if _, _, err := SymmetricWeights(w, []int32{6}, 1, 8); err == nil {
		t.Fatal("axis out of range accepted")
	}
}

func TestQuantizeBias(t *testing.T) {
	q, s := QuantizeBias([]float32{1, -1, 1e30}, 0.5, []float32{0.01, 0.02, 0.5})
	if s[0] != 0.005 || q[0] != 200 || q[1] != -100 || q[2] != math.MaxInt32 {
		t.Fatalf("q %v scales %v", q, s)
	}
}
