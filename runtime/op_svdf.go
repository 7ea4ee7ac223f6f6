package runtime

import (
	"math"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("SVDF", prepareSVDF) }

// SVDF inputs, as TFLite numbers them.
const (
	svdfInput          = 0
	svdfWeightsFeature = 1
	svdfWeightsTime    = 2
	svdfBias           = 3 // optional
	svdfState          = 4 // variable [batches][filters·memory]
)

// prepareSVDF validates an SVDF as TFLM's PrepareSvdf does and binds the
// integer (int8 input, int16 or int8 state) or float kernel.
func prepareSVDF(n *node) (evalFunc, error) {
	if len(n.inputs) != 5 {
		return nil, n.errorf("has %d inputs, want 5", len(n.inputs))
	}
	if len(n.outputs) != 1 {
		return nil, n.errorf("has %d outputs, want 1", len(n.outputs))
	}
	in, err := n.input(svdfInput)
	if err != nil {
		return nil, err
	}
	wf, err := n.input(svdfWeightsFeature)
	if err != nil {
		return nil, err
	}
	wt, err := n.input(svdfWeightsTime)
	if err != nil {
		return nil, err
	}
	state, err := n.input(svdfState)
	if err != nil {
		return nil, err
	}
	bias := n.optionalInput(svdfBias)
	out, err := n.output(0)
	if err != nil {
		return nil, err
	}

	rank := int(n.opts().Rank)
	for _, t := range []*Tensor{in, wf, wt, state, out} {
		if len(t.Shape) != 2 {
			return nil, n.errorf("tensor %d (%s) has shape %v, want 2 dimensions", t.Index, t.Name, t.Shape)
		}
	}
	shape := kernels.SVDFShape{
		Batches:   in.Shape[0],
		InputSize: in.Shape[1],
		Filters:   wf.Shape[0],
		Rank:      rank,
		Memory:    wt.Shape[1],
	}
	if rank <= 0 || shape.Filters%rank != 0 {
		return nil, n.errorf("rank %d does not divide the %d filters", rank, shape.Filters)
	}
	units := shape.Units()
	if err := n.checkShape(wf, shape.Filters, shape.InputSize); err != nil {
		return nil, err
	}
	if err := n.checkShape(wt, shape.Filters, shape.Memory); err != nil {
		return nil, err
	}
	if bias != nil {
		if err := n.checkShape(bias, units); err != nil {
			return nil, err
		}
	}
	if err := n.checkShape(state, shape.Batches, shape.Memory*shape.Filters); err != nil {
		return nil, err
	}
	if err := n.checkShape(out, shape.Batches, units); err != nil {
		return nil, err
	}
	if !state.Variable {
		return nil, n.errorf("state tensor %d (%s) is not a variable", state.Index, state.Name)
	}
	for _, t := range []*Tensor{wf, wt, bias} {
		if t != nil && !t.Const {
			return nil, n.errorf("tensor %d (%s) must be constant", t.Index, t.Name)
		}
	}

	switch in.Type {
	case format.Int8:
		return prepareSVDFInt8(n, shape, in, wf, wt, bias, state, out)
	case format.Float32:
		return prepareSVDFFloat(n, shape, in, wf, wt, bias, state, out)
	}
	return nil, n.checkType(in, format.Int8, format.Float32)
}

