package kernels

import (
	"fmt"
	"math"
)

// Requant is the output stage of an integer kernel: it maps int32
// accumulators (already including the bias) to the output type with a
// per-channel Q31 multiplier and power-of-two shift, adds the output zero
// point and clamps to the fused activation's range, exactly as TFLite's
// reference kernels do:
//
//	for c := range acc {
//		v := MultiplyByQuantizedMultiplier(acc[c]+bias[c], Multiplier[c], Shift[c])
//		out[c] = clamp(v+ZeroPoint, Min, Max)
//	}
//
// A per-tensor quantization is a per-channel one with every entry equal.
type Requant struct {
	Multiplier []int32 // Q31 multiplier per output channel
	Shift      []int32 // exponent per output channel, > 0 shifts left
	ZeroPoint  int32   // output zero point
	Min, Max   int32   // clamp, within the output type's range

	ch        []requantChannel // Multiplier and Shift unpacked by Prepare
	rightOnly bool             // every channel shifts right, none left
	uniform   bool             // every channel has the same multiplier and shift
}

// requantChannel is one channel's requantization, unpacked for apply.
type requantChannel struct {
	mult    int64  // multiplier
	half    int64  // 2^(e−1), or 0 when e == 0
	negMask int64  // −1 when e > 0, else 0
	left    uint32 // left shift
	e       uint32 // right shift (exponent of RoundingDivideByPOT)
}

// NewRequant computes the per-channel multipliers of a convolution-like op as
// TFLite's PopulateConvolutionQuantizationParams does: for channel c the real
// multiplier is inScale*weightScales[c]/outScale in float64 (a single weight
// scale is broadcast to every channel). Min and Max are the full int8 range;
// callers narrow them with ActivationRangeQuantized.
func NewRequant(inScale float32, weightScales []float32, outScale float32, channels int, zeroPoint int32) Requant {
	r := Requant{
		Multiplier: make([]int32, channels),
		Shift:      make([]int32, channels),
		ZeroPoint:  zeroPoint,
		Min:        math.MinInt8,
		Max:        math.MaxInt8,
	}
	for c := range channels {
		ws := weightScales[0]
		if len(weightScales) > 1 {
			ws = weightScales[c]
		}
		m, s := QuantizeMultiplier(float64(inScale) * float64(ws) / float64(outScale))
		r.Multiplier[c], r.Shift[c] = m, int32(s)
	}
	r.unpack()
	return r
}

// Prepare validates the requantization of n channels and unpacks it for the
// kernels; the kernels' Check methods call it. Call it again after changing
// Multiplier or Shift.
func (r *Requant) Prepare(n int) error {
	if len(r.Multiplier) != n || len(r.Shift) != n {
		return fmt.Errorf("kernels: requantization has %d multipliers and %d shifts, want %d", len(r.Multiplier), len(r.Shift), n)
	}
	for c, m := range r.Multiplier {
		if m < 0 || r.Shift[c] < -31 || r.Shift[c] > 30 {
			return fmt.Errorf("kernels: channel %d: multiplier %d shift %d out of range", c, m, r.Shift[c])
		}
	}
	if r.Min > r.Max {
		return fmt.Errorf("kernels: clamp [%d, %d] is empty", r.Min, r.Max)
	}
	r.unpack()
	return nil
}

// ensure unpacks the requantization if Prepare was not called (which
// allocates, once).
func (r *Requant) ensure() {
	if len(r.ch) != len(r.Multiplier) {
		r.unpack()
	}
}

func (r *Requant) unpack() {
	if len(r.ch) != len(r.Multiplier) {
		r.ch = make([]requantChannel, len(r.Multiplier))
	}
	for c, m := range r.Multiplier {
		r.ch[c] = newRequantChannel(m, r.Shift[c])
	}
	r.rightOnly, r.uniform = true, true
	for _, ch := range r.ch {
		r.rightOnly = r.rightOnly && ch.left == 0 && ch.e > 0
		r.uniform = r.uniform && ch == r.ch[0]
	}
}

// newRequantChannel unpacks one channel's multiplier (>= 0) and shift (in
// [-31, 30]).
func newRequantChannel(m, s int32) requantChannel {
	e := uint32(max(-s, 0)) & 31
	ch := requantChannel{mult: int64(m), left: uint32(max(s, 0)) & 31, e: e}
	if e > 0 {
		ch.half, ch.negMask = 1<<(e-1), -1
	}
	return ch
}

