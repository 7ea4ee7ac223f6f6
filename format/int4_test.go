package format

import (
	"slices"
	"strings"
	"testing"
)

func TestInt4Layout(t *testing.T) {
	// Element 0 in the low nibble, two's complement: -1 = 0xf, 7 = 0x7,
	// -8 = 0x8; the odd last element leaves the high nibble 0.
	packed, err := PackInt4([]int8{-1, 7, -8, 0, 3})
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0x7f, 0x08, 0x03}; !slices.Equal(packed, want) {
		t.Errorf("PackInt4 = % x, want % x", packed, want)
	}
	all := make([]int8, 16)
	for i := range all {
		all[i] = int8(i - 8)
	}
	packed, err = PackInt4(all)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int8, len(all))
	UnpackInt4(got, packed)
	if !slices.Equal(got, all) {
		t.Errorf("round trip: got %v, want %v", got, all)
	}
	if _, err := PackInt4([]int8{0, 8}); err == nil || !strings.Contains(err.Error(), "element 1 is 8") {
		t.Errorf("PackInt4 out of range: err %v", err)
	}
}

func TestValidateInt4(t *testing.T) {
	m := &Model{
		Tensors: []Tensor{{Name: "w", Type: Int4, Shape: []int32{3}, Buffer: 0,
			Quant: &Quantization{Scale: []float32{0.5}, ZeroPoint: []int64{0}}}},
		Buffers: [][]byte{{0x12, 0x03}},
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("3 int4 values in 2 bytes: %v", err)
	}
	if got := m.Tensors[0].Bytes(); got != 2 {
		t.Errorf("Bytes() = %d, want 2", got)
	}
	m.Buffers[0] = []byte{0x12, 0x03, 0}
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "needs 2") {
		t.Errorf("3 bytes for 3 int4 values: err %v", err)
	}
	m.Buffers[0] = []byte{0x12, 0x03}
	m.Tensors[0].Quant.ZeroPoint[0] = 8
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "outside [-8, 7]") {
		t.Errorf("zero point 8: err %v", err)
	}
	m.Tensors = append(m.Tensors, Tensor{Name: "act", Type: Int4, Shape: []int32{4}, Buffer: -1})
	m.Tensors[0].Quant.ZeroPoint[0] = 0
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "constants only") {
		t.Errorf("int4 activation: err %v", err)
	}
}
