package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// MaxBytes bounds the decoded size of any data set a reader accepts.
const MaxBytes = 1 << 30

// IDX element types.
const (
	idxUint8   = 0x08
	idxInt8    = 0x09
	idxInt16   = 0x0B
	idxInt32   = 0x0C
	idxFloat32 = 0x0D
	idxFloat64 = 0x0E
)

// IDX is a decoded IDX array.
type IDX struct {
	Dims []int // e.g. [60000 28 28] for images, [60000] for labels
	Int  bool  // stored as an integer type

	typ  byte
	data []byte // big-endian elements, row-major
}

// Len returns the number of elements.
func (x *IDX) Len() int { return len(x.data) / idxSize[x.typ] }

// Value returns element i converted to float64.
func (x *IDX) Value(i int) float64 {
	b := x.data
	switch x.typ {
	case idxUint8:
		return float64(b[i])
	case idxInt8:
		return float64(int8(b[i]))
	case idxInt16:
		return float64(int16(binary.BigEndian.Uint16(b[2*i:])))
	case idxInt32:
		return float64(int32(binary.BigEndian.Uint32(b[4*i:])))
	case idxFloat32:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b[4*i:])))
	default:
		return math.Float64frombits(binary.BigEndian.Uint64(b[8*i:]))
	}
}

var idxSize = map[byte]int{idxUint8: 1, idxInt8: 1, idxInt16: 2, idxInt32: 4, idxFloat32: 4, idxFloat64: 8}

// ReadIDX reads an IDX file from r, gzipped or not (detected by the gzip
// magic). limit > 0 reads only the first limit items along the first
// dimension.
func ReadIDX(r io.Reader, limit int) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("idx: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var hdr [4]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, fmt.Errorf("idx: reading header: %w", err)
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, errors.New("idx: not an IDX file (the first two bytes are not zero)")
	}
	size := idxSize[hdr[2]]
	if size == 0 {
		return nil, fmt.Errorf("idx: unknown element type 0x%02x", hdr[2])
	}
	rank := int(hdr[3])
	if rank == 0 || rank > 8 {
		return nil, fmt.Errorf("idx: %d dimensions (want 1 to 8)", rank)
	}
	dims := make([]int, rank)
	count := 1
	for i := range dims {
		var d [4]byte
		if _, err := io.ReadFull(br, d[:]); err != nil {
			return nil, fmt.Errorf("idx: reading dimension %d: %w", i, err)
		}
		dims[i] = int(binary.BigEndian.Uint32(d[:]))
		if i == 0 && limit > 0 && dims[0] > limit {
			dims[0] = limit
		}
		if dims[i] != 0 && count > MaxBytes/size/dims[i] {
			return nil, fmt.Errorf("idx: shape %v is larger than the %d-byte limit", dims[:i+1], MaxBytes)
		}
		count *= dims[i]
	}
	// Read what the header declares, but never allocate ahead of the bytes
	// actually present: a lying header fails at the end of the stream.
	var raw bytes.Buffer
	if n, err := io.CopyN(&raw, br, int64(count*size)); err != nil {
		return nil, fmt.Errorf("idx: shape %v needs %d bytes of data, file has %d", dims, count*size, n)
	}
	return &IDX{Dims: dims, Int: hdr[2] != idxFloat32 && hdr[2] != idxFloat64, typ: hdr[2], data: raw.Bytes()}, nil
}

// WriteIDX writes values as an uncompressed IDX file of unsigned bytes
// (type 0x08) with the given dimensions; for tests and small converters.
func WriteIDX(w io.Writer, dims []int, values []byte) error {
	n := 1
	for _, d := range dims {
		n *= d
	}
	if n != len(values) || len(dims) == 0 || len(dims) > 255 {
		return fmt.Errorf("idx: %d values for dimensions %v", len(values), dims)
	}
	buf := []byte{0, 0, idxUint8, byte(len(dims))}
	for _, d := range dims {
		buf = binary.BigEndian.AppendUint32(buf, uint32(d))
	}
	if _, err := w.Write(append(buf, values...)); err != nil {
		return fmt.Errorf("idx: %w", err)
	}
	return nil
}
