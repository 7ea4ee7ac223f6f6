package onnx

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/internal/dataset"
	"github.com/edgeq/edgeq/internal/shareddata"
	"github.com/edgeq/edgeq/runtime"
)

// fashionImages is where Debian's dataset-fashion-mnist package installs
// the test images.
const fashionImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"

// TestFashionMNIST imports the ONNX Fashion-MNIST models and checks that
// they compute what the TFLite exports of the same networks do, on real
// test images: the CNN's flatten runs NHWC with permuted dense weights,
// the MLP's on NHWC input whose bytes equal NCHW's (one channel).
func TestFashionMNIST(t *testing.T) {
	dir := shareddata.Path(t, "fmnist")
	if _, err := os.Stat(fashionImages); err != nil {
		t.Skipf("Fashion-MNIST not installed (%v); apt-get install dataset-fashion-mnist", err)
	}
	const images = 1000
	set, err := dataset.Load(fashionImages, dataset.Options{Limit: images}) // pixel / 255
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fmnist_cnn_f32", "fmnist_mlp_f32"} {
		t.Run(name, func(t *testing.T) {
			load := func(ext string, imp func([]byte) (*runtime.Interpreter, error)) *runtime.Interpreter {
				data, err := os.ReadFile(filepath.Join(dir, name+ext))
				if err != nil {
					t.Fatal(err)
				}
				ip, err := imp(data)
				if err != nil {
					t.Fatalf("%s%s: %v", name, ext, err)
				}
				return ip
			}
			fromONNX := load(".onnx", func(b []byte) (*runtime.Interpreter, error) {
				m, err := Import(b)
				if err != nil {
					return nil, err
				}
				return runtime.LoadModel(m)
			})
			fromTFLite := load(".tflite", func(b []byte) (*runtime.Interpreter, error) {
				m, err := tflite.Import(b)
				if err != nil {
					return nil, err
				}
				return runtime.LoadModel(m)
			})
			if got, want := fromONNX.Input(0).Shape, fromTFLite.Input(0).Shape; !equalInts(got, want) {
				t.Fatalf("input shape %v, TFLite's %v", got, want)
			}
			var maxDiff float64
			disagree := 0
			for i := range set.Len() {
				x := set.Sample(i)
				copy(fromONNX.Input(0).Float32(), x)
				copy(fromTFLite.Input(0).Float32(), x)
				if err := fromONNX.Invoke(); err != nil {
					t.Fatal(err)
				}
				if err := fromTFLite.Invoke(); err != nil {
					t.Fatal(err)
				}
				a, b := fromONNX.Output(0).Float32(), fromTFLite.Output(0).Float32()
				for k := range b {
					maxDiff = math.Max(maxDiff, math.Abs(float64(a[k]-b[k])))
				}
				if argMax(a) != argMax(b) {
					disagree++
				}
			}
			t.Logf("%s: %d images, max |onnx - tflite| = %.3g, top-1 disagreements %d", name, set.Len(), maxDiff, disagree)
			if maxDiff > 1e-5 || disagree > 0 {
				t.Errorf("max difference %.3g (want <= 1e-5), %d top-1 disagreements (want 0)", maxDiff, disagree)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func argMax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
