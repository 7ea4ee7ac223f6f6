package kernels

import "math/bits"

// Lane-packed weight rows: the generic int8 matrix-vector product.
//
// With a single input row (FULLY_CONNECTED with one batch, the feature
// matrix of SVDF, the gates of an LSTM step) every weight is used once, so
// the convolution's trick of packing several pixels' inputs into one int64
// (conv_generic.go) has nothing to share. The weights are packed instead,
// once at load: rows 3t, 3t+1 and 3t+2 of an int8 matrix [rows][k] become
// one row of int64 in 21-bit lanes,
//
//	P[t][i] = w[3t][i] + w[3t+1][i]·2^21 + w[3t+2][i]·2^42,
//
// and Σ x[i]·P[t][i] over up to laneChunkFor(w) taps holds the three rows'
// dot products exactly, one per lane (lanes3 splits them; sums over longer
// rows are split every chunk and added in int32, the same wrapping sum).
// One 64-bit multiply then does three multiply-accumulates where the plain
// int8 core (dotRows4) does one, about three times the throughput.
//
// The price is memory: 8 bytes for every 3 weights, with the rows padded to
// whole tiles of 12, about 2.7 times the int8 matrix, allocated once at
// load (the model's own int8 weights stay where they are). Only the kernels
// that run generic Go pay it: where a SIMD core packs the weights
// (gemm.go), nothing is lane-packed.

// laneRows is an int8 matrix [rows][k] packed three rows to an int64 lane
// row, in tiles of laneTile lane rows. On 32-bit CPUs, where a 64-bit
// multiply takes several instructions and the packing gains nothing, it
// keeps the int8 rows as they are (no copy) and multiplies them with the
// plain int8 core.
type laneRows struct {
	w      []int64 // [tiles·laneTile][k]; rows past the matrix are 0
	w8     []int8  // the matrix itself, on 32-bit CPUs (w is nil)
	rows   int
	k      int
	chunk  int // taps summed before the lanes are split (laneChunkFor)
	nTiles int
}

// lanes64 tells whether newLaneRows packs the weights: on 64-bit CPUs.
const lanes64 = bits.UintSize == 64

// laneTile is the number of lane rows (triples) the core multiplies at once;
// a tile computes 3·laneTile matrix rows.
const laneTile = 4

// newLaneRows packs the rows×k matrix w (row-major, len(w) >= rows·k).
func newLaneRows(w []int8, rows, k int) *laneRows {
	tiles := (rows + 3*laneTile - 1) / (3 * laneTile)
	lr := &laneRows{rows: rows, k: k, chunk: laneChunkFor(w[:rows*k]), nTiles: tiles}
	if !lanes64 {
		lr.w8 = w[:rows*k]
		return lr
	}
	lr.w = make([]int64, tiles*laneTile*k)
	for r := range rows {
		t, lane := r/3, uint(r%3)
		d := lr.w[t*k : (t+1)*k]
		for i, v := range w[r*k : (r+1)*k] {
			d[i] += int64(v) << (21 * lane)
		}
	}
	return lr
}

// tileRows is the number of matrix rows in a tile.
const tileRows = 3 * laneTile

// tiles returns the number of tiles.
func (lr *laneRows) tiles() int { return lr.nTiles }

// paddedRows returns the rows of all tiles, the length mulVec needs.
func (lr *laneRows) paddedRows() int { return lr.tiles() * tileRows }

// mulVec sets dst[r] = Σ_i x[i]·w[r][i] for the rows r of tiles t0,
// t0+1, ... (rows tileRows·t0 onwards), as many tiles as dst has room
// for (len(dst) a multiple of tileRows, len(x) >= k). Rows past the
// matrix come out 0.
func (lr *laneRows) mulVec(dst []int32, x []int8, t0 int) {
	k, chunk := lr.k, lr.chunk
	x = x[:k]
	nt := len(dst) / tileRows
	if lr.w == nil {
		lr.mulVecInt8(dst[:nt*tileRows], x, t0*tileRows)
		return
	}
	tk := laneTile * k
	w := lr.w[t0*tk : (t0+nt)*tk]
	for t := range nt {
		d := (*[tileRows]int32)(dst[t*tileRows:])
		tw := w[t*tk : (t+1)*tk]
		if k <= chunk {
			s0, s1, s2, s3 := dotLaneRows4(x, tw, k)
			d[0], d[1], d[2] = lanes3(s0)
			d[3], d[4], d[5] = lanes3(s1)
			d[6], d[7], d[8] = lanes3(s2)
			d[9], d[10], d[11] = lanes3(s3)
			continue
		}
		var a [tileRows]int32
		for i := 0; i < k; i += chunk {
			e := min(i+chunk, k)
			s0, s1, s2, s3 := dotLaneRows4(x[i:e], tw[i:], k)
			a0, a1, a2 := lanes3(s0)
			a[0], a[1], a[2] = a[0]+a0, a[1]+a1, a[2]+a2
			a0, a1, a2 = lanes3(s1)
			a[3], a[4], a[5] = a[3]+a0, a[4]+a1, a[5]+a2
			a0, a1, a2 = lanes3(s2)
			a[6], a[7], a[8] = a[6]+a0, a[7]+a1, a[8]+a2
			a0, a1, a2 = lanes3(s3)
			a[9], a[10], a[11] = a[9]+a0, a[10]+a1, a[11]+a2
		}
		*d = a
	}
}

// dotLaneRows4 is the core of the lane-packed product: the lane sums of x
// times the four lane rows in w (lane row j starts at w[j·stride]), over at
// most a chunk of taps.
//
//go:noinline
func dotLaneRows4(x []int8, w []int64, stride int) (s0, s1, s2, s3 int64) {
	n := len(x)
	w = w[:3*stride+n]
	w0, w1, w2, w3 := w[:n], w[stride:][:n], w[2*stride:][:n], w[3*stride:][:n]
	for i, v := range x {
		xv := int64(v)
		s0 += w0[i] * xv
		s1 += w1[i] * xv
		s2 += w2[i] * xv
		s3 += w3[i] * xv
	}
	return
}

// mulVecInt8 is mulVec on the int8 rows (32-bit CPUs), from row r0.
func (lr *laneRows) mulVecInt8(dst []int32, x []int8, r0 int) {
	k, w := lr.k, lr.w8
	j := 0
	for ; j+4 <= len(dst) && r0+j+4 <= lr.rows; j += 4 {
		r := r0 + j
		dst[j], dst[j+1], dst[j+2], dst[j+3] = dotRows4(x,
			w[r*k:(r+1)*k], w[(r+1)*k:(r+2)*k], w[(r+2)*k:(r+3)*k], w[(r+3)*k:(r+4)*k])
	}
	for ; j < len(dst); j++ {
		dst[j] = 0
		if r := r0 + j; r < lr.rows {
			dst[j] = dotRows1(x, w[r*k:(r+1)*k])
		}
	}
}