func prepareSVDFInt8(n *node, shape kernels.SVDFShape, in, wf, wt, bias, state, out *Tensor) (evalFunc, error) {
	if err := n.checkType(wf, format.Int8); err != nil {
		return nil, err
	}
	if err := n.checkType(wt, format.Int16, format.Int8); err != nil {
		return nil, err
	}
	if state.Type != wt.Type {
		// TFLM reads the state with the time weights' type.
		return nil, n.errorf("state tensor %d has type %s, time weights %s", state.Index, state.Type, wt.Type)
	}
	if err := n.checkType(out, format.Int8); err != nil {
		return nil, err
	}
	if bias != nil {
		if err := n.checkType(bias, format.Int32); err != nil {
			return nil, err
		}
	}
	for _, t := range []*Tensor{in, wf, wt, state, out} {
		if len(t.Scale) != 1 || len(t.ZeroPoint) != 1 {
			return nil, n.errorf("tensor %d (%s) needs per-tensor quantization", t.Index, t.Name)
		}
	}
	// The bias must carry the state·time-weights scale (TFLM: float32
	// product, compared in float64 within 1e-5). Weight zero points are
	// ignored, as TFLM ignores them.
	if bias != nil {
		if len(bias.Scale) < 1 {
			return nil, n.errorf("bias tensor %d is not quantized", bias.Index)
		}
		if d := math.Abs(float64(bias.Scale[0]) - float64(state.Scale[0]*wt.Scale[0])); !(d < 1e-5) {
			return nil, n.errorf("bias scale %g is not state scale × time weights scale (%g)", bias.Scale[0], state.Scale[0]*wt.Scale[0])
		}
	}
	m1, s1, m2, s2, err := kernels.SVDFScales(in.Scale[0], wf.Scale[0], state.Scale[0], wt.Scale[0], out.Scale[0])
	if err != nil {
		return nil, n.errorf("%v", err)
	}
	weights := wf.Int8()
	var biasData []int32
	if bias != nil {
		biasData = bias.Int32()
	}
	if len(weights) != shape.Filters*shape.InputSize || (bias != nil && len(biasData) != shape.Units()) {
		return nil, n.errorf("weight or bias data do not match their shapes")
	}
	if wt.Type == format.Int16 {
		p := &kernels.SVDFInt8Params[int16]{WeightsTime: wt.Int16()}
		if err := fillSVDFInt8(n, p, shape, in, weights, biasData, state, out, m1, s1, m2, s2); err != nil {
			return nil, err
		}
		return func() error {
			kernels.SVDFInt8(p, in.Int8(), state.Int16(), out.Int8())
			return nil
		}, nil
	}
	p := &kernels.SVDFInt8Params[int8]{WeightsTime: wt.Int8()}
	if err := fillSVDFInt8(n, p, shape, in, weights, biasData, state, out, m1, s1, m2, s2); err != nil {
		return nil, err
	}
	return func() error {
		kernels.SVDFInt8(p, in.Int8(), state.Int8(), out.Int8())
		return nil
	}, nil
}

func fillSVDFInt8[T kernels.SVDFStateType](n *node, p *kernels.SVDFInt8Params[T], shape kernels.SVDFShape,
	in *Tensor, weights []int8, bias []int32, state, out *Tensor, m1 int32, s1 int, m2 int32, s2 int) error {
	p.SVDFShape = shape
	p.WeightsFeature = weights
	p.FeatureFold = kernels.FoldSVDFFeature(weights, shape.InputSize, in.ZeroPoint[0])
	p.Bias = bias
	p.StateZeroPoint = state.ZeroPoint[0]
	p.OutputZeroPoint = out.ZeroPoint[0]
	p.FeatureMultiplier, p.FeatureShift = m1, s1
	p.OutputMultiplier, p.OutputShift = m2, s2
	if err := p.Check(); err != nil {
		return n.errorf("%v", err)
	}
	return nil
}

func prepareSVDFFloat(n *node, shape kernels.SVDFShape, in, wf, wt, bias, state, out *Tensor) (evalFunc, error) {
	for _, t := range []*Tensor{wf, wt, state, out, bias} {
		if t == nil {
			continue
		}
		if err := n.checkType(t, format.Float32); err != nil {
			return nil, err
		}
	}
	p := &kernels.SVDFFloatParams{
		SVDFShape:      shape,
		WeightsFeature: wf.Float32(),
		WeightsTime:    wt.Float32(),
		Activation:     kernels.Activation(n.opts().Activation),
	}
	if bias != nil {
		p.Bias = bias.Float32()
	}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	return func() error {
		kernels.SVDFFloat(p, in.Float32(), state.Float32(), out.Float32())
		return nil
	}, nil
}
