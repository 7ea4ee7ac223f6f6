package runtime

import (
	"errors"
	"math"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

func init() { register("UNIDIRECTIONAL_SEQUENCE_LSTM", prepareSequenceLSTM) }

// UNIDIRECTIONAL_SEQUENCE_LSTM inputs, as TFLite numbers them (lstm_shared.h).
const (
	lstmInput                = 0
	lstmInputToInputWeights  = 1 // input gate
	lstmInputToForgetWeights = 2
	lstmInputToCellWeights   = 3
	lstmInputToOutputWeights = 4
	lstmRecurrentToInput     = 5
	lstmRecurrentToForget    = 6
	lstmRecurrentToCell      = 7
	lstmRecurrentToOutput    = 8
	lstmCellToInput          = 9 // peephole, 9..11
	lstmInputGateBias        = 12
	lstmForgetGateBias       = 13
	lstmCellGateBias         = 14
	lstmOutputGateBias       = 15
	lstmProjectionWeights    = 16 // projection, 16..17
	lstmOutputState          = 18 // hidden state, variable
	lstmCellState            = 19 // variable
	lstmInputLayerNorm       = 20 // layer norm, 20..23
	lstmNumInputs            = 24
)

// lstmGateInputs lists, for the forget, input, cell and output gates, the
// input weights, recurrent weights and bias.
var lstmGateInputs = [4][3]int{
	{lstmInputToForgetWeights, lstmRecurrentToForget, lstmForgetGateBias},
	{lstmInputToInputWeights, lstmRecurrentToInput, lstmInputGateBias},
	{lstmInputToCellWeights, lstmRecurrentToCell, lstmCellGateBias},
	{lstmInputToOutputWeights, lstmRecurrentToOutput, lstmOutputGateBias},
}

// prepareSequenceLSTM validates a sequence LSTM as TFLM's
// UnidirectionalSequenceLstmPrepare does (the standard LSTM only: no CIFG,
// peephole, projection or layer norm) and binds the 8x8→16 integer or the
// float kernel.
func prepareSequenceLSTM(n *node) (evalFunc, error) {
	if len(n.inputs) != lstmNumInputs {
		return nil, n.errorf("has %d inputs, want %d", len(n.inputs), lstmNumInputs)
	}
	if len(n.outputs) != 1 {
		return nil, n.errorf("has %d outputs, want 1", len(n.outputs))
	}
	for i := range lstmNumInputs {
		switch {
		case i >= lstmCellToInput && i < lstmInputGateBias:
			if n.inputs[i] != nil {
				return nil, n.errorf("peephole connections are not supported")
			}
		case i >= lstmProjectionWeights && i < lstmOutputState:
			if n.inputs[i] != nil {
				return nil, n.errorf("projection is not supported")
			}
		case i >= lstmInputLayerNorm:
			if n.inputs[i] != nil {
				return nil, n.errorf("layer normalization is not supported")
			}
		default:
			if n.inputs[i] == nil {
				if i == lstmInputToInputWeights || i == lstmRecurrentToInput || i == lstmInputGateBias {
					return nil, n.errorf("coupled input and forget gates (CIFG) are not supported")
				}
				return nil, n.errorf("missing input %d", i)
			}
		}
	}
	in, hidden, cell := n.inputs[lstmInput], n.inputs[lstmOutputState], n.inputs[lstmCellState]
	out, err := n.output(0)
	if err != nil {
		return nil, err
	}
	opts := n.opts()

	// Shapes (TFLM's CreateLstmSizeInfo and ValidateTensorSize).
	if len(in.Shape) != 3 {
		return nil, n.errorf("input tensor %d has shape %v, want 3 dimensions", in.Index, in.Shape)
	}
	if len(hidden.Shape) != 2 {
		return nil, n.errorf("hidden state tensor %d has shape %v, want 2 dimensions", hidden.Index, hidden.Shape)
	}
	shape := kernels.LSTMShape{
		Batches:   in.Shape[0],
		Steps:     in.Shape[1],
		InputSize: in.Shape[2],
		StateSize: hidden.Shape[1],
		TimeMajor: opts.TimeMajor,
	}
	if shape.TimeMajor {
		shape.Batches, shape.Steps = shape.Steps, shape.Batches
	}
	for _, g := range lstmGateInputs {
		if err := n.checkShape(n.inputs[g[0]], shape.StateSize, shape.InputSize); err != nil {
			return nil, err
		}
		if err := n.checkShape(n.inputs[g[1]], shape.StateSize, shape.StateSize); err != nil {
			return nil, err
		}
		if err := n.checkShape(n.inputs[g[2]], shape.StateSize); err != nil {
			return nil, err
		}
	}
	for _, t := range []*Tensor{hidden, cell} {
		if t.NumElements() != shape.Batches*shape.StateSize {
			return nil, n.errorf("state tensor %d (%s) has %d elements, want %d", t.Index, t.Name, t.NumElements(), shape.Batches*shape.StateSize)
		}
		if !t.Variable {
			return nil, n.errorf("state tensor %d (%s) is not a variable", t.Index, t.Name)
		}
	}
	if err := n.checkShape(out, in.Shape[0], in.Shape[1], shape.StateSize); err != nil {
		return nil, err
	}
	if !(opts.CellClip >= 0) {
		return nil, n.errorf("cell clip %g is negative", opts.CellClip)
	}
	var cellTanh bool
	switch opts.Activation {
	case format.ActTanh:
		cellTanh = true
	case 6: // SIGMOID, numbered as in TFLite
	default:
		return nil, n.errorf("cell gate activation %d is not supported (tanh or sigmoid)", opts.Activation)
	}

	// Types (TFLM's LstmTensors::ValidateTensorStatus and the eval dispatch).
	if hidden.Type != in.Type || out.Type != in.Type {
		return nil, n.errorf("input, hidden state and output must have one type, have %s, %s and %s", in.Type, hidden.Type, out.Type)
	}
	for _, g := range lstmGateInputs {
		for k, i := range g {
			t := n.inputs[i]
			ref := n.inputs[lstmInputToForgetWeights]
			if k == 2 {
				ref = n.inputs[lstmForgetGateBias]
			}
			if t.Type != ref.Type {
				return nil, n.errorf("tensor %d (%s) has type %s, want %s like the forget gate's", t.Index, t.Name, t.Type, ref.Type)
			}
			if !t.Const {
				return nil, n.errorf("tensor %d (%s) must be constant", t.Index, t.Name)
			}
		}
	}
	switch in.Type {
	case format.Int8:
		return prepareLSTMInt8(n, shape, cellTanh, in, hidden, cell, out)
	case format.Float32:
		return prepareLSTMFloat(n, shape, cellTanh, in, hidden, cell, out)
	}
	return nil, n.errorf("input type %s is not supported (int8 or float32)", in.Type)
}

func prepareLSTMInt8(n *node, shape kernels.LSTMShape, cellTanh bool, in, hidden, cell, out *Tensor) (evalFunc, error) {
	if err := n.checkType(n.inputs[lstmInputToForgetWeights], format.Int8); err != nil {
		return nil, err
	}
	if err := n.checkType(n.inputs[lstmForgetGateBias], format.Int32); err != nil {
		return nil, err
	}
	if err := n.checkType(cell, format.Int16); err != nil {
		return nil, err
	}
	for _, t := range []*Tensor{in, hidden, cell} {
		if len(t.Scale) != 1 || len(t.ZeroPoint) != 1 || !(t.Scale[0] > 0) {
			return nil, n.errorf("tensor %d (%s) needs per-tensor quantization", t.Index, t.Name)
		}
	}
	inScale, inZp := in.Scale[0], in.ZeroPoint[0]
	hScale, hZp := hidden.Scale[0], hidden.ZeroPoint[0]
	cellScale := cell.Scale[0]

	p := &kernels.LSTMInt8Params{LSTMShape: shape, CellTanh: cellTanh}
	gates := [4]*kernels.LSTMGateInt8{&p.Forget, &p.Input, &p.Cell, &p.Output}
	for gi, g := range lstmGateInputs {
		w, r, b := n.inputs[g[0]], n.inputs[g[1]], n.inputs[g[2]]
		for _, t := range []*Tensor{w, r} {
			// Per-tensor scales: TFLM's CalculateOpDataFullyConnected would
			// go per channel, which its gate FC never uses.
			if len(t.Scale) != 1 || !(t.Scale[0] > 0) {
				return nil, n.errorf("weights tensor %d (%s) needs per-tensor quantization", t.Index, t.Name)
			}
			if len(t.ZeroPoint) > 0 && t.ZeroPoint[0] != 0 {
				return nil, n.errorf("weights tensor %d (%s) has zero point %d, want 0", t.Index, t.Name, t.ZeroPoint[0])
			}
		}
		wd, rd, bd := w.Int8(), r.Int8(), b.Int32()
		if len(wd) != shape.StateSize*shape.InputSize || len(rd) != shape.StateSize*shape.StateSize || len(bd) != shape.StateSize {
			return nil, n.errorf("gate %d weight or bias data do not match their shapes", gi)
		}
		gate := gates[gi]
		gate.InputWeights = wd
		gate.InputBias = kernels.FoldLSTMBias(bd, wd, shape.InputSize, inZp)
		gate.RecurrentWeights = rd
		gate.RecurrentBias = kernels.FoldLSTMBias(nil, rd, shape.StateSize, hZp)
		var err1, err2 error
		gate.InputMultiplier, gate.InputShift, err1 = kernels.LSTMGateMultiplier(inScale, w.Scale[0])
		gate.RecurrentMultiplier, gate.RecurrentShift, err2 = kernels.LSTMGateMultiplier(hScale, r.Scale[0])
		if err := errors.Join(err1, err2); err != nil {
			return nil, n.errorf("gate %d: %v", gi, err)
		}
	}

	// Inter-gate products (TFLM's PrepareGateParametersInteger): gate
	// outputs are Q0.15, the cell state has its own power-of-two scale, the
	// hidden state is int8 with its zero point.
	const act = 1.0 / 32768
	var err1, err2, err3 error
	p.ForgetMul, err1 = kernels.NewLSTMMul(act, cellScale, cellScale, 0, math.MinInt16, math.MaxInt16)
	p.InputMul, err2 = kernels.NewLSTMMul(act, act, cellScale, 0, math.MinInt16, math.MaxInt16)
	p.HiddenMul, err3 = kernels.NewLSTMMul(act, act, hScale, hZp, math.MinInt8, math.MaxInt8)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, n.errorf("%v", err)
	}
	p.CellScalePower, p.CellClip, p.QuantizedClip = kernels.LSTMCellState(cellScale, n.opts().CellClip)
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}

	scratch := n.scratch(2 * kernels.LSTMInt8ScratchLen(&shape))
	return func() error {
		kernels.LSTMInt8(p, in.Int8(), hidden.Int8(), cell.Int16(), out.Int8(), view[int16](*scratch))
		return nil
	}, nil
}

