package tflite

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/internal/shareddata"
)

// manifest is the part of a conformance model's manifest.json the importer
// tests compare against.
type manifest struct {
	Model     string           `json:"model"`
	Inputs    []manifestTensor `json:"inputs"`
	Outputs   []manifestTensor `json:"outputs"`
	Tensors   []manifestTensor `json:"tensors"`
	Operators []struct {
		Index   int     `json:"index"`
		Builtin string  `json:"builtin"`
		Version int32   `json:"version"`
		Inputs  []int32 `json:"inputs"`
		Outputs []int32 `json:"outputs"`
	} `json:"operators"`
}

type manifestTensor struct {
	Index       int     `json:"index"`
	Name        string  `json:"name"`
	DType       string  `json:"dtype"`
	Shape       []int32 `json:"shape"`
	Bytes       int     `json:"bytes"`
	Quantized   bool    `json:"quantized"`
	Scale       float64 `json:"scale"`
	ZeroPoint   int64   `json:"zero_point"`
	OpIndex     *int    `json:"op_index"`     // tensors[]: the operator that outputs it
	ModelOutput *int    `json:"model_output"` // tensors[]: K when it is graph output K
}

// conformanceDirs returns the conformance model folders, skipping the test
// when the shared data is missing.
func conformanceDirs(t testing.TB) []string {
	t.Helper()
	root := shareddata.Path(t, "conformance")
	manifests, err := filepath.Glob(filepath.Join(root, "*", "manifest.json"))
	if err != nil || len(manifests) == 0 {
		t.Fatalf("no conformance models (*/manifest.json) under %s", root)
	}
	dirs := make([]string, len(manifests))
	for i, m := range manifests {
		dirs[i] = filepath.Dir(m)
	}
	return dirs
}

// otherModels returns the .tflite files outside the conformance folder that
// must import too (a hybrid model, the Fashion-MNIST float models).
func otherModels(t testing.TB) []string {
	t.Helper()
	files := []string{shareddata.Path(t, "models", "kws_ref_model_float32.tflite")}
	fmnist, _ := filepath.Glob(filepath.Join(shareddata.Path(t, "fmnist"), "*.tflite"))
	if len(fmnist) == 0 {
		t.Fatalf("no .tflite files in %s", shareddata.Path(t, "fmnist"))
	}
	return append(files, fmnist...)
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// smallRealModel returns hello_world_int8's .tflite, or nil when the shared
// data is missing.
func smallRealModel(t testing.TB) []byte {
	dir, err := shareddata.Find()
	if err == nil {
		var data []byte
		if data, err = os.ReadFile(filepath.Join(dir, "conformance", "hello_world_int8", "model.tflite")); err == nil {
			return data
		}
	}
	t.Logf("hello_world_int8 not found (%v); testing built models only", err)
	return nil
}

// convert imports, encodes and decodes src, checking that the .eqm is no
// larger than the .tflite and survives a second round trip unchanged.
func convert(t *testing.T, src []byte) *format.Model {
	t.Helper()
	m := mustImport(t, src)
	eqm, err := format.Encode(m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if len(eqm) > len(src) {
		t.Errorf(".eqm is %d bytes, larger than the %d-byte .tflite", len(eqm), len(src))
	}
	t.Logf(".tflite %d bytes -> .eqm %d bytes", len(src), len(eqm))
	d, err := format.Decode(eqm)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	again, err := format.Encode(d)
	if err != nil {
		t.Fatalf("Encode after Decode: %v", err)
	}
	if !bytes.Equal(again, eqm) {
		t.Errorf("Encode(Decode(eqm)) differs from eqm")
	}
	return d
}

func TestConformanceModels(t *testing.T) {
	for _, dir := range conformanceDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var man manifest
			if err := json.Unmarshal(readFile(t, filepath.Join(dir, "manifest.json")), &man); err != nil {
				t.Fatalf("manifest: %v", err)
			}
			m := convert(t, readFile(t, filepath.Join(dir, "model.tflite")))
			checkManifest(t, m, &man)
		})
	}
}

func checkManifest(t *testing.T, m *format.Model, man *manifest) {
	// inputs[K] and outputs[K] describe graph input and output K (their
	// index is K); tensors[] describe operator outputs by tensor index.
	if len(m.Inputs) != len(man.Inputs) || len(m.Outputs) != len(man.Outputs) {
		t.Fatalf("%d inputs, %d outputs, want %d, %d", len(m.Inputs), len(m.Outputs), len(man.Inputs), len(man.Outputs))
	}
	for k, mt := range man.Inputs {
		checkTensor(t, m, int(m.Inputs[k]), mt)
	}
	for k, mt := range man.Outputs {
		checkTensor(t, m, int(m.Outputs[k]), mt)
	}
	if len(man.Tensors) == 0 {
		t.Fatal("manifest lists no tensors")
	}
	for _, mt := range man.Tensors {
		checkTensor(t, m, mt.Index, mt)
		if k := mt.ModelOutput; k != nil && (*k < 0 || *k >= len(m.Outputs) || int(m.Outputs[*k]) != mt.Index) {
			t.Errorf("tensor %d is model output %d, graph outputs are %v", mt.Index, *k, m.Outputs)
		}
		if mt.OpIndex != nil && !slices.Contains(m.Operators[*mt.OpIndex].Outputs, int32(mt.Index)) {
			t.Errorf("tensor %d: operator %d does not output it", mt.Index, *mt.OpIndex)
		}
	}

	if len(m.Operators) != len(man.Operators) {
		t.Fatalf("%d operators, manifest has %d", len(m.Operators), len(man.Operators))
	}
	for i, mo := range man.Operators {
		op := &m.Operators[i]
		if op.Op != mo.Builtin || op.Version != mo.Version ||
			!slices.Equal(op.Inputs, mo.Inputs) || !slices.Equal(op.Outputs, mo.Outputs) {
			t.Errorf("operator %d: %s v%d %v -> %v, want %s v%d %v -> %v", i,
				op.Op, op.Version, op.Inputs, op.Outputs, mo.Builtin, mo.Version, mo.Inputs, mo.Outputs)
		}
	}
}

