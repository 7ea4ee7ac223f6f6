package kernels

// Generic (pure Go) convolution kernels.
//
// # Lane packing
//
// Go has no SIMD, and an int8 dot product in scalar Go is bound by its
// multiplies and loads. The generic int8 kernels therefore pack the inputs
// of several output pixels that share weights into one int64, as 21-bit
// lanes: x = a + b·2^21 + c·2^42. One 64-bit multiply by a weight w then
// computes three products, w·x = w·a + w·b·2^21 + w·c·2^42, and a sum of
// such products holds the three sums exactly as long as each stays within
// ±2^20: |w·a| <= 128·max|w|, so up to 63 taps (64 for weights in
// [-127, 127], as TFLite's symmetric quantization makes them; see
// laneChunkFor) can be summed before the lanes are split (lanes3) and added
// to int32 accumulators. Weights stay as they are in the model, rows of K
// int8 per output channel.

// laneChunk is the most taps whose products three 21-bit lanes can sum
// whatever the weights.
const laneChunk = 63

// laneChunkFor returns the most taps whose products with weights w three
// 21-bit lanes can sum: |Σ x·w| <= taps·128·max|w| must stay below 2^20.
func laneChunkFor(w []int8) int {
	m := 1
	for _, v := range w {
		m = max(m, int(v), -int(v))
	}
	return (1<<20 - 1) / (128 * m)
}

// chunkOr returns chunk, or laneChunk when it is not set.
func chunkOr(chunk int) int {
	if chunk <= 0 {
		return laneChunk
	}
	return chunk
}

// lanes3 splits a sum of lane-packed products into its three lane sums.
func lanes3(s int64) (a, b, c int32) {
	la := s << 43 >> 43
	s = (s - la) >> 21
	lb := s << 43 >> 43
	return int32(la), int32(lb), int32((s - lb) >> 21)
}

// pack3 packs three int8 values into 21-bit lanes.
func pack3(a, b, c int8) int64 { return int64(a) + int64(b)<<21 + int64(c)<<42 }

// convTileBytes bounds the packed patches of one tile of output pixels, so
// that they stay in L1 cache while every output channel's weights stream
// past them.
const convTileBytes = 16 << 10

// convTileTriples returns how many pixel triples the int8 convolution packs
// at a time for a patch of k taps.
func convTileTriples(k int) int {
	return min(max(convTileBytes/(8*k), 1), 8)
}

func convInt8GenericScratch(p *ConvInt8Params) int {
	k := p.KH * p.KW * p.FilterInC
	return carveSize[int64](convTileTriples(k)*k) + p.KW*p.FilterInC
}

func convInt8Generic(p *ConvInt8Params, in, out []int8, scratch []byte) {
	fic := p.FilterInC
	k := p.KH * p.KW * fic
	oc := p.OutC
	groups := p.InC / fic
	ocPerGroup := oc / groups
	triples := convTileTriples(k)
	chunk := chunkOr(p.laneChunk)
	xp := carve[int64](&scratch, triples*k)
	zrow := carve[int8](&scratch, p.KW*fic)
	for i := range zrow {
		zrow[i] = int8(p.InZero)
	}
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*oc]

	for p0 := 0; p0 < npix; p0 += 3 * triples {
		n := min(3*triples, npix-p0) // pixels in this tile
		nt := (n + 2) / 3
		for g := range groups {
			for j := range nt {
				q := p0 + 3*j
				p.gatherTriple(xp[j*k:(j+1)*k], in, zrow, q, min(3, p0+n-q), g*fic)
			}
			gemmTriples(out[p0*oc:(p0+n)*oc], oc, xp[:nt*k], k, chunk, p.Weights, g*ocPerGroup, (g+1)*ocPerGroup, p.Bias, &p.Requant)
		}
	}
}

