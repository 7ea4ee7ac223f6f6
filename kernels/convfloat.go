package kernels

// Float convolution: the patches of a tile of output pixels are gathered
// into scratch (taps outside the input read 0, which adds nothing), or, for
// a 1×1 convolution with stride 1 and no padding, are the input rows
// themselves. Then, for each pair of output channels, the pair's two weight
// rows meet every pair of patches of the tile: the weights stay in L1 cache
// across the tile and every load feeds two products. Each output is one dot
// product accumulated in tap order, then the bias, then the clamp, as in
// TFLite's reference kernel.

// convFloatTile returns how many output pixels a tile holds for patches of
// k taps: an even number from 2 to 16, near convTileBytes of patches.
func convFloatTile(k int) int {
	return min(max(convTileBytes/(4*k), 2), 16) &^ 1
}

// convFloatDirect reports whether the convolution's patches are its input
// rows.
func convFloatDirect(p *ConvFloatParams) bool {
	return p.KH == 1 && p.KW == 1 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 0 && p.PadW == 0 &&
		p.FilterInC == p.InC && p.OutH == p.InH && p.OutW == p.InW
}

func convFloatTiledScratch(p *ConvFloatParams) int {
	if convFloatDirect(p) {
		return 0
	}
	k := p.KH * p.KW * p.FilterInC
	return carveSize[float32](convFloatTile(k) * k)
}

func convFloatTiled(p *ConvFloatParams, in, out []float32, scratch []byte) {
	fic := p.FilterInC
	k := p.KH * p.KW * fic
	oc := p.OutC
	groups := p.InC / fic
	ocPerGroup := oc / groups
	tile := convFloatTile(k)
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*oc]
	w := p.Weights[:oc*k]
	direct := convFloatDirect(p)
	var xs []float32
	if !direct {
		xs = carve[float32](&scratch, tile*k)
	}
	for p0 := 0; p0 < npix; p0 += tile {
		n := min(tile, npix-p0)
		for g := range groups {
			var x []float32
			if direct {
				x = in[p0*k : (p0+n)*k] // the patches are the input rows
			} else {
				for i := range n {
					gatherPatch(&p.ConvGeom, xs[i*k:(i+1)*k], in, p0+i, g*fic, fic)
				}
				x = xs[:n*k]
			}
			o := out[p0*oc : (p0+n)*oc]
			c0, c1 := g*ocPerGroup, (g+1)*ocPerGroup
			c := c0
			for ; c+2 <= c1; c += 2 {
				p.pairTile(o, x, w[c*k:(c+2)*k], c)
			}
			if c < c1 {
				p.oneTile(o, x, w[c*k:(c+1)*k], c)
			}
		}
	}
}

// pairTile computes output channels c and c+1 (weight rows w) of the tile's
// pixels, whose patches are the rows of x, into o (rows of OutC).
func (p *ConvFloatParams) pairTile(o, x, w []float32, c int) {
	k, oc := len(w)/2, p.OutC
	n := len(x) / k
	var b0, b1 float32
	if p.Bias != nil {
		b := p.Bias[c : c+2]
		b0, b1 = b[0], b[1]
	}
	lo, hi := p.Min, p.Max
	i := 0
	for ; i+2 <= n; i += 2 {
		a0, a1, d0, d1 := dotFloat2x2w(x[i*k:(i+1)*k], x[(i+1)*k:(i+2)*k], w)
		oa := o[i*oc+c : i*oc+c+2]
		ob := o[(i+1)*oc+c : (i+1)*oc+c+2]
		if p.Bias != nil {
			a0, a1, d0, d1 = a0+b0, a1+b1, d0+b0, d1+b1
		}
		oa[0], oa[1] = min(max(a0, lo), hi), min(max(a1, lo), hi)
		ob[0], ob[1] = min(max(d0, lo), hi), min(max(d1, lo), hi)
	}
	if i < n {
		xa := x[i*k : (i+1)*k]
		a0, a1 := dotFloat(xa, w[:k]), dotFloat(xa, w[k:2*k])
		if p.Bias != nil {
			a0, a1 = a0+b0, a1+b1
		}
		oa := o[i*oc+c : i*oc+c+2]
		oa[0], oa[1] = min(max(a0, lo), hi), min(max(a1, lo), hi)
	}
}

// oneTile is pairTile for the single channel c.
func (p *ConvFloatParams) oneTile(o, x, w []float32, c int) {
	k, oc := len(w), p.OutC
	for i := range len(x) / k {
		a := dotFloat(x[i*k:(i+1)*k], w)
		if p.Bias != nil {
			a += p.Bias[c]
		}
		o[i*oc+c] = min(max(a, p.Min), p.Max)
	}
}

// gatherPatch copies output pixel q's patch of fic input channels from c0
// into dst in [KH][KW][fic] order, zeros for taps outside the input.
func gatherPatch[T float32 | int16](g *ConvGeom, dst, in []T, q, c0, fic int) {
	y0, x0, boff := g.origin(q)
	t := 0
	for ky := range g.KH {
		iy := y0 + ky*g.DilationH
		for kx := range g.KW {
			ix := x0 + kx*g.DilationW
			d := dst[t : t+fic]
			t += fic
			if uint(iy) < uint(g.InH) && uint(ix) < uint(g.InW) {
				o := boff + (iy*g.InW+ix)*g.InC + c0
				copy(d, in[o:o+fic])
			} else {
				clear(d)
			}
		}
	}
}

// dotFloat2x2w returns the dot products of rows xa, xb with the two weight
// rows of w (rows of len(xa)), each accumulated in order.
//
//go:noinline
func dotFloat2x2w(xa, xb, w []float32) (a0, a1, b0, b1 float32) {
	n := len(xa)
	xb, w = xb[:n], w[:2*n]
	w0, w1 := w[:n], w[n:][:n]
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
