package kernels

import (
	"slices"
	"unsafe"
)

// SIMD depthwise convolution (depth multiplier 1, windows of up to 9 taps,
// any stride and dilation): the input is copied once into scratch with
// rows and columns of input zero points around it, so that every window
// lies inside it (a tap there adds InZero·w, which the folded bias takes
// back, as the generic kernel's padding does), and the core computes every
// output pixel alike:
//
//	for c0 := 0; c0 < C; c0 += 16 { // channel blocks, weights in registers
//		for oy, ox := range output {
//			acc[0:16] = Bias[c0:c0+16]
//			for t := range taps {
//				acc[0:16] += x[window(oy, ox) + tap offset t][c0:c0+16] · w[t][c0:c0+16]
//			}
//			out[oy][ox][c0:c0+16] = requantize(acc)
//		}
//	}
//
// The ASIMD core adds the products of two taps in int16 lanes (SMULL, SMLAL
// and their upper-half forms) and widens them into the int32 accumulators
// (SADDW, SADDW2); a pair fits int16 unless both weights are −128, so
// weights that hold −128 use dwWideInt8, which widens every product on its
// own. With the dot product (dwDotInt8), taps 0-3 and 4-7 are two groups:
// the inputs of a group's four taps are interleaved with ZIP1/ZIP2 (bytes,
// then halfwords) so that each 32-bit lane holds one channel's four taps,
// and one SDOT per four channels adds them (the packed weights are
// interleaved alike); tap 8 is widened on its own. The requantization is
// the GEMM cores' (gemm.go), on 16 channels at a time.

// dwTaps is the window size the depthwise core handles; smaller windows
// are padded with taps whose weights are zero.
const dwTaps = 9

// dwPacked is a depthwise convolution's weights and requantization packed
// for the core: per block of 16 channels, dwTaps weight vectors, then the
// bias, multiplier, left shift and right shift vectors.
type dwPacked struct {
	kind      dwKind
	blocks    int
	tail      int // valid channels of the last block
	w         []int8
	params    []int32
	zp        int32
	lo, hi    int32
	rightOnly bool
}

// dwKind selects the depthwise core and its weight layout.
type dwKind uint8

const (
	dwNEON dwKind = iota // dwInt8: pairs of taps in int16 lanes
	dwWide               // dwWideInt8: weights hold −128
	dwDot                // dwDotInt8: SDOT on groups of four taps
)

// wIndex returns where tap t of channel j (within its block) sits in the
// block's packed weights.
func (k dwKind) wIndex(t, j int) int {
	if k != dwDot || t == 8 {
		return t*16 + j
	}
	g, q := t/4, j/4 // tap group, channel quad
	return g*64 + q*16 + (j%4)*4 + t%4
}

// dwArgs is the argument block of the depthwise cores (offsets checked by
// TestDwArgsLayout).
type dwArgs struct {
	vzp32        [4]int32    // output zero point, int32 lanes
	vzp16        [8]int16    // output zero point, int16 lanes
	vlo, vhi     [16]int8    // clamp
	taps         [dwTaps]int // byte offset of each tap from the window's origin
	x            *int8       // window origin of output pixel (0, 0)
	rowStride    int         // bytes between the windows of two output rows
	step         int         // bytes between the windows of two output columns
	w            *int8       // packed weights
	params       *int32      // packed requantization
	blocks       int         // channel blocks
	tail         int         // valid channels of the last block
	out          *int8       // output pixel (0, 0)
	outRowStride int         // bytes between output rows
	outStep      int         // bytes between output pixels (the channel count)
	outH, outW   int
	flags        int // gemmRightOnly
}

// dwSupported reports whether the depthwise core handles p.
func dwSupported(p *DepthwiseInt8Params) bool {
	return p.DepthMul == 1 && p.KH*p.KW <= dwTaps
}

// pack packs p's weights for the SIMD depthwise core if this CPU has one
// and the core handles p (depth multiplier 1, at most 9 taps), allocating
// the packed copy once, at load; otherwise DepthwiseInt8 runs the generic
// kernel. Check calls it last.
func (p *DepthwiseInt8Params) pack() {
	p.packed = nil
	if useNEON && dwSupported(p) {
		p.packed = packDepthwise(p, useDotProd)
	}
}

