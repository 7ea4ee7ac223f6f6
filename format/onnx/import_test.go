package onnx

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
)

// convModel builds input -> Conv(W, B) [-> Relu] -> output.
func convModel(s convSpec, w, b []float32, withRelu bool) []byte {
	g := &tgraph{}
	g.input("x", s.n, s.c, s.h, s.w)
	oh, ow := s.out()
	g.init("W", []int{s.m, s.c / s.group, s.kh, s.kw}, w)
	in := []string{"x", "W"}
	if b != nil {
		g.init("B", []int{s.m}, b)
		in = append(in, "B")
	}
	out := "y"
	if withRelu {
		out = "conv"
	}
	g.node("Conv", in, []string{out},
		attrInt("group", int64(s.group)),
		attrIntList("kernel_shape", int64(s.kh), int64(s.kw)),
		attrIntList("strides", int64(s.sh), int64(s.sw)),
		attrIntList("dilations", int64(s.dh), int64(s.dw)),
		attrIntList("pads", int64(s.pt), int64(s.pl), int64(s.pb), int64(s.pr)))
	if withRelu {
		g.node("Relu", []string{"conv"}, []string{"y"})
	}
	g.output("y", s.n, s.m, oh, ow)
	return g.build()
}

func TestConv(t *testing.T) {
	cases := []struct {
		name string
		s    convSpec
		relu bool
		bias bool
		ops  []string
	}{
		{"same3x3", convSpec{n: 1, c: 3, h: 7, w: 6, m: 4, kh: 3, kw: 3, group: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}, true, true, []string{"CONV_2D"}},
		{"valid", convSpec{n: 2, c: 2, h: 6, w: 5, m: 3, kh: 2, kw: 3, group: 1, sh: 1, sw: 2, dh: 1, dw: 1}, false, true, []string{"CONV_2D"}},
		// Stride 2 over an even size: ONNX pads 1 in front, TFLite's SAME 0.
		{"stride2pad1", convSpec{n: 1, c: 2, h: 6, w: 6, m: 5, kh: 3, kw: 3, group: 1, sh: 2, sw: 2, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}, true, true, []string{"PAD", "CONV_2D"}},
		{"asymmetric_dilated", convSpec{n: 1, c: 3, h: 9, w: 8, m: 2, kh: 3, kw: 2, group: 1, sh: 1, sw: 1, dh: 2, dw: 3, pt: 0, pl: 1, pb: 2, pr: 0}, false, false, []string{"PAD", "CONV_2D"}},
		{"grouped", convSpec{n: 1, c: 4, h: 5, w: 5, m: 6, kh: 3, kw: 3, group: 2, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}, false, true, []string{"CONV_2D"}},
		{"depthwise", convSpec{n: 1, c: 3, h: 6, w: 7, m: 3, kh: 3, kw: 3, group: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}, true, true, []string{"DEPTHWISE_CONV_2D"}},
		{"depthwise_mult2_stride2", convSpec{n: 1, c: 3, h: 8, w: 8, m: 6, kh: 3, kw: 3, group: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pl: 0, pb: 1, pr: 1}, false, true, []string{"DEPTHWISE_CONV_2D"}},
		{"pointwise", convSpec{n: 1, c: 5, h: 4, w: 4, m: 7, kh: 1, kw: 1, group: 1, sh: 1, sw: 1, dh: 1, dw: 1}, true, false, []string{"CONV_2D"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.s
			x := randFloats(uint64(i), s.n*s.c*s.h*s.w)
			w := randFloats(uint64(100+i), s.m*(s.c/s.group)*s.kh*s.kw)
			var b []float32
			if c.bias {
				b = randFloats(uint64(200+i), s.m)
			}
			want := convRef(s, x, w, b)
			if c.relu {
				want = relu(want)
			}
			oh, ow := s.out()
			outs, m := run(t, convModel(s, w, b, c.relu), [][]int{{s.n, s.c, s.h, s.w}}, [][]int{{s.n, s.m, oh, ow}}, false, x)
			near(t, c.name, outs[0], want, 1e-5)
			if got := opNames(m); !slices.Equal(got, c.ops) {
				t.Errorf("ops %v, want %v", got, c.ops)
			}
			if c.relu && m.Operators[len(m.Operators)-1].Options.Activation != format.ActRelu {
				t.Errorf("Relu not fused: %+v", m.Operators[len(m.Operators)-1].Options)
			}
		})
	}
}

// TestAutoPad checks SAME_UPPER, SAME_LOWER and VALID against explicit
// pads computed by hand.
func TestAutoPad(t *testing.T) {
	for _, c := range []struct {
		autoPad        string
		pt, pl, pb, pr int
	}{
		{"SAME_UPPER", 0, 0, 1, 1}, // 6 by stride 2, 3×3: total 1, extra at the end
		{"SAME_LOWER", 1, 1, 0, 0},
		{"VALID", 0, 0, 0, 0},
	} {
		s := convSpec{n: 1, c: 2, h: 6, w: 6, m: 3, kh: 3, kw: 3, group: 1, sh: 2, sw: 2, dh: 1, dw: 1, pt: c.pt, pl: c.pl, pb: c.pb, pr: c.pr}
		x, w := randFloats(1, 72), randFloats(2, 54)
		want := convRef(s, x, w, nil)
		oh, ow := s.out()
		g := &tgraph{}
		g.input("x", 1, 2, 6, 6)
		g.init("W", []int{3, 2, 3, 3}, w)
		g.node("Conv", []string{"x", "W"}, []string{"y"}, attrString("auto_pad", c.autoPad), attrIntList("strides", 2, 2))
		g.output("y", 1, 3, oh, ow)
		outs, _ := run(t, g.build(), [][]int{{1, 2, 6, 6}}, [][]int{{1, 3, oh, ow}}, false, x)
		near(t, c.autoPad, outs[0], want, 1e-5)
	}
}

