package kernels

import (
	"errors"
	"fmt"
	"math"
)

// 16x8 kernels: int16 activations (zero point 0), symmetric int8 weights
// and int64 biases, TFLite's "16x8" quantization mode. They reproduce
// TFLite's reference integer kernels (reference_integer_ops ConvPerChannel,
// DepthwiseConvPerChannel and FullyConnected for int16 input): products
// accumulate in int64, the bias is added, and the sum is requantized with
// the int64 form of MultiplyByQuantizedMultiplier (MultiplyByQuantizedMultiplier64)
// and clamped to the fused activation's range; there is no output offset.

// Requant16 is the output stage of a 16x8 kernel.
type Requant16 struct {
	Multiplier []int32 // Q31 multiplier per output channel
	Shift      []int32 // exponent per output channel, in [-31, 7]
	Min, Max   int32   // clamp within [-32768, 32767]
}

// NewRequant16 computes per-channel multipliers as TFLite's
// PopulateConvolutionQuantizationParams does (inScale·weightScale[c]/outScale
// in float64; one weight scale is broadcast), with the full int16 clamp.
func NewRequant16(inScale float32, weightScales []float32, outScale float32, channels int) (Requant16, error) {
	r := Requant16{Multiplier: make([]int32, channels), Shift: make([]int32, channels), Min: math.MinInt16, Max: math.MaxInt16}
	for c := range channels {
		m, s := QuantizeMultiplier(float64(inScale) * float64(channelScale(weightScales, c)) / float64(outScale))
		r.Multiplier[c], r.Shift[c] = m, int32(s)
	}
	return r, r.validate(channels)
}

func (r *Requant16) validate(n int) error {
	if len(r.Multiplier) != n || len(r.Shift) != n {
		return fmt.Errorf("kernels: requantization has %d multipliers and %d shifts, want %d", len(r.Multiplier), len(r.Shift), n)
	}
	for c, m := range r.Multiplier {
		// MultiplyByQuantizedMultiplier64 needs shift in [-31, 7].
		if m < 0 || r.Shift[c] < -31 || r.Shift[c] > 7 {
			return fmt.Errorf("kernels: channel %d: multiplier %d shift %d out of range for 16x8", c, m, r.Shift[c])
		}
	}
	if r.Min > r.Max || r.Min < math.MinInt16 || r.Max > math.MaxInt16 {
		return fmt.Errorf("kernels: clamp [%d, %d] is not inside int16", r.Min, r.Max)
	}
	return nil
}

func (r *Requant16) apply(acc int64, c int) int16 {
	v := MultiplyByQuantizedMultiplier64(acc, r.Multiplier[c], int(r.Shift[c]))
	return int16(min(max(v, r.Min), r.Max))
}

// Conv16x8Params is a 16x8 CONV_2D:
//
//	acc := int64(0)
//	for ky, kx, ic := range window, InC {   // taps inside the input only
//		acc += int64(w[oc][ky][kx][ic]) * int64(in[b][iy][ix][ic])
//	}
//	out[b][y][x][oc] = clamp(MultiplyByQuantizedMultiplier64(acc+bias[oc], ...))
type Conv16x8Params struct {
	ConvGeom
	Weights []int8  // [OutC][KH][KW][InC]
	Bias    []int64 // len OutC, or nil
	Requant16
}

// Check validates the parameters against each other.
func (p *Conv16x8Params) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	if len(p.Weights) != p.OutC*p.KH*p.KW*p.InC || (p.Bias != nil && len(p.Bias) != p.OutC) {
		return errors.New("kernels: 16x8 convolution weights or bias have the wrong length")
	}
	return p.Requant16.validate(p.OutC)
}

// Conv16x8ScratchSize returns the scratch bytes Conv16x8 needs: two
// gathered patches, the pair packed, and two rows of accumulators.
func Conv16x8ScratchSize(p *Conv16x8Params) int {
	k := p.KH * p.KW * p.InC
	return 2*carveSize[int16](k) + carveSize[int64](k) + carveSize[int64](2*p.OutC)
}

