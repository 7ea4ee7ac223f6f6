package kernels

// Temporary: the previous depthwise kernel, for A/B benchmarks.

// old_dwTile is the length, in pixels, of a tile of repeated depthwise weights.
func old_dwTile(channels int) int { return max(1, 64/channels) }

// old_dwWindowWidth is the width of the padded window row, in pixels.
func old_dwWindowWidth(g *ConvGeom) int { return (g.OutW-1)*g.StrideW + (g.KW-1)*g.DilationW + 1 }

func old_depthwiseInt8GenericScratch(p *DepthwiseInt8Params) int {
	cc := p.OutC
	wp := old_dwWindowWidth(&p.ConvGeom)
	taps := p.KH * p.KW
	size := carveSize[int64](p.OutW*cc) + carveSize[int64](wp*cc) + p.InW*p.InC + taps*old_dwTile(cc)*cc
	if taps > chunkOr(p.laneChunk) {
		size += carveSize[int32](3 * p.OutW * cc)
	}
	return size
}

func old_depthwiseInt8Generic(p *DepthwiseInt8Params, in, out []int8, scratch []byte) {
	cc := p.OutC
	ow := p.OutW
	wp := old_dwWindowWidth(&p.ConvGeom)
	taps := p.KH * p.KW
	tile := old_dwTile(cc) * cc
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
		o := (old_dwPhaseStart(wp, p.StrideW, ph) + j) * cc
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
				old_dwLaneRow(row, inRow(b, iy), x1, x2, &p.ConvGeom, p.DepthMul, int8(p.InZero))
				for kx := 0; kx < p.KW; {
					group := 1
					if p.KW-kx >= 3 {
						group = 3
					}
					if pending+group > chunk {
						old_dwMoveLanes(sums, acc)
						pending = 0
					}
					t := ky*p.KW + kx
					if group == 3 {
						old_macLaneSpans3(acc, span(kx), span(kx+1), span(kx+2),
							wt[t*tile:(t+1)*tile], wt[(t+1)*tile:(t+2)*tile], wt[(t+2)*tile:(t+3)*tile])
					} else {
						old_macLaneSpans1(acc, span(kx), wt[t*tile:(t+1)*tile])
					}
					pending += group
					kx += group
				}
			}
			if sums != nil {
				old_dwMoveLanes(sums, acc)
			}
			o := ((b*p.OutH + oy) * ow) * cc
			n := ow * cc
			old_requantizeLaneRows(out[o:o+rows*n], acc, sums, p.Bias, &p.Requant)
		}
	}
}

// old_dwMoveLanes adds the lane sums of acc to the three int32 rows of sums and
// clears acc.
func old_dwMoveLanes(sums []int32, acc []int64) {
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

// old_requantizeLaneRows requantizes up to three output rows (len(out)/len(acc)
// of them) from lane-packed accumulators, plus the int32 rows of sums if
// not nil; pixels have len(bias) channels.
func old_requantizeLaneRows(out []int8, acc []int64, sums []int32, bias []int32, r *Requant) {
	n := len(acc)
	c := len(bias)
	rows := len(out) / n
	var d [3][]int8
	for i := range 3 {
		d[i] = out[min(i, rows-1)*n : (min(i, rows-1)+1)*n] // missing rows alias the last, written last
	}
	if r.rightOnly && sums == nil {
		for i := 0; i+c <= n; i += c {
			old_requantLanesRight(d[2][i:i+c], d[1][i:i+c], d[0][i:i+c], acc[i:i+c], bias, r)
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

// old_requantLanesRight requantizes one pixel of lane-packed accumulators for
// a right-shift-only requantization: lane c to d2, b to d1, a to d0 (in
// that order, so aliased rows end with the lower lanes).
func old_requantLanesRight(d2, d1, d0 []int8, acc []int64, bias []int32, r *Requant) {
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

// old_dwPhaseStart returns the first pixel of phase ph in a window row of wp
// pixels split into s phases.
func old_dwPhaseStart(wp, s, ph int) int {
	// Phase r holds ceil((wp-r)/s) pixels.
	n := 0
	for r := range ph {
		n += (wp - r + s - 1) / s
	}
	return n
}

// old_dwLaneRow builds the lane-packed window row of input rows x0, x1, x2
// (InW×InC values each) into dst: padded with z, channels repeated mult
// times, split into StrideW phases.
func old_dwLaneRow(dst []int64, x0, x1, x2 []int8, g *ConvGeom, mult int, z int8) {
	cc := g.InC * mult
	wp := len(dst) / cc
	s := g.StrideW
	zz := pack3(z, z, z)
	if s == 1 && mult == 1 {
		lead := min(g.PadW, wp)
		n := min(g.InW, wp-lead) * cc
		old_dwFill(dst[:lead*cc], zz)
		d := dst[lead*cc : lead*cc+n]
		a, b, c := x0[:n], x1[:n], x2[:n]
		for i := range d {
			d[i] = pack3(a[i], b[i], c[i])
		}
		old_dwFill(dst[lead*cc+n:], zz)
		return
	}
	o := 0
	for ph := range s {
		for u := ph; u < wp; u += s {
			d := dst[o : o+cc]
			o += cc
			ix := u - g.PadW
			if uint(ix) >= uint(g.InW) {
				old_dwFill(d, zz)
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
				old_dwFill(d[i*mult:(i+1)*mult], pack3(v, b[i], c[i]))
			}
		}
	}
}

func old_dwFill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// old_macLaneSpans3 adds three taps over a span of lane-packed values:
// acc[i] += x0[i]·w0[i] + x1[i]·w1[i] + x2[i]·w2[i], where the w are tiles
// repeated along the span.
func old_macLaneSpans3(acc, x0, x1, x2 []int64, w0, w1, w2 []int8) {
	tile := len(w0)
	for i := 0; i < len(acc); i += tile {
		n := min(tile, len(acc)-i)
		old_macLanes3(acc[i:i+n], x0[i:i+n], x1[i:i+n], x2[i:i+n], w0, w1, w2)
	}
}

// old_macLaneSpans1 is old_macLaneSpans3 for one tap.
func old_macLaneSpans1(acc, x []int64, w []int8) {
	tile := len(w)
	for i := 0; i < len(acc); i += tile {
		n := min(tile, len(acc)-i)
		old_macLanes1(acc[i:i+n], x[i:i+n], w)
	}
}

//go:noinline
func old_macLanes1(acc, x []int64, w []int8) {
	n := len(acc)
	x, w = x[:n], w[:n]
	for c := range acc {
		acc[c] += x[c] * int64(w[c])
	}
}

//go:noinline
func old_macLanes3(acc, x0, x1, x2 []int64, w0, w1, w2 []int8) {
	n := len(acc)
	x0, x1, x2 = x0[:n], x1[:n], x2[:n]
	w0, w1, w2 = w0[:n], w1[:n], w2[:n]
	for c := range acc {
		acc[c] += x0[c]*int64(w0[c]) + x1[c]*int64(w1[c]) + x2[c]*int64(w2[c])
	}
}
