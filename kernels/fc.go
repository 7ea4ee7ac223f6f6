package kernels

import (
	"errors"
	"fmt"
)

// FullyConnectedInt8Params is a prepared int8 FULLY_CONNECTED: TFLite's
// reference kernel with the input zero point folded into the bias and
// symmetric (zero point 0) weights:
//
//	for b := range Batches {
//		for oc := range OutC {
//			acc := int32(0)
//			for d := range Depth {
//				acc += int32(w[oc][d]) * (int32(in[b][d]) - InZero)
//			}
//			out[b][oc] = requantize(acc + bias[oc])
//		}
//	}
//
// computed as Σx·w + Bias[oc] with Bias = FoldBias(bias, w, Depth, InZero).
type FullyConnectedInt8Params struct {
	Batches int
	Depth   int     // input values per batch (the weights' row length)
	OutC    int     // output channels
	Weights []int8  // [OutC][Depth] (extra rows are ignored)
	Bias    []int32 // folded bias, len OutC
	Requant

	laneChunk int         // taps the generic kernel sums per lane split, set by Check
	packed    *gemmPacked // weights packed for a SIMD core by Check (gemm.go), or nil
	lanes     *laneRows   // one batch on the generic kernel: weights lane-packed by Check, or nil
}

// Check validates the parameters against each other and precomputes what
// the kernel needs from them (on arm64, the weights packed for the SIMD
// core, gemm.go); call it again after changing them.
func (p *FullyConnectedInt8Params) Check() error {
	p.packed = nil
	if p.Batches <= 0 || p.Depth <= 0 || p.OutC <= 0 {
		return fmt.Errorf("kernels: fully connected dimensions must be positive: %d×%d→%d", p.Batches, p.Depth, p.OutC)
	}
	if p.Depth > maxDot {
		return fmt.Errorf("kernels: fully connected depth %d is too large", p.Depth)
	}
	if len(p.Weights) < p.OutC*p.Depth || len(p.Bias) != p.OutC {
		return errors.New("kernels: weights or bias have the wrong length")
	}
	p.laneChunk = laneChunkFor(p.Weights[:p.OutC*p.Depth])
	p.lanes = fcLaneRows(p)
	if err := p.Requant.Prepare(p.OutC); err != nil {
		return err
	}
	p.pack()
	return nil
}

// FullyConnectedInt8ScratchSize returns the scratch bytes
// FullyConnectedInt8 needs.
func FullyConnectedInt8ScratchSize(p *FullyConnectedInt8Params) int {
	switch {
	case p.packed != nil:
		return fcInt8PackedScratch(p, p.packed)
	}
	return fcInt8GenericScratch(p)
}

// FullyConnectedInt8 runs a prepared int8 fully connected layer: in holds
// Batches rows of Depth values, out Batches rows of OutC. It does not
// allocate.
func FullyConnectedInt8(p *FullyConnectedInt8Params, in, out []int8, scratch []byte) {
	p.Requant.ensure()
	switch {
	case p.packed != nil:
		fcInt8Packed(p, p.packed, in, out, scratch)
	default:
		fcInt8Generic(p, in, out, scratch)
	}
}

// FullyConnectedFloatParams is a float32 FULLY_CONNECTED with TFLite's
// reference arithmetic: total = Σ in·w in order, out = clamp(total + bias).
type FullyConnectedFloatParams struct {
	Batches, Depth, OutC int
	Weights              []float32 // [OutC][Depth]
	Bias                 []float32 // len OutC, or nil
	Min, Max             float32
}

// Check validates the parameters against each other.
func (p *FullyConnectedFloatParams) Check() error {
	if p.Batches <= 0 || p.Depth <= 0 || p.OutC <= 0 {
		return fmt.Errorf("kernels: fully connected dimensions must be positive: %d×%d→%d", p.Batches, p.Depth, p.OutC)
	}
	if len(p.Weights) < p.OutC*p.Depth || (p.Bias != nil && len(p.Bias) != p.OutC) {
		return errors.New("kernels: weights or bias have the wrong length")
	}
	return nil
}

// FullyConnectedFloat runs a float32 fully connected layer. It needs no
// scratch and does not allocate.
func FullyConnectedFloat(p *FullyConnectedFloatParams, in, out []float32) {
	fcFloatGeneric(p, in, out)
}

func fcInt8GenericScratch(p *FullyConnectedInt8Params) int {
	if p.Batches == 1 {
		return 0 // requantized as it goes, four channels at a time
	}
	c := p.asConv()
	return convInt8GenericScratch(&c)
}

// asConv views a batched fully connected layer as a 1×1 convolution over
// Batches pixels.
func (p *FullyConnectedInt8Params) asConv() ConvInt8Params {
	return ConvInt8Params{
		ConvGeom: ConvGeom{
			Batches: p.Batches, InH: 1, InW: 1, InC: p.Depth, OutH: 1, OutW: 1, OutC: p.OutC,
			KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
		},
		FilterInC: p.Depth,
		Weights:   p.Weights[:p.OutC*p.Depth],
		Bias:      p.Bias,
		Requant:   p.Requant,
		laneChunk: p.laneChunk,
	}
}

