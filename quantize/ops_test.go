package quantize

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
)

// graphBuilder builds small float models op by op for tests.
type graphBuilder struct {
	m *format.Model
	r *rand.Rand
}

func newGraphBuilder(seed uint64) *graphBuilder {
	return &graphBuilder{m: &format.Model{Version: format.Version, Buffers: [][]byte{nil}}, r: rand.New(rand.NewPCG(seed, 3))}
}

func (b *graphBuilder) tensor(name string, dt format.DType, shape []int32, data []byte) int32 {
	t := format.Tensor{Name: name, Type: dt, Shape: shape, Buffer: -1, Source: int32(len(b.m.Tensors))}
	if data != nil {
		t.Buffer = int32(len(b.m.Buffers))
		b.m.Buffers = append(b.m.Buffers, data)
	}
	b.m.Tensors = append(b.m.Tensors, t)
	return int32(len(b.m.Tensors) - 1)
}

// act adds a float activation tensor.
func (b *graphBuilder) act(name string, shape ...int32) int32 {
	return b.tensor(name, format.Float32, shape, nil)
}

// floats adds a float constant of normal values times scale.
func (b *graphBuilder) floats(name string, scale float64, shape ...int32) int32 {
	n := 1
	for _, d := range shape {
		n *= int(d)
	}
	data := make([]byte, 4*n)
	for i := range n {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(float32(b.r.NormFloat64()*scale)))
	}
	return b.tensor(name, format.Float32, shape, data)
}

// ints adds an int32 constant.
func (b *graphBuilder) ints(name string, shape []int32, v ...int32) int32 {
	data := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(data[4*i:], uint32(x))
	}
	return b.tensor(name, format.Int32, shape, data)
}

func (b *graphBuilder) op(name string, opts format.Options, out int32, in ...int32) int32 {
	b.m.Operators = append(b.m.Operators, format.Operator{Op: name, Version: 1, Inputs: in, Outputs: []int32{out}, Options: opts})
	return out
}

// everyOpModel uses every operator static quantization handles, each once:
// convolutions, pools, elementwise ops on two activations and on
// constants, activations (LEAKY_RELU and HARD_SWISH too), PAD,
// CONCATENATION, MEAN, TRANSPOSE, RESHAPE, EXPAND_DIMS, SQUEEZE,
// FULLY_CONNECTED and SOFTMAX.
func everyOpModel() *format.Model { return everyOpModelWith(true) }

// everyOpModelWith is everyOpModel, without its HARD_SWISH unless
// hardSwish is set (16x8 has no int16 HARD_SWISH).
func everyOpModelWith(hardSwish bool) *format.Model {
	b := newGraphBuilder(17)
	same := format.Options{Padding: format.PadSame, StrideW: 1, StrideH: 1, DilationW: 1, DilationH: 1}
	in := b.act("input", 1, 8, 8, 3)
	c := b.op("CONV_2D", same, b.act("conv", 1, 8, 8, 8), in, b.floats("conv/w", 0.3, 8, 3, 3, 3), b.floats("conv/b", 0.1, 8))
	r6 := b.op("RELU6", format.Options{}, b.act("relu6", 1, 8, 8, 8), c)
	dwOpt := same
	dwOpt.DepthMultiplier = 1
	dw := b.op("DEPTHWISE_CONV_2D", dwOpt, b.act("dw", 1, 8, 8, 8), r6, b.floats("dw/w", 0.4, 1, 3, 3, 8), b.floats("dw/b", 0.1, 8))
	if hardSwish {
		dw = b.op("HARD_SWISH", format.Options{}, b.act("hardswish", 1, 8, 8, 8), dw)
	}
	sig := b.op("LOGISTIC", format.Options{}, b.act("sigmoid", 1, 8, 8, 8), dw)
	gated := b.op("MUL", format.Options{}, b.act("gated", 1, 8, 8, 8), dw, sig) // swish
	th := b.op("TANH", format.Options{}, b.act("tanh", 1, 8, 8, 8), c)
	sum := b.op("ADD", format.Options{}, b.act("sum", 1, 8, 8, 8), gated, th)
	leaky := b.op("LEAKY_RELU", format.Options{Alpha: 0.2}, b.act("leaky", 1, 8, 8, 8), sum)
	scaled := b.op("MUL", format.Options{}, b.act("scaled", 1, 8, 8, 8), leaky, b.floats("scale", 0.5, 1, 1, 1, 8))
	shifted := b.op("SUB", format.Options{Activation: format.ActRelu}, b.act("shifted", 1, 8, 8, 8), scaled, b.floats("shift", 0.2, 1, 1, 1, 8))
	pool := format.Options{Padding: format.PadValid, StrideW: 2, StrideH: 2, FilterW: 2, FilterH: 2}
	mp := b.op("MAX_POOL_2D", pool, b.act("maxpool", 1, 4, 4, 8), shifted)
	ap := b.op("AVERAGE_POOL_2D", pool, b.act("avgpool", 1, 4, 4, 8), shifted)
	cat := b.op("CONCATENATION", format.Options{Axis: 3}, b.act("concat", 1, 4, 4, 16), mp, ap)
	pad := b.op("PAD", format.Options{}, b.act("pad", 1, 6, 6, 16), cat, b.ints("paddings", []int32{4, 2}, 0, 0, 1, 1, 1, 1, 0, 0))
	rl := b.op("RELU", format.Options{}, b.act("relu", 1, 6, 6, 16), pad)
	tr := b.op("TRANSPOSE", format.Options{}, b.act("transposed", 1, 16, 6, 6), rl, b.ints("perm", []int32{4}, 0, 3, 1, 2))
	mean := b.op("MEAN", format.Options{KeepDims: false}, b.act("mean", 1, 16), tr, b.ints("axes", []int32{2}, 2, 3))
	expanded := b.op("EXPAND_DIMS", format.Options{}, b.act("expanded", 1, 1, 16), mean, b.ints("axis", []int32{}, 1))
	squeezed := b.op("SQUEEZE", format.Options{}, b.act("squeezed", 1, 16), expanded)
	flat := b.op("RESHAPE", format.Options{NewShape: []int32{1, 16}}, b.act("flat", 1, 16), squeezed, b.ints("shape", []int32{2}, 1, 16))
	fc := b.op("FULLY_CONNECTED", format.Options{}, b.act("logits", 1, 5), flat, b.floats("fc/w", 0.5, 5, 16), b.floats("fc/b", 0.1, 5))
	out := b.op("SOFTMAX", format.Options{Beta: 1}, b.act("probs", 1, 5), fc)
	b.m.Inputs, b.m.Outputs = []int32{in}, []int32{out}
	return b.m
}

