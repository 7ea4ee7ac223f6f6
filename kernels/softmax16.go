package kernels

import (
	"fmt"
	"math"
	"math/bits"
	"sync"
)

// This file holds the int16 SOFTMAX of 16x8 models (int16 input with zero
// point 0, int16 output with scale 1/32768 and zero point 0), as TFLite
// Micro's reference_ops::SoftmaxInt16 computes it: exp(x - max) from an
// interpolated 513-entry table over [-10, 0], the row sum's reciprocal from
// a second table of 1/(1+x) over [0, 1], both generated in float32 by
// LUTPopulate<int16_t> exactly as TFLite Micro's prepare does.

// lut16 is an int16 → int16 lookup table of TFLite's LUTSize<int16_t>():
// 512 segments indexed by the top 9 bits of the input, interpolated with
// the low 7, and one extra entry for the last segment's slope.
type lut16 [513]int16

// populate fills t with f sampled over the real range of the int16 input
// quantization (inScale, inZp), quantized to the output's (outScale,
// outZp), following TFLite's LUTPopulate<int16_t> in float32: each entry is
// the rounded sample at its segment start, corrected by half the error the
// linear interpolation makes at the segment's midpoint; the last entry is
// f at the range's end.
//
// Every product is converted to float32 before it is added, so the Go
// compiler cannot fuse it into an FMA (it may on arm64): the reference is
// built without contraction, and one float32 rounding more or less can move
// an entry by one.
func (t *lut16) populate(inScale float32, inZp int32, outScale float32, outZp int32, f func(float32) float32) {
	inMin := float32(inScale * float32(math.MinInt16-inZp))
	inMax := float32(inScale * float32(math.MaxInt16-inZp))
	outMin := float32(outScale * float32(math.MinInt16-outZp))
	outMax := float32(outScale * float32(math.MaxInt16-outZp))

	const steps = len(t) - 1
	step := (inMax - inMin) / float32(steps)
	halfStep := step / 2
	scaleInv := float32(1<<16) / (outMax - outMin)
	clamp := func(v float32) int16 {
		return int16(min(max(v, math.MinInt16), math.MaxInt16))
	}
	for i := range steps {
		x := inMin + float32(float32(i)*step)
		xNext := inMin + float32(float32(i+1)*step)
		val, mid, next := f(x), f(x+halfStep), f(xNext)

		sample := roundf(float32(val * scaleInv))
		interp := roundf((float32(next*scaleInv) + sample) / 2)
		midErr := interp - roundf(float32(mid*scaleInv))
		t[i] = clamp(sample - roundf(midErr/2))
	}
	t[steps] = clamp(roundf(float32(f(inMax) * scaleInv)))
}

// roundf is C's roundf (half away from zero), TFLite's TfLiteRound on
// float.
func roundf(x float32) float32 { return float32(math.Round(float64(x))) }

// lookup is TFLite's LUTLookup for int16: the entry of the top 9 bits plus
// the slope to the next entry times the low 7 bits, rounded. The slope is
// kept as an int16, as the reference stores it.
func (t *lut16) lookup(v int16) int16 {
	i := 256 + int(v>>7)
	base := int32(t[i])
	slope := int32(t[i+1] - t[i])
	delta := (slope*int32(v&0x7f) + 64) >> 7
	return int16(base + delta)
}

// softmax16Tables are the two tables of the int16 SOFTMAX. They depend on
// nothing but the fixed ranges, so every op shares one copy, made on first
// use.
var softmax16Tables = sync.OnceValue(func() *[2]lut16 {
	// The tables' input scales span the range in 65535 steps, with the
	// zero point where TFLite Micro puts it: the exp table's input 32767
	// is 0.0, the reciprocal table's -32768 is 0.0. Both outputs span
	// [-1, 1] (scale 2/65535, zero point 0), so entries are ≈ f·32768.
	const span = float32(math.MaxInt16 - math.MinInt16)
	t := new([2]lut16)
	t[0].populate(10/span, math.MaxInt16, 2/span, 0, func(x float32) float32 {
		// The reference calls expf; the float64 exp rounded to float32
		// gives the same entries (TestSoftmaxInt16Tables).
		return float32(math.Exp(float64(x)))
	})
	t[1].populate(1/span, math.MinInt16, 2/span, 0, func(x float32) float32 {
		return 1 / (1 + x)
	})
	return t
})

