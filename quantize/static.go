package quantize

import (
	"fmt"
	"math"
	"sort"

	"github.com/edgeq/edgeq/format"
)

// sameScaleOps are the operators whose integer kernels need their output to
// carry exactly the quantization of their (activation) inputs: they move or
// select values without rescaling them (TFLite's
// restrict_same_input_output_scale).
var sameScaleOps = map[string]bool{
	"RESHAPE": true, "MAX_POOL_2D": true, "AVERAGE_POOL_2D": true, "PAD": true, "PADV2": true,
	"CONCATENATION": true, "SQUEEZE": true, "EXPAND_DIMS": true, "TRANSPOSE": true,
	"RELU6": true, // TFLite Micro's int8 RELU6 clamps the raw values
}

// constOperandOps quantize a constant float operand with its own range.
var constOperandOps = map[string]bool{"ADD": true, "SUB": true, "MUL": true, "MINIMUM": true, "MAXIMUM": true}

// groups partitions the float activation tensors into sets that must share
// quantization parameters, with union-find.
type groups struct {
	parent map[int32]int32
}

func (g *groups) find(t int32) int32 {
	for g.parent[t] != t {
		g.parent[t] = g.parent[g.parent[t]]
		t = g.parent[t]
	}
	return t
}

func (g *groups) union(a, b int32) {
	ra, rb := g.find(a), g.find(b)
	if ra != rb {
		// Keep the smaller index (usually the producer side) as the root.
		if rb < ra {
			ra, rb = rb, ra
		}
		g.parent[rb] = ra
	}
}

// plan is the activation quantization of a model: which tensors share
// parameters, and which have fixed ones.
type plan struct {
	acts   []int32 // float activation tensors, in index order
	groups groups
	fixed  map[int32]Affine // group root -> fixed parameters
	order  []int32          // group roots, in the order the graph first writes them
	// padValue are the PADV2 outputs: what they add to their input is the
	// pad value (for a max pool, the lowest float), not data to fit.
	padValue map[int32]bool
}

func newPlan(m *format.Model, g Grid) *plan {
	p := &plan{groups: groups{parent: map[int32]int32{}}, fixed: map[int32]Affine{}, padValue: map[int32]bool{}}
	for i := range m.Tensors {
		if m.Tensors[i].Type == format.Float32 && !isConst(m, int32(i)) {
			p.acts = append(p.acts, int32(i))
			p.groups.parent[int32(i)] = int32(i)
		}
	}
	isAct := func(t int32) bool { _, ok := p.groups.parent[t]; return t >= 0 && ok }
	for _, op := range m.Operators {
		if sameScaleOps[op.Op] && len(op.Outputs) == 1 && isAct(op.Outputs[0]) {
			for k, in := range op.Inputs {
				if k > 0 && op.Op != "CONCATENATION" {
					break // shapes, paddings, permutations
				}
				if isAct(in) {
					p.groups.union(in, op.Outputs[0])
				}
			}
			if op.Op == "PADV2" {
				p.padValue[op.Outputs[0]] = true
			}
		}
	}
	softmax, tanh := softmaxInt8, tanhInt8
	if g.Symmetric {
		softmax, tanh = softmaxInt16, tanhInt16
	}
	for _, op := range m.Operators {
		if len(op.Outputs) != 1 || !isAct(op.Outputs[0]) {
			continue
		}
		switch op.Op {
		case "SOFTMAX", "LOGISTIC":
			p.fixed[p.groups.find(op.Outputs[0])] = softmax
		case "TANH":
			p.fixed[p.groups.find(op.Outputs[0])] = tanh
		}
	}
	seen := map[int32]bool{}
	visit := func(t int32) {
		if isAct(t) {
			if r := p.groups.find(t); !seen[r] {
				seen[r] = true
				p.order = append(p.order, r)
			}
		}
	}
	for _, t := range m.Inputs {
		visit(t)
	}
	for _, op := range m.Operators {
		for _, t := range op.Outputs {
			visit(t)
		}
	}
	for _, t := range p.acts {
		visit(t)
	}
	return p
}

