package kernels

import (
	"fmt"
	"math"
)

// Activation is a fused activation function, numbered as in TFLite (and in
// the .eqm format).
type Activation uint8

// Fused activations that clamp; other values are not clamps and are
// rejected by ActivationRangeQuantized and ActivationRangeFloat.
const (
	ActNone      Activation = 0
	ActRelu      Activation = 1
	ActReluN1To1 Activation = 2
	ActRelu6     Activation = 3
)

// ActivationRangeFloat returns the clamp a fused activation applies to a
// float output (TFLite's CalculateActivationRange).
func ActivationRangeFloat(act Activation) (lo, hi float32, err error) {
	switch act {
	case ActNone:
		return -math.MaxFloat32, math.MaxFloat32, nil
	case ActRelu:
		return 0, math.MaxFloat32, nil
	case ActReluN1To1:
		return -1, 1, nil
	case ActRelu6:
		return 0, 6, nil
	}
	return 0, 0, fmt.Errorf("fused activation %d is not supported", act)
}

// ActivationRangeQuantized returns the clamp a fused activation applies to
// a quantized output with the given scale and zero point, within [qmin,
// qmax] (the output type's range), as TFLite's
// CalculateActivationRangeQuantized computes it: the real bounds are
// quantized as zeroPoint + round(bound/scale) in float32, rounding half
// away from zero.
func ActivationRangeQuantized(act Activation, scale float32, zeroPoint, qmin, qmax int32) (lo, hi int32, err error) {
	quantize := func(f float32) (int32, error) {
		t := math.Round(float64(f / scale))
		if !(t >= math.MinInt32 && t <= math.MaxInt32) {
			return 0, fmt.Errorf("activation bound %g does not fit scale %g", f, scale)
		}
		return zeroPoint + int32(t), nil
	}
	lo, hi = qmin, qmax
	var q int32
	switch act {
	case ActNone:
		return lo, hi, nil
	case ActRelu:
		if q, err = quantize(0); err != nil {
			return 0, 0, err
		}
		lo = max(lo, q)
	case ActRelu6:
		if q, err = quantize(0); err != nil {
			return 0, 0, err
		}
		lo = max(lo, q)
		if q, err = quantize(6); err != nil {
			return 0, 0, err
		}
		hi = min(hi, q)
	case ActReluN1To1:
		if q, err = quantize(-1); err != nil {
			return 0, 0, err
		}
		lo = max(lo, q)
		if q, err = quantize(1); err != nil {
			return 0, 0, err
		}
		hi = min(hi, q)
	default:
		return 0, 0, fmt.Errorf("fused activation %d is not supported", act)
	}
	return lo, hi, nil
}
