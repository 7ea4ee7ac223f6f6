// Package format defines the .eqm model file: the one format edgeq's tools
// write and its runtime reads. Importers (format/tflite, format/onnx) turn
// other formats into a Model; Encode writes it; Decode reads it back,
// refusing anything malformed, and the runtime loads it.
//
// # File layout
//
// An .eqm file is one msgpack map, the Model, with string keys (see the msg
// tags in schema.go; schema_gen.go is generated from it by `go generate`).
// Some keys are left out when their value is empty (omitempty); a missing
// key reads as its zero value, so keys whose zero means something, like a
// tensor's buffer, are always written.
//
//	version    int        format version, see below
//	meta       map        name, producer, source, source_sha256, description,
//	                      quant_method, calibration
//	tensors    [map]      name, type (DType), shape [int32], buffer (index into
//	                      buffers, -1 for none), quant (scale [float32],
//	                      zero_point [int64], axis), source, variable
//	buffers    [bin]      raw little-endian constant data, row-major
//	operators  [map]      op (TFLite builtin name, e.g. "CONV_2D"), version,
//	                      inputs [int32] (-1 = omitted optional input),
//	                      outputs [int32], options (one flat map for every op),
//	                      intermediates [int32] (tensors read only for their
//	                      quantization, e.g. by an integer LSTM)
//	inputs     [int32]    graph input tensors
//	outputs    [int32]    graph output tensors
//
// A tensor is constant when its Buffer is >= 0: the buffer then holds exactly
// NumElements()*Type.Size() bytes. Activations, graph inputs and variables
// without an initial value have Buffer -1; an empty buffer does not mean "no
// data" (it is only valid for a tensor with zero elements), so a reader never
// mistakes a missing constant for an activation. Several tensors may share a
// buffer. Decode does not copy buffers: they are slices of the file's bytes,
// so weights embedded with go:embed or mmapped stay where they are.
//
// Quantization follows TFLite: real = Scale * (q - ZeroPoint), one scale per
// tensor or, when there are several, one per index of dimension Axis.
//
// # Versioning
//
// Version is the version this package writes. Decode reads any file from
// version 1 up to Version and refuses newer ones with a clear error, before
// decoding anything else. Unknown map keys are skipped, so adding a field is
// not a version change; changing what an existing field means is, and bumps
// Version.
//
// # Limits
//
// Model files are untrusted input. Decode checks the msgpack structure before
// decoding it: no array or map may hold more than 65536 items, nor claim more
// items than there are bytes left, and nothing may follow the model. Validate
// (called by Decode and Encode) then bounds the model itself: at most
// MaxTensors tensors and buffers, MaxOperators operators, MaxRank dimensions,
// MaxTensorBytes bytes per tensor; every index in range; every constant's
// buffer exactly the size its shape needs; scales finite and positive; zero
// points within their type. Decode returns an error, never panics.
package format