// checkTensor compares tensor i of m with its manifest entry.
func checkTensor(t *testing.T, m *format.Model, i int, mt manifestTensor) {
	t.Helper()
	if i < 0 || i >= len(m.Tensors) {
		t.Errorf("tensor %d (%s): out of range (%d tensors)", i, mt.Name, len(m.Tensors))
		return
	}
	got := &m.Tensors[i]
	if got.Name != mt.Name || got.Type.String() != mt.DType || !slices.Equal(got.Shape, mt.Shape) {
		t.Errorf("tensor %d: %q %v %v, want %q %s %v", i, got.Name, got.Type, got.Shape, mt.Name, mt.DType, mt.Shape)
	}
	if got.Bytes() != mt.Bytes {
		t.Errorf("tensor %d: %d bytes, want %d", i, got.Bytes(), mt.Bytes)
	}
	if got.Source != int32(i) || got.Buffer != -1 {
		t.Errorf("tensor %d: Source %d Buffer %d, want %d, -1", i, got.Source, got.Buffer, i)
	}
	q := got.Quant
	switch {
	case !mt.Quantized && q != nil:
		t.Errorf("tensor %d: quantization %+v, want none", i, q)
	case mt.Quantized && q == nil:
		t.Errorf("tensor %d: no quantization, want scale %v zero point %d", i, mt.Scale, mt.ZeroPoint)
	case mt.Quantized && (len(q.Scale) != 1 || q.Scale[0] != float32(mt.Scale) || q.ZeroPoint[0] != mt.ZeroPoint):
		t.Errorf("tensor %d: quantization %+v, want scale %v zero point %d", i, q, float32(mt.Scale), mt.ZeroPoint)
	}
}

func TestOtherModels(t *testing.T) {
	for _, path := range otherModels(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			m := convert(t, readFile(t, path))
			if len(m.Operators) == 0 || len(m.Inputs) == 0 || len(m.Outputs) == 0 {
				t.Errorf("%d operators, %d inputs, %d outputs", len(m.Operators), len(m.Inputs), len(m.Outputs))
			}
		})
	}
}

// TestFashionMNISTOptions checks options against the model card in
// fmnist/README.md: CONV_2D 3×3 8 (RELU), MAX_POOL 2×2, CONV_2D 3×3 16
// (RELU), MAX_POOL 2×2, RESHAPE, FC 64 (RELU), FC 10, SOFTMAX.
func TestFashionMNISTOptions(t *testing.T) {
	m := mustImport(t, readFile(t, shareddata.Path(t, "fmnist", "fmnist_cnn_f32.tflite")))
	type want struct {
		op      string
		act     format.Activation
		filter  int32 // pools: FilterW = FilterH
		outChan int32 // convs and FCs: weights' first dimension
	}
	wants := []want{
		{"CONV_2D", format.ActRelu, 0, 8},
		{"MAX_POOL_2D", format.ActNone, 2, 0},
		{"CONV_2D", format.ActRelu, 0, 16},
		{"MAX_POOL_2D", format.ActNone, 2, 0},
		{"RESHAPE", format.ActNone, 0, 0},
		{"FULLY_CONNECTED", format.ActRelu, 0, 64},
		{"FULLY_CONNECTED", format.ActNone, 0, 10},
		{"SOFTMAX", format.ActNone, 0, 0},
	}
	if len(m.Operators) != len(wants) {
		t.Fatalf("%d operators, want %d", len(m.Operators), len(wants))
	}
	for i, w := range wants {
		op := &m.Operators[i]
		o := op.Options
		if op.Op != w.op || o.Activation != w.act || o.FilterW != w.filter || o.FilterH != w.filter {
			t.Errorf("operator %d: %s act %d filter %dx%d, want %s act %d filter %dx%d",
				i, op.Op, o.Activation, o.FilterW, o.FilterH, w.op, w.act, w.filter, w.filter)
		}
		if w.outChan != 0 {
			if wt := m.Tensors[op.Inputs[1]]; wt.Shape[0] != w.outChan {
				t.Errorf("operator %d: weights %v, want %d output channels", i, wt.Shape, w.outChan)
			}
		}
		if w.op == "CONV_2D" && (o.StrideW != 1 || o.StrideH != 1 || o.DilationW != 1 || o.DilationH != 1) {
			t.Errorf("operator %d: strides %dx%d dilation %dx%d, want all 1", i, o.StrideW, o.StrideH, o.DilationW, o.DilationH)
		}
		if w.op == "SOFTMAX" && o.Beta != 1 {
			t.Errorf("operator %d: softmax beta %v, want 1", i, o.Beta)
		}
	}
	if got := m.Tensors[m.Inputs[0]]; got.Name != "input" || !reflect.DeepEqual(got.Shape, []int32{1, 28, 28, 1}) {
		t.Errorf("input %q %v, want \"input\" [1 28 28 1]", got.Name, got.Shape)
	}
}
