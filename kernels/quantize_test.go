package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestQuantizeFloat32(t *testing.T) {
	// TFLite's quantize_test.cc, QuantizeOpTest.INT8: scale 0.5, zero
	// point -1, inputs [-63.5, 64] → [-128, 127] (exact comparison there).
	in := []float32{-63.5, -63, -62.5, -62, -61.5, 62, 62.5, 63, 63.5, 64}
	got := make([]int8, len(in))
	QuantizeFloat32(in, got, 0.5, -1)
	if want := []int8{-128, -127, -126, -125, -124, 123, 124, 125, 126, 127}; !slices.Equal(got, want) {
		t.Errorf("int8: got %v, want %v", got, want)
	}
	// Rounding is half away from zero on the float32 quotient; values
	// beyond the range saturate; NaN maps to the zero point.
	in = []float32{0.25, -0.25, 0.75, -0.75, 1e20, -1e20, float32(math.Inf(1)), float32(math.NaN())}
	got = make([]int8, len(in))
	QuantizeFloat32(in, got, 0.5, 3)
	if want := []int8{4, 2, 5, 1, 127, -128, 127, 3}; !slices.Equal(got, want) {
		t.Errorf("rounding/saturation: got %v, want %v", got, want)
	}
	got16 := make([]int16, 4)
	QuantizeFloat32([]float32{-1, 0.5, 1000, -1000}, got16, 1.0/32768, 0)
	if want := []int16{-32768, 16384, 32767, -32768}; !slices.Equal(got16, want) {
		t.Errorf("int16: got %v, want %v", got16, want)
	}
}

func TestRequantize(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for it := 0; it < 300; it++ {
		si, so := rndScale(r), rndScale(r)
		zi, zo := int32(r.IntN(256)-128), int32(r.IntN(256)-128)
		q, err := NewRequantize(si, zi, so, zo)
		if err != nil {
			t.Fatal(err)
		}
		m, s := QuantizeMultiplier(float64(si) / float64(so))
		lut := q.LUT()
		in := make([]int8, 256)
		for i := range in {
			in[i] = int8(i - 128)
		}
		out := make([]int8, 256)
		RequantizeInts(&q, in, out)
		out16 := make([]int16, 256)
		RequantizeInts(&q, in, out16)
		for i, x := range in {
			want := MultiplyByQuantizedMultiplier(int32(x)-zi, m, s) + zo
			if w8 := min(max(want, -128), 127); int32(out[i]) != w8 || lut[uint8(x)] != int8(w8) {
				t.Fatalf("requantize %d: got %d (lut %d), want %d", x, out[i], lut[uint8(x)], w8)
			}
			if w16 := min(max(want, -32768), 32767); int32(out16[i]) != w16 {
				t.Fatalf("requantize to int16 %d: got %d, want %d", x, out16[i], w16)
			}
		}
	}
	// Same scale, zero points 128 apart: int8 ↔ uint8 is a flip of the top
	// bit, TFLite's fast path.
	q, _ := NewRequantize(0.1, -128, 0.1, 0)
	u := make([]uint8, 3)
	RequantizeInts(&q, []int8{-128, 0, 127}, u)
	if !slices.Equal(u, []uint8{0, 128, 255}) {
		t.Errorf("int8→uint8: %v", u)
	}
}

func TestDequantize(t *testing.T) {
	in := []int8{-128, -1, 0, 5, 127}
	out := make([]float32, len(in))
	Dequantize(in, out, 0.5, -1)
	if want := []float32{-63.5, 0, 0.5, 3, 64}; !slices.Equal(out, want) {
		t.Errorf("got %v, want %v", out, want)
	}
	tab := DequantizeTable(0.1, 3)
	out2 := make([]float32, len(in))
	DequantizeInt8Table(tab, in, out2)
	Dequantize(in, out, 0.1, 3)
	if !slices.Equal(out, out2) {
		t.Errorf("table %v, direct %v", out2, out)
	}
	// Computed in double and rounded once to float32, as TFLite does.
	for i, x := range in {
		if want := float32(float64(float32(0.1)) * float64(int32(x)-3)); out[i] != want {
			t.Errorf("dequantize(%d) = %v, want %v", x, out[i], want)
		}
	}
	o16 := make([]float32, 2)
	Dequantize([]int16{-32768, 32767}, o16, 1.0/32768, 0)
	if o16[0] != -1 || o16[1] != float32(32767.0/32768) {
		t.Errorf("int16: %v", o16)
	}
	ou := make([]float32, 2)
	Dequantize([]uint8{0, 255}, ou, 1, 128)
	if ou[0] != -128 || ou[1] != 127 {
		t.Errorf("uint8: %v", ou)
	}
}

// TestRequantizeIntsShifts checks RequantizeInts against
// MultiplyByQuantizedMultiplier for int16 inputs over every shift the
// unpacked path takes (left shifts wrap in int32 alike) and beyond it.
func TestRequantizeIntsShifts(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	in := make([]int16, 4096)
	for i := range in {
		in[i] = int16(r.IntN(1<<16) - 1<<15)
	}
	in[0], in[1] = -1<<15, 1<<15-1
	out := make([]int16, len(in))
	for shift := -40; shift <= 32; shift++ {
		for _, m := range []int32{0, 1, 1 << 30, 1<<31 - 1, int32(r.Int64N(1 << 31))} {
			q := Requantize{Multiplier: m, Shift: shift, InZero: int32(r.IntN(200) - 100), OutZero: int32(r.IntN(200) - 100)}
			RequantizeInts(&q, in, out)
			for i, x := range in {
				want := min(max(MultiplyByQuantizedMultiplier(int32(x)-q.InZero, m, shift)+q.OutZero, -32768), 32767)
				if int32(out[i]) != want {
					t.Fatalf("shift %d multiplier %d: requantize %d = %d, want %d", shift, m, x, out[i], want)
				}
			}
		}
	}
}
