package kernels

import "unsafe"

// Packed int8 GEMM: the SIMD path of CONV_2D and FULLY_CONNECTED.
//
// Both ops become one matrix product with requantization. Each output pixel
// (or fully connected batch) is a row x of K int8 — its patch, gathered
// into scratch memory with taps outside the input reading the input zero
// point (im2col), or the input itself for 1×1 convolutions and fully
// connected layers when K is a multiple of 16 — and each output channel a
// row w of K weights:
//
//	for pixel := range rows {
//		for c := range OutC {
//			acc := Bias[c] // folded: bias − InZero·Σw (FoldBias)
//			for k := range K {
//				acc += int32(x[pixel][k]) * int32(w[c][k])
//			}
//			out[pixel][c] = requantize(acc, c) // Requant, per channel
//		}
//	}
//
// which is the generic kernels' arithmetic exactly: the same integer sums,
// the same requantization.
//
// # Packed layouts
//
// Check (pack) rearranges the weights once, at load, into the register tile
// of the core this CPU runs, zero-padding K to a multiple of 16 (x rows are
// read in 16-byte chunks; the padding of x may hold anything, it meets zero
// weights) and the channels to whole blocks:
//
//   - gemmDot (SDOT, ARMv8.2 dot product): blocks of 16 channels. For every
//     16-byte chunk of K, four groups of 4 channels, each as four 16-byte
//     vectors, one per 4-tap group g: vector (s, g) holds w[4s+j][4g+b] at
//     byte 4j+b. `sdot acc.4s, w(s,g).16b, x.4b[g]` adds four taps of one
//     pixel to channels 4s..4s+3 with no horizontal sum at the end. The
//     tile is 4 pixels × 16 channels (16 accumulators).
//   - gemmNEON (ARMv8.0 ASIMD): blocks of 4 channels, each chunk the 4 rows'
//     16 bytes one after the other. Per pixel and channel, SMULL and SMLAL2
//     multiply and add pairs of taps into int16 lanes and SADALP adds those
//     into int32 lanes; the lanes are summed (ADDP) at the end. The tile is
//     4 pixels × 4 channels. A pair of products fits int16 unless both are
//     (−128)·(−128), so weights holding −128 use gemmNEONWide, which widens
//     every product on its own (SMULL, SMULL2, two SADALPs).
//
// Per block, the requantization constants sit next to each other as int32
// vectors: bias, multiplier, left shift (>= 0) and right shift (<= 0, as
// SRSHL takes it).
//
// # Requantization in vector registers
//
// acc is shifted left (SSHL), multiplied (SQRDMULH is exactly
// SaturatingRoundingDoublingHighMul) and divided by 2^e rounding half away
// from zero: SRSHL rounds half up, so negative values are first lowered by
// one (AND with the shift vector keeps the sign bit only where e > 0, SSRA
// #31 adds −1 there; SQRDMULH never returns MinInt32 for a multiplier >= 0,
// so this cannot wrap). Then the zero point is added in int32 (wrapping, as
// the generic code does) and the values are narrowed with saturation to
// int16 and to int8 (SQXTN) and clamped to [Min, Max]. When every channel
// shifts right only (the usual case), |value| <= 2^30 before the zero point,
// which is then added after the narrowing to int16, saturating (SQADD), for
// the same result; the AND is not needed either (e > 0 everywhere).

// gemmKind is a packed GEMM core, and the weight layout it reads.
type gemmKind uint8

const (
	gemmNone     gemmKind = iota // not packed: the generic kernels run
	gemmDot                      // SDOT core, 16-channel blocks
	gemmNEON                     // SMULL/SMLAL2/SADALP core, 4-channel blocks
	gemmNEONWide                 // as gemmNEON with every product widened alone (weights hold −128)
)

func (k gemmKind) String() string {
	switch k {
	case gemmDot:
		return "dot"
	case gemmNEON:
		return "neon"
	case gemmNEONWide:
		return "neon-wide"
	}
	return "generic"
}

// blockChannels is the number of output channels in one block of the
// packed layout.
func (k gemmKind) blockChannels() int {
	if k == gemmDot {
		return 16
	}
	return 4
}

