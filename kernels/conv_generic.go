package kernels

// Generic (pure Go) convolution kernels.
//
// # Pair packing
//
// Go has no SIMD, and on amd64 the integer multiplier is the bottleneck of
// an int8 dot product. The generic int8 convolution therefore packs the
// patches of two output pixels into one int64 per tap, x = a + b·2^32, so
// that one 64-bit multiply by a weight w computes both products:
// w·x = w·a + w·b·2^32. Summed over a patch of K < 2^17 taps each lane
// stays within int32, so both sums are recovered exactly (pairLo, pairHi).
// Weights stay as they are in the model, rows of K int8 per output channel.

// convTileBytes bounds the packed patches of one tile of output pixels, so
// that they stay in L1 cache while every output channel's weights stream
// past them.
const convTileBytes = 16 << 10

// convTilePairs returns how many pixel pairs the int8 convolution packs at a
// time for a patch of k taps.
func convTilePairs(k int) int {
	return min(max(convTileBytes/(8*k), 1), 8)
}

func convInt8GenericScratch(p *ConvInt8Params) int {
	k := p.KH * p.KW * p.FilterInC
	pairs := convTilePairs(k)
	return carveSize[int64](pairs*k) + carveSize[int32](2*pairs*p.OutC)
}

func convInt8Generic(p *ConvInt8Params, in, out []int8, scratch []byte) {
	fic := p.FilterInC
	k := p.KH * p.KW * fic
	oc := p.OutC
	groups := p.InC / fic
	ocPerGroup := oc / groups
	pairs := convTilePairs(k)
	xp := carve[int64](&scratch, pairs*k)
	acc := carve[int32](&scratch, 2*pairs*oc)
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*oc]

	for p0 := 0; p0 < npix; p0 += 2 * pairs {
		n := min(2*pairs, npix-p0) // pixels in this tile
		np := (n + 1) / 2
		for g := range groups {
			for j := range np {
				pb := p0 + 2*j + 1
				if pb >= p0+n {
					pb = -1
				}
				p.gatherPair(xp[j*k:(j+1)*k], in, p0+2*j, pb, g*fic)
			}
			gemmPairs(acc, oc, xp[:np*k], k, p.Weights, g*ocPerGroup, (g+1)*ocPerGroup)
		}
		for i := range n {
			RequantizeRowInt8(out[(p0+i)*oc:(p0+i+1)*oc], acc[i*oc:(i+1)*oc], p.Bias, &p.Requant)
		}
	}
}

// gatherPair packs the patches of output pixels pa and pb (pb < 0: none)
// into xp, reading input channels c0..c0+FilterInC of each tap; taps
// outside the input read the input zero point.
func (p *ConvInt8Params) gatherPair(xp []int64, in []int8, pa, pb, c0 int) {
	fic := p.FilterInC
	zlo := int64(p.InZero)
	zhi := zlo << 32
	ya, xa, ba := p.origin(pa)
	yb, xb, bb := ya, xa, ba
	if pb >= 0 {
		yb, xb, bb = p.origin(pb)
	}
	t := 0
	for ky := range p.KH {
		iya := ya + ky*p.DilationH
		iyb := yb + ky*p.DilationH
		for kx := range p.KW {
			ixa := xa + kx*p.DilationW
			ixb := xb + kx*p.DilationW
			dst := xp[t : t+fic]
			t += fic
			oa, ob := -1, -1
			if uint(iya) < uint(p.InH) && uint(ixa) < uint(p.InW) {
				oa = ba + (iya*p.InW+ixa)*p.InC + c0
			}
			if pb >= 0 && uint(iyb) < uint(p.InH) && uint(ixb) < uint(p.InW) {
				ob = bb + (iyb*p.InW+ixb)*p.InC + c0
			}
			switch {
			case oa >= 0 && ob >= 0:
				a := in[oa : oa+len(dst)]
				b := in[ob : ob+len(dst)]
				for i := range dst {
					dst[i] = int64(a[i]) + int64(b[i])<<32
				}
			case oa >= 0:
				a := in[oa : oa+len(dst)]
				for i := range dst {
					dst[i] = int64(a[i]) + zhi
				}
			case ob >= 0:
				b := in[ob : ob+len(dst)]
				for i := range dst {
					dst[i] = zlo + int64(b[i])<<32
				}
			default:
				for i := range dst {
					dst[i] = zlo + zhi
				}
			}
		}
	}
}

