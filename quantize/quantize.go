package quantize

import (
	"fmt"
	"strings"

	"github.com/edgeq/edgeq/format"
)

// Mode is the kind of quantization.
type Mode string

const (
	// ModeStatic is full-integer post-training quantization: int8 weights
	// and activations, ranges from calibration.
	ModeStatic Mode = "static"
	// ModeDynamic quantizes weights to int8 and keeps float activations,
	// which the hybrid kernels quantize per inference (TFLite's
	// dynamic-range quantization).
	ModeDynamic Mode = "dynamic"
	// ModeWeights stores weights as int8 and dequantizes them back to float
	// (a DEQUANTIZE of a constant, as TFLite writes such models); the model
	// computes in float.
	ModeWeights Mode = "weights"
)

// ParseMode checks a mode name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeStatic, ModeDynamic, ModeWeights:
		return m, nil
	}
	return "", &optionError{"mode", s, "static, dynamic or weights"}
}

// Options configures Quantize. The zero value is static int8 quantization
// with method auto, per-channel conv weights and int8 graph inputs/outputs.
type Options struct {
	Mode   Mode   // default ModeStatic
	Method Method // activation range method (static); default MethodAuto
	// Percentile is the central percentage the percentile method keeps
	// (default 99.99).
	Percentile float64
	// PerTensor quantizes CONV_2D and DEPTHWISE_CONV_2D weights with one
	// scale instead of one per output channel.
	PerTensor bool
	// PerChannelFC quantizes FULLY_CONNECTED weights per output channel in
	// static mode (the default there is one scale, as TFLite does).
	// Dynamic and weight-only modes always use per-channel scales.
	PerChannelFC bool
	// WeightBits is the width of weight-only storage: 8 (default) or 4
	// (format.Int4, two weights to a byte). Only ModeWeights takes 4: the
	// integer and hybrid kernels read int8 weights.
	WeightBits int
	// Activations is format.Int8 (default) or format.Int16 (16x8 mode:
	// int16 activations with zero point 0, int8 weights, int64 biases).
	Activations format.DType
	// BiasCorrection folds the mean output shift that weight rounding
	// causes, measured on the calibration data, back into the biases.
	BiasCorrection bool
	// FloatIO keeps float32 graph inputs and outputs, adding QUANTIZE and
	// DEQUANTIZE operators at the boundary. By default the graph inputs
	// and outputs become integer tensors with their quantization parameters
	// and the caller (edgeq eval, run) quantizes and dequantizes.
	FloatIO bool
	// SymmetricInputs makes dynamic-mode FULLY_CONNECTED layers quantize
	// their inputs symmetrically at run time. By default they use an offset
	// (TFLite's asymmetric_quantize_inputs), which keeps the full 8 bits
	// for inputs that are all positive, such as ReLU outputs.
	SymmetricInputs bool
	// AutoSamples bounds the calibration samples method auto runs each
	// candidate model on (default 200).
	AutoSamples int
	// Bins is the calibration histogram resolution (default DefaultBins).
	Bins int
	// Progress, if set, is told how far each stage ("calibrate", "auto")
	// has come.
	Progress func(stage string, done, total int)
}

func (o *Options) defaults() {
	if o.Mode == "" {
		o.Mode = ModeStatic
	}
	if o.Method == "" {
		o.Method = MethodAuto
	}
	if o.Percentile == 0 {
		o.Percentile = 99.99
	}
	if o.WeightBits == 0 {
		o.WeightBits = 8
	}
	if o.Activations == 0 {
		o.Activations = format.Int8
	}
	if o.AutoSamples == 0 {
		o.AutoSamples = 200
	}
}

func (o *Options) grid() Grid {
	if o.Activations == format.Int16 {
		return gridInt16()
	}
	return gridInt8()
}

// Report says what Quantize did.
type Report struct {
	Mode        Mode           `json:"mode"`
	Method      Method         `json:"method,omitempty"`
	Activations string         `json:"activations,omitempty"`
	Samples     int            `json:"calibration_samples"`
	Tensors     []TensorReport `json:"tensors,omitempty"` // activation tensors (static)
	Layers      []LayerReport  `json:"layers,omitempty"`  // weight layers
}

