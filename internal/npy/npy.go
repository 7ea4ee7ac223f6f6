package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

var magic = []byte("\x93NUMPY")

// maxHeaderLen bounds the header Read accepts. NumPy refuses headers over
// 10000 bytes by default; real headers are under 200.
const maxHeaderLen = 1 << 16

// maxDataBytes bounds the array size a header may declare, so the size
// arithmetic cannot overflow on any platform.
const maxDataBytes = math.MaxInt / 2

// dtypes lists the element types Read and Write know: NumPy's name, the
// type code of its descr without the byte-order character, and the size.
var dtypes = []struct {
	name string
	code string
	size int
}{
	{"bool", "b1", 1}, {"int8", "i1", 1}, {"uint8", "u1", 1},
	{"int16", "i2", 2}, {"uint16", "u2", 2}, {"float16", "f2", 2},
	{"int32", "i4", 4}, {"uint32", "u4", 4}, {"float32", "f4", 4},
	{"int64", "i8", 8}, {"uint64", "u8", 8}, {"float64", "f8", 8},
}

// ElemSize returns the size in bytes of one element of dtype (a NumPy name
// such as "float32"), or 0 if the package does not know the dtype.
func ElemSize(dtype string) int {
	for _, d := range dtypes {
		if d.name == dtype {
			return d.size
		}
	}
	return 0
}

// Read reads one .npy file from r: the dtype's NumPy name, the shape (empty
// for a scalar) and the raw little-endian data in C order. It returns an
// error, never panics, on malformed or unsupported files, and on bytes after
// the array.
func Read(r io.Reader) (dtype string, shape []int, data []byte, err error) {
	var pre [8]byte // magic and version
	n, err := io.ReadFull(r, pre[:])
	if n < len(magic) || !bytes.Equal(pre[:len(magic)], magic) {
		return "", nil, nil, errors.New(`npy: not an .npy file (no "\x93NUMPY" magic)`)
	}
	if err != nil {
		return "", nil, nil, fmt.Errorf("npy: reading format version: %w", err)
	}
	var headerLen int
	switch major := pre[6]; major {
	case 1:
		var n [2]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return "", nil, nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		headerLen = int(binary.LittleEndian.Uint16(n[:]))
	case 2, 3:
		var n [4]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return "", nil, nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		v := binary.LittleEndian.Uint32(n[:])
		if v > maxHeaderLen {
			return "", nil, nil, fmt.Errorf("npy: header of %d bytes is larger than the %d-byte limit", v, maxHeaderLen)
		}
		headerLen = int(v)
	default:
		return "", nil, nil, fmt.Errorf("npy: unsupported format version %d.%d", major, pre[7])
	}
	header := make([]byte, headerLen)
	if _, err := io.ReadFull(r, header); err != nil {
		return "", nil, nil, fmt.Errorf("npy: reading %d-byte header: %w", headerLen, err)
	}
	h, err := parseHeader(string(header))
	if err != nil {
		return "", nil, nil, err
	}
	if h.fortranOrder {
		return "", nil, nil, errors.New("npy: Fortran-order arrays are not supported; save a C-order array (np.ascontiguousarray)")
	}
	dtype, size, err := parseDescr(h.descr)
	if err != nil {
		return "", nil, nil, err
	}
	need, err := dataBytes(h.shape, size)
	if err != nil {
		return "", nil, nil, err
	}
	data, err = readData(r, need)
	if err != nil {
		return "", nil, nil, fmt.Errorf("npy: shape %v of %s: %w", h.shape, dtype, err)
	}
	return dtype, h.shape, data, nil
}

// readData reads exactly need bytes and checks that nothing follows. It
// grows its buffer only as data arrives, so a header declaring a huge array
// in a small file costs no memory.
func readData(r io.Reader, need int) ([]byte, error) {
	const direct = 1 << 24 // allocate up front below this size
	var data []byte
	if need <= direct {
		data = make([]byte, need)
		n, err := io.ReadFull(r, data)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return nil, err
		}
		data = data[:n]
	} else {
		var buf bytes.Buffer
		if _, err := io.CopyN(&buf, r, int64(need)); err != nil && err != io.EOF {
			return nil, err
		}
		data = buf.Bytes()
	}
	if len(data) != need {
		return nil, fmt.Errorf("data holds %d bytes, needs %d", len(data), need)
	}
	var extra [1]byte
	if n, _ := io.ReadFull(r, extra[:]); n > 0 {
		return nil, fmt.Errorf("unexpected bytes after the %d bytes of data", need)
	}
	return data, nil
}

// dataBytes returns the number of bytes an array of shape and element size
// occupies, or an error if a dimension is negative or the total too large.
func dataBytes(shape []int, size int) (int, error) {
	total := size
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("npy: shape %v has a negative dimension", shape)
		}
		if d != 0 && total > maxDataBytes/d {
			return 0, fmt.Errorf("npy: shape %v is too large", shape)
		}
		total *= d
	}
	return total, nil
}

// parseDescr turns a descr such as "<f4" into a dtype name and element size.
func parseDescr(descr string) (dtype string, size int, err error) {
	order, code := byte(0), descr
	if descr != "" && strings.IndexByte("<>|=", descr[0]) >= 0 {
		order, code = descr[0], descr[1:]
	}
	for _, d := range dtypes {
		if d.code != code {
			continue
		}
		if d.size > 1 && order != '<' {
			return "", 0, fmt.Errorf("npy: dtype %q is not little-endian; save with dtype '<%s'", descr, code)
		}
		return d.name, d.size, nil
	}
	return "", 0, fmt.Errorf("npy: unsupported dtype %q", descr)
}