// members returns the tensors of the group rooted at r.
func (p *plan) members(r int32) []int32 {
	var out []int32
	for _, t := range p.acts {
		if p.groups.find(t) == r {
			out = append(out, t)
		}
	}
	return out
}

// groupRange is the union of the calibration ranges of group r's members
// under method, leaving out PADV2 outputs (their input is in the group).
func (p *plan) groupRange(cal *Calibration, r int32, method Method, percentile float64, g Grid) (Range, error) {
	var rng Range
	first := true
	for _, t := range p.members(r) {
		if p.padValue[t] {
			continue
		}
		tr, err := cal.Range(t, method, percentile, g)
		if err != nil {
			return Range{}, err
		}
		if first {
			rng, first = tr, false
		} else {
			rng = rng.union(tr)
		}
	}
	return rng, nil
}

// resolve computes every group's parameters: fixed ones where an op needs
// them, else the union of the members' ranges under the group's method.
func (p *plan) resolve(cal *Calibration, opt *Options, choice map[int32]Method) (map[int32]Affine, []TensorReport, error) {
	g := opt.grid()
	params := map[int32]Affine{}
	var reports []TensorReport
	for _, r := range p.order {
		members := p.members(r)
		if a, ok := p.fixed[r]; ok {
			for _, t := range members {
				params[t] = a
				reports = append(reports, TensorReport{Tensor: t, Method: "fixed", Observed: cal.observed(t), Range: a.Representable(g), Affine: a})
			}
			continue
		}
		method := opt.Method
		if c, ok := choice[r]; ok {
			method = c
		} else if method == MethodAuto {
			method = MethodMSE
		}
		rng, err := p.groupRange(cal, r, method, opt.Percentile, g)
		if err != nil {
			return nil, nil, err
		}
		a := AffineFor(rng, g)
		for _, t := range members {
			params[t] = a
			m := method
			if t != r {
				m = "shared"
			}
			reports = append(reports, TensorReport{Tensor: t, Method: m, Observed: cal.observed(t), Range: rng.withZero(), Affine: a})
		}
	}
	sort.Slice(reports, func(i, j int) bool { return reports[i].Tensor < reports[j].Tensor })
	return params, reports, nil
}

// observed returns the min/max calibration saw for tensor t.
func (c *Calibration) observed(t int32) Range {
	if s := c.Tensors[t]; s != nil {
		return s.MinMax.Range()
	}
	return Range{}
}

// checkStaticOps refuses, before calibrating, operators that have no
// integer kernel for the chosen activation type.
func checkStaticOps(m *format.Model, opt Options) error {
	if opt.Activations != format.Int16 {
		return nil
	}
	for i, op := range m.Operators {
		if op.Op == "HARD_SWISH" {
			return fmt.Errorf("quantize: operator %d (HARD_SWISH): there is no int16 HARD_SWISH (TFLite has none); quantize with int8 activations", i)
		}
	}
	return nil
}

// hardSwishMaxRatio bounds a HARD_SWISH's input scale over its output
// scale: TFLite's int8 kernel needs the ratio below 128 (an output
// multiplier exponent of at most 0).
const hardSwishMaxRatio = 127

// widenHardSwishOutputs widens the output range of each HARD_SWISH whose
// input scale is too large for its output scale — an input range mostly
// below -3, where the output is nearly 0 — so that the kernel accepts it.
// A group with fixed parameters is left alone (the runtime then says why
// it cannot load the model).
func (p *plan) widenHardSwishOutputs(m *format.Model, params map[int32]Affine, reports []TensorReport, g Grid) {
	for _, op := range m.Operators {
		if op.Op != "HARD_SWISH" || len(op.Inputs) != 1 || len(op.Outputs) != 1 {
			continue
		}
		in, okIn := params[op.Inputs[0]]
		out, okOut := params[op.Outputs[0]]
		if !okIn || !okOut || float64(in.Scale) < hardSwishMaxRatio*float64(out.Scale) {
			continue
		}
		r := p.groups.find(op.Outputs[0])
		if _, fixed := p.fixed[r]; fixed {
			continue
		}
		k := float64(in.Scale) / (hardSwishMaxRatio * float64(out.Scale))
		rep := out.Representable(g)
		a := AffineFor(Range{Min: float32(float64(rep.Min) * k), Max: float32(float64(rep.Max) * k)}, g)
		for _, t := range p.members(r) {
			params[t] = a
			for i := range reports {
				if reports[i].Tensor == t {
					reports[i].Affine, reports[i].Range = a, a.Representable(g)
				}
			}
		}
	}
}

