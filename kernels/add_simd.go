package kernels

import "unsafe"

// SIMD ADD and SUB of int8 tensors of the same shape (or rows of them):
// TFLite's AddFunc on 16 values at a time,
//
//	s1 := MultiplyByQuantizedMultiplierSmallerThanOneExp((x+Input1Offset)<<20, Input1Multiplier, Input1Shift)
//	s2 := MultiplyByQuantizedMultiplierSmallerThanOneExp((y+Input2Offset)<<20, Input2Multiplier, Input2Shift)
//	out = clamp(MultiplyByQuantizedMultiplierSmallerThanOneExp(s1 ± s2, OutputMultiplier, OutputShift) + OutputOffset)
//
// with each multiply-and-shift done as in the GEMM cores (gemm.go). x+offset
// fits 9 bits, so it is formed in int16 lanes and shifted left by 7 there
// and by 13 while widening to int32 (SSHLL allows at most 15). After the
// output's right shift |value| < 2^30, so the output offset is added
// saturating after the narrowing to int16, with the same result.

// addArgs is the argument block of addInt8 (offsets checked by
// TestAddArgsLayout).
type addArgs struct {
	voff1, voff2 [8]int16 // input offsets (minus the zero points)
	vm1, vs1     [4]int32 // input 1 multiplier and shift (<= 0)
	vm2, vs2     [4]int32
	vmo, vso     [4]int32 // output multiplier and shift
	vzo          [8]int16 // output offset
	vlo, vhi     [16]int8 // clamp
	x, y, out    *int8
	n            int // values, a multiple of 16
	sub          int // 1: out = x − y
}

func newAddArgs(p *AddParams, sub bool) addArgs {
	var a addArgs
	for i := range 8 {
		a.voff1[i], a.voff2[i], a.vzo[i] = int16(p.Input1Offset), int16(p.Input2Offset), int16(p.OutputOffset)
	}
	for i := range 4 {
		a.vm1[i], a.vs1[i] = p.Input1Multiplier, int32(p.Input1Shift)
		a.vm2[i], a.vs2[i] = p.Input2Multiplier, int32(p.Input2Shift)
		a.vmo[i], a.vso[i] = p.OutputMultiplier, int32(p.OutputShift)
	}
	for i := range 16 {
		a.vlo[i], a.vhi[i] = int8(p.ActivationMin), int8(p.ActivationMax)
	}
	if sub {
		a.sub = 1
	}
	return a
}

// addSIMD reports whether addInt8 computes p: int8 scaling (LeftShift 20)
// and a CPU with the assembly.
func addSIMD(p *AddParams) bool {
	return useNEON && p.scaled != nil && p.LeftShift == 20 && p.Input1Shift <= 0 && p.Input2Shift <= 0 && p.OutputShift <= 0
}

// addRowInt8SIMD is addRowInt8 with the whole 16-value blocks of
// same-shape rows done by addInt8.
func addRowInt8SIMD(p *AddParams, sub bool, out, x, y []int8, s1, s2 int) {
	n := len(out) &^ 15
	if s1 != 1 || s2 != 1 || n == 0 {
		addRowInt8(p, sub, out, x, y, s1, s2)
		return
	}
	x, y = x[:len(out)], y[:len(out)]
	a := newAddArgs(p, sub)
	a.x, a.y, a.out, a.n = &x[0], &y[0], &out[0], n
	addInt8(&a)
	if n < len(out) {
		addRowInt8(p, sub, out[n:], x[n:], y[n:], 1, 1)
	}
}

// addInt8Generic is the generic twin of addInt8.
func addInt8Generic(a *addArgs) {
	x := unsafe.Slice(a.x, a.n)
	y := unsafe.Slice(a.y, a.n)
	out := unsafe.Slice(a.out, a.n)
	for i := range out {
		s1 := mulShift((int32(x[i])+int32(a.voff1[0]))<<20, a.vm1[0], a.vs1[0])
		s2 := mulShift((int32(y[i])+int32(a.voff2[0]))<<20, a.vm2[0], a.vs2[0])
		raw := s1 + s2
		if a.sub != 0 {
			raw = s1 - s2
		}
		v := mulShift(raw, a.vmo[0], a.vso[0]) + int32(a.vzo[0])
		out[i] = int8(min(max(v, int32(a.vlo[0])), int32(a.vhi[0])))
	}
}

// mulShift is SQRDMULH followed by a rounding right shift by −shift, ties
// away from zero (the fixed-up SRSHL).
func mulShift(v, m, shift int32) int32 {
	h := int32((int64(v)*int64(m)*2 + 1<<31) >> 32)
	if shift < 0 {
		if h < 0 {
			h--
		}
		h = int32((int64(h) + 1<<uint(-shift-1)) >> uint(-shift))
	}
	return h
}
