package onnx

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/internal/shareddata"
	"github.com/edgeq/edgeq/runtime"
)

// seedModels are small hand-built models covering every translation.
func seedModels() [][]byte {
	var seeds [][]byte
	conv := convSpec{n: 1, c: 2, h: 5, w: 4, m: 4, kh: 3, kw: 3, group: 2, sh: 2, sw: 1, dh: 1, dw: 1, pt: 1, pl: 0, pb: 1, pr: 1}
	seeds = append(seeds, convModel(conv, randFloats(1, 36), randFloats(2, 4), true))
	dw := convSpec{n: 1, c: 2, h: 4, w: 4, m: 2, kh: 3, kw: 3, group: 2, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}
	seeds = append(seeds, convModel(dw, randFloats(1, 18), nil, false))

	g := &tgraph{}
	g.input("x", 1, 2, 4, 4)
	g.init("k", []int{2, 1, 1}, []float32{1, 2})
	g.init("W", []int{3, 8}, randFloats(3, 24))
	g.init("s", []int{2}, []float32{1, 2})
	g.init("b", []int{2}, []float32{0, 1})
	g.init("m", []int{2}, []float32{0, 0})
	g.init("v", []int{2}, []float32{1, 1})
	g.initInts("shape", []int{2}, []int64{1, -1})
	g.node("MaxPool", []string{"x"}, []string{"p"}, attrIntList("kernel_shape", 2, 2), attrIntList("strides", 2, 2), attrIntList("pads", 1, 1, 0, 0))
	g.node("BatchNormalization", []string{"p", "s", "b", "m", "v"}, []string{"bn"})
	g.node("Add", []string{"bn", "k"}, []string{"a"})
	g.node("Relu", []string{"a"}, []string{"r"})
	g.node("AveragePool", []string{"r"}, []string{"ap"}, attrIntList("kernel_shape", 2, 2), attrIntList("pads", 0, 0, 1, 1), attrInt("count_include_pad", 1))
	g.node("Concat", []string{"ap", "r"}, []string{"cat"}, attrInt("axis", 1))
	g.node("GlobalAveragePool", []string{"cat"}, []string{"gap"})
	g.node("Reshape", []string{"r", "shape"}, []string{"flat"})
	g.node("Gemm", []string{"flat", "W"}, []string{"fc"}, attrInt("transB", 1))
	g.node("Softmax", []string{"fc"}, []string{"y"})
	g.node("Transpose", []string{"gap"}, []string{"t"}, attrIntList("perm", 0, 2, 3, 1))
	g.output("y", 1, 3)
	g.output("t", 1, 1, 1, 4)
	seeds = append(seeds, g.build())

	g = &tgraph{opset: 11}
	g.input("x", 2, 3, 4)
	g.init("B", []int{4, 2}, randFloats(4, 8))
	g.init("c", []int{2}, []float32{1, -1})
	g.init("lo", []int{}, []float32{0})
	g.init("hi", []int{}, []float32{6})
	g.node("MatMul", []string{"x", "B"}, []string{"mm"})
	g.node("Add", []string{"mm", "c"}, []string{"a"})
	g.node("Clip", []string{"a", "lo", "hi"}, []string{"r6"})
	g.node("Sigmoid", []string{"r6"}, []string{"s0"})
	g.node("LeakyRelu", []string{"s0"}, []string{"lk"}, attrFloat("alpha", 0.1))
	g.node("HardSigmoid", []string{"lk"}, []string{"hsig"}, attrFloat("alpha", 1.0/6))
	g.node("Mul", []string{"lk", "hsig"}, []string{"s"})
	g.node("Unsqueeze", []string{"s"}, []string{"u"}, attrIntList("axes", 1))
	g.node("Squeeze", []string{"u"}, []string{"q"}, attrIntList("axes", 1))
	g.node("Flatten", []string{"q"}, []string{"f"})
	g.node("Tanh", []string{"f"}, []string{"y"})
	g.output("y", 2, 6)
	seeds = append(seeds, g.build())

	g = &tgraph{opset: 14}
	g.input("x", 1, 3, 2, 2)
	g.node("HardSwish", []string{"x"}, []string{"h"})
	g.node("LeakyRelu", []string{"h"}, []string{"y"})
	g.output("y", 1, 3, 2, 2)
	seeds = append(seeds, g.build())
	return seeds
}

// realSeeds lists the real ONNX models, if the shared test data is there.
func realSeeds() []string {
	dir, err := shareddata.Find()
	if err != nil {
		return nil
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*.onnx"))
	return paths
}

// checkImported is what must hold for any model Import accepts: it
// encodes, decodes and re-encodes to the same bytes, and, when the
// runtime has every op, loads (unless it is too large) and runs.
func checkImported(t *testing.T, m *format.Model) {
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
	supported := runtime.SupportedOps()
	for _, op := range m.Operators {
		if !slices.Contains(supported, op.Op) {
			return
		}
	}
	ip, err := runtime.LoadModel(m, runtime.WithMaxArena(16<<20))
	if err != nil {
		if !strings.Contains(err.Error(), "arena") {
			t.Fatalf("the runtime refuses an imported model: %v", err)
		}
		return
	}
	if err := ip.Invoke(); err != nil {
		t.Fatalf("Invoke: %v", err)
	}
}

// FuzzImport feeds mutated ONNX files to Import. It must never panic, and
// whatever it accepts must encode, decode, load and run.
func FuzzImport(f *testing.F) {
	for _, s := range seedModels() {
		f.Add(s)
	}
	for _, path := range realSeeds() {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Import(data)
		if err != nil {
			return
		}
		checkImported(t, m)
	})
}

// TestSeedModels checks that every fuzz seed imports, loads and runs.
func TestSeedModels(t *testing.T) {
	for i, s := range seedModels() {
		m, err := Import(s)
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		checkImported(t, m)
	}
}

// TestImportTruncated cuts valid files at every length (the real ones
// around their structure): none may panic, and only a cut at a field
// boundary may import.
func TestImportTruncated(t *testing.T) {
	for _, data := range seedModels() {
		for n := range len(data) {
			if m, err := Import(data[:n]); err == nil {
				checkImported(t, m)
			}
		}
	}
}

// TestImportCorrupt flips bytes of the seeds and of the real models (at
// random, and densely in their first and last kilobytes, where the nodes
// and shapes are): no flip may make Import panic, and what imports must
// load and run.
func TestImportCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	inputs := seedModels()
	for _, path := range realSeeds() {
		if data, err := os.ReadFile(path); err == nil {
			inputs = append(inputs, data)
		}
	}
	failed := 0
	for k, orig := range inputs {
		data := make([]byte, len(orig))
		tries := 250
		if k < len(seedModels()) {
			tries = 3 * len(orig)
		}
		for i := range tries {
			copy(data, orig)
			var at int
			switch {
			case k < len(seedModels()):
				at = i / 3
			case i%3 == 0:
				at = rng.IntN(len(data))
			case i%3 == 1:
				at = rng.IntN(min(1024, len(data)))
			default:
				at = len(data) - 1 - rng.IntN(min(1024, len(data)))
			}
			data[at] ^= []byte{0xff, 0x80, 0x01, byte(1 + rng.IntN(255))}[i%4]
			m, err := Import(data)
			if err != nil {
				failed++
				continue
			}
			checkImported(t, m)
		}
	}
	if failed == 0 {
		t.Error("no corruption was detected")
	}
}
