package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/internal/dataset"
	"github.com/edgeq/edgeq/internal/npy"
	"github.com/edgeq/edgeq/internal/shareddata"
)

const fashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// fashionFile returns idx:PATH of a Fashion-MNIST file, skipping the test
// when Debian's dataset-fashion-mnist package is not installed.
func fashionFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(fashionMNISTDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("Fashion-MNIST not installed (%v); apt-get install dataset-fashion-mnist", err)
	}
	return "idx:" + p
}

// fashionMLP converts the float Fashion-MNIST MLP and returns its path.
func fashionMLP(t *testing.T) string {
	t.Helper()
	src := shareddata.Path(t, "fmnist", "fmnist_mlp_f32.tflite")
	eqm := filepath.Join(t.TempDir(), "mlp.eqm")
	mustSucceed(t, "convert", src, "-o", eqm)
	return eqm
}

func TestQuantizeEvalCompare(t *testing.T) {
	float := fashionMLP(t)
	train := fashionFile(t, "train-images-idx3-ubyte.gz")
	test, labels := fashionFile(t, "t10k-images-idx3-ubyte.gz"), fashionFile(t, "t10k-labels-idx1-ubyte.gz")
	dir := t.TempDir()
	q := filepath.Join(dir, "mlp_int8.eqm")

	out, stderr := mustSucceed(t, "quantize", float, "--calib", train, "--calib-n", "100", "-o", q, "--json", "--auto-n", "50")
	var qr quantizeResult
	if err := json.Unmarshal([]byte(out), &qr); err != nil {
		t.Fatalf("quantize --json: %v\n%s", err, out)
	}
	if qr.Mode != "static" || qr.Method != "auto" || qr.Report.Samples != 100 || qr.SizeRatio > 0.3 || qr.OutputBytes != len(readFile(t, q)) {
		t.Errorf("quantize result %+v", qr)
	}
	if !strings.Contains(stderr, "100 calibration samples") || !strings.Contains(stderr, "calibrate") {
		t.Errorf("no progress on stderr: %q", stderr)
	}
	m, err := format.Decode(readFile(t, q))
	if err != nil {
		t.Fatal(err)
	}
	if m.Tensors[m.Inputs[0]].Type != format.Int8 || m.Meta.QuantMethod != "static" {
		t.Errorf("quantized model: input %s, method %q", m.Tensors[m.Inputs[0]].Type, m.Meta.QuantMethod)
	}

	out, _ = mustSucceed(t, "eval", q, "--inputs", test, "--labels", labels, "--n", "300", "--ref", float, "--layers", "--json")
	var er map[string]any
	if err := json.Unmarshal([]byte(out), &er); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, out)
	}
	for _, key := range []string{"top1", "agreement", "sqnr_db", "ref_top1", "layers"} {
		if _, ok := er[key]; !ok {
			t.Errorf("eval --json lacks %q: %s", key, out)
		}
	}
	if top1, _ := er["top1"].(float64); top1 < 0.8 || top1 > 1 {
		t.Errorf("top1 %v", er["top1"])
	}
	if a, _ := er["agreement"].(float64); a < 0.95 {
		t.Errorf("agreement %v", er["agreement"])
	}
	if s, _ := er["sqnr_db"].(float64); s < 20 {
		t.Errorf("sqnr_db %v", er["sqnr_db"])
	}
	if n := er["samples"].(float64); n != 300 {
		t.Errorf("samples %v", n)
	}
	human, _ := mustSucceed(t, "eval", q, "--inputs", test, "--labels", labels, "--n", "100", "--ref", float, "--layers")
	for _, want := range []string{"top-1 accuracy", "per-layer SQNR", "FULLY_CONNECTED", "← worst"} {
		if !strings.Contains(human, want) {
			t.Errorf("eval output lacks %q:\n%s", want, human)
		}
	}

	out, _ = mustSucceed(t, "compare", float, q, "--inputs", test, "--labels", labels, "--n", "200", "--iters", "20", "--json")
	var cr compareResult
	if err := json.Unmarshal([]byte(out), &cr); err != nil {
		t.Fatalf("compare --json: %v\n%s", err, out)
	}
	if len(cr.Models) != 2 || cr.Samples != 200 || cr.Agreement == nil || cr.Models[0].Top1 == nil || cr.Models[1].Top1 == nil {
		t.Fatalf("compare result %+v", cr)
	}
	a, b := cr.Models[0], cr.Models[1]
	if b.FileBytes*3 > a.FileBytes || b.WeightBytes*3 > a.WeightBytes || a.ArenaBytes == 0 || b.ArenaBytes >= a.ArenaBytes ||
		a.PeakBytes < a.FileBytes || a.LatencyP50 <= 0 || b.LatencyP50 <= 0 || b.QuantMethod != "static" || a.QuantMethod != "float" {
		t.Errorf("compare columns %+v / %+v", a, b)
	}
	human, _ = mustSucceed(t, "compare", float, q, "--inputs", test, "--labels", labels, "--n", "50", "--iters", "5")
	for _, want := range []string{"file size", "weights", "arena", "peak memory", "latency p50", "top-1"} {
		if !strings.Contains(human, want) {
			t.Errorf("compare output lacks %q:\n%s", want, human)
		}
	}
}

