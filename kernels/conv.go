package kernels

import (
	"errors"
	"fmt"
	"unsafe"
)

// ConvGeom is the geometry of a 2-D window (convolution, depthwise
// convolution or pooling) over NHWC tensors, with TFLite's conventions:
// PadH and PadW are the implicit rows and columns before the input, window
// taps that fall outside the input are skipped, and output pixel (y, x)
// reads input rows y*StrideH-PadH+ky*DilationH for ky in [0, KH).
type ConvGeom struct {
	Batches              int
	InH, InW, InC        int
	OutH, OutW, OutC     int
	KH, KW               int // window height and width
	StrideH, StrideW     int
	DilationH, DilationW int
	PadH, PadW           int
}

// WindowOutput returns the output size and the leading padding of one
// spatial dimension, as TFLite computes them (ComputeOutSize and
// ComputePaddingWithOffset): SAME gives ceil(in/stride) outputs and VALID
// the outputs whose window fits the input. out is 0 or less when no output
// fits.
func WindowOutput(same bool, in, filter, stride, dilation int) (out, pad int) {
	if stride <= 0 || dilation <= 0 || filter <= 0 || in <= 0 {
		return 0, 0
	}
	eff := (filter-1)*dilation + 1
	if same {
		out = (in + stride - 1) / stride
	} else {
		out = (in + stride - eff) / stride
	}
	total := (out-1)*stride + eff - in
	return out, max(total, 0) / 2
}

// maxDot is the largest dot-product length the int8 kernels accept: the
// int32 accumulators then cannot overflow (|x·w| <= 2^14 per tap).
const maxDot = 1<<17 - 1

func (g *ConvGeom) check() error {
	if g.Batches <= 0 || g.InH <= 0 || g.InW <= 0 || g.InC <= 0 || g.OutH <= 0 || g.OutW <= 0 || g.OutC <= 0 {
		return fmt.Errorf("kernels: dimensions must be positive: %+v", *g)
	}
	if g.KH <= 0 || g.KW <= 0 || g.StrideH <= 0 || g.StrideW <= 0 || g.DilationH <= 0 || g.DilationW <= 0 {
		return fmt.Errorf("kernels: window, strides and dilations must be positive: %+v", *g)
	}
	if g.PadH < 0 || g.PadW < 0 {
		return errors.New("kernels: negative padding")
	}
	return nil
}

func (g *ConvGeom) inSize() int  { return g.Batches * g.InH * g.InW * g.InC }
func (g *ConvGeom) outSize() int { return g.Batches * g.OutH * g.OutW * g.OutC }

// ConvInt8Params is a prepared int8 CONV_2D: TFLite's per-channel
// reference kernel with the input zero point folded into the bias.
//
// The reference loop it reproduces, for each batch b, output pixel (y, x)
// and output channel oc (groups: input channels g*FilterInC..(g+1)*FilterInC
// feed the g-th block of OutC/groups filters):
//
//	acc := int32(0)
//	for ky, kx, ic := range window, FilterInC {
//		iy, ix := y*StrideH-PadH+ky*DilationH, x*StrideW-PadW+kx*DilationW
//		if iy, ix inside the input {
//			acc += int32(w[oc][ky][kx][ic]) * (int32(in[b][iy][ix][g*FilterInC+ic]) - InZero)
//		}
//	}
//	out[b][y][x][oc] = requantize(acc + bias[oc])
//
// computed as Σx·w + Bias[oc] with Bias = bias − InZero·Σw (see FoldBias),
// which is the same integer: taps outside the input read InZero.
type ConvInt8Params struct {
	ConvGeom
	FilterInC int     // input channels per group (InC for an ordinary convolution)
	Weights   []int8  // [OutC][KH][KW][FilterInC], TFLite's layout
	Bias      []int32 // folded bias, len OutC (FoldBias)
	InZero    int32   // input zero point
	Requant

	laneChunk int         // taps the generic kernel sums per lane split, set by Check
	packed    *gemmPacked // weights packed for a SIMD core by Check (gemm.go), or nil
	// tapOffsets are the input offsets of a window's taps from its origin,
	// in patch order, for the generic gather of narrow windows (see
	// gatherTriple); set by Check, nil when the rows are wide enough.
	tapOffsets []int
}