func prepareLSTMFloat(n *node, shape kernels.LSTMShape, cellTanh bool, in, hidden, cell, out *Tensor) (evalFunc, error) {
	if err := n.checkType(n.inputs[lstmInputToForgetWeights], format.Float32); err != nil {
		return nil, err
	}
	if err := n.checkType(n.inputs[lstmForgetGateBias], format.Float32); err != nil {
		return nil, err
	}
	if err := n.checkType(cell, format.Float32); err != nil {
		return nil, err
	}
	p := &kernels.LSTMFloatParams{LSTMShape: shape, CellTanh: cellTanh, CellClip: n.opts().CellClip}
	gates := [4]*kernels.LSTMGateFloat{&p.Forget, &p.Input, &p.Cell, &p.Output}
	for gi, g := range lstmGateInputs {
		gates[gi].InputWeights = n.inputs[g[0]].Float32()
		gates[gi].RecurrentWeights = n.inputs[g[1]].Float32()
		gates[gi].Bias = n.inputs[g[2]].Float32()
	}
	if err := p.Check(); err != nil {
		return nil, n.errorf("%v", err)
	}
	scratch := n.scratch(4 * kernels.LSTMFloatScratchLen(&shape))
	return func() error {
		kernels.LSTMFloat(p, in.Float32(), hidden.Float32(), cell.Float32(), out.Float32(), view[float32](*scratch))
		return nil
	}, nil
}
