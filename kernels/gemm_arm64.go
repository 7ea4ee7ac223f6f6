//go:build gc && !purego

package kernels

// The packed int8 GEMM cores, gemm_arm64.s. Each reads its arguments from
// a (see gemmArgs) and equals gemmInt8Generic for its kind.

//go:noescape
func gemmDotInt8(a *gemmArgs)

//go:noescape
func gemmNEONInt8(a *gemmArgs)

//go:noescape
func gemmNEONWideInt8(a *gemmArgs)

// im2colSegs gathers convolution patches (see im2colArgs).
//
//go:noescape
func im2colSegs(a *im2colArgs)