// Conv16x8 runs a 16x8 convolution. It does not allocate.
//
// Output pixels go in pairs: their windows are gathered into patches (taps
// outside the input read 0, the zero point, so they add nothing) and
// packed two to an int64, a + b·2^32, so that one 64-bit multiply by a
// weight makes both pixels' products. A product is at most 2^22 in
// magnitude, so the low lane holds the sum of pairChunk of them exactly
// and the lanes are split after every pairChunk taps.
func Conv16x8(p *Conv16x8Params, in, out []int16, scratch []byte) {
	k := p.KH * p.KW * p.InC
	pa, pb := carve[int16](&scratch, k), carve[int16](&scratch, k)
	xp := carve[int64](&scratch, k)
	acc := carve[int64](&scratch, 2*p.OutC)
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	for q := 0; q < npix; q += 2 {
		gatherPatch(&p.ConvGeom, pa, in, q, 0, p.InC)
		if q+1 == npix {
			p.Requant16.rows(out[q*p.OutC:(q+1)*p.OutC], pa, p.Weights, p.Bias)
			break
		}
		gatherPatch(&p.ConvGeom, pb, in, q+1, 0, p.InC)
		for i := range xp {
			xp[i] = int64(pa[i]) + int64(pb[i])<<32
		}
		pairAccumulate(acc[:p.OutC], acc[p.OutC:], xp, p.Weights)
		for i, a := range [2][]int64{acc[:p.OutC], acc[p.OutC:]} {
			o := out[(q+i)*p.OutC : (q+i+1)*p.OutC]
			for c, v := range a {
				if p.Bias != nil {
					v += p.Bias[c]
				}
				o[c] = p.apply(v, c)
			}
		}
	}
}

// pairChunk is how many int16·int8 products, each at most 2^15·2^7 in
// magnitude, one 32-bit lane sums without overflow.
const pairChunk = (1<<31 - 1) >> 22

// pairAccumulate sets a[c] and b[c] to the dot products of weight row c
// (rows of len(xp)) with the two patches packed in xp, four rows at a time.
func pairAccumulate(a, b []int64, xp []int64, w []int8) {
	k := len(xp)
	c := 0
	for ; c+4 <= len(a); c += 4 {
		var sa, sb [4]int64
		for t := 0; t < k; t += pairChunk {
			e := min(t+pairChunk, k)
			var s [4]int64
			s[0], s[1], s[2], s[3] = dotLanes4(xp[t:e], w[c*k+t:c*k+e], w[(c+1)*k+t:(c+1)*k+e], w[(c+2)*k+t:(c+2)*k+e], w[(c+3)*k+t:(c+3)*k+e])
			for i, v := range s {
				lo := int64(int32(v)) // the low lane, sign-extended
				sa[i] += lo
				sb[i] += (v - lo) >> 32
			}
		}
		copy(a[c:c+4], sa[:])
		copy(b[c:c+4], sb[:])
	}
	for ; c < len(a); c++ {
		row := w[c*k : (c+1)*k]
		var sa, sb int64
		for t := 0; t < k; t += pairChunk {
			e := min(t+pairChunk, k)
			var v int64
			for i, x := range xp[t:e] {
				v += x * int64(row[t+i])
			}
			lo := int64(int32(v))
			sa += lo
			sb += (v - lo) >> 32
		}
		a[c], b[c] = sa, sb
	}
}

// rows sets o[c] to the requantized dot product of x with weight row c
// (rows of len(x)) plus bias[c], four rows at a time.
func (r *Requant16) rows(o []int16, x []int16, w []int8, bias []int64) {
	k := len(x)
	c := 0
	for ; c+4 <= len(o); c += 4 {
		var acc [4]int64
		acc[0], acc[1], acc[2], acc[3] = dot16x8Rows4(x, w[c*k:(c+1)*k], w[(c+1)*k:(c+2)*k], w[(c+2)*k:(c+3)*k], w[(c+3)*k:(c+4)*k])
		for i, a := range acc {
			if bias != nil {
				a += bias[c+i]
			}
			o[c+i] = r.apply(a, c+i)
		}
	}
	for ; c < len(o); c++ {
		var a int64
		for i, v := range x {
			a += int64(w[c*k+i]) * int64(v)
		}
		if bias != nil {
			a += bias[c]
		}
		o[c] = r.apply(a, c)
	}
}

// dot16x8Rows4 is the 16x8 core: x times four int8 weight rows, in int64
// as the reference accumulates.
func dot16x8Rows4(x []int16, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int64) {
	n := len(x)
	w0, w1, w2, w3 = w0[:n], w1[:n], w2[:n], w3[:n]
	for i, v := range x {
		x := int64(v)
		s0 += x * int64(w0[i])
		s1 += x * int64(w1[i])
		s2 += x * int64(w2[i])
		s3 += x * int64(w3[i])
	}
	return
}

