package dataset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edgeq/edgeq/internal/npy"
)

// Set is N samples of one shape, stored sample after sample.
type Set struct {
	Shape []int     // the shape of one sample (without the leading N)
	Data  []float32 // N × product(Shape) values
}

// Len returns the number of samples.
func (s *Set) Len() int {
	n := s.SampleLen()
	if n == 0 {
		return 0
	}
	return len(s.Data) / n
}

// SampleLen returns the number of values in one sample.
func (s *Set) SampleLen() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Sample returns sample i (a slice of Data, not a copy).
func (s *Set) Sample(i int) []float32 {
	n := s.SampleLen()
	return s.Data[i*n : (i+1)*n : (i+1)*n]
}

// Slice returns samples [from, to) sharing s's data.
func (s *Set) Slice(from, to int) *Set {
	n := s.SampleLen()
	return &Set{Shape: s.Shape, Data: s.Data[from*n : to*n]}
}

// Options controls how a source becomes samples.
type Options struct {
	Limit int // read at most this many samples (0: all)
	// Integer data becomes (v − Mean)·Scale. Each holds one value for
	// every element or one per channel (the last dimension, e.g. R, G, B);
	// no Scale means 1/255, no Mean 0.
	Scale    []float64
	Mean     []float64
	Channels int // images: 1 (grayscale) or 3 (RGB); 0 keeps what the file has
	Height   int // images: resize to Height × Width when both are set
	Width    int //
}

// normalizer returns the preprocessing of integer data whose last
// dimension is channels: element i becomes (v − mean)·scale of its channel.
func (o *Options) normalizer(channels int) (func(v float64, i int) float64, error) {
	scale, mean := o.Scale, o.Mean
	if len(scale) == 0 {
		scale = []float64{1.0 / 255}
	}
	if len(mean) == 0 {
		mean = []float64{0}
	}
	for _, l := range []struct {
		name string
		n    int
	}{{"scale", len(scale)}, {"mean", len(mean)}} {
		if l.n != 1 && l.n != channels {
			return nil, fmt.Errorf("dataset: %d %s values for data with %d channels (last dimension); give 1 or %d", l.n, l.name, channels, channels)
		}
	}
	return func(v float64, i int) float64 {
		c := i % channels
		return (v - mean[min(c, len(mean)-1)]) * scale[min(c, len(scale)-1)]
	}, nil
}

// fill sets s.Data from get: integer data normalized, float data as is.
func (o *Options) fill(s *Set, isInt bool, get func(int) float64) error {
	if isInt {
		return o.normalize(s.Data, s.Shape, get)
	}
	for i := range s.Data {
		s.Data[i] = float32(get(i))
	}
	return nil
}

// normalize applies o's preprocessing to n integer values read by get into
// dst; shape is one sample's (its last dimension is the channels).
func (o *Options) normalize(dst []float32, shape []int, get func(int) float64) error {
	channels := 1
	if len(shape) > 0 {
		channels = max(shape[len(shape)-1], 1)
	}
	f, err := o.normalizer(channels)
	if err != nil {
		return err
	}
	for i := range dst {
		dst[i] = float32(f(get(i), i))
	}
	return nil
}

// Load reads a sample set from spec (see the package documentation).
func Load(spec string, opt Options) (*Set, error) {
	path, isIDX := idxPath(spec)
	if isIDX {
		return loadIDX(path, opt)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return loadDir(path, opt)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return loadNPY(path, opt)
	case ".png", ".jpg", ".jpeg":
		img, err := loadImage(path, opt)
		if err != nil {
			return nil, err
		}
		return &Set{Shape: img.shape, Data: img.data}, nil
	case ".bin":
		x, err := loadBin(path)
		if err != nil {
			return nil, err
		}
		return &Set{Shape: []int{len(x)}, Data: x}, nil
	}
	return nil, fmt.Errorf("dataset: %s: unknown kind of file (want idx:PATH, .npy, .bin, .png, .jpg or a folder)", path)
}

// idxPath strips an "idx:" prefix, and recognizes MNIST-style file names.
func idxPath(spec string) (string, bool) {
	if p, ok := strings.CutPrefix(spec, "idx:"); ok {
		return p, true
	}
	base := strings.TrimSuffix(filepath.Base(spec), ".gz")
	return spec, strings.HasSuffix(base, "-ubyte") || strings.HasSuffix(base, ".idx")
}

