package tflite

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeq/edgeq/format"
)

// FuzzImport feeds mutated .tflite files to Import. It must never panic,
// and whatever it accepts must encode, decode and re-encode to the same
// bytes.
func FuzzImport(f *testing.F) {
	f.Add(addModel().build())
	fm := addModel()
	fm.tensors[0].typ = 9
	fm.tensors[0].quant = &fbQuant{scale: []float32{0.5}, zeroPoint: []int64{1}}
	fm.operators[0].intermediates = []int32{2}
	f.Add(fm.build())
	for _, path := range fuzzSeeds() {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Import(data)
		if err != nil {
			return
		}
		eqm, err := format.Encode(m)
		if err != nil {
			t.Fatalf("Import accepted a model Encode refuses: %v", err)
		}
		d, err := format.Decode(eqm)
		if err != nil {
			t.Fatalf("Decode of an imported model: %v", err)
		}
		again, err := format.Encode(d)
		if err != nil || !bytes.Equal(again, eqm) {
			t.Fatalf("re-encoding changed the model (err %v)", err)
		}
	})
}

// fuzzSeeds lists the real models to seed the fuzzer with, if present.
func fuzzSeeds() []string {
	dir := os.Getenv("EDGEQ_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	var paths []string
	for _, pattern := range []string{"conformance/*/model.tflite", "models/*.tflite", "fmnist/*.tflite"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		paths = append(paths, m...)
	}
	return paths
}