// TestBatchNormFold checks Conv -> BatchNormalization -> Relu becomes one
// CONV_2D with the fused activation, and a BatchNormalization after an Add
// becomes MUL and ADD.
func TestBatchNormFold(t *testing.T) {
	s := convSpec{n: 1, c: 3, h: 5, w: 5, m: 4, kh: 3, kw: 3, group: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}
	x, w, b := randFloats(1, 75), randFloats(2, 108), randFloats(3, 4)
	gamma, beta, mean := randFloats(4, 4), randFloats(5, 4), randFloats(6, 4)
	variance := []float32{0.5, 1.5, 0.1, 2}
	const eps = 1e-3
	bn := func(y []float32, c, hw int) []float32 {
		out := make([]float32, len(y))
		for i, v := range y {
			ch := (i / hw) % c
			out[i] = float32(float64(gamma[ch])*(float64(v)-float64(mean[ch]))/math.Sqrt(float64(variance[ch])+eps) + float64(beta[ch]))
		}
		return out
	}
	want := relu(bn(convRef(s, x, w, b), 4, 25))

	g := &tgraph{}
	g.input("x", 1, 3, 5, 5)
	g.init("W", []int{4, 3, 3, 3}, w)
	g.init("B", []int{4}, b)
	g.init("gamma", []int{4}, gamma)
	g.init("beta", []int{4}, beta)
	g.init("mean", []int{4}, mean)
	g.init("var", []int{4}, variance)
	g.node("Conv", []string{"x", "W", "B"}, []string{"c"}, attrIntList("pads", 1, 1, 1, 1))
	g.node("BatchNormalization", []string{"c", "gamma", "beta", "mean", "var"}, []string{"bn"}, attrFloat("epsilon", eps))
	g.node("Relu", []string{"bn"}, []string{"y"})
	g.output("y", 1, 4, 5, 5)
	outs, m := run(t, g.build(), [][]int{{1, 3, 5, 5}}, [][]int{{1, 4, 5, 5}}, false, x)
	near(t, "conv+bn+relu", outs[0], want, 1e-5)
	if got := opNames(m); !slices.Equal(got, []string{"CONV_2D"}) || m.Operators[0].Options.Activation != format.ActRelu {
		t.Errorf("ops %v (%+v), want one CONV_2D with RELU", got, m.Operators[0].Options)
	}

	// Standalone: x + x -> BatchNormalization.
	g = &tgraph{}
	g.input("x", 1, 4, 2, 3)
	for _, p := range []struct {
		name string
		v    []float32
	}{{"gamma", gamma}, {"beta", beta}, {"mean", mean}, {"var", variance}} {
		g.init(p.name, []int{4}, p.v)
	}
	g.node("Add", []string{"x", "x"}, []string{"s"})
	g.node("BatchNormalization", []string{"s", "gamma", "beta", "mean", "var"}, []string{"y"}, attrFloat("epsilon", eps))
	g.output("y", 1, 4, 2, 3)
	x = randFloats(7, 24)
	twice := make([]float32, 24)
	for i, v := range x {
		twice[i] = 2 * v
	}
	outs, m = run(t, g.build(), [][]int{{1, 4, 2, 3}}, [][]int{{1, 4, 2, 3}}, false, x)
	near(t, "standalone bn", outs[0], bn(twice, 4, 6), 1e-5)
	if got := opNames(m); !slices.Equal(got, []string{"ADD", "MUL", "ADD"}) {
		t.Errorf("ops %v", got)
	}
}

func TestGemm(t *testing.T) {
	for _, c := range []struct {
		name        string
		transB      bool
		alpha, beta float32
		cShape      []int
	}{
		{"transB", true, 1, 1, []int{5}},
		{"plain", false, 1, 1, []int{1, 5}},
		{"scaled", true, 0.5, 2, []int{5}},
		{"nobias", false, 1, 1, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b, cv := randFloats(1, 2*3), randFloats(2, 3*5), randFloats(3, 5)
			g := &tgraph{}
			g.input("a", 2, 3)
			bdims := []int{3, 5}
			if c.transB {
				bdims = []int{5, 3}
			}
			g.init("B", bdims, b)
			in := []string{"a", "B"}
			var bias []float32
			if c.cShape != nil {
				g.init("C", c.cShape, cv)
				in = append(in, "C")
				bias = cv
			}
			tb := int64(0)
			if c.transB {
				tb = 1
			}
			g.node("Gemm", in, []string{"y"}, attrInt("transB", tb), attrFloat("alpha", c.alpha), attrFloat("beta", c.beta))
			g.output("y", 2, 5)
			outs, m := run(t, g.build(), [][]int{{2, 3}}, [][]int{{2, 5}}, false, a)
			near(t, c.name, outs[0], gemmRef(a, 2, 3, b, c.transB, 5, bias, c.alpha, c.beta), 1e-5)
			if got := opNames(m); !slices.Equal(got, []string{"FULLY_CONNECTED"}) {
				t.Errorf("ops %v", got)
			}
		})
	}
}

