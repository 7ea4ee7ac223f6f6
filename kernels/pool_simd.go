package kernels

import "unsafe"

// SIMD int8 average pool: the window sums of 16 channels at a time are
// taken in vector registers (int8 values added into int16 lanes, a window
// row at a time, then into int32 lanes); the rounding division, per output
// value, stays in Go (avgPoolInt's).

// poolArgs is the argument block of poolSumInt8 (offsets checked by
// TestPoolArgsLayout).
type poolArgs struct {
	x         *int8  // first pixel of the window, channel 0
	rowStride int    // bytes between window rows
	rows      int    // window rows
	cols      int    // window columns (at most 256: int16 lanes)
	c         int    // bytes between pixels (the channel count)
	blocks    int    // 16-channel blocks to sum
	sum       *int32 // blocks·16 sums
}

// poolSumInt8Generic is the generic twin of poolSumInt8.
func poolSumInt8Generic(a *poolArgs) {
	sum := unsafe.Slice(a.sum, a.blocks*16)
	clear(sum)
	for r := range a.rows {
		for col := range a.cols {
			x := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(a.x), r*a.rowStride+col*a.c)), a.blocks*16)
			for i, v := range x {
				sum[i] += int32(v)
			}
		}
	}
}

// avgPoolSIMD reports whether avgPoolInt8SIMD runs p.
func avgPoolSIMD(p *PoolParams) bool { return useNEON && p.InC >= 16 && p.KW <= 256 }

// avgPoolInt8SIMD is avgPoolInt for int8 with the window sums of whole
// 16-channel blocks done by poolSumInt8.
func avgPoolInt8SIMD(p *PoolParams, in, out []int8, scratch []byte) {
	c := p.InC
	sum := carve[int32](&scratch, c)
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*c]
	blocks := c / 16
	for q, w := range p.windows() {
		y0, x0, boff, ky0, ky1, kx0, kx1 := w.y0, w.x0, w.boff, w.ky0, w.ky1, w.kx0, w.kx1
		first := boff + ((y0+ky0)*p.InW+x0+kx0)*c
		_ = in[first+((ky1-ky0-1)*p.InW+kx1-kx0-1)*c+c-1]
		a := poolArgs{
			x: &in[first], rowStride: p.InW * c, rows: ky1 - ky0, cols: kx1 - kx0,
			c: c, blocks: blocks, sum: &sum[0],
		}
		poolSumInt8(&a)
		if tail := sum[blocks*16:]; len(tail) > 0 {
			clear(tail)
			for ky := ky0; ky < ky1; ky++ {
				row := boff + ((y0+ky)*p.InW+x0)*c + blocks*16
				for kx := kx0; kx < kx1; kx++ {
					x := in[row+kx*c : row+kx*c+len(tail)]
					for i, v := range x {
						tail[i] += int32(v)
					}
				}
			}
		}
		count := int32((ky1 - ky0) * (kx1 - kx0))
		half := count / 2
		o := out[q*c : (q+1)*c]
		for i, s := range sum[:len(o)] {
			if s > 0 {
				s = (s + half) / count
			} else {
				s = (s - half) / count
			}
			o[i] = int8(min(max(s, p.Min), p.Max))
		}
	}
}