// TensorReport describes how one activation tensor was quantized.
type TensorReport struct {
	Tensor   int32  `json:"tensor"`
	Name     string `json:"name"`
	Method   Method `json:"method"`   // or "fixed" / "shared"
	Observed Range  `json:"observed"` // min/max seen in calibration
	Range    Range  `json:"range"`    // range quantized to
	Affine
}

// LayerReport describes one weight layer.
type LayerReport struct {
	Operator   int     `json:"operator"`
	Op         string  `json:"op"`
	Weights    int32   `json:"weights"`
	PerChannel bool    `json:"per_channel"`
	Bits       int     `json:"bits"`
	MaxBiasFix float64 `json:"max_bias_correction,omitempty"` // largest |shift| folded into the bias
	WeightSQNR float64 `json:"weight_sqnr_db"`
}

// Quantize quantizes the float model m. Static mode needs calibration
// samples (the model's float inputs); dynamic and weights modes ignore
// them unless bias correction is asked for. m is not modified. A
// dynamic-range model (float activations, int8 weights) is accepted too:
// its weights are dequantized first.
func Quantize(m *format.Model, data Samples, opt Options) (*format.Model, *Report, error) {
	opt.defaults()
	if opt.Activations != format.Int8 && opt.Activations != format.Int16 {
		return nil, nil, fmt.Errorf("quantize: activations must be int8 or int16, not %s", opt.Activations)
	}
	switch {
	case opt.WeightBits != 8 && opt.WeightBits != 4:
		return nil, nil, fmt.Errorf("quantize: weight bits must be 8 or 4, not %d", opt.WeightBits)
	case opt.WeightBits == 4 && opt.Mode != ModeWeights:
		return nil, nil, fmt.Errorf("quantize: 4-bit weights need mode weights (the %s kernels read int8 weights)", opt.Mode)
	}
	if err := checkFloatModel(m); err != nil {
		return nil, nil, err
	}
	m = floatWeights(m) // a dynamic-range model starts from its float twin
	var progress func(int, int)
	if opt.Progress != nil {
		progress = func(d, t int) { opt.Progress("calibrate", d, t) }
	}
	switch opt.Mode {
	case ModeDynamic, ModeWeights:
		var cal *Calibration
		if opt.BiasCorrection && data != nil && data.Len() > 0 {
			var err error
			if cal, err = Calibrate(m, data, CalibrateOptions{Bins: -1, Progress: progress}); err != nil {
				return nil, nil, err
			}
		}
		if opt.Mode == ModeDynamic {
			return quantizeDynamic(m, cal, opt)
		}
		return quantizeWeightsOnly(m, cal, opt)
	case ModeStatic:
	default:
		return nil, nil, fmt.Errorf("quantize: unknown mode %q", opt.Mode)
	}
	if data == nil || data.Len() == 0 {
		return nil, nil, fmt.Errorf("quantize: static quantization needs calibration data")
	}
	if err := checkStaticOps(m, opt); err != nil {
		return nil, nil, err
	}
	bins := opt.Bins
	if opt.Method == MethodMinMax {
		bins = -1 // one pass is enough (it also collects the bias-correction means)
	}
	cal, err := Calibrate(m, data, CalibrateOptions{Bins: bins, Progress: progress})
	if err != nil {
		return nil, nil, err
	}
	var choice map[int32]Method
	if opt.Method == MethodAuto {
		if choice, err = autoSelect(m, cal, data, opt); err != nil {
			return nil, nil, err
		}
	}
	return quantizeStatic(m, cal, opt, choice)
}

// checkFloatModel refuses models that are already quantized.
func checkFloatModel(m *format.Model) error {
	if err := m.Validate(); err != nil {
		return err
	}
	for _, ti := range m.Inputs {
		if t := &m.Tensors[ti]; t.Type != format.Float32 {
			return fmt.Errorf("quantize: input %d (%s) is %s; quantize takes float models", ti, t.Name, t.Type)
		}
	}
	var quantized []string
	for i := range m.Tensors {
		t := &m.Tensors[i]
		if (t.Type == format.Int8 || t.Type == format.Int16) && t.Quant != nil && !isConst(m, int32(i)) {
			quantized = append(quantized, t.Name)
		}
	}
	if len(quantized) > 0 {
		return fmt.Errorf("quantize: the model is already quantized (integer activations %s)", strings.Join(quantized[:min(3, len(quantized))], ", "))
	}
	return nil
}
