package runtime_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/internal/shareddata"
	"github.com/edgeq/edgeq/kernels"
	"github.com/edgeq/edgeq/runtime"
)

// rnnOpCase runs operator op of a conformance model alone: its first input
// comes from TFLM's dump of that tensor (or the model input), its output is
// compared byte for byte with TFLM's dump, for every case. This checks an
// op against the reference before the rest of the model's ops exist, and
// names the op that differs when the whole-model test fails.
func rnnOpCase(t *testing.T, model string, wantOp string) {
	dir := shareddata.Path(t, "conformance", model)
	src, err := os.ReadFile(filepath.Join(dir, "model.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := tflite.Import(src)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	cases, err := filepath.Glob(filepath.Join(dir, "tensors", "*"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases under %s", dir)
	}
	ran := 0
	for oi, op := range m.Operators {
		if op.Op != wantOp {
			continue
		}
		ran++
		in, outT := op.Inputs[0], op.Outputs[0]
		one := *m
		one.Operators = []format.Operator{op}
		one.Inputs = []int32{in}
		one.Outputs = []int32{outT}
		ip, err := runtime.LoadModel(&one)
		if err != nil {
			t.Fatalf("operator %d: %v", oi, err)
		}
		for _, c := range cases {
			input := rnnReadTensor(t, dir, c, m, in)
			want, err := os.ReadFile(filepath.Join(c, fmt.Sprintf("tensor_%d.bin", outT)))
			if err != nil {
				t.Fatal(err)
			}
			ip.ResetVariables()
			copy(ip.Input(0).Bytes(), input)
			if err := ip.Invoke(); err != nil {
				t.Fatalf("operator %d: %v", oi, err)
			}
			if got := ip.Output(0).Bytes(); !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Errorf("operator %d, case %s: output differs from byte %d of %d", oi, filepath.Base(c), i, len(want))
			}
		}
		allocs := testing.AllocsPerRun(3, func() {
			if err := ip.Invoke(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("operator %d: Invoke allocates %.1f times, want 0", oi, allocs)
		}
	}
	if ran == 0 {
		t.Fatalf("%s has no %s operator", model, wantOp)
	}
}

// rnnReadTensor returns tensor ti of a case: TFLM's dump of it, or the
// case's input file when ti is a model input.
func rnnReadTensor(t *testing.T, dir, caseDir string, m *format.Model, ti int32) []byte {
	t.Helper()
	if b, err := os.ReadFile(filepath.Join(caseDir, fmt.Sprintf("tensor_%d.bin", ti))); err == nil {
		return b
	}
	for k, mi := range m.Inputs {
		if mi == ti {
			b, err := os.ReadFile(filepath.Join(dir, "inputs", fmt.Sprintf("%s_%d.bin", filepath.Base(caseDir), k)))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no data for tensor %d in %s", ti, caseDir)
	return nil
}

// TestSVDFConformance runs each of keyword_scrambled's seven int8×int16
// SVDFs alone against TFLM's tensors.
func TestSVDFConformance(t *testing.T) { rnnOpCase(t, "keyword_scrambled", "SVDF") }

// rnnModel builds a one-operator model by hand.
type rnnModel struct{ m format.Model }

// add appends a tensor: constant when data is non-nil, a variable when
// variable is set, else an activation.
func (b *rnnModel) add(typ format.DType, shape []int32, data []byte, variable bool) int32 {
	t := format.Tensor{Type: typ, Shape: shape, Buffer: -1, Variable: variable, Source: int32(len(b.m.Tensors))}
	if data != nil {
		t.Buffer = int32(len(b.m.Buffers))
		b.m.Buffers = append(b.m.Buffers, data)
	}
	b.m.Tensors = append(b.m.Tensors, t)
	return int32(len(b.m.Tensors) - 1)
}

func rnnFloatBytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func rnnRandFloats(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.Float64()*2 - 1)
	}
	return x
}

// TestSVDFFloatOp runs a float SVDF through the interpreter for several
// invokes, checking it against the kernel (so the state persists across
// Invoke and ResetVariables clears it).
func TestSVDFFloatOp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := kernels.SVDFShape{Batches: 2, InputSize: 5, Filters: 6, Rank: 2, Memory: 4}
	p := &kernels.SVDFFloatParams{
		SVDFShape:      s,
		WeightsFeature: rnnRandFloats(rng, s.Filters*s.InputSize),
		WeightsTime:    rnnRandFloats(rng, s.Filters*s.Memory),
		Bias:           rnnRandFloats(rng, s.Units()),
		Activation:     kernels.ActRelu,
	}
	var b rnnModel
	in := b.add(format.Float32, []int32{2, 5}, nil, false)
	wf := b.add(format.Float32, []int32{6, 5}, rnnFloatBytes(p.WeightsFeature), false)
	wt := b.add(format.Float32, []int32{6, 4}, rnnFloatBytes(p.WeightsTime), false)
	bias := b.add(format.Float32, []int32{3}, rnnFloatBytes(p.Bias), false)
	state := b.add(format.Float32, []int32{2, 24}, nil, true)
	out := b.add(format.Float32, []int32{2, 3}, nil, false)
	notVariable := b.add(format.Float32, []int32{2, 24}, nil, false)
	b.m.Operators = []format.Operator{{Op: "SVDF", Inputs: []int32{in, wf, wt, bias, state}, Outputs: []int32{out},
		Options: format.Options{Rank: 2, Activation: format.ActRelu}}}
	b.m.Inputs, b.m.Outputs = []int32{in}, []int32{out}
	ip, err := runtime.LoadModel(&b.m)
	if err != nil {
		t.Fatal(err)
	}
	kState := make([]float32, s.StateSize())
	want := make([]float32, 6)
	for step := range 7 {
		if step == 5 {
			ip.ResetVariables()
			clear(kState)
		}
		x := rnnRandFloats(rng, 10)
		copy(ip.Input(0).Float32(), x)
		if err := ip.Invoke(); err != nil {
			t.Fatal(err)
		}
		kernels.SVDFFloat(p, x, kState, want)
		for i, w := range want {
			if g := ip.Output(0).Float32()[i]; g != w {
				t.Fatalf("step %d output %d = %g, want %g", step, i, g, w)
			}
		}
	}

	// Hostile variants are refused with errors, not panics.
	bad := b.m
	bad.Operators = []format.Operator{b.m.Operators[0]}
	bad.Operators[0].Options.Rank = 4
	if _, err := runtime.LoadModel(&bad); err == nil {
		t.Error("rank 4 of 6 filters accepted")
	}
	bad.Operators[0].Options.Rank = 0
	if _, err := runtime.LoadModel(&bad); err == nil {
		t.Error("rank 0 accepted")
	}
	bad.Operators[0].Options.Rank = 2
	bad.Operators[0].Inputs = []int32{in, wf, wt, bias, notVariable}
	if _, err := runtime.LoadModel(&bad); err == nil {
		t.Error("non-variable state accepted")
	}
}