// quantizeStatic builds the integer model from calibration statistics.
// choice, if not nil, gives the method of each group (auto).
func quantizeStatic(src *format.Model, cal *Calibration, opt Options, choice map[int32]Method) (*format.Model, *Report, error) {
	g := opt.grid()
	p := newPlan(src, g)
	params, treports, err := p.resolve(cal, &opt, choice)
	if err != nil {
		return nil, nil, err
	}
	p.widenHardSwishOutputs(src, params, treports, g)
	m := clone(src)
	actType := opt.Activations
	for _, t := range p.acts {
		a, ok := params[t]
		if !ok {
			return nil, nil, fmt.Errorf("quantize: tensor %d (%s) got no quantization parameters", t, src.Tensors[t].Name)
		}
		m.Tensors[t].Type = actType
		m.Tensors[t].Quant = perTensor(a)
	}
	rep := &Report{Mode: ModeStatic, Method: opt.Method, Activations: actType.String(), Samples: cal.Samples, Tensors: treports}
	for i := range treports {
		rep.Tensors[i].Name = src.Tensors[treports[i].Tensor].Name
	}
	q := &constQuantizer{src: src, m: m, done: map[int32]bool{}}
	for i := range m.Operators {
		op := &m.Operators[i]
		switch op.Op {
		case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED":
			lr, err := q.weightLayer(i, params, cal, &opt)
			if err != nil {
				return nil, nil, err
			}
			rep.Layers = append(rep.Layers, lr)
		default:
			if err := q.operands(i, params, &opt); err != nil {
				return nil, nil, err
			}
		}
	}
	if opt.FloatIO {
		addBoundaryOps(m, src)
	}
	compactBuffers(m)
	m.Meta.QuantMethod = string(ModeStatic)
	m.Meta.Calibration = rep.summary()
	if err := m.Validate(); err != nil {
		return nil, nil, fmt.Errorf("quantize: produced an invalid model: %w", err)
	}
	return m, rep, nil
}

// constQuantizer converts float constants operator by operator. A float
// constant that two operators read in different ways is duplicated.
type constQuantizer struct {
	src, m *format.Model
	done   map[int32]bool // constants already converted
}

// claim returns the tensor index op input k should use for a new integer
// version of its constant: the same index the first time, a copy after.
func (q *constQuantizer) claim(op *format.Operator, k int) int32 {
	ti := op.Inputs[k]
	if !q.done[ti] {
		q.done[ti] = true
		return ti
	}
	t := q.src.Tensors[ti]
	t.Quant = nil
	t.Source = -1
	nt := addTensor(q.m, t)
	op.Inputs[k] = nt
	q.done[nt] = true
	return nt
}

// weightAxis returns the per-channel axis of an op's weights, or -1 for
// per-tensor.
func weightAxis(op string, opt *Options) int {
	switch op {
	case "CONV_2D":
		if !opt.PerTensor {
			return 0
		}
	case "DEPTHWISE_CONV_2D":
		if !opt.PerTensor {
			return 3
		}
	case "FULLY_CONNECTED":
		if opt.PerChannelFC || opt.Mode != ModeStatic {
			return 0
		}
	}
	return -1
}

