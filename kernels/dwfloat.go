package kernels

import "unsafe"

// Float depthwise convolution, one output pixel at a time: the pixel's
// taps inside the input are listed once (input and weight offsets), then
// each block of channels sums its taps in registers, in the reference's
// order (ky, kx; then the bias; then the clamp), so every output is the
// same float32 as TFLite's reference kernel computes.

func depthwiseFloatTapsScratch(p *DepthwiseFloatParams) int {
	return 4 * carveSize[int](p.KH*p.KW)
}

func depthwiseFloatTaps(p *DepthwiseFloatParams, in, out []float32, scratch []byte) {
	oc, ic, m := p.OutC, p.InC, p.DepthMul
	taps := p.KH * p.KW
	// Offsets of every tap relative to the window's top-left input value,
	// for windows inside the input, and a filtered copy for the others.
	allX, allW := carve[int](&scratch, taps), carve[int](&scratch, taps)
	someX, someW := carve[int](&scratch, taps), carve[int](&scratch, taps)
	for ky := range p.KH {
		for kx := range p.KW {
			t := ky*p.KW + kx
			allX[t] = (ky*p.DilationH*p.InW + kx*p.DilationW) * ic
			allW[t] = t * oc
		}
	}
	spanH, spanW := (p.KH-1)*p.DilationH, (p.KW-1)*p.DilationW
	in = in[:p.inSize()]
	npix := p.Batches * p.OutH * p.OutW
	out = out[:npix*oc]
	w := p.Weights[:taps*oc]
	for q := range npix {
		y0, x0, boff := p.origin(q)
		base := boff + (y0*p.InW+x0)*ic
		xoff, woff := allX, allW
		if y0 < 0 || x0 < 0 || y0+spanH >= p.InH || x0+spanW >= p.InW {
			// At the border the window's origin may lie outside the input:
			// list the taps inside with their whole offsets.
			n := 0
			for ky := range p.KH {
				iy := y0 + ky*p.DilationH
				if uint(iy) >= uint(p.InH) {
					continue
				}
				for kx := range p.KW {
					if ix := x0 + kx*p.DilationW; uint(ix) < uint(p.InW) {
						someX[n], someW[n] = boff+(iy*p.InW+ix)*ic, allW[ky*p.KW+kx]
						n++
					}
				}
			}
			base, xoff, woff = 0, someX[:n], someW[:n]
		}
		o := out[q*oc : (q+1)*oc]
		if m == 1 {
			dwFloatPixel(o, in, w, base, xoff, woff)
		} else {
			dwFloatPixelMul(o, in, w, base, xoff, woff, m)
		}
		finishFloat(o, p.Bias, p.Min, p.Max)
	}
}

// dwFloatPixel sets o[c] = Σ_t in[base+xoff[t]+c]·w[woff[t]+c], summed in
// tap order, for every channel c of a pixel (depth multiplier 1); base and
// the offsets are >= 0.
func dwFloatPixel(o, in, w []float32, base int, xoff, woff []int) {
	woff = woff[:len(xoff)]
	for t, xo := range xoff {
		// One check for all the loads below.
		_, _ = in[base+xo:base+xo+len(o)], w[woff[t]:woff[t]+len(o)]
	}
	if len(xoff) == 0 {
		clear(o)
		return
	}
	c := 0
	for ; c+8 <= len(o); c += 8 {
		x := unsafe.Add(unsafe.Pointer(unsafe.SliceData(in)), 4*(base+c))
		dwFloatTaps8((*[8]float32)(o[c:]), x, unsafe.Pointer(&w[c]), xoff, woff)
	}
	for ; c < len(o); c++ {
		var a float32
		for t, xo := range xoff {
			a += float32(in[base+xo+c] * w[woff[t]+c])
		}
		o[c] = a
	}
}

// dwFloatTaps8 sums the taps of eight channels: a[j] = Σ_t
// x[xoff[t]+j]·w[woff[t]+j], x and w pointing at the block's first
// channel (dwFloatPixel checks the offsets, and that there is a tap).
//
//go:noinline
func dwFloatTaps8(a *[8]float32, x, w unsafe.Pointer, xoff, woff []int) {
	woff = woff[:len(xoff)]
	var a0, a1, a2, a3, a4, a5, a6, a7 float32
	for t, xo := range xoff {
		xv := (*[8]float32)(unsafe.Add(x, 4*xo))
		wv := (*[8]float32)(unsafe.Add(w, 4*woff[t]))
		// The conversions keep each product rounded on its own (no fused
		// multiply-add), as in TFLite's reference build.
		a0 += float32(xv[0] * wv[0])
		a1 += float32(xv[1] * wv[1])
		a2 += float32(xv[2] * wv[2])
		a3 += float32(xv[3] * wv[3])
		a4 += float32(xv[4] * wv[4])
		a5 += float32(xv[5] * wv[5])
		a6 += float32(xv[6] * wv[6])
		a7 += float32(xv[7] * wv[7])
	}
	*a = [8]float32{a0, a1, a2, a3, a4, a5, a6, a7}
}

// dwFloatPixelMul is dwFloatPixel for a depth multiplier m > 1: output
// channel c reads input channel c/m.
func dwFloatPixelMul(o, in, w []float32, base int, xoff, woff []int, m int) {
	woff = woff[:len(xoff)]
	for c := range o {
		ic := base + c/m
		var a float32
		for t, xo := range xoff {
			a += float32(in[ic+xo] * w[woff[t]+c])
		}
		o[c] = a
	}
}

// finishFloat adds the bias (if any) to the sums in o and clamps them to
// [lo, hi].
func finishFloat(o, bias []float32, lo, hi float32) {
	if bias != nil {
		bias = bias[:len(o)]
		for c, v := range o {
			o[c] = min(max(v+bias[c], lo), hi)
		}
		return
	}
	for c, v := range o {
		o[c] = min(max(v, lo), hi)
	}
}
