package quantize

import (
	"fmt"

	"github.com/edgeq/edgeq/format"
)

// isWeightLayer reports whether operator op of m is a CONV_2D,
// DEPTHWISE_CONV_2D or FULLY_CONNECTED with a float input and constant
// float weights: the layers dynamic and weight-only modes quantize.
func isWeightLayer(m *format.Model, op *format.Operator) bool {
	switch op.Op {
	case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED":
	default:
		return false
	}
	return len(op.Inputs) >= 2 && op.Inputs[0] >= 0 && m.Tensors[op.Inputs[0]].Type == format.Float32 &&
		isConst(m, op.Inputs[1]) && m.Tensors[op.Inputs[1]].Type == format.Float32
}

// quantizeLayerWeights replaces the float weights of weight layer i with
// symmetric int8 ones and returns its report. With calibration statistics
// and opt.BiasCorrection, the float bias absorbs the mean output shift.
func (q *constQuantizer) quantizeLayerWeights(i int, cal *Calibration, opt *Options) (LayerReport, error) {
	op := &q.m.Operators[i]
	lr := LayerReport{Operator: i, Op: op.Op, Bits: opt.WeightBits}
	wi := op.Inputs[1]
	w, err := floatData(q.src, wi)
	if err != nil {
		return lr, err
	}
	shape := q.src.Tensors[wi].Shape
	axis := weightAxis(op.Op, opt)
	wq, ws, err := SymmetricWeights(w, shape, axis, lr.Bits)
	if err != nil {
		return lr, fmt.Errorf("quantize: operator %d (%s): %w", i, op.Op, err)
	}
	dtype, data := format.Int8, int8Bytes(wq)
	if lr.Bits == 4 {
		if data, err = format.PackInt4(wq); err != nil {
			return lr, fmt.Errorf("quantize: operator %d (%s): %w", i, op.Op, err)
		}
		dtype = format.Int4
	}
	nw := q.claim(op, 1)
	setConst(q.m, nw, dtype, data, perChannel(ws, axis))
	deq := dequantizeWeights(wq, shape, axis, ws)
	lr.Weights, lr.PerChannel, lr.WeightSQNR = nw, len(ws) > 1, sqnr(w, deq)
	if !opt.BiasCorrection || cal == nil {
		return lr, nil
	}
	mean := cal.patches[i].mean()
	if mean == nil {
		return lr, nil
	}
	shift := biasShift(op.Op, w, deq, shape, mean, q.src.Tensors[op.Inputs[0]].Shape)
	outC := outChannels(op.Op, shape)
	bias := make([]float32, outC)
	if len(op.Inputs) > 2 && op.Inputs[2] >= 0 {
		if bias, err = floatData(q.src, op.Inputs[2]); err != nil || len(bias) != outC {
			return lr, fmt.Errorf("quantize: operator %d (%s): bad bias: %v", i, op.Op, err)
		}
	} else {
		bi := addTensor(q.m, format.Tensor{Name: q.m.Tensors[op.Outputs[0]].Name + "_bias", Type: format.Float32, Shape: []int32{int32(outC)}, Buffer: -1})
		for len(op.Inputs) < 3 {
			op.Inputs = append(op.Inputs, -1)
		}
		op.Inputs[2] = bi
	}
	for c := range bias {
		bias[c] -= float32(shift[c])
		lr.MaxBiasFix = max(lr.MaxBiasFix, abs(shift[c]))
	}
	bi := op.Inputs[2]
	if q.done[bi] || int(bi) < len(q.src.Tensors) && isConst(q.src, bi) {
		bi = q.claim(op, 2)
	} else {
		q.done[bi] = true
	}
	setConst(q.m, bi, format.Float32, float32Bytes(bias), nil)
	return lr, nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// quantizeDynamic makes a dynamic-range ("hybrid") model: int8 weights for
// every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, float biases and
// activations. The runtime's hybrid kernels quantize each input at run time.
func quantizeDynamic(src *format.Model, cal *Calibration, opt Options) (*format.Model, *Report, error) {
	m := clone(src)
	q := &constQuantizer{src: src, m: m, done: map[int32]bool{}}
	rep := &Report{Mode: ModeDynamic}
	if cal != nil {
		rep.Samples = cal.Samples
	}
	for i := range m.Operators {
		if !isWeightLayer(src, &src.Operators[i]) {
			continue
		}
		lr, err := q.quantizeLayerWeights(i, cal, &opt)
		if err != nil {
			return nil, nil, err
		}
		rep.Layers = append(rep.Layers, lr)
		if m.Operators[i].Op == "FULLY_CONNECTED" && !opt.SymmetricInputs {
			m.Operators[i].Options.AsymmetricQuantizeInputs = true
		}
	}
	if len(rep.Layers) == 0 {
		return nil, nil, fmt.Errorf("quantize: the model has no float CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED weights to quantize")
	}
	compactBuffers(m)
	m.Meta.QuantMethod = string(ModeDynamic)
	m.Meta.Calibration = ""
	if err := m.Validate(); err != nil {
		return nil, nil, fmt.Errorf("quantize: produced an invalid model: %w", err)
	}
	return m, rep, nil
}

// quantizeWeightsOnly stores every weight layer's weights as int8 or packed
// int4 (per channel) followed by a DEQUANTIZE operator, as TFLite writes weight-only
// quantized models: the file shrinks, the arithmetic stays float, and a
// runtime that folds DEQUANTIZE of a constant at load runs it exactly as
// the float model with slightly rounded weights.
func quantizeWeightsOnly(src *format.Model, cal *Calibration, opt Options) (*format.Model, *Report, error) {
	m := clone(src)
	q := &constQuantizer{src: src, m: m, done: map[int32]bool{}}
	rep := &Report{Mode: ModeWeights}
	if cal != nil {
		rep.Samples = cal.Samples
	}
	var ops []format.Operator
	for i := range m.Operators {
		if !isWeightLayer(src, &src.Operators[i]) {
			ops = append(ops, m.Operators[i])
			continue
		}
		lr, err := q.quantizeLayerWeights(i, cal, &opt)
		if err != nil {
			return nil, nil, err
		}
		rep.Layers = append(rep.Layers, lr)
		op := m.Operators[i]
		wq := op.Inputs[1]
		wt := m.Tensors[wq]
		f := addTensor(m, format.Tensor{Name: wt.Name + "_dequantized", Type: format.Float32, Shape: wt.Shape, Buffer: -1})
		ops = append(ops, format.Operator{Op: "DEQUANTIZE", Version: 1, Inputs: []int32{wq}, Outputs: []int32{f}})
		op.Inputs[1] = f
		ops = append(ops, op)
	}
	if len(rep.Layers) == 0 {
		return nil, nil, fmt.Errorf("quantize: the model has no float CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED weights to quantize")
	}
	m.Operators = ops
	compactBuffers(m)
	m.Meta.QuantMethod = string(ModeWeights)
	m.Meta.Calibration = ""
	if err := m.Validate(); err != nil {
		return nil, nil, fmt.Errorf("quantize: produced an invalid model: %w", err)
	}
	return m, rep, nil
}
