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

// Conv16x8 runs a 16x8 convolution. It needs no scratch and does not
// allocate.
func Conv16x8(p *Conv16x8Params, in, out []int16) {
	k := p.KH * p.KW * p.InC
	for b := 0; b < p.Batches; b++ {
		img := in[b*p.InH*p.InW*p.InC:]
		for y := 0; y < p.OutH; y++ {
			for x := 0; x < p.OutW; x++ {
				o := out[((b*p.OutH+y)*p.OutW+x)*p.OutC:][:p.OutC]
				for oc := range o {
					w := p.Weights[oc*k : (oc+1)*k]
					var acc int64
					for ky := 0; ky < p.KH; ky++ {
						iy := y*p.StrideH - p.PadH + ky*p.DilationH
						if iy < 0 || iy >= p.InH {
							continue
						}
						for kx := 0; kx < p.KW; kx++ {
							ix := x*p.StrideW - p.PadW + kx*p.DilationW
							if ix < 0 || ix >= p.InW {
								continue
							}
							src := img[(iy*p.InW+ix)*p.InC:][:p.InC]
							wt := w[(ky*p.KW+kx)*p.InC:][:p.InC]
							for ic, v := range src {
								acc += int64(wt[ic]) * int64(v)
							}
						}
					}
					if p.Bias != nil {
						acc += p.Bias[oc]
					}
					o[oc] = p.apply(acc, oc)
				}
			}
		}
	}
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

// Depthwise16x8 runs a 16x8 depthwise convolution. It needs no scratch and
// does not allocate.
func Depthwise16x8(p *Depthwise16x8Params, in, out []int16) {
	for b := 0; b < p.Batches; b++ {
		img := in[b*p.InH*p.InW*p.InC:]
		for y := 0; y < p.OutH; y++ {
			for x := 0; x < p.OutW; x++ {
				o := out[((b*p.OutH+y)*p.OutW+x)*p.OutC:][:p.OutC]
				for oc := range o {
					ic := oc / p.DepthMul
					var acc int64
					for ky := 0; ky < p.KH; ky++ {
						iy := y*p.StrideH - p.PadH + ky*p.DilationH
						if iy < 0 || iy >= p.InH {
							continue
						}
						for kx := 0; kx < p.KW; kx++ {
							ix := x*p.StrideW - p.PadW + kx*p.DilationW
							if ix < 0 || ix >= p.InW {
								continue
							}
							acc += int64(p.Weights[(ky*p.KW+kx)*p.OutC+oc]) * int64(img[(iy*p.InW+ix)*p.InC+ic])
						}
					}
					if p.Bias != nil {
						acc += p.Bias[oc]
					}
					o[oc] = p.apply(acc, oc)
				}
			}
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
		x := in[b*p.Depth : (b+1)*p.Depth]
		o := out[b*p.OutC : (b+1)*p.OutC]
		for oc := range o {
			w := p.Weights[oc*p.Depth : (oc+1)*p.Depth]
			var acc int64
			for d, v := range x {
				acc += int64(w[d]) * int64(v)
			}
			if p.Bias != nil {
				acc += p.Bias[oc]
			}
			o[oc] = p.apply(acc, oc)
		}
	}
}