// gemmChunk is the K granularity of the packed cores, in bytes.
const gemmChunk = 16

// gemmPacked is an int8 GEMM's weights and requantization packed for one
// core. Grouped convolutions have one packed GEMM per group, one after the
// other in w and params.
type gemmPacked struct {
	kind      gemmKind
	k, kp     int // taps per output, and padded to a multiple of gemmChunk
	oc        int // output channels per group
	groups    int
	blocks    int // channel blocks per group
	tail      int // valid channels of the last block
	w         []int8
	params    []int32
	zp        int32
	lo, hi    int32
	rightOnly bool // every channel shifts right only (no left shift, e > 0)
}

// gemmKindFor returns the core this CPU runs for weights w, or gemmNone.
func gemmKindFor(w []int8) gemmKind {
	switch {
	case useDotProd:
		return gemmDot
	case useNEON:
		for _, v := range w {
			if v == -128 {
				return gemmNEONWide
			}
		}
		return gemmNEON
	}
	return gemmNone
}

// packGEMM packs groups GEMMs of oc channels × k taps: weights [groups·oc][k]
// (TFLite's row layout), the folded bias and the requantization of all
// groups·oc channels. It returns nil for gemmNone.
func packGEMM(kind gemmKind, weights []int8, k, oc, groups int, bias []int32, r *Requant) *gemmPacked {
	if kind == gemmNone {
		return nil
	}
	bc := kind.blockChannels()
	pk := &gemmPacked{
		kind: kind, k: k, kp: (k + gemmChunk - 1) / gemmChunk * gemmChunk,
		oc: oc, groups: groups, blocks: (oc + bc - 1) / bc,
		zp: r.ZeroPoint, lo: r.Min, hi: r.Max, rightOnly: true,
	}
	pk.tail = oc - (pk.blocks-1)*bc
	chunks := pk.kp / gemmChunk
	pk.w = make([]int8, groups*pk.blocks*chunks*bc*gemmChunk)
	pk.params = make([]int32, groups*pk.blocks*4*bc)
	for g := range groups {
		for c := range oc {
			gc := g*oc + c // channel in the whole layer
			row := weights[gc*k : (gc+1)*k]
			b, j := c/bc, c%bc
			wb := pk.w[(g*pk.blocks+b)*chunks*bc*gemmChunk:]
			for t, v := range row {
				wb[pk.wIndex(j, t)] = v
			}
			pb := pk.params[(g*pk.blocks+b)*4*bc:]
			shift := r.Shift[gc]
			pb[j] = bias[gc]
			pb[bc+j] = r.Multiplier[gc]
			pb[2*bc+j] = max(shift, 0)
			pb[3*bc+j] = min(shift, 0)
			if shift >= 0 {
				pk.rightOnly = false
			}
		}
	}
	return pk
}

// wIndex returns where tap t of channel j (within its block) sits in the
// block's packed weights.
func (pk *gemmPacked) wIndex(j, t int) int {
	chunk, i := t/gemmChunk, t%gemmChunk
	if pk.kind == gemmDot {
		s, jj := j/4, j%4
		g, b := i/4, i%4
		return chunk*256 + (s*4+g)*16 + jj*4 + b
	}
	return chunk*64 + j*16 + i
}

// gemmArgs is the argument block of the packed cores, shared with the
// assembly (gemm_arm64.s reads it at fixed offsets; TestGemmArgsLayout
// checks them).
type gemmArgs struct {
	vzp32     [4]int32 // output zero point, int32 lanes
	vzp16     [8]int16 // output zero point, int16 lanes
	vlo, vhi  [16]int8 // clamp
	x         *int8    // first row of x
	xStride   int      // bytes from one row of x to the next (>= kp)
	rows      int      // rows of x (output pixels)
	w         *int8    // packed weights of the first block
	params    *int32   // requantization of the first block
	blocks    int      // channel blocks
	chunks    int      // kp / 16
	out       *int8    // output of row 0, channel 0
	outStride int      // bytes from one output row to the next
	tail      int      // valid channels of the last block
	flags     int      // gemmRightOnly
}

// gemmRightOnly tells the cores that every channel shifts right only.
const gemmRightOnly = 1

