package runtime_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/internal/shareddata"
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

// FuzzRNNOps mutates one SVDF or LSTM of the conformance models (a shape,
// type, scale, zero point, option or input index) and loads and runs it
// alone: prepare must refuse what the kernel cannot run, with an error
// rather than a recovered panic, and Invoke must not panic.
func FuzzRNNOps(f *testing.F) {
	var models []*format.Model
	for _, name := range []string{"keyword_scrambled", "trained_lstm_int8"} {
		src, err := os.ReadFile(filepath.Join(shareddata.Path(f, "conformance", name), "model.tflite"))
		if err != nil {
			f.Fatal(err)
		}
		m, err := tflite.Import(src)
		if err != nil {
			f.Fatal(err)
		}
		models = append(models, m)
	}
	for mode := range uint8(9) {
		f.Add(uint8(0), uint8(1), uint8(2), int32(3), int32(64), float32(0.5), int32(-3), mode)
		f.Add(uint8(1), uint8(0), uint8(18), int32(1), int32(20), float32(1e30), int32(7), mode)
	}
	f.Fuzz(func(t *testing.T, which, opSel, tensorSel uint8, d0, d1 int32, scale float32, zp int32, mode uint8) {
		src := models[int(which)%len(models)]
		var ops []format.Operator
		for _, op := range src.Operators {
			if op.Op == "SVDF" || op.Op == "UNIDIRECTIONAL_SEQUENCE_LSTM" {
				ops = append(ops, op)
			}
		}
		op := ops[int(opSel)%len(ops)]
		op.Inputs = append([]int32(nil), op.Inputs...)
		m := *src
		m.Tensors = append([]format.Tensor(nil), src.Tensors...)
		k := int(tensorSel) % len(op.Inputs)
		ti := op.Inputs[k]
		var tt *format.Tensor
		if ti >= 0 {
			tt = &m.Tensors[ti]
			tt.Shape = append([]int32(nil), tt.Shape...)
			if tt.Quant != nil {
				q := *tt.Quant
				q.Scale = append([]float32(nil), q.Scale...)
				q.ZeroPoint = append([]int64(nil), q.ZeroPoint...)
				tt.Quant = &q
			}
		}
		switch mode % 9 {
		case 0:
			if tt != nil {
				tt.Shape = []int32{d0 % 300, d1 % 300}
			}
		case 1:
			if tt != nil && tt.Quant != nil {
				tt.Quant.Scale[0] = scale
			}
		case 2:
			if tt != nil && tt.Quant != nil {
				tt.Quant.ZeroPoint[0] = int64(zp)
			}
		case 3:
			op.Options.Rank = d0
		case 4:
			op.Options.CellClip, op.Options.TimeMajor = scale, d0&1 == 1
		case 5:
			op.Inputs[k] = -1
		case 6:
			op.Inputs[k] = int32(uint32(d0) % uint32(len(m.Tensors)))
		case 7:
			if tt != nil {
				tt.Type = format.DType(uint32(d0)%8 + 1)
			}
		case 8:
			op.Options.Activation = format.Activation(uint32(d0) % 8)
		}
		if op.Inputs[0] < 0 {
			return
		}
		m.Operators = []format.Operator{op}
		m.Inputs, m.Outputs = []int32{op.Inputs[0]}, op.Outputs
		ip, err := runtime.LoadModel(&m)
		if err != nil {
			if strings.Contains(err.Error(), "invalid operator:") {
				t.Fatalf("prepare panicked: %v", err)
			}
			return
		}
		for range 2 {
			if err := ip.Invoke(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
