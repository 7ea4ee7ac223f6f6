// Package tflite imports TensorFlow Lite models (.tflite flatbuffers) into
// edgeq's .eqm format.
//
// # Reading the flatbuffer
//
// The importer reads the file with flatbuffers-go through small hand-written
// accessors (fb.go) for the part of TFLite's schema.fbs it needs: Model,
// SubGraph, Tensor, Buffer, QuantizationParameters, OperatorCode, Operator
// and the option tables of the supported ops. flatbuffers-go trusts every
// offset and panics on a bad one, so every table, vtable, field, vector and
// string is bounds-checked against the file before it is read. Field ids
// come from schema.fbs (the position of the field in its table; a union
// takes two ids).
//
// # Mapping
//
// Only subgraph 0 is imported; other subgraphs are ignored, and ops that call
// them (CALL, IF, WHILE, ...) are not supported. Tensor i of the .eqm is
// tensor i of the subgraph (Tensor.Source = i). A tensor whose buffer holds
// data becomes a constant pointing at a slice of the input (not a copy);
// buffers shared by several tensors stay shared; every other tensor gets
// Buffer -1. Shapes come from `shape`; `shape_signature` is ignored.
// Quantization is kept when it has scales (min/max-only parameters are
// dropped); per-tensor parameters get axis 0, as does a vector quantized
// along a dimension it does not have (some converters copy the filter's
// dimension onto the bias). An operator's code is the larger of
// deprecated_builtin_code and builtin_code; its name is the TFLite builtin
// name ("CONV_2D"), its version the operator code's version. Options map
// onto format.Options field by field; TFLite's padding and fused-activation
// enums number their values as format does. Operator codes that no operator
// uses are ignored, whatever they are.
//
// Supported ops: ADD, AVERAGE_POOL_2D, CONCATENATION, CONV_2D,
// DEPTHWISE_CONV_2D, DEQUANTIZE, FULLY_CONNECTED, HARD_SWISH, LEAKY_RELU,
// LOGISTIC, MAX_POOL_2D, MEAN, MUL, PAD, QUANTIZE, RELU, RELU6, RESHAPE,
// SOFTMAX, SUB, SVDF, TANH, UNIDIRECTIONAL_SEQUENCE_LSTM. Supported tensor types: FLOAT32, INT8,
// INT16, INT32, UINT8, INT64, BOOL. Anything else, custom ops included, is
// an error that names every offending operator or tensor with its index,
// e.g. `tflite: unsupported operators: #3 GATHER, #7 WHILE`.
//
// # Limits
//
// Import refuses sparse tensors, custom quantization, shuffled
// FULLY_CONNECTED weights, diagonal-recurrent LSTMs, schema versions other
// than 3 and files without the TFL3 identifier, then validates the result
// with format's Validate, so an imported model obeys format's limits. It
// returns an error, never panics, on any input.
package tflite
