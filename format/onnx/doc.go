// Package onnx imports ONNX float models (.onnx, a serialized ModelProto)
// into edgeq's .eqm format, translating ONNX's NCHW operators into the
// TFLite-style NHWC operators the runtime executes.
//
// # Reading the protobuf
//
// The importer decodes the file with google.golang.org/protobuf's
// protowire, without generated code, reading only the fields it needs of
// onnx.proto's ModelProto (ir_version, opset_import, graph), GraphProto
// (node, initializer, input, output, value_info), NodeProto,
// AttributeProto (f, i, s, t, floats, ints), TensorProto (dims,
// data_type, raw_data or float_data / int32_data / int64_data /
// double_data / uint64_data) and ValueInfoProto's tensor type and shape;
// other fields are skipped. Field numbers come from onnx.proto. Every
// length and wire type is checked: a malformed file is an error wrapping
// "malformed protobuf" that says where it is (e.g. graph.node[3]), never a
// panic. Initializers are decoded when an operator reads them, so unused
// ones cost nothing; float16 and double become float32, every integer
// type int64. Models with external data, sparse initializers or segmented
// tensors are refused.
//
// # Versions and domains
//
// The model must import the default domain (ai.onnx) at an opset from
// MinOpset (11) to MaxOpset (21); the importer follows each op's
// semantics at that opset (Softmax's axis before 13, Squeeze, Unsqueeze
// and ReduceMean taking axes as inputs from 13 and 18, ...). Nodes of any
// other domain are refused, as are op types the importer does not know:
// one error names every such node with its index, e.g.
// `onnx: unsupported operators: #3 Resize, #7 Gelu (domain "com.microsoft")`.
// Opset entries for other domains that no node uses are ignored.
//
// # Layout
//
// ONNX computes in NCHW; the runtime, like TFLite, in NHWC. Every value of
// the graph is held by an .eqm tensor in some layout, a permutation of its
// ONNX dimensions: convolutions and pools produce NHWC tensors, rank-2
// values stay as they are, and elementwise ops keep their input's layout
// (their constant operands are permuted to match). An op that needs
// another layout gets the tensor through a RESHAPE when that moves no
// bytes (e.g. one channel) and a TRANSPOSE otherwise, each conversion made
// once. ONNX Transpose nodes cost nothing: they change a value's layout,
// not its bytes.
//
// Flattening an NHWC tensor to [N, C·H·W] (Flatten, or Reshape to
// [N, -1]) would need a TRANSPOSE to get ONNX's channel-first order;
// instead the importer keeps the NHWC order and, when a Gemm or MatMul
// reads the flattened tensor, permutes that layer's weight columns so it
// computes the same function. Other readers get ONNX's order through a
// TRANSPOSE.
//
// Graph inputs of rank 4 are NCHW in ONNX and become NHWC .eqm inputs:
// an input [N, C, H, W] is fed as [N, H, W, C] data (the same bytes when
// C is 1). Rank-4 graph outputs are NHWC too. A model converted from
// TensorFlow, whose input every reader transposes with perm [0 3 1 2] and
// whose output is transposed with perm [0 2 3 1], keeps both as they are.
// Other ranks keep ONNX's order. A symbolic first (batch) dimension
// becomes 1; other dimensions must be static.
//
// # Operators
//
//	Conv                 CONV_2D (weights [O,H,W,I/groups], grouped too), or
//	                     DEPTHWISE_CONV_2D when group = channels (weights
//	                     [1,H,W,C·multiplier]); pads become SAME when they
//	                     equal TFLite's SAME for the strides, else a PAD
//	                     then VALID; dilations, strides, auto_pad
//	BatchNormalization   folded into the Conv it follows (when it is the
//	                     Conv's only reader), else MUL and ADD
//	Relu, Clip           the fused activation of the op computing their
//	                     input (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
//	                     ADD, SUB, MUL, pools) when they are its only
//	                     reader, else a standalone op: Relu and Clip to
//	                     [0, ∞) as RELU, Clip to [0, 6] as RELU6, to
//	                     [-1, 1] as RELU_N1_TO_1 (which the runtime cannot
//	                     run standalone yet). Other Clip ranges are refused.
//	MaxPool              MAX_POOL_2D; padding other than SAME or VALID by a
//	                     PAD with zeros when the input has no negative
//	                     value (a Relu's output), else a PADV2 with the
//	                     lowest float; ceil_mode
//	AveragePool          AVERAGE_POOL_2D: count_include_pad 0 with padding
//	                     SAME or VALID can express, 1 with a PAD first;
//	                     other combinations are refused
//	GlobalAveragePool    MEAN over H and W, keeping them
//	GlobalMaxPool        MAX_POOL_2D over the whole input
//	Gemm                 FULLY_CONNECTED with constant B (transB either
//	                     way; alpha folded into the weights) and constant C
//	                     (one value per output, or one for all, times beta)
//	                     as the bias; transA is refused
//	MatMul               FULLY_CONNECTED by a constant matrix (keep_num_dims
//	                     for inputs of rank > 2), absorbing an Add of a
//	                     constant vector that follows as the bias
//	Add, Sub, Mul, Div   ADD, SUB, MUL with numpy broadcasting; Div only by
//	                     a constant (a MUL by its reciprocal)
//	Sigmoid, Tanh        LOGISTIC, TANH
//	LeakyRelu            LEAKY_RELU with its alpha (default 0.01)
//	HardSwish            HARD_SWISH
//	HardSigmoid          only in x·HardSigmoid(x) with alpha 1/6 and beta
//	                     0.5 (hard swish before opset 14), the Mul its only
//	                     reader: one HARD_SWISH
//	Softmax              SOFTMAX over the last stored dimension (ONNX's
//	                     last axis, or the channels of an NHWC tensor);
//	                     before opset 13 the flattened tail, with RESHAPEs
//	Concat               CONCATENATION, the axis mapped to the layout
//	Flatten, Reshape,    RESHAPE (or nothing, see Layout); Reshape's shape
//	Squeeze, Unsqueeze   must be constant
//	Transpose            nothing (a layout change); TRANSPOSE when a reader
//	                     needs the data moved
//	ReduceMean           MEAN over the mapped axes
//	Pad                  PAD, or PADV2 for a non-zero value (constant mode,
//	                     constant pads)
//	Identity, Dropout    nothing
//	Constant, Shape,     folded at import (shape arithmetic on constants);
//	Gather, Cast         Cast of an activation only to float
//
// Every op works on float32 tensors. Constants in other positions than
// the ones above (a computed weight, both operands of an Add constant,
// ...) are refused: the importer does not fold constant expressions.
//
// # Tensors
//
// Tensor names carry over from ONNX; tensors the importer adds (layout
// conversions, paddings, shapes) are named after the value they serve,
// e.g. "conv1/padded". Tensor.Source numbers the ONNX graph's values in a
// stable order: the graph inputs in order, then the initializers not
// already numbered, in order, then every node's outputs, node by node;
// a weight reordered for NHWC keeps its initializer's number, a fused op's
// output the number of the value it computes last (the Relu's, not the
// Conv's), and tensors the importer adds get -1. Shapes the graph declares
// (value_info, outputs) are checked against the shapes the importer
// computes. Meta.Source is "onnx"; Meta.Name is left for the caller.
//
// # Limits
//
// Import validates the result with format's Validate, so an imported
// model obeys format's limits (MaxTensors, MaxRank, MaxTensorBytes, ...);
// shapes are checked before any data is allocated. It returns an error,
// never panics, on any input.
package onnx
