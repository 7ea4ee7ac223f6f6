package kernels

import (
	"fmt"
	"math"
)

// This file holds the broadcasting binary ops ADD, SUB and MUL. The
// integer arithmetic follows TFLite's reference kernels
// (reference_integer_ops::AddFunc / Mul, reference_ops::Sub); broadcasting
// is numpy's, which is all TFLite's BroadcastBinaryOpSimple does, so the
// order in which elements are visited cannot change a result.

// MaxBroadcastDims is the most dimensions a broadcast binary op can have
// once runs of dimensions that broadcast alike are merged (TFLite's
// reference binary ops accept up to 6-D shapes).
const MaxBroadcastDims = 6

// Broadcast is the precomputed iteration plan of a numpy-style broadcast
// binary op: the output is walked in row-major order as rows of contiguous
// elements, and each input advances by 0 or 1 element within a row.
// Adjacent dimensions that broadcast the same way are merged, so a
// same-shape op is one row and a per-channel op is (outer × channels).
type Broadcast struct {
	size   int // output elements
	inner  int // elements per row
	step1  int // input strides within a row: 0 (broadcast) or 1
	step2  int
	nOuter int // merged outer dimensions
	// Outer dimensions (outermost first), and each input's stride per step
	// along them, in elements.
	outer   [MaxBroadcastDims]int
	stride1 [MaxBroadcastDims]int
	stride2 [MaxBroadcastDims]int
}

// BroadcastShape returns the numpy-style broadcast of two shapes, or an
// error if a dimension pair is neither equal nor has a 1.
func BroadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := dimFromEnd(a, n-1-i), dimFromEnd(b, n-1-i)
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast (dimension %d: %d vs %d)", a, b, i, da, db)
		}
	}
	return out, nil
}

// dimFromEnd returns shape[len-1-k], or 1 where the shape is shorter.
func dimFromEnd(shape []int, k int) int {
	if k < len(shape) {
		return shape[len(shape)-1-k]
	}
	return 1
}

