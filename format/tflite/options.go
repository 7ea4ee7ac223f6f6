package tflite

import (
	"errors"
	"fmt"

	"github.com/edgeq/edgeq/format"
)

// Field ids of the option tables, from schema.fbs.
const (
	// Conv2DOptions
	convPadding    = 0
	convStrideW    = 1
	convStrideH    = 2
	convActivation = 3
	convDilationW  = 4
	convDilationH  = 5

	// DepthwiseConv2DOptions
	dwPadding         = 0
	dwStrideW         = 1
	dwStrideH         = 2
	dwDepthMultiplier = 3
	dwActivation      = 4
	dwDilationW       = 5
	dwDilationH       = 6

	// Pool2DOptions
	poolPadding    = 0
	poolStrideW    = 1
	poolStrideH    = 2
	poolFilterW    = 3
	poolFilterH    = 4
	poolActivation = 5

	// FullyConnectedOptions
	fcActivation    = 0
	fcWeightsFormat = 1
	fcKeepNumDims   = 2
	fcAsymmetric    = 3

	// SVDFOptions
	svdfRank       = 0
	svdfActivation = 1
	svdfAsymmetric = 2

	// UnidirectionalSequenceLSTMOptions
	lstmActivation = 0
	lstmCellClip   = 1
	lstmProjClip   = 2
	lstmTimeMajor  = 3
	lstmAsymmetric = 4
	lstmDiagonal   = 5

	// AddOptions, SubOptions (MulOptions has only the activation)
	arithActivation = 0
	arithPotScale   = 1

	softmaxBeta      = 0 // SoftmaxOptions
	concatAxis       = 0 // ConcatenationOptions
	concatActivation = 1
	reshapeNewShape  = 0 // ReshapeOptions
	reducerKeepDims  = 0 // ReducerOptions
	leakyReluAlpha   = 0 // LeakyReluOptions
)

// optionTypes gives the BuiltinOptions type each op with options carries.
// Ops not listed (QUANTIZE, PAD, RELU, ...) have no options worth reading.
var optionTypes = map[int32]uint8{
	opConv2D:             optConv2D,
	opDepthwiseConv2D:    optDepthwiseConv2D,
	opAveragePool2D:      optPool2D,
	opMaxPool2D:          optPool2D,
	opFullyConnected:     optFullyConnected,
	opSVDF:               optSVDF,
	opUnidirectionalLSTM: optUnidirectionalSeqLSTM,
	opAdd:                optAdd,
	opSub:                optSub,
	opMul:                optMul,
	opSoftmax:            optSoftmax,
	opConcatenation:      optConcatenation,
	opReshape:            optReshape,
	opMean:               optReducer,
	opLeakyRelu:          optLeakyRelu,
}

// options fills o from the op's builtin options table t of union type typ.
// An absent table leaves TFLite's defaults for a missing table (all zero,
// dilation 1); a table of the wrong type is an error.
func (im *importer) options(code int32, typ uint8, t table, o *format.Options) error {
	want, has := optionTypes[code]
	if !has {
		return nil
	}
	if typ == optNone || !t.ok {
		t = table{r: im.r} // every field reads as its default
	} else if typ != want {
		return fmt.Errorf("builtin options of type %d, want %d", typ, want)
	}
	var pad, act int8 // enums, checked below
	switch code {
	case opConv2D:
		pad = t.int8(convPadding, 0)
		o.StrideW = t.int32(convStrideW, 0)
		o.StrideH = t.int32(convStrideH, 0)
		act = t.int8(convActivation, 0)
		o.DilationW = t.int32(convDilationW, 1)
		o.DilationH = t.int32(convDilationH, 1)
	case opDepthwiseConv2D:
		pad = t.int8(dwPadding, 0)
		o.StrideW = t.int32(dwStrideW, 0)
		o.StrideH = t.int32(dwStrideH, 0)
		o.DepthMultiplier = t.int32(dwDepthMultiplier, 0)
		act = t.int8(dwActivation, 0)
		o.DilationW = t.int32(dwDilationW, 1)
		o.DilationH = t.int32(dwDilationH, 1)
	case opAveragePool2D, opMaxPool2D:
		pad = t.int8(poolPadding, 0)
		o.StrideW = t.int32(poolStrideW, 0)
		o.StrideH = t.int32(poolStrideH, 0)
		o.FilterW = t.int32(poolFilterW, 0)
		o.FilterH = t.int32(poolFilterH, 0)
		act = t.int8(poolActivation, 0)
	case opFullyConnected:
		act = t.int8(fcActivation, 0)
		if f := t.int8(fcWeightsFormat, 0); f != 0 {
			return fmt.Errorf("weights format %d (shuffled) is not supported", f)
		}
		o.KeepNumDims = t.bool(fcKeepNumDims, false)
		o.AsymmetricQuantizeInputs = t.bool(fcAsymmetric, false)
	case opSVDF:
		o.Rank = t.int32(svdfRank, 0)
		act = t.int8(svdfActivation, 0)
		o.AsymmetricQuantizeInputs = t.bool(svdfAsymmetric, false)
	case opUnidirectionalLSTM:
		act = t.int8(lstmActivation, 0)
		o.CellClip = t.float32(lstmCellClip, 0)
		o.ProjClip = t.float32(lstmProjClip, 0)
		o.TimeMajor = t.bool(lstmTimeMajor, false)
		o.AsymmetricQuantizeInputs = t.bool(lstmAsymmetric, false)
		if t.bool(lstmDiagonal, false) {
			return errors.New("diagonal recurrent tensors are not supported")
		}
	case opAdd, opSub:
		act = t.int8(arithActivation, 0)
		// The schema default is true, but TFLite reads false when the
		// whole table is missing.
		o.PotScaleInt16 = t.bool(arithPotScale, t.ok)
	case opMul:
		act = t.int8(arithActivation, 0)
	case opSoftmax:
		o.Beta = t.float32(softmaxBeta, 0)
	case opConcatenation:
		o.Axis = t.int32(concatAxis, 0)
		act = t.int8(concatActivation, 0)
	case opReshape:
		if n := t.vectorLen(reshapeNewShape, 4); n > format.MaxRank {
			return fmt.Errorf("new_shape has %d dimensions, limit is %d", n, format.MaxRank)
		}
		o.NewShape = t.int32s(reshapeNewShape)
	case opMean:
		o.KeepDims = t.bool(reducerKeepDims, false)
	case opLeakyRelu:
		o.Alpha = t.float32(leakyReluAlpha, 0)
	}
	if code == opConv2D || code == opDepthwiseConv2D {
		// Some converters write 0 for "no dilation".
		if o.DilationW == 0 {
			o.DilationW = 1
		}
		if o.DilationH == 0 {
			o.DilationH = 1
		}
	}
	if pad < 0 || pad > int8(format.PadValid) {
		return fmt.Errorf("unknown padding %d", pad)
	}
	o.Padding = format.Padding(pad)
	if act < 0 || act > int8(format.ActTanh) {
		return fmt.Errorf("unsupported fused activation %d", act)
	}
	o.Activation = format.Activation(act)
	return nil
}