// origin returns the top-left input coordinates of output pixel q's window
// (flattened over batch, row, column) and the offset of q's batch.
func (g *ConvGeom) origin(q int) (y, x, batchOff int) {
	plane := g.OutH * g.OutW
	b := q / plane
	r := q - b*plane
	oy := r / g.OutW
	ox := r - oy*g.OutW
	return oy*g.StrideH - g.PadH, ox*g.StrideW - g.PadW, b * g.InH * g.InW * g.InC
}

// gemmPairs computes output channels oc0..oc1 for the pixel pairs packed in
// xp (len(xp)/k pairs of k taps): the sums of pair j go to acc rows 2j and
// 2j+1 (rows of stride channels).
func gemmPairs(acc []int32, stride int, xp []int64, k int, w []int8, oc0, oc1 int) {
	np := len(xp) / k
	c := oc0
	for ; c+4 <= oc1; c += 4 {
		w0 := w[c*k : (c+1)*k]
		w1 := w[(c+1)*k : (c+2)*k]
		w2 := w[(c+2)*k : (c+3)*k]
		w3 := w[(c+3)*k : (c+4)*k]
		for j := range np {
			s0, s1, s2, s3 := dotPairs4(xp[j*k:(j+1)*k], w0, w1, w2, w3)
			ra := acc[2*j*stride+c : 2*j*stride+c+4]
			rb := acc[(2*j+1)*stride+c : (2*j+1)*stride+c+4]
			ra[0], rb[0] = pairLo(s0), pairHi(s0)
			ra[1], rb[1] = pairLo(s1), pairHi(s1)
			ra[2], rb[2] = pairLo(s2), pairHi(s2)
			ra[3], rb[3] = pairLo(s3), pairHi(s3)
		}
	}
	for ; c < oc1; c++ {
		w0 := w[c*k : (c+1)*k]
		for j := range np {
			s := dotPairs1(xp[j*k:(j+1)*k], w0)
			acc[2*j*stride+c], acc[(2*j+1)*stride+c] = pairLo(s), pairHi(s)
		}
	}
}

// pairLo and pairHi unpack the two int32 sums of a pair-packed accumulator.
func pairLo(s int64) int32 { return int32(s) }
func pairHi(s int64) int32 { return int32((s - int64(int32(s))) >> 32) }

// dotPairs4 is the int8 core: four output channels (weight rows w0..w3)
// times one pair-packed patch x.
//go:noinline
func dotPairs4(x []int64, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int64) {
	n := len(x)
	w0, w1, w2, w3 = w0[:n], w1[:n], w2[:n], w3[:n]
	for i, v := range x {
		s0 += v * int64(w0[i])
		s1 += v * int64(w1[i])
		s2 += v * int64(w2[i])
		s3 += v * int64(w3[i])
	}
	return
}

// dotPairs1 is dotPairs4 for a single output channel.
//go:noinline
func dotPairs1(x []int64, w []int8) (s int64) {
	w = w[:len(x)]
	for i, v := range x {
		s += v * int64(w[i])
	}
	return
}

// dotRows4 is the plain int8 core used where there is only one input row
// (FULLY_CONNECTED with one batch): four output channels times one row x.
//go:noinline
func dotRows4(x, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int32) {
	n := len(x)
	w0, w1, w2, w3 = w0[:n], w1[:n], w2[:n], w3[:n]
	for i, v := range x {
		xv := int32(v)
		s0 += xv * int32(w0[i])
		s1 += xv * int32(w1[i])
		s2 += xv * int32(w2[i])
		s3 += xv * int32(w3[i])
	}
	return
}

// dotRows1 is dotRows4 for a single output channel.
//go:noinline
func dotRows1(x, w []int8) (s int32) {
	w = w[:len(x)]
	for i, v := range x {
		s += int32(v) * int32(w[i])
	}
	return
}

// Float convolution: patches of a tile of pixels are gathered (taps outside
// the input read 0, which adds nothing) and each output is one dot product
// accumulated in tap order, as in TFLite's reference kernel.

