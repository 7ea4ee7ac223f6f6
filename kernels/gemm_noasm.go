//go:build !arm64 || !gc || purego

package kernels

func gemmDotInt8(a *gemmArgs)      { gemmInt8Generic(a, gemmDot) }
func gemmNEONInt8(a *gemmArgs)     { gemmInt8Generic(a, gemmNEON) }
func gemmNEONWideInt8(a *gemmArgs) { gemmInt8Generic(a, gemmNEONWide) }
func im2colSegs(a *im2colArgs)     { im2colSegsGeneric(a) }
