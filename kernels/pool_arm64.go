//go:build gc && !purego

package kernels

// poolSumInt8 sums a pooling window, pool_arm64.s; it equals
// poolSumInt8Generic.
//
//go:noescape
func poolSumInt8(a *poolArgs)
