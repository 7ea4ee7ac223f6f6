package runtime_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/internal/shareddata"
	"github.com/edgeq/edgeq/runtime"
)

// singleOpOps are the ops whose every occurrence in the conformance models
// TestSingleOpConformance runs alone.
var singleOpOps = []string{"ADD", "SUB", "MUL", "SOFTMAX", "RESHAPE", "QUANTIZE", "DEQUANTIZE",
	"CONCATENATION", "PAD", "MEAN", "LOGISTIC", "TANH", "RELU", "RELU6"}

// TestSingleOpConformance runs every operator of singleOpOps in every
// conformance model on its own: its non-constant inputs come from TFLite
// Micro's dumps of them (or the case's input files), and its output must
// equal TFLite Micro's dump byte for byte, for every case. It checks these
// ops against the reference independently of the rest of the model.
func TestSingleOpConformance(t *testing.T) {
	root := shareddata.Path(t, "conformance")
	models, err := filepath.Glob(filepath.Join(root, "*", "model.tflite"))
	if err != nil || len(models) == 0 {
		t.Skipf("no conformance models under %s", root)
	}
	ran := map[string]int{}
	for _, path := range models {
		dir := filepath.Dir(path)
		name := filepath.Base(dir)
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := tflite.Import(src)
		if err != nil {
			t.Fatalf("%s: import: %v", name, err)
		}
		cases, _ := filepath.Glob(filepath.Join(dir, "tensors", "*"))
		for oi, op := range m.Operators {
			if !slices.Contains(singleOpOps, op.Op) {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d_%s", name, oi, op.Op), func(t *testing.T) {
				singleOpCase(t, dir, m, oi, cases)
			})
			ran[op.Op]++
		}
	}
	t.Logf("operators run alone: %v", ran)
}

func singleOpCase(t *testing.T, dir string, m *format.Model, oi int, cases []string) {
	op := m.Operators[oi]
	one := *m
	one.Operators = []format.Operator{op}
	one.Inputs = nil
	for _, ti := range op.Inputs {
		if ti >= 0 && m.Tensors[ti].Buffer < 0 && !slices.Contains(one.Inputs, ti) {
			one.Inputs = append(one.Inputs, ti)
		}
	}
	one.Outputs = op.Outputs
	ip, err := runtime.LoadModel(&one)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for k, ti := range one.Inputs {
			data := readCaseTensor(t, dir, c, m, ti)
			if len(data) != len(ip.Input(k).Bytes()) {
				t.Fatalf("tensor %d: dump has %d bytes, runtime tensor %d", ti, len(data), len(ip.Input(k).Bytes()))
			}
			copy(ip.Input(k).Bytes(), data)
		}
		if err := ip.Invoke(); err != nil {
			t.Fatal(err)
		}
		for k, ti := range one.Outputs {
			want := readCaseTensor(t, dir, c, m, ti)
			if got := ip.Output(k).Bytes(); !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Errorf("case %s, output tensor %d: differs from byte %d of %d", filepath.Base(c), ti, i, len(want))
			}
		}
	}
	if n := testing.AllocsPerRun(3, func() { _ = ip.Invoke() }); n != 0 {
		t.Errorf("Invoke allocates %v times, want 0", n)
	}
}

// readCaseTensor returns tensor ti of a case: TFLite Micro's dump of it, or
// the case's input file when ti is a model input.
func readCaseTensor(t *testing.T, dir, caseDir string, m *format.Model, ti int32) []byte {
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
