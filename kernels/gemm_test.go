package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// The assembly reads gemmArgs at these offsets (gemm_arm64.s).
func TestGemmArgsLayout(t *testing.T) {
	if unsafe.Sizeof(0) != 8 {
		t.Skip("only the arm64 assembly reads the argument blocks")
	}
	var a gemmArgs
	for _, f := range []struct {
		name      string
		off, want uintptr
	}{
		{"vzp32", unsafe.Offsetof(a.vzp32), 0},
		{"vzp16", unsafe.Offsetof(a.vzp16), 16},
		{"vlo", unsafe.Offsetof(a.vlo), 32},
		{"vhi", unsafe.Offsetof(a.vhi), 48},
		{"x", unsafe.Offsetof(a.x), 64},
		{"xStride", unsafe.Offsetof(a.xStride), 72},
		{"rows", unsafe.Offsetof(a.rows), 80},
		{"w", unsafe.Offsetof(a.w), 88},
		{"params", unsafe.Offsetof(a.params), 96},
		{"blocks", unsafe.Offsetof(a.blocks), 104},
		{"chunks", unsafe.Offsetof(a.chunks), 112},
		{"out", unsafe.Offsetof(a.out), 120},
		{"outStride", unsafe.Offsetof(a.outStride), 128},
		{"tail", unsafe.Offsetof(a.tail), 136},
		{"flags", unsafe.Offsetof(a.flags), 144},
	} {
		if f.off != f.want {
			t.Errorf("gemmArgs.%s at offset %d, the assembly reads %d", f.name, f.off, f.want)
		}
	}
}

// requantVector must equal the generic requantization for every input,
// including the extremes.
func TestRequantVector(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	accs := []int32{0, 1, -1, 2, -2, 3, -3, math.MaxInt32, math.MinInt32, math.MaxInt32 - 1, math.MinInt32 + 1, 1 << 30, -1 << 30}
	mults := []int32{0, 1, 1 << 30, math.MaxInt32, 1<<31 - 2, 1518500250}
	for i := 0; i < 20000; i++ {
		acc := accs[i%len(accs)]
		if i >= 4*len(accs) {
			acc = int32(r.Uint32())
			if i%3 == 0 {
				acc >>= r.IntN(31)
			}
		}
		m := mults[i%len(mults)]
		if i%2 == 0 {
			m = int32(r.Uint32() >> 1)
		}
		shift := int32(r.IntN(62) - 31)
		if i%5 == 0 {
			shift = int32(r.IntN(4) - 2)
		}
		zp := int32(r.IntN(256) - 128)
		lo := int32(r.IntN(256) - 128)
		hi := lo + int32(r.IntN(127-int(lo)+1))
		want := int8(min(max(MultiplyByQuantizedMultiplier(acc, m, int(shift))+zp, lo), hi))
		got := requantVector(acc, m, max(shift, 0), min(shift, 0), zp, lo, hi)
		if got != want {
			t.Fatalf("acc %d mult %d shift %d zp %d [%d,%d]: %d, want %d", acc, m, shift, zp, lo, hi, got, want)
		}
	}
}

// gemmCase is a random packed GEMM: rows of x × oc channels of k taps.
type gemmCase struct {
	k, oc, rows int
	xStride     int
	x, w        []int8
	bias        []int32
	rq          Requant
}

func randGemmCase(r *rand.Rand, k, oc, rows int, wMin int) gemmCase {
	kp := (k + 15) &^ 15
	c := gemmCase{k: k, oc: oc, rows: rows, xStride: kp + 16*r.IntN(2) + r.IntN(3)}
	off := r.IntN(16) // misalign x
	buf := cvRandInt8s(r, off+max(rows-1, 0)*c.xStride+kp, -128, 127)
	c.x = buf[off:]
	c.w = cvRandInt8s(r, oc*k, wMin, 127)
	switch r.IntN(8) {
	case 0:
		c.w = cvRandInt8s(r, oc*k, wMin, wMin) // extremes
		c.x = slices.Clone(c.x)
		for i := range c.x {
			c.x[i] = -128
		}
	case 1:
		c.w = cvRandInt8s(r, oc*k, 127, 127)
	}
	c.bias = make([]int32, oc)
	for i := range c.bias {
		c.bias[i] = int32(r.Uint32()) >> r.IntN(32)
	}
	_, c.rq = cvRandQuant(r, oc, false)
	if r.IntN(4) == 0 {
		for i := range c.rq.Shift { // mixed signs and zero shifts
			c.rq.Shift[i] = int32(r.IntN(5) - 3)
		}
	}
	if err := c.rq.Prepare(oc); err != nil {
		panic(err)
	}
	return c
}

