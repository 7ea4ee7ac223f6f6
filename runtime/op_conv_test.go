package runtime_test

import (
	"math"
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/kernels"
)

// convCase is a small int8 CONV_2D or DEPTHWISE_CONV_2D built by hand, with
// per-channel weight scales, and its expected output from the reference
// formula (taps outside the input skipped, per-tap (x − zx)).
type convCase struct {
	depthwise         bool
	n, h, w, c, oc    int
	kh, kw            int
	opts              format.Options
	inScale, outScale float32
	inZero, outZero   int32
	weights           []int8
	wScales           []float32
	bias              []int32
	in                []int8
	outH, outW        int
	padTop, padLeft   int
	lo, hi            int32
}

func (cc *convCase) model() *opModel {
	var b opModel
	in := b.tensor(format.Int8, []int{cc.n, cc.h, cc.w, cc.c}, cc.inScale, int64(cc.inZero), nil)
	wShape := []int{cc.oc, cc.kh, cc.kw, cc.c}
	axis := int32(0)
	if cc.depthwise {
		wShape = []int{1, cc.kh, cc.kw, cc.oc}
		axis = 3
	}
	w := b.tensor(format.Int8, wShape, 1, 0, i8bytes(cc.weights))
	b.m.Tensors[w].Quant = &format.Quantization{Scale: cc.wScales, ZeroPoint: make([]int64, len(cc.wScales)), Axis: axis}
	bias := b.tensor(format.Int32, []int{cc.oc}, 0, 0, i32bytes(cc.bias))
	out := b.tensor(format.Int8, []int{cc.n, cc.outH, cc.outW, cc.oc}, cc.outScale, int64(cc.outZero), nil)
	name := "CONV_2D"
	if cc.depthwise {
		name = "DEPTHWISE_CONV_2D"
	}
	return b.op(name, cc.opts, []int32{in, w, bias}, out)
}

func (cc *convCase) want() []int8 {
	o := cc.opts
	dh, dw := max(int(o.DilationH), 1), max(int(o.DilationW), 1)
	out := make([]int8, cc.n*cc.outH*cc.outW*cc.oc)
	for b := range cc.n {
		for y := range cc.outH {
			for x := range cc.outW {
				for oc := range cc.oc {
					var acc int32
					for ky := range cc.kh {
						for kx := range cc.kw {
							iy := y*int(o.StrideH) - cc.padTop + ky*dh
							ix := x*int(o.StrideW) - cc.padLeft + kx*dw
							if iy < 0 || iy >= cc.h || ix < 0 || ix >= cc.w {
								continue
							}
							if cc.depthwise {
								ic := oc / (cc.oc / cc.c)
								xv := int32(cc.in[((b*cc.h+iy)*cc.w+ix)*cc.c+ic])
								acc += int32(cc.weights[(ky*cc.kw+kx)*cc.oc+oc]) * (xv - cc.inZero)
								continue
							}
							for ic := range cc.c {
								xv := int32(cc.in[((b*cc.h+iy)*cc.w+ix)*cc.c+ic])
								acc += int32(cc.weights[((oc*cc.kh+ky)*cc.kw+kx)*cc.c+ic]) * (xv - cc.inZero)
							}
						}
					}
					m, s := kernels.QuantizeMultiplier(float64(cc.inScale) * float64(cc.wScales[oc]) / float64(cc.outScale))
					v := kernels.MultiplyByQuantizedMultiplier(acc+cc.bias[oc], m, s) + cc.outZero
					out[((b*cc.outH+y)*cc.outW+x)*cc.oc+oc] = int8(min(max(v, cc.lo), cc.hi))
				}
			}
		}
	}
	return out
}

func newConvCase(depthwise bool, mult int, o format.Options, h, w, c, kh, kw int) *convCase {
	oc := c + 3
	if depthwise {
		oc = c * mult
	}
	cc := &convCase{
		depthwise: depthwise, n: 1, h: h, w: w, c: c, oc: oc, kh: kh, kw: kw, opts: o,
		inScale: 0.05, outScale: 0.2, inZero: -7, outZero: 5, lo: -128, hi: 127,
	}
	if depthwise {
		cc.weights = seqInt8(kh*kw*oc, 3, 37)
	} else {
		cc.weights = seqInt8(oc*kh*kw*c, 3, 37)
	}
	for i := range oc {
		cc.wScales = append(cc.wScales, 0.01+0.003*float32(i))
		cc.bias = append(cc.bias, int32(i*97-300))
	}
	cc.in = seqInt8(h*w*c, -100, 23)
	dh, dw := max(int(o.DilationH), 1), max(int(o.DilationW), 1)
	same := o.Padding == format.PadSame
	cc.outH, cc.padTop = kernels.WindowOutput(same, h, kh, int(o.StrideH), dh)
	cc.outW, cc.padLeft = kernels.WindowOutput(same, w, kw, int(o.StrideW), dw)
	if o.Activation == format.ActRelu6 {
		cc.lo, cc.hi = cc.outZero, cc.outZero+int32(math.Round(6/float64(cc.outScale)))
	}
	return cc
}