// descrOf returns the descr Write puts in the header for a known dtype.
func descrOf(dtype string) (string, int) {
	for _, d := range dtypes {
		if d.name == dtype {
			if d.size == 1 {
				return "|" + d.code, 1
			}
			return "<" + d.code, d.size
		}
	}
	return "", 0
}

// Write writes data as an .npy file (version 1, or 2 for huge headers) of
// the given dtype (a NumPy name such as "int8") and shape; data holds the
// raw little-endian elements in C order and must match the shape exactly.
func Write(w io.Writer, dtype string, shape []int, data []byte) error {
	descr, size := descrOf(dtype)
	if size == 0 {
		return fmt.Errorf("npy: unsupported dtype %q", dtype)
	}
	need, err := dataBytes(shape, size)
	if err != nil {
		return err
	}
	if len(data) != need {
		return fmt.Errorf("npy: %d bytes of data for shape %v of %s, which needs %d", len(data), shape, dtype, need)
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shapeTuple(shape))
	// Pad with spaces and a newline so the data starts at a multiple of 64
	// bytes, as NumPy does.
	version, lenBytes := byte(1), 2
	if len(header)+1+64 > math.MaxUint16 {
		version, lenBytes = 2, 4
	}
	preamble := len(magic) + 2 + lenBytes
	pad := (64 - (preamble+len(header)+1)%64) % 64
	header += strings.Repeat(" ", pad) + "\n"

	buf := make([]byte, 0, preamble+len(header))
	buf = append(buf, magic...)
	buf = append(buf, version, 0)
	if version == 1 {
		buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
	} else {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(header)))
	}
	buf = append(buf, header...)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return nil
}

// shapeTuple formats shape as a Python tuple: (), (3,), (2, 3).
func shapeTuple(shape []int) string {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	if len(shape) == 1 {
		return "(" + dims[0] + ",)"
	}
	return "(" + strings.Join(dims, ", ") + ")"
}

// header is the parsed header dict.
type header struct {
	descr        string
	fortranOrder bool
	shape        []int
}

// parseHeader parses the header dict, which NumPy writes as a Python
// literal with exactly the keys descr, fortran_order and shape.
func parseHeader(s string) (header, error) {
	var h header
	p := &parser{s: s}
	seen := map[string]bool{}
	p.skipSpace()
	if err := p.expect('{'); err != nil {
		return h, err
	}
	for {
		p.skipSpace()
		if p.peek() == '}' {
			p.pos++
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if seen[key] {
			return h, p.errorf("key %q appears twice", key)
		}
		seen[key] = true
		p.skipSpace()
		if err := p.expect(':'); err != nil {
			return h, err
		}
		p.skipSpace()
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, errors.New("npy: structured dtypes are not supported")
			}
			h.descr, err = p.str()
		case "fortran_order":
			h.fortranOrder, err = p.boolean()
		case "shape":
			h.shape, err = p.tuple()
		default:
			return h, p.errorf("unexpected key %q", key)
		}
		if err != nil {
			return h, err
		}
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return h, p.errorf("expected ',' or '}'")
		}
	}
	p.skipSpace()
	if p.pos != len(s) {
		return h, p.errorf("unexpected text after the header dict")
	}
	for _, key := range []string{"descr", "fortran_order", "shape"} {
		if !seen[key] {
			return h, fmt.Errorf("npy: header has no %q key", key)
		}
	}
	return h, nil
}

// parser reads the small subset of Python literals an .npy header uses.
type parser struct {
	s   string
	pos int
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("npy: header byte %d: %s", p.pos, fmt.Sprintf(format, args...))
}

// peek returns the next byte, or 0 at the end.
func (p *parser) peek() byte {
	if p.pos >= len(p.s) {
		return 0
	}
	return p.s[p.pos]
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *parser) expect(c byte) error {
	if p.peek() != c {
		return p.errorf("expected %q", c)
	}
	p.pos++
	return nil
}

// str reads a quoted string without escapes.
func (p *parser) str() (string, error) {
	quote := p.peek()
	if quote != '\'' && quote != '"' {
		return "", p.errorf("expected a quoted string")
	}
	end := strings.IndexByte(p.s[p.pos+1:], quote)
	if end < 0 {
		return "", p.errorf("unterminated string")
	}
	v := p.s[p.pos+1 : p.pos+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", p.errorf("escapes in strings are not supported")
	}
	p.pos += end + 2
	return v, nil
}

// boolean reads True or False.
func (p *parser) boolean() (bool, error) {
	for _, lit := range []string{"True", "False"} {
		if strings.HasPrefix(p.s[p.pos:], lit) {
			p.pos += len(lit)
			return lit == "True", nil
		}
	}
	return false, p.errorf("expected True or False")
}

// tuple reads a tuple of non-negative integers, e.g. (), (3,), (1, 49, 10).
func (p *parser) tuple() ([]int, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	dims := []int{}
	for {
		p.skipSpace()
		if p.peek() == ')' {
			p.pos++
			return dims, nil
		}
		d, err := p.dim()
		if err != nil {
			return nil, err
		}
		dims = append(dims, d)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
		default:
			return nil, p.errorf("expected ',' or ')' in shape")
		}
	}
}

// dim reads a non-negative decimal integer, allowing Python 2's L suffix.
func (p *parser) dim() (int, error) {
	start := p.pos
	n := 0
	for p.pos < len(p.s) && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
		digit := int(p.s[p.pos] - '0')
		if n > (maxDataBytes-digit)/10 {
			return 0, p.errorf("dimension too large")
		}
		n = n*10 + digit
		p.pos++
	}
	if p.pos == start {
		return 0, p.errorf("expected a non-negative dimension")
	}
	if p.peek() == 'L' {
		p.pos++
	}
	return n, nil
}