func loadIDX(path string, opt Options) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := ReadIDX(f, opt.Limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &Set{Shape: slices.Clone(x.Dims[1:]), Data: make([]float32, x.Len())}
	if err := opt.fill(s, x.Int, x.Value); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// loadNPY reads samples stacked on axis 0 of an .npy array.
func loadNPY(path string, opt Options) (*Set, error) {
	dtype, shape, data, err := readNPY(path)
	if err != nil {
		return nil, err
	}
	vals, isInt, err := numbers(dtype, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(shape) == 0 {
		shape = []int{1}
	}
	s := &Set{Shape: slices.Clone(shape[1:])}
	n := shape[0]
	if opt.Limit > 0 && n > opt.Limit {
		n = opt.Limit
	}
	per := s.SampleLen()
	s.Data = make([]float32, n*per)
	if err := opt.fill(s, isInt, vals); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func readNPY(path string) (dtype string, shape []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, nil, err
	}
	defer f.Close()
	dtype, shape, data, err = npy.Read(f)
	if err != nil {
		return "", nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return dtype, shape, data, nil
}

// numbers returns an accessor converting element i of raw little-endian
// data of a NumPy dtype to float64, and whether the dtype is an integer one.
func numbers(dtype string, b []byte) (func(int) float64, bool, error) {
	le := binary.LittleEndian
	switch dtype {
	case "bool", "uint8":
		return func(i int) float64 { return float64(b[i]) }, true, nil
	case "int8":
		return func(i int) float64 { return float64(int8(b[i])) }, true, nil
	case "int16":
		return func(i int) float64 { return float64(int16(le.Uint16(b[2*i:]))) }, true, nil
	case "uint16":
		return func(i int) float64 { return float64(le.Uint16(b[2*i:])) }, true, nil
	case "int32":
		return func(i int) float64 { return float64(int32(le.Uint32(b[4*i:]))) }, true, nil
	case "uint32":
		return func(i int) float64 { return float64(le.Uint32(b[4*i:])) }, true, nil
	case "int64":
		return func(i int) float64 { return float64(int64(le.Uint64(b[8*i:]))) }, true, nil
	case "uint64":
		return func(i int) float64 { return float64(le.Uint64(b[8*i:])) }, true, nil
	case "float32":
		return func(i int) float64 { return float64(math.Float32frombits(le.Uint32(b[4*i:]))) }, false, nil
	case "float64":
		return func(i int) float64 { return math.Float64frombits(le.Uint64(b[8*i:])) }, false, nil
	}
	return nil, false, fmt.Errorf("dataset: unsupported .npy dtype %s", dtype)
}

// loadBin reads a raw little-endian float32 file.
func loadBin(path string) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("dataset: %s: %d bytes is not a whole number of float32 values", path, len(b))
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x, nil
}

// loadDir reads one sample per file from a folder.
func loadDir(dir string, opt Options) (*Set, error) {
	files, err := sampleFiles(dir)
	if err != nil {
		return nil, err
	}
	var s *Set
	count := 0
	for _, path := range files {
		var shape []int
		var x []float32
		switch strings.ToLower(filepath.Ext(path)) {
		case ".npy":
			one, err := loadNPY(path, Options{Scale: opt.Scale, Mean: opt.Mean})
			if err != nil {
				return nil, err
			}
			// A file holds one sample, with or without a leading 1.
			shape, x = append([]int{one.Len()}, one.Shape...), one.Data
			if shape[0] == 1 {
				shape = shape[1:]
			}
		case ".bin":
			if x, err = loadBin(path); err != nil {
				return nil, err
			}
			shape = []int{len(x)}
		case ".png", ".jpg", ".jpeg":
			img, err := loadImage(path, opt)
			if err != nil {
				return nil, err
			}
			shape, x = img.shape, img.data
		}
		if s == nil {
			s = &Set{Shape: shape}
		} else if !slices.Equal(s.Shape, shape) {
			return nil, fmt.Errorf("dataset: %s has shape %v, earlier files %v", path, shape, s.Shape)
		}
		s.Data = append(s.Data, x...)
		count++
		if opt.Limit > 0 && count == opt.Limit {
			break
		}
	}
	if s == nil {
		return nil, fmt.Errorf("dataset: %s holds no .npy, .bin, .png or .jpg files", dir)
	}
	return s, nil
}

// sampleExts are the kinds of file a folder's samples may be.
var sampleExts = map[string]bool{".npy": true, ".bin": true, ".png": true, ".jpg": true, ".jpeg": true}

// sampleFiles lists the sample files under dir, subfolders included (a
// folder per class, as image data sets are often laid out), in lexical
// order of their paths.
func sampleFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && sampleExts[strings.ToLower(filepath.Ext(path))] {
			files = append(files, path)
		}
		return nil
	})
	return files, err
}