// SoftmaxInt16MaxDepth is the longest row SoftmaxInt16 accepts: the int32
// sum of a row's exponentials (each at most 32767) must not overflow, which
// TFLite leaves undefined.
const SoftmaxInt16MaxDepth = 1 << 16

// SoftmaxInt16Params holds the precomputed state of an int16 SOFTMAX.
type SoftmaxInt16Params struct {
	// InputMultiplier and InputLeftShift rescale a difference x - max(row)
	// so that the exp table's input range [-65535, 0] is [-10, 0] in real
	// units (beta included).
	InputMultiplier int32
	InputLeftShift  int
	exp, recip      *lut16
}

// NewSoftmaxInt16Params prepares an int16 SOFTMAX of an input with the
// given scale (zero point 0) and the op's beta, as TFLite Micro's
// CalculateSoftmaxParams does: QuantizeMultiplier(scale·beta / (10/65535)).
// It rejects what TFLite would compute nonsense or undefined behaviour for:
// a non-positive or non-finite scale·beta, and one so large that a
// difference times 2^InputLeftShift overflows int32 (more than 2^15: one
// input step would then already be beyond exp(-10)).
func NewSoftmaxInt16Params(beta, inputScale float32) (*SoftmaxInt16Params, error) {
	real := float64(inputScale) * float64(beta) / (10.0 / 65535.0)
	if !(real > 0) || math.IsInf(real, 0) {
		return nil, fmt.Errorf("beta %g times input scale %g must be positive and finite", beta, inputScale)
	}
	if real >= 1<<15 {
		return nil, fmt.Errorf("beta %g times input scale %g is too large for the int16 softmax: one input step spans more than the exp table's [-10, 0]", beta, inputScale)
	}
	t := softmax16Tables()
	p := &SoftmaxInt16Params{exp: &t[0], recip: &t[1]}
	p.InputMultiplier, p.InputLeftShift = QuantizeMultiplier(real)
	return p, nil
}

// SoftmaxInt16 computes the softmax of every row of depth values of in into
// out (scale 1/32768, zero point 0). in and out may be the same slice.
//
// Per row, as reference_ops::SoftmaxInt16:
//
//	e[c] = exp_lut(clamp16(MultiplyByQuantizedMultiplier(x[c]-max, m, s) + 32767))
//	sum  = Σ e[c]                                    (int32, Q16.15)
//	h    = clz32(sum)                                 (sum normalized to [1, 2)·2^30)
//	r    = recip_lut(clamp16(((sum<<(h-1)) + 2^13)>>14 - 3·2^15))   (1/sum·2^k, Q0.15)
//	out[c] = clamp(0, 32767, (e[c]·r + 2^(30-h)) >> (31-h))
func SoftmaxInt16(p *SoftmaxInt16Params, in, out []int16, depth int) {
	if depth <= 0 {
		return
	}
	out = out[:len(in)]
	for r := 0; r+depth <= len(in); r += depth {
		x, o := in[r:r+depth], out[r:r+depth]
		m := int16(math.MinInt16)
		for _, v := range x {
			m = max(m, v)
		}
		// The exponentials go to out first (the reference does the same):
		// reading x[c] before writing o[c] keeps in-place use correct.
		var sum int32
		for c, v := range x {
			d := MultiplyByQuantizedMultiplier(int32(v)-int32(m), p.InputMultiplier, p.InputLeftShift)
			e := p.exp.lookup(int16(min(max(d+math.MaxInt16, math.MinInt16), math.MaxInt16)))
			o[c] = e
			sum += int32(e)
		}
		// The row maximum alone contributes exp(0) ≈ 32767, so the sum is
		// at least 2^14 and h is at most 17: every shift below is in range.
		h := uint(bits.LeadingZeros32(uint32(sum)))
		shifted := int32((int64(sum)<<(h-1) + 1<<13) >> 14)
		sym := shifted - (1<<15 + 1<<16)
		recip := int64(p.recip.lookup(int16(min(max(sym, math.MinInt16), math.MaxInt16))))
		shift := 31 - h
		round := int64(1) << (shift - 1)
		for c, e := range o {
			v := (int64(e)*recip + round) >> shift
			o[c] = int16(min(max(v, 0), math.MaxInt16))
		}
	}
}
