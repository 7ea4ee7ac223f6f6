//go:build !arm64 || !gc || purego

package kernels

func addInt8(a *addArgs) { addInt8Generic(a) }
