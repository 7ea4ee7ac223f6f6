package kernels

import (
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// Hybrid kernels run a layer with float32 activations and int8 weights, as
// TFLite's dynamic-range ("hybrid") models do: each input row (batch) is
// quantized to int8 at run time with its own scale, the layer's dot
// products are int8×int8→int32, and the result is scaled back to float:
//
//	out = clamp(float32(Σ (x_q − offset)·w_q) · inputScale · weightScale[c] + bias[c])
//
// The float arithmetic follows TFLite's portable reference kernels
// (tensor_utils::SymmetricQuantizeFloats / AsymmetricQuantizeFloats,
// MatrixBatchVectorMultiplyAccumulate, reference HybridConvPerChannel and
// DepthwiseConvHybridPerChannel), so outputs agree with TFLite's to float
// rounding.

// SymmetricQuantizeFloats quantizes x into q (len(q) >= len(x)) with zero
// point 0, as TFLite's SymmetricQuantizeFloats: scale = max|x|/127,
// q = round(x·(127/max|x|)) (ties away from zero) clamped to [-127, 127].
// An all-zero x gives scale 1 and zeros.
func SymmetricQuantizeFloats(x []float32, q []int8) (scale float32) {
	lo, hi := minMax(x)
	rng := max(abs32(lo), abs32(hi))
	if rng == 0 {
		clear(q[:len(x)])
		return 1
	}
	inv := 127 / rng
	for i, v := range x {
		r := int32(math.Round(float64(v * inv)))
		q[i] = int8(min(max(r, -127), 127))
	}
	return rng / 127
}

// AsymmetricQuantizeFloats quantizes x into q with a zero point (offset),
// as TFLite's AsymmetricQuantizeFloats: the range [min(x,0), max(x,0)] is
// spread over [-128, 127] in float64, the zero point is taken from whichever
// end gives the smaller error and nudged onto the grid, and
// q = round(offset + x·(1/scale)) clamped. A range of zero gives scale 1,
// offset 0 and zeros.
func AsymmetricQuantizeFloats(x []float32, q []int8) (scale float32, offset int32) {
	const qmin, qmax = -128.0, 127.0
	lo, hi := minMax(x)
	rmin, rmax := float64(min(lo, 0)), float64(max(hi, 0))
	if rmin == rmax {
		clear(q[:len(x)])
		return 1, 0
	}
	s := (rmax - rmin) / (qmax - qmin)
	fromMin, fromMax := qmin-rmin/s, qmax-rmax/s
	errMin := math.Abs(qmin) + math.Abs(rmin/s)
	errMax := math.Abs(qmax) + math.Abs(rmax/s)
	zp := fromMax
	if errMin < errMax {
		zp = fromMin
	}
	switch {
	case zp <= qmin:
		offset = qmin
	case zp >= qmax:
		offset = qmax
	default:
		offset = int32(math.Round(zp))
	}
	scale = float32(s)
	inv := float32(1.0 / float64(scale))
	off := float32(offset)
	for i, v := range x {
		r := int32(math.Round(float64(off + v*inv)))
		q[i] = int8(min(max(r, -128), 127))
	}
	return scale, offset
}

func minMax(x []float32) (lo, hi float32) {
	if len(x) == 0 {
		return 0, 0
	}
	lo, hi = x[0], x[0]
	for _, v := range x[1:] {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// RowSums returns Σ w over each of the n rows of k weights, which hybrid
// kernels subtract (times the input offset) for asymmetric inputs.
func RowSums(w []int8, n, k int) []int32 {
	out := make([]int32, n)
	for r := range out {
		var s int32
		for _, v := range w[r*k : (r+1)*k] {
			s += int32(v)
		}
		out[r] = s
	}
	return out
}

// channelScale returns weight scale c (scales is per tensor or per channel).
func channelScale(scales []float32, c int) float32 {
	if len(scales) == 1 {
		return scales[0]
	}
	return scales[c]
}

// HybridFCParams is a FULLY_CONNECTED with float input and output and
// symmetric int8 weights (TFLite's EvalHybrid for fully connected):
//
//	for b := range Batches {
//		s, off := quantize(in[b])          // symmetric (off = 0) or asymmetric
//		for c := range OutC {
//			acc := Σ_d int32(w[c][d])·int32(x_q[d]) − RowSums[c]·off
//			out[b][c] = clamp(bias[c] + float32(acc)·(s·Scales[c]))
//		}
//	}
type HybridFCParams struct {
	Batches, Depth, OutC int
	Weights              []int8    // [OutC][Depth]
	Scales               []float32 // weight scales: one, or one per output channel
	Bias                 []float32 // len OutC, or nil
	Asymmetric           bool      // quantize inputs with an offset (asymmetric_quantize_inputs)
	RowSums              []int32   // RowSums(Weights, OutC, Depth); needed when Asymmetric
	Min, Max             float32   // fused activation clamp

	// lanes are the weights lane-packed for a single batch (lanerows.go),
	// set by Check.
	lanes *laneRows
}

// Check validates the parameters against each other.
func (p *HybridFCParams) Check() error {
	if p.Batches <= 0 || p.Depth <= 0 || p.OutC <= 0 {
		return fmt.Errorf("kernels: hybrid fully connected dimensions must be positive: %d×%d→%d", p.Batches, p.Depth, p.OutC)
	}
	if p.Depth > maxDot {
		return fmt.Errorf("kernels: hybrid fully connected depth %d is too large", p.Depth)
	}
	if len(p.Weights) < p.OutC*p.Depth || (p.Bias != nil && len(p.Bias) != p.OutC) {
		return errors.New("kernels: hybrid fully connected weights or bias have the wrong length")
	}
	if len(p.Scales) != 1 && len(p.Scales) != p.OutC {
		return fmt.Errorf("kernels: %d weight scales for %d output channels", len(p.Scales), p.OutC)
	}
	if p.Asymmetric && len(p.RowSums) != p.OutC {
		return errors.New("kernels: asymmetric hybrid fully connected needs the weight row sums")
	}
	p.lanes = nil
	if p.Batches == 1 {
		p.lanes = newLaneRows(p.Weights, p.OutC, p.Depth)
	}
	return nil
}

// HybridFCScratchSize returns the scratch bytes HybridFC needs: one
// quantized input row and its accumulators (whole lane tiles of them).
func HybridFCScratchSize(p *HybridFCParams) int {
	accs := p.OutC
	if p.lanes != nil {
		accs = max(accs, p.lanes.paddedRows())
	}
	return p.Depth + carveSize[int32](accs)
}

// HybridFC runs a hybrid fully connected layer prepared by Check on
// Batches rows of Depth floats. It does not allocate.
func HybridFC(p *HybridFCParams, in, out []float32, scratch []byte) {
	xq := hybridInt8s(scratch[:p.Depth])
	rest := scratch[p.Depth:]
	padded := p.OutC
	if p.lanes != nil {
		padded = max(padded, p.lanes.paddedRows())
	}
	sums := carve[int32](&rest, padded)
	accs := sums[:p.OutC]
	for b := 0; b < p.Batches; b++ {
		x := in[b*p.Depth : (b+1)*p.Depth]
		var s float32
		var off int32
		if p.Asymmetric {
			s, off = AsymmetricQuantizeFloats(x, xq)
		} else {
			s = SymmetricQuantizeFloats(x, xq)
		}
		o := out[b*p.OutC : (b+1)*p.OutC]
		if p.lanes != nil {
			p.lanes.mulVec(sums, xq, 0)
		} else {
			hybridDotRows(accs, xq, p.Weights, p.Depth)
		}
		for c, acc := range accs {
			var scale float32
			if len(p.Scales) == 1 {
				scale = s * p.Scales[0] // TFLite folds the filter scale into the batch factor
			} else {
				scale = s
				scale *= p.Scales[c]
			}
			if p.Asymmetric {
				acc = int32(float32(acc) - float32(float32(p.RowSums[c])*float32(off)))
			}
			v := float32(0)
			if p.Bias != nil {
				v = p.Bias[c]
			}
			v += float32(float32(acc) * scale) // conversion: no fused multiply-add, same result on every CPU
			o[c] = min(max(v, p.Min), p.Max)
		}
	}
}

// HybridConvParams is a CONV_2D with float input and output and symmetric
// int8 weights. Each batch image is quantized as a whole; with per-channel
// weight scales (Asymmetric, as TFLite's EvalHybridPerChannel) it gets an
// offset, with one scale it is symmetric (EvalHybrid). Then:
//
//	acc := Σ_{ky,kx,ic inside the input} int32(w[oc][ky][kx][ic])·(int32(x_q[iy][ix][ic]) − off)
//	out[b][y][x][oc] = clamp(float32(acc)·Scales[oc]·s + bias[oc])
//
// computed as a dot product over a gathered patch in which taps outside
// the input read off (so they add 0), minus off·RowSums[oc].
type HybridConvParams struct {
	ConvGeom
	Weights    []int8    // [OutC][KH][KW][InC]
	Scales     []float32 // weight scales: one, or one per output channel
	Bias       []float32 // len OutC, or nil
	Asymmetric bool
	RowSums    []int32 // RowSums(Weights, OutC, KH*KW*InC)
	Min, Max   float32

	// image is one batch image of the layer as an int8 convolution with
	// the generic kernel's lane-packed gather (conv_generic.go), set by
	// Check; its InZero is the offset of the image being run.
	image ConvInt8Params
}

// Check validates the parameters against each other.
func (p *HybridConvParams) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	k := p.KH * p.KW * p.InC
	if k > maxDot {
		return fmt.Errorf("kernels: filter of %d taps is too large", k)
	}
	if len(p.Weights) != p.OutC*k || (p.Bias != nil && len(p.Bias) != p.OutC) || len(p.RowSums) != p.OutC {
		return errors.New("kernels: hybrid convolution weights, bias or row sums have the wrong length")
	}
	if len(p.Scales) != 1 && len(p.Scales) != p.OutC {
		return fmt.Errorf("kernels: %d weight scales for %d output channels", len(p.Scales), p.OutC)
	}
	p.image = ConvInt8Params{ConvGeom: p.ConvGeom, FilterInC: p.InC, Weights: p.Weights, laneChunk: laneChunkFor(p.Weights)}
	p.image.Batches = 1
	p.image.tapOffsets = narrowTapOffsets(&p.image.ConvGeom, p.InC)
	return nil
}

// hybridConvTriples is how many pixel triples HybridConv packs at a time.
func (p *HybridConvParams) hybridConvTriples() int { return convTileTriples(p.KH * p.KW * p.InC) }

// HybridConvScratchSize returns the scratch bytes HybridConv needs: one
// quantized input image, a tile of lane-packed patches with its padding
// row, and the tile's accumulators.
func HybridConvScratchSize(p *HybridConvParams) int {
	triples := p.hybridConvTriples()
	k := p.KH * p.KW * p.InC
	return p.InH*p.InW*p.InC + carveSize[int64](triples*k) + p.KW*p.InC + carveSize[int32](3*triples*p.OutC)
}

// HybridConv runs a hybrid convolution prepared by Check. It does not
// allocate.
//
// Each image is quantized once; its patches are then packed three output
// pixels to an int64 (as the generic int8 convolution packs them, taps
// outside the image reading the offset) and multiplied by the int8 weight
// rows, so the accumulators are the integers of the definition above.
func HybridConv(p *HybridConvParams, in, out []float32, scratch []byte) {
	img := p.InH * p.InW * p.InC
	k := p.KH * p.KW * p.InC
	triples := p.hybridConvTriples()
	xq := hybridInt8s(scratch[:img])
	rest := scratch[img:]
	xp := carve[int64](&rest, triples*k)
	zrow := carve[int8](&rest, p.KW*p.InC)
	accs := carve[int32](&rest, 3*triples*p.OutC)
	npix := p.OutH * p.OutW
	chunk := chunkOr(p.image.laneChunk)
	for b := 0; b < p.Batches; b++ {
		x := in[b*img : (b+1)*img]
		var s float32
		var off int32
		if p.Asymmetric {
			s, off = AsymmetricQuantizeFloats(x, xq)
		} else {
			s = SymmetricQuantizeFloats(x, xq)
		}
		for i := range zrow {
			zrow[i] = int8(off)
		}
		outImg := out[b*npix*p.OutC : (b+1)*npix*p.OutC]
		for p0 := 0; p0 < npix; p0 += 3 * triples {
			n := min(3*triples, npix-p0) // pixels in this tile
			nt := (n + 2) / 3
			for j := range nt {
				q := p0 + 3*j
				p.image.gatherTriple(xp[j*k:(j+1)*k], xq, zrow, q, min(3, p0+n-q), 0)
			}
			acc := accs[:n*p.OutC]
			laneAccumulate(acc, p.OutC, xp[:nt*k], k, chunk, p.Weights)
			for i := range n {
				a := acc[i*p.OutC : (i+1)*p.OutC]
				o := outImg[(p0+i)*p.OutC:][:p.OutC]
				for oc, v := range a {
					v -= off * p.RowSums[oc]
					var f float32
					if p.Asymmetric {
						f = float32(float32(v) * channelScale(p.Scales, oc) * s) // conversion: no fused multiply-add
					} else {
						f = float32(float32(v) * (s * channelScale(p.Scales, oc)))
					}
					if p.Bias != nil {
						f += p.Bias[oc]
					}
					o[oc] = min(max(f, p.Min), p.Max)
				}
			}
		}
	}
}

// laneAccumulate sets acc[i*outC+c] to the dot product of pixel i's patch
// with weight row c, for the len(acc)/outC pixels whose patches xp holds
// lane-packed three to a triple of k taps; lanes are split every chunk taps.
// Four rows at a time stream past all the tile's triples.
func laneAccumulate(acc []int32, outC int, xp []int64, k, chunk int, w []int8) {
	n := len(acc) / outC
	nt := len(xp) / k
	var lane [3][4]int32 // pixel, channel
	store := func(j, c, width int) {
		for i := range min(3, n-3*j) {
			copy(acc[(3*j+i)*outC+c:][:width], lane[i][:width])
		}
	}
	c := 0
	for ; c+4 <= outC; c += 4 {
		w0, w1, w2, w3 := w[c*k:(c+1)*k], w[(c+1)*k:(c+2)*k], w[(c+2)*k:(c+3)*k], w[(c+3)*k:(c+4)*k]
		for j := range nt {
			x := xp[j*k : (j+1)*k]
			lane = [3][4]int32{}
			for t := 0; t < k; t += chunk {
				u := min(t+chunk, k)
				sums := [4]int64{}
				sums[0], sums[1], sums[2], sums[3] = dotLanes4(x[t:u], w0[t:u], w1[t:u], w2[t:u], w3[t:u])
				for ch, sum := range sums {
					a, b, c := lanes3(sum)
					lane[0][ch] += a
					lane[1][ch] += b
					lane[2][ch] += c
				}
			}
			store(j, c, 4)
		}
	}
	for ; c < outC; c++ {
		w0 := w[c*k : (c+1)*k]
		for j := range nt {
			x := xp[j*k : (j+1)*k]
			lane = [3][4]int32{}
			for t := 0; t < k; t += chunk {
				u := min(t+chunk, k)
				a, b, c := lanes3(dotLanes1(x[t:u], w0[t:u]))
				lane[0][0] += a
				lane[1][0] += b
				lane[2][0] += c
			}
			store(j, c, 1)
		}
	}
}

// HybridDepthwiseParams is a DEPTHWISE_CONV_2D with float input and output
// and symmetric int8 weights (TFLite's EvalHybridPerChannel for depthwise):
// each batch image is quantized asymmetrically (scale s, offset off), then
// for output channel oc = ic·DepthMul + m
//
//	acc := Σ_{ky,kx inside the input} int32(w[ky][kx][oc])·(int32(x_q[iy][ix][ic]) − off)
//	out[b][y][x][oc] = clamp(float32(acc)·(Scales[oc]·s) + bias[oc])
type HybridDepthwiseParams struct {
	ConvGeom           // OutC == InC*DepthMul
	DepthMul int       // depth multiplier
	Weights  []int8    // [KH][KW][OutC]
	Scales   []float32 // weight scales: one, or one per output channel
	Bias     []float32 // len OutC, or nil
	Min, Max float32

	// integral is the layer as a float depthwise convolution of the
	// integers w and x_q − off, set by Check when its sums are exact in
	// float32 (see HybridDepthwise); nil otherwise.
	integral *DepthwiseFloatParams
}

// hybridExactTaps is the most taps whose products int8 w · (x_q − off),
// each at most 128·255 in magnitude, sum to an integer below 2^24, which
// float32 holds exactly at every step.
const hybridExactTaps = (1 << 24) / (128 * 255)

// Check validates the parameters against each other.
func (p *HybridDepthwiseParams) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	if p.DepthMul <= 0 || p.OutC != p.InC*p.DepthMul {
		return fmt.Errorf("kernels: %d output channels are not %d input channels times depth multiplier %d", p.OutC, p.InC, p.DepthMul)
	}
	if p.KH*p.KW > maxDot {
		return errors.New("kernels: depthwise window too large")
	}
	if len(p.Weights) != p.KH*p.KW*p.OutC || (p.Bias != nil && len(p.Bias) != p.OutC) {
		return errors.New("kernels: hybrid depthwise weights or bias have the wrong length")
	}
	if len(p.Scales) != 1 && len(p.Scales) != p.OutC {
		return fmt.Errorf("kernels: %d weight scales for %d output channels", len(p.Scales), p.OutC)
	}
	p.integral = nil
	if p.KH*p.KW <= hybridExactTaps {
		w := make([]float32, len(p.Weights))
		for i, v := range p.Weights {
			w[i] = float32(v)
		}
		f := &DepthwiseFloatParams{ConvGeom: p.ConvGeom, DepthMul: p.DepthMul, Weights: w, Min: float32(math.Inf(-1)), Max: float32(math.Inf(1))}
		f.Batches = 1
		if err := f.Check(); err != nil {
			return err
		}
		p.integral = f
	}
	return nil
}

// HybridDepthwiseScratchSize returns the scratch bytes HybridDepthwise
// needs: one quantized input image, and either that image as float32 with
// the float kernel's scratch, or one row of accumulators.
func HybridDepthwiseScratchSize(p *HybridDepthwiseParams) int {
	img := p.InH * p.InW * p.InC
	if p.integral != nil {
		return img + carveSize[float32](img) + DepthwiseFloatScratchSize(p.integral)
	}
	return img + carveSize[int32](p.OutC)
}

// HybridDepthwise runs a hybrid depthwise convolution prepared by Check. It
// does not allocate.
//
// With few enough taps (hybridExactTaps), every partial sum of
// w·(x_q − off) is an integer float32 holds exactly, in any order, so the
// float depthwise kernel run on the integers w and x_q − off (taps outside
// the image read 0, as x_q = off would) computes acc itself, fast; only
// the scaling is left.
func HybridDepthwise(p *HybridDepthwiseParams, in, out []float32, scratch []byte) {
	img := p.InH * p.InW * p.InC
	xq := hybridInt8s(scratch[:img])
	rest := scratch[img:]
	if f := p.integral; f != nil {
		xf := carve[float32](&rest, img)
		opix := p.OutH * p.OutW
		for b := 0; b < p.Batches; b++ {
			s, off := AsymmetricQuantizeFloats(in[b*img:(b+1)*img], xq)
			for i, v := range xq[:img] {
				xf[i] = float32(int32(v) - off)
			}
			o := out[b*opix*p.OutC : (b+1)*opix*p.OutC]
			DepthwiseFloat(f, xf, o, rest)
			for px := range opix {
				row := o[px*p.OutC : (px+1)*p.OutC]
				for oc, a := range row {
					v := float32(a * (channelScale(p.Scales, oc) * s)) // conversion: no fused multiply-add
					if p.Bias != nil {
						v += p.Bias[oc]
					}
					row[oc] = min(max(v, p.Min), p.Max)
				}
			}
		}
		return
	}
	acc := carve[int32](&rest, p.OutC)
	for b := 0; b < p.Batches; b++ {
		s, off := AsymmetricQuantizeFloats(in[b*img:(b+1)*img], xq)
		for y := 0; y < p.OutH; y++ {
			for x := 0; x < p.OutW; x++ {
				clear(acc)
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
						src := xq[(iy*p.InW+ix)*p.InC:][:p.InC]
						w := p.Weights[(ky*p.KW+kx)*p.OutC:][:p.OutC]
						if p.DepthMul == 1 {
							w = w[:len(src)]
							a := acc[:len(src)]
							for ic, v := range src {
								a[ic] += int32(w[ic]) * (int32(v) - off)
							}
							continue
						}
						for ic, v := range src {
							d := int32(v) - off
							for m := 0; m < p.DepthMul; m++ {
								oc := ic*p.DepthMul + m
								acc[oc] += int32(w[oc]) * d
							}
						}
					}
				}
				o := out[((b*p.OutH+y)*p.OutW+x)*p.OutC:][:p.OutC]
				for oc, a := range acc {
					v := float32(float32(a) * (channelScale(p.Scales, oc) * s)) // conversion: no fused multiply-add
					if p.Bias != nil {
						v += p.Bias[oc]
					}
					o[oc] = min(max(v, p.Min), p.Max)
				}
			}
		}
	}
}

// hybridDotRows sets acc[c] = Σ_i x[i]·w[c·k+i] for every output channel
// c, four channels at a time with the int8 core the integer kernels use.
func hybridDotRows(acc []int32, x, w []int8, k int) {
	c := 0
	for ; c+4 <= len(acc); c += 4 {
		acc[c], acc[c+1], acc[c+2], acc[c+3] = dotRows4(x,
			w[c*k:(c+1)*k], w[(c+1)*k:(c+2)*k], w[(c+2)*k:(c+3)*k], w[(c+3)*k:(c+4)*k])
	}
	for ; c < len(acc); c++ {
		acc[c] = dotRows1(x, w[c*k:(c+1)*k])
	}
}

// hybridInt8s views b as int8 values without copying.
func hybridInt8s(b []byte) []int8 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&b[0])), len(b))
}