// gatherTriple packs the patches of the count (1 to 3) output pixels from q
// into xp, reading input channels c0..c0+FilterInC of each tap; taps outside
// the input, and missing pixels, read zrow (the input zero point, at least
// KW×FilterInC long).
func (p *ConvInt8Params) gatherTriple(xp []int64, in, zrow []int8, q, count, c0 int) {
	fic := p.FilterInC
	var y, x, boff [3]int
	for i := range 3 {
		if i < count {
			y[i], x[i], boff[i] = p.origin(q + i)
		} else {
			y[i] = -1 << 30 // never inside
		}
	}
	// Without groups or dilation, a filter row's taps are contiguous in the
	// input, so a row whose taps are all inside is packed in one go.
	rowSpans := fic == p.InC && p.DilationW == 1
	seg := p.KW * fic
	t := 0
	for ky := range p.KH {
		if rowSpans {
			var src [3][]int8
			ok := true
			for i := range 3 {
				iy := y[i] + ky*p.DilationH
				switch {
				case uint(iy) >= uint(p.InH):
					src[i] = zrow[:seg]
				case x[i] >= 0 && x[i]+p.KW <= p.InW:
					o := boff[i] + (iy*p.InW+x[i])*fic
					src[i] = in[o : o+seg]
				default:
					ok = false
				}
			}
			if ok {
				packLanes(xp[t:t+seg], src[0], src[1], src[2])
				t += seg
				continue
			}
		}
		for kx := range p.KW {
			var src [3][]int8
			for i := range 3 {
				iy := y[i] + ky*p.DilationH
				ix := x[i] + kx*p.DilationW
				src[i] = zrow[:fic]
				if uint(iy) < uint(p.InH) && uint(ix) < uint(p.InW) {
					o := boff[i] + (iy*p.InW+ix)*p.InC + c0
					src[i] = in[o : o+fic]
				}
			}
			packLanes(xp[t:t+fic], src[0], src[1], src[2])
			t += fic
		}
	}
}