// TestFlattenPermutation checks that Flatten of an NCHW tensor feeding a
// Gemm permutes the Gemm's weight columns instead of moving data, and that
// other readers of the flattened tensor get ONNX's order.
func TestFlattenPermutation(t *testing.T) {
	const n, c, h, w, units = 2, 3, 2, 4, 5
	s := convSpec{n: n, c: 2, h: h, w: w, m: c, kh: 1, kw: 1, group: 1, sh: 1, sw: 1, dh: 1, dw: 1}
	x, cw, fw, fb := randFloats(1, n*2*h*w), randFloats(2, c*2), randFloats(3, units*c*h*w), randFloats(4, units)
	conv := convRef(s, x, cw, nil) // [n, c, h, w], flattened in this order by ONNX
	for _, op := range []string{"Flatten", "Reshape"} {
		g := &tgraph{}
		g.input("x", n, 2, h, w)
		g.init("CW", []int{c, 2, 1, 1}, cw)
		g.init("FW", []int{units, c * h * w}, fw)
		g.init("FB", []int{units}, fb)
		g.node("Conv", []string{"x", "CW"}, []string{"conv"})
		if op == "Flatten" {
			g.node("Flatten", []string{"conv"}, []string{"flat"})
		} else {
			g.initInts("shape", []int{2}, []int64{0, -1})
			g.node("Reshape", []string{"conv", "shape"}, []string{"flat"})
		}
		g.node("Gemm", []string{"flat", "FW", "FB"}, []string{"y"}, attrInt("transB", 1))
		g.node("Softmax", []string{"flat"}, []string{"p"}, attrInt("axis", 1))
		g.output("y", n, units)
		g.output("p", n, c*h*w)
		outs, m := run(t, g.build(), [][]int{{n, 2, h, w}}, [][]int{{n, units}, {n, c * h * w}}, false, x)
		near(t, op+" gemm", outs[0], gemmRef(conv, n, c*h*w, fw, true, units, fb, 1, 1), 1e-5)
		near(t, op+" softmax", outs[1], softmaxRows(conv, c*h*w), 1e-5)
		// The Gemm reads the conv output reshaped, not transposed; the
		// softmax works on the permuted rows (it does not care), and only
		// the graph output "p" is transposed back to ONNX order.
		fc := m.Operators[slices.Index(opNames(m), "FULLY_CONNECTED")]
		if src := fc.Inputs[0]; m.Tensors[src].Name != "flat" {
			t.Errorf("%s: FULLY_CONNECTED reads %q", op, m.Tensors[src].Name)
		}
		if got := strings.Count(strings.Join(opNames(m), " "), "TRANSPOSE"); got != 1 {
			t.Errorf("%s: ops %v, want one TRANSPOSE (for output p)", op, opNames(m))
		}
	}
}

func TestPools(t *testing.T) {
	cases := []struct {
		name  string
		s     poolSpec
		ops   []string
		attrs []msg
	}{
		{"max2x2", poolSpec{n: 1, c: 3, h: 6, w: 6, kh: 2, kw: 2, sh: 2, sw: 2, max: true}, []string{"MAX_POOL_2D"}, nil},
		{"max3x3s2pad1", poolSpec{n: 1, c: 2, h: 6, w: 6, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1, max: true}, []string{"PADV2", "MAX_POOL_2D"}, nil},
		{"max3x3s1same", poolSpec{n: 1, c: 2, h: 5, w: 4, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pl: 1, pb: 1, pr: 1, max: true}, []string{"MAX_POOL_2D"}, nil},
		{"max_ceil", poolSpec{n: 1, c: 2, h: 7, w: 7, kh: 2, kw: 2, sh: 2, sw: 2, ceil: true, max: true}, []string{"MAX_POOL_2D"}, []msg{attrInt("ceil_mode", 1)}},
		{"avg_exclude_same", poolSpec{n: 1, c: 3, h: 5, w: 5, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pl: 1, pb: 1, pr: 1}, []string{"AVERAGE_POOL_2D"}, nil},
		{"avg_include_pad", poolSpec{n: 1, c: 3, h: 5, w: 5, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pl: 1, pb: 1, pr: 1, includePad: true}, []string{"PAD", "AVERAGE_POOL_2D"}, []msg{attrInt("count_include_pad", 1)}},
		{"avg_valid", poolSpec{n: 2, c: 1, h: 4, w: 6, kh: 2, kw: 3, sh: 2, sw: 3}, []string{"AVERAGE_POOL_2D"}, nil},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.s
			x := randFloats(uint64(i), s.n*s.c*s.h*s.w)
			oh, ow := s.out()
			op := "AveragePool"
			if s.max {
				op = "MaxPool"
			}
			g := &tgraph{}
			g.input("x", s.n, s.c, s.h, s.w)
			attrs := append([]msg{
				attrIntList("kernel_shape", int64(s.kh), int64(s.kw)),
				attrIntList("strides", int64(s.sh), int64(s.sw)),
				attrIntList("pads", int64(s.pt), int64(s.pl), int64(s.pb), int64(s.pr)),
			}, c.attrs...)
			g.node(op, []string{"x"}, []string{"y"}, attrs...)
			g.output("y", s.n, s.c, oh, ow)
			outs, m := run(t, g.build(), [][]int{{s.n, s.c, s.h, s.w}}, [][]int{{s.n, s.c, oh, ow}}, false, x)
			near(t, c.name, outs[0], poolRef(s, x), 1e-5)
			if got := opNames(m); !slices.Equal(got, c.ops) {
				t.Errorf("ops %v, want %v", got, c.ops)
			}
		})
	}

	// count_include_pad 0 with padding TFLite cannot express.
	g := &tgraph{}
	g.input("x", 1, 1, 6, 6)
	g.node("AveragePool", []string{"x"}, []string{"y"}, attrIntList("kernel_shape", 3, 3), attrIntList("strides", 2, 2), attrIntList("pads", 1, 1, 1, 1))
	g.output("y", 1, 1, 3, 3)
	if _, err := Import(g.build()); err == nil || !strings.Contains(err.Error(), "count_include_pad") {
		t.Errorf("avg pool with unexpressible pads: %v", err)
	}
}