// folderLabels labels every sample file under dir with its class: the
// index, in sorted order, of the subfolder of dir that holds it.
func folderLabels(dir string, limit int) ([]int, error) {
	files, err := sampleFiles(dir)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(files) > limit {
		files = files[:limit]
	}
	classOf := make([]string, len(files))
	var classes []string
	for i, path := range files {
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return nil, err
		}
		class, _, inSub := strings.Cut(filepath.ToSlash(rel), "/")
		if !inSub {
			return nil, fmt.Errorf("dataset: %s is not in a class folder of %s", path, dir)
		}
		classOf[i] = class
		classes = append(classes, class)
	}
	slices.Sort(classes)
	classes = slices.Compact(classes)
	labels := make([]int, len(files))
	for i, c := range classOf {
		labels[i], _ = slices.BinarySearch(classes, c)
	}
	return labels, nil
}

// LoadLabels reads integer class labels: folders:DIR (each sample's class
// folder under DIR, numbered in sorted order, the order Load reads DIR in),
// idx:PATH (or an MNIST-style file name) or an .npy array of any integer dtype (or integral floats), one
// label per sample; a trailing dimension of 1 is allowed, and an [N, C]
// array of one-hot rows gives each row's hot class.
func LoadLabels(spec string, limit int) ([]int, error) {
	if dir, ok := strings.CutPrefix(spec, "folders:"); ok {
		return folderLabels(dir, limit)
	}
	path, isIDX := idxPath(spec)
	var get func(int) float64
	var shape []int
	if isIDX {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		x, err := ReadIDX(f, limit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		get, shape = x.Value, x.Dims
	} else {
		dtype, s, data, err := readNPY(path)
		if err != nil {
			return nil, err
		}
		if get, _, err = numbers(dtype, data); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		shape = s
	}
	if len(shape) != 1 && len(shape) != 2 {
		return nil, fmt.Errorf("dataset: %s: labels have shape %v, want [N] or [N, C] one-hot", path, shape)
	}
	n, width := shape[0], 1
	if len(shape) == 2 {
		width = shape[1]
	}
	if limit > 0 && n > limit {
		n = limit
	}
	labels := make([]int, n)
	for i := range labels {
		if width > 1 {
			hot, err := oneHot(get, i, width)
			if err != nil {
				return nil, fmt.Errorf("dataset: %s: label row %d %w", path, i, err)
			}
			labels[i] = hot
			continue
		}
		v := get(i)
		if v != math.Trunc(v) || math.Abs(v) > 1<<31 {
			return nil, fmt.Errorf("dataset: %s: label %d is %v, not an integer", path, i, v)
		}
		labels[i] = int(v)
	}
	return labels, nil
}

// oneHot returns the column of row i holding the row's single 1 among 0s.
func oneHot(get func(int) float64, i, width int) (int, error) {
	hot := -1
	for c := range width {
		switch get(i*width + c) {
		case 0:
		case 1:
			if hot >= 0 {
				return 0, fmt.Errorf("has two 1s (columns %d and %d), not one-hot", hot, c)
			}
			hot = c
		default:
			return 0, fmt.Errorf("holds %v, not one-hot (0s and a single 1)", get(i*width+c))
		}
	}
	if hot < 0 {
		return 0, fmt.Errorf("has no 1, not one-hot")
	}
	return hot, nil
}

// WriteNPY writes the set as one float32 .npy array of shape [N, Shape...].
func (s *Set) WriteNPY(w io.Writer) error {
	var buf bytes.Buffer
	buf.Grow(4 * len(s.Data))
	for _, v := range s.Data {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
		buf.Write(b[:])
	}
	return npy.Write(w, "float32", append([]int{s.Len()}, s.Shape...), buf.Bytes())
}
