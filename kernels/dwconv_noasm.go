//go:build !arm64 || !gc || purego

package kernels

func dwInt8(a *dwArgs)     { dwInt8Generic(a, dwNEON) }
func dwWideInt8(a *dwArgs) { dwInt8Generic(a, dwWide) }
func dwDotInt8(a *dwArgs)  { dwInt8Generic(a, dwDot) }
