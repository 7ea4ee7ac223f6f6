package kernels

import (
	"encoding/binary"
	"errors"
	"iter"
	"math"
	"unsafe"
)

// PoolParams is an AVERAGE_POOL_2D or MAX_POOL_2D window over NHWC
// tensors (OutC == InC, no dilation), with the clamp of the fused
// activation. Pools keep the input's quantization: TFLite requires the
// output's scale and zero point to equal the input's.
//
// For every output pixel the window is clipped to the input (taps in the
// padding are skipped, and they do not count towards the average):
//
//	avg: out = clamp(round(Σ in / count))   int: (sum ± count/2) / count, truncating
//	max: out = clamp(max in)
type PoolParams struct {
	ConvGeom
	Min, Max   int32   // clamp of an integer pool
	MinF, MaxF float32 // clamp of a float pool
}

// Check validates the parameters.
func (p *PoolParams) Check() error {
	if err := p.check(); err != nil {
		return err
	}
	if p.OutC != p.InC || p.DilationH != 1 || p.DilationW != 1 {
		return errors.New("kernels: pool must keep the channels and have no dilation")
	}
	// Every window must overlap the input, or the average is undefined
	// (TFLite fails at run time then).
	if p.PadH >= p.KH || p.PadW >= p.KW ||
		(p.OutH-1)*p.StrideH-p.PadH >= p.InH || (p.OutW-1)*p.StrideW-p.PadW >= p.InW {
		return errors.New("kernels: a pooling window lies entirely in the padding")
	}
	return nil
}

// poolWindow is the window of one output pixel, clipped to the input:
// rows [ky0, ky1) and columns [kx0, kx1) of the window whose origin is
// input (y0, x0) of the batch image at offset boff.
type poolWindow struct {
	y0, x0, boff       int
	ky0, ky1, kx0, kx1 int
}

// windows yields every output pixel's index (flattened over batch, row,
// column) and its clipped window, in order, without a division per pixel.
func (p *PoolParams) windows() iter.Seq2[int, poolWindow] {
	return func(yield func(int, poolWindow) bool) {
		q := 0
		for b := range p.Batches {
			var w poolWindow
			w.boff = b * p.InH * p.InW * p.InC
			for oy := range p.OutH {
				w.y0 = oy*p.StrideH - p.PadH
				w.ky0, w.ky1 = max(0, -w.y0), min(p.KH, p.InH-w.y0)
				for ox := range p.OutW {
					w.x0 = ox*p.StrideW - p.PadW
					w.kx0, w.kx1 = max(0, -w.x0), min(p.KW, p.InW-w.x0)
					if !yield(q, w) {
						return
					}
					q++
				}
			}
		}
	}
}

// AvgPoolInt8ScratchSize returns the scratch bytes AvgPoolInt8 and
// AvgPoolInt16 need.
func AvgPoolInt8ScratchSize(p *PoolParams) int { return carveSize[int32](p.InC) }

// AvgPoolInt8 runs an int8 average pool with TFLite's rounding. It does
// not allocate.
func AvgPoolInt8(p *PoolParams, in, out []int8, scratch []byte) {
	switch {
	case avgPoolSIMD(p):
		avgPoolInt8SIMD(p, in, out, scratch)
	default:
		avgPoolInt(p, in, out, scratch)
	}
}

// AvgPoolInt16 is AvgPoolInt8 for int16 tensors.
func AvgPoolInt16(p *PoolParams, in, out []int16, scratch []byte) {
	avgPoolInt(p, in, out, scratch)
}

func avgPoolInt[T int8 | int16](p *PoolParams, in, out []T, scratch []byte) {
	c := p.InC
	sum := carve[int32](&scratch, c)
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*c]
	for q, w := range p.windows() {
		y0, x0, boff, ky0, ky1, kx0, kx1 := w.y0, w.x0, w.boff, w.ky0, w.ky1, w.kx0, w.kx1
		clear(sum)
		for ky := ky0; ky < ky1; ky++ {
			row := boff + ((y0+ky)*p.InW+x0)*c
			for kx := kx0; kx < kx1; kx++ {
				x := in[row+kx*c : row+kx*c+c]
				s := sum[:len(x)]
				for i, v := range x {
					s[i] += int32(v)
				}
			}
		}
		count := int32((ky1 - ky0) * (kx1 - kx0))
		half := count / 2
		o := out[q*c : (q+1)*c]
		for i, s := range sum[:len(o)] {
			// Round half away from zero; Go's division truncates as C++'s does.
			if s > 0 {
				s = (s + half) / count
			} else {
				s = (s - half) / count
			}
			o[i] = T(min(max(s, p.Min), p.Max))
		}
	}
}

// MaxPoolInt8 runs an int8 max pool. It needs no scratch and does not
// allocate.
func MaxPoolInt8(p *PoolParams, in, out []int8) {
	if p.InC%8 == 0 {
		maxPoolInt8x8(p, in, out)
		return
	}
	maxPoolInt(p, in, out, math.MinInt8)
}