// Check validates the parameters against each other and precomputes what
// the kernel needs from them (on arm64, the weights packed for the SIMD
// core, gemm.go); call it again after changing them.
func (p *ConvInt8Params) Check() error {
	p.packed = nil
	if err := p.check(); err != nil {
		return err
	}
	if p.FilterInC <= 0 || p.InC%p.FilterInC != 0 || p.OutC%(p.InC/p.FilterInC) != 0 {
		return fmt.Errorf("kernels: %d filter channels do not divide %d input channels into groups of %d outputs", p.FilterInC, p.InC, p.OutC)
	}
	k := p.KH * p.KW * p.FilterInC
	if k > maxDot {
		return fmt.Errorf("kernels: filter of %d taps is too large", k)
	}
	if len(p.Weights) != p.OutC*k || len(p.Bias) != p.OutC {
		return errors.New("kernels: weights or bias have the wrong length")
	}
	p.laneChunk = laneChunkFor(p.Weights)
	p.tapOffsets = narrowTapOffsets(&p.ConvGeom, p.FilterInC)
	if err := p.Requant.Prepare(p.OutC); err != nil {
		return err
	}
	p.pack()
	return nil
}

// FoldBias returns bias[c] − zeroPoint·Σ weights[c*k:(c+1)*k] for every
// channel (bias may be nil), in wrapping int32 arithmetic like the
// reference accumulator, so Σx·w + folded == Σ(x−zeroPoint)·w + bias.
func FoldBias(bias []int32, weights []int8, k int, zeroPoint int32) []int32 {
	n := len(weights) / k
	out := make([]int32, n)
	for c := range out {
		var s int32
		for _, w := range weights[c*k : (c+1)*k] {
			s += int32(w)
		}
		if bias != nil {
			out[c] = bias[c]
		}
		out[c] -= zeroPoint * s
	}
	return out
}

// ConvInt8ScratchSize returns the scratch bytes ConvInt8 needs.
func ConvInt8ScratchSize(p *ConvInt8Params) int {
	switch {
	case p.packed != nil:
		return convInt8PackedScratch(p, p.packed)
	}
	return convInt8GenericScratch(p)
}

// ConvInt8 runs a prepared int8 convolution. in and out are NHWC; scratch
// holds at least ConvInt8ScratchSize bytes. It does not allocate.
func ConvInt8(p *ConvInt8Params, in, out []int8, scratch []byte) {
	p.Requant.ensure()
	switch {
	case p.packed != nil:
		convInt8Packed(p, p.packed, in, out, scratch)
	default:
		convInt8Generic(p, in, out, scratch)
	}
}

// ConvFloatParams is a float32 CONV_2D, TFLite's reference arithmetic:
// total = Σ in·w over the taps inside the input (in order ky, kx, ic),
// then out = clamp(total + bias, Min, Max).
type ConvFloatParams struct {
	ConvGeom
	FilterInC int
	Weights   []float32 // [OutC][KH][KW][FilterInC]
	Bias      []float32 // len OutC, or nil
	Min, Max  float32
}

// Check validates the parameters against each other.
func (p *ConvFloatParams) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	if p.FilterInC <= 0 || p.InC%p.FilterInC != 0 || p.OutC%(p.InC/p.FilterInC) != 0 {
		return fmt.Errorf("kernels: %d filter channels do not divide %d input channels into groups of %d outputs", p.FilterInC, p.InC, p.OutC)
	}
	if len(p.Weights) != p.OutC*p.KH*p.KW*p.FilterInC || (p.Bias != nil && len(p.Bias) != p.OutC) {
		return errors.New("kernels: weights or bias have the wrong length")
	}
	return nil
}

// ConvFloatScratchSize returns the scratch bytes ConvFloat needs.
func ConvFloatScratchSize(p *ConvFloatParams) int { return convFloatTiledScratch(p) }

// ConvFloat runs a float32 convolution. It does not allocate.
func ConvFloat(p *ConvFloatParams, in, out []float32, scratch []byte) {
	convFloatTiled(p, in, out, scratch)
}

// carve returns an n-element slice of T from the front of *buf, aligned
// for T, and advances *buf past it. Scratch sizes include the slack.
func carve[T any](buf *[]byte, n int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	b := *buf
	if n == 0 {
		return nil
	}
	skip := 0
	if len(b) > 0 {
		if r := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % uintptr(size)); r != 0 {
			skip = size - r
		}
	}
	b = b[skip : skip+n*size]
	*buf = (*buf)[skip+n*size:]
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// carveSize is the scratch bytes carve needs for n elements of T.
func carveSize[T any](n int) int {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if n == 0 {
		return 0
	}
	return n*size + size - 1
}