// args returns the argument block for group g over rows rows of x (row
// stride xStride) writing out (row stride outStride).
func (pk *gemmPacked) args(g int, x []int8, xStride, rows int, out []int8, outStride int) gemmArgs {
	bc := pk.kind.blockChannels()
	chunks := pk.kp / gemmChunk
	a := gemmArgs{
		x: unsafe.SliceData(x), xStride: xStride, rows: rows,
		w:      &pk.w[g*pk.blocks*chunks*bc*gemmChunk],
		params: &pk.params[g*pk.blocks*4*bc],
		blocks: pk.blocks, chunks: chunks,
		out: unsafe.SliceData(out), outStride: outStride, tail: pk.tail,
	}
	for i := range a.vzp32 {
		a.vzp32[i] = pk.zp
	}
	for i := range a.vzp16 {
		a.vzp16[i] = int16(pk.zp)
	}
	for i := range a.vlo {
		a.vlo[i], a.vhi[i] = int8(pk.lo), int8(pk.hi)
	}
	if pk.rightOnly {
		a.flags |= gemmRightOnly
	}
	return a
}

// run multiplies rows rows of x by group g's weights into out. x holds at
// least (rows−1)·xStride + kp bytes and out (rows−1)·outStride + oc.
func (pk *gemmPacked) run(g int, x []int8, xStride, rows int, out []int8, outStride int) {
	if rows <= 0 {
		return
	}
	_ = x[(rows-1)*xStride+pk.kp-1]
	_ = out[(rows-1)*outStride+pk.oc-1]
	a := pk.args(g, x, xStride, rows, out, outStride)
	switch pk.kind {
	case gemmDot:
		gemmDotInt8(&a)
	case gemmNEON:
		gemmNEONInt8(&a)
	case gemmNEONWide:
		gemmNEONWideInt8(&a)
	}
}

// convTileRows returns how many im2col rows of kp bytes a tile holds: a
// multiple of 4 (the cores' pixel tile) near convTileBytes.
func convTileRows(kp, npix int) int {
	t := max(convTileBytes/kp, 4) &^ 3
	return min(t, (npix+3)&^3)
}

// convDirect reports whether the convolution's input rows are its x rows:
// a 1×1 convolution with stride 1, no padding, no groups and K a multiple
// of gemmChunk reads the input in place.
func convDirect(p *ConvInt8Params) bool {
	return p.KH == 1 && p.KW == 1 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 0 && p.PadW == 0 &&
		p.FilterInC == p.InC && p.InC%gemmChunk == 0 && p.OutH == p.InH && p.OutW == p.InW
}

// pack packs p's weights for the fastest int8 core this CPU has (the SDOT
// or the ASIMD GEMM on arm64), allocating the packed copy once, at load;
// without such a core it does nothing and ConvInt8 runs the generic kernel.
// Check calls it last.
func (p *ConvInt8Params) pack() {
	p.packed = packConv(gemmKindFor(p.Weights), p)
}

// packConv packs a convolution's weights for kind (gemmNone: nil).
func packConv(kind gemmKind, p *ConvInt8Params) *gemmPacked {
	k := p.KH * p.KW * p.FilterInC
	groups := p.InC / p.FilterInC
	return packGEMM(kind, p.Weights, k, p.OutC/groups, groups, p.Bias, &p.Requant)
}

// convSegments reports whether every filter row of the convolution reads
// one contiguous segment of KW×InC input bytes (no groups, no horizontal
// dilation), so that im2colSegs can gather the patches.
func convSegments(p *ConvInt8Params) bool {
	return p.FilterInC == p.InC && p.DilationW == 1 && p.KH <= maxIm2colRows
}

// maxIm2colRows is the most filter rows im2colSegs gathers.
const maxIm2colRows = 32

// convPadRight returns the input columns the last output column's window
// reads past the input.
func convPadRight(p *ConvInt8Params) int {
	return max(0, (p.OutW-1)*p.StrideW+p.KW-p.PadW-p.InW)
}