func convFloatTilePixels(k int) int {
	return min(max(convTileBytes/(4*k), 2), 16) &^ 1
}

func convFloatGenericScratch(p *ConvFloatParams) int {
	k := p.KH * p.KW * p.FilterInC
	return carveSize[float32](convFloatTilePixels(k) * k)
}

func convFloatGeneric(p *ConvFloatParams, in, out []float32, scratch []byte) {
	fic := p.FilterInC
	k := p.KH * p.KW * fic
	oc := p.OutC
	groups := p.InC / fic
	ocPerGroup := oc / groups
	tile := convFloatTilePixels(k)
	xs := carve[float32](&scratch, tile*k)
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*oc]
	for p0 := 0; p0 < npix; p0 += tile {
		n := min(tile, npix-p0)
		for g := range groups {
			for i := range n {
				p.gather(xs[i*k:(i+1)*k], in, p0+i, g*fic)
			}
			for i := 0; i < n; i += 2 {
				xa := xs[i*k : (i+1)*k]
				oa := out[(p0+i)*oc : (p0+i+1)*oc]
				if i+1 == n {
					p.dotFloatRow(oa, xa, g*ocPerGroup, (g+1)*ocPerGroup)
					continue
				}
				xb := xs[(i+1)*k : (i+2)*k]
				ob := out[(p0+i+1)*oc : (p0+i+2)*oc]
				p.dotFloatRows2(oa, ob, xa, xb, g*ocPerGroup, (g+1)*ocPerGroup)
			}
		}
	}
}

func (p *ConvFloatParams) gather(dst, in []float32, q, c0 int) {
	fic := p.FilterInC
	y0, x0, boff := p.origin(q)
	t := 0
	for ky := range p.KH {
		iy := y0 + ky*p.DilationH
		for kx := range p.KW {
			ix := x0 + kx*p.DilationW
			d := dst[t : t+fic]
			t += fic
			if uint(iy) < uint(p.InH) && uint(ix) < uint(p.InW) {
				o := boff + (iy*p.InW+ix)*p.InC + c0
				copy(d, in[o:o+fic])
			} else {
				clear(d)
			}
		}
	}
}

func (p *ConvFloatParams) finish(total float32, c int) float32 {
	if p.Bias != nil {
		total += p.Bias[c]
	}
	return min(max(total, p.Min), p.Max)
}

// dotFloatRows2 computes channels oc0..oc1 of two pixels.
func (p *ConvFloatParams) dotFloatRows2(oa, ob, xa, xb []float32, oc0, oc1 int) {
	k := len(xa)
	w := p.Weights
	c := oc0
	for ; c+2 <= oc1; c += 2 {
		a0, a1, b0, b1 := dotFloat2x2(xa, xb, w[c*k:(c+1)*k], w[(c+1)*k:(c+2)*k])
		oa[c], oa[c+1] = p.finish(a0, c), p.finish(a1, c+1)
		ob[c], ob[c+1] = p.finish(b0, c), p.finish(b1, c+1)
	}
	if c < oc1 {
		a := dotFloat(xa, w[c*k:(c+1)*k])
		b := dotFloat(xb, w[c*k:(c+1)*k])
		oa[c], ob[c] = p.finish(a, c), p.finish(b, c)
	}
}

func (p *ConvFloatParams) dotFloatRow(o, x []float32, oc0, oc1 int) {
	k := len(x)
	for c := oc0; c < oc1; c++ {
		o[c] = p.finish(dotFloat(x, p.Weights[c*k:(c+1)*k]), c)
	}
}

// dotFloat2x2 returns the dot products of rows xa, xb with w0, w1, each
// accumulated in order.
//go:noinline
func dotFloat2x2(xa, xb, w0, w1 []float32) (a0, a1, b0, b1 float32) {
	n := len(xa)
	xb, w0, w1 = xb[:n], w0[:n], w1[:n]
	for i, u := range xa {
		v := xb[i]
		c0, c1 := w0[i], w1[i]
		// The conversions keep each product rounded on its own (no fused
		// multiply-add), as in TFLite's reference build.
		a0 += float32(u * c0)
		a1 += float32(u * c1)
		b0 += float32(v * c0)
		b1 += float32(v * c1)
	}
	return
}

