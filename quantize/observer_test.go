package quantize

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMinMax(t *testing.T) {
	var o MinMax
	if r := o.Range(); r != (Range{}) {
		t.Fatalf("empty observer range = %v, want zero", r)
	}
	o.Observe([]float32{1, -2, float32(math.NaN()), float32(math.Inf(1)), 3})
	o.Observe([]float32{0.5})
	if got, want := o.Range(), (Range{-2, 3}); got != want {
		t.Fatalf("range = %v, want %v", got, want)
	}
	if o.Count() != 6 {
		t.Fatalf("count = %d, want 6", o.Count())
	}
}

// observe runs the two calibration passes on x.
func observe(x []float32, bins int) *Histogram {
	var mm MinMax
	mm.Observe(x)
	h := NewHistogram(mm.Range(), bins)
	h.Observe(x)
	return h
}

func TestHistogramQuantile(t *testing.T) {
	x := make([]float32, 10000)
	for i := range x {
		x[i] = float32(i) / float32(len(x)-1) // uniform on [0, 1]
	}
	h := observe(x, DefaultBins)
	for _, q := range []float64{0.01, 0.25, 0.5, 0.9, 0.999} {
		if got := h.quantile(q); math.Abs(got-q) > 2e-3 {
			t.Errorf("quantile(%v) = %v", q, got)
		}
	}
	if h.Total() != float64(len(x)) {
		t.Fatalf("total = %v", h.Total())
	}
}

// laplace returns n samples of a Laplace distribution with scale b plus a
// few large outliers, the shape of typical activations.
func laplace(n int, b float64, outlier float32) []float32 {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n)
	for i := range x {
		u := r.Float64() - 0.5
		x[i] = float32(-b * math.Copysign(math.Log(1-2*math.Abs(u)), u))
	}
	x[0], x[1] = outlier, -outlier/2
	return x
}

func TestRangesClipOutliers(t *testing.T) {
	x := laplace(200000, 1, 40)
	h := observe(x, DefaultBins)
	full := Range{-20, 40}
	for _, tc := range []struct {
		name string
		r    Range
	}{
		{"percentile", PercentileRange(h, 99.99)},
		{"entropy", EntropyRange(h, gridInt8())},
	} {
		r := tc.r
		if !(r.Min <= 0 && r.Max >= 0) {
			t.Errorf("%s: range %v does not contain 0", tc.name, r)
		}
		if r.Max > full.Max*0.6 || r.Min < full.Min*0.6 {
			t.Errorf("%s: range %v did not clip the outliers of %v", tc.name, r, full)
		}
		if r.Max < 5 || r.Min > -5 {
			t.Errorf("%s: range %v clips the bulk of a Laplace(1)", tc.name, r)
		}
	}
	// MSE weighs the two outliers' clipping error against the rounding noise
	// of 200 000 values: it clips, but less than the others, and its window
	// has the least error of all.
	mse := MSERange(h, gridInt8())
	if mse.Max >= full.Max || mse.Min <= full.Min {
		t.Errorf("mse: range %v did not clip %v", mse, full)
	}
	errOf := func(r Range) float64 {
		return clipError(h, h.nonzero(), candidate{float64(r.Min), float64(r.Max)}, gridInt8())
	}
	for _, r := range []Range{full, PercentileRange(h, 99.99), EntropyRange(h, gridInt8())} {
		if errOf(mse) > errOf(r) {
			t.Errorf("mse window %v has error %g > %g of %v", mse, errOf(mse), errOf(r), r)
		}
	}
	// Percentile 99.99 of Laplace(1): ±b·ln(1/(2·1e-4)) ≈ ±8.5.
	if r := PercentileRange(h, 99.99); math.Abs(float64(r.Max)-8.5) > 1.5 || math.Abs(float64(r.Min)+8.5) > 1.5 {
		t.Errorf("percentile range %v, want about ±8.5", r)
	}
}

func TestMSEKeepsUniform(t *testing.T) {
	// With no tails, clipping only adds error: MSE keeps (almost) all.
	x := make([]float32, 50000)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range x {
		x[i] = float32(r.Float64()*4 - 1)
	}
	got := MSERange(observe(x, DefaultBins), gridInt8())
	if got.Max < 2.9 || got.Min > -0.97 {
		t.Fatalf("MSE range of U(-1,3) = %v, want about [-1, 3]", got)
	}
}

func TestEntropyOneSided(t *testing.T) {
	// Post-ReLU activations: half zeros, the rest exponential.
	x := laplace(100000, 1, 50)
	for i, v := range x {
		x[i] = max(v, 0)
	}
	got := EntropyRange(observe(x, DefaultBins), gridInt8())
	if got.Min != 0 || got.Max < 4 || got.Max > 50 {
		t.Fatalf("entropy range of ReLU(Laplace) = %v", got)
	}
}

func TestRangesDegenerate(t *testing.T) {
	h := observe(make([]float32, 100), DefaultBins) // all zeros
	for _, r := range []Range{PercentileRange(h, 99.9), MSERange(h, gridInt8()), EntropyRange(h, gridInt8())} {
		a := AffineFor(r, gridInt8())
		if !(a.Scale > 0) || math.IsInf(float64(a.Scale), 0) {
			t.Fatalf("degenerate range %v gave scale %v", r, a.Scale)
		}
	}
	empty := NewHistogram(Range{}, 16)
	_ = MSERange(empty, gridInt8())
	_ = EntropyRange(empty, gridInt8())
	_ = PercentileRange(empty, 99)
}

func TestParseMethod(t *testing.T) {
	for _, m := range append(Methods, MethodAuto) {
		if got, err := ParseMethod(string(m)); err != nil || got != m {
			t.Errorf("ParseMethod(%q) = %q, %v", m, got, err)
		}
	}
	if _, err := ParseMethod("kl"); err == nil {
		t.Error("ParseMethod(kl) succeeded")
	}
}
