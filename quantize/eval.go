package quantize

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

// EvalOptions configures Evaluate.
type EvalOptions struct {
	Labels   []int         // class labels, one per sample (optional)
	Ref      *format.Model // reference (float) model to compare with (optional)
	Layers   bool          // with Ref: per-layer SQNR of every matching tensor
	Progress func(done, total int)
}

// EvalResult is what Evaluate measured. Fractions are in [0, 1].
type EvalResult struct {
	Samples   int          `json:"samples"`
	Top1      *float64     `json:"top1,omitempty"`      // with labels
	RefTop1   *float64     `json:"ref_top1,omitempty"`  // with labels and a reference
	Agreement *float64     `json:"agreement,omitempty"` // top-1 equal to the reference's
	SQNR      *float64     `json:"sqnr_db,omitempty"`   // of the outputs against the reference
	Layers    []LayerSQNR  `json:"layers,omitempty"`
	Latency   LatencyStats `json:"latency"` // of the evaluated model's Invoke
}

// LayerSQNR is the quantization error of one tensor against the reference
// model's tensor with the same source index (or name).
type LayerSQNR struct {
	Operator  int     `json:"operator"` // -1 for a graph input
	Op        string  `json:"op"`
	Tensor    int     `json:"tensor"`
	Name      string  `json:"name"`
	Type      string  `json:"type"`
	Scale     float32 `json:"scale,omitempty"`
	ZeroPoint int32   `json:"zero_point,omitempty"`
	SQNR      float64 `json:"sqnr_db"`
	signal    float64
	noise     float64
}

// LatencyStats summarizes Invoke times.
type LatencyStats struct {
	P50 time.Duration `json:"p50_ns"`
	P90 time.Duration `json:"p90_ns"`
}

// Evaluate runs m on every sample: top-1 accuracy against labels, and with
// a reference model the top-1 agreement, the output SQNR and optionally the
// SQNR of every intermediate tensor (the quantization debugger: the layer
// where it drops is the one that loses the accuracy). Float samples are
// quantized for integer inputs, and integer outputs dequantized. Top-1 is
// the arg max of the first output's values.
func Evaluate(m *format.Model, data Samples, opt EvalOptions) (*EvalResult, error) {
	n := data.Len()
	if n == 0 {
		return nil, fmt.Errorf("quantize: no samples to evaluate on")
	}
	if opt.Labels != nil && len(opt.Labels) < n {
		return nil, fmt.Errorf("quantize: %d labels for %d samples", len(opt.Labels), n)
	}
	res := &EvalResult{Samples: n}
	var layers []*LayerSQNR
	var refOf map[int]int // tensor of m -> tensor of ref
	var refVals map[int][]float32
	var ip, rp *runtime.Interpreter
	var qbuf []float32

	var qhook runtime.OpHook
	if opt.Ref != nil && opt.Layers {
		refOf = matchTensors(m, opt.Ref)
		refVals = map[int][]float32{}
		for _, ti := range m.Inputs {
			if r, ok := refOf[int(ti)]; ok {
				layers = append(layers, newLayer(m, -1, "INPUT", int(ti)))
				refVals[r] = nil
			}
		}
		for i, op := range m.Operators {
			for _, ti := range op.Outputs {
				if r, ok := refOf[int(ti)]; ok {
					layers = append(layers, newLayer(m, i, op.Op, int(ti)))
					refVals[r] = nil
				}
			}
		}
		byTensor := map[int]*LayerSQNR{}
		for _, l := range layers {
			byTensor[l.Tensor] = l
		}
		qhook = func(op int, _ string, _ time.Duration) {
			for _, t := range ip.OperatorOutputs(op) {
				if l := byTensor[t.Index]; l != nil {
					qbuf = Values(t, qbuf)
					l.add(refVals[refOf[t.Index]], qbuf)
				}
			}
		}
	}
	var opts []runtime.Option
	if qhook != nil {
		opts = append(opts, runtime.WithOpHook(qhook))
	}
	ip, err := runtime.LoadModel(m, opts...)
	if err != nil {
		return nil, err
	}
	if opt.Ref != nil {
		var ropts []runtime.Option
		if refVals != nil {
			ropts = append(ropts, runtime.WithOpHook(func(op int, _ string, _ time.Duration) {
				for _, t := range rp.OperatorOutputs(op) {
					if v, ok := refVals[t.Index]; ok {
						refVals[t.Index] = Values(t, v)
					}
				}
			}))
		}
		if rp, err = runtime.LoadModel(opt.Ref, ropts...); err != nil {
			return nil, fmt.Errorf("reference model: %w", err)
		}
		if rp.NumOutputs() != ip.NumOutputs() {
			return nil, fmt.Errorf("quantize: model has %d outputs, reference %d", ip.NumOutputs(), rp.NumOutputs())
		}
	}
	var correct, refCorrect, agree int
	var signal, noise float64
	times := make([]time.Duration, 0, n)
	var out, refOut []float32
	for i := 0; i < n; i++ {
		if rp != nil {
			if err := setInputs(rp, data, i); err != nil {
				return nil, err
			}
			for k := 0; k < rp.NumInputs(); k++ {
				t := rp.Input(k)
				if v, ok := refVals[t.Index]; ok {
					refVals[t.Index] = Values(t, v)
				}
			}
			if err := rp.Invoke(); err != nil {
				return nil, fmt.Errorf("reference model: %w", err)
			}
		}
		if err := setInputs(ip, data, i); err != nil {
			return nil, err
		}
		if layers != nil {
			for k := 0; k < ip.NumInputs(); k++ {
				t := ip.Input(k)
				for _, l := range layers {
					if l.Operator == -1 && l.Tensor == t.Index {
						qbuf = Values(t, qbuf)
						l.add(refVals[refOf[t.Index]], qbuf)
					}
				}
			}
		}
		start := time.Now()
		if err := ip.Invoke(); err != nil {
			return nil, err
		}
		times = append(times, time.Since(start))
		out = Values(ip.Output(0), out)
		top := argmax(out)
		if opt.Labels != nil && top == opt.Labels[i] {
			correct++
		}
		if rp != nil {
			for k := 0; k < ip.NumOutputs(); k++ {
				out = Values(ip.Output(k), out)
				refOut = Values(rp.Output(k), refOut)
				if len(out) != len(refOut) {
					return nil, fmt.Errorf("quantize: output %d has %d values, reference %d", k, len(out), len(refOut))
				}
				if k == 0 {
					rtop := argmax(refOut)
					if rtop == top {
						agree++
					}
					if opt.Labels != nil && rtop == opt.Labels[i] {
						refCorrect++
					}
				}
				for j, r := range refOut {
					d := float64(out[j]) - float64(r)
					signal += float64(r) * float64(r)
					noise += d * d
				}
			}
		}
		if opt.Progress != nil {
			opt.Progress(i+1, n)
		}
	}
	frac := func(k int) *float64 { f := float64(k) / float64(n); return &f }
	if opt.Labels != nil {
		res.Top1 = frac(correct)
	}
	if rp != nil {
		res.Agreement = frac(agree)
		s := sqnrDB(signal, noise)
		res.SQNR = &s
		if opt.Labels != nil {
			res.RefTop1 = frac(refCorrect)
		}
	}
	for _, l := range layers {
		l.SQNR = sqnrDB(l.signal, l.noise)
		res.Layers = append(res.Layers, *l)
	}
	res.Latency = latencyStats(times)
	return res, nil
}

