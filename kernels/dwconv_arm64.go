//go:build gc && !purego

package kernels

// The depthwise cores, dwconv_arm64.s. Each reads its arguments from a
// (see dwArgs) and equals dwInt8Generic for its weight layout.

// dwInt8 adds the products of two taps in int16 lanes; the weights must
// not hold −128.
//
//go:noescape
func dwInt8(a *dwArgs)

// dwWideInt8 widens every product on its own.
//
//go:noescape
func dwWideInt8(a *dwArgs)

// dwDotInt8 adds groups of four taps with SDOT (ARMv8.2 dot product).
//
//go:noescape
func dwDotInt8(a *dwArgs)
