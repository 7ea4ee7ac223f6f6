package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/internal/npy"
	"github.com/edgeq/edgeq/internal/shareddata"
)

// edgeq runs the command line in-process and returns its exit status and
// output.
func edgeq(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = run(args, &out, &errs)
	return code, out.String(), errs.String()
}

// mustSucceed runs edgeq and fails the test unless it exits 0.
func mustSucceed(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := edgeq(t, args...)
	if code != 0 {
		t.Fatalf("edgeq %s: exit %d\nstderr: %s", strings.Join(args, " "), code, stderr)
	}
	return stdout, stderr
}

// kws converts the conformance KWS model and returns its conformance
// folder and the .eqm path.
func kws(t *testing.T) (dir, eqm string) {
	t.Helper()
	src := shareddata.Path(t, "conformance", "kws_ref_model", "model.tflite")
	eqm = filepath.Join(t.TempDir(), "kws.eqm")
	mustSucceed(t, "convert", src, "-o", eqm)
	return filepath.Dir(src), eqm
}

// skipIfUnsupported skips a test whose model the runtime cannot load
// because kernels are still landing; any other failure is left to the test.
func skipIfUnsupported(t *testing.T, code int, stderr string) {
	t.Helper()
	if code != 0 && strings.Contains(stderr, "unsupported operators") {
		t.Skipf("the runtime cannot run this model yet (kernels still landing): %s", strings.TrimSpace(stderr))
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConvert(t *testing.T) {
	src := shareddata.Path(t, "conformance", "kws_ref_model", "model.tflite")
	eqm := filepath.Join(t.TempDir(), "kws.eqm")
	out, _ := mustSucceed(t, "convert", src, "-o", eqm)
	if !strings.Contains(out, "13 ops") || !strings.Contains(out, "->") {
		t.Errorf("summary %q does not give the op count and sizes", out)
	}
	m, err := format.Decode(readFile(t, eqm))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Operators) != 13 || m.Meta.SourceHash != "aeea436800704fce17b17292e4412630ad856e9d777c044c64ef748a880bd0ae" {
		t.Errorf("converted model has %d operators and source hash %q", len(m.Operators), m.Meta.SourceHash)
	}

	// The format is detected by content, not by name.
	renamed := filepath.Join(t.TempDir(), "model.bin")
	if err := os.WriteFile(renamed, readFile(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ = mustSucceed(t, "convert", renamed, "-o", eqm, "--json")
	var summary convertSummary
	if err := json.Unmarshal([]byte(out), &summary); err != nil || summary.Operators != 13 {
		t.Errorf("convert --json: %v, %+v", err, summary)
	}
}

func TestInspect(t *testing.T) {
	_, eqm := kws(t)
	out, _ := mustSucceed(t, "inspect", eqm, "--json")
	var r inspectResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("inspect --json is not one JSON object: %v\n%s", err, out)
	}
	if len(r.Operators) != 13 || len(r.Inputs) != 1 || r.Inputs[0].Name != "input_1" || r.WeightsBytes == 0 {
		t.Errorf("inspect: %d operators, inputs %+v, %d weight bytes", len(r.Operators), r.Inputs, r.WeightsBytes)
	}
	if conv := r.Operators[0]; conv.Op != "CONV_2D" || conv.Options["stride_w"] != 2.0 || conv.Options["padding"] != "SAME" {
		t.Errorf("operator 0: %+v", conv)
	}
	if w := r.Tensors[17]; w.Kind != "const" || len(w.Scale) != 64 || w.QuantAxis == nil || *w.QuantAxis != 0 {
		t.Errorf("tensor 17 (per-channel conv weights): %+v", w)
	}

	human, _ := mustSucceed(t, "inspect", eqm)
	for _, want := range []string{"operators:", "tensors:", "DEPTHWISE_CONV_2D", "axis 0 x64"} {
		if !strings.Contains(human, want) {
			t.Errorf("inspect output lacks %q", want)
		}
	}

	if strings.Contains(r.LoadError, "unsupported operators") {
		t.Skipf("no arena plan or MACs until the runtime has the model's kernels: %s", r.LoadError)
	}
	if r.LoadError != "" {
		t.Fatalf("runtime could not load the model: %s", r.LoadError)
	}
	// DS-CNN: a 10×4 conv to 25×5×64, four 3×3 depthwise and four 1×1
	// convs at 25×5×64, and a 64→12 dense layer.
	const wantMACs = 25*5*64*10*4 + 4*25*5*64*9 + 4*25*5*64*64 + 12*64
	if r.TotalMACs == nil || *r.TotalMACs != wantMACs {
		t.Errorf("total_macs = %v, want %d", r.TotalMACs, wantMACs)
	}
	if r.ArenaBytes == nil || *r.ArenaBytes <= 0 || len(r.ArenaPlan) == 0 {
		t.Errorf("arena %v bytes, plan of %d entries", r.ArenaBytes, len(r.ArenaPlan))
	}
	for _, op := range r.Operators {
		if op.MACs == nil {
			t.Errorf("operator %d has no MAC count", op.Index)
		}
	}
	if !strings.Contains(human, "arena plan") {
		t.Error("inspect output lacks the arena plan")
	}
}

func TestRun(t *testing.T) {
	dir, eqm := kws(t)
	outDir, tensorsDir := t.TempDir(), t.TempDir()
	code, _, stderr := edgeq(t, "run", eqm, "-i", filepath.Join(dir, "inputs", "000_0.bin"), "-o", outDir, "--npy", "--tensors", tensorsDir)
	skipIfUnsupported(t, code, stderr)
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	want := readFile(t, filepath.Join(dir, "expected", "000_0.bin"))
	if got := readFile(t, filepath.Join(outDir, "output_0.bin")); !bytes.Equal(got, want) {
		t.Errorf("output_0.bin = % x, want % x", got, want)
	}
	dtype, shape, data, err := npy.Read(bytes.NewReader(readFile(t, filepath.Join(outDir, "output_0.npy"))))
	if err != nil || dtype != "int8" || !slices.Equal(shape, []int{1, 12}) || !bytes.Equal(data, want) {
		t.Errorf("output_0.npy: %s %v % x, %v", dtype, shape, data, err)
	}

	// Every operator output, by source tensor index, equals the reference dump.
	refs, err := filepath.Glob(filepath.Join(dir, "tensors", "000", "tensor_*.bin"))
	if err != nil || len(refs) != 13 {
		t.Fatalf("reference tensor dumps: %d files, %v", len(refs), err)
	}
	for _, ref := range refs {
		got, err := os.ReadFile(filepath.Join(tensorsDir, filepath.Base(ref)))
		if err != nil {
			t.Errorf("--tensors: %v", err)
			continue
		}
		if !bytes.Equal(got, readFile(t, ref)) {
			t.Errorf("--tensors: %s differs from the reference", filepath.Base(ref))
		}
	}
}

func TestRunJSON(t *testing.T) {
	dir, eqm := kws(t)
	// Flags before and after the model.
	code, stdout, stderr := edgeq(t, "run", "--json", eqm, "-i", filepath.Join(dir, "inputs", "001_0.bin"))
	skipIfUnsupported(t, code, stderr)
	if code != 0 {
		t.Fatalf("run --json: exit %d: %s", code, stderr)
	}
	var r struct {
		Outputs []struct {
			Index  int       `json:"index"`
			Name   string    `json:"name"`
			DType  string    `json:"dtype"`
			Shape  []int     `json:"shape"`
			Values []float64 `json:"values"`
		} `json:"outputs"`
		InvokeNs int64 `json:"invoke_ns"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("run --json is not one JSON object: %v\n%s", err, stdout)
	}
	if len(r.Outputs) != 1 || r.InvokeNs <= 0 {
		t.Fatalf("run --json: %+v", r)
	}
	out := r.Outputs[0]
	if out.Name != "Identity" || out.DType != "int8" || !slices.Equal(out.Shape, []int{1, 12}) {
		t.Errorf("output description %+v", out)
	}
	// Softmax output: scale 1/256, zero point -128.
	want := readFile(t, filepath.Join(dir, "expected", "001_0.bin"))
	if len(out.Values) != len(want) {
		t.Fatalf("%d values, want %d", len(out.Values), len(want))
	}
	for i, q := range want {
		if dequantized := float64(int(int8(q))+128) / 256; math.Abs(out.Values[i]-dequantized) > 1e-9 {
			t.Errorf("value %d = %g, want %g", i, out.Values[i], dequantized)
		}
	}
}

// TestRunNPYInputs feeds the same input as an int8 .npy and as a float32
// .npy that run quantizes, and expects the raw-input output both times.
func TestRunNPYInputs(t *testing.T) {
	dir, eqm := kws(t)
	raw := readFile(t, filepath.Join(dir, "inputs", "000_0.bin"))
	want := readFile(t, filepath.Join(dir, "expected", "000_0.bin"))
	tmp := t.TempDir()

	int8NPY := filepath.Join(tmp, "in_int8.npy")
	writeNPY(t, int8NPY, "int8", []int{1, 49, 10, 1}, raw)
	code, _, stderr := edgeq(t, "run", eqm, "-i", int8NPY, "-o", filepath.Join(tmp, "a"))
	skipIfUnsupported(t, code, stderr)
	if code != 0 {
		t.Fatalf("int8 .npy: exit %d: %s", code, stderr)
	}
	if got := readFile(t, filepath.Join(tmp, "a", "output_0.bin")); !bytes.Equal(got, want) {
		t.Errorf("int8 .npy input: output % x, want % x", got, want)
	}

	// Real values r = 0.5847029 × (q − 83), flattened: only the element
	// count has to match.
	const scale, zeroPoint = float32(0.5847029089927673), 83
	floats := make([]byte, 4*len(raw))
	for i, q := range raw {
		binary.LittleEndian.PutUint32(floats[4*i:], math.Float32bits(scale*float32(int(int8(q))-zeroPoint)))
	}
	floatNPY := filepath.Join(tmp, "in_float.npy")
	writeNPY(t, floatNPY, "float32", []int{len(raw)}, floats)
	_, stderr = mustSucceed(t, "run", eqm, "-i", floatNPY, "-o", filepath.Join(tmp, "b"))
	if !strings.Contains(stderr, "quantizing float32") {
		t.Errorf("stderr does not say the input was quantized: %q", stderr)
	}
	if got := readFile(t, filepath.Join(tmp, "b", "output_0.bin")); !bytes.Equal(got, want) {
		t.Errorf("float32 .npy input: output % x, want % x", got, want)
	}
}

func writeNPY(t *testing.T, path, dtype string, shape []int, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := npy.Write(&buf, dtype, shape, data); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBench(t *testing.T) {
	_, eqm := kws(t)
	code, stdout, stderr := edgeq(t, "bench", eqm, "--iters", "5", "--warmup", "1", "--json")
	skipIfUnsupported(t, code, stderr)
	if code != 0 {
		t.Fatalf("bench: exit %d: %s", code, stderr)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("bench --json is not one JSON object: %v\n%s", err, stdout)
	}
	for _, key := range []string{"p50_ns", "p90_ns", "p99_ns", "min_ns", "mean_ns", "allocs_per_invoke", "arena_bytes", "total_macs", "gmac_per_s"} {
		if _, ok := r[key].(float64); !ok {
			t.Errorf("bench --json: %q missing or not a number", key)
		}
	}
	if r["p50_ns"].(float64) <= 0 || r["p50_ns"].(float64) > r["p99_ns"].(float64) {
		t.Errorf("bench --json: p50 %v, p99 %v", r["p50_ns"], r["p99_ns"])
	}

	out, _ := mustSucceed(t, "bench", eqm, "--iters", "3", "--warmup", "0", "--profile")
	for _, want := range []string{"p99", "allocs/invoke", "profile", "CONV_2D", "by op type"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench --profile output lacks %q:\n%s", want, out)
		}
	}
}

// identityModel writes an .eqm model without operators whose outputs are
// its inputs: x, int8 [2 3] with scale 0.5 and zero point 3, and y, float32
// [2]. It exercises run's input and output handling whatever kernels exist.
func identityModel(t *testing.T) string {
	t.Helper()
	m := &format.Model{
		Version: format.Version,
		Meta:    format.Metadata{Name: "identity"},
		Tensors: []format.Tensor{
			{Name: "x", Type: format.Int8, Shape: []int32{2, 3}, Buffer: -1, Source: 0,
				Quant: &format.Quantization{Scale: []float32{0.5}, ZeroPoint: []int64{3}}},
			{Name: "y", Type: format.Float32, Shape: []int32{2}, Buffer: -1, Source: 1},
		},
		Inputs:  []int32{0, 1},
		Outputs: []int32{0, 1},
	}
	data, err := format.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "identity.eqm")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// float32Bytes returns values as little-endian float32 bytes.
func float32Bytes(values ...float32) []byte {
	b := make([]byte, 4*len(values))
	for i, v := range values {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func TestRunIdentity(t *testing.T) {
	model := identityModel(t)
	tmp := t.TempDir()
	x, y := filepath.Join(tmp, "x.bin"), filepath.Join(tmp, "y.npy")
	if err := os.WriteFile(x, []byte{3, 5, 0x80, 0x7f, 0, 1}, 0o644); err != nil {
		t.Fatal(err)
	}
	writeNPY(t, y, "float32", []int{1, 2}, float32Bytes(1.5, float32(math.Inf(1))))

	out := filepath.Join(tmp, "out")
	stdout, _ := mustSucceed(t, "run", model, "-i", x, "-i", y, "-o", out, "--npy", "--json")
	var r struct {
		Outputs []struct {
			File   string     `json:"file"`
			Values []*float64 `json:"values"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("run --json: %v\n%s", err, stdout)
	}
	if len(r.Outputs) != 2 {
		t.Fatalf("run --json gave %d outputs, want 2", len(r.Outputs))
	}
	// x dequantized: 0.5 × (q − 3).
	wantX := []float64{0, 1, -65.5, 62, -1.5, -1}
	for i, want := range wantX {
		if got := r.Outputs[0].Values[i]; got == nil || *got != want {
			t.Errorf("output 0 value %d = %v, want %g", i, got, want)
		}
	}
	// JSON has no infinity: it becomes null.
	if v := r.Outputs[1].Values; len(v) != 2 || v[0] == nil || *v[0] != 1.5 || v[1] != nil {
		t.Errorf("output 1 values %v, want [1.5 null]", v)
	}
	if got := readFile(t, r.Outputs[0].File); !bytes.Equal(got, readFile(t, x)) {
		t.Errorf("output_0.bin = % x, want the input", got)
	}
	dtype, shape, data, err := npy.Read(bytes.NewReader(readFile(t, filepath.Join(out, "output_1.npy"))))
	if err != nil || dtype != "float32" || !slices.Equal(shape, []int{2}) || !bytes.Equal(data, float32Bytes(1.5, float32(math.Inf(1)))) {
		t.Errorf("output_1.npy: %s %v % x, %v", dtype, shape, data, err)
	}

	human, _ := mustSucceed(t, "run", model, "-o", out, "-i", x, "-i", y)
	if !strings.Contains(human, "output 0 values: [0 1 -65.5 62 -1.5 -1] argmax 3") {
		t.Errorf("run output:\n%s", human)
	}
}

// TestRunQuantizesFloatInput feeds a float32 .npy to the int8 input:
// q = round(x / 0.5) + 3, halves away from zero, clamped to [-128, 127].
func TestRunQuantizesFloatInput(t *testing.T) {
	model := identityModel(t)
	tmp := t.TempDir()
	x, y := filepath.Join(tmp, "x.npy"), filepath.Join(tmp, "y.bin")
	writeNPY(t, x, "float32", []int{6}, float32Bytes(0.25, -0.25, 0.75, 1000, -1000, float32(math.Inf(-1))))
	if err := os.WriteFile(y, make([]byte, 8), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := mustSucceed(t, "run", model, "-i", x, "-i", y, "-o", tmp)
	if !strings.Contains(stderr, "quantizing float32 "+x+" with scale 0.5 and zero point 3") {
		t.Errorf("stderr does not say the input was quantized: %q", stderr)
	}
	want := []byte{4, 2, 5, 127, 0x80, 0x80}
	if got := readFile(t, filepath.Join(tmp, "output_0.bin")); !bytes.Equal(got, want) {
		t.Errorf("quantized input = % x, want % x", got, want)
	}

	writeNPY(t, x, "float32", []int{2, 3}, float32Bytes(0, 0, float32(math.NaN()), 0, 0, 0))
	if code, _, stderr := edgeq(t, "run", model, "-i", x, "-i", y, "-o", tmp); code != 1 || !strings.Contains(stderr, "element 2 is NaN") {
		t.Errorf("NaN input: exit %d, %q", code, stderr)
	}
}

// TestInputErrors checks the messages for inputs that do not fit the model.
func TestInputErrors(t *testing.T) {
	model := identityModel(t)
	tmp := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(tmp, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.bin", make([]byte, 6))
	y := write("y.bin", make([]byte, 8))
	short := write("x.bin", make([]byte, 100))
	notNPY := write("z.npy", make([]byte, 6))
	wrongType := filepath.Join(tmp, "x16.npy")
	writeNPY(t, wrongType, "int16", []int{2, 3}, make([]byte, 12))
	wrongCount := filepath.Join(tmp, "x7.npy")
	writeNPY(t, wrongCount, "int8", []int{7}, make([]byte, 7))
	float64NPY := filepath.Join(tmp, "y64.npy")
	writeNPY(t, float64NPY, "float64", []int{2}, make([]byte, 16))

	tests := []struct {
		inputs []string
		code   int
		stderr string
	}{
		{[]string{short, y}, 1, "input 0: file " + short + " holds 100 bytes, tensor x [2 3] int8 needs 6"},
		{[]string{wrongType, y}, 1, "input 0: " + wrongType + " holds int16, tensor x [2 3] int8 needs int8 (or float32, which is quantized"},
		{[]string{wrongCount, y}, 1, "holds 7 elements (shape [7]), tensor x [2 3] int8 needs 6"},
		{[]string{good, float64NPY}, 1, "input 1: " + float64NPY + " holds float64, tensor y [2] float32 needs float32"},
		{[]string{notNPY, y}, 1, "not an .npy file"},
		{[]string{filepath.Join(tmp, "missing.bin"), y}, 1, "no such file"},
		{[]string{good}, 2, "model has 2 inputs, got 1 -i files"},
	}
	for _, tt := range tests {
		args := []string{"run", model, "-o", filepath.Join(tmp, "out")}
		for _, in := range tt.inputs {
			args = append(args, "-i", in)
		}
		code, _, stderr := edgeq(t, args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("edgeq %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), code, stderr, tt.code, tt.stderr)
		}
	}

	// The same check on a real model, with the message users see.
	_, eqm := kws(t)
	code, _, stderr := edgeq(t, "run", eqm, "-i", short, "-o", tmp)
	skipIfUnsupported(t, code, stderr)
	if want := "input 0: file " + short + " holds 100 bytes, tensor input_1 [1 49 10 1] int8 needs 490"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("kws with a 100-byte input: exit %d, %q", code, stderr)
	}
}

// TestBadModels checks that unreadable, truncated and foreign files fail
// with exit status 1 and a message, never a panic.
func TestBadModels(t *testing.T) {
	_, eqm := kws(t)
	tmp := t.TempDir()
	data := readFile(t, eqm)
	for _, n := range []int{0, 1, 8, 100, len(data) / 3, len(data) / 2, len(data) - 1} {
		truncated := filepath.Join(tmp, "truncated.eqm")
		if err := os.WriteFile(truncated, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range [][]string{
			{"inspect", truncated},
			{"run", truncated, "-i", eqm, "-o", tmp},
			{"bench", truncated, "--iters", "1"},
			{"convert", truncated, "-o", filepath.Join(tmp, "x.eqm")},
		} {
			code, _, stderr := edgeq(t, cmd...)
			if code != 1 || !strings.HasPrefix(stderr, "edgeq "+cmd[0]+": ") {
				t.Errorf("%s of a %d-byte prefix: exit %d, stderr %q; want exit 1 and a message", cmd[0], n, code, stderr)
			}
		}
	}

	onnx := filepath.Join(tmp, "model.onnx")
	if err := os.WriteFile(onnx, []byte("\x08\x07\x12\x04test"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := edgeq(t, "convert", onnx, "-o", filepath.Join(tmp, "o.eqm")); code != 1 || !strings.HasPrefix(stderr, "edgeq convert: "+onnx+": onnx: malformed model") {
		t.Errorf("convert of a malformed .onnx: exit %d, %q", code, stderr)
	}
	if err := os.WriteFile(onnx, []byte("\x08\x07\x3a\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := edgeq(t, "convert", onnx, "-o", filepath.Join(tmp, "o.eqm")); code != 1 || !strings.Contains(stderr, "onnx: malformed protobuf") {
		t.Errorf("convert of a truncated .onnx: exit %d, %q", code, stderr)
	}
	if code, _, stderr := edgeq(t, "convert", eqm, "-o", filepath.Join(tmp, "o.eqm")); code != 1 || !strings.Contains(stderr, "already an .eqm model") {
		t.Errorf("convert .eqm: exit %d, %q", code, stderr)
	}
	if code, _, stderr := edgeq(t, "inspect", filepath.Join(tmp, "nope.eqm")); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("inspect of a missing file: exit %d, %q", code, stderr)
	}
}

// fashionIDX returns idx:PATH of a Fashion-MNIST file, skipping the test
// when Debian's dataset-fashion-mnist package is not installed.
func fashionIDX(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("/usr/share/datasets/fashion-mnist", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("Fashion-MNIST not installed (%v); apt-get install dataset-fashion-mnist", err)
	}
	return "idx:" + p
}

// TestConvertONNX converts the ONNX Fashion-MNIST CNN and checks it runs
// as the TFLite export of the same network does, then quantizes it.
func TestConvertONNX(t *testing.T) {
	src := shareddata.Path(t, "fmnist", "fmnist_cnn_f32.onnx")
	tfl := shareddata.Path(t, "fmnist", "fmnist_cnn_f32.tflite")
	images, labels := fashionIDX(t, "t10k-images-idx3-ubyte.gz"), fashionIDX(t, "t10k-labels-idx1-ubyte.gz")
	tmp := t.TempDir()
	eqm, ref := filepath.Join(tmp, "cnn.eqm"), filepath.Join(tmp, "ref.eqm")

	out, stderr := mustSucceed(t, "convert", src, "-o", eqm, "--json")
	var sum convertSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("convert --json: %v\n%s", err, out)
	}
	if sum.Format != "onnx" || sum.Operators != 8 || len(sum.Unsupported) != 0 || stderr != "" {
		t.Errorf("convert summary %+v, stderr %q", sum, stderr)
	}
	m, err := format.Decode(readFile(t, eqm))
	if err != nil {
		t.Fatal(err)
	}
	if in := m.Tensors[m.Inputs[0]]; m.Meta.Source != "onnx" || m.Meta.Name != "fmnist_cnn_f32" || !slices.Equal(in.Shape, []int32{1, 28, 28, 1}) {
		t.Errorf("meta %+v, input shape %v; want source onnx, name fmnist_cnn_f32, NHWC input", m.Meta, in.Shape)
	}
	mustSucceed(t, "convert", tfl, "-o", ref)

	// One input through both models: the same output bytes.
	x := make([]byte, 4*28*28)
	for i := range 28 * 28 {
		binary.LittleEndian.PutUint32(x[4*i:], math.Float32bits(float32(i*37%256)/255))
	}
	in := filepath.Join(tmp, "x.bin")
	if err := os.WriteFile(in, x, 0o644); err != nil {
		t.Fatal(err)
	}
	outONNX, outTFL := filepath.Join(tmp, "onnx"), filepath.Join(tmp, "tflite")
	mustSucceed(t, "run", eqm, "-i", in, "-o", outONNX)
	mustSucceed(t, "run", ref, "-i", in, "-o", outTFL)
	if a, b := readFile(t, filepath.Join(outONNX, "output_0.bin")), readFile(t, filepath.Join(outTFL, "output_0.bin")); len(a) != 40 || !bytes.Equal(a, b) {
		t.Errorf("run: output %x, the TFLite model's %x", a, b)
	}
	// The .onnx file itself runs too, imported in memory.
	outDirect := filepath.Join(tmp, "direct")
	if _, stderr := mustSucceed(t, "run", src, "-i", in, "-o", outDirect); !strings.Contains(stderr, "importing ONNX model") {
		t.Errorf("run model.onnx: stderr %q", stderr)
	}
	if a, b := readFile(t, filepath.Join(outDirect, "output_0.bin")), readFile(t, filepath.Join(outTFL, "output_0.bin")); !bytes.Equal(a, b) {
		t.Errorf("run model.onnx: output %x, the TFLite model's %x", a, b)
	}

	// 1000 test images: the same predictions as the TFLite model.
	var ev struct {
		Top1      float64 `json:"top1"`
		RefTop1   float64 `json:"ref_top1"`
		Agreement float64 `json:"agreement"`
	}
	out, _ = mustSucceed(t, "eval", eqm, "--inputs", images, "--labels", labels, "--ref", ref, "--n", "1000", "--json")
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, out)
	}
	if ev.Agreement != 1 || ev.Top1 != ev.RefTop1 || ev.Top1 < 0.85 {
		t.Errorf("eval against the TFLite model: %+v", ev)
	}

	// Static int8 quantization of the converted model.
	q := filepath.Join(tmp, "cnn_int8.eqm")
	mustSucceed(t, "quantize", eqm, "--calib", fashionIDX(t, "train-images-idx3-ubyte.gz"), "--calib-n", "200", "--method", "minmax", "-o", q, "--quiet")
	out, _ = mustSucceed(t, "eval", q, "--inputs", images, "--labels", labels, "--ref", eqm, "--n", "1000", "--json")
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, out)
	}
	if ev.Top1 < ev.RefTop1-0.02 || ev.Agreement < 0.97 {
		t.Errorf("int8 model: %+v; want top-1 within 2 points of the float model's", ev)
	}
}

// TestUsageErrors needs no test data: all of these fail before a model is read.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, "edgeq frobnicate: unknown command"},
		{[]string{"run", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"run", "m.eqm", "-i"}, "flag needs an argument: -i"},
		{[]string{"run"}, "want one model, got 0 arguments"},
		{[]string{"run", "m.eqm", "-i", "x.bin"}, "missing -o OUTDIR"},
		{[]string{"convert", "m.tflite"}, "missing -o OUT.eqm"},
		{[]string{"convert", "a.tflite", "b.tflite", "-o", "x"}, "want one input model, got 2"},
		{[]string{"inspect"}, "want one model"},
		{[]string{"bench", "m.eqm", "--threads", "2"}, "only --threads 1 is supported"},
		{[]string{"bench", "m.eqm", "--iters", "0"}, "--iters must be at least 1"},
		{[]string{"bench", "m.eqm", "--iters", "many"}, "invalid value"},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"version", "extra"}, "takes no arguments"},
	}
	for _, tt := range tests {
		code, stdout, stderr := edgeq(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("edgeq %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(tt.args, " "), code, stderr, tt.stderr)
		}
		if stdout != "" {
			t.Errorf("edgeq %s: usage error printed to stdout: %q", strings.Join(tt.args, " "), stdout)
		}
	}
}

