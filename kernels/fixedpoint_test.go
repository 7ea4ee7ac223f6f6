package kernels

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestQuantizeMultiplier(t *testing.T) {
	tests := []struct {
		m     float64
		mult  int32
		shift int
	}{
		{0, 0, 0},
		{0.5, 1 << 30, 0},
		{0.25, 1 << 30, -1},
		{1, 1 << 30, 1},
		{3, 0x60000000, 2},
		{0.75, 0x60000000, 0},
		{1e-12, 0, 0},                     // below 2^-31: flushed to zero
		{0.99999999999, 1 << 30, 1},       // rounds up to 2^31, renormalised
		{0.0078125 * 1.5, 0x60000000, -6}, // 1.5 * 2^-7
	}
	for _, tt := range tests {
		mult, shift := QuantizeMultiplier(tt.m)
		if mult != tt.mult || shift != tt.shift {
			t.Errorf("QuantizeMultiplier(%g) = (%#x, %d), want (%#x, %d)", tt.m, mult, shift, tt.mult, tt.shift)
		}
	}
}

// roundHalfUp returns floor(n/d + 1/2) for d > 0: gemmlowp's nudge-and-
// truncate rounding works out to rounding ties toward +inf (-0.5 → 0).
func roundHalfUp(n, d *big.Int) *big.Int {
	half := new(big.Int).Rsh(d, 1)
	return new(big.Int).Div(new(big.Int).Add(n, half), d) // Div is Euclidean: floor for d > 0
}

func TestSaturatingRoundingDoublingHighMul(t *testing.T) {
	if got := SaturatingRoundingDoublingHighMul(math.MinInt32, math.MinInt32); got != math.MaxInt32 {
		t.Fatalf("overflow case: got %d", got)
	}
	r := rand.New(rand.NewPCG(1, 2))
	two31 := big.NewInt(1 << 31)
	for range 100000 {
		a, b := int32(r.Uint32()), int32(r.Uint32())
		if r.IntN(4) == 0 {
			a = int32(r.IntN(2001) - 1000)
		}
		if a == math.MinInt32 && b == math.MinInt32 {
			continue
		}
		ab := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b)))
		want := roundHalfUp(ab, two31).Int64()
		if got := SaturatingRoundingDoublingHighMul(a, b); int64(got) != want {
			t.Fatalf("SRDHM(%d, %d) = %d, want %d", a, b, got, want)
		}
	}
}

func TestRoundingDivideByPOT(t *testing.T) {
	tests := []struct {
		x    int32
		exp  int
		want int32
	}{
		{3, 1, 2}, {-3, 1, -2}, {5, 2, 1}, {-5, 2, -1}, {6, 2, 2}, {-6, 2, -2},
		{7, 0, 7}, {math.MaxInt32, 31, 1}, {math.MinInt32, 31, -1}, {-1, 1, -1}, {1, 1, 1},
	}
	for _, tt := range tests {
		if got := RoundingDivideByPOT(tt.x, tt.exp); got != tt.want {
			t.Errorf("RoundingDivideByPOT(%d, %d) = %d, want %d", tt.x, tt.exp, got, tt.want)
		}
	}
}

func TestMultiplyByQuantizedMultiplier(t *testing.T) {
	tests := []struct {
		x, mult int32
		shift   int
		want    int32
	}{
		{100, 1 << 30, 0, 50},      // × 0.5
		{101, 1 << 30, 0, 51},      // 50.5 rounds up
		{-101, 1 << 30, 0, -50},    // -50.5: the high multiply rounds ties toward +inf
		{100, 1 << 30, 2, 200},     // × 2
		{1000, 0x60000000, -3, 94}, // × 0.09375 = 93.75
	}
	for _, tt := range tests {
		if got := MultiplyByQuantizedMultiplier(tt.x, tt.mult, tt.shift); got != tt.want {
			t.Errorf("MultiplyByQuantizedMultiplier(%d, %#x, %d) = %d, want %d", tt.x, tt.mult, tt.shift, got, tt.want)
		}
	}
}

func TestMultiplyByQuantizedMultiplier64(t *testing.T) {
	// Multiplier 0.5 → Q31 2^30 → reduced Q15 2^14; shift 0 → total shift 15.
	tests := []struct {
		x     int64
		mult  int32
		shift int
		want  int32
	}{
		{100, 1 << 30, 0, 50},
		{101, 1 << 30, 0, 51},
		{-101, 1 << 30, 0, -50}, // single rounding, half up
		{1 << 40, 1 << 30, -10, 1 << 29},
		{3, 0x7FFFFFFF, 0, 3}, // multiplier saturates to 0x7FFF
	}
	for _, tt := range tests {
		if got := MultiplyByQuantizedMultiplier64(tt.x, tt.mult, tt.shift); got != tt.want {
			t.Errorf("MultiplyByQuantizedMultiplier64(%d, %#x, %d) = %d, want %d", tt.x, tt.mult, tt.shift, got, tt.want)
		}
	}
}