// TestGlobalPoolHead checks the usual classifier head: GlobalAveragePool,
// Flatten (or Squeeze, or ReduceMean), Gemm.
func TestGlobalPoolHead(t *testing.T) {
	const c, h, w = 4, 3, 5
	x, fw := randFloats(1, c*h*w), randFloats(2, 3*c)
	mean := make([]float32, c)
	maxs := make([]float32, c)
	for ch := range c {
		var s float64
		m := float32(math.Inf(-1))
		for _, v := range x[ch*h*w : (ch+1)*h*w] {
			s += float64(v)
			m = max(m, v)
		}
		mean[ch], maxs[ch] = float32(s/(h*w)), m
	}
	for _, head := range []string{"Flatten", "Squeeze", "ReduceMean", "GlobalMaxPool"} {
		g := &tgraph{}
		g.input("x", 1, c, h, w)
		g.init("W", []int{3, c}, fw)
		want := gemmRef(mean, 1, c, fw, true, 3, nil, 1, 1)
		switch head {
		case "Flatten":
			g.node("GlobalAveragePool", []string{"x"}, []string{"gap"})
			g.node("Flatten", []string{"gap"}, []string{"f"})
		case "Squeeze":
			g.initInts("axes", []int{2}, []int64{2, 3})
			g.node("GlobalAveragePool", []string{"x"}, []string{"gap"})
			g.node("Squeeze", []string{"gap", "axes"}, []string{"f"})
		case "ReduceMean":
			g.node("ReduceMean", []string{"x"}, []string{"f"}, attrIntList("axes", -1, 2), attrInt("keepdims", 0))
		case "GlobalMaxPool":
			g.node("GlobalMaxPool", []string{"x"}, []string{"gap"})
			g.node("Flatten", []string{"gap"}, []string{"f"})
			want = gemmRef(maxs, 1, c, fw, true, 3, nil, 1, 1)
		}
		g.node("Gemm", []string{"f", "W"}, []string{"y"}, attrInt("transB", 1))
		g.output("y", 1, 3)
		outs, m := run(t, g.build(), [][]int{{1, c, h, w}}, [][]int{{1, 3}}, false, x)
		near(t, head, outs[0], want, 1e-5)
		if slices.Contains(opNames(m), "TRANSPOSE") {
			t.Errorf("%s: ops %v: no TRANSPOSE needed", head, opNames(m))
		}
	}
}

// TestMatMulAdd checks MatMul + Add of a vector becomes one
// FULLY_CONNECTED with a bias and fused Relu, also for a batch of rank 3.
func TestMatMulAdd(t *testing.T) {
	x, b, bias := randFloats(1, 2*3*4), randFloats(2, 4*6), randFloats(3, 6)
	g := &tgraph{}
	g.input("x", 2, 3, 4)
	g.init("B", []int{4, 6}, b)
	g.init("bias", []int{6}, bias)
	g.node("MatMul", []string{"x", "B"}, []string{"mm"})
	g.node("Add", []string{"bias", "mm"}, []string{"a"})
	g.node("Relu", []string{"a"}, []string{"y"})
	g.output("y", 2, 3, 6)
	outs, m := run(t, g.build(), [][]int{{2, 3, 4}}, [][]int{{2, 3, 6}}, false, x)
	want := relu(gemmRef(x, 6, 4, b, false, 6, bias, 1, 1))
	near(t, "matmul+add", outs[0], want, 1e-5)
	if got := opNames(m); !slices.Equal(got, []string{"FULLY_CONNECTED"}) || m.Operators[0].Options.Activation != format.ActRelu {
		t.Errorf("ops %v, want one FULLY_CONNECTED with RELU", got)
	}
}