// NewBroadcast plans the broadcast of inputs shaped a and b into their
// broadcast shape (see BroadcastShape).
func NewBroadcast(a, b []int) (Broadcast, error) {
	var p Broadcast
	out, err := BroadcastShape(a, b)
	if err != nil {
		return p, err
	}
	p.size = 1
	for _, d := range out {
		if d < 0 {
			return p, fmt.Errorf("negative dimension in %v", out)
		}
		p.size *= d
	}
	// Merge dimensions from the innermost outwards. Each kept dimension
	// records whether each input has it (extent > 1) or broadcasts it.
	type dim struct {
		n      int
		has1   bool
		has2   bool
		extent int
	}
	var dims [MaxBroadcastDims]dim
	nd := 0
	for k := 0; k < len(out); k++ { // k counts from the innermost dimension
		n := out[len(out)-1-k]
		if n == 1 {
			continue
		}
		h1, h2 := dimFromEnd(a, k) != 1, dimFromEnd(b, k) != 1
		if nd > 0 && dims[nd-1].has1 == h1 && dims[nd-1].has2 == h2 {
			dims[nd-1].n *= n
			continue
		}
		if nd == MaxBroadcastDims {
			return p, fmt.Errorf("broadcast of %v and %v needs more than %d dimensions", a, b, MaxBroadcastDims)
		}
		dims[nd] = dim{n: n, has1: h1, has2: h2}
		nd++
	}
	if nd == 0 { // every dimension is 1: a single element
		dims[0] = dim{n: 1, has1: true, has2: true}
		nd = 1
	}
	p.inner = dims[0].n
	p.step1, p.step2 = b2i(dims[0].has1), b2i(dims[0].has2)
	s1, s2 := p.inner*p.step1, p.inner*p.step2
	if p.step1 == 0 {
		s1 = 1
	}
	if p.step2 == 0 {
		s2 = 1
	}
	// Input strides of the outer dimensions, innermost outer first.
	p.nOuter = nd - 1
	for k := 1; k < nd; k++ {
		i := p.nOuter - k // store outermost first
		p.outer[i] = dims[k].n
		if dims[k].has1 {
			p.stride1[i] = s1
			s1 *= dims[k].n
		}
		if dims[k].has2 {
			p.stride2[i] = s2
			s2 *= dims[k].n
		}
	}
	return p, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Size is the number of output elements.
func (p *Broadcast) Size() int { return p.size }

// SameShape reports whether both inputs are walked element by element
// alongside the output (no broadcasting at all).
func (p *Broadcast) SameShape() bool { return p.nOuter == 0 && p.step1 == 1 && p.step2 == 1 }

// broadcastRows calls row for every output row of p.inner elements, in
// output order, with the inputs sliced from the row's first elements and
// their steps within the row.
func broadcastRows[T any](p *Broadcast, x, y, out []T, row func(out, x, y []T, step1, step2 int)) {
	if p.size == 0 {
		return
	}
	if p.nOuter == 0 {
		row(out[:p.inner], x, y, p.step1, p.step2)
		return
	}
	var idx [MaxBroadcastDims]int
	o, i1, i2 := 0, 0, 0
	last := p.nOuter - 1
	for {
		row(out[o:o+p.inner], x[i1:], y[i2:], p.step1, p.step2)
		o += p.inner
		// Advance the outer index like an odometer.
		d := last
		for ; d >= 0; d-- {
			idx[d]++
			i1 += p.stride1[d]
			i2 += p.stride2[d]
			if idx[d] < p.outer[d] {
				break
			}
			i1 -= p.stride1[d] * idx[d]
			i2 -= p.stride2[d] * idx[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// AddParams holds the precomputed fixed-point rescaling of a quantized ADD
// or SUB (TFLite's ArithmeticParams): both inputs are shifted left by
// LeftShift, rescaled to a common scale, added (or subtracted), rescaled to
// the output scale, offset and clamped.
type AddParams struct {
	LeftShift                    int   // 20 for int8, 15 for int16
	Input1Offset, Input2Offset   int32 // minus the input zero points
	OutputOffset                 int32 // output zero point
	Input1Multiplier             int32
	Input1Shift                  int
	Input2Multiplier             int32
	Input2Shift                  int
	OutputMultiplier             int32
	OutputShift                  int
	ActivationMin, ActivationMax int32 // quantized clamp range

	// For int8, each input's rescaled value depends on that input alone:
	// scaled[0][uint8(x)] and scaled[1][uint8(y)] hold them, so eval adds
	// two table entries and rescales once.
	scaled *[2][256]int32
}

// NewAddParams computes ADD's rescaling as TFLite Micro's
// CalculateOpDataAdd does (in double precision). bits is 8 or 16.
func NewAddParams(scale1 float32, zp1 int32, scale2 float32, zp2 int32, outScale float32, outZp int32, bits int) (AddParams, error) {
	p, err := newAddSubParams(zp1, zp2, outZp, bits)
	if err != nil {
		return p, err
	}
	if !(scale1 > 0 && scale2 > 0 && outScale > 0) {
		return p, fmt.Errorf("scales must be positive (inputs %g, %g, output %g)", scale1, scale2, outScale)
	}
	twiceMax := 2 * float64(max(scale1, scale2))
	m1 := float64(scale1) / twiceMax
	m2 := float64(scale2) / twiceMax
	mo := twiceMax / (float64(int64(1)<<p.LeftShift) * float64(outScale))
	return p, p.setMultipliers(m1, m2, mo, bits)
}

// NewSubParams computes SUB's rescaling as TFLite Micro's
// CalculateOpDataSub does, which forms the scale ratios in single
// precision (unlike ADD). bits is 8 or 16.
func NewSubParams(scale1 float32, zp1 int32, scale2 float32, zp2 int32, outScale float32, outZp int32, bits int) (AddParams, error) {
	p, err := newAddSubParams(zp1, zp2, outZp, bits)
	if err != nil {
		return p, err
	}
	if !(scale1 > 0 && scale2 > 0 && outScale > 0) {
		return p, fmt.Errorf("scales must be positive (inputs %g, %g, output %g)", scale1, scale2, outScale)
	}
	twiceMax := 2 * max(scale1, scale2)
	m1 := float64(scale1 / twiceMax)
	m2 := float64(scale2 / twiceMax)
	mo := float64(twiceMax / (float32(int32(1)<<p.LeftShift) * outScale))
	return p, p.setMultipliers(m1, m2, mo, bits)
}

func newAddSubParams(zp1, zp2, outZp int32, bits int) (AddParams, error) {
	var p AddParams
	switch bits {
	case 8:
		p.LeftShift = 20
		p.ActivationMin, p.ActivationMax = math.MinInt8, math.MaxInt8
	case 16:
		p.LeftShift = 15
		p.ActivationMin, p.ActivationMax = math.MinInt16, math.MaxInt16
	default:
		return p, fmt.Errorf("unsupported bit width %d", bits)
	}
	for _, z := range [...]int32{zp1, zp2, outZp} {
		if z < p.ActivationMin || z > p.ActivationMax {
			return p, fmt.Errorf("zero point %d out of the %d-bit range", z, bits)
		}
	}
	p.Input1Offset, p.Input2Offset, p.OutputOffset = -zp1, -zp2, outZp
	return p, nil
}

// setMultipliers quantizes the three real multipliers, each of which must
// lie in (0, 1) as TFLite's QuantizeMultiplierSmallerThanOneExp demands.
func (p *AddParams) setMultipliers(m1, m2, mo float64, bits int) error {
	var err error
	if p.Input1Multiplier, p.Input1Shift, err = quantizeSmallerThanOne(m1); err != nil {
		return fmt.Errorf("input 1: %w", err)
	}
	if p.Input2Multiplier, p.Input2Shift, err = quantizeSmallerThanOne(m2); err != nil {
		return fmt.Errorf("input 2: %w", err)
	}
	if p.OutputMultiplier, p.OutputShift, err = quantizeSmallerThanOne(mo); err != nil {
		return fmt.Errorf("output: %w (output scale too small for the input scales)", err)
	}
	if bits == 8 {
		p.scaled = new([2][256]int32)
		for x := int32(math.MinInt8); x <= math.MaxInt8; x++ {
			p.scaled[0][uint8(int8(x))] = p.scale1(x)
			p.scaled[1][uint8(int8(x))] = p.scale2(x)
		}
	}
	return nil
}

func quantizeSmallerThanOne(m float64) (int32, int, error) {
	if !(m > 0 && m < 1) {
		return 0, 0, fmt.Errorf("rescale multiplier %g is not in (0, 1)", m)
	}
	q, shift := QuantizeMultiplier(m)
	if shift > 0 {
		return 0, 0, fmt.Errorf("rescale multiplier %g rounds to 1", m)
	}
	return q, shift, nil
}

// scale1 and scale2 shift an input value left and rescale it to the
// common scale.
func (p *AddParams) scale1(a int32) int32 {
	return MultiplyByQuantizedMultiplierSmallerThanOneExp((p.Input1Offset+a)<<uint(p.LeftShift), p.Input1Multiplier, p.Input1Shift)
}

func (p *AddParams) scale2(b int32) int32 {
	return MultiplyByQuantizedMultiplierSmallerThanOneExp((p.Input2Offset+b)<<uint(p.LeftShift), p.Input2Multiplier, p.Input2Shift)
}

// finish rescales a raw sum to the output, offsets and clamps it.
func (p *AddParams) finish(raw int32) int32 {
	out := MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.OutputMultiplier, p.OutputShift) + p.OutputOffset
	return min(p.ActivationMax, max(p.ActivationMin, out))
}

// add returns the clamped quantized sum (or difference) of two raw values.
func (p *AddParams) add(a, b int32, sub bool) int32 {
	s1, s2 := p.scale1(a), p.scale2(b)
	if sub {
		return p.finish(s1 - s2)
	}
	return p.finish(s1 + s2)
}

func addRowInt8(p *AddParams, sub bool, out, x, y []int8, s1, s2 int) {
	t1, t2 := &p.scaled[0], &p.scaled[1]
	if sub {
		for i := range out {
			out[i] = int8(p.finish(t1[uint8(x[i*s1])] - t2[uint8(y[i*s2])]))
		}
		return
	}
	if s1 == 1 && s2 == 1 {
		x, y = x[:len(out)], y[:len(out)]
		for i := range out {
			out[i] = int8(p.finish(t1[uint8(x[i])] + t2[uint8(y[i])]))
		}
		return
	}
	for i := range out {
		out[i] = int8(p.finish(t1[uint8(x[i*s1])] + t2[uint8(y[i*s2])]))
	}
}

func addRow[T int8 | int16](p *AddParams, sub bool, out, x, y []T, s1, s2 int) {
	if s1 == 1 && s2 == 1 {
		x, y = x[:len(out)], y[:len(out)]
		for i := range out {
			out[i] = T(p.add(int32(x[i]), int32(y[i]), sub))
		}
		return
	}
	for i := range out {
		out[i] = T(p.add(int32(x[i*s1]), int32(y[i*s2]), sub))
	}
}

// AddInt8 computes out = x + y for int8 tensors broadcast as b plans.
func AddInt8(p *AddParams, b *Broadcast, x, y, out []int8) {
	switch {
	case p.scaled == nil:
		broadcastRows(b, x, y, out, func(o, x, y []int8, s1, s2 int) { addRow(p, false, o, x, y, s1, s2) })
	case addSIMD(p):
		broadcastRows(b, x, y, out, func(o, x, y []int8, s1, s2 int) { addRowInt8SIMD(p, false, o, x, y, s1, s2) })
	default:
		broadcastRows(b, x, y, out, func(o, x, y []int8, s1, s2 int) { addRowInt8(p, false, o, x, y, s1, s2) })
	}
}

// SubInt8 computes out = x - y for int8 tensors broadcast as b plans.
func SubInt8(p *AddParams, b *Broadcast, x, y, out []int8) {
	switch {
	case p.scaled == nil:
		broadcastRows(b, x, y, out, func(o, x, y []int8, s1, s2 int) { addRow(p, true, o, x, y, s1, s2) })
	case addSIMD(p):
		broadcastRows(b, x, y, out, func(o, x, y []int8, s1, s2 int) { addRowInt8SIMD(p, true, o, x, y, s1, s2) })
	default:
		broadcastRows(b, x, y, out, func(o, x, y []int8, s1, s2 int) { addRowInt8(p, true, o, x, y, s1, s2) })
	}
}

// AddInt16 computes out = x + y for int16 tensors (TFLite's general-scale
// int16 path, pot_scale_int16 = false, which is what TFLite Micro runs).
func AddInt16(p *AddParams, b *Broadcast, x, y, out []int16) {
	broadcastRows(b, x, y, out, func(o, x, y []int16, s1, s2 int) { addRow(p, false, o, x, y, s1, s2) })
}

// SubInt16 computes out = x - y for int16 tensors.
func SubInt16(p *AddParams, b *Broadcast, x, y, out []int16) {
	broadcastRows(b, x, y, out, func(o, x, y []int16, s1, s2 int) { addRow(p, true, o, x, y, s1, s2) })
}

// MulParams holds the precomputed rescaling of a quantized MUL.
type MulParams struct {
	Input1Offset, Input2Offset   int32 // minus the input zero points
	OutputOffset                 int32 // output zero point
	OutputMultiplier             int32
	OutputShift                  int
	ActivationMin, ActivationMax int32
}

// NewMulParams computes MUL's rescaling as TFLite Micro's CalculateOpDataMul
// does: one multiplier for scale1*scale2/outScale. bits is 8 or 16; int16
// requires zero points of 0.
func NewMulParams(scale1 float32, zp1 int32, scale2 float32, zp2 int32, outScale float32, outZp int32, bits int) (MulParams, error) {
	var p MulParams
	switch bits {
	case 8:
		p.ActivationMin, p.ActivationMax = math.MinInt8, math.MaxInt8
	case 16:
		p.ActivationMin, p.ActivationMax = math.MinInt16, math.MaxInt16
		if zp1 != 0 || zp2 != 0 || outZp != 0 {
			return p, fmt.Errorf("int16 MUL needs zero points of 0, have %d, %d, %d", zp1, zp2, outZp)
		}
	default:
		return p, fmt.Errorf("unsupported bit width %d", bits)
	}
	for _, z := range [...]int32{zp1, zp2, outZp} {
		if z < p.ActivationMin || z > p.ActivationMax {
			return p, fmt.Errorf("zero point %d out of the %d-bit range", z, bits)
		}
	}
	if !(scale1 > 0 && scale2 > 0 && outScale > 0) {
		return p, fmt.Errorf("scales must be positive (inputs %g, %g, output %g)", scale1, scale2, outScale)
	}
	p.Input1Offset, p.Input2Offset, p.OutputOffset = -zp1, -zp2, outZp
	p.OutputMultiplier, p.OutputShift = QuantizeMultiplier(float64(scale1) * float64(scale2) / float64(outScale))
	if p.OutputShift > 31 {
		return p, fmt.Errorf("rescale multiplier %g too large", float64(scale1)*float64(scale2)/float64(outScale))
	}
	return p, nil
}

func (p *MulParams) mul(a, b int32) int32 {
	out := p.OutputOffset + MultiplyByQuantizedMultiplier((p.Input1Offset+a)*(p.Input2Offset+b), p.OutputMultiplier, p.OutputShift)
	return min(p.ActivationMax, max(p.ActivationMin, out))
}

func mulRow[T int8 | int16](p *MulParams, out, x, y []T, s1, s2 int) {
	if s1 == 1 && s2 == 1 {
		x, y = x[:len(out)], y[:len(out)]
		for i := range out {
			out[i] = T(p.mul(int32(x[i]), int32(y[i])))
		}
		return
	}
	for i := range out {
		out[i] = T(p.mul(int32(x[i*s1]), int32(y[i*s2])))
	}
}

// MulInt8 computes out = x * y for int8 tensors broadcast as b plans.
func MulInt8(p *MulParams, b *Broadcast, x, y, out []int8) {
	broadcastRows(b, x, y, out, func(o, x, y []int8, s1, s2 int) { mulRow(p, o, x, y, s1, s2) })
}

// MulInt16 computes out = x * y for int16 tensors (zero points 0).
func MulInt16(p *MulParams, b *Broadcast, x, y, out []int16) {
	broadcastRows(b, x, y, out, func(o, x, y []int16, s1, s2 int) { mulRow(p, o, x, y, s1, s2) })
}

// BinaryOp selects the arithmetic of the unquantized binary kernels.
type BinaryOp uint8

const (
	OpAdd BinaryOp = iota
	OpSub
	OpMul
)

// BinaryFloat32 computes out = clamp(x op y, lo, hi) for float32 tensors,
// clamping as TFLite's ActivationFunctionWithMinMax does (NaN passes).
func BinaryFloat32(op BinaryOp, b *Broadcast, x, y, out []float32, lo, hi float32) {
	broadcastRows(b, x, y, out, func(o, x, y []float32, s1, s2 int) {
		for i := range o {
			a, c := x[i*s1], y[i*s2]
			var v float32
			switch op {
			case OpAdd:
				v = a + c
			case OpSub:
				v = a - c
			default:
				v = a * c
			}
			if v < lo {
				v = lo
			}
			if v > hi {
				v = hi
			}
			o[i] = v
		}
	})
}

// BinaryInt32 computes out = clamp(x op y, lo, hi) for unquantized int32
// tensors; the arithmetic wraps.
func BinaryInt32(op BinaryOp, b *Broadcast, x, y, out []int32, lo, hi int32) {
	broadcastRows(b, x, y, out, func(o, x, y []int32, s1, s2 int) {
		for i := range o {
			a, c := x[i*s1], y[i*s2]
			var v int32
			switch op {
			case OpAdd:
				v = a + c
			case OpSub:
				v = a - c
			default:
				v = a * c
			}
			o[i] = min(hi, max(lo, v))
		}
	})
}
