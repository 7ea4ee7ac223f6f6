package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/internal/npy"
)

// FashionMNIST is where Debian's dataset-fashion-mnist package puts the data.
const FashionMNIST = "/usr/share/datasets/fashion-mnist"

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestIDX(t *testing.T) {
	dir := t.TempDir()
	var raw bytes.Buffer
	pixels := []byte{0, 255, 51, 102, 0, 0, 10, 20}
	if err := WriteIDX(&raw, []int{2, 2, 2}, pixels); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	writeFile(t, filepath.Join(dir, "imgs-idx3-ubyte.gz"), gz.Bytes())
	writeFile(t, filepath.Join(dir, "plain.idx"), raw.Bytes())

	for _, spec := range []string{"idx:" + filepath.Join(dir, "plain.idx"), filepath.Join(dir, "imgs-idx3-ubyte.gz")} {
		s, err := Load(spec, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != 2 || len(s.Shape) != 2 || s.Shape[0] != 2 || s.Sample(0)[1] != 1 || s.Sample(1)[3] != 20.0/255 {
			t.Fatalf("%s: %+v", spec, s)
		}
	}
	s, err := Load("idx:"+filepath.Join(dir, "plain.idx"), Options{Limit: 1, Scale: []float64{2}, Mean: []float64{1}})
	if err != nil || s.Len() != 1 || s.Data[1] != 508 {
		t.Fatalf("limit/scale: %+v %v", s, err)
	}

	var lab bytes.Buffer
	WriteIDX(&lab, []int{3}, []byte{7, 0, 9})
	writeFile(t, filepath.Join(dir, "labels"), lab.Bytes())
	labels, err := LoadLabels("idx:"+filepath.Join(dir, "labels"), 0)
	if err != nil || len(labels) != 3 || labels[0] != 7 || labels[2] != 9 {
		t.Fatalf("labels %v %v", labels, err)
	}
}

func TestIDXBad(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":      {},
		"magic":      {1, 0, 8, 1},
		"type":       {0, 0, 0x42, 1, 0, 0, 0, 1},
		"rank":       {0, 0, 8, 0},
		"truncated":  {0, 0, 8, 1, 0, 0, 0, 5, 1, 2},
		"huge":       {0, 0, 0x0E, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"short dims": {0, 0, 8, 2, 0, 0},
		"bad gzip":   {0x1f, 0x8b, 0, 0},
	} {
		if _, err := ReadIDX(bytes.NewReader(b), 0); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzReadIDX(f *testing.F) {
	var b bytes.Buffer
	WriteIDX(&b, []int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ReadIDX(bytes.NewReader(data), 0)
		if err == nil {
			for i := 0; i < x.Len(); i++ {
				_ = x.Value(i)
			}
		}
	})
}

func npyBytes(t *testing.T, dtype string, shape []int, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := npy.Write(&b, dtype, shape, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func f32bytes(x ...float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func TestNPY(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "x.npy"), npyBytes(t, "float32", []int{3, 2}, f32bytes(1, 2, 3, 4, 5, 6)))
	s, err := Load(filepath.Join(dir, "x.npy"), Options{Limit: 2})
	if err != nil || s.Len() != 2 || s.Shape[0] != 2 || s.Sample(1)[1] != 4 {
		t.Fatalf("%+v %v", s, err)
	}
	// Integer data is preprocessed.
	writeFile(t, filepath.Join(dir, "u.npy"), npyBytes(t, "uint8", []int{1, 2}, []byte{0, 255}))
	s, err = Load(filepath.Join(dir, "u.npy"), Options{})
	if err != nil || s.Data[1] != 1 {
		t.Fatalf("%+v %v", s, err)
	}
	// Labels of several integer dtypes.
	for _, dt := range []struct {
		name string
		data []byte
	}{
		{"int64", []byte{3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}},
		{"uint8", []byte{3, 1}},
		{"int32", []byte{3, 0, 0, 0, 1, 0, 0, 0}},
	} {
		p := filepath.Join(dir, "y_"+dt.name+".npy")
		writeFile(t, p, npyBytes(t, dt.name, []int{2}, dt.data))
		labels, err := LoadLabels(p, 0)
		if err != nil || len(labels) != 2 || labels[0] != 3 || labels[1] != 1 {
			t.Fatalf("%s: %v %v", dt.name, labels, err)
		}
	}
	writeFile(t, filepath.Join(dir, "yf.npy"), npyBytes(t, "float32", []int{1}, f32bytes(1.5)))
	if _, err := LoadLabels(filepath.Join(dir, "yf.npy"), 0); err == nil || !strings.Contains(err.Error(), "not an integer") {
		t.Fatalf("fractional label: %v", err)
	}
	writeFile(t, filepath.Join(dir, "y2.npy"), npyBytes(t, "int8", []int{1, 2}, []byte{1, 2}))
	if _, err := LoadLabels(filepath.Join(dir, "y2.npy"), 0); err == nil || !strings.Contains(err.Error(), "not one-hot") {
		t.Fatalf("2-D labels that are not one-hot: %v", err)
	}
	writeFile(t, filepath.Join(dir, "y3.npy"), npyBytes(t, "int8", []int{2, 2, 1}, []byte{1, 2, 3, 4}))
	if _, err := LoadLabels(filepath.Join(dir, "y3.npy"), 0); err == nil || !strings.Contains(err.Error(), "want [N]") {
		t.Fatalf("3-D labels: %v", err)
	}
	// One-hot rows, as Keras's to_categorical writes them.
	writeFile(t, filepath.Join(dir, "yh.npy"), npyBytes(t, "float32", []int{3, 3}, f32bytes(0, 0, 1, 1, 0, 0, 0, 1, 0)))
	if labels, err := LoadLabels(filepath.Join(dir, "yh.npy"), 0); err != nil || !slices.Equal(labels, []int{2, 0, 1}) {
		t.Fatalf("one-hot labels: %v %v", labels, err)
	}
	writeFile(t, filepath.Join(dir, "yh2.npy"), npyBytes(t, "uint8", []int{1, 3}, []byte{1, 0, 1}))
	if _, err := LoadLabels(filepath.Join(dir, "yh2.npy"), 0); err == nil || !strings.Contains(err.Error(), "two 1s") {
		t.Fatalf("two hot columns: %v", err)
	}
}

func TestFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.npy"), npyBytes(t, "float32", []int{1, 4}, f32bytes(1, 2, 3, 4)))
	writeFile(t, filepath.Join(dir, "b.bin"), f32bytes(5, 6, 7, 8))
	writeFile(t, filepath.Join(dir, "README"), []byte("ignored"))
	s, err := Load(dir, Options{})
	if err != nil || s.Len() != 2 || s.Sample(1)[0] != 5 {
		t.Fatalf("%+v %v", s, err)
	}
	writeFile(t, filepath.Join(dir, "c.bin"), f32bytes(1))
	if _, err := Load(dir, Options{}); err == nil {
		t.Fatal("mixed shapes accepted")
	}
	if _, err := Load(t.TempDir(), Options{}); err == nil {
		t.Fatal("empty folder accepted")
	}
}

// TestClassFolders reads a data set laid out one folder per class: samples
// in path order, labels the sorted class folders' indices.
func TestClassFolders(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []struct {
		class, name string
		v           float32
	}{{"dog", "b.bin", 4}, {"cat", "x.bin", 2}, {"dog", "a.bin", 3}, {"cat", "a.bin", 1}, {"eel", "z.bin", 5}} {
		if err := os.MkdirAll(filepath.Join(dir, f.class), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, f.class, f.name), f32bytes(f.v, f.v))
	}
	s, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var first []float32
	for i := range s.Len() {
		first = append(first, s.Sample(i)[0])
	}
	if !slices.Equal(first, []float32{1, 2, 3, 4, 5}) {
		t.Fatalf("samples in order %v, want cat/a cat/x dog/a dog/b eel/z", first)
	}
	labels, err := LoadLabels("folders:"+dir, 0)
	if err != nil || !slices.Equal(labels, []int{0, 0, 1, 1, 2}) {
		t.Fatalf("folder labels %v, %v; want [0 0 1 1 2]", labels, err)
	}
	if labels, err := LoadLabels("folders:"+dir, 3); err != nil || !slices.Equal(labels, []int{0, 0, 1}) {
		t.Fatalf("3 folder labels %v, %v", labels, err)
	}
	writeFile(t, filepath.Join(dir, "loose.bin"), f32bytes(0, 0))
	if _, err := LoadLabels("folders:"+dir, 0); err == nil || !strings.Contains(err.Error(), "not in a class folder") {
		t.Fatalf("a sample outside the class folders: %v", err)
	}
}

func TestImages(t *testing.T) {
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 4, 2))
	for y := 0; y < 2; y++ {
		for x := 0; x < 4; x++ {
			img.Set(x, y, color.RGBA{R: uint8(60 * x), G: 100, B: 255, A: 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	writeFile(t, filepath.Join(dir, "0.png"), b.Bytes())
	writeFile(t, filepath.Join(dir, "1.png"), b.Bytes())
	s, err := Load(dir, Options{})
	if err != nil || s.Len() != 2 || len(s.Shape) != 3 || s.Shape[0] != 2 || s.Shape[1] != 4 || s.Shape[2] != 3 {
		t.Fatalf("%+v %v", s, err)
	}
	if px := s.Sample(0)[3:6]; math.Abs(float64(px[0])-60.0/255) > 1e-6 || px[2] != 1 {
		t.Fatalf("pixel (1,0) = %v", px)
	}
	s, err = Load(dir, Options{Channels: 1, Height: 1, Width: 2, Scale: []float64{1}, Mean: []float64{100}})
	if err != nil || s.Len() != 2 || s.SampleLen() != 2 {
		t.Fatalf("gray resized: %+v %v", s, err)
	}
	// Per-channel (R, G, B) mean and scale: pixel (1, 0) is (60, 100, 255).
	s, err = Load(dir, Options{Mean: []float64{50, 100, 155}, Scale: []float64{0.5, 1, 0.25}})
	if err != nil {
		t.Fatal(err)
	}
	if px := s.Sample(0)[3:6]; math.Abs(float64(px[0])-5) > 1e-4 || px[1] != 0 || math.Abs(float64(px[2])-25) > 1e-4 {
		t.Fatalf("per-channel pixel (1,0) = %v, want [5 0 25]", px)
	}
	if _, err := Load(dir, Options{Channels: 1, Mean: []float64{1, 2, 3}}); err == nil || !strings.Contains(err.Error(), "3 mean values for data with 1 channels") {
		t.Fatalf("3 means for gray images: %v", err)
	}
	writeFile(t, filepath.Join(dir, "2.png"), []byte("not a png"))
	if _, err := Load(dir, Options{}); err == nil {
		t.Fatal("broken png accepted")
	}
}

// fashionMNIST returns the path of one of the data set's files, skipping
// the test when Debian's dataset-fashion-mnist package is not installed.
func fashionMNIST(t testing.TB, name string) string {
	p := filepath.Join(FashionMNIST, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("Fashion-MNIST not installed (%v): apt-get install dataset-fashion-mnist", err)
	}
	return p
}

func TestFashionMNIST(t *testing.T) {
	x, err := Load("idx:"+fashionMNIST(t, "t10k-images-idx3-ubyte.gz"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != 10000 || x.Shape[0] != 28 || x.Shape[1] != 28 {
		t.Fatalf("test images: %d of %v", x.Len(), x.Shape)
	}
	lo, hi := float32(1), float32(0)
	for _, v := range x.Data {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo != 0 || hi != 1 {
		t.Fatalf("pixels in [%v, %v], want [0, 1]", lo, hi)
	}
	y, err := LoadLabels(fashionMNIST(t, "t10k-labels-idx1-ubyte.gz"), 0)
	if err != nil || len(y) != 10000 {
		t.Fatalf("labels: %d %v", len(y), err)
	}
	var count [10]int
	for _, l := range y {
		count[l]++
	}
	for c, n := range count {
		if n != 1000 {
			t.Fatalf("class %d has %d test images, want 1000", c, n)
		}
	}
	train, err := Load(fashionMNIST(t, "train-images-idx3-ubyte.gz"), Options{Limit: 500})
	if err != nil || train.Len() != 500 {
		t.Fatalf("train subset: %v", err)
	}
}
