package quantize

import (
	"fmt"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

// autoSelect chooses a range method per group of activation tensors by
// measuring, not guessing: starting from MSE everywhere, it visits the
// groups in graph order and, for each, tries every other method's range,
// keeping the one whose integer model's outputs are closest (least squared
// error) to the float model's on the first opt.AutoSamples calibration
// samples. Each candidate is the complete quantized model run with the
// integer kernels, so the choice accounts for everything downstream.
func autoSelect(src *format.Model, cal *Calibration, data Samples, opt Options) (map[int32]Method, error) {
	sub := subset(data, opt.AutoSamples)
	ref, err := collectOutputs(src, sub)
	if err != nil {
		return nil, fmt.Errorf("quantize: auto: float reference: %w", err)
	}
	g := opt.grid()
	p := newPlan(src, g)
	inner := opt
	inner.FloatIO = false
	choice := map[int32]Method{}
	var free []int32
	for _, r := range p.order {
		if _, fixed := p.fixed[r]; !fixed {
			choice[r] = MethodMSE
			free = append(free, r)
		}
	}
	total := 1 + len(free)*(len(Methods)-1)
	done := 0
	step := func() {
		done++
		if opt.Progress != nil {
			opt.Progress("auto", done, total)
		}
	}
	measure := func() (float64, error) {
		defer step()
		m, _, err := quantizeStatic(src, cal, inner, choice)
		if err != nil {
			return 0, err
		}
		return outputError(m, sub, ref)
	}
	best, err := measure()
	if err != nil {
		return nil, err
	}
	for _, r := range free {
		groupRange := func(method Method) (Range, error) {
			rng, err := p.groupRange(cal, r, method, opt.Percentile, g)
			return AffineFor(rng, g).Representable(g), err
		}
		cur := choice[r]
		curRange, err := groupRange(cur)
		if err != nil {
			return nil, err
		}
		tried := map[Range]bool{curRange: true}
		orig := cur
		for _, method := range Methods {
			if method == orig {
				continue
			}
			rng, err := groupRange(method)
			if err != nil {
				return nil, err
			}
			if tried[rng] {
				step() // same parameters as a method already measured
				continue
			}
			tried[rng] = true
			choice[r] = method
			e, err := measure()
			if err != nil {
				return nil, err
			}
			if e < best {
				best, cur = e, method
			}
		}
		choice[r] = cur
	}
	return choice, nil
}

// collectOutputs runs m on every sample and returns the real values of all
// its outputs, sample after sample.
func collectOutputs(m *format.Model, data Samples) ([][]float32, error) {
	ip, err := runtime.LoadModel(m)
	if err != nil {
		return nil, err
	}
	out := make([][]float32, data.Len())
	for i := range out {
		if err := setInputs(ip, data, i); err != nil {
			return nil, err
		}
		if err := ip.Invoke(); err != nil {
			return nil, err
		}
		for k := 0; k < ip.NumOutputs(); k++ {
			out[i] = append(out[i], Values(ip.Output(k), nil)...)
		}
	}
	return out, nil
}

// outputError runs m on every sample and returns the summed squared error
// of its outputs against ref.
func outputError(m *format.Model, data Samples, ref [][]float32) (float64, error) {
	ip, err := runtime.LoadModel(m)
	if err != nil {
		return 0, err
	}
	var buf []float32
	e := 0.0
	for i := 0; i < data.Len(); i++ {
		if err := setInputs(ip, data, i); err != nil {
			return 0, err
		}
		if err := ip.Invoke(); err != nil {
			return 0, err
		}
		off := 0
		for k := 0; k < ip.NumOutputs(); k++ {
			buf = Values(ip.Output(k), buf)
			for j, v := range buf {
				d := float64(v) - float64(ref[i][off+j])
				e += d * d
			}
			off += len(buf)
		}
	}
	return e, nil
}