// TestElementwise covers Add/Sub/Mul/Div with constants broadcast over
// NCHW, two activations, activations, Concat and Softmax.
func TestElementwise(t *testing.T) {
	const c, h, w = 3, 2, 4
	x := randFloats(1, c*h*w)
	k := randFloats(2, c)
	g := &tgraph{}
	g.input("x", 1, c, h, w)
	g.init("k", []int{c, 1, 1}, k)
	g.init("two", []int{}, []float32{2})
	g.init("six", []int{1}, []float32{6})
	g.init("zero", []int{}, []float32{0})
	g.node("Add", []string{"x", "k"}, []string{"a"})             // per channel
	g.node("Sub", []string{"two", "a"}, []string{"b"})           // constant first
	g.node("Mul", []string{"a", "b"}, []string{"m"})             // two activations
	g.node("Div", []string{"m", "two"}, []string{"d"})           // by a constant
	g.node("Clip", []string{"d", "zero", "six"}, []string{"r6"}) // fused into the MUL
	g.node("Sigmoid", []string{"x"}, []string{"s"})
	g.node("Tanh", []string{"s"}, []string{"th"})
	g.node("Concat", []string{"r6", "th", "k4"}, []string{"cat"}, attrInt("axis", 1))
	g.init("k4", []int{1, 1, h, w}, randFloats(3, h*w))
	g.node("Softmax", []string{"cat"}, []string{"y"}, attrInt("axis", 1))
	g.output("y", 1, 2*c+1, h, w)
	// Concat reads k4 before its initializer is listed: initializers are
	// known from the start, as in ONNX.

	hw := h * w
	want := make([]float32, (2*c+1)*hw)
	for ch := range c {
		for i := range hw {
			v := x[ch*hw+i]
			a := v + k[ch]
			b := 2 - a
			d := a * b / 2
			want[ch*hw+i] = min(max(d, 0), 6)
			want[(c+ch)*hw+i] = float32(math.Tanh(1 / (1 + math.Exp(-float64(v)))))
		}
	}
	k4 := randFloats(3, h*w)
	copy(want[2*c*hw:], k4)
	// Softmax over channels, per pixel.
	for i := range hw {
		var col []float32
		for ch := range 2*c + 1 {
			col = append(col, want[ch*hw+i])
		}
		col = softmaxRows(col, len(col))
		for ch := range 2*c + 1 {
			want[ch*hw+i] = col[ch]
		}
	}
	outs, m := run(t, g.build(), [][]int{{1, c, h, w}}, [][]int{{1, 2*c + 1, h, w}}, false, x)
	near(t, "elementwise", outs[0], want, 1e-5)
	for _, op := range m.Operators {
		if op.Op == "CONCATENATION" && op.Options.Axis != 3 {
			t.Errorf("CONCATENATION axis %d, want 3 (channels of NHWC)", op.Options.Axis)
		}
		if op.Op == "MUL" && op.Options.Activation == format.ActRelu6 {
			return
		}
	}
	t.Errorf("Clip(0, 6) not fused into a MUL: ops %v", opNames(m))
}

// TestLeakyReluHardSwish covers LeakyRelu (given and default alpha),
// HardSwish (opset 14) and the older x·HardSigmoid(x) form of it, against
// the ONNX definitions.
func TestLeakyReluHardSwish(t *testing.T) {
	const c, h, w = 3, 2, 4
	x := randFloats(4, c*h*w)
	g := &tgraph{opset: 14}
	g.input("x", 1, c, h, w)
	g.init("five", []int{}, []float32{5})
	g.node("LeakyRelu", []string{"x"}, []string{"l"}, attrFloat("alpha", 0.2))
	g.node("LeakyRelu", []string{"x"}, []string{"l2"})
	g.node("Mul", []string{"x", "five"}, []string{"m"}) // to [-5, 5)
	g.node("HardSwish", []string{"m"}, []string{"hs"})
	g.node("HardSigmoid", []string{"m"}, []string{"sig"}, attrFloat("alpha", 1.0/6), attrFloat("beta", 0.5))
	g.node("Mul", []string{"sig", "m"}, []string{"hs2"})
	g.node("Concat", []string{"l", "l2", "hs", "hs2"}, []string{"y"}, attrInt("axis", 1))
	g.output("y", 1, 4*c, h, w)
	outs, m := run(t, g.build(), [][]int{{1, c, h, w}}, [][]int{{1, 4 * c, h, w}}, false, x)

	hw := h * w
	want := make([]float32, 4*c*hw)
	for i, v := range x {
		ch, p := i/hw, i%hw
		leaky := func(alpha float64) float32 {
			return float32(max(float64(v), 0) + min(float64(v), 0)*alpha)
		}
		mv := 5 * float64(v)
		hswish := float32(mv * max(0, min(1, mv/6+0.5)))
		want[ch*hw+p] = leaky(0.2)
		want[(c+ch)*hw+p] = leaky(0.01)
		want[(2*c+ch)*hw+p] = hswish
		want[(3*c+ch)*hw+p] = hswish
	}
	near(t, "leaky relu, hard swish", outs[0], want, 1e-6)
	if got := opNames(m); !slices.Equal(got, []string{"LEAKY_RELU", "LEAKY_RELU", "MUL", "HARD_SWISH", "HARD_SWISH", "CONCATENATION"}) {
		t.Errorf("ops %v", got)
	}
	if a0, a1 := m.Operators[0].Options.Alpha, m.Operators[1].Options.Alpha; a0 != 0.2 || a1 != 0.01 {
		t.Errorf("alphas %g, %g, want 0.2, 0.01", a0, a1)
	}
	if got, want := m.Tensors[m.Operators[4].Outputs[0]].Name, "hs2"; got != want {
		t.Errorf("x·HardSigmoid(x) output is named %q, want %q", got, want)
	}
}

