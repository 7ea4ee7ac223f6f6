package kernels

import "unsafe"

// Generic twins of the packed GEMM cores (gemm_arm64.s): the same results
// from the same packed layouts, in Go. Builds without the assembly use them
// (gemm_noasm.go), and the tests hold the assembly to them.

// gemmInt8Generic runs the packed GEMM a describes for any kind.
func gemmInt8Generic(a *gemmArgs, kind gemmKind) {
	bc := kind.blockChannels()
	kp := a.chunks * gemmChunk
	wBlock := kp * bc
	w := unsafe.Slice(a.w, a.blocks*wBlock)
	params := unsafe.Slice(a.params, a.blocks*4*bc)
	x := unsafe.Slice(a.x, (a.rows-1)*a.xStride+kp)
	pk := gemmPacked{kind: kind, kp: kp}
	zp, lo, hi := a.vzp32[0], int32(a.vlo[0]), int32(a.vhi[0])
	for r := range a.rows {
		xr := x[r*a.xStride : r*a.xStride+kp]
		for b := range a.blocks {
			wb := w[b*wBlock : (b+1)*wBlock]
			pb := params[b*4*bc : (b+1)*4*bc]
			n := bc
			if b == a.blocks-1 {
				n = a.tail
			}
			o := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(a.out), r*a.outStride+b*bc)), n)
			for j := range n {
				acc := pb[j]
				for t, v := range xr {
					acc += int32(v) * int32(wb[pk.wIndex(j, t)])
				}
				o[j] = requantVector(acc, pb[bc+j], pb[2*bc+j], pb[3*bc+j], zp, lo, hi)
			}
		}
	}
}

// requantVector is one lane of the cores' vector requantization, step by
// step as the instructions do it (see gemm.go): it equals the generic
// requantization for every input.
func requantVector(acc, mult, left, right, zp, lo, hi int32) int8 {
	v := acc << uint(left)                            // SSHL
	v = int32((int64(v)*int64(mult)*2 + 1<<31) >> 32) // SQRDMULH (mult >= 0: no saturation)
	if right < 0 && v < 0 {                           // AND + SSRA #31
		v--
	}
	if right < 0 { // SRSHL, rounding
		v = int32((int64(v) + 1<<uint(-right-1)) >> uint(-right))
	}
	v += zp                             // ADD, wrapping
	v16 := min(max(v, -1<<15), 1<<15-1) // SQXTN
	v8 := min(max(v16, -1<<7), 1<<7-1)  // SQXTN
	return int8(min(max(v8, lo), hi))   // SMAX, SMIN
}

// im2colSegsGeneric is the generic twin of im2colSegs.
func im2colSegsGeneric(a *im2colArgs) {
	rows := unsafe.Slice(a.rows, a.kh)
	for i := range a.n {
		d := unsafe.Add(unsafe.Pointer(a.dst), i*a.dstStride)
		for _, r := range rows {
			src := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(r), i*a.pixStride)), a.seg)
			copy(unsafe.Slice((*int8)(d), a.seg), src)
			d = unsafe.Add(d, a.seg)
		}
	}
}
