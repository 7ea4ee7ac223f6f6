package quantize

import "math"

// Range is a closed interval of real values [Min, Max].
type Range struct {
	Min float32 `json:"min"`
	Max float32 `json:"max"`
}

// withZero widens r so that it contains 0: TFLite's integer quantization
// needs the real value 0 to be exactly representable (it is the padding value
// and the ReLU floor).
func (r Range) withZero() Range {
	return Range{Min: min(r.Min, 0), Max: max(r.Max, 0)}
}

// union returns the smallest range covering r and o.
func (r Range) union(o Range) Range {
	return Range{Min: min(r.Min, o.Min), Max: max(r.Max, o.Max)}
}

// MinMax is the simplest observer: it tracks the smallest and largest finite
// value seen. The zero value is ready to use.
type MinMax struct {
	min, max float32
	n        int64
}

// Observe records the values in x. NaN and ±Inf are ignored.
func (o *MinMax) Observe(x []float32) {
	lo, hi := o.min, o.max
	if o.n == 0 {
		lo, hi = float32(math.Inf(1)), float32(math.Inf(-1))
	}
	for _, v := range x {
		if v < lo && !math.IsInf(float64(v), -1) {
			lo = v
		}
		if v > hi && !math.IsInf(float64(v), 1) {
			hi = v
		}
	}
	o.min, o.max = lo, hi
	o.n += int64(len(x))
}

// Count returns the number of values observed.
func (o *MinMax) Count() int64 { return o.n }

// Range returns [min, max] of the values seen, or [0, 0] if none were.
func (o *MinMax) Range() Range {
	if o.n == 0 || o.min > o.max {
		return Range{}
	}
	return Range{Min: o.min, Max: o.max}
}

// DefaultBins is the histogram resolution the calibrator uses: fine enough
// that an int8 range clipped to 1/8 of the observed extent still spans 256
// histogram bins, which the entropy method needs.
const DefaultBins = 2048

// Histogram counts values in equal-width bins over a fixed interval. Values
// outside it are counted in the edge bins. Build one from a first calibration
// pass's MinMax range, then observe the same data again.
type Histogram struct {
	Lo, Hi float64   // the interval the bins cover
	Counts []float64 // Counts[i] covers [Lo + i·w, Lo + (i+1)·w), w = (Hi-Lo)/len(Counts)
	Zeros  float64   // how many of the values were exactly 0 (also in Counts)
	total  float64
}

// NewHistogram returns an empty histogram of bins bins over r. A degenerate
// range gets a tiny width so that every value still lands in a bin.
func NewHistogram(r Range, bins int) *Histogram {
	if bins < 1 {
		bins = 1
	}
	lo, hi := float64(r.Min), float64(r.Max)
	if !(hi > lo) {
		hi = lo + 1e-6*max(1, math.Abs(lo))
	}
	return &Histogram{Lo: lo, Hi: hi, Counts: make([]float64, bins)}
}

// Observe adds the values in x to the histogram. NaN is ignored.
func (h *Histogram) Observe(x []float32) {
	n := len(h.Counts)
	inv := float64(n) / (h.Hi - h.Lo)
	for _, v := range x {
		f := (float64(v) - h.Lo) * inv
		if f != f { // NaN
			continue
		}
		i := int(min(max(f, 0), float64(n-1)))
		h.Counts[i]++
		h.total++
		if v == 0 {
			h.Zeros++
		}
	}
}

// Total returns the number of values observed.
func (h *Histogram) Total() float64 { return h.total }

// binWidth returns the width of one bin.
func (h *Histogram) binWidth() float64 { return (h.Hi - h.Lo) / float64(len(h.Counts)) }

// center returns the middle of bin i.
func (h *Histogram) center(i int) float64 { return h.Lo + (float64(i)+0.5)*h.binWidth() }

// observed returns the extent of the non-empty bins.
func (h *Histogram) observed() Range {
	first, last := -1, -1
	for i, c := range h.Counts {
		if c > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return Range{}
	}
	w := h.binWidth()
	return Range{Min: float32(h.Lo + float64(first)*w), Max: float32(h.Lo + float64(last+1)*w)}
}

