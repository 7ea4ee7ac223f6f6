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

// convTileBytes bounds the patches of one tile of output pixels, so that
// they stay in L1 cache while every output channel's weights stream past
// them (float convolution and the packed GEMM cores).
const convTileBytes = 16 << 10

// convInt8TileBytes bounds the lane-packed patches of one tile of the
// generic int8 convolution (at least one pixel triple, 24 bytes a tap).
// The tile is scratch in the arena beside the layer's live tensors, so it
// is kept small: every output channel's weights stream past it from L1 or
// L2 whatever its size, and a tile of 256 taps or more amortises the
// per-tile work (gathering, slicing each group's weights), so 2 KiB runs as
// fast as 16 KiB did.
const convInt8TileBytes = 2 << 10

// convTileTriples returns how many pixel triples the int8 convolution packs
// at a time for a patch of k taps: at least one, at most eight.
func convTileTriples(k int) int {
	return min(max(convInt8TileBytes/(8*k), 1), 8)
}

func convInt8GenericScratch(p *ConvInt8Params) int {
	k := p.KH * p.KW * p.FilterInC
	return convInt8TiledScratch(p, convTileTriples(k))
}

// convInt8TiledScratch is the scratch of convInt8Tiled with tiles of
// triples pixel triples.
func convInt8TiledScratch(p *ConvInt8Params, triples int) int {
	k := p.KH * p.KW * p.FilterInC
	return carveSize[int64](triples*k) + p.KW*p.FilterInC
}

func convInt8Generic(p *ConvInt8Params, in, out []int8, scratch []byte) {
	convInt8Tiled(p, convTileTriples(p.KH*p.KW*p.FilterInC), in, out, scratch)
}