// weightLayer quantizes the weights and bias of a CONV_2D,
// DEPTHWISE_CONV_2D or FULLY_CONNECTED operator.
func (q *constQuantizer) weightLayer(i int, params map[int32]Affine, cal *Calibration, opt *Options) (LayerReport, error) {
	op := &q.m.Operators[i]
	lr := LayerReport{Operator: i, Op: op.Op, Bits: 8}
	if len(op.Inputs) < 2 || !isConst(q.src, op.Inputs[1]) {
		return lr, fmt.Errorf("quantize: operator %d (%s): weights are not constant", i, op.Op)
	}
	in, ok := params[op.Inputs[0]]
	if !ok {
		return lr, fmt.Errorf("quantize: operator %d (%s): input is not a float activation", i, op.Op)
	}
	wi := op.Inputs[1]
	w, err := floatData(q.src, wi)
	if err != nil {
		return lr, fmt.Errorf("quantize: operator %d (%s): %w", i, op.Op, err)
	}
	shape := q.src.Tensors[wi].Shape
	axis := weightAxis(op.Op, opt)
	wq, ws, err := SymmetricWeights(w, shape, axis, 8)
	if err != nil {
		return lr, fmt.Errorf("quantize: operator %d (%s): %w", i, op.Op, err)
	}
	nw := q.claim(op, 1)
	setConst(q.m, nw, format.Int8, int8Bytes(wq), perChannel(ws, axis))
	lr.Weights, lr.PerChannel = nw, len(ws) > 1
	deq := dequantizeWeights(wq, shape, axis, ws)
	lr.WeightSQNR = sqnr(w, deq)

	outC := outChannels(op.Op, shape)
	var bias []float32
	if len(op.Inputs) > 2 && op.Inputs[2] >= 0 {
		if bias, err = floatData(q.src, op.Inputs[2]); err != nil {
			return lr, fmt.Errorf("quantize: operator %d (%s) bias: %w", i, op.Op, err)
		}
		if len(bias) != outC {
			return lr, fmt.Errorf("quantize: operator %d (%s): bias has %d values for %d output channels", i, op.Op, len(bias), outC)
		}
	}
	if opt.BiasCorrection {
		if mean := cal.patches[i].mean(); mean != nil {
			shift := biasShift(op.Op, w, deq, shape, mean, q.src.Tensors[op.Inputs[0]].Shape)
			if bias == nil {
				bias = make([]float32, outC)
			}
			for c := range bias {
				bias[c] -= float32(shift[c])
				lr.MaxBiasFix = max(lr.MaxBiasFix, math.Abs(shift[c]))
			}
		}
	}
	if bias == nil {
		return lr, nil
	}
	// Bias scale is input scale × weight scale, per channel.
	scales := ws
	if len(ws) == 1 && outC > 1 {
		scales = make([]float32, outC)
		for c := range scales {
			scales[c] = ws[0]
		}
	}
	var bi int32
	if len(op.Inputs) > 2 && op.Inputs[2] >= 0 {
		bi = q.claim(op, 2)
	} else {
		bi = addTensor(q.m, format.Tensor{Name: q.m.Tensors[op.Outputs[0]].Name + "_bias", Type: format.Float32, Shape: []int32{int32(outC)}, Buffer: -1})
		for len(op.Inputs) < 3 {
			op.Inputs = append(op.Inputs, -1)
		}
		op.Inputs[2] = bi
	}
	var bq *format.Quantization
	if opt.Activations == format.Int16 {
		qb, bs := QuantizeBias64(bias, in.Scale, scales)
		bq = perChannel(bs, 0)
		setConst(q.m, bi, format.Int64, int64Bytes(qb), bq)
	} else {
		qb, bs := QuantizeBias(bias, in.Scale, scales)
		bq = perChannel(bs, 0)
		setConst(q.m, bi, format.Int32, int32Bytes(qb), bq)
	}
	if len(ws) == 1 {
		// Per-tensor weights: one bias scale, as TFLite writes it.
		bq.Scale, bq.ZeroPoint, bq.Axis = bq.Scale[:1], bq.ZeroPoint[:1], 0
	}
	return lr, nil
}

// outChannels returns the number of output channels of a weight tensor.
func outChannels(op string, shape []int32) int {
	if op == "DEPTHWISE_CONV_2D" {
		return int(shape[len(shape)-1])
	}
	return int(shape[0])
}

