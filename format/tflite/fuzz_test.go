package tflite

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/internal/shareddata"
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
	fm = addModel() // LEAKY_RELU with its options, then HARD_SWISH
	fm.opcodes = []fbOpcode{{deprecated: 98, builtin: 98}, {deprecated: 117, builtin: 117}}
	fm.operators = []fbOperator{
		{opcode: 0, inputs: []int32{0}, outputs: []int32{1}, optType: 75,
			options: optionsTable(1, func(b *flatbuffers.Builder) { b.PrependFloat32Slot(0, 0.2, 0) })},
		{opcode: 1, inputs: []int32{1}, outputs: []int32{2}},
	}
	fm.tensors[1].buffer = 0
	fm.buffers = nil
	f.Add(fm.build())
	for _, path := range fuzzSeeds() {
		// The fuzzer minimizes every new interesting input, which takes
		// minutes on a megabyte, during which nothing is fuzzed. The small
		// models hold every structure the large ones do;
		// TestImportCorruptAll mutates the large ones.
		if data, err := os.ReadFile(path); err == nil && len(data) <= maxSeedSize {
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

// maxSeedSize is the largest real model used as a seed.
const maxSeedSize = 64 << 10

// fuzzSeeds lists the real models, if the shared test data is present.
func fuzzSeeds() []string {
	dir, err := shareddata.Find()
	if err != nil {
		return nil
	}
	var paths []string
	for _, pattern := range []string{"conformance/*/model.tflite", "models/*.tflite", "fmnist/*.tflite"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		paths = append(paths, m...)
	}
	return paths
}