// convInt8Tiled runs p on tiles of triples pixel triples; scratch holds
// convInt8TiledScratch bytes.
func convInt8Tiled(p *ConvInt8Params, triples int, in, out []int8, scratch []byte) {
	fic := p.FilterInC
	k := p.KH * p.KW * fic
	oc := p.OutC
	groups := p.InC / fic
	ocPerGroup := oc / groups
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

// narrowRow is the widest window row (KW·FilterInC values) whose interior
// pixels gather tap by tap from precomputed offsets: below it, the per-row
// work of the general gather costs more than the row's values.
const narrowRow = 32

// narrowTapOffsets returns the input offset of every tap of a window (in
// [KH][KW][fic] order) from the window's origin, or nil when the window's
// rows are wider than narrowRow.
func narrowTapOffsets(g *ConvGeom, fic int) []int {
	if g.KW*fic > narrowRow {
		return nil
	}
	offs := make([]int, 0, g.KH*g.KW*fic)
	for ky := range g.KH {
		for kx := range g.KW {
			for ic := range fic {
				offs = append(offs, (ky*g.DilationH*g.InW+kx*g.DilationW)*g.InC+ic)
			}
		}
	}
	return offs
}

// windowInside reports whether the window with origin (y, x) lies wholly
// inside the input.
func (g *ConvGeom) windowInside(y, x int) bool {
	return y >= 0 && y+(g.KH-1)*g.DilationH < g.InH && x >= 0 && x+(g.KW-1)*g.DilationW < g.InW
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
	if p.tapOffsets != nil && count == 3 && p.windowInside(y[0], x[0]) && p.windowInside(y[1], x[1]) && p.windowInside(y[2], x[2]) {
		o0 := boff[0] + (y[0]*p.InW+x[0])*p.InC + c0
		o1 := boff[1] + (y[1]*p.InW+x[1])*p.InC + c0
		o2 := boff[2] + (y[2]*p.InW+x[2])*p.InC + c0
		xp = xp[:len(p.tapOffsets)]
		for t, off := range p.tapOffsets {
			xp[t] = pack3(in[o0+off], in[o1+off], in[o2+off])
		}
		return
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

//go:noinline
func dotFloat(x, w []float32) (s float32) {
	w = w[:len(x)]
	for i, v := range x {
		s += float32(v * w[i])
	}
	return
}

// Depthwise convolution works on tiles of three output rows, lane-packed
// like the convolution's pixels: output rows oy, oy+1 and oy+2 use the same
// weight at every tap, so their inputs are packed into one int64 per value
// and one multiply serves all three.
//
// A tile is also a run of output columns and a block of input channels (and
// their DepthMul output channels each), cut by dwTilingFor so that its
// scratch stays within a fifth of the layer's input and output (see
// dwScratchLimit) whatever the layer's width and depth. For each filter row
// ky the three input rows the tap reads are packed into a "window row" of
// only the columns and channels the tile needs: columns outside the input,
// and rows above or below it, read the input zero point (so the folded bias
// is right everywhere), and the columns are split into StrideW phases
// (pixels r, r+s, r+2s, ... of phase r are contiguous). Then, for every
// filter column kx, the inputs of the tile's output columns are one
// contiguous span of the window row, and the tap is one pass over the
// tile's accumulators. With depth multiplier 1 that pass is a flat
// multiply-accumulate against the tap's weights, which blocks of fewer
// than dwTileBelow channels tile to dwRepeat values so that the inner loops
// stay long; a larger multiplier takes one input channel per block and
// multiplies its packed values by each of the DepthMul weights in turn, so
// that no input value is repeated. Windows whose lane sums could outgrow 21
// bits move them to int32 rows every chunk taps (see dwNeedsSums).
//
// Narrow tiles cost time: a column tile repacks the window columns it
// shares with its neighbours, a channel block makes each window column a
// call of its own. So whole rows of all channels are taken when they fit,
// then channel blocks down to dwMinBlock, then fewer columns.

// The scratch of a depthwise layer's tiles is at most a dwScratchShare-th
// of its input and output bytes (so the layer needs its live tensors plus a
// fifth at most), and at most dwScratchMax; tiles of a few KiB stay in L1
// cache and are as fast as whole rows. Layers of depth multiplier 1 may
// take dwScratchMin whatever their size: narrower tiles would slow them
// down.
const (
	dwScratchShare = 5
	dwScratchMin   = 4 << 10
	dwScratchMax   = 16 << 10
)

// dwMinBlock is the fewest channels a channel block is cut down to before
// tiles get narrower instead.
const dwMinBlock = 32

// dwRepeat is the length, in values, that a tap's weights are tiled to in
// blocks of fewer than dwTileBelow channels; larger blocks use the weights
// in place and save the scratch.
const (
	dwRepeat    = 64
	dwTileBelow = 32
)

// dwTiling is how a depthwise convolution is cut into tiles (three output
// rows × cols output columns × inCh input channels).
type dwTiling struct {
	cols int  // output columns per tile
	inCh int  // input channels per block (1 if DepthMul > 1)
	mult int  // outputs per input channel in a block (DepthMul, or fewer if DepthMul > 1)
	reps int  // pixels of weights in a tap's tiled weights; 1 (or 0): used in place
	sums bool // lane sums move to int32 rows on the way (dwNeedsSums)
}

// dwWindowCols is the number of input columns that cols output columns read.
func dwWindowCols(g *ConvGeom, cols int) int { return (cols-1)*g.StrideW + (g.KW-1)*g.DilationW + 1 }

// scratch returns the scratch bytes of tiling t for p: accumulators and
// window row, a column of zero points, tiled weights and lane sums.
func (t dwTiling) scratch(p *DepthwiseInt8Params) int {
	outs := t.cols * t.inCh * t.mult
	n := carveSize[int64](outs+dwWindowCols(&p.ConvGeom, t.cols)*t.inCh) + t.inCh
	if t.reps > 1 {
		n += p.KH * p.KW * t.reps * t.inCh
	}
	if t.sums {
		n += carveSize[int32](3 * outs)
	}
	return n
}

// dwTilingFor returns the tiling of p within dwScratchLimit.
func dwTilingFor(p *DepthwiseInt8Params) dwTiling { return dwTilingWithin(p, dwScratchLimit(p)) }

// dwScratchLimit returns the scratch bytes the tiles of p may take. A
// depth multiplier above 1 needs no dwScratchMin: it cuts its tiles into
// blocks of fewer outputs at next to no cost.
func dwScratchLimit(p *DepthwiseInt8Params) int {
	limit := (p.inSize() + p.outSize()) / dwScratchShare
	if p.DepthMul == 1 {
		limit = max(limit, dwScratchMin)
	}
	return min(limit, dwScratchMax)
}

// dwTilingWithin returns a tiling of p whose scratch fits in limit (unless
// one column of one output does not): whole rows of all channels if they
// fit, else channel blocks down to dwMinBlock channels (with a depth
// multiplier above 1: one input channel and fewer of its outputs), then
// fewer columns, then smaller blocks. Sizes are then evened out, and the
// weights of small blocks tiled if there is room left.
func dwTilingWithin(p *DepthwiseInt8Params, limit int) dwTiling {
	t := dwTiling{cols: p.OutW, inCh: p.InC, mult: p.DepthMul, reps: 1, sums: dwNeedsSums(p)}
	if p.DepthMul > 1 {
		t.inCh = 1 // see dwMacMul3
		for t.scratch(p) > limit && t.mult > 1 {
			t.mult = (t.mult + 1) / 2
		}
	}
	for t.scratch(p) > limit && (t.inCh+1)/2 >= dwMinBlock {
		t.inCh = (t.inCh + 1) / 2
	}
	if t.scratch(p) > limit {
		// The widest tile that fits: scratch grows with cols.
		lo, hi := 1, t.cols // lo fits or is 1, hi does not fit
		for hi-lo > 1 {
			t.cols = (lo + hi) / 2
			if t.scratch(p) <= limit {
				lo = t.cols
			} else {
				hi = t.cols
			}
		}
		t.cols = lo
	}
	for t.scratch(p) > limit && t.inCh > 1 {
		t.inCh = (t.inCh + 1) / 2
	}
	// As many tiles and blocks, none larger than the rest.
	tiles := (p.OutW + t.cols - 1) / t.cols
	t.cols = (p.OutW + tiles - 1) / tiles
	blocks := (p.InC + t.inCh - 1) / t.inCh
	t.inCh = (p.InC + blocks - 1) / blocks
	blocks = (p.DepthMul + t.mult - 1) / t.mult
	t.mult = (p.DepthMul + blocks - 1) / blocks
	if p.DepthMul == 1 && t.inCh < dwTileBelow {
		want := min(t.cols, (dwRepeat+t.inCh-1)/t.inCh)
		for t.reps < want {
			t.reps++
			if t.scratch(p) > limit {
				t.reps--
				break
			}
		}
	}
	return t
}

// dwNeedsSums reports whether lane sums must be split during the window:
// it has more taps than the lane chunk and some channel's weights could
// take a lane sum out of 21 bits (|Σ x·w| <= 128·Σ|w| must stay below
// 2^20). Otherwise the whole window is summed in the lanes.
func dwNeedsSums(p *DepthwiseInt8Params) bool {
	taps := p.KH * p.KW
	if taps <= chunkOr(p.laneChunk) {
		return false
	}
	cc := p.OutC
	w := p.Weights[:taps*cc]
	for c := range cc {
		s := 0
		for i := c; i < len(w); i += cc {
			s += max(int(w[i]), -int(w[i]))
		}
		if 128*s > 1<<20-1 {
			return true
		}
	}
	return false
}

func depthwiseInt8GenericScratch(p *DepthwiseInt8Params) int {
	return dwTilingFor(p).scratch(p)
}

func depthwiseInt8Generic(p *DepthwiseInt8Params, in, out []int8, scratch []byte) {
	depthwiseInt8Tiled(p, dwTilingFor(p), in, out, scratch)
}

// depthwiseInt8Tiled runs p in the tiles of t; scratch holds t.scratch(p)
// bytes.
func depthwiseInt8Tiled(p *DepthwiseInt8Params, t dwTiling, in, out []int8, scratch []byte) {
	g := &p.ConvGeom
	m := p.DepthMul
	if m > 1 {
		t.inCh, t.reps = 1, 1 // see dwMacMul3
	}
	t.mult = min(max(t.mult, 1), m)
	cc := p.OutC
	taps := p.KH * p.KW
	chunk := taps // every tap in one lane sum
	if t.sums {
		chunk = chunkOr(p.laneChunk)
	}
	outs := t.cols * t.inCh * t.mult // accumulators of a tile
	accBuf := carve[int64](&scratch, outs+dwWindowCols(g, t.cols)*t.inCh)
	accBuf, winBuf := accBuf[:outs], accBuf[outs:]
	zrow := carve[int8](&scratch, t.inCh) // a column of input zero points
	var wtBuf []int8
	if t.reps > 1 {
		wtBuf = carve[int8](&scratch, taps*t.reps*t.inCh)
	}
	var sumBuf []int32
	if t.sums {
		sumBuf = carve[int32](&scratch, 3*outs)
	}
	z := int8(p.InZero)
	dwFill(zrow, z)
	in = in[:p.inSize()]
	out = out[:p.Batches*p.OutH*p.OutW*cc]
	rowLen := p.InW * p.InC
	padIx0, padLen, padN := 0, -1, 0 // window geometry padded last
	// Blocks of channels, from output channel c0.
	for c0 := 0; c0 < cc; {
		ci := c0 / m
		nci := min(t.inCh, p.InC-ci)
		nco := nci * min(t.mult, m-c0%m) // outputs of the block
		// Tap k's weights for the block are w[k*ws : k*ws+wl]: in place, or
		// tiled to wl values.
		w, ws, wl := p.Weights[c0:], cc, nco
		if t.reps > 1 {
			wl = t.reps * nci
			for k := range taps {
				src := p.Weights[k*cc+c0 : k*cc+c0+nco]
				d := wtBuf[k*wl : (k+1)*wl]
				for i := 0; i < wl; i += nco {
					copy(d[i:i+nco], src)
				}
			}
			w, ws = wtBuf, wl
		}
		bias, ch := p.Bias[c0:c0+nco], p.Requant.ch[c0:c0+nco]
		for b := range p.Batches {
			inB := in[b*p.InH*rowLen : (b+1)*p.InH*rowLen]
			for oy := 0; oy < p.OutH; oy += 3 {
				rows := min(3, p.OutH-oy)
				for ox := 0; ox < p.OutW; ox += t.cols {
					cols := min(t.cols, p.OutW-ox)
					wc := dwWindowCols(g, cols)
					acc := accBuf[:cols*nco]
					win := winBuf[:wc*nci]
					n := cols * nci // values of a span
					clear(acc)
					var sums []int32
					if t.sums {
						sums = sumBuf[:3*len(acc)]
						clear(sums)
					}
					if ix0 := ox*p.StrideW - p.PadW; ix0 != padIx0 || len(win) != padLen || nci != padN {
						// Columns outside the input keep z from one tile to the
						// next until the window's geometry changes.
						dwPadWindow(win, ix0, nci, g, pack3(z, z, z))
						padIx0, padLen, padN = ix0, len(win), nci
					}
					pending := 0 // taps summed in acc
					for ky := range p.KH {
						iy := oy*p.StrideH - p.PadH + ky*p.DilationH
						x0 := dwInputRow(inB, iy, rowLen, p.InH)
						var x1, x2 []int8
						if rows > 1 {
							x1 = dwInputRow(inB, iy+p.StrideH, rowLen, p.InH)
						}
						if rows > 2 {
							x2 = dwInputRow(inB, iy+2*p.StrideH, rowLen, p.InH)
						}
						dwPackWindow(win, x0, x1, x2, zrow, ox*p.StrideW-p.PadW, ci, nci, g)
						for kx := 0; kx < p.KW; {
							group := 1
							if p.KW-kx >= 3 {
								group = 3
							}
							if pending+group > chunk {
								dwMoveLanes(sums, acc)
								pending = 0
							}
							k := ky*p.KW + kx
							o := dwSpanStart(g, wc, kx) * nci
							s0, w0 := win[o:o+n], w[k*ws:k*ws+wl]
							switch {
							case group == 3:
								o1, o2 := dwSpanStart(g, wc, kx+1)*nci, dwSpanStart(g, wc, kx+2)*nci
								s1, s2 := win[o1:o1+n], win[o2:o2+n]
								w1, w2 := w[(k+1)*ws:(k+1)*ws+wl], w[(k+2)*ws:(k+2)*ws+wl]
								if m == 1 {
									macLaneSpans3(acc, s0, s1, s2, w0, w1, w2)
								} else {
									dwMacMul3(acc, s0, s1, s2, w0, w1, w2, nco)
								}
							case m == 1:
								macLaneSpans1(acc, s0, w0)
							default:
								dwMacMul1(acc, s0, w0, nco)
							}
							pending += group
							kx += group
						}
					}
					if t.sums {
						dwMoveLanes(sums, acc)
					}
					o := ((b*p.OutH+oy)*p.OutW+ox)*cc + c0
					dwRequantTile(out[o:], p.OutW*cc, cc, rows, acc, sums, bias, ch, &p.Requant)
				}
			}
		}
		c0 += nco
	}
}

// dwInputRow returns input row iy of a batch (rows of n values), or nil if
// it is outside the input's h rows.
func dwInputRow(in []int8, iy, n, h int) []int8 {
	if uint(iy) >= uint(h) {
		return nil
	}
	return in[iy*n : (iy+1)*n]
}

// dwSpanStart returns the window column where filter column kx's span
// starts in a window row of wc columns split into StrideW phases.
func dwSpanStart(g *ConvGeom, wc, kx int) int {
	pos := kx * g.DilationW
	if g.StrideW == 1 {
		return pos
	}
	ph := pos % g.StrideW
	return dwPhaseStart(wc, g.StrideW, ph) + pos/g.StrideW
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

// dwRequantTile requantizes a tile's lane-packed accumulators (pixels of
// len(bias) channels), plus the int32 rows of sums if not nil, to rows
// (1 to 3) output rows of out, rowStride apart, whose pixels are pixStride
// apart; ch is the channels' requantization.
func dwRequantTile(out []int8, rowStride, pixStride, rows int, acc []int64, sums []int32, bias []int32, ch []requantChannel, r *Requant) {
	c := len(bias)
	n := len(acc)
	var o [3]int
	for i := range o {
		o[i] = min(i, rows-1) * rowStride // missing rows alias the last, written last
	}
	zp, lo, hi := r.ZeroPoint, r.Min, r.Max
	for q, i := 0, 0; i+c <= n; q, i = q+pixStride, i+c {
		d0, d1, d2 := out[o[0]+q:o[0]+q+c], out[o[1]+q:o[1]+q+c], out[o[2]+q:o[2]+q+c]
		if r.rightOnly && sums == nil {
			requantLanesRight(d2, d1, d0, acc[i:i+c], bias, ch, zp, lo, hi)
			continue
		}
		for j, v := range acc[i : i+c] {
			a, b, cc := lanes3(v)
			if sums != nil {
				a, b, cc = a+sums[i+j], b+sums[n+i+j], cc+sums[2*n+i+j]
			}
			d2[j] = ch[j].out8(cc+bias[j], zp, lo, hi)
			d1[j] = ch[j].out8(b+bias[j], zp, lo, hi)
			d0[j] = ch[j].out8(a+bias[j], zp, lo, hi)
		}
	}
}

// requantLanesRight requantizes one pixel of lane-packed accumulators for
// a right-shift-only requantization: lane c to d2, b to d1, a to d0 (in
// that order, so aliased rows end with the lower lanes).
func requantLanesRight(d2, d1, d0 []int8, acc []int64, bias []int32, ch []requantChannel, zp, lo, hi int32) {
	n := len(acc)
	d2, d1, d0, bias, ch = d2[:n], d1[:n], d0[:n], bias[:n], ch[:n]
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

// dwInside returns, for phase ph of a tile's window row (wc columns from
// input column ix0, split into s phases), its number of columns and the
// range [lo, hi) of them that lie inside the input's inW columns.
func dwInside(wc, ph, ix0, s, inW int) (cols, lo, hi int) {
	if s == 1 {
		lo = min(max(-ix0, 0), wc)
		return wc, lo, min(max(inW-ix0, lo), wc)
	}
	cols = (wc - ph + s - 1) / s // phase columns u = ph + s·i
	// Column i is inside when 0 <= ix0+ph+s·i < inW.
	if a := -(ix0 + ph); a > 0 {
		lo = min((a+s-1)/s, cols)
	}
	hi = lo
	if a := inW - (ix0 + ph); a > 0 {
		hi = max(min((a+s-1)/s, cols), lo)
	}
	return cols, lo, hi
}

// dwPadWindow fills the columns of a tile's window row (len(dst)/n
// columns of n values from input column ix0) that lie outside the input
// with v; they stay so while dwPackWindow fills the rest.
func dwPadWindow(dst []int64, ix0, n int, g *ConvGeom, v int64) {
	wc := len(dst) / n
	o := 0
	for ph := range min(g.StrideW, wc) {
		cols, lo, hi := dwInside(wc, ph, ix0, g.StrideW, g.InW)
		dwFill(dst[o:o+lo*n], v)
		dwFill(dst[o+hi*n:o+cols*n], v)
		o += cols * n
	}
}

// dwPackWindow packs the columns of a tile's window row in dst (len(dst)/n
// columns of n values) that lie inside the input: column u reads input
// column ix0+u, channels ci..ci+n, of rows x0, x1 and x2 (InW×InC values
// each, or nil for a row outside the input, which reads zrow, n zero
// points). Columns are split into StrideW phases.
func dwPackWindow(dst []int64, x0, x1, x2, zrow []int8, ix0, ci, n int, g *ConvGeom) {
	wc := len(dst) / n
	s := g.StrideW
	o := 0
	for ph := range min(s, wc) {
		cols, lo, hi := dwInside(wc, ph, ix0, s, g.InW)
		if lo < hi {
			dwPackCols(dst[o+lo*n:o+hi*n], x0, x1, x2, zrow, (ix0+ph+s*lo)*g.InC+ci, s*g.InC, n)
		}
		o += cols * n
	}
}

// dwPackCols packs len(d)/n columns of n values into the lanes of d:
// column u reads values o+u·stride .. o+u·stride+n of rows x0, x1 and x2; a
// nil row reads zrow[:n].
func dwPackCols(d []int64, x0, x1, x2, zrow []int8, o, stride, n int) {
	if n == 1 && len(d) > 1 {
		// One value a column (one input channel and a stride): a call a
		// column would cost more than the packing.
		var a, b, c []int8
		var sa, sb, sc int
		a, sa = dwStrided(x0, zrow, o, stride)
		b, sb = dwStrided(x1, zrow, o, stride)
		c, sc = dwStrided(x2, zrow, o, stride)
		dwPackStrided(d, a, b, c, sa, sb, sc)
		return
	}
	if x0 != nil && x1 != nil && x2 != nil {
		if stride == n {
			dwPackLanes(d, x0[o:o+len(d)], x1[o:o+len(d)], x2[o:o+len(d)])
			return
		}
		for u := 0; u < len(d); u += n {
			dwPackLanes(d[u:u+n], x0[o:o+n], x1[o:o+n], x2[o:o+n])
			o += stride
		}
		return
	}
	// Rows outside the input: the first and last row triples only.
	z := zrow[:n]
	for u := 0; u < len(d); u += n {
		a, b, c := z, z, z
		if x0 != nil {
			a = x0[o : o+n]
		}
		if x1 != nil {
			b = x1[o : o+n]
		}
		if x2 != nil {
			c = x2[o : o+n]
		}
		dwPackLanes(d[u:u+n], a, b, c)
		o += stride
	}
}

// dwStrided returns x from offset o and stride, or zrow and stride 0 if x
// is nil.
func dwStrided(x, zrow []int8, o, stride int) ([]int8, int) {
	if x == nil {
		return zrow, 0
	}
	return x[o:], stride
}

// dwPackStrided packs a[u·sa], b[u·sb] and c[u·sc] into the lanes of d[u].
//
//go:noinline
func dwPackStrided(d []int64, a, b, c []int8, sa, sb, sc int) {
	for u := range d {
		d[u] = pack3(a[u*sa], b[u*sb], c[u*sc])
	}
}

// dwPackLanes is packLanes kept out of line, so that its loop has the
// registers to itself.
//
//go:noinline
func dwPackLanes(d []int64, a, b, c []int8) { packLanes(d, a, b, c) }

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

// dwMacMul3 adds three taps to a tile's accumulators for one input
// channel with depth multiplier m: acc[p·m+j] += x0[p]·w0[j] + x1[p]·w1[j]
// + x2[p]·w2[j]. Each output channel's weights stay in registers while
// its accumulators are strided through.
func dwMacMul3(acc, x0, x1, x2 []int64, w0, w1, w2 []int8, m int) {
	w0, w1, w2 = w0[:m], w1[:m], w2[:m]
	for j := range m {
		macLanesStrided3(acc[j:], m, x0, x1, x2, int64(w0[j]), int64(w1[j]), int64(w2[j]))
	}
}

// dwMacMul1 is dwMacMul3 for one tap.
func dwMacMul1(acc, x []int64, w []int8, m int) {
	w = w[:m]
	for j := range m {
		macLanesStrided1(acc[j:], m, x, int64(w[j]))
	}
}

// macLanesStrided3 adds x0[p]·w0 + x1[p]·w1 + x2[p]·w2 to acc[p·stride].
//
//go:noinline
func macLanesStrided3(acc []int64, stride int, x0, x1, x2 []int64, w0, w1, w2 int64) {
	x1, x2 = x1[:len(x0)], x2[:len(x0)]
	for p, v := range x0 {
		acc[p*stride] += v*w0 + x1[p]*w1 + x2[p]*w2
	}
}

// macLanesStrided1 is macLanesStrided3 for one tap.
//
//go:noinline
func macLanesStrided1(acc []int64, stride int, x []int64, w int64) {
	for p, v := range x {
		acc[p*stride] += v * w
	}
}