// TestStaticEveryOp quantizes a model using every operator static
// quantization supports, in int8 and 16x8, and checks every layer stays
// close to the float model.
func TestStaticEveryOp(t *testing.T) {
	calib, test := randomSamples(64, 8*8*3, -1, 1, 1), randomSamples(64, 8*8*3, -1, 1, 2)
	for _, act := range []format.DType{format.Int8, format.Int16} {
		t.Run(act.String(), func(t *testing.T) {
			src := everyOpModelWith(act == format.Int8)
			if err := src.Validate(); err != nil {
				t.Fatal(err)
			}
			qm, _, err := Quantize(src, calib, Options{Activations: act, BiasCorrection: true, AutoSamples: 16})
			if err != nil {
				t.Fatal(err)
			}
			if act == format.Int8 {
				checkConventions(t, qm, act)
			}
			res, err := Evaluate(qm, test, EvalOptions{Ref: src, Layers: true})
			if err != nil {
				t.Fatal(err)
			}
			// int8 weights bound 16x8 layers near 40-45 dB here; ranges fitted
			// on 64 samples clip some test values.
			minSQNR := 20.0
			if act == format.Int16 {
				minSQNR = 30
			}
			for _, l := range res.Layers {
				if l.SQNR < minSQNR {
					t.Errorf("layer %s (%s): SQNR %.1f dB, want at least %.0f", l.Name, l.Op, l.SQNR, minSQNR)
				}
			}
			if len(res.Layers) < 20 {
				t.Errorf("%d layers compared, want one per operator output", len(res.Layers))
			}
		})
	}
}

// TestDynamicAndWeightsEveryOp runs the dynamic and weight-only modes on
// the same model: only its weight layers change, the rest stays float.
func TestDynamicAndWeightsEveryOp(t *testing.T) {
	src := everyOpModel()
	test := randomSamples(32, 8*8*3, -1, 1, 3)
	for _, mode := range []Mode{ModeDynamic, ModeWeights} {
		qm, rep, err := Quantize(src, nil, Options{Mode: mode})
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if len(rep.Layers) != 3 {
			t.Errorf("%s: %d weight layers quantized, want 3", mode, len(rep.Layers))
		}
		res, err := Evaluate(qm, test, EvalOptions{Ref: src})
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if *res.SQNR < 30 {
			t.Errorf("%s: output SQNR %.1f dB", mode, *res.SQNR)
		}
	}
}

// TestStaticHardSwish checks 16x8 refuses HARD_SWISH up front, and that an
// int8 HARD_SWISH whose input is mostly far below -3 (so that its output
// range is tiny next to its input's) gets an output range TFLite's kernel
// accepts.
func TestStaticHardSwish(t *testing.T) {
	_, _, err := Quantize(everyOpModel(), randomSamples(4, 8*8*3, -1, 1, 1), Options{Activations: format.Int16})
	if err == nil || !strings.Contains(err.Error(), "no int16 HARD_SWISH") {
		t.Errorf("16x8 with HARD_SWISH: error %v, want one saying there is no int16 HARD_SWISH", err)
	}

	b := newGraphBuilder(3)
	in := b.act("input", 1, 64)
	out := b.op("HARD_SWISH", format.Options{}, b.act("hardswish", 1, 64), in)
	b.m.Inputs, b.m.Outputs = []int32{in}, []int32{out}
	calib := randomSamples(32, 64, -100, 0.2, 4)
	qm, _, err := Quantize(b.m, calib, Options{Method: MethodMinMax})
	if err != nil {
		t.Fatal(err)
	}
	is, os := qm.Tensors[in].Quant.Scale[0], qm.Tensors[out].Quant.Scale[0]
	if float64(is) >= 128*float64(os) {
		t.Errorf("input scale %g is %g times the output scale %g", is, is/os, os)
	}
	if float64(is) < 100*float64(os) {
		t.Errorf("output scale %g widened more than needed (input scale %g)", os, is)
	}
	res, err := Evaluate(qm, calib, EvalOptions{Ref: b.m})
	if err != nil {
		t.Fatal(err)
	}
	if *res.SQNR < 10 {
		t.Errorf("output SQNR %.1f dB", *res.SQNR)
	}
}