// packLanes packs a, b and c into the lanes of d.
func packLanes(d []int64, a, b, c []int8) {
	n := len(d)
	a, b, c = a[:n], b[:n], c[:n]
	for i := range d {
		d[i] = pack3(a[i], b[i], c[i])
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

// gemmTriples computes output channels oc0..oc1 of the pixel triples packed
// in xp (len(xp)/k triples of k taps) and writes them requantized to out,
// which holds the pixels' output rows of stride channels (triple j: rows
// 3j to 3j+2; the last triple may have fewer pixels). Lanes are split every
// chunk taps.
func gemmTriples(out []int8, stride int, xp []int64, k, chunk int, w []int8, oc0, oc1 int, bias []int32, r *Requant) {
	n := len(out) / stride // pixels
	nt := len(xp) / k
	zp, lo, hi := r.ZeroPoint, r.Min, r.Max
	c := oc0
	for ; c+4 <= oc1; c += 4 {
		w0 := w[c*k : (c+1)*k]
		w1 := w[(c+1)*k : (c+2)*k]
		w2 := w[(c+2)*k : (c+3)*k]
		w3 := w[(c+3)*k : (c+4)*k]
		ch := r.ch[c : c+4 : c+4]
		bs := bias[c : c+4 : c+4]
		e := min(k, chunk)
		v0, v1, v2, v3 := w0[:e], w1[:e], w2[:e], w3[:e] // the first chunk
		for j := range nt {
			x := xp[j*k : (j+1)*k]
			// aPC: lane sum of pixel P, channel C.
			s0, s1, s2, s3 := dotLanes4(x[:e], v0, v1, v2, v3)
			a00, a10, a20 := lanes3(s0)
			a01, a11, a21 := lanes3(s1)
			a02, a12, a22 := lanes3(s2)
			a03, a13, a23 := lanes3(s3)
			for t := e; t < k; t += chunk {
				u := min(t+chunk, k)
				s0, s1, s2, s3 := dotLanes4(x[t:u], w0[t:u], w1[t:u], w2[t:u], w3[t:u])
				b0, b1, b2 := lanes3(s0)
				a00, a10, a20 = a00+b0, a10+b1, a20+b2
				b0, b1, b2 = lanes3(s1)
				a01, a11, a21 = a01+b0, a11+b1, a21+b2
				b0, b1, b2 = lanes3(s2)
				a02, a12, a22 = a02+b0, a12+b1, a22+b2
				b0, b1, b2 = lanes3(s3)
				a03, a13, a23 = a03+b0, a13+b1, a23+b2
			}
			o := 3*j*stride + c
			d := out[o : o+4 : o+4]
			d[0] = ch[0].out8(a00+bs[0], zp, lo, hi)
			d[1] = ch[1].out8(a01+bs[1], zp, lo, hi)
			d[2] = ch[2].out8(a02+bs[2], zp, lo, hi)
			d[3] = ch[3].out8(a03+bs[3], zp, lo, hi)
			if 3*j+1 < n {
				o += stride
				d := out[o : o+4 : o+4]
				d[0] = ch[0].out8(a10+bs[0], zp, lo, hi)
				d[1] = ch[1].out8(a11+bs[1], zp, lo, hi)
				d[2] = ch[2].out8(a12+bs[2], zp, lo, hi)
				d[3] = ch[3].out8(a13+bs[3], zp, lo, hi)
			}
			if 3*j+2 < n {
				o += stride
				d := out[o : o+4 : o+4]
				d[0] = ch[0].out8(a20+bs[0], zp, lo, hi)
				d[1] = ch[1].out8(a21+bs[1], zp, lo, hi)
				d[2] = ch[2].out8(a22+bs[2], zp, lo, hi)
				d[3] = ch[3].out8(a23+bs[3], zp, lo, hi)
			}
		}
	}
	for ; c < oc1; c++ {
		w0 := w[c*k : (c+1)*k]
		ch := &r.ch[c]
		for j := range nt {
			x := xp[j*k : (j+1)*k]
			acc := [3]int32{bias[c], bias[c], bias[c]}
			for t := 0; t < k; t += chunk {
				e := min(t+chunk, k)
				a, b, c := lanes3(dotLanes1(x[t:e], w0[t:e]))
				acc[0], acc[1], acc[2] = acc[0]+a, acc[1]+b, acc[2]+c
			}
			for i := range min(3, n-3*j) {
				out[(3*j+i)*stride+c] = ch.out8(acc[i], zp, lo, hi)
			}
		}
	}
}

// dotLanes4 is the int8 core: four output channels (weight rows w0..w3)
// times one lane-packed patch x (short enough for the lanes, see
// laneChunkFor).
//
//go:noinline
func dotLanes4(x []int64, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int64) {
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

// dotLanes1 is dotLanes4 for a single output channel.
//
//go:noinline
func dotLanes1(x []int64, w []int8) (s int64) {
	w = w[:len(x)]
	for i, v := range x {
		s += v * int64(w[i])
	}
	return
}

// dotRows4 is the plain int8 core used where there is only one input row
// (FULLY_CONNECTED with one batch): four output channels times one row x.
//
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
//
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
//
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

// Depthwise convolution works on three output rows at a time, lane-packed
// like the convolution's pixels: output rows oy, oy+1 and oy+2 use the same
// weight at every tap, so their inputs are packed into one int64 per value
// and one multiply serves all three.
//
// For each filter row ky the three input rows the tap reads are rebuilt as
// a "window row": padded with the input zero point on both sides, each
// channel repeated DepthMul times (so channel c of the window row pairs
// with output channel c), and split into StrideW phases (pixels r, r+s,
// r+2s, ... of phase r are contiguous). Then, for every filter column kx,
// the inputs of the whole output row are one contiguous span, and the tap is
// a single flat multiply-accumulate over OutW×OutC values against the tap's
// weights tiled to the same period. Rows above or below the input read
// zero points, so the folded bias is right everywhere. Windows of more than
// laneChunkFor taps move the lane sums to int32 rows on the way.

// dwTile is the length, in pixels, of a tile of repeated depthwise weights.
func dwTile(channels int) int { return max(1, 64/channels) }

// dwWindowWidth is the width of the padded window row, in pixels.
func dwWindowWidth(g *ConvGeom) int { return (g.OutW-1)*g.StrideW + (g.KW-1)*g.DilationW + 1 }

func depthwiseInt8GenericScratch(p *DepthwiseInt8Params) int {
	cc := p.OutC
	wp := dwWindowWidth(&p.ConvGeom)
	taps := p.KH * p.KW
	size := carveSize[int64](p.OutW*cc) + carveSize[int64](wp*cc) + p.InW*p.InC + taps*dwTile(cc)*cc
	if taps > chunkOr(p.laneChunk) {
		size += carveSize[int32](3 * p.OutW * cc)
	}
	return size
}

func depthwiseInt8Generic(p *DepthwiseInt8Params, in, out []int8, scratch []byte) {
	cc := p.OutC
	ow := p.OutW
	wp := dwWindowWidth(&p.ConvGeom)
	taps := p.KH * p.KW
	tile := dwTile(cc) * cc
	acc := carve[int64](&scratch, ow*cc)
	row := carve[int64](&scratch, wp*cc)
	zrow := carve[int8](&scratch, p.InW*p.InC)
	wt := carve[int8](&scratch, taps*tile)
	chunk := chunkOr(p.laneChunk)
	var sums []int32 // lane sums moved out of acc, for windows over chunk taps
	if taps > chunk {
		sums = carve[int32](&scratch, 3*ow*cc)
	}
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
	inRow := func(b, iy int) []int8 {
		if uint(iy) >= uint(p.InH) {
			return zrow
		}
		o := ((b*p.InH + iy) * p.InW) * p.InC
		return in[o : o+p.InW*p.InC]
	}
	// span returns the window row's values that filter column kx reads for
	// the whole output row.
	span := func(kx int) []int64 {
		pos := kx * p.DilationW
		ph, j := pos%p.StrideW, pos/p.StrideW
		o := (dwPhaseStart(wp, p.StrideW, ph) + j) * cc
		return row[o : o+ow*cc]
	}
	for b := range p.Batches {
		for oy := 0; oy < p.OutH; oy += 3 {
			rows := min(3, p.OutH-oy)
			clear(acc)
			clear(sums)
			pending := 0 // taps summed in acc
			for ky := range p.KH {
				iy := oy*p.StrideH - p.PadH + ky*p.DilationH
				x1, x2 := zrow, zrow
				if rows > 1 {
					x1 = inRow(b, iy+p.StrideH)
				}
				if rows > 2 {
					x2 = inRow(b, iy+2*p.StrideH)
				}
				dwLaneRow(row, inRow(b, iy), x1, x2, &p.ConvGeom, p.DepthMul, int8(p.InZero))
				for kx := 0; kx < p.KW; {
					group := 1
					if p.KW-kx >= 3 {
						group = 3
					}
					if pending+group > chunk {
						dwMoveLanes(sums, acc)
						pending = 0
					}
					t := ky*p.KW + kx
					if group == 3 {
						macLaneSpans3(acc, span(kx), span(kx+1), span(kx+2),
							wt[t*tile:(t+1)*tile], wt[(t+1)*tile:(t+2)*tile], wt[(t+2)*tile:(t+3)*tile])
					} else {
						macLaneSpans1(acc, span(kx), wt[t*tile:(t+1)*tile])
					}
					pending += group
					kx += group
				}
			}
			if sums != nil {
				dwMoveLanes(sums, acc)
			}
			o := ((b*p.OutH + oy) * ow) * cc
			n := ow * cc
			requantizeLaneRows(out[o:o+rows*n], acc, sums, p.Bias, &p.Requant)
		}
	}
}

// dwMoveLanes adds the lane sums of acc to the three int32 rows of sums and
// clears acc.
func dwMoveLanes(sums []int32, acc []int64) {
	n := len(acc)
	s0, s1, s2 := sums[:n], sums[n:2*n], sums[2*n:3*n]
	for i, v := range acc {
		a, b, c := lanes3(v)
		s0[i] += a
		s1[i] += b
		s2[i] += c
	}
	clear(acc)
}

// requantizeLaneRows requantizes up to three output rows (len(out)/len(acc)
// of them) from lane-packed accumulators, plus the int32 rows of sums if
// not nil; pixels have len(bias) channels.
func requantizeLaneRows(out []int8, acc []int64, sums []int32, bias []int32, r *Requant) {
	n := len(acc)
	c := len(bias)
	rows := len(out) / n
	var d [3][]int8
	for i := range 3 {
		d[i] = out[min(i, rows-1)*n : (min(i, rows-1)+1)*n] // missing rows alias the last, written last
	}
	if r.rightOnly && sums == nil {
		for i := 0; i+c <= n; i += c {
			requantLanesRight(d[2][i:i+c], d[1][i:i+c], d[0][i:i+c], acc[i:i+c], bias, r)
		}
		return
	}
	zp, lo, hi := r.ZeroPoint, r.Min, r.Max
	ch := r.ch[:c]
	for i := 0; i+c <= n; i += c {
		for j, v := range acc[i : i+c] {
			a, b, cc := lanes3(v)
			if sums != nil {
				a, b, cc = a+sums[i+j], b+sums[n+i+j], cc+sums[2*n+i+j]
			}
			d[2][i+j] = ch[j].out8(cc+bias[j], zp, lo, hi)
			d[1][i+j] = ch[j].out8(b+bias[j], zp, lo, hi)
			d[0][i+j] = ch[j].out8(a+bias[j], zp, lo, hi)
		}
	}
}

// requantLanesRight requantizes one pixel of lane-packed accumulators for
// a right-shift-only requantization: lane c to d2, b to d1, a to d0 (in
// that order, so aliased rows end with the lower lanes).
func requantLanesRight(d2, d1, d0 []int8, acc []int64, bias []int32, r *Requant) {
	n := len(acc)
	d2, d1, d0, bias = d2[:n], d1[:n], d0[:n], bias[:n]
	ch := r.ch[:n]
	zp, lo, hi := r.ZeroPoint, r.Min, r.Max
	for j, v := range acc {
		k := &ch[j]
		m, half, e := k.mult, k.half, k.e&63
		bj := bias[j]
		la := v << 43 >> 43
		v = (v - la) >> 21
		lb := v << 43 >> 43
		x := (v-lb)>>21 + int64(bj)
		h := (x*m + 1<<30) >> 31
		d2[j] = int8(min(max(int32((h+half+h>>63)>>e)+zp, lo), hi))
		x = lb + int64(bj)
		h = (x*m + 1<<30) >> 31
		d1[j] = int8(min(max(int32((h+half+h>>63)>>e)+zp, lo), hi))
		x = la + int64(bj)
		h = (x*m + 1<<30) >> 31
		d0[j] = int8(min(max(int32((h+half+h>>63)>>e)+zp, lo), hi))
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

// dwLaneRow builds the lane-packed window row of input rows x0, x1, x2
// (InW×InC values each) into dst: padded with z, channels repeated mult
// times, split into StrideW phases.
func dwLaneRow(dst []int64, x0, x1, x2 []int8, g *ConvGeom, mult int, z int8) {
	cc := g.InC * mult
	wp := len(dst) / cc
	s := g.StrideW
	zz := pack3(z, z, z)
	if s == 1 && mult == 1 {
		lead := min(g.PadW, wp)
		n := min(g.InW, wp-lead) * cc
		dwFill(dst[:lead*cc], zz)
		d := dst[lead*cc : lead*cc+n]
		a, b, c := x0[:n], x1[:n], x2[:n]
		for i := range d {
			d[i] = pack3(a[i], b[i], c[i])
		}
		dwFill(dst[lead*cc+n:], zz)
		return
	}
	o := 0
	for ph := range s {
		for u := ph; u < wp; u += s {
			d := dst[o : o+cc]
			o += cc
			ix := u - g.PadW
			if uint(ix) >= uint(g.InW) {
				dwFill(d, zz)
				continue
			}
			a := x0[ix*g.InC : (ix+1)*g.InC]
			b := x1[ix*g.InC : (ix+1)*g.InC]
			c := x2[ix*g.InC : (ix+1)*g.InC]
			if mult == 1 {
				b, c, d = b[:len(a)], c[:len(a)], d[:len(a)]
				for i, v := range a {
					d[i] = pack3(v, b[i], c[i])
				}
				continue
			}
			for i, v := range a {
				dwFill(d[i*mult:(i+1)*mult], pack3(v, b[i], c[i]))
			}
		}
	}
}

func dwFill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// macLaneSpans3 adds three taps over a span of lane-packed values:
// acc[i] += x0[i]·w0[i] + x1[i]·w1[i] + x2[i]·w2[i], where the w are tiles
// repeated along the span.
func macLaneSpans3(acc, x0, x1, x2 []int64, w0, w1, w2 []int8) {
	tile := len(w0)
	for i := 0; i < len(acc); i += tile {
		n := min(tile, len(acc)-i)
		macLanes3(acc[i:i+n], x0[i:i+n], x1[i:i+n], x2[i:i+n], w0, w1, w2)
	}
}

// macLaneSpans1 is macLaneSpans3 for one tap.
func macLaneSpans1(acc, x []int64, w []int8) {
	tile := len(w)
	for i := 0; i < len(acc); i += tile {
		n := min(tile, len(acc)-i)
		macLanes1(acc[i:i+n], x[i:i+n], w)
	}
}

//go:noinline
func macLanes1(acc, x []int64, w []int8) {
	n := len(acc)
	x, w = x[:n], w[:n]
	for c := range acc {
		acc[c] += x[c] * int64(w[c])
	}
}

//go:noinline
func macLanes3(acc, x0, x1, x2 []int64, w0, w1, w2 []int8) {
	n := len(acc)
	x0, x1, x2 = x0[:n], x1[:n], x2[:n]
	w0, w1, w2 = w0[:n], w1[:n], w2[:n]
	for c := range acc {
		acc[c] += x0[c]*int64(w0[c]) + x1[c]*int64(w1[c]) + x2[c]*int64(w2[c])
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
