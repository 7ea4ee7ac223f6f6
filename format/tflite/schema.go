package tflite

import (
	"strconv"

	"github.com/edgeq/edgeq/format"
)

// Field ids of the tables read here, in the order TFLite's schema.fbs
// declares their fields (a union takes two ids: its type, then its value).
// Only the fields the importer reads are listed.
const (
	modelVersion       = 0
	modelOperatorCodes = 1
	modelSubgraphs     = 2
	modelDescription   = 3
	modelBuffers       = 4

	subgraphTensors   = 0
	subgraphInputs    = 1
	subgraphOutputs   = 2
	subgraphOperators = 3

	tensorShape        = 0
	tensorType         = 1
	tensorBuffer       = 2
	tensorName         = 3
	tensorQuantization = 4
	tensorIsVariable   = 5
	tensorSparsity     = 6

	quantScale       = 2
	quantZeroPoint   = 3
	quantDetailsType = 4
	quantDimension   = 6

	bufferData   = 0
	bufferOffset = 1
	bufferSize   = 2

	opcodeDeprecatedBuiltin = 0
	opcodeCustomCode        = 1
	opcodeVersion           = 2
	opcodeBuiltin           = 3

	operatorOpcodeIndex   = 0
	operatorInputs        = 1
	operatorOutputs       = 2
	operatorOptionsType   = 3
	operatorOptions       = 4
	operatorIntermediates = 8
	operatorOptions2Type  = 11
)

// schemaVersion is the only TFLite schema version there is files of.
const schemaVersion = 3

// fileIdentifier is the flatbuffer file identifier of .tflite files.
const fileIdentifier = "TFL3"

// TFLite TensorType values.
var tensorTypes = map[int8]format.DType{
	0: format.Float32,
	2: format.Int32,
	3: format.UInt8,
	4: format.Int64,
	6: format.Bool,
	7: format.Int16,
	9: format.Int8,
}

var tensorTypeNames = []string{
	"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16",
	"COMPLEX64", "INT8", "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT",
	"UINT32", "UINT16", "INT4", "BFLOAT16",
}

func tensorTypeName(t int8) string {
	if t >= 0 && int(t) < len(tensorTypeNames) {
		return tensorTypeNames[t]
	}
	return "TensorType(" + strconv.Itoa(int(t)) + ")"
}

// BuiltinOptions union type values of the option tables read here.
const (
	optNone                  = 0
	optConv2D                = 1
	optDepthwiseConv2D       = 2
	optPool2D                = 5
	optSVDF                  = 6
	optFullyConnected        = 8
	optSoftmax               = 9
	optConcatenation         = 10
	optAdd                   = 11
	optReshape               = 17
	optMul                   = 21
	optReducer               = 27
	optSub                   = 28
	optUnidirectionalSeqLSTM = 71
	optLeakyRelu             = 75
)

// TFLite BuiltinOperator codes of the supported ops.
const (
	opAdd                = 0
	opAveragePool2D      = 1
	opConcatenation      = 2
	opConv2D             = 3
	opDepthwiseConv2D    = 4
	opDequantize         = 6
	opFullyConnected     = 9
	opLogistic           = 14
	opMaxPool2D          = 17
	opMul                = 18
	opRelu               = 19
	opRelu6              = 21
	opReshape            = 22
	opSoftmax            = 25
	opSVDF               = 27
	opTanh               = 28
	opCustom             = 32
	opPad                = 34
	opMean               = 40
	opSub                = 41
	opUnidirectionalLSTM = 44
	opLeakyRelu          = 98
	opQuantize           = 114
	opHardSwish          = 117
)

// supportedOps lists the builtin ops the importer accepts.
var supportedOps = map[int32]bool{
	opAdd: true, opAveragePool2D: true, opConcatenation: true, opConv2D: true,
	opDepthwiseConv2D: true, opDequantize: true, opFullyConnected: true,
	opLogistic: true, opMaxPool2D: true, opMul: true, opRelu: true, opRelu6: true,
	opReshape: true, opSoftmax: true, opSVDF: true, opTanh: true, opPad: true,
	opMean: true, opSub: true, opUnidirectionalLSTM: true, opQuantize: true,
	opLeakyRelu: true, opHardSwish: true,
}

// builtinNames holds the name of every TFLite BuiltinOperator, by code, so
// that errors can name unsupported ops too.
var builtinNames = []string{
	"ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
	"DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",
	"HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D",
	"LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM",
	"MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE",
	"RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
	"CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE",
	"PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND",
	"SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE",
	"UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN",
	"EXP", "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE",
	"BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX",
	"MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL",
	"SELECT", "SLICE", "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE",
	"EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT", "SHAPE",
	"POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK",
	"LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN",
	"FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD",
	"RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE",
	"MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N",
	"GATHER_ND", "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG",
	"QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE",
	"NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2",
	"DENSIFY", "SEGMENT_SUM", "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES",
	"CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D", "CONV_3D", "IMAG", "REAL",
	"COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT",
	"HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE",
	"READ_VARIABLE", "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL",
	"BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL", "GELU", "DYNAMIC_UPDATE_SLICE",
	"RELU_0_TO_1", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX",
	"UNSORTED_SEGMENT_SUM", "ATAN2", "UNSORTED_SEGMENT_MIN", "SIGN", "BITCAST",
	"BITWISE_XOR", "RIGHT_SHIFT", "STABLEHLO_LOGISTIC", "STABLEHLO_ADD",
	"STABLEHLO_DIVIDE", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM",
	"STABLEHLO_RESHAPE", "STABLEHLO_CLAMP", "STABLEHLO_CONCATENATE",
	"STABLEHLO_BROADCAST_IN_DIM", "STABLEHLO_CONVOLUTION", "STABLEHLO_SLICE",
	"STABLEHLO_CUSTOM_CALL", "STABLEHLO_REDUCE", "STABLEHLO_ABS", "STABLEHLO_AND",
	"STABLEHLO_COSINE", "STABLEHLO_EXPONENTIAL", "STABLEHLO_FLOOR", "STABLEHLO_LOG",
	"STABLEHLO_MINIMUM", "STABLEHLO_NEGATE", "STABLEHLO_OR", "STABLEHLO_POWER",
	"STABLEHLO_REMAINDER", "STABLEHLO_RSQRT", "STABLEHLO_SELECT",
	"STABLEHLO_SUBTRACT", "STABLEHLO_TANH", "STABLEHLO_SCATTER",
	"STABLEHLO_COMPARE", "STABLEHLO_CONVERT", "STABLEHLO_DYNAMIC_SLICE",
	"STABLEHLO_DYNAMIC_UPDATE_SLICE", "STABLEHLO_PAD", "STABLEHLO_IOTA",
	"STABLEHLO_DOT_GENERAL", "STABLEHLO_REDUCE_WINDOW", "STABLEHLO_SORT",
	"STABLEHLO_WHILE", "STABLEHLO_GATHER", "STABLEHLO_TRANSPOSE", "DILATE",
	"STABLEHLO_RNG_BIT_GENERATOR", "REDUCE_WINDOW", "STABLEHLO_COMPOSITE", "COMPLEX",
}

// builtinName returns the schema name of a builtin code, or BUILTIN(n) for
// a code newer than this table.
func builtinName(code int32) string {
	if code >= 0 && int(code) < len(builtinNames) {
		return builtinNames[code]
	}
	return "BUILTIN(" + strconv.Itoa(int(code)) + ")"
}