// DepthwiseInt8Params is a prepared int8 DEPTHWISE_CONV_2D: TFLite's
// per-channel reference kernel with the input zero point folded into the
// bias. Output channel oc = ic*DepthMul + m reads input channel ic only:
//
//	acc := int32(0)
//	for ky, kx := range window {
//		iy, ix := y*StrideH-PadH+ky*DilationH, x*StrideW-PadW+kx*DilationW
//		if iy, ix inside the input {
//			acc += int32(w[ky][kx][oc]) * (int32(in[b][iy][ix][ic]) - InZero)
//		}
//	}
//	out[b][y][x][oc] = requantize(acc + bias[oc])
//
// computed as Σx·w + Bias[oc] with Bias from FoldDepthwiseBias; taps outside
// the input read InZero.
type DepthwiseInt8Params struct {
	ConvGeom         // OutC == InC*DepthMul
	DepthMul int     // depth multiplier
	Weights  []int8  // [KH][KW][OutC], TFLite's layout
	Bias     []int32 // folded bias, len OutC (FoldDepthwiseBias)
	InZero   int32
	Requant

	laneChunk int       // taps the generic kernel sums per lane split, set by Check
	packed    *dwPacked // weights packed for a SIMD core by Check (dwconv.go), or nil
}

// Check validates the parameters against each other and precomputes what
// the kernel needs from them (on arm64, the weights packed for the SIMD
// core, dwconv.go); call it again after changing them.
func (p *DepthwiseInt8Params) Check() error {
	p.packed = nil
	if err := p.check(); err != nil {
		return err
	}
	if p.DepthMul <= 0 || p.OutC != p.InC*p.DepthMul {
		return fmt.Errorf("kernels: %d output channels are not %d input channels times depth multiplier %d", p.OutC, p.InC, p.DepthMul)
	}
	if p.KH*p.KW > maxDot {
		return errors.New("kernels: depthwise window too large")
	}
	if len(p.Weights) != p.KH*p.KW*p.OutC || len(p.Bias) != p.OutC {
		return errors.New("kernels: weights or bias have the wrong length")
	}
	p.laneChunk = laneChunkFor(p.Weights)
	if err := p.Requant.Prepare(p.OutC); err != nil {
		return err
	}
	p.pack()
	return nil
}

// FoldDepthwiseBias returns bias[c] − zeroPoint·Σ_taps weights[t*channels+c]
// for depthwise weights laid out [taps][channels] (bias may be nil).
func FoldDepthwiseBias(bias []int32, weights []int8, channels int, zeroPoint int32) []int32 {
	out := make([]int32, channels)
	if bias != nil {
		copy(out, bias)
	}
	for t := 0; t+channels <= len(weights); t += channels {
		for c, w := range weights[t : t+channels] {
			out[c] -= zeroPoint * int32(w)
		}
	}
	return out
}

// DepthwiseInt8ScratchSize returns the scratch bytes DepthwiseInt8 needs.
func DepthwiseInt8ScratchSize(p *DepthwiseInt8Params) int {
	switch {
	case p.packed != nil:
		return depthwiseInt8PackedScratch(p)
	}
	return depthwiseInt8GenericScratch(p)
}

// DepthwiseInt8 runs a prepared int8 depthwise convolution. It does not
// allocate.
func DepthwiseInt8(p *DepthwiseInt8Params, in, out []int8, scratch []byte) {
	p.Requant.ensure()
	switch {
	case p.packed != nil:
		depthwiseInt8Packed(p, p.packed, in, out, scratch)
	default:
		depthwiseInt8Generic(p, in, out, scratch)
	}
}

// DepthwiseFloatParams is a float32 DEPTHWISE_CONV_2D with TFLite's
// reference arithmetic (taps in order ky, kx; then bias; then clamp).
type DepthwiseFloatParams struct {
	ConvGeom
	DepthMul int
	Weights  []float32 // [KH][KW][OutC]
	Bias     []float32 // len OutC, or nil
	Min, Max float32
}

// Check validates the parameters against each other.
func (p *DepthwiseFloatParams) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	if p.DepthMul <= 0 || p.OutC != p.InC*p.DepthMul {
		return fmt.Errorf("kernels: %d output channels are not %d input channels times depth multiplier %d", p.OutC, p.InC, p.DepthMul)
	}
	if len(p.Weights) != p.KH*p.KW*p.OutC || (p.Bias != nil && len(p.Bias) != p.OutC) {
		return errors.New("kernels: weights or bias have the wrong length")
	}
	return nil
}

// DepthwiseFloatScratchSize returns the scratch bytes DepthwiseFloat needs.
func DepthwiseFloatScratchSize(p *DepthwiseFloatParams) int { return depthwiseFloatTapsScratch(p) }

// DepthwiseFloat runs a float32 depthwise convolution. It does not allocate.
func DepthwiseFloat(p *DepthwiseFloatParams, in, out []float32, scratch []byte) {
	depthwiseFloatTaps(p, in, out, scratch)
}