func convInt8PackedScratch(p *ConvInt8Params, pk *gemmPacked) int {
	if convDirect(p) {
		return 0
	}
	size := convTileRows(pk.kp, p.OutH*p.OutW) * pk.kp
	if !convSegments(p) {
		return size + p.KW*p.FilterInC
	}
	rb := (p.PadW + p.InW + convPadRight(p)) * p.InC // bytes per padded input row
	size += rb                                       // a row of zero points
	if p.PadW > 0 || convPadRight(p) > 0 {
		size += p.InH * rb
	}
	return size
}

// convInt8Packed runs a convolution on its packed GEMM: im2col tiles of
// output pixels, each multiplied by every group's weights.
func convInt8Packed(p *ConvInt8Params, pk *gemmPacked, in, out []int8, scratch []byte) {
	npix := p.Batches * p.OutH * p.OutW
	oc := p.OutC
	in = in[:p.inSize()]
	out = out[:npix*oc]
	if convDirect(p) {
		pk.run(0, in, pk.k, npix, out, oc)
		return
	}
	kp := pk.kp
	plane := p.OutH * p.OutW
	tile := convTileRows(kp, plane)
	buf := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(scratch))), len(scratch))
	xs := buf[:tile*kp]
	buf = buf[tile*kp:]
	if !convSegments(p) {
		zrow := buf[:p.KW*p.FilterInC]
		for i := range zrow {
			zrow[i] = int8(p.InZero)
		}
		for g := range pk.groups {
			for p0 := 0; p0 < npix; p0 += tile {
				n := min(tile, npix-p0)
				p.im2col(xs, kp, in, zrow, p0, n, g*p.FilterInC)
				pk.run(g, xs, kp, n, out[p0*oc+g*pk.oc:], oc)
			}
		}
		return
	}
	padR := convPadRight(p)
	rb := (p.PadW + p.InW + padR) * p.InC
	zrow := buf[:rb]
	for i := range zrow {
		zrow[i] = int8(p.InZero)
	}
	var padded []int8
	if p.PadW > 0 || padR > 0 {
		padded = buf[rb : rb+p.InH*rb]
	}
	inRow := p.InW * p.InC
	for b := range p.Batches {
		src := in[b*p.InH*inRow : (b+1)*p.InH*inRow]
		if padded != nil {
			// Rows padded with zero points, so that every window is inside.
			l, r := p.PadW*p.InC, padR*p.InC
			for iy := range p.InH {
				d := padded[iy*rb : (iy+1)*rb]
				copy(d[:l], zrow)
				copy(d[l:rb-r], src[iy*inRow:(iy+1)*inRow])
				copy(d[rb-r:], zrow)
			}
			src = padded
		}
		for p0 := 0; p0 < plane; p0 += tile {
			n := min(tile, plane-p0)
			p.im2colRows(xs, kp, src, rb, zrow, p0, n)
			q := b*plane + p0
			pk.run(0, xs, kp, n, out[q*oc:], oc)
		}
	}
}

// im2colRows gathers the patches of output pixels q0..q0+n of one batch
// into rows of kp bytes of xs, one output row at a time with im2colSegs.
// src holds the batch's input rows, rb bytes each, padded so that every
// window is inside them (column ox's window starts at byte
// ox·StrideW·InC); rows above and below read zrow.
func (p *ConvInt8Params) im2colRows(xs []int8, kp int, src []int8, rb int, zrow []int8, q0, n int) {
	var rows [maxIm2colRows]*int8
	seg := p.KW * p.InC
	pix := p.StrideW * p.InC
	for q := q0; q < q0+n; {
		oy, ox := q/p.OutW, q%p.OutW
		m := min(p.OutW-ox, q0+n-q) // pixels of this output row
		o := ox * pix
		_ = zrow[o+(m-1)*pix+seg-1]
		for ky := range p.KH {
			iy := oy*p.StrideH - p.PadH + ky*p.DilationH
			if uint(iy) < uint(p.InH) {
				_ = src[iy*rb+o+(m-1)*pix+seg-1]
				rows[ky] = &src[iy*rb+o]
			} else {
				rows[ky] = &zrow[o]
			}
		}
		d := xs[(q-q0)*kp : (q-q0+m-1)*kp+p.KH*seg]
		a := im2colArgs{dst: &d[0], dstStride: kp, rows: &rows[0], kh: p.KH, seg: seg, pixStride: pix, n: m}
		im2colSegs(&a)
		q += m
	}
}

