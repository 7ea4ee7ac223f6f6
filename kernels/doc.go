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
package kernels
