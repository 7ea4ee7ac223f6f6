package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

// isTFLite reports whether data is a TFLite flatbuffer: its file identifier
// "TFL3" sits at bytes 4..8.
func isTFLite(data []byte) bool {
	return len(data) >= 8 && string(data[4:8]) == "TFL3"
}

// readModel reads and validates a model for run, inspect and bench: an
// .eqm file, or a TFLite file, which it imports in memory and says so on
// stderr. It also returns the file size.
func readModel(path string, stderr io.Writer) (*format.Model, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if kind := sourceKind(path, data); kind != "" {
		fmt.Fprintf(stderr, "edgeq: importing %s model %s in memory (edgeq convert saves it as .eqm)\n", kind, path)
		m, err := importModel(path, data)
		return m, len(data), err
	}
	m, err := format.Decode(data)
	if err == nil {
		err = m.Validate()
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return m, len(data), nil
}

// loadInterpreter reads a model file and prepares it to run.
func loadInterpreter(path string, stderr io.Writer, opts ...runtime.Option) (*runtime.Interpreter, error) {
	m, _, err := readModel(path, stderr)
	if err != nil {
		return nil, err
	}
	ip, err := runtime.LoadModel(m, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ip, nil
}

// npyNames maps tensor types to NumPy dtype names.
var npyNames = map[format.DType]string{
	format.Float32: "float32",
	format.Int8:    "int8",
	format.Int16:   "int16",
	format.Int32:   "int32",
	format.UInt8:   "uint8",
	format.Int64:   "int64",
	format.Bool:    "bool",
}

// describe names a tensor in messages: "input_1 [1 49 10 1] int8".
func describe(t *runtime.Tensor) string {
	return fmt.Sprintf("%s %v %s", t.Name, t.Shape, t.Type)
}

// tensorValues returns t's elements for JSON: real values if t is
// quantized (per tensor or per channel), else the stored numbers.
func tensorValues(t *runtime.Tensor) any {
	if t.Type == format.Float32 {
		vals := t.Float32()
		out := make([]jsonFloat, len(vals))
		for i, v := range vals {
			out[i] = jsonFloat(v)
		}
		return out
	}
	ints := intElements(t)
	if !t.Quantized() || len(t.ZeroPoint) != len(t.Scale) {
		return ints
	}
	// Per-channel parameters apply along QuantAxis: element i belongs to
	// channel (i / stride) % channels.
	channels, stride := 1, 1
	if len(t.Scale) > 1 && t.QuantAxis >= 0 && t.QuantAxis < len(t.Shape) {
		channels = t.Shape[t.QuantAxis]
		for _, d := range t.Shape[t.QuantAxis+1:] {
			stride *= d
		}
	}
	if channels != len(t.Scale) {
		return ints // inconsistent parameters; show the stored values
	}
	out := make([]jsonFloat, len(ints))
	for i, q := range ints {
		c := i / stride % channels
		out[i] = jsonFloat(t.Scale[c] * float32(q-int64(t.ZeroPoint[c])))
	}
	return out
}

// intElements returns the elements of an integer or bool tensor.
func intElements(t *runtime.Tensor) []int64 {
	var out []int64
	switch t.Type {
	case format.Int8:
		for _, v := range t.Int8() {
			out = append(out, int64(v))
		}
	case format.UInt8, format.Bool:
		for _, v := range t.Uint8() {
			out = append(out, int64(v))
		}
	case format.Int16:
		for _, v := range t.Int16() {
			out = append(out, int64(v))
		}
	case format.Int32:
		for _, v := range t.Int32() {
			out = append(out, int64(v))
		}
	case format.Int64:
		out = append(out, t.Int64()...)
	}
	if out == nil {
		out = []int64{}
	}
	return out
}

// jsonFloat is a float32 that marshals in its shortest form, and as null
// when it is NaN or infinite, which JSON cannot represent.
type jsonFloat float32

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 32), nil
}

// writeJSON prints v as the command's one JSON object.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, so a failed write never leaves a half-written model behind.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".edgeq-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, bytes.NewReader(data)); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// humanBytes formats a byte count as "490 B", "52.1 KiB", "3.4 MiB".
func humanBytes(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}

// humanCount formats a large count as "2.66 M", "1.2 G".
func humanCount(n int64) string {
	switch {
	case n < 1e3:
		return strconv.FormatInt(n, 10)
	case n < 1e6:
		return fmt.Sprintf("%.2f k", float64(n)/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.2f M", float64(n)/1e6)
	default:
		return fmt.Sprintf("%.2f G", float64(n)/1e9)
	}
}