func TestHelp(t *testing.T) {
	out, _ := mustSucceed(t, "help")
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("help does not list %s", c.name)
		}
		help, _ := mustSucceed(t, "help", c.name)
		if !strings.HasPrefix(help, "usage: edgeq "+c.name) {
			t.Errorf("help %s: %q", c.name, help)
		}
		if dash, _ := mustSucceed(t, c.name, "-h"); dash != help {
			t.Errorf("%s -h differs from help %s", c.name, c.name)
		}
	}
	help, _ := mustSucceed(t, "help", "run")
	for _, flag := range []string{"-i file", "-o dir", "-tensors dir", "-npy", "-json"} {
		if !strings.Contains(help, flag) {
			t.Errorf("help run does not document %s", flag)
		}
	}
	if out, _ := mustSucceed(t, "version"); !strings.HasPrefix(out, "edgeq ") {
		t.Errorf("version: %q", out)
	}
}

// TestParseInterleaved checks that flags may come before, between and
// after positional arguments, and that "--" ends the flags.
func TestParseInterleaved(t *testing.T) {
	fs := cmdRun.flagSet()
	var inputs stringsFlag
	fs.Var(&inputs, "i", "")
	out := fs.String("o", "", "")
	asJSON := fs.Bool("json", false, "")
	args := []string{"--json", "model.eqm", "-i", "a.bin", "extra", "-o", "dir", "-i=b.bin", "--", "-not-a-flag"}
	positional, err := cmdRun.parse(fs, args, new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(positional, []string{"model.eqm", "extra", "-not-a-flag"}) {
		t.Errorf("positional = %q", positional)
	}
	if !slices.Equal(inputs, stringsFlag{"a.bin", "b.bin"}) || *out != "dir" || !*asJSON {
		t.Errorf("flags: -i %q -o %q --json %v", inputs, *out, *asJSON)
	}
}