// TestSoftmaxOpset11 checks the pre-13 Softmax, which flattens at axis.
func TestSoftmaxOpset11(t *testing.T) {
	x := randFloats(1, 2*3*2*2)
	g := &tgraph{opset: 11}
	g.input("x", 2, 3, 2, 2)
	g.node("Softmax", []string{"x"}, []string{"y"}) // axis 1: over C·H·W
	g.output("y", 2, 3, 2, 2)
	outs, _ := run(t, g.build(), [][]int{{2, 3, 2, 2}}, [][]int{{2, 3, 2, 2}}, false, x)
	near(t, "softmax opset 11", outs[0], softmaxRows(x, 12), 1e-5)
}

// TestTensorFlowLayout checks a model converted from TensorFlow (tf2onnx
// style): the NHWC input is transposed to NCHW and the output back, so
// both stay as they are and no TRANSPOSE is emitted.
func TestTensorFlowLayout(t *testing.T) {
	s := convSpec{n: 1, c: 3, h: 5, w: 4, m: 2, kh: 3, kw: 3, group: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}
	x, w := randFloats(1, 60), randFloats(2, 54)
	g := &tgraph{}
	g.input("x", 1, 5, 4, 3)
	g.init("W", []int{2, 3, 3, 3}, w)
	g.node("Transpose", []string{"x"}, []string{"nchw"}, attrIntList("perm", 0, 3, 1, 2))
	g.node("Conv", []string{"nchw", "W"}, []string{"c"}, attrIntList("pads", 1, 1, 1, 1))
	g.node("Transpose", []string{"c"}, []string{"y"}, attrIntList("perm", 0, 2, 3, 1))
	g.output("y", 1, 5, 4, 2)
	outs, m := run(t, g.build(), [][]int{{1, 5, 4, 3}}, [][]int{{1, 5, 4, 2}}, true, x)
	want := convRef(s, nhwcToNCHW(x, 1, 3, 5, 4), w, nil)
	near(t, "tf layout", nhwcToNCHW(outs[0], 1, 2, 5, 4), want, 1e-5)
	if got := opNames(m); !slices.Equal(got, []string{"CONV_2D"}) {
		t.Errorf("ops %v, want only CONV_2D", got)
	}
}

// TestReshapeToNCHW checks a rank-2 input reshaped to NCHW, padded and
// convolved: the reshaped value is in ONNX order and must be transposed
// for the convolution (a RESHAPE suffices when C is 1).
func TestReshapeToNCHW(t *testing.T) {
	for _, ch := range []int{1, 2} {
		x, w := randFloats(1, ch*12), randFloats(2, 2*ch*4)
		g := &tgraph{}
		g.input("x", 1, ch*12)
		g.initInts("shape", []int{4}, []int64{1, int64(ch), 3, 4})
		g.initInts("pads", []int{8}, []int64{0, 0, 1, 0, 0, 0, 0, 2})
		g.init("W", []int{2, ch, 2, 2}, w)
		g.node("Reshape", []string{"x", "shape"}, []string{"r"})
		g.node("Pad", []string{"r", "pads"}, []string{"p"})
		g.node("Conv", []string{"p", "W"}, []string{"y"})
		g.output("y", 1, 2, 3, 5)
		// Pad H by 1 in front and W by 2 at the end, then a valid conv.
		ps := convSpec{n: 1, c: ch, h: 3, w: 4, m: 2, kh: 2, kw: 2, group: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pr: 2}
		outs, m := run(t, g.build(), [][]int{{1, ch * 12}}, [][]int{{1, 2, 3, 5}}, false, x)
		near(t, "reshape+pad+conv", outs[0], convRef(ps, x, w, nil), 1e-5)
		transposes := strings.Count(strings.Join(opNames(m), " "), "TRANSPOSE")
		if want := map[int]int{1: 0, 2: 1}[ch]; transposes != want {
			t.Errorf("C=%d: ops %v, want %d TRANSPOSE", ch, opNames(m), want)
		}
	}
}

// TestShapeArithmetic checks the legacy PyTorch flatten: Shape, Gather,
// Unsqueeze and Concat folded into a constant shape, Constant nodes, Cast,
// Identity and Dropout dropped.
func TestShapeArithmetic(t *testing.T) {
	x, fw := randFloats(1, 2*2*3), randFloats(2, 4*6)
	g := &tgraph{opset: 11}
	g.input("x", 2, 2, 1, 3)
	g.init("W", []int{4, 6}, fw)
	g.node("Identity", []string{"x"}, []string{"xi"})
	g.node("Shape", []string{"xi"}, []string{"shape"})
	g.nodes = append(g.nodes, tnode{op: "Constant", out: []string{"zero"}, attrs: []msg{attrTensor("value", int64Tensor("", nil, []int64{0}))}})
	g.node("Gather", []string{"shape", "zero"}, []string{"n"}, attrInt("axis", 0))
	g.node("Unsqueeze", []string{"n"}, []string{"n1"}, attrIntList("axes", 0))
	g.nodes = append(g.nodes, tnode{op: "Constant", out: []string{"minus1"}, attrs: []msg{attrIntList("value_ints", -1)}})
	g.node("Concat", []string{"n1", "minus1"}, []string{"newshape"}, attrInt("axis", 0))
	g.node("Cast", []string{"newshape"}, []string{"newshape64"}, attrInt("to", dtInt64))
	g.node("Reshape", []string{"xi", "newshape64"}, []string{"flat"})
	g.node("Dropout", []string{"flat"}, []string{"drop"})
	g.node("Gemm", []string{"drop", "W"}, []string{"y"}, attrInt("transB", 1))
	g.output("y", 2, 4)
	outs, _ := run(t, g.build(), [][]int{{2, 2, 1, 3}}, [][]int{{2, 4}}, false, x)
	near(t, "shape arithmetic", outs[0], gemmRef(x, 2, 6, fw, true, 4, nil, 1, 1), 1e-5)
}