// RequantizeRowInt8 requantizes one row of accumulators: for every channel
// c, dst[c] = clamp(MultiplyByQuantizedMultiplier(acc[c]+bias[c]) + zero
// point). dst, acc, bias, r.Multiplier and r.Shift must have the same length
// (bias may be nil).
func RequantizeRowInt8(dst []int8, acc, bias []int32, r *Requant) {
	n := len(dst)
	acc = acc[:n]
	zp, lo, hi := r.ZeroPoint, r.Min, r.Max
	r.ensure()
	ch := r.ch[:n]
	if bias == nil {
		for c := range dst {
			v := ch[c].apply(acc[c]) + zp
			dst[c] = int8(min(max(v, lo), hi))
		}
		return
	}
	bias = bias[:n]
	switch {
	case r.rightOnly && r.uniform && n > 0:
		// One multiplier and a right shift: the constants stay in registers.
		m, half, e := ch[0].mult, ch[0].half, ch[0].e&63
		for c := range dst {
			h := (int64(acc[c]+bias[c])*m + 1<<30) >> 31
			v := int32((h+half+h>>63)>>e) + zp
			dst[c] = int8(min(max(v, lo), hi))
		}
	case r.rightOnly:
		for c := range dst {
			k := &ch[c]
			h := (int64(acc[c]+bias[c])*k.mult + 1<<30) >> 31
			v := int32((h+k.half+h>>63)>>(k.e&63)) + zp
			dst[c] = int8(min(max(v, lo), hi))
		}
	default:
		for c := range dst {
			v := ch[c].apply(acc[c]+bias[c]) + zp
			dst[c] = int8(min(max(v, lo), hi))
		}
	}
}

// rowInt8 requantizes the accumulators of channels c0..c0+len(dst) (bias
// of the same channels added) into dst, as RequantizeRowInt8 does.
func (r *Requant) rowInt8(dst []int8, acc, bias []int32, c0 int) {
	n := len(dst)
	acc, bias = acc[:n], bias[:n]
	ch := r.ch[c0 : c0+n]
	zp, lo, hi := r.ZeroPoint, r.Min, r.Max
	switch {
	case r.rightOnly && r.uniform && n > 0:
		m, half, e := ch[0].mult, ch[0].half, ch[0].e&63
		for c := range dst {
			h := (int64(acc[c]+bias[c])*m + 1<<30) >> 31
			v := int32((h+half+h>>63)>>e) + zp
			dst[c] = int8(min(max(v, lo), hi))
		}
	case r.rightOnly:
		for c := range dst {
			k := &ch[c]
			h := (int64(acc[c]+bias[c])*k.mult + 1<<30) >> 31
			v := int32((h+k.half+h>>63)>>(k.e&63)) + zp
			dst[c] = int8(min(max(v, lo), hi))
		}
	default:
		for c := range dst {
			dst[c] = ch[c].out8(acc[c]+bias[c], zp, lo, hi)
		}
	}
}

// out8 requantizes x (bias included) to an int8 output.
func (ch *requantChannel) out8(x, zp, lo, hi int32) int8 {
	return int8(min(max(ch.apply(x)+zp, lo), hi))
}

// apply is MultiplyByQuantizedMultiplier (TFLite's double-rounding form)
// without branches, so that it inlines into the kernels' loops:
//
//   - SaturatingRoundingDoublingHighMul(a, m) adds the nudge 2^30 or
//     1−2^30 by sign and divides by 2^31 truncating; for either sign that
//     equals (a·m + 2^30) >> 31 with an arithmetic shift. (Its saturating
//     case, a == m == MinInt32, cannot occur: Prepare requires m >= 0.)
//   - RoundingDivideByPOT(h, e), ties away from zero, equals
//     (h + 2^(e−1) − [h < 0]) >> e for e > 0, and h for e == 0.
func (ch *requantChannel) apply(x int32) int32 {
	h := (int64(x<<(ch.left&31))*ch.mult + 1<<30) >> 31
	return int32((h + ch.half + h>>63&ch.negMask) >> (ch.e & 63))
}
