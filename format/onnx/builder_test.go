package onnx

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
	"google.golang.org/protobuf/encoding/protowire"
)

// A tiny ONNX writer for tests: each message is built field by field with
// protowire, independently of the importer's decoder (only the field
// numbers, facts from onnx.proto, are shared).

type msg []byte

func (m msg) varint(num protowire.Number, v int64) msg {
	m = protowire.AppendTag(m, num, protowire.VarintType)
	return protowire.AppendVarint(m, uint64(v))
}

func (m msg) bytes(num protowire.Number, b []byte) msg {
	m = protowire.AppendTag(m, num, protowire.BytesType)
	return protowire.AppendBytes(m, b)
}

func (m msg) str(num protowire.Number, s string) msg { return m.bytes(num, []byte(s)) }

func (m msg) fixed32(num protowire.Number, v uint32) msg {
	m = protowire.AppendTag(m, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(m, v)
}

func (m msg) packedInts(num protowire.Number, v []int64) msg {
	var p []byte
	for _, x := range v {
		p = protowire.AppendVarint(p, uint64(x))
	}
	return m.bytes(num, p)
}

// tnode is a NodeProto.
type tnode struct {
	op      string
	in, out []string
	attrs   []msg
	domain  string
}

func (n tnode) encode() msg {
	var m msg
	for _, s := range n.in {
		m = m.str(1, s)
	}
	for _, s := range n.out {
		m = m.str(2, s)
	}
	m = m.str(3, n.op+"_"+firstOr(n.out, "x"))
	m = m.str(4, n.op)
	for _, a := range n.attrs {
		m = m.bytes(5, a)
	}
	if n.domain != "" {
		m = m.str(7, n.domain)
	}
	return m
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

func attrInt(name string, v int64) msg {
	return msg{}.str(1, name).varint(20, atInt).varint(3, v)
}

func attrFloat(name string, v float32) msg {
	return msg{}.str(1, name).varint(20, atFloat).fixed32(2, math.Float32bits(v))
}

func attrIntList(name string, v ...int64) msg {
	return msg{}.str(1, name).varint(20, atInts).packedInts(8, v)
}

func attrString(name, v string) msg {
	return msg{}.str(1, name).varint(20, atString).str(4, v)
}

func attrTensor(name string, t msg) msg {
	return msg{}.str(1, name).varint(20, atTensor).bytes(5, t)
}

// floatTensor is a TensorProto with raw little-endian float data.
func floatTensor(name string, dims []int, data []float32) msg {
	m := msg{}
	for _, d := range dims {
		m = m.varint(1, int64(d))
	}
	m = m.varint(2, dtFloat).str(8, name)
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return m.bytes(9, raw)
}

// int64Tensor is a TensorProto with int64_data.
func int64Tensor(name string, dims []int, data []int64) msg {
	m := msg{}
	for _, d := range dims {
		m = m.varint(1, int64(d))
	}
	return m.varint(2, dtInt64).str(8, name).packedInts(7, data)
}

// valueInfoMsg is a float ValueInfoProto with a static shape.
func valueInfoMsg(name string, shape []int) msg {
	var dims msg
	for _, d := range shape {
		dims = dims.bytes(1, msg{}.varint(1, int64(d)))
	}
	tt := msg{}.varint(1, dtFloat).bytes(2, dims)
	return msg{}.str(1, name).bytes(2, msg{}.bytes(1, tt))
}

// tgraph is a model under construction.
type tgraph struct {
	opset     int64
	nodes     []tnode
	inits     []msg
	inputs    []msg
	outputs   []msg
	valueInfo []msg
}

func (g *tgraph) input(name string, shape ...int) {
	g.inputs = append(g.inputs, valueInfoMsg(name, shape))
}
func (g *tgraph) output(name string, shape ...int) {
	g.outputs = append(g.outputs, valueInfoMsg(name, shape))
}
func (g *tgraph) init(name string, dims []int, data []float32) {
	g.inits = append(g.inits, floatTensor(name, dims, data))
}
func (g *tgraph) initInts(name string, dims []int, data []int64) {
	g.inits = append(g.inits, int64Tensor(name, dims, data))
}
func (g *tgraph) node(op string, in, out []string, attrs ...msg) {
	g.nodes = append(g.nodes, tnode{op: op, in: in, out: out, attrs: attrs})
}

func (g *tgraph) build() []byte {
	var gm msg
	for _, n := range g.nodes {
		gm = gm.bytes(1, n.encode())
	}
	gm = gm.str(2, "test")
	for _, t := range g.inits {
		gm = gm.bytes(5, t)
	}
	for _, v := range g.inputs {
		gm = gm.bytes(11, v)
	}
	for _, v := range g.outputs {
		gm = gm.bytes(12, v)
	}
	for _, v := range g.valueInfo {
		gm = gm.bytes(13, v)
	}
	opset := g.opset
	if opset == 0 {
		opset = 13
	}
	m := msg{}.varint(1, 8).str(2, "edgeq-test").bytes(8, msg{}.str(1, "").varint(2, opset)).bytes(7, gm)
	return m
}

// randFloats returns n values in [-1, 1) from a fixed seed.
func randFloats(seed uint64, n int) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n)
	for i := range x {
		x[i] = r.Float32()*2 - 1
	}
	return x
}