// im2colArgs is the argument block of im2colSegs (offsets checked by
// TestIm2colArgsLayout): for each of n pixels i, the kh segments of seg
// bytes at rows[ky] + i·pixStride go one after the other to
// dst + i·dstStride.
type im2colArgs struct {
	dst       *int8
	dstStride int
	rows      **int8
	kh        int
	seg       int
	pixStride int
	n         int
}

// im2col gathers the patches of n output pixels from q0 into rows of kp
// bytes of xs, reading input channels c0..c0+FilterInC of each tap; taps
// outside the input read zrow (the input zero point, KW×FilterInC long).
// Bytes k..kp of each row are left as they are.
func (p *ConvInt8Params) im2col(xs []int8, kp int, in, zrow []int8, q0, n, c0 int) {
	fic := p.FilterInC
	seg := p.KW * fic
	rowSpans := p.DilationW == 1 // a filter row's taps are contiguous pixels
	b := q0 / (p.OutH * p.OutW)
	r := q0 - b*p.OutH*p.OutW
	oy, ox := r/p.OutW, r%p.OutW
	for i := range n {
		dst := xs[i*kp : i*kp+p.KH*seg]
		y0, x0 := oy*p.StrideH-p.PadH, ox*p.StrideW-p.PadW
		boff := b * p.InH * p.InW * p.InC
		xInside := x0 >= 0 && x0+(p.KW-1)*p.DilationW < p.InW
		for ky := range p.KH {
			d := dst[ky*seg : (ky+1)*seg]
			iy := y0 + ky*p.DilationH
			if uint(iy) >= uint(p.InH) {
				copy(d, zrow)
				continue
			}
			rowOff := boff + iy*p.InW*p.InC
			if xInside && rowSpans && fic == p.InC {
				o := rowOff + x0*fic
				copy(d, in[o:o+seg])
				continue
			}
			for kx := range p.KW {
				ix := x0 + kx*p.DilationW
				dd := d[kx*fic : (kx+1)*fic]
				if uint(ix) >= uint(p.InW) {
					copy(dd, zrow)
					continue
				}
				o := rowOff + ix*p.InC + c0
				copy(dd, in[o:o+fic])
			}
		}
		if ox++; ox == p.OutW {
			ox = 0
			if oy++; oy == p.OutH {
				oy = 0
				b++
			}
		}
	}
}

// pack packs p's weights for the fastest int8 core this CPU has, as
// ConvInt8Params.pack does. Check calls it last.
func (p *FullyConnectedInt8Params) pack() {
	p.packed = packFullyConnected(gemmKindFor(p.Weights[:p.OutC*p.Depth]), p)
}

// packFullyConnected packs a fully connected layer's weights for kind.
func packFullyConnected(kind gemmKind, p *FullyConnectedInt8Params) *gemmPacked {
	return packGEMM(kind, p.Weights[:p.OutC*p.Depth], p.Depth, p.OutC, 1, p.Bias, &p.Requant)
}

func fcInt8PackedScratch(p *FullyConnectedInt8Params, pk *gemmPacked) int {
	if pk.kp == p.Depth {
		return 0
	}
	return convTileRows(pk.kp, p.Batches) * pk.kp
}

// fcInt8Packed runs a fully connected layer on its packed GEMM: the input
// rows are x when Depth is a multiple of 16, else they are copied into
// padded rows of scratch.
func fcInt8Packed(p *FullyConnectedInt8Params, pk *gemmPacked, in, out []int8, scratch []byte) {
	k, oc, rows := p.Depth, p.OutC, p.Batches
	in = in[:rows*k]
	out = out[:rows*oc]
	if pk.kp == k {
		pk.run(0, in, k, rows, out, oc)
		return
	}
	kp := pk.kp
	tile := convTileRows(kp, rows)
	xs := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(scratch))), tile*kp)
	for r0 := 0; r0 < rows; r0 += tile {
		n := min(tile, rows-r0)
		for i := range n {
			copy(xs[i*kp:i*kp+k], in[(r0+i)*k:])
		}
		pk.run(0, xs, kp, n, out[r0*oc:], oc)
	}
}