func fcInt8Generic(p *FullyConnectedInt8Params, in, out []int8, scratch []byte) {
	if p.Batches > 1 {
		// Pairs of batches share the multiplies, as convolution pixels do.
		c := p.asConv()
		convInt8Generic(&c, in, out, scratch)
		return
	}
	k, oc := p.Depth, p.OutC
	x := in[:k]
	w := p.Weights
	r := &p.Requant
	r.ensure()
	zp, lo, hi := r.ZeroPoint, r.Min, r.Max
	out = out[:oc]
	bias := p.Bias[:oc]
	ch := r.ch[:oc]
	if lr := p.lanes; lr != nil {
		var sums [fcLaneBlock * tileRows]int32
		tiles := lr.tiles()
		for t := 0; t < tiles; t += fcLaneBlock {
			nt := min(fcLaneBlock, tiles-t)
			lr.mulVec(sums[:nt*tileRows], x, t)
			c := t * tileRows
			n := min(nt*tileRows, oc-c)
			r.rowInt8(out[c:c+n], sums[:n], bias[c:c+n], c)
		}
		return
	}
	c := 0
	for ; c+4 <= oc; c += 4 {
		a0, a1, a2, a3 := dotRows4(x,
			w[c*k:(c+1)*k], w[(c+1)*k:(c+2)*k], w[(c+2)*k:(c+3)*k], w[(c+3)*k:(c+4)*k])
		out[c] = ch[c].out8(a0+bias[c], zp, lo, hi)
		out[c+1] = ch[c+1].out8(a1+bias[c+1], zp, lo, hi)
		out[c+2] = ch[c+2].out8(a2+bias[c+2], zp, lo, hi)
		out[c+3] = ch[c+3].out8(a3+bias[c+3], zp, lo, hi)
	}
	for ; c < oc; c++ {
		out[c] = ch[c].out8(dotRows1(x, w[c*k:(c+1)*k])+bias[c], zp, lo, hi)
	}
}

func fcFloatGeneric(p *FullyConnectedFloatParams, in, out []float32) {
	k, oc := p.Depth, p.OutC
	w := p.Weights[:oc*k]
	b := 0
	for ; b+2 <= p.Batches; b += 2 {
		xa, xb := in[b*k:(b+1)*k], in[(b+1)*k:(b+2)*k]
		oa, ob := out[b*oc:(b+1)*oc], out[(b+1)*oc:(b+2)*oc]
		c := 0
		for ; c+2 <= oc; c += 2 {
			a0, a1, b0, b1 := dotFloat2x2w(xa, xb, w[c*k:(c+2)*k])
			p.finish2(oa[c:c+2], a0, a1, c)
			p.finish2(ob[c:c+2], b0, b1, c)
		}
		if c < oc {
			oa[c], ob[c] = p.finish(dotFloat(xa, w[c*k:(c+1)*k]), c), p.finish(dotFloat(xb, w[c*k:(c+1)*k]), c)
		}
	}
	if b < p.Batches {
		x := in[b*k : (b+1)*k]
		o := out[b*oc : (b+1)*oc]
		c := 0
		for ; c+4 <= oc; c += 4 {
			s0, s1, s2, s3 := dotFloat4(x, w[c*k:(c+4)*k])
			p.finish2(o[c:c+2], s0, s1, c)
			p.finish2(o[c+2:c+4], s2, s3, c+2)
		}
		for ; c < oc; c++ {
			o[c] = p.finish(dotFloat(x, w[c*k:(c+1)*k]), c)
		}
	}
}

// finish adds channel c's bias to a sum and clamps it.
func (p *FullyConnectedFloatParams) finish(s float32, c int) float32 {
	if p.Bias != nil {
		s += p.Bias[c]
	}
	return min(max(s, p.Min), p.Max)
}

// finish2 finishes the sums of channels c and c+1 into o[0] and o[1].
func (p *FullyConnectedFloatParams) finish2(o []float32, s0, s1 float32, c int) {
	o = o[:2]
	if p.Bias != nil {
		b := p.Bias[c : c+2]
		s0, s1 = s0+b[0], s1+b[1]
	}
	o[0], o[1] = min(max(s0, p.Min), p.Max), min(max(s1, p.Min), p.Max)
}

// dotFloat4 returns the dot products of x with the four weight rows of w
// (rows of len(x)), each accumulated in order.
//
//go:noinline
func dotFloat4(x, w []float32) (s0, s1, s2, s3 float32) {
	n := len(x)
	w = w[:4*n]
	w0, w1, w2, w3 := w[:n], w[n:][:n], w[2*n:][:n], w[3*n:][:n]
	for i, v := range x {
		s0 += float32(v * w0[i])
		s1 += float32(v * w1[i])
		s2 += float32(v * w2[i])
		s3 += float32(v * w3[i])
	}
	return
}

// fcLaneBlock is the number of lane tiles the one-batch kernel multiplies
// into its stack buffer at a time.
const fcLaneBlock = 8

// fcLaneRows returns the lane-packed weights of a one-batch layer that runs
// on the generic kernel (no SIMD core packs it), else nil.
func fcLaneRows(p *FullyConnectedInt8Params) *laneRows {
	w := p.Weights[:p.OutC*p.Depth]
	if p.Batches != 1 || gemmKindFor(w) != gemmNone {
		return nil
	}
	return newLaneRows(w, p.OutC, p.Depth)
}