// maxPoolInt8x8 is MaxPoolInt8 for depths that are a multiple of 8, eight
// channels to a uint64 (see max8).
func maxPoolInt8x8(p *PoolParams, in, out []int8) {
	c := p.InC
	npix := p.Batches * p.OutH * p.OutW
	src := int8Bytes(in[:p.inSize()])
	dst := int8Bytes(out[:npix*c])
	lo, hi := int8(max(p.Min, math.MinInt8)), int8(min(p.Max, math.MaxInt8))
	clamp := lo > math.MinInt8 || hi < math.MaxInt8
	for q, w := range p.windows() {
		o := dst[q*c : (q+1)*c]
		for i := 0; i < c; i += 8 {
			var m uint64 // eight times int8 -128, offset
			for ky := w.ky0; ky < w.ky1; ky++ {
				row := w.boff + ((w.y0+ky)*p.InW+w.x0)*c + i
				for kx := w.kx0; kx < w.kx1; kx++ {
					m = max8(m, binary.LittleEndian.Uint64(src[row+kx*c:])^signBits)
				}
			}
			binary.LittleEndian.PutUint64(o[i:], m^signBits)
		}
		if clamp {
			oc := out[q*c : (q+1)*c]
			for i, v := range oc {
				oc[i] = min(max(v, lo), hi)
			}
		}
	}
}

// signBits has the top bit of every byte: XOR with it maps int8 order onto
// uint8 order (-128 → 0, 127 → 255).
const signBits = 0x8080808080808080

// max8 returns the bytewise unsigned maximum of a and b (Hacker's Delight
// 2-18): ge has the top bit of every byte where a >= b, from the top bits
// where they differ and from (a|H) − (b&^H) (no borrow crosses a byte)
// where they agree.
func max8(a, b uint64) uint64 {
	d := (a | signBits) - (b &^ signBits)
	ge := (a&^b | ^(a^b)&d) & signBits
	mask := (ge >> 7) * 0xff
	return a&mask | b&^mask
}

// int8Bytes views an int8 slice as bytes.
func int8Bytes(x []int8) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), len(x))
}

// MaxPoolInt16 is MaxPoolInt8 for int16 tensors.
func MaxPoolInt16(p *PoolParams, in, out []int16) { maxPoolInt(p, in, out, math.MinInt16) }

func maxPoolInt[T int8 | int16](p *PoolParams, in, out []T, lowest T) {
	c := p.InC
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*c]
	lo, hi := T(max(p.Min, int32(lowest))), T(min(p.Max, -1-int32(lowest)))
	for q, w := range p.windows() {
		y0, x0, boff, ky0, ky1, kx0, kx1 := w.y0, w.x0, w.boff, w.ky0, w.ky1, w.kx0, w.kx1
		o := out[q*c : (q+1)*c]
		for i := range o {
			o[i] = lowest
		}
		for ky := ky0; ky < ky1; ky++ {
			row := boff + ((y0+ky)*p.InW+x0)*c
			for kx := kx0; kx < kx1; kx++ {
				x := in[row+kx*c : row+kx*c+c]
				x = x[:len(o)]
				for i, v := range x {
					o[i] = max(o[i], v)
				}
			}
		}
		for i, v := range o {
			o[i] = min(max(v, lo), hi)
		}
	}
}

// AvgPoolFloatScratchSize returns the scratch bytes AvgPoolFloat needs.
func AvgPoolFloatScratchSize(p *PoolParams) int { return carveSize[float32](p.InC) }

// AvgPoolFloat runs a float32 average pool (sum in tap order, divided by
// the count). It does not allocate.
func AvgPoolFloat(p *PoolParams, in, out []float32, scratch []byte) {
	c := p.InC
	sum := carve[float32](&scratch, c)
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*c]
	for q, w := range p.windows() {
		y0, x0, boff, ky0, ky1, kx0, kx1 := w.y0, w.x0, w.boff, w.ky0, w.ky1, w.kx0, w.kx1
		clear(sum)
		for ky := ky0; ky < ky1; ky++ {
			row := boff + ((y0+ky)*p.InW+x0)*c
			for kx := kx0; kx < kx1; kx++ {
				x := in[row+kx*c : row+kx*c+c]
				s := sum[:len(x)]
				for i, v := range x {
					s[i] += v
				}
			}
		}
		count := float32((ky1 - ky0) * (kx1 - kx0))
		o := out[q*c : (q+1)*c]
		for i, s := range sum[:len(o)] {
			o[i] = min(max(s/count, p.MinF), p.MaxF)
		}
	}
}

// MaxPoolFloat runs a float32 max pool. It does not allocate.
func MaxPoolFloat(p *PoolParams, in, out []float32) {
	c := p.InC
	npix := p.Batches * p.OutH * p.OutW
	in = in[:p.inSize()]
	out = out[:npix*c]
	for q, w := range p.windows() {
		y0, x0, boff, ky0, ky1, kx0, kx1 := w.y0, w.x0, w.boff, w.ky0, w.ky1, w.kx0, w.kx1
		o := out[q*c : (q+1)*c]
		for i := range o {
			o[i] = -math.MaxFloat32
		}
		for ky := ky0; ky < ky1; ky++ {
			row := boff + ((y0+ky)*p.InW+x0)*c
			for kx := kx0; kx < kx1; kx++ {
				x := in[row+kx*c : row+kx*c+c]
				x = x[:len(o)]
				for i, v := range x {
					// std::max(a, b) keeps a unless a < b.
					if o[i] < v {
						o[i] = v
					}
				}
			}
		}
		for i, v := range o {
			o[i] = min(max(v, p.MinF), p.MaxF)
		}
	}
}