// nchwToNHWC and nhwcToNCHW reorder rank-4 data for the runtime.
func nchwToNHWC(x []float32, n, c, h, w int) []float32 {
	out := make([]float32, len(x))
	for b := range n {
		for ch := range c {
			for y := range h {
				for xx := range w {
					out[((b*h+y)*w+xx)*c+ch] = x[((b*c+ch)*h+y)*w+xx]
				}
			}
		}
	}
	return out
}

func nhwcToNCHW(x []float32, n, c, h, w int) []float32 {
	out := make([]float32, len(x))
	for b := range n {
		for ch := range c {
			for y := range h {
				for xx := range w {
					out[((b*c+ch)*h+y)*w+xx] = x[((b*h+y)*w+xx)*c+ch]
				}
			}
		}
	}
	return out
}

// run imports model, runs it on inputs given in ONNX order and returns the
// outputs in ONNX order. Rank-4 inputs and outputs are NHWC in the .eqm
// unless asIs says they stay as they are.
func run(t *testing.T, model []byte, inShapes [][]int, outShapes [][]int, asIs bool, inputs ...[]float32) ([][]float32, *format.Model) {
	t.Helper()
	m, err := Import(model)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if _, err := format.Encode(m); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	ip, err := runtime.LoadModel(m)
	if err != nil {
		t.Fatalf("LoadModel: %v", err)
	}
	for i, x := range inputs {
		s := inShapes[i]
		if len(s) == 4 && !asIs {
			x = nchwToNHWC(x, s[0], s[1], s[2], s[3])
		}
		dst := ip.Input(i).Float32()
		if len(dst) != len(x) {
			t.Fatalf("input %d: %d values for shape %v", i, len(x), ip.Input(i).Shape)
		}
		copy(dst, x)
	}
	if err := ip.Invoke(); err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	var outs [][]float32
	for i, s := range outShapes {
		y := slices.Clone(ip.Output(i).Float32())
		if len(s) == 4 && !asIs {
			y = nhwcToNCHW(y, s[0], s[1], s[2], s[3])
		}
		outs = append(outs, y)
	}
	return outs, m
}

// near fails unless got and want agree within tol (relative to max(1, |want|)).
func near(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*math.Max(1, math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: value %d is %g, want %g (and maybe more)", what, i, got[i], want[i])
		}
	}
}

// opNames lists a model's operator names.
func opNames(m *format.Model) []string {
	var s []string
	for _, op := range m.Operators {
		s = append(s, op.Op)
	}
	return s
}

// Reference kernels, NCHW, written straight from the ONNX operator
// definitions.

type convSpec struct {
	n, c, h, w     int
	m, kh, kw      int
	group          int
	sh, sw         int
	dh, dw         int
	pt, pl, pb, pr int // pads: top, left, bottom, right
}

func (s convSpec) out() (int, int) {
	oh := (s.h+s.pt+s.pb-((s.kh-1)*s.dh+1))/s.sh + 1
	ow := (s.w+s.pl+s.pr-((s.kw-1)*s.dw+1))/s.sw + 1
	return oh, ow
}