func packDepthwise(p *DepthwiseInt8Params, dot bool) *dwPacked {
	c := p.OutC
	taps := p.KH * p.KW
	pk := &dwPacked{
		blocks: (c + 15) / 16, zp: p.ZeroPoint, lo: p.Min, hi: p.Max, rightOnly: true,
	}
	pk.tail = c - (pk.blocks-1)*16
	pk.kind = dwNEON
	if slices.Contains(p.Weights, -128) {
		pk.kind = dwWide
	}
	if dot {
		pk.kind = dwDot
	}
	pk.w = make([]int8, pk.blocks*dwTaps*16)
	pk.params = make([]int32, pk.blocks*4*16)
	for ch := range c {
		b, j := ch/16, ch%16
		for t := range taps {
			pk.w[b*dwTaps*16+pk.kind.wIndex(t, j)] = p.Weights[t*c+ch]
		}
		pb := pk.params[b*64:]
		shift := p.Shift[ch]
		pb[j], pb[16+j], pb[32+j], pb[48+j] = p.Bias[ch], p.Multiplier[ch], max(shift, 0), min(shift, 0)
		if shift >= 0 {
			pk.rightOnly = false
		}
	}
	return pk
}

// dwPadding returns the rows and columns of zero points the depthwise core
// needs after the input (those before are PadH and PadW).
func dwPadding(p *DepthwiseInt8Params) (bottom, right int) {
	bottom = max(0, (p.OutH-1)*p.StrideH+(p.KH-1)*p.DilationH+1-p.PadH-p.InH)
	right = max(0, (p.OutW-1)*p.StrideW+(p.KW-1)*p.DilationW+1-p.PadW-p.InW)
	return bottom, right
}

// dwPaddedSize returns the bytes of one batch's padded input, plus 16 for
// the vector loads of a last partial channel block.
func dwPaddedSize(p *DepthwiseInt8Params) int {
	bottom, right := dwPadding(p)
	return (p.PadH+p.InH+bottom)*(p.PadW+p.InW+right)*p.InC + 16
}

func depthwiseInt8PackedScratch(p *DepthwiseInt8Params) int {
	return dwPaddedSize(p)
}

// depthwiseInt8Packed runs a depthwise convolution on its packed core, one
// batch at a time.
func depthwiseInt8Packed(p *DepthwiseInt8Params, pk *dwPacked, in, out []int8, scratch []byte) {
	c := p.InC
	bottom, right := dwPadding(p)
	wp := p.PadW + p.InW + right // padded row, in pixels
	hp := p.PadH + p.InH + bottom
	size := hp * wp * c
	xp := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(scratch))), size+16)
	in = in[:p.inSize()]
	out = out[:p.outSize()]
	z := int8(p.InZero)
	a := dwArgs{
		rowStride: p.StrideH * wp * c, step: p.StrideW * c,
		w: &pk.w[0], params: &pk.params[0], blocks: pk.blocks, tail: pk.tail,
		outRowStride: p.OutW * c, outStep: c, outH: p.OutH, outW: p.OutW,
	}
	for t := range dwTaps {
		if t < p.KH*p.KW {
			ky, kx := t/p.KW, t%p.KW
			a.taps[t] = (ky*p.DilationH*wp + kx*p.DilationW) * c
		}
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
	inPlane, outPlane := p.InH*p.InW*c, p.OutH*p.OutW*c
	for b := range p.Batches {
		src := in[b*inPlane : (b+1)*inPlane]
		// The padded input: PadH rows of zero points, the input rows
		// between PadW and right columns of zero points, bottom rows.
		row := wp * c
		if b == 0 {
			// Zero points everywhere (they stay from one batch to the
			// next): the first row by hand, the others copied from it.
			fill(xp[:row], z)
			for iy := 1; iy < hp; iy++ {
				copy(xp[iy*row:(iy+1)*row], xp[:row])
			}
		}
		for iy := range p.InH {
			d := xp[(p.PadH+iy)*row+p.PadW*c : (p.PadH+iy)*row+(p.PadW+p.InW)*c]
			copy(d, src[iy*p.InW*c:(iy+1)*p.InW*c])
		}
		a.x = &xp[0]
		a.out = &out[b*outPlane]
		switch pk.kind {
		case dwDot:
			dwDotInt8(&a)
		case dwWide:
			dwWideInt8(&a)
		default:
			dwInt8(&a)
		}
	}
}
