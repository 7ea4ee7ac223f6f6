package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/internal/npy"
	"github.com/edgeq/edgeq/runtime"
)

// npyMagic starts every .npy file.
const npyMagic = "\x93NUMPY"

// loadInput fills t, graph input k, from the file at path: raw bytes in the
// tensor's dtype, whose size must match exactly, or an .npy file (by
// content, or by name so that a broken one gets an npy error).
func loadInput(k int, path string, t *runtime.Tensor, stderr io.Writer) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("input %d: %w", k, err)
	}
	if bytes.HasPrefix(data, []byte(npyMagic)) || strings.EqualFold(filepath.Ext(path), ".npy") {
		return loadNPYInput(k, path, data, t, stderr)
	}
	dst := t.Bytes()
	if len(data) != len(dst) {
		return fmt.Errorf("input %d: file %s holds %d bytes, tensor %s needs %d", k, path, len(data), describe(t), len(dst))
	}
	copy(dst, data)
	return nil
}

// loadNPYInput fills t from an .npy file of the tensor's dtype, or of
// float32 for an int8/uint8/int16 tensor, which it quantizes with the
// tensor's scale and zero point. Only the element count must match the
// tensor, not the shape.
func loadNPYInput(k int, path string, data []byte, t *runtime.Tensor, stderr io.Writer) error {
	dtype, shape, raw, err := npy.Read(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("input %d: %s: %w", k, path, err)
	}
	want, ok := npyNames[t.Type]
	if !ok {
		return fmt.Errorf("input %d: tensor %s has a type .npy files cannot hold", k, describe(t))
	}
	quantize := dtype == "float32" && quantizable(t)
	if dtype != want && !quantize {
		hint := ""
		if quantizable(t) {
			hint = " (or float32, which is quantized with the tensor's scale and zero point)"
		}
		return fmt.Errorf("input %d: %s holds %s, tensor %s needs %s%s", k, path, dtype, describe(t), want, hint)
	}
	count := 1
	for _, d := range shape {
		count *= d // npy.Read bounds the product
	}
	if count != t.NumElements() {
		return fmt.Errorf("input %d: %s holds %d elements (shape %v), tensor %s needs %d", k, path, count, shape, describe(t), t.NumElements())
	}
	if !quantize {
		copy(t.Bytes(), raw)
		return nil
	}
	fmt.Fprintf(stderr, "edgeq: input %d: quantizing float32 %s with scale %g and zero point %d\n", k, path, t.Scale[0], t.ZeroPoint[0])
	values := make([]float32, count)
	for i := range values {
		values[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	if err := quantizeInto(t, values); err != nil {
		return fmt.Errorf("input %d: %s: %w", k, path, err)
	}
	return nil
}

// quantizable reports whether float values can be quantized into t: an
// 8- or 16-bit integer tensor with one scale and zero point.
func quantizable(t *runtime.Tensor) bool {
	switch t.Type {
	case format.Int8, format.UInt8, format.Int16:
		return len(t.Scale) == 1 && len(t.ZeroPoint) == 1 && t.Scale[0] > 0
	}
	return false
}

// quantizeInto stores q = round(x / scale) + zero_point, rounding half away
// from zero and clamping to the tensor's type, as TFLite's QUANTIZE does
// (the division in float32, like its reference kernel).
func quantizeInto(t *runtime.Tensor, values []float32) error {
	scale, zeroPoint := t.Scale[0], float64(t.ZeroPoint[0])
	lo, hi := -128.0, 127.0
	switch t.Type {
	case format.UInt8:
		lo, hi = 0, 255
	case format.Int16:
		lo, hi = -32768, 32767
	}
	i8, u8, i16 := t.Int8(), t.Uint8(), t.Int16()
	for i, x := range values {
		if math.IsNaN(float64(x)) {
			return fmt.Errorf("element %d is NaN", i)
		}
		q := math.Round(float64(x/scale)) + zeroPoint
		q = max(lo, min(hi, q))
		switch t.Type {
		case format.Int8:
			i8[i] = int8(q)
		case format.UInt8:
			u8[i] = uint8(q)
		case format.Int16:
			i16[i] = int16(q)
		}
	}
	return nil
}
