package runtime

import (
	"unsafe"

	"github.com/edgeq/edgeq/format"
)

// Tensor is a tensor of a loaded model: its description and its bytes.
// Constant tensors point into the model; activations point into the arena
// and are valid after Load (their contents change with every Invoke).
type Tensor struct {
	Index     int          // index in the model, equal to the source model's tensor index
	Name      string       //
	Type      format.DType //
	Shape     []int        //
	Scale     []float32    // nil when not quantized; len > 1: per channel along QuantAxis
	ZeroPoint []int32      //
	QuantAxis int          //
	Const     bool         // constant data from the model
	Variable  bool         // state kept across Invoke calls (e.g. SVDF)

	data []byte
}

// Bytes returns the tensor's raw little-endian bytes.
func (t *Tensor) Bytes() []byte { return t.data }

// NumElements returns the product of the shape.
func (t *Tensor) NumElements() int { return numElements(t.Shape) }

// Quantized reports whether the tensor carries quantization parameters.
func (t *Tensor) Quantized() bool { return len(t.Scale) > 0 }

// Dim returns dimension i, counting from the front; negative i counts from
// the back.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.Shape)
	}
	return t.Shape[i]
}

// Int8 views the data as int8 values.
func (t *Tensor) Int8() []int8 { return view[int8](t.data) }

// Uint8 views the data as uint8 values.
func (t *Tensor) Uint8() []uint8 { return t.data }

// Int16 views the data as int16 values.
func (t *Tensor) Int16() []int16 { return view[int16](t.data) }

// Int32 views the data as int32 values.
func (t *Tensor) Int32() []int32 { return view[int32](t.data) }

// Int64 views the data as int64 values.
func (t *Tensor) Int64() []int64 { return view[int64](t.data) }

// Float32 views the data as float32 values.
func (t *Tensor) Float32() []float32 { return view[float32](t.data) }

// view reinterprets b as a slice of T without copying. The runtime keeps
// every tensor's data aligned for its element type, so this is safe on
// every architecture Go supports; the length is rounded down.
func view[T any](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) < size {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

// aligned reports whether b's first byte is aligned to n bytes.
func aligned(b []byte, n int) bool {
	return len(b) == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%uintptr(n) == 0
}

func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
