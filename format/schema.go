package format

//go:generate go tool msgp -file schema.go -o schema_gen.go -tests=false

// Version is the .eqm format version this package writes. Files with a higher
// version are refused by Decode with a clear error; lower versions are read.
const Version = 1

// DType is a tensor element type.
type DType uint8

const (
	Float32 DType = 1
	Int8    DType = 2
	Int16   DType = 3
	Int32   DType = 4
	UInt8   DType = 5
	Int64   DType = 6
	Bool    DType = 7
	// Int4 is a storage type for constants: two's-complement 4-bit values,
	// two to a byte, element 0 in the low nibble (as TFLite packs INT4).
	// Weight-only models keep their weights in it; the runtime unpacks
	// them at load. Activations cannot be int4.
	Int4 DType = 8
)

// Activation is a fused activation function applied to an op's output.
type Activation uint8

const (
	ActNone  Activation = 0
	ActRelu  Activation = 1
	ActRelu1 Activation = 2 // clamp to [-1, 1]
	ActRelu6 Activation = 3
	ActTanh  Activation = 4
)

// Padding is the spatial padding scheme of convolutions and pools.
type Padding uint8

const (
	PadSame  Padding = 0
	PadValid Padding = 1
)

// Model is the whole .eqm file.
type Model struct {
	Version   int        `msg:"version"`
	Meta      Metadata   `msg:"meta"`
	Tensors   []Tensor   `msg:"tensors"`
	Buffers   [][]byte   `msg:"buffers,zerocopy"`
	Operators []Operator `msg:"operators"`
	Inputs    []int32    `msg:"inputs"`  // tensor indices
	Outputs   []int32    `msg:"outputs"` // tensor indices
}

// Metadata describes where a model came from and how it was quantized.
type Metadata struct {
	Name        string `msg:"name"`
	Producer    string `msg:"producer"`
	Source      string `msg:"source"`        // e.g. "tflite"
	SourceHash  string `msg:"source_sha256"` // hex sha256 of the source file
	Description string `msg:"description"`
	QuantMethod string `msg:"quant_method"` // "", "tflite", "static", "dynamic", "weights"
	Calibration string `msg:"calibration"`  // free-form calibration summary
}

// Tensor is one tensor of the graph: a constant (Buffer >= 0) or an
// activation / variable that lives in the arena (Buffer < 0).
type Tensor struct {
	Name     string        `msg:"name"`
	Type     DType         `msg:"type"`
	Shape    []int32       `msg:"shape"`
	Buffer   int32         `msg:"buffer"`          // index into Model.Buffers, -1 when none
	Quant    *Quantization `msg:"quant,omitempty"` // nil for float / unquantized tensors
	Source   int32         `msg:"source"`          // index of this tensor in the source model
	Variable bool          `msg:"variable,omitempty"`
}

// Quantization maps integers q to reals r = Scale * (q - ZeroPoint).
// Per-tensor when len(Scale) == 1, else per-channel along Axis.
type Quantization struct {
	Scale     []float32 `msg:"scale"`
	ZeroPoint []int64   `msg:"zero_point"`
	Axis      int32     `msg:"axis"`
}

// Operator is one node of the graph. Op is the TFLite builtin name
// (e.g. "CONV_2D"); an input index of -1 marks an omitted optional input.
type Operator struct {
	Op      string  `msg:"op"`
	Version int32   `msg:"version"`
	Inputs  []int32 `msg:"inputs"`
	Outputs []int32 `msg:"outputs"`
	Options Options `msg:"options"`
	// Intermediates are tensors an op uses internally and only for their
	// quantization parameters (e.g. the gate outputs of an integer LSTM).
	Intermediates []int32 `msg:"intermediates,omitempty"`
}

// Options is the flat union of every op's options; each op reads the fields
// it needs and ignores the rest. Zero values are the defaults.
type Options struct {
	Padding         Padding    `msg:"padding,omitempty"`
	StrideW         int32      `msg:"stride_w,omitempty"`
	StrideH         int32      `msg:"stride_h,omitempty"`
	DilationW       int32      `msg:"dilation_w,omitempty"`
	DilationH       int32      `msg:"dilation_h,omitempty"`
	FilterW         int32      `msg:"filter_w,omitempty"`
	FilterH         int32      `msg:"filter_h,omitempty"`
	DepthMultiplier int32      `msg:"depth_multiplier,omitempty"`
	Activation      Activation `msg:"activation,omitempty"`
	Axis            int32      `msg:"axis,omitempty"`
	KeepDims        bool       `msg:"keep_dims,omitempty"`
	Beta            float32    `msg:"beta,omitempty"`
	NewShape        []int32    `msg:"new_shape,omitempty"`
	// FULLY_CONNECTED
	KeepNumDims              bool `msg:"keep_num_dims,omitempty"`
	AsymmetricQuantizeInputs bool `msg:"asymmetric_quantize_inputs,omitempty"`
	// SVDF
	Rank int32 `msg:"rank,omitempty"`
	// LSTM
	CellClip  float32 `msg:"cell_clip,omitempty"`
	ProjClip  float32 `msg:"proj_clip,omitempty"`
	TimeMajor bool    `msg:"time_major,omitempty"`
	// ADD / SUB
	PotScaleInt16 bool `msg:"pot_scale_int16,omitempty"`
	// LEAKY_RELU: the slope for negative inputs
	Alpha float32 `msg:"alpha,omitempty"`
}