// runCore runs the packed core for kind (assembly or twin) or, with
// generic set, gemmInt8Generic, into a guarded output.
func (c *gemmCase) runCore(t *testing.T, kind gemmKind, generic bool, outStride int) []int8 {
	t.Helper()
	pk := packGEMM(kind, c.w, c.k, c.oc, 1, c.bias, &c.rq)
	n := max(c.rows-1, 0)*outStride + c.oc
	out, check := cvGuarded[int8](n, 0x5a)
	for i := range out {
		out[i] = 0x5a
	}
	x := slices.Clone(c.x)
	if c.rows > 0 {
		if generic {
			a := pk.args(0, c.x, c.xStride, c.rows, out, outStride)
			gemmInt8Generic(&a, kind)
		} else {
			pk.run(0, c.x, c.xStride, c.rows, out, outStride)
		}
	}
	check(t)
	if !slices.Equal(x, c.x) {
		t.Fatal("x changed")
	}
	return out
}

// The assembly cores equal their generic twins for every K from 0 to 300
// (chunks and their padding), row counts around the 4-row tile, channel
// counts around the 16- and 4-channel blocks, misaligned rows and strided
// outputs; the twins equal a plain dot product and the generic
// requantization.
func TestGemmCoresMatchGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, kind := range testGemmKinds() {
		t.Run(kind.String(), func(t *testing.T) {
			wMin := -127
			if kind != gemmNEON {
				wMin = -128
			}
			for k := 1; k <= 300; k++ {
				for range 2 {
					oc := 1 + r.IntN(40)
					rows := r.IntN(11)
					c := randGemmCase(r, k, oc, rows, wMin)
					outStride := oc + r.IntN(3)
					got := c.runCore(t, kind, false, outStride)
					want := c.runCore(t, kind, true, outStride)
					if i := cvFirstDiff(got, want); i >= 0 {
						t.Fatalf("k %d oc %d rows %d: out[%d] = %d, generic twin %d", k, oc, rows, i, got[i], want[i])
					}
					c.checkReference(t, got, outStride)
				}
			}
		})
	}
}

// checkReference compares a core's output with plain loops and the
// generic requantization.
func (c *gemmCase) checkReference(t *testing.T, got []int8, outStride int) {
	t.Helper()
	row := make([]int8, c.oc)
	for r := range c.rows {
		acc := make([]int32, c.oc)
		for j := range c.oc {
			for i := range c.k {
				acc[j] += int32(c.x[r*c.xStride+i]) * int32(c.w[j*c.k+i])
			}
		}
		RequantizeRowInt8(row, acc, c.bias, &c.rq)
		if i := cvFirstDiff(got[r*outStride:r*outStride+c.oc], row); i >= 0 {
			t.Fatalf("k %d oc %d row %d channel %d: %d, reference %d", c.k, c.oc, r, i, got[r*outStride+i], row[i])
		}
	}
}

// randConvCase returns a random convolution with larger channel counts
// than the generic tests use, so that the packed tiles fill up.
func randConvCase(r *rand.Rand) (*ConvInt8Params, []int8) {
	inC := 1 + r.IntN(40)
	groups := 1
	if r.IntN(8) == 0 {
		for _, d := range []int{4, 3, 2} {
			if inC%d == 0 {
				groups = d
				break
			}
		}
	}
	outC := groups * (1 + r.IntN(40))
	g := cvRandGeom(r, inC, outC)
	if r.IntN(4) == 0 { // 1×1, stride 1: the direct path when K%16 == 0
		g.KH, g.KW, g.StrideH, g.StrideW = 1, 1, 1, 1
		g.InC = 16 * (1 + r.IntN(4))
		inC = g.InC
		groups = 1
		g.OutH, g.PadH = WindowOutput(true, g.InH, 1, 1, g.DilationH)
		g.OutW, g.PadW = WindowOutput(true, g.InW, 1, 1, g.DilationW)
	}
	fic := inC / groups
	k := g.KH * g.KW * fic
	w := cvRandInt8s(r, outC*k, -127, 127)
	if r.IntN(6) == 0 {
		w[r.IntN(len(w))] = -128
	}
	q, rq := cvRandQuant(r, outC, r.IntN(5) != 0)
	p := &ConvInt8Params{ConvGeom: g, FilterInC: fic, Weights: w, Bias: FoldBias(q.bias, w, k, q.zx), InZero: q.zx, Requant: rq}
	if err := p.Check(); err != nil {
		panic(err)
	}
	return p, cvRandInt8s(r, g.inSize(), -128, 127)
}

