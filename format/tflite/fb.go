package tflite

import (
	"fmt"

	flatbuffers "github.com/google/flatbuffers/go"
)

// reader is a bounds-checked view of a flatbuffer. flatbuffers-go trusts
// every offset it reads and panics on a bad one, so reader checks each
// offset, vtable and vector against the buffer before handing it to
// flatbuffers-go. The first failed check is kept in err; after that every
// read returns a zero value, so callers check err once per object instead
// of after every field.
type reader struct {
	buf []byte
	err error
}

// maxFileSize is the largest buffer a flatbuffer can address.
const maxFileSize = 1<<31 - 1

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

// in reports whether n bytes at pos lie inside the buffer. pos and n are
// uint64 so that sums of untrusted 32-bit values cannot wrap.
func (r *reader) in(pos, n uint64) bool {
	return pos <= uint64(len(r.buf)) && n <= uint64(len(r.buf))-pos
}

func (r *reader) u32(pos uint64) uint32 { return flatbuffers.GetUint32(r.buf[pos:]) }

// root returns the root table, after checking the 4-byte file identifier.
func (r *reader) root(ident string) table {
	if !r.in(0, 8) {
		r.fail("file is %d bytes, too short for a flatbuffer", len(r.buf))
		return table{r: r}
	}
	if got := string(r.buf[4:8]); got != ident {
		r.fail("file identifier is %q, want %q", got, ident)
		return table{r: r}
	}
	return r.table(uint64(r.u32(0)))
}

// table returns the table at pos after checking that the table's start, its
// vtable and the inline area the vtable declares all lie in the buffer.
// On failure it returns an empty table whose fields all read as absent.
func (r *reader) table(pos uint64) table {
	if r.err != nil {
		return table{r: r}
	}
	if !r.in(pos, 4) {
		r.fail("table offset %d out of range (file is %d bytes)", pos, len(r.buf))
		return table{r: r}
	}
	vt := int64(pos) - int64(flatbuffers.GetInt32(r.buf[pos:]))
	if vt < 0 || !r.in(uint64(vt), 4) {
		r.fail("vtable offset %d out of range", vt)
		return table{r: r}
	}
	vlen := uint64(flatbuffers.GetUint16(r.buf[vt:]))
	size := uint64(flatbuffers.GetUint16(r.buf[vt+2:]))
	if vlen < 4 || vlen%2 != 0 || !r.in(uint64(vt), vlen) {
		r.fail("vtable at %d: bad length %d", vt, vlen)
		return table{r: r}
	}
	if size < 4 || !r.in(pos, size) {
		r.fail("table at %d: size %d runs past the end of the file", pos, size)
		return table{r: r}
	}
	return table{
		r:    r,
		fb:   flatbuffers.Table{Bytes: r.buf, Pos: flatbuffers.UOffsetT(pos)},
		vlen: vlen,
		size: size,
		ok:   true,
	}
}

// table is one checked flatbuffer table. Its fields are read by id, the
// field's position in the schema's table definition (unions take two ids:
// the type, then the value).
type table struct {
	r    *reader
	fb   flatbuffers.Table
	vlen uint64 // vtable length in bytes
	size uint64 // inline size of the table in bytes
	ok   bool   // false for a missing table: every field is absent
}

// field returns the absolute position of field id, which holds n bytes
// inline, or false when the field is absent.
func (t table) field(id int, n uint64) (uint64, bool) {
	if !t.ok || t.r.err != nil {
		return 0, false
	}
	slot := uint64(flatbuffers.VtableMetadataFields+id) * flatbuffers.SizeVOffsetT
	if slot+flatbuffers.SizeVOffsetT > t.vlen {
		return 0, false // written by an older schema: default value
	}
	off := uint64(t.fb.Offset(flatbuffers.VOffsetT(slot)))
	if off == 0 {
		return 0, false
	}
	if off+n > t.size {
		t.r.fail("field %d at offset %d overflows its %d-byte table", id, off, t.size)
		return 0, false
	}
	return uint64(t.fb.Pos) + off, true
}

func (t table) uint8(id int, def uint8) uint8 {
	if p, ok := t.field(id, 1); ok {
		return t.fb.GetUint8(flatbuffers.UOffsetT(p))
	}
	return def
}

