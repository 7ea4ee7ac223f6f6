package format_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/internal/shareddata"
)

// FuzzDecode feeds mutated .eqm files to Decode. It must never panic, and
// whatever it accepts must re-encode to a file that decodes to the same
// model: Encode(Decode(Encode(m))) == Encode(m).
func FuzzDecode(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := format.Decode(data)
		if err != nil {
			return
		}
		eqm, err := format.Encode(m)
		if err != nil {
			t.Fatalf("Decode accepted a model Encode refuses: %v", err)
		}
		d, err := format.Decode(eqm)
		if err != nil {
			t.Fatalf("Decode of a re-encoded model: %v", err)
		}
		again, err := format.Encode(d)
		if err != nil || !bytes.Equal(again, eqm) {
			t.Fatalf("second round trip changed the model (err %v)", err)
		}
	})
}

// maxSeedSize is the largest model used as a seed.
const maxSeedSize = 64 << 10

// fuzzSeeds returns a small hand-made model and, when the shared test data
// is present, every conformance model of up to maxSeedSize bytes converted
// to .eqm.
func fuzzSeeds(f *testing.F) [][]byte {
	small := &format.Model{
		Tensors: []format.Tensor{
			{Name: "x", Type: format.Int8, Shape: []int32{1, 2}, Buffer: -1,
				Quant: &format.Quantization{Scale: []float32{0.5}, ZeroPoint: []int64{1}}},
			{Name: "w", Type: format.Int8, Shape: []int32{2, 2}, Buffer: 0,
				Quant: &format.Quantization{Scale: []float32{0.1, 0.2}, ZeroPoint: []int64{0, 0}}},
			{Name: "y", Type: format.Float32, Shape: []int32{1, 2}, Buffer: -1, Variable: true},
		},
		Buffers: [][]byte{{1, 2, 3, 4}},
		Operators: []format.Operator{{Op: "FULLY_CONNECTED", Version: 1,
			Inputs: []int32{0, 1, -1}, Outputs: []int32{2}, Intermediates: []int32{2},
			Options: format.Options{Activation: format.ActRelu, NewShape: []int32{1, -1}}}},
		Inputs:  []int32{0},
		Outputs: []int32{2},
	}
	seed, err := format.Encode(small)
	if err != nil {
		f.Fatal(err)
	}
	seeds := [][]byte{seed}

	dir, err := shareddata.Find()
	if err != nil {
		f.Logf("no shared test data (%v); fuzzing from a hand-made seed only", err)
		return seeds
	}
	models, _ := filepath.Glob(filepath.Join(dir, "conformance", "*", "model.tflite"))
	for _, path := range models {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(src) > maxSeedSize {
			// The fuzzer minimizes every new interesting input; on a
			// megabyte that takes minutes, during which nothing is fuzzed.
			// The small models cover the same structures.
			continue
		}
		m, err := tflite.Import(src)
		if err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		eqm, err := format.Encode(m)
		if err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		seeds = append(seeds, eqm)
	}
	return seeds
}