func TestQuantizeModes(t *testing.T) {
	float := fashionMLP(t)
	test := fashionFile(t, "t10k-images-idx3-ubyte.gz")
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--mode", "dynamic"},
		{"--mode", "weights"},
		{"--mode", "weights", "--weight-bits", "4"},
		{"--calib", fashionFile(t, "train-images-idx3-ubyte.gz"), "--calib-n", "50", "--method", "percentile", "--percentile", "99.9", "--float-io", "--per-channel-fc", "--bias-correction=false"},
	} {
		q := filepath.Join(dir, "q.eqm")
		out, _ := mustSucceed(t, append([]string{"quantize", float, "-o", q, "--quiet"}, args...)...)
		if !strings.Contains(out, "size:") {
			t.Errorf("%v: summary %q", args, out)
		}
		m, err := format.Decode(readFile(t, q))
		if err != nil {
			t.Fatal(err)
		}
		if m.Tensors[m.Inputs[0]].Type != format.Float32 {
			t.Errorf("%v: input is %s, want float32", args, m.Tensors[m.Inputs[0]].Type)
		}
		if len(args) == 4 && args[3] == "4" {
			int4 := 0
			for _, t := range m.Tensors {
				if t.Type == format.Int4 {
					int4++
				}
			}
			if int4 != 3 {
				t.Errorf("%v: %d int4 tensors, want the 3 weight tensors", args, int4)
			}
		}
		out, _ = mustSucceed(t, "eval", q, "--inputs", test, "--n", "50", "--ref", float, "--json")
		var er struct{ Agreement float64 }
		if err := json.Unmarshal([]byte(out), &er); err != nil || er.Agreement < 0.9 {
			t.Errorf("%v: eval %v %s", args, err, out)
		}
	}
}

// TestQuantizeNPYAndImages feeds calibration data as .npy and as a folder
// of PNG images, and labels as int64 .npy.
func TestQuantizeNPYAndImages(t *testing.T) {
	float := fashionMLP(t)
	dir := t.TempDir()
	// 20 samples of 28×28 floats in [0, 1], and int64 labels.
	x := make([]byte, 20*784*4)
	for i := 0; i < 20*784; i++ {
		binary.LittleEndian.PutUint32(x[4*i:], math.Float32bits(float32(i%97)/97))
	}
	var b bytes.Buffer
	if err := npy.Write(&b, "float32", []int{20, 28, 28, 1}, x); err != nil {
		t.Fatal(err)
	}
	xs := filepath.Join(dir, "x.npy")
	os.WriteFile(xs, b.Bytes(), 0o644)
	y := make([]byte, 20*8)
	for i := 0; i < 20; i++ {
		binary.LittleEndian.PutUint64(y[8*i:], uint64(i%10))
	}
	b.Reset()
	npy.Write(&b, "int64", []int{20}, y)
	ys := filepath.Join(dir, "y.npy")
	os.WriteFile(ys, b.Bytes(), 0o644)

	imgs := filepath.Join(dir, "imgs")
	os.Mkdir(imgs, 0o755)
	for k := 0; k < 5; k++ {
		img := image.NewGray(image.Rect(0, 0, 56, 56)) // resized to 28×28
		for i := range img.Pix {
			img.Pix[i] = uint8(i * (k + 1))
		}
		img.Set(0, 0, color.Gray{Y: 255})
		var pb bytes.Buffer
		png.Encode(&pb, img)
		os.WriteFile(filepath.Join(imgs, string(rune('a'+k))+".png"), pb.Bytes(), 0o644)
	}
	for _, calib := range []string{xs, imgs} {
		q := filepath.Join(dir, "q.eqm")
		mustSucceed(t, "quantize", float, "--calib", calib, "-o", q, "--method", "minmax", "--quiet")
		out, _ := mustSucceed(t, "eval", q, "--inputs", xs, "--labels", ys, "--json")
		var er struct {
			Top1    *float64
			Samples int
		}
		if err := json.Unmarshal([]byte(out), &er); err != nil || er.Top1 == nil || er.Samples != 20 {
			t.Errorf("calib %s: eval %v %s", calib, err, out)
		}
	}
}

