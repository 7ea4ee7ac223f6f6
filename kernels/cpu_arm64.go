//go:build gc && !purego

package kernels

import "golang.org/x/sys/cpu"

// CPU features the assembly kernels use, read once at start-up. Tests turn
// paths off with disableDotProd and disableNEON (cpu_test.go).
var (
	useNEON    = true                 // ASIMD is part of ARMv8.0
	useDotProd = cpu.ARM64.HasASIMDDP // SDOT, ARMv8.2 (Cortex-A55/A76 and newer)
)
