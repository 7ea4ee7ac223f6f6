//go:build gc && !purego

package kernels

// addInt8 adds (or subtracts) a.n int8 values, add_arm64.s; it equals
// addInt8Generic.
//
//go:noescape
func addInt8(a *addArgs)
