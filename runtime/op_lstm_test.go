package runtime_test

import (
	"math/rand/v2"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
	"github.com/edgeq/edgeq/runtime"
)

// TestSequenceLSTMConformance runs trained_lstm_int8's integer LSTM (28
// steps of 28 inputs, 20 units) alone against TFLM's output tensor.
func TestSequenceLSTMConformance(t *testing.T) {
	rnnOpCase(t, "trained_lstm_int8", "UNIDIRECTIONAL_SEQUENCE_LSTM")
}

// TestSequenceLSTMFloatOp runs a float LSTM, batch and time major, through
// the interpreter and checks it against the kernel, state carried across
// invokes; then checks that unsupported variants are refused.
func TestSequenceLSTMFloatOp(t *testing.T) {
	for _, timeMajor := range []bool{false, true} {
		rng := rand.New(rand.NewPCG(7, 8))
		s := kernels.LSTMShape{Batches: 2, Steps: 3, InputSize: 4, StateSize: 5, TimeMajor: timeMajor}
		p := &kernels.LSTMFloatParams{LSTMShape: s, CellTanh: true, CellClip: 0.8}
		var b rnnModel
		inShape := []int32{2, 3, 4}
		if timeMajor {
			inShape = []int32{3, 2, 4}
		}
		inputs := make([]int32, 24)
		for i := range inputs {
			inputs[i] = -1
		}
		inputs[0] = b.add(format.Float32, inShape, nil, false)
		// TFLite's input order: input, forget, cell, output gate weights.
		gates := []*kernels.LSTMGateFloat{&p.Input, &p.Forget, &p.Cell, &p.Output}
		for k, g := range gates {
			g.InputWeights = rnnRandFloats(rng, 5*4)
			g.RecurrentWeights = rnnRandFloats(rng, 5*5)
			g.Bias = rnnRandFloats(rng, 5)
			inputs[1+k] = b.add(format.Float32, []int32{5, 4}, rnnFloatBytes(g.InputWeights), false)
			inputs[5+k] = b.add(format.Float32, []int32{5, 5}, rnnFloatBytes(g.RecurrentWeights), false)
			inputs[12+k] = b.add(format.Float32, []int32{5}, rnnFloatBytes(g.Bias), false)
		}
		inputs[18] = b.add(format.Float32, []int32{2, 5}, nil, true)
		inputs[19] = b.add(format.Float32, []int32{2, 5}, nil, true)
		out := b.add(format.Float32, []int32{inShape[0], inShape[1], 5}, nil, false)
		b.m.Operators = []format.Operator{{Op: "UNIDIRECTIONAL_SEQUENCE_LSTM", Inputs: inputs, Outputs: []int32{out},
			Options: format.Options{Activation: format.ActTanh, CellClip: 0.8, TimeMajor: timeMajor}}}
		b.m.Inputs, b.m.Outputs = []int32{inputs[0]}, []int32{out}
		ip, err := runtime.LoadModel(&b.m)
		if err != nil {
			t.Fatal(err)
		}
		h, c := make([]float32, 10), make([]float32, 10)
		want := make([]float32, 30)
		scratch := make([]float32, kernels.LSTMFloatScratchLen(&s))
		for step := range 3 {
			x := rnnRandFloats(rng, 24)
			copy(ip.Input(0).Float32(), x)
			if err := ip.Invoke(); err != nil {
				t.Fatal(err)
			}
			kernels.LSTMFloat(p, x, h, c, want, scratch)
			for i, w := range want {
				if g := ip.Output(0).Float32()[i]; g != w {
					t.Fatalf("time major %v, invoke %d: output %d = %g, want %g", timeMajor, step, i, g, w)
				}
			}
		}
		if n := testing.AllocsPerRun(3, func() { ip.Invoke() }); n != 0 {
			t.Errorf("Invoke allocates %.0f times", n)
		}

		// Variants TFLM's kernel does not support are refused.
		refuse := func(what string, edit func(op *format.Operator)) {
			bad := b.m
			op := b.m.Operators[0]
			op.Inputs = append([]int32(nil), op.Inputs...)
			edit(&op)
			bad.Operators = []format.Operator{op}
			if _, err := runtime.LoadModel(&bad); err == nil {
				t.Errorf("%s accepted", what)
			}
		}
		refuse("CIFG", func(op *format.Operator) { op.Inputs[1] = -1 })
		refuse("peephole", func(op *format.Operator) { op.Inputs[10] = op.Inputs[12] })
		refuse("projection", func(op *format.Operator) { op.Inputs[16] = op.Inputs[6] })
		refuse("layer norm", func(op *format.Operator) { op.Inputs[21] = op.Inputs[12] })
		refuse("relu cell gate", func(op *format.Operator) { op.Options.Activation = format.ActRelu })
		refuse("negative cell clip", func(op *format.Operator) { op.Options.CellClip = -1 })
		refuse("23 inputs", func(op *format.Operator) { op.Inputs = op.Inputs[:23] })
		refuse("non-variable state", func(op *format.Operator) { op.Inputs[18] = op.Outputs[0] })
	}
}
