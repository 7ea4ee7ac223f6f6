//go:build !arm64 || !gc || purego

package kernels

// Without assembly every kernel is the generic one.
var (
	useNEON    = false
	useDotProd = false
)