// nonzero returns the counts without the values that were exactly 0. Those
// (ReLU outputs, padding) are represented exactly by every range that
// contains 0, so they must not sway a search for the best clipping range.
func (h *Histogram) nonzero() []float64 {
	c := append([]float64(nil), h.Counts...)
	if h.Zeros > 0 {
		n := len(c)
		i := int(min(max(-h.Lo/h.binWidth(), 0), float64(n-1)))
		c[i] = max(c[i]-h.Zeros, 0)
	}
	return c
}

// quantile returns the value below which a fraction q of the observations
// lie, interpolating linearly inside the bin that holds it.
func (h *Histogram) quantile(q float64) float64 {
	if h.total == 0 {
		return 0
	}
	target := q * h.total
	w := h.binWidth()
	acc := 0.0
	for i, c := range h.Counts {
		if c > 0 && acc+c >= target {
			return h.Lo + (float64(i)+(target-acc)/c)*w
		}
		acc += c
	}
	return h.Hi
}

// Method names a rule that turns calibration statistics into the real range
// a tensor is quantized to.
type Method string

const (
	MethodMinMax     Method = "minmax"     // the full observed range
	MethodPercentile Method = "percentile" // clip the tails beyond a percentile
	MethodMSE        Method = "mse"        // the range minimizing expected squared quantization error
	MethodEntropy    Method = "entropy"    // the range minimizing KL divergence (TensorRT-style)
	MethodAuto       Method = "auto"       // per tensor, the method that hurts the model's output least
)

// Methods lists the concrete methods in the order auto tries them.
var Methods = []Method{MethodMinMax, MethodPercentile, MethodMSE, MethodEntropy}

// ParseMethod checks a method name.
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case MethodMinMax, MethodPercentile, MethodMSE, MethodEntropy, MethodAuto:
		return m, nil
	}
	return "", &optionError{"method", s, "minmax, percentile, mse, entropy, auto"}
}

// Grid describes the integer grid a range is quantized onto.
type Grid struct {
	Levels    int  // number of integer values, e.g. 256 for int8
	Symmetric bool // zero point fixed at 0 (int16 activations, weights)
}

// gridInt8 and gridInt16 are the activation grids of the two activation types.
func gridInt8() Grid  { return Grid{Levels: 256} }
func gridInt16() Grid { return Grid{Levels: 65535, Symmetric: true} }

// PercentileRange returns the range holding the central p percent of the
// observations, e.g. p = 99.99 drops 0.01 % at each end.
func PercentileRange(h *Histogram, p float64) Range {
	if p <= 0 || p > 100 {
		p = 100
	}
	tail := (100 - p) / 100
	r := Range{Min: float32(h.quantile(tail)), Max: float32(h.quantile(1 - tail))}
	obs := h.observed()
	// Never widen beyond what was seen (interpolation in the edge bins).
	return Range{Min: max(r.Min, obs.Min), Max: min(r.Max, obs.Max)}
}

// candidate is one clipping window [lo, hi] of the histogram's interval.
type candidate struct{ lo, hi float64 }

// candidates returns clipping windows that shrink the observed range toward
// zero, keeping the position of zero inside the window: for an asymmetric
// grid [α·min, α·max], for a symmetric one [-α·m, α·m] with m = max(|min|,|max|).
// α runs from 1 down to 1/16 in steps of 1/512 of the full range.
func candidates(h *Histogram, g Grid) []candidate {
	obs := h.observed().withZero()
	lo, hi := float64(obs.Min), float64(obs.Max)
	if g.Symmetric {
		m := max(-lo, hi)
		lo, hi = -m, m
	}
	var cs []candidate
	for k := 512; k >= 32; k-- {
		a := float64(k) / 512
		cs = append(cs, candidate{a * lo, a * hi})
	}
	return cs
}

// MSERange returns the clipping window with the smallest expected squared
// error: values inside it contribute the uniform rounding noise Δ²/12 of
// the grid, values outside it their distance to the nearest edge, squared.
func MSERange(h *Histogram, g Grid) Range {
	best, bestErr := Range{}, math.Inf(1)
	counts := h.nonzero()
	for _, c := range candidates(h, g) {
		e := clipError(h, counts, c, g)
		if e < bestErr {
			best, bestErr = Range{Min: float32(c.lo), Max: float32(c.hi)}, e
		}
	}
	return best
}