func TestConvOps(t *testing.T) {
	for _, tc := range []struct {
		name      string
		depthwise bool
		mult      int
		o         format.Options
		h, w, c   int
		kh, kw    int
	}{
		{"same", false, 1, format.Options{Padding: format.PadSame, StrideH: 1, StrideW: 1}, 5, 6, 3, 3, 3},
		{"valid-stride2", false, 1, format.Options{Padding: format.PadValid, StrideH: 2, StrideW: 2}, 7, 8, 4, 3, 2},
		{"dilated-relu6", false, 1, format.Options{Padding: format.PadSame, StrideH: 1, StrideW: 2, DilationH: 2, DilationW: 2, Activation: format.ActRelu6}, 7, 7, 2, 3, 3},
		{"dw-same", true, 1, format.Options{Padding: format.PadSame, StrideH: 1, StrideW: 1}, 6, 5, 5, 3, 3},
		{"dw-mult3-stride2", true, 3, format.Options{Padding: format.PadSame, StrideH: 2, StrideW: 2, DepthMultiplier: 3}, 7, 9, 2, 3, 3},
		{"dw-valid-dilated", true, 2, format.Options{Padding: format.PadValid, StrideH: 1, StrideW: 1, DilationH: 2, DilationW: 1, DepthMultiplier: 2}, 8, 6, 3, 2, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := newConvCase(tc.depthwise, tc.mult, tc.o, tc.h, tc.w, tc.c, tc.kh, tc.kw)
			ip := cc.model().run(t, i8bytes(cc.in))
			got := ip.Output(0).Int8()
			if want := cc.want(); !slices.Equal(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

func TestConvOpErrors(t *testing.T) {
	base := func() *convCase {
		return newConvCase(false, 1, format.Options{Padding: format.PadSame, StrideH: 1, StrideW: 1}, 5, 5, 3, 3, 3)
	}
	for _, tc := range []struct {
		name   string
		change func(b *opModel)
		want   string
	}{
		{"output shape", func(b *opModel) { b.m.Tensors[3].Shape[1] = 4 }, "output shape"},
		{"filter channels", func(b *opModel) {
			b.m.Tensors[1].Shape[3] = 2
			b.m.Buffers[0] = b.m.Buffers[0][:6*3*3*2]
		}, "filter"},
		{"bias length", func(b *opModel) {
			b.m.Tensors[2].Shape[0] = 5
			b.m.Buffers[1] = b.m.Buffers[1][:5*4]
		}, "bias"},
		{"stride", func(b *opModel) { b.m.Operators[0].Options.StrideW = 0 }, "strides"},
		{"padding", func(b *opModel) { b.m.Operators[0].Options.Padding = 7 }, "padding"},
		{"activation", func(b *opModel) { b.m.Operators[0].Options.Activation = format.ActTanh }, "activation"},
		{"scales", func(b *opModel) { b.m.Tensors[1].Quant.Scale = b.m.Tensors[1].Quant.Scale[:2] }, "scales"},
		{"scale axis", func(b *opModel) { b.m.Tensors[1].Quant.Axis = 3 }, "axis"},
		{"zero scale", func(b *opModel) { b.m.Tensors[1].Quant.Scale[1] = 0 }, "scale"},
		{"non-const weights", func(b *opModel) {
			b.m.Tensors[1].Buffer = -1
			b.m.Inputs = append(b.m.Inputs, 1)
		}, "constant"},
		{"input not quantized", func(b *opModel) { b.m.Tensors[0].Quant = nil }, "not quantized"},
		{"types", func(b *opModel) { b.m.Tensors[3].Type = format.Int16 }, "type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := base().model()
			tc.change(b)
			b.loadErr(t, tc.want)
		})
	}
	// Depthwise: the multiplier option must match the shapes.
	dw := newConvCase(true, 2, format.Options{Padding: format.PadSame, StrideH: 1, StrideW: 1, DepthMultiplier: 3}, 5, 5, 3, 3, 3).model()
	dw.loadErr(t, "depth multiplier")
}

func TestFullyConnectedOp(t *testing.T) {
	// Input [2, 3, 4]: 6 batches of depth 4 (keep_num_dims output [2, 3, 5]).
	const depth, units = 4, 5
	var b opModel
	in := b.tensor(format.Int8, []int{2, 3, depth}, 0.1, -3, nil)
	w := seqInt8(units*depth, -50, 29)
	wt := b.tensor(format.Int8, []int{units, depth}, 0.02, 0, i8bytes(w))
	bias := []int32{10, -20, 30, -40, 50}
	bt := b.tensor(format.Int32, []int{units}, 0, 0, i32bytes(bias))
	out := b.tensor(format.Int8, []int{2, 3, units}, 0.05, 4, nil)
	b.op("FULLY_CONNECTED", format.Options{KeepNumDims: true, Activation: format.ActRelu}, []int32{in, wt, bt}, out)
	x := seqInt8(6*depth, 7, 41)
	ip := b.run(t, i8bytes(x))
	got := ip.Output(0).Int8()
	// Per-tensor FULLY_CONNECTED multiplier: double(float32(in*w scale)) / out.
	m, s := kernels.QuantizeMultiplier(float64(float32(0.1)*float32(0.02)) / float64(float32(0.05)))
	for bi := range 6 {
		for u := range units {
			var acc int32
			for d := range depth {
				acc += int32(w[u*depth+d]) * (int32(x[bi*depth+d]) + 3)
			}
			v := kernels.MultiplyByQuantizedMultiplier(acc+bias[u], m, s) + 4
			if want := int8(min(max(v, 4), 127)); got[bi*units+u] != want {
				t.Fatalf("batch %d unit %d: got %d, want %d", bi, u, got[bi*units+u], want)
			}
		}
	}

	// Errors.
	b.m.Tensors[out].Shape = []int32{2, 3, 4}
	b.loadErr(t, "output shape")
	b.m.Tensors[out].Shape = []int32{2, 3, units}
	b.m.Tensors[in].Shape = []int32{5, 5}
	b.loadErr(t, "not a multiple")
	b.m.Tensors[in].Shape = []int32{2, 3, depth}
	b.m.Tensors[wt].Quant.ZeroPoint = []int64{1}
	b.loadErr(t, "symmetric")
}

func TestFullyConnectedFloatOp(t *testing.T) {
	var b opModel
	in := b.tensor(format.Float32, []int{1, 3}, 0, 0, nil)
	wt := b.tensor(format.Float32, []int{2, 3}, 0, 0, f32bytes([]float32{1, 2, 3, -1, -2, -3}))
	out := b.tensor(format.Float32, []int{1, 2}, 0, 0, nil)
	b.op("FULLY_CONNECTED", format.Options{Activation: format.ActRelu}, []int32{in, wt, -1}, out)
	ip := b.run(t, f32bytes([]float32{0.5, 1, 2}))
	if got := ip.Output(0).Float32(); got[0] != 8.5 || got[1] != 0 {
		t.Errorf("got %v, want [8.5 0]", got)
	}
}

func TestPoolOps(t *testing.T) {
	// int16 pools over a 1×3×4×2 input, 2×2 window, stride 2, SAME padding.
	x := []int16{
		1, -1, 2, -2, 3, -3, 4, -4,
		100, 5, -100, 6, 7, 8, 9, 10,
		-7, 30000, 11, 12, 13, 14, 15, -32768,
	}
	for _, avg := range []bool{true, false} {
		var b opModel
		in := b.tensor(format.Int16, []int{1, 3, 4, 2}, 0.5, 0, nil)
		out := b.tensor(format.Int16, []int{1, 2, 2, 2}, 0.5, 0, nil)
		name := "MAX_POOL_2D"
		if avg {
			name = "AVERAGE_POOL_2D"
		}
		b.op(name, format.Options{Padding: format.PadSame, StrideH: 2, StrideW: 2, FilterH: 2, FilterW: 2}, []int32{in}, out)
		ip := b.run(t, i16bytes(x))
		got := ip.Output(0).Int16()
		want := []int16{100, 6, 9, 10, 11, 30000, 15, 14} // max
		if avg {
			// (1+2+100-100)/4 = 0.75 → 1; (-1-2+5+6)/4 = 2; (3+4+7+9)/4 = 5.75 → 6;
			// (-3-4+8+10)/4 = 2.75 → 3; (-7+11)/2 = 2; (30000+12)/2 = 15006;
			// (13+15)/2 = 14; (14-32768)/2 = -16377.
			want = []int16{1, 2, 6, 3, 2, 15006, 14, -16377}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
		// Quantization must be kept.
		b.m.Tensors[out].Quant.ZeroPoint = []int64{1}
		b.loadErr(t, "differs")
	}
}