//go:noinline
func dotFloat(x, w []float32) (s float32) {
	w = w[:len(x)]
	for i, v := range x {
		s += float32(v * w[i])
	}
	return
}

// Depthwise convolution works one output row at a time on a row of
// OutW×OutC int32 accumulators. For each filter row ky it rebuilds the input
// row the tap reads as a "window row": padded with the input zero point on
// both sides, each channel repeated DepthMul times (so channel c of the
// window row pairs with output channel c), and split into StrideW phases
// (pixels r, r+s, r+2s, ... of phase r are contiguous). Then, for every
// filter column kx, the input pixels of the whole output row are one
// contiguous span, and the tap is a single flat multiply-accumulate over
// OutW×OutC values against the tap's weights tiled to the same period.
// Rows above or below the input read a window row of zero points, so the
// folded bias is right everywhere.

// dwTile is the length, in pixels, of a tile of repeated depthwise weights.
func dwTile(channels int) int { return max(1, 64/channels) }

// dwWindowWidth is the width of the padded window row, in pixels.
func dwWindowWidth(g *ConvGeom) int { return (g.OutW-1)*g.StrideW + (g.KW-1)*g.DilationW + 1 }

func depthwiseInt8GenericScratch(p *DepthwiseInt8Params) int {
	cc := p.OutC
	wp := dwWindowWidth(&p.ConvGeom)
	taps := p.KH * p.KW
	return carveSize[int32](p.OutW*cc) + 2*wp*cc + taps*dwTile(cc)*cc
}

func depthwiseInt8Generic(p *DepthwiseInt8Params, in, out []int8, scratch []byte) {
	cc := p.OutC
	ow := p.OutW
	wp := dwWindowWidth(&p.ConvGeom)
	taps := p.KH * p.KW
	tile := dwTile(cc) * cc
	acc := carve[int32](&scratch, ow*cc)
	row := carve[int8](&scratch, wp*cc)
	zrow := carve[int8](&scratch, wp*cc)
	wt := carve[int8](&scratch, taps*tile)
	for i := range zrow {
		zrow[i] = int8(p.InZero)
	}
	for t := range taps {
		w := p.Weights[t*cc : (t+1)*cc]
		d := wt[t*tile : (t+1)*tile]
		for i := 0; i < tile; i += cc {
			copy(d[i:i+cc], w)
		}
	}
	in = in[:p.inSize()]
	out = out[:p.Batches*p.OutH*ow*cc]
	// span returns the window row's pixels that filter column kx reads for
	// the whole output row.
	span := func(r []int8, kx int) []int8 {
		pos := kx * p.DilationW
		ph, j := pos%p.StrideW, pos/p.StrideW
		o := (dwPhaseStart(wp, p.StrideW, ph) + j) * cc
		return r[o : o+ow*cc]
	}
	for b := range p.Batches {
		for oy := range p.OutH {
			clear(acc)
			for ky := range p.KH {
				iy := oy*p.StrideH - p.PadH + ky*p.DilationH
				r := zrow
				if uint(iy) < uint(p.InH) {
					o := ((b*p.InH + iy) * p.InW) * p.InC
					dwWindowRow(row, in[o:o+p.InW*p.InC], &p.ConvGeom, p.DepthMul, int8(p.InZero))
					r = row
				}
				kx := 0
				for ; kx+3 <= p.KW; kx += 3 {
					t := ky*p.KW + kx
					macSpans3(acc, span(r, kx), span(r, kx+1), span(r, kx+2),
						wt[t*tile:(t+1)*tile], wt[(t+1)*tile:(t+2)*tile], wt[(t+2)*tile:(t+3)*tile])
				}
				for ; kx < p.KW; kx++ {
					t := ky*p.KW + kx
					macSpans1(acc, span(r, kx), wt[t*tile:(t+1)*tile])
				}
			}
			o := ((b*p.OutH + oy) * ow) * cc
			for x := range ow {
				RequantizeRowInt8(out[o+x*cc:o+(x+1)*cc], acc[x*cc:(x+1)*cc], p.Bias, &p.Requant)
			}
		}
	}
}