// Depthwise16x8Params is a 16x8 DEPTHWISE_CONV_2D; output channel
// oc = ic·DepthMul + m reads input channel ic:
//
//	acc := Σ_{ky,kx inside} int64(w[ky][kx][oc]) * int64(in[b][iy][ix][ic])
//	out[b][y][x][oc] = clamp(MultiplyByQuantizedMultiplier64(acc+bias[oc], ...))
type Depthwise16x8Params struct {
	ConvGeom
	DepthMul int
	Weights  []int8  // [KH][KW][OutC]
	Bias     []int64 // len OutC, or nil
	Requant16
}

// Check validates the parameters against each other.
func (p *Depthwise16x8Params) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	if p.DepthMul <= 0 || p.OutC != p.InC*p.DepthMul {
		return fmt.Errorf("kernels: %d output channels are not %d input channels times depth multiplier %d", p.OutC, p.InC, p.DepthMul)
	}
	if len(p.Weights) != p.KH*p.KW*p.OutC || (p.Bias != nil && len(p.Bias) != p.OutC) {
		return errors.New("kernels: 16x8 depthwise weights or bias have the wrong length")
	}
	return p.Requant16.validate(p.OutC)
}

// Depthwise16x8ScratchSize returns the scratch bytes Depthwise16x8 needs:
// one row of accumulators.
func Depthwise16x8ScratchSize(p *Depthwise16x8Params) int { return carveSize[int64](p.OutC) }

// Depthwise16x8 runs a 16x8 depthwise convolution. It does not allocate.
// Each output pixel's channels accumulate together, tap by tap, over the
// taps inside the input.
func Depthwise16x8(p *Depthwise16x8Params, in, out []int16, scratch []byte) {
	acc := carve[int64](&scratch, p.OutC)
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	for q := range npix {
		y0, x0, boff := p.origin(q)
		clear(acc)
		for ky := range p.KH {
			iy := y0 + ky*p.DilationH
			if uint(iy) >= uint(p.InH) {
				continue
			}
			for kx := range p.KW {
				ix := x0 + kx*p.DilationW
				if uint(ix) >= uint(p.InW) {
					continue
				}
				x := in[boff+(iy*p.InW+ix)*p.InC:][:p.InC]
				w := p.Weights[(ky*p.KW+kx)*p.OutC:][:p.OutC]
				if p.DepthMul == 1 {
					w, a := w[:len(x)], acc[:len(x)]
					for c, v := range x {
						a[c] += int64(w[c]) * int64(v)
					}
					continue
				}
				for oc := range acc {
					acc[oc] += int64(w[oc]) * int64(x[oc/p.DepthMul])
				}
			}
		}
		o := out[q*p.OutC : (q+1)*p.OutC]
		for oc, a := range acc {
			if p.Bias != nil {
				a += p.Bias[oc]
			}
			o[oc] = p.apply(a, oc)
		}
	}
}

// FC16x8Params is a 16x8 FULLY_CONNECTED:
//
//	acc := Σ_d int64(w[oc][d]) * int64(in[b][d])
//	out[b][oc] = clamp(MultiplyByQuantizedMultiplier64(acc+bias[oc], ...))
type FC16x8Params struct {
	Batches, Depth, OutC int
	Weights              []int8  // [OutC][Depth]
	Bias                 []int64 // len OutC, or nil
	Requant16
}

// Check validates the parameters against each other.
func (p *FC16x8Params) Check() error {
	if p.Batches <= 0 || p.Depth <= 0 || p.OutC <= 0 {
		return fmt.Errorf("kernels: 16x8 fully connected dimensions must be positive: %d×%d→%d", p.Batches, p.Depth, p.OutC)
	}
	if len(p.Weights) < p.OutC*p.Depth || (p.Bias != nil && len(p.Bias) != p.OutC) {
		return errors.New("kernels: 16x8 fully connected weights or bias have the wrong length")
	}
	return p.Requant16.validate(p.OutC)
}

// FC16x8 runs a 16x8 fully connected layer. It needs no scratch and does
// not allocate.
func FC16x8(p *FC16x8Params, in, out []int16) {
	for b := 0; b < p.Batches; b++ {
		p.Requant16.rows(out[b*p.OutC:(b+1)*p.OutC], in[b*p.Depth:(b+1)*p.Depth], p.Weights, p.Bias)
	}
}