func convRef(s convSpec, x, w, b []float32) []float32 {
	oh, ow := s.out()
	cg, mg := s.c/s.group, s.m/s.group
	y := make([]float32, s.n*s.m*oh*ow)
	for n := range s.n {
		for m := range s.m {
			g := m / mg
			for oy := range oh {
				for ox := range ow {
					var acc float64
					if b != nil {
						acc = float64(b[m])
					}
					for ci := range cg {
						c := g*cg + ci
						for ky := range s.kh {
							for kx := range s.kw {
								iy := oy*s.sh - s.pt + ky*s.dh
								ix := ox*s.sw - s.pl + kx*s.dw
								if iy < 0 || iy >= s.h || ix < 0 || ix >= s.w {
									continue
								}
								acc += float64(x[((n*s.c+c)*s.h+iy)*s.w+ix]) * float64(w[((m*cg+ci)*s.kh+ky)*s.kw+kx])
							}
						}
					}
					y[((n*s.m+m)*oh+oy)*ow+ox] = float32(acc)
				}
			}
		}
	}
	return y
}

type poolSpec struct {
	n, c, h, w     int
	kh, kw, sh, sw int
	pt, pl, pb, pr int
	ceil           bool
	max            bool
	includePad     bool
}

func (s poolSpec) out() (int, int) {
	o := func(in, begin, total, k, st int) int {
		span := in + total - k
		out := span/st + 1
		if s.ceil && span%st != 0 {
			out++
			if (out-1)*st >= in+begin {
				out-- // the last window may not start in the end padding
			}
		}
		return out
	}
	return o(s.h, s.pt, s.pt+s.pb, s.kh, s.sh), o(s.w, s.pl, s.pl+s.pr, s.kw, s.sw)
}

func poolRef(s poolSpec, x []float32) []float32 {
	oh, ow := s.out()
	y := make([]float32, s.n*s.c*oh*ow)
	for n := range s.n {
		for c := range s.c {
			for oy := range oh {
				for ox := range ow {
					best := math.Inf(-1)
					var sum float64
					count := 0
					for ky := range s.kh {
						for kx := range s.kw {
							iy, ix := oy*s.sh-s.pt+ky, ox*s.sw-s.pl+kx
							inPad := iy >= -s.pt && iy < s.h+s.pb && ix >= -s.pl && ix < s.w+s.pr
							if iy < 0 || iy >= s.h || ix < 0 || ix >= s.w {
								if s.includePad && inPad {
									count++
								}
								continue
							}
							v := float64(x[((n*s.c+c)*s.h+iy)*s.w+ix])
							best = math.Max(best, v)
							sum += v
							count++
						}
					}
					r := best
					if !s.max {
						r = sum / float64(count)
					}
					y[((n*s.c+c)*oh+oy)*ow+ox] = float32(r)
				}
			}
		}
	}
	return y
}

// gemmRef computes alpha·A·op(B) + beta·C for A [m,k], C [n] or nil.
func gemmRef(a []float32, m, k int, b []float32, transB bool, n int, c []float32, alpha, beta float32) []float32 {
	y := make([]float32, m*n)
	for i := range m {
		for j := range n {
			var acc float64
			for p := range k {
				bv := b[p*n+j]
				if transB {
					bv = b[j*k+p]
				}
				acc += float64(a[i*k+p]) * float64(bv)
			}
			acc *= float64(alpha)
			if c != nil {
				acc += float64(beta) * float64(c[j])
			}
			y[i*n+j] = float32(acc)
		}
	}
	return y
}

func relu(x []float32) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = max(v, 0)
	}
	return y
}

func softmaxRows(x []float32, depth int) []float32 {
	y := make([]float32, len(x))
	for r := 0; r < len(x); r += depth {
		m := math.Inf(-1)
		for _, v := range x[r : r+depth] {
			m = math.Max(m, float64(v))
		}
		var s float64
		for _, v := range x[r : r+depth] {
			s += math.Exp(float64(v) - m)
		}
		for i, v := range x[r : r+depth] {
			y[r+i] = float32(math.Exp(float64(v)-m) / s)
		}
	}
	return y
}