// dwPhaseStart returns the first pixel of phase ph in a window row of wp
// pixels split into s phases.
func dwPhaseStart(wp, s, ph int) int {
	// Phase r holds ceil((wp-r)/s) pixels.
	n := 0
	for r := range ph {
		n += (wp - r + s - 1) / s
	}
	return n
}

// dwWindowRow builds the window row of input row x (InW×InC values) into
// dst: padded with z, channels repeated mult times, split into StrideW
// phases.
func dwWindowRow[T int8 | float32](dst, x []T, g *ConvGeom, mult int, z T) {
	cc := g.InC * mult
	wp := len(dst) / cc
	s := g.StrideW
	if s == 1 && mult == 1 {
		lead := min(g.PadW, wp)
		n := min(g.InW, wp-lead)
		dwFill(dst[:lead*cc], z)
		copy(dst[lead*cc:], x[:n*cc])
		dwFill(dst[(lead+n)*cc:], z)
		return
	}
	o := 0
	for ph := range s {
		for u := ph; u < wp; u += s {
			d := dst[o : o+cc]
			o += cc
			ix := u - g.PadW
			if uint(ix) >= uint(g.InW) {
				dwFill(d, z)
				continue
			}
			src := x[ix*g.InC : (ix+1)*g.InC]
			if mult == 1 {
				copy(d, src)
				continue
			}
			for c, v := range src {
				dwFill(d[c*mult:(c+1)*mult], v)
			}
		}
	}
}

func dwFill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// macSpans3 adds three taps over a span: acc[i] += x0[i]·w0[i] + x1[i]·w1[i] +
// x2[i]·w2[i], where the w are tiles repeated along the span.
func macSpans3(acc []int32, x0, x1, x2, w0, w1, w2 []int8) {
	tile := len(w0)
	for i := 0; i < len(acc); i += tile {
		n := min(tile, len(acc)-i)
		macRows3(acc[i:i+n], x0[i:i+n], x1[i:i+n], x2[i:i+n], w0, w1, w2)
	}
}

// macSpans1 is macSpans3 for one tap.
func macSpans1(acc []int32, x, w []int8) {
	tile := len(w)
	for i := 0; i < len(acc); i += tile {
		n := min(tile, len(acc)-i)
		macRow(acc[i:i+n], x[i:i+n], w)
	}
}

// macRow adds x[c]·w[c] to acc[c].
//
//go:noinline
func macRow(acc []int32, x, w []int8) {
	n := len(acc)
	x, w = x[:n], w[:n]
	for c := range acc {
		acc[c] += int32(x[c]) * int32(w[c])
	}
}

// macRows3 adds three taps at once: acc[c] += x0[c]·w0[c] + x1[c]·w1[c] + x2[c]·w2[c].
//
//go:noinline
func macRows3(acc []int32, x0, x1, x2, w0, w1, w2 []int8) {
	n := len(acc)
	x0, x1, x2 = x0[:n], x1[:n], x2[:n]
	w0, w1, w2 = w0[:n], w1[:n], w2[:n]
	for c := range acc {
		acc[c] += int32(x0[c])*int32(w0[c]) + int32(x1[c])*int32(w1[c]) + int32(x2[c])*int32(w2[c])
	}
}

func depthwiseFloatGeneric(p *DepthwiseFloatParams, in, out []float32, scratch []byte) {
	oc, ic, m := p.OutC, p.InC, p.DepthMul
	acc := carve[float32](&scratch, oc)
	in = in[:p.inSize()]
	npix := p.Batches * p.OutH * p.OutW
	out = out[:npix*oc]
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
				o := boff + (iy*p.InW+ix)*ic
				x := in[o : o+ic]
				t := ky*p.KW + kx
				w := p.Weights[t*oc : (t+1)*oc]
				if m == 1 {
					w = w[:len(x)]
					a := acc[:len(x)]
					for c, v := range x {
						a[c] += float32(v * w[c])
					}
					continue
				}
				for c, v := range x {
					a := acc[c*m : (c+1)*m]
					for j, wv := range w[c*m : (c+1)*m] {
						a[j] += float32(v * wv)
					}
				}
			}
		}
		o := out[q*oc : (q+1)*oc]
		for c, v := range acc[:len(o)] {
			if p.Bias != nil {
				v += p.Bias[c]
			}
			o[c] = min(max(v, p.Min), p.Max)
		}
	}
}