// checkConvPacked runs p on every packed kind and compares with the
// generic kernel.
func checkConvPacked(t *testing.T, p *ConvInt8Params, in []int8, scratchOff int) {
	t.Helper()
	want := make([]int8, p.outSize())
	convInt8Generic(p, in, want, make([]byte, convInt8GenericScratch(p)))
	for _, kind := range testGemmKinds() {
		if kind == gemmNEON && slices.Contains(p.Weights, -128) {
			kind = gemmNEONWide
		}
		pk := packConv(kind, p)
		out, check := cvGuarded[int8](len(want), 0x55)
		inCopy := slices.Clone(in)
		convInt8Packed(p, pk, in, out, cvScratch(convInt8PackedScratch(p, pk), scratchOff))
		check(t)
		if !slices.Equal(in, inCopy) {
			t.Fatal("input changed")
		}
		if i := cvFirstDiff(out, want); i >= 0 {
			t.Fatalf("%s: %+v fic %d: out[%d] = %d, generic %d", kind, p.ConvGeom, p.FilterInC, i, out[i], want[i])
		}
	}
}

func TestConvInt8PackedMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for iter := range 1500 {
		p, in := randConvCase(r)
		checkConvPacked(t, p, in, iter%8)
	}
}

func TestFullyConnectedInt8PackedMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for depth := 1; depth <= 300; depth++ {
		batches := 1 + r.IntN(9)
		oc := 1 + r.IntN(37)
		w := cvRandInt8s(r, oc*depth+r.IntN(3), -127, 127)
		q, rq := cvRandQuant(r, oc, r.IntN(4) != 0)
		p := &FullyConnectedInt8Params{Batches: batches, Depth: depth, OutC: oc, Weights: w, Bias: FoldBias(q.bias, w[:oc*depth], depth, q.zx), Requant: rq}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		in := cvRandInt8s(r, batches*depth, -128, 127)
		want := make([]int8, batches*oc)
		fcInt8Generic(p, in, want, make([]byte, fcInt8GenericScratch(p)))
		for _, kind := range testGemmKinds() {
			pk := packFullyConnected(kind, p)
			out, check := cvGuarded[int8](len(want), 0x55)
			fcInt8Packed(p, pk, in, out, cvScratch(fcInt8PackedScratch(p, pk), depth%8))
			check(t)
			if i := cvFirstDiff(out, want); i >= 0 {
				t.Fatalf("%s: %d×%d→%d: out[%d] = %d, generic %d", kind, batches, depth, oc, i, out[i], want[i])
			}
		}
	}
}

// FuzzConvInt8Packed runs the packed kernels and the generic one on a
// convolution drawn from the fuzzer's bytes.
func FuzzConvInt8Packed(f *testing.F) {
	for i := range 8 {
		f.Add(uint64(i), uint64(i*7+1))
	}
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		r := rand.New(rand.NewPCG(s1, s2))
		p, in := randConvCase(r)
		checkConvPacked(t, p, in, int(s1%8))
	})
}

// FuzzGemmCores runs an assembly core and its generic twin on a GEMM drawn
// from the fuzzer's bytes, extreme values included.
func FuzzGemmCores(f *testing.F) {
	f.Add(uint64(1), uint64(2), uint16(64), uint8(16), uint8(5))
	f.Add(uint64(3), uint64(4), uint16(1), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, s1, s2 uint64, k uint16, oc, rows uint8) {
		if k == 0 || k > 2048 || oc == 0 || oc > 100 || rows > 40 {
			return
		}
		r := rand.New(rand.NewPCG(s1, s2))
		for _, kind := range testGemmKinds() {
			wMin := -127
			if kind != gemmNEON {
				wMin = -128
			}
			c := randGemmCase(r, int(k), int(oc), int(rows), wMin)
			got := c.runCore(t, kind, false, int(oc))
			want := c.runCore(t, kind, true, int(oc))
			if i := cvFirstDiff(got, want); i >= 0 {
				t.Fatalf("%s k %d oc %d rows %d: out[%d] = %d, generic twin %d", kind, k, oc, rows, i, got[i], want[i])
			}
		}
	})
}