// TestSources checks the numbering of tensor sources and the metadata.
func TestSources(t *testing.T) {
	s := convSpec{n: 1, c: 1, h: 4, w: 4, m: 2, kh: 3, kw: 3, group: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}
	m, err := Import(convModel(s, randFloats(1, 18), randFloats(2, 2), true))
	if err != nil {
		t.Fatal(err)
	}
	// Values: x (input) 0, W 1, B 2, conv 3, y 4.
	want := map[string]int32{"x": 0, "W": 1, "B": 2, "y": 4}
	for _, tt := range m.Tensors {
		if w, ok := want[tt.Name]; ok && tt.Source != w {
			t.Errorf("tensor %s: source %d, want %d", tt.Name, tt.Source, w)
		}
	}
	if m.Meta.Source != "onnx" || len(m.Meta.SourceHash) != 64 || m.Meta.Name != "" {
		t.Errorf("meta %+v", m.Meta)
	}
	if in := m.Tensors[m.Inputs[0]]; !slices.Equal(in.Shape, []int32{1, 4, 4, 1}) {
		t.Errorf("input shape %v, want NHWC [1 4 4 1]", in.Shape)
	}
}

func TestImportErrors(t *testing.T) {
	valid := func() *tgraph {
		g := &tgraph{}
		g.input("x", 1, 4)
		g.init("W", []int{4, 2}, randFloats(1, 8))
		g.node("MatMul", []string{"x", "W"}, []string{"y"})
		g.output("y", 1, 2)
		return g
	}
	if _, err := Import(valid().build()); err != nil {
		t.Fatalf("valid model: %v", err)
	}
	cases := []struct {
		name string
		edit func(g *tgraph) []byte
		want string
	}{
		{"garbage", func(*tgraph) []byte { return []byte("\x08\x07\x12\x04test") }, "malformed model: no graph"},
		{"truncated", func(g *tgraph) []byte { b := g.build(); return b[:len(b)-7] }, "malformed protobuf"},
		{"bad wire type", func(*tgraph) []byte { return []byte{0x3d, 1, 2, 3, 4} }, "wire type"},
		{"no graph", func(*tgraph) []byte { return msg{}.varint(1, 8).bytes(8, msg{}.varint(2, 13)) }, "no graph"},
		{"not protobuf", func(*tgraph) []byte { return []byte("PK\x03\x04 a zip file") }, "malformed"},
		{"opset 10", func(g *tgraph) []byte { g.opset = 10; return g.build() }, "opset 10 is not supported"},
		{"opset 99", func(g *tgraph) []byte { g.opset = 99; return g.build() }, "opset 99"},
		{"missing initializer", func(g *tgraph) []byte { g.inits = nil; return g.build() }, `input "W" is not a graph input`},
		{"unsupported ops", func(g *tgraph) []byte {
			g.node("Resize", []string{"y"}, []string{"z"})
			g.nodes = append(g.nodes, tnode{op: "Gelu", in: []string{"z"}, out: []string{"q"}, domain: "com.microsoft"})
			g.node("LSTM", []string{"q"}, []string{"r"})
			return g.build()
		}, "unsupported operators: #1 Resize, #2 Gelu (domain \"com.microsoft\"), #3 LSTM"},
		{"wrong weight shape", func(g *tgraph) []byte {
			g.inits = nil
			g.init("W", []int{3, 2}, randFloats(1, 6))
			return g.build()
		}, "only a batch of rows times a constant matrix"},
		{"data size", func(g *tgraph) []byte {
			g.inits = []msg{floatTensor("W", []int{4, 2}, randFloats(1, 7))}
			return g.build()
		}, "holds 28 bytes"},
		{"huge dims", func(g *tgraph) []byte {
			g.inits = []msg{floatTensor("W", []int{1 << 30, 1 << 30}, nil)}
			return g.build()
		}, "needs more than"},
		{"huge input", func(g *tgraph) []byte {
			g.inputs = []msg{valueInfoMsg("x", []int{1 << 20, 1 << 20})}
			return g.build()
		}, "needs more than"},
		{"symbolic dim", func(g *tgraph) []byte {
			dims := msg{}.bytes(1, msg{}.varint(1, 1)).bytes(1, msg{}.str(2, "n"))
			tt := msg{}.varint(1, dtFloat).bytes(2, dims)
			g.inputs = []msg{msg{}.str(1, "x").bytes(2, msg{}.bytes(1, tt))}
			return g.build()
		}, "symbolic"},
		{"int input", func(g *tgraph) []byte {
			tt := msg{}.varint(1, dtInt64).bytes(2, msg{}.bytes(1, msg{}.varint(1, 4)))
			g.inputs = []msg{msg{}.str(1, "x").bytes(2, msg{}.bytes(1, tt))}
			return g.build()
		}, "only float32 inputs"},
		{"external data", func(g *tgraph) []byte {
			g.inits = []msg{msg{}.varint(1, 4).varint(1, 2).varint(2, dtFloat).str(8, "W").varint(14, 1)}
			return g.build()
		}, "external file"},
		{"value_info mismatch", func(g *tgraph) []byte {
			g.outputs = []msg{valueInfoMsg("y", []int{1, 3})}
			return g.build()
		}, "declares [1 3]"},
		{"duplicate output", func(g *tgraph) []byte {
			g.node("Relu", []string{"x"}, []string{"y"})
			return g.build()
		}, "both write"},
		{"not topological", func(g *tgraph) []byte {
			g.nodes = append([]tnode{{op: "Relu", in: []string{"y"}, out: []string{"z"}}}, g.nodes...)
			return g.build()
		}, "topological"},
		{"no inputs", func(g *tgraph) []byte { g.inputs = nil; return g.build() }, "no inputs"},
		{"constant output", func(g *tgraph) []byte {
			g.outputs = append(g.outputs, valueInfoMsg("W", []int{4, 2}))
			return g.build()
		}, "is a constant"},
		{"clip range", func(g *tgraph) []byte {
			g.nodes = append(g.nodes, tnode{op: "Clip", in: []string{"x", "lo"}, out: []string{"c"}})
			g.init("lo", []int{}, []float32{0.5})
			g.outputs = append(g.outputs, valueInfoMsg("c", []int{1, 4}))
			return g.build()
		}, "Clip to [0, 6]"},
		{"training bn", func(g *tgraph) []byte {
			for _, n := range []string{"s", "b", "m", "v"} {
				g.init(n, []int{4}, []float32{1, 1, 1, 1})
			}
			g.node("BatchNormalization", []string{"x", "s", "b", "m", "v"}, []string{"bn"}, attrInt("training_mode", 1))
			g.outputs = append(g.outputs, valueInfoMsg("bn", []int{1, 4}))
			return g.build()
		}, "training_mode"},
		{"computed unsqueeze axes", func(g *tgraph) []byte {
			// The axes input is an activation, not a constant: an error,
			// not a panic.
			g.input("a", 1)
			g.node("Unsqueeze", []string{"x", "a"}, []string{"u"})
			g.outputs = append(g.outputs, valueInfoMsg("u", []int{1, 1, 4}))
			return g.build()
		}, `"a" must be a constant`},
		{"hard sigmoid alone", func(g *tgraph) []byte {
			g.node("HardSigmoid", []string{"x"}, []string{"hs"}, attrFloat("alpha", 1.0/6))
			g.outputs = append(g.outputs, valueInfoMsg("hs", []int{1, 4}))
			return g.build()
		}, "only in a hard swish"},
		{"hard sigmoid times another value", func(g *tgraph) []byte {
			g.node("HardSigmoid", []string{"x"}, []string{"hs"}, attrFloat("alpha", 1.0/6))
			g.node("Mul", []string{"hs", "y"}, []string{"m"})
			g.outputs = []msg{valueInfoMsg("m", []int{1, 2})}
			return g.build()
		}, "only in a hard swish"},
		{"hard sigmoid alpha", func(g *tgraph) []byte {
			g.node("HardSigmoid", []string{"x"}, []string{"hs"})
			g.node("Mul", []string{"x", "hs"}, []string{"m"})
			g.outputs = append(g.outputs, valueInfoMsg("m", []int{1, 4}))
			return g.build()
		}, "alpha 0.2 and beta 0.5 is not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Import(c.edit(valid()))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to mention %q", err, c.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "onnx: ") {
				t.Errorf("error %q does not start with onnx:", err)
			}
		})
	}
	// Malformed protobuf errors wrap errMalformed.
	_, err := Import([]byte{0x0a, 0xff})
	if !errors.Is(err, errMalformed) {
		t.Errorf("truncated message: %v does not wrap errMalformed", err)
	}
}

