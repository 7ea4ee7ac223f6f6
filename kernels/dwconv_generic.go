package kernels

import "unsafe"

// dwInt8Generic is the generic twin of the depthwise cores (dwInt8,
// dwWideInt8, dwDotInt8): the same results from the same arguments and
// weight layout, in Go.
func dwInt8Generic(a *dwArgs, kind dwKind) {
	zp, lo, hi := a.vzp32[0], int32(a.vlo[0]), int32(a.vhi[0])
	w := unsafe.Slice(a.w, a.blocks*dwTaps*16)
	params := unsafe.Slice(a.params, a.blocks*64)
	for b := range a.blocks {
		n := 16
		if b == a.blocks-1 {
			n = a.tail
		}
		pb := params[b*64 : (b+1)*64]
		for oy := range a.outH {
			for ox := range a.outW {
				origin := unsafe.Add(unsafe.Pointer(a.x), oy*a.rowStride+ox*a.step+b*16)
				o := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(a.out), oy*a.outRowStride+ox*a.outStep+b*16)), n)
				for j := range n {
					acc := pb[j]
					for t, off := range a.taps {
						x := *(*int8)(unsafe.Add(origin, off+j))
						acc += int32(x) * int32(w[b*dwTaps*16+kind.wIndex(t, j)])
					}
					o[j] = requantVector(acc, pb[16+j], pb[32+j], pb[48+j], zp, lo, hi)
				}
			}
		}
	}
}