// requantCases returns (multiplier, shift, accumulator) triples covering
// every shift (right shifts only if rightOnly), extreme multipliers, and
// extreme accumulators as well as those that land on a rounding tie of the
// final shift (where rounding half up and half away from zero differ) or
// one off it.
func requantCases(rightOnly bool) (mult, shift, acc []int32) {
	specials := []int32{0, 1, -1, 2, -2, math.MaxInt32, math.MinInt32, math.MaxInt32 - 200, math.MinInt32 + 200, 1 << 30, -1 << 30, -1<<30 - 1, 1<<30 + 1}
	top := int32(30)
	if rightOnly {
		top = -1
	}
	for sh := int32(-31); sh <= top; sh++ {
		for _, m := range []int32{math.MaxInt32, 1 << 30, 1<<31 - 2, 1518500250, 1, 0} {
			add := func(a int32) {
				mult, shift, acc = append(mult, m), append(shift, sh), append(acc, a)
			}
			for _, a := range specials {
				add(a)
			}
			if sh >= 0 || m == 0 {
				continue
			}
			e := -sh
			for q := int64(-4); q < 4; q++ {
				for d := int64(-1); d <= 1; d++ {
					h := q<<e - 1<<(e-1) + d // a tie, or one off it
					if a, ok := highMulInverse(h, m); ok {
						add(a)
					}
				}
			}
		}
	}
	return mult, shift, acc
}

// highMulInverse returns an accumulator a with
// SaturatingRoundingDoublingHighMul(a, m) == h, if there is one.
func highMulInverse(h int64, m int32) (int32, bool) {
	if h < math.MinInt32 || h > math.MaxInt32 {
		return 0, false
	}
	guess := h << 31 / int64(m)
	for d := int64(-3); d <= 3; d++ {
		a := guess + d
		if a >= math.MinInt32 && a <= math.MaxInt32 && int64(SaturatingRoundingDoublingHighMul(int32(a), m)) == h {
			return int32(a), true
		}
	}
	return 0, false
}

// The cores' requantization equals the generic one on extreme
// accumulators, multipliers and shifts, in both its general and its
// right-shift-only form. The GEMMs have one tap whose input is 0, so each
// accumulator is its bias; 5 rows run the 4-row tile and the single-row
// code, 37 channels end in a partial block.
func TestGemmRequantExtremes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, kind := range testGemmKinds() {
		for _, rightOnly := range []bool{false, true} {
			mult, shift, acc := requantCases(rightOnly)
			r.Shuffle(len(acc), func(i, j int) { // mix the shifts of a GEMM
				mult[i], mult[j] = mult[j], mult[i]
				shift[i], shift[j] = shift[j], shift[i]
				acc[i], acc[j] = acc[j], acc[i]
			})
			const oc, rows = 37, 5
			for c0 := 0; c0 < len(acc); c0 += oc {
				n := min(oc, len(acc)-c0)
				c := gemmCase{k: 1, oc: n, rows: rows, xStride: 16, x: make([]int8, rows*16), w: make([]int8, n)}
				c.bias = acc[c0 : c0+n]
				c.rq = Requant{Multiplier: mult[c0 : c0+n], Shift: shift[c0 : c0+n], ZeroPoint: int32(r.IntN(256) - 128), Min: -128, Max: 127}
				if r.IntN(2) == 0 {
					c.rq.Min = int32(r.IntN(200) - 128)
					c.rq.Max = c.rq.Min + int32(r.IntN(127-int(c.rq.Min)+1))
				}
				if err := c.rq.Prepare(n); err != nil {
					t.Fatal(err)
				}
				if pk := packGEMM(kind, c.w, 1, n, 1, c.bias, &c.rq); pk.rightOnly != rightOnly {
					t.Fatalf("channels %d..: right-only %v, want %v", c0, pk.rightOnly, rightOnly)
				}
				got := c.runCore(t, kind, false, n)
				c.checkReference(t, got, n)
			}
		}
	}
}

// im2colSegs equals its generic twin for every segment length 1..100,
// strided rows and pixels, and writes nothing outside the pixels' rows.
func TestIm2colSegs(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for seg := 1; seg <= 100; seg++ {
		for range 3 {
			kh := 1 + r.IntN(5)
			n := r.IntN(7)
			pix := 1 + r.IntN(2*seg)
			dstStride := kh*seg + r.IntN(20)
			src := cvRandInt8s(r, kh*(n*pix+seg+8)+8, -128, 127)
			var rows [maxIm2colRows]*int8
			for ky := range kh {
				rows[ky] = &src[ky*(n*pix+seg+8)+r.IntN(8)]
			}
			size := max(n-1, 0)*dstStride + kh*seg
			got, check := cvGuarded[int8](size, 0x55)
			want := make([]int8, size)
			for i := range got {
				got[i], want[i] = 0x55, 0x55
			}
			if n > 0 {
				a := im2colArgs{dst: &got[0], dstStride: dstStride, rows: &rows[0], kh: kh, seg: seg, pixStride: pix, n: n}
				im2colSegs(&a)
				a.dst = &want[0]
				im2colSegsGeneric(&a)
			}
			check(t)
			if i := cvFirstDiff(got, want); i >= 0 {
				t.Fatalf("seg %d kh %d n %d: byte %d = %d, generic %d", seg, kh, n, i, got[i], want[i])
			}
		}
	}
}
