//go:build !arm64 || !gc || purego

package kernels

func poolSumInt8(a *poolArgs) { poolSumInt8Generic(a) }