// clipError is the expected squared quantization error of values counted
// in the bins of h when quantized to window c on grid g.
func clipError(h *Histogram, counts []float64, c candidate, g Grid) float64 {
	step := (c.hi - c.lo) / float64(g.Levels-1)
	noise := step * step / 12
	e := 0.0
	for i, n := range counts {
		if n == 0 {
			continue
		}
		x := h.center(i)
		switch {
		case x < c.lo:
			e += n * ((c.lo-x)*(c.lo-x) + noise)
		case x > c.hi:
			e += n * ((x-c.hi)*(x-c.hi) + noise)
		default:
			e += n * noise
		}
	}
	return e
}

// EntropyRange returns the clipping window whose quantized distribution is
// closest, in Kullback-Leibler divergence, to the observed one. For each
// window the histogram is cut to the window's bins, with the mass outside
// folded into the edge bins (P); the window's own bins are merged into as
// many groups as the grid has levels and spread back evenly over the bins
// that were non-empty (Q); the window minimizing KL(P‖Q) wins. This is
// the method TensorRT made popular, applied to an asymmetric window.
// Values that are exactly 0 are left out: every window represents them
// exactly, and the spike they make after a ReLU would otherwise favor
// windows so narrow that each level is one histogram bin.
func EntropyRange(h *Histogram, g Grid) Range {
	levels := min(g.Levels, 256) // finer grids are indistinguishable from P at 2048 bins
	n := len(h.Counts)
	w := h.binWidth()
	seen := map[[2]int]bool{}
	best, bestKL := Range{}, math.Inf(1)
	p := make([]float64, n)
	q := make([]float64, n)
	counts := h.nonzero()
	for _, c := range candidates(h, g) {
		s := int(math.Floor((c.lo - h.Lo) / w))
		e := int(math.Ceil((c.hi - h.Lo) / w))
		s, e = max(s, 0), min(e, n)
		if e-s < levels || seen[[2]int{s, e}] {
			continue
		}
		seen[[2]int{s, e}] = true
		kl := windowKL(counts, s, e, levels, p[:e-s], q[:e-s])
		if kl < bestKL {
			best, bestKL = Range{Min: float32(h.Lo + float64(s)*w), Max: float32(h.Lo + float64(e)*w)}, kl
		}
	}
	if math.IsInf(bestKL, 1) {
		// Too few bins for any window (or no data): fall back to MSE.
		return MSERange(h, g)
	}
	return best.withZero()
}

// windowKL computes KL(P‖Q) for the window [s, e) of counts quantized to
// levels groups, using p and q (length e-s) as scratch.
func windowKL(counts []float64, s, e, levels int, p, q []float64) float64 {
	width := e - s
	copy(p, counts[s:e])
	for _, c := range counts[:s] {
		p[0] += c
	}
	for _, c := range counts[e:] {
		p[width-1] += c
	}
	clear(q)
	for j := 0; j < levels; j++ {
		a, b := j*width/levels, (j+1)*width/levels
		sum, nonzero := 0.0, 0
		for i := a; i < b; i++ {
			sum += counts[s+i]
			if p[i] != 0 {
				nonzero++
			}
		}
		if nonzero == 0 {
			continue
		}
		for i := a; i < b; i++ {
			if p[i] != 0 {
				q[i] = sum / float64(nonzero)
			}
		}
	}
	smooth(p)
	smooth(q)
	var sp, sq float64
	for i := range p {
		sp += p[i]
		sq += q[i]
	}
	if sp == 0 || sq == 0 {
		return math.Inf(1)
	}
	kl := 0.0
	for i := range p {
		if p[i] > 0 {
			pi, qi := p[i]/sp, q[i]/sq
			kl += pi * math.Log(pi/qi)
		}
	}
	return kl
}

// smooth moves a little mass from the non-empty bins to the empty ones so
// that the divergence stays finite where Q is empty but P is not.
func smooth(d []float64) {
	const eps = 1e-4
	zeros := 0
	total := 0.0
	for _, v := range d {
		if v == 0 {
			zeros++
		}
		total += v
	}
	if zeros == 0 || zeros == len(d) {
		return
	}
	give := eps * total / float64(zeros)
	for i, v := range d {
		if v == 0 {
			d[i] = give
		} else {
			d[i] = v * (1 - eps)
		}
	}
}
