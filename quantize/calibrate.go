package quantize

import (
	"fmt"
	"time"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

// TensorStats is what calibration learned about one float activation.
type TensorStats struct {
	MinMax MinMax
	Hist   *Histogram // nil when only min/max were collected
}

// Calibration holds the statistics of every float activation tensor of a
// model (graph inputs and operator outputs) over a calibration set, and the
// mean input patch of every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
// operator, which bias correction needs.
type Calibration struct {
	Samples int
	Tensors map[int32]*TensorStats // by tensor index
	patches map[int]*patchMean     // by operator index
}

// CalibrateOptions configures Calibrate.
type CalibrateOptions struct {
	Bins       int                   // histogram bins (default DefaultBins); < 0: min/max only
	Progress   func(done, total int) // called after every sample, if set
	runtimeOps []runtime.Option      // extra interpreter options (tests)
}

// Calibrate runs the float model m on every sample and collects activation
// statistics: a first pass records each tensor's min/max, a second fills a
// histogram over that range (skipped when opt.Bins < 0).
func Calibrate(m *format.Model, data Samples, opt CalibrateOptions) (*Calibration, error) {
	if data.Len() == 0 {
		return nil, fmt.Errorf("quantize: no calibration samples")
	}
	if opt.Bins == 0 {
		opt.Bins = DefaultBins
	}
	c := &Calibration{Samples: data.Len(), Tensors: map[int32]*TensorStats{}, patches: map[int]*patchMean{}}
	for i := range m.Tensors {
		t := &m.Tensors[i]
		if t.Type == format.Float32 && !isConst(m, int32(i)) {
			c.Tensors[int32(i)] = &TensorStats{}
		}
	}
	for i := range m.Operators {
		if p := newPatchMean(m, i); p != nil {
			c.patches[i] = p
		}
	}
	passes := 2
	if opt.Bins < 0 {
		passes = 1
	}
	total := passes * data.Len()
	done := 0
	for pass := 0; pass < passes; pass++ {
		if pass == 1 {
			for _, s := range c.Tensors {
				s.Hist = NewHistogram(s.MinMax.Range(), opt.Bins)
			}
		}
		observe := func(ti int32, x []float32) {
			s := c.Tensors[ti]
			if s == nil {
				return
			}
			if pass == 0 {
				s.MinMax.Observe(x)
			} else {
				s.Hist.Observe(x)
			}
		}
		var ip *runtime.Interpreter
		hook := func(op int, _ string, _ time.Duration) {
			for _, t := range ip.OperatorOutputs(op) {
				if t.Type == format.Float32 {
					observe(int32(t.Index), t.Float32())
				}
			}
			if p := c.patches[op]; p != nil && pass == 0 {
				p.add(ip.Tensor(int(m.Operators[op].Inputs[0])).Float32())
			}
		}
		var err error
		ip, err = runtime.LoadModel(m, append([]runtime.Option{runtime.WithOpHook(hook)}, opt.runtimeOps...)...)
		if err != nil {
			return nil, fmt.Errorf("quantize: loading the float model: %w", err)
		}
		for i := 0; i < data.Len(); i++ {
			if err := setInputs(ip, data, i); err != nil {
				return nil, err
			}
			for k := 0; k < ip.NumInputs(); k++ {
				if t := ip.Input(k); t.Type == format.Float32 {
					observe(int32(t.Index), t.Float32())
				}
			}
			if err := ip.Invoke(); err != nil {
				return nil, err
			}
			done++
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
		}
	}
	return c, nil
}

// Range returns the range method picks for tensor ti on grid g.
func (c *Calibration) Range(ti int32, method Method, percentile float64, g Grid) (Range, error) {
	s := c.Tensors[ti]
	if s == nil {
		return Range{}, fmt.Errorf("quantize: tensor %d was not calibrated", ti)
	}
	if method == MethodMinMax {
		return s.MinMax.Range(), nil
	}
	if s.Hist == nil {
		return Range{}, fmt.Errorf("quantize: method %s needs histograms; calibration collected min/max only", method)
	}
	switch method {
	case MethodPercentile:
		return PercentileRange(s.Hist, percentile), nil
	case MethodMSE:
		return MSERange(s.Hist, g), nil
	case MethodEntropy:
		return EntropyRange(s.Hist, g), nil
	}
	return Range{}, fmt.Errorf("quantize: method %q has no single range", method)
}

// patchMean accumulates the mean input patch a weight layer sees: for
// CONV_2D and DEPTHWISE_CONV_2D the mean over samples and output positions
// of the input values under each filter tap [KH][KW][Cin] (padding counts
// as 0); for FULLY_CONNECTED the mean input row.
type patchMean struct {
	conv                       bool
	h, w, cin                  int
	kh, kw                     int
	sh, sw, dh, dw, padT, padL int
	oh, ow                     int
	sum                        []float64
	count                      float64
}

// newPatchMean returns the accumulator for operator i, or nil if it is not
// a float weight layer.
func newPatchMean(m *format.Model, i int) *patchMean {
	op := &m.Operators[i]
	if len(op.Inputs) < 2 || op.Inputs[0] < 0 || !isConst(m, op.Inputs[1]) || len(op.Outputs) < 1 {
		return nil
	}
	in, w, out := &m.Tensors[op.Inputs[0]], &m.Tensors[op.Inputs[1]], &m.Tensors[op.Outputs[0]]
	if in.Type != format.Float32 || w.Type != format.Float32 {
		return nil
	}
	switch op.Op {
	case "FULLY_CONNECTED":
		if len(w.Shape) != 2 {
			return nil
		}
		k := int(w.Shape[1])
		return &patchMean{cin: k, sum: make([]float64, k)}
	case "CONV_2D", "DEPTHWISE_CONV_2D":
		if len(in.Shape) != 4 || len(w.Shape) != 4 || len(out.Shape) != 4 {
			return nil
		}
		o := &op.Options
		p := &patchMean{conv: true,
			h: int(in.Shape[1]), w: int(in.Shape[2]), cin: int(in.Shape[3]),
			kh: int(w.Shape[1]), kw: int(w.Shape[2]),
			sh: max(int(o.StrideH), 1), sw: max(int(o.StrideW), 1),
			dh: max(int(o.DilationH), 1), dw: max(int(o.DilationW), 1),
			oh: int(out.Shape[1]), ow: int(out.Shape[2]),
		}
		if o.Padding == format.PadSame {
			p.padT = max((p.oh-1)*p.sh+(p.kh-1)*p.dh+1-p.h, 0) / 2
			p.padL = max((p.ow-1)*p.sw+(p.kw-1)*p.dw+1-p.w, 0) / 2
		}
		p.sum = make([]float64, p.kh*p.kw*p.cin)
		return p
	}
	return nil
}

func (p *patchMean) add(x []float32) {
	if !p.conv {
		for r := 0; r+p.cin <= len(x); r += p.cin {
			for k, v := range x[r : r+p.cin] {
				p.sum[k] += float64(v)
			}
			p.count++
		}
		return
	}
	img := p.h * p.w * p.cin
	for b := 0; b+img <= len(x); b += img {
		for ky := 0; ky < p.kh; ky++ {
			for kx := 0; kx < p.kw; kx++ {
				acc := p.sum[(ky*p.kw+kx)*p.cin:][:p.cin]
				for oy := 0; oy < p.oh; oy++ {
					iy := oy*p.sh - p.padT + ky*p.dh
					if iy < 0 || iy >= p.h {
						continue
					}
					for ox := 0; ox < p.ow; ox++ {
						ix := ox*p.sw - p.padL + kx*p.dw
						if ix < 0 || ix >= p.w {
							continue
						}
						for c, v := range x[b+(iy*p.w+ix)*p.cin:][:p.cin] {
							acc[c] += float64(v)
						}
					}
				}
			}
		}
		p.count += float64(p.oh * p.ow)
	}
}

// mean returns the mean patch, or nil if nothing was seen.
func (p *patchMean) mean() []float64 {
	if p == nil || p.count == 0 {
		return nil
	}
	out := make([]float64, len(p.sum))
	for i, s := range p.sum {
		out[i] = s / p.count
	}
	return out
}
