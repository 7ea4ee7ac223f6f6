package kernels

// disableDotProd turns the dot product kernels off until the returned
// function is called: `defer disableDotProd()()`. Params checked (and so
// packed) while it is off use the ARMv8.0 cores.
func disableDotProd() func() {
	old := useDotProd
	useDotProd = false
	return func() { useDotProd = old }
}

// disableNEON turns every assembly kernel off until the returned function
// is called: params checked meanwhile run the generic code.
func disableNEON() func() {
	oldNEON, oldDot := useNEON, useDotProd
	useNEON, useDotProd = false, false
	return func() { useNEON, useDotProd = oldNEON, oldDot }
}

// testGemmKinds returns the packed GEMM kinds this build and CPU can run:
// the assembly cores the CPU has, or, without assembly, every kind through
// the generic twins.
func testGemmKinds() []gemmKind {
	if !useNEON {
		return []gemmKind{gemmDot, gemmNEON, gemmNEONWide}
	}
	kinds := []gemmKind{gemmNEON, gemmNEONWide}
	if useDotProd {
		kinds = append(kinds, gemmDot)
	}
	return kinds
}
