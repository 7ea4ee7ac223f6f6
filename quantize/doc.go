// Package quantize turns float models into integer ones and measures what
// that costs: calibration observers, post-training static quantization,
// dynamic-range and weight-only modes, bias correction, and the debugger
// that finds the layer losing accuracy (per-layer SQNR).
//
// It works on format.Model and runs models with the runtime package, so a
// quantized model is measured with exactly the kernels that will run it on
// the device.
//
// # Modes
//
//	static   int8 weights and int8 activations (or int16 activations, 16x8),
//	         activation ranges from calibration data. TFLite's conventions:
//	         weights symmetric (zero point 0), per channel along axis 0 for
//	         CONV_2D and axis 3 for DEPTHWISE_CONV_2D, per tensor for
//	         FULLY_CONNECTED unless PerChannelFC; biases int32 (int64 in 16x8)
//	         with scale input scale × weight scale and zero point 0;
//	         activations asymmetric with the real 0 exactly representable;
//	         SOFTMAX and LOGISTIC outputs 1/256 with zero point -128, TANH
//	         1/128 with 0; RESHAPE, MAX_POOL_2D, AVERAGE_POOL_2D, PAD and
//	         CONCATENATION give their output their input's parameters.
//	         In 16x8 mode activations are int16 with zero point 0 (symmetric);
//	         SOFTMAX, LOGISTIC and TANH outputs are 1/32768 with 0, as
//	         TFLite's int16 kernels require. HARD_SWISH has no int16 kernel
//	         (16x8 refuses it); in int8 its output range is widened where
//	         needed to keep its input scale below 128 times its output
//	         scale, the limit of TFLite's kernel.
//	dynamic  int8 weights for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
//	         (per channel), float biases and activations; the runtime's
//	         hybrid kernels quantize each input at run time.
//	weights  int8 weights (per channel), each followed by a DEQUANTIZE: the
//	         file shrinks, the arithmetic stays float.
//
// # Graph inputs and outputs
//
// A static model's graph inputs and outputs are integer tensors carrying
// their quantization parameters, as firmware wants them; SetInput and
// Values quantize and dequantize at the boundary. Options.FloatIO keeps
// float32 inputs and outputs behind QUANTIZE and DEQUANTIZE operators
// instead.
//
// # Calibration
//
// Calibrate runs the float model twice over the calibration samples,
// observing every float activation (graph inputs and operator outputs,
// through the runtime's per-operator hook): the first pass records min and
// max, the second fills a 2048-bin histogram over that range. A range
// method turns the statistics into the real range a tensor is quantized
// to:
//
//	minmax      everything seen
//	percentile  the central p % (default 99.99) of the values
//	mse         the clipping window, shrinking [min, max] toward zero, with
//	            the least expected squared error (rounding noise Δ²/12
//	            inside, distance to the edge outside)
//	entropy     the window whose quantized histogram has the least KL
//	            divergence from the observed one (TensorRT's method)
//	auto        per tensor, the method whose quantized model's outputs are
//	            closest to the float model's on the calibration data,
//	            measured end to end with the integer kernels (greedy, in
//	            graph order, starting from mse)
//
// Tensors an operator forces to share parameters are resolved together: the
// union of their ranges, or the operator's fixed parameters.
//
// # Bias correction
//
// Rounding weights moves each output channel's mean: by Σ_j (w_q − w)[c,j]
// · E[x_j], where E[x] is the mean input patch of the layer over the
// calibration data (taps in the padding count 0). With BiasCorrection that
// shift is subtracted from the bias before it is quantized.
//
// # Debugging
//
// Evaluate runs a model on samples and reports top-1 accuracy, and with a
// reference model the top-1 agreement, the output SQNR and the SQNR of
// every tensor the two models share (matched by source tensor index, else
// by name): the layer where the SQNR falls is the one that loses the
// accuracy.
package quantize