// operands quantizes the float constants other operators read.
func (q *constQuantizer) operands(i int, params map[int32]Affine, opt *Options) error {
	op := &q.m.Operators[i]
	for k, ti := range op.Inputs {
		if ti < 0 || !isConst(q.src, ti) || q.src.Tensors[ti].Type != format.Float32 {
			continue
		}
		x, err := floatData(q.src, ti)
		if err != nil {
			return err
		}
		var a Affine
		switch {
		case op.Op == "CONCATENATION" || sameScaleOps[op.Op] && k == 0 || op.Op == "PADV2" && k == 2:
			// PADV2's pad value is written into the output as it is: the
			// output's parameters (a value beyond them, such as the lowest
			// float a max pool pads with, becomes the lowest integer).
			a = params[op.Outputs[0]]
		case constOperandOps[op.Op]:
			var mm MinMax
			mm.Observe(x)
			a = AffineFor(mm.Range(), opt.grid())
		default:
			return fmt.Errorf("quantize: operator %d (%s): don't know how to quantize its float constant input %d (%s)", i, op.Op, k, q.src.Tensors[ti].Name)
		}
		nt := q.claim(op, k)
		vals := quantizeValues(x, a, opt.grid())
		if opt.Activations == format.Int16 {
			setConst(q.m, nt, format.Int16, int16Bytes(vals), perTensor(a))
		} else {
			b := make([]int8, len(vals))
			for j, v := range vals {
				b[j] = int8(v)
			}
			setConst(q.m, nt, format.Int8, int8Bytes(b), perTensor(a))
		}
	}
	return nil
}

// addBoundaryOps keeps float graph inputs and outputs: each integer input
// gets a float twin fed through QUANTIZE, each integer output a float twin
// computed by DEQUANTIZE.
func addBoundaryOps(m *format.Model, src *format.Model) {
	var pre, post []format.Operator
	for k, ti := range m.Inputs {
		t := src.Tensors[ti]
		t.Quant = nil
		f := addTensor(m, t)
		m.Tensors[ti].Name += "_quantized"
		m.Tensors[ti].Source = -1
		m.Tensors[f].Source = src.Tensors[ti].Source
		pre = append(pre, format.Operator{Op: "QUANTIZE", Version: 1, Inputs: []int32{f}, Outputs: []int32{ti}})
		m.Inputs[k] = f
	}
	for k, ti := range m.Outputs {
		if m.Tensors[ti].Type == format.Float32 {
			continue
		}
		t := src.Tensors[ti]
		t.Quant = nil
		t.Name += "_float"
		t.Source = -1
		f := addTensor(m, t)
		post = append(post, format.Operator{Op: "DEQUANTIZE", Version: 1, Inputs: []int32{ti}, Outputs: []int32{f}})
		m.Outputs[k] = f
	}
	m.Operators = append(append(pre, m.Operators...), post...)
}

// sqnr returns the signal-to-quantization-noise ratio of approx against
// ref in dB (+Inf when they are equal).
func sqnr(ref, approx []float32) float64 {
	var s, n float64
	for i, r := range ref {
		d := float64(r) - float64(approx[i])
		s += float64(r) * float64(r)
		n += d * d
	}
	return sqnrDB(s, n)
}

func sqnrDB(signal, noise float64) float64 {
	if noise == 0 {
		return math.Inf(1)
	}
	if signal == 0 {
		return math.Inf(-1)
	}
	return 10 * math.Log10(signal/noise)
}

// summary is the calibration note stored in the model's metadata.
func (r *Report) summary() string {
	counts := map[Method]int{}
	for _, t := range r.Tensors {
		counts[t.Method]++
	}
	s := fmt.Sprintf("%d samples; activations %s; method %s", r.Samples, r.Activations, r.Method)
	if r.Method == MethodAuto {
		s += " ("
		first := true
		for _, m := range append(Methods, "fixed", "shared") {
			if counts[m] > 0 {
				if !first {
					s += ", "
				}
				s += fmt.Sprintf("%s ×%d", m, counts[m])
				first = false
			}
		}
		s += ")"
	}
	for _, l := range r.Layers {
		if l.MaxBiasFix > 0 {
			return s + "; bias correction"
		}
	}
	return s
}