func TestQuantizeUsage(t *testing.T) {
	float := fashionMLP(t)
	out := filepath.Join(t.TempDir(), "q.eqm")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"quantize", float, "--calib", "x.npy"}, 2, "missing -o"},
		{[]string{"quantize", float, "-o", out}, 2, "needs --calib"},
		{[]string{"quantize", float, "-o", out, "--mode", "fancy"}, 2, "bad mode"},
		{[]string{"quantize", float, "-o", out, "--calib", "x.npy", "--method", "kl"}, 2, "bad method"},
		{[]string{"quantize", float, "-o", out, "--calib", "x.npy", "--activations", "int4"}, 2, "int8 or int16"},
		{[]string{"quantize", float, "-o", out, "--calib", "x.npy", "--scale", "1/0"}, 2, "fraction"},
		{[]string{"quantize", float, "-o", out, "--calib", "x.npy", "--scale", "1/255,1/0"}, 2, "fraction"},
		{[]string{"eval", float, "--inputs", "idx:" + fashionMNISTDir + "/t10k-images-idx3-ubyte.gz", "--mean", "1,2"}, 1, "2 mean values for data with 28 channels"},
		{[]string{"quantize", float, "-o", out, "--mode", "weights", "--weight-bits", "2"}, 2, "8 or 4"},
		{[]string{"quantize", float, "-o", out, "--mode", "dynamic", "--weight-bits", "4"}, 2, "needs --mode weights"},
		{[]string{"quantize", float, "-o", out, "--calib", "/nonexistent.npy"}, 1, "no such file"},
		{[]string{"quantize", "/nonexistent.eqm", "-o", out, "--mode", "dynamic"}, 1, "no such file"},
		{[]string{"eval", float}, 2, "missing --inputs"},
		{[]string{"eval", float, "--inputs", "x.npy", "--layers"}, 2, "--layers needs --ref"},
		{[]string{"compare", float, "--inputs", "x.npy"}, 2, "two models"},
		{[]string{"compare", float, float, "--inputs", "/nonexistent.npy"}, 1, "no such file"},
	} {
		code, _, stderr := edgeq(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("edgeq %s: exit %d (want %d), stderr %q (want %q)", strings.Join(tc.args, " "), code, tc.code, stderr, tc.want)
		}
	}
	// Quantizing an already quantized model is refused.
	q := filepath.Join(t.TempDir(), "q.eqm")
	mustSucceed(t, "quantize", float, "-o", q, "--mode", "dynamic", "--quiet")
	train := fashionFile(t, "train-images-idx3-ubyte.gz")
	qs := filepath.Join(t.TempDir(), "qs.eqm")
	mustSucceed(t, "quantize", float, "-o", qs, "--calib", train, "--calib-n", "10", "--method", "minmax", "--quiet")
	if code, _, stderr := edgeq(t, "quantize", qs, "-o", out, "--calib", train, "--calib-n", "10"); code != 1 || !strings.Contains(stderr, "quantize takes float models") {
		t.Errorf("re-quantizing: exit %d, %q", code, stderr)
	}
	// Samples that do not fit the model's input.
	if code, _, stderr := edgeq(t, "eval", float, "--inputs", fashionFile(t, "t10k-labels-idx1-ubyte.gz")); code != 1 || !strings.Contains(stderr, "needs 784") {
		t.Errorf("wrong-sized samples: exit %d, %q", code, stderr)
	}
}

// TestEvalClassFolders evaluates on images laid out one folder per class,
// as image data sets often are: 60 Fashion-MNIST test images written as
// PNG into folders named after their true class.
func TestEvalClassFolders(t *testing.T) {
	float := fashionMLP(t)
	images, labels := fashionFile(t, "t10k-images-idx3-ubyte.gz"), fashionFile(t, "t10k-labels-idx1-ubyte.gz")
	const n = 60
	pix, err := dataset.Load(images, dataset.Options{Limit: n, Scale: []float64{1}})
	if err != nil {
		t.Fatal(err)
	}
	truth, err := dataset.LoadLabels(labels, n)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range n {
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		for j, v := range pix.Sample(i) {
			img.Pix[j] = uint8(v)
		}
		class := filepath.Join(dir, fmt.Sprintf("class%d", truth[i]))
		if err := os.MkdirAll(class, 0o755); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		png.Encode(&b, img)
		if err := os.WriteFile(filepath.Join(class, fmt.Sprintf("%03d.png", i)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _ := mustSucceed(t, "eval", float, "--inputs", dir, "--labels", "folders", "--json")
	var er struct {
		Top1    *float64
		Samples int
	}
	if err := json.Unmarshal([]byte(out), &er); err != nil || er.Top1 == nil || er.Samples != n {
		t.Fatalf("eval: %v %s", err, out)
	}
	// The MLP scores 0.895 on the whole test set; wrong labels would give
	// about 0.1.
	if *er.Top1 < 0.75 {
		t.Errorf("top-1 %.3f with the class folders as labels", *er.Top1)
	}
}