func (t table) int8(id int, def int8) int8 {
	if p, ok := t.field(id, 1); ok {
		return t.fb.GetInt8(flatbuffers.UOffsetT(p))
	}
	return def
}

func (t table) bool(id int, def bool) bool {
	if p, ok := t.field(id, 1); ok {
		return t.fb.GetBool(flatbuffers.UOffsetT(p))
	}
	return def
}

func (t table) int32(id int, def int32) int32 {
	if p, ok := t.field(id, 4); ok {
		return t.fb.GetInt32(flatbuffers.UOffsetT(p))
	}
	return def
}

func (t table) uint32(id int, def uint32) uint32 {
	if p, ok := t.field(id, 4); ok {
		return t.fb.GetUint32(flatbuffers.UOffsetT(p))
	}
	return def
}

func (t table) uint64(id int, def uint64) uint64 {
	if p, ok := t.field(id, 8); ok {
		return t.fb.GetUint64(flatbuffers.UOffsetT(p))
	}
	return def
}

func (t table) float32(id int, def float32) float32 {
	if p, ok := t.field(id, 4); ok {
		return t.fb.GetFloat32(flatbuffers.UOffsetT(p))
	}
	return def
}

// ref follows the offset stored in field id (a table, vector or string).
func (t table) ref(id int) (uint64, bool) {
	p, ok := t.field(id, flatbuffers.SizeUOffsetT)
	if !ok {
		return 0, false
	}
	target := p + uint64(t.r.u32(p))
	if !t.r.in(target, 4) {
		t.r.fail("field %d points to %d, outside the file", id, target)
		return 0, false
	}
	return target, true
}

// child returns the table field id refers to; absent fields give a table
// with ok == false.
func (t table) child(id int) table {
	p, ok := t.ref(id)
	if !ok {
		return table{r: t.r}
	}
	return t.r.table(p)
}

// vector returns the position of the first element and the length of the
// vector in field id, whose elements are elemSize bytes each, after checking
// that the whole vector lies in the buffer. Absent vectors have length 0.
func (t table) vector(id int, elemSize uint64) (start uint64, n int) {
	p, ok := t.ref(id)
	if !ok {
		return 0, 0
	}
	count := uint64(t.r.u32(p))
	if !t.r.in(p+4, count*elemSize) { // count < 2^32, elemSize <= 8: no overflow
		t.r.fail("vector in field %d: %d elements of %d bytes run past the end of the file", id, count, elemSize)
		return 0, 0
	}
	return p + 4, int(count)
}

// vectorLen returns the length of the vector in field id (0 when absent).
func (t table) vectorLen(id int, elemSize uint64) int {
	_, n := t.vector(id, elemSize)
	return n
}

// bytes returns the [ubyte] vector in field id as a slice of the buffer
// (not a copy), capped so that appending to it cannot touch the buffer.
func (t table) bytes(id int) []byte {
	start, n := t.vector(id, 1)
	if n == 0 {
		return nil
	}
	end := start + uint64(n)
	return t.r.buf[start:end:end]
}

// string returns the string in field id, or "" when absent.
func (t table) string(id int) string { return string(t.bytes(id)) }

func (t table) int32s(id int) []int32 {
	start, n := t.vector(id, 4)
	if n == 0 {
		return nil
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = flatbuffers.GetInt32(t.r.buf[start+4*uint64(i):])
	}
	return out
}

func (t table) int64s(id int) []int64 {
	start, n := t.vector(id, 8)
	if n == 0 {
		return nil
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = flatbuffers.GetInt64(t.r.buf[start+8*uint64(i):])
	}
	return out
}

func (t table) float32s(id int) []float32 {
	start, n := t.vector(id, 4)
	if n == 0 {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = flatbuffers.GetFloat32(t.r.buf[start+4*uint64(i):])
	}
	return out
}

// tables is a checked vector of tables; at reads one element.
type tables struct {
	r     *reader
	start uint64
	n     int
}

func (t table) tables(id int) tables {
	start, n := t.vector(id, flatbuffers.SizeUOffsetT)
	return tables{r: t.r, start: start, n: n}
}

func (v tables) len() int { return v.n }

// at returns element i, which must be in [0, len()).
func (v tables) at(i int) table {
	p := v.start + 4*uint64(i)
	return v.r.table(p + uint64(v.r.u32(p)))
}
