// Package kernels holds edgeq's compute kernels: plain functions over slices,
// with no knowledge of models, tensors or the runtime.
//
// # Integer semantics
//
// Integer kernels follow TensorFlow Lite's integer quantization spec and
// reproduce its reference kernels bit for bit: real = scale * (q - zero_point),
// requantization with a Q31 fixed-point multiplier and a power-of-two shift
// (QuantizeMultiplier, MultiplyByQuantizedMultiplier), gemmlowp's rounding
// doubling high multiply and rounding divide by a power of two, and the same
// saturation. The float kernels are the float32 twins used to measure a model
// before quantization.
//
// # Shape for SIMD
//
// Weights are packed once at load (rows of K contiguous int8 per output
// channel) and the input zero point is folded into the bias, so the core of
// CONV_2D and FULLY_CONNECTED is a pure int8×int8→int32 dot product.
//
// # Assembly
//
// On arm64 the int8 CONV_2D, FULLY_CONNECTED, DEPTHWISE_CONV_2D, ADD/SUB
// and AVERAGE_POOL_2D kernels have NEON cores (files *_arm64.s), chosen at
// run time from golang.org/x/sys/cpu (cpu_arm64.go): SDOT where the CPU has
// the ARMv8.2 dot product (Cortex-A55/A76, Pi 5), plain ASIMD otherwise
// (Cortex-A53/A72, Pi 3/4). The params' Check methods pack the weights for
// the chosen core once, at load (gemm.go, dwconv.go); with -tags purego,
// or on other architectures, the generic kernels run.
// Every core has a generic twin in Go that computes the same bytes from
// the same packed layout (*_generic.go, used by the *_noasm.go stubs), and
// the tests hold each core to its twin and to the generic kernel, bit for
// bit, on both CPU kinds under qemu (make qemu-test BOARD=pi4, pi5).
//
// Instructions the Go assembler lacks are written as WORDs with the GNU
// mnemonic in a trailing comment; make asmcheck re-assembles the comments
// with binutils-aarch64-linux-gnu and compares (internal/cmd/asmcheck).
package kernels