func newLayer(m *format.Model, op int, name string, ti int) *LayerSQNR {
	t := &m.Tensors[ti]
	l := &LayerSQNR{Operator: op, Op: name, Tensor: ti, Name: t.Name, Type: t.Type.String()}
	if t.Quant != nil && len(t.Quant.Scale) == 1 {
		l.Scale = t.Quant.Scale[0]
		if len(t.Quant.ZeroPoint) == 1 {
			l.ZeroPoint = int32(t.Quant.ZeroPoint[0])
		}
	}
	return l
}

func (l *LayerSQNR) add(ref, got []float32) {
	if len(ref) != len(got) {
		return
	}
	for j, r := range ref {
		d := float64(got[j]) - float64(r)
		l.signal += float64(r) * float64(r)
		l.noise += d * d
	}
}

// matchTensors pairs the activation tensors of m with those of ref: same
// source index when both record one, else the same name, else (for models
// derived from one another) the same index and shape.
func matchTensors(m, ref *format.Model) map[int]int {
	bySource := map[int32]int{}
	byName := map[string]int{}
	for i, t := range ref.Tensors {
		if isConst(ref, int32(i)) {
			continue
		}
		if t.Source >= 0 {
			bySource[t.Source] = i
		}
		byName[t.Name] = i
	}
	out := map[int]int{}
	for i, t := range m.Tensors {
		if isConst(m, int32(i)) {
			continue
		}
		if r, ok := bySource[t.Source]; ok && t.Source >= 0 {
			out[i] = r
		} else if r, ok := byName[t.Name]; ok {
			out[i] = r
		}
	}
	return out
}

// argmax returns the index of the largest value (the first one on ties).
func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// latencyStats returns the median and 90th percentile of times.
func latencyStats(times []time.Duration) LatencyStats {
	if len(times) == 0 {
		return LatencyStats{}
	}
	s := append([]time.Duration(nil), times...)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(int(math.Ceil(q*float64(len(s))))-1, len(s)-1)] }
	return LatencyStats{P50: at(0.5), P90: at(0.9)}
}

// WorstLayer returns the layer with the lowest SQNR, or nil.
func (r *EvalResult) WorstLayer() *LayerSQNR {
	var worst *LayerSQNR
	for i := range r.Layers {
		if worst == nil || r.Layers[i].SQNR < worst.SQNR {
			worst = &r.Layers[i]
		}
	}
	return worst
}