// TestMaxPoolAfterRelu checks the ResNet stem: Conv, Relu, MaxPool 3×3
// stride 2 pad 1. ONNX pads the pool with -inf; after a Relu zeros do as
// well, so the importer uses PAD (which quantizes) rather than PADV2.
func TestMaxPoolAfterRelu(t *testing.T) {
	s := convSpec{n: 1, c: 2, h: 8, w: 8, m: 3, kh: 3, kw: 3, group: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1}
	x, w, b := randFloats(1, 128), randFloats(2, 54), randFloats(3, 3)
	conv := relu(convRef(s, x, w, b))
	ps := poolSpec{n: 1, c: 3, h: 8, w: 8, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1, max: true}
	g := &tgraph{}
	g.input("x", 1, 2, 8, 8)
	g.init("W", []int{3, 2, 3, 3}, w)
	g.init("B", []int{3}, b)
	g.node("Conv", []string{"x", "W", "B"}, []string{"c"}, attrIntList("pads", 1, 1, 1, 1))
	g.node("Relu", []string{"c"}, []string{"r"})
	g.node("MaxPool", []string{"r"}, []string{"y"}, attrIntList("kernel_shape", 3, 3), attrIntList("strides", 2, 2), attrIntList("pads", 1, 1, 1, 1))
	g.output("y", 1, 3, 4, 4)
	outs, m := run(t, g.build(), [][]int{{1, 2, 8, 8}}, [][]int{{1, 3, 4, 4}}, false, x)
	near(t, "stem", outs[0], poolRef(ps, conv), 1e-5)
	if got := opNames(m); !slices.Equal(got, []string{"CONV_2D", "PAD", "MAX_POOL_2D"}) {
		t.Errorf("ops %v, want CONV_2D PAD MAX_POOL_2D", got)
	}
}
