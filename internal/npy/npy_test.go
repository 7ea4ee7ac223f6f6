package npy

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// numpyInt16 is what np.save writes for
// np.array([[1, 2, 3], [4, 5, 6]], dtype='<i2'): header length 0x76, so the
// data starts at byte 128.
var numpyInt16 = "\x93NUMPY\x01\x00\x76\x00" +
	"{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }" +
	strings.Repeat(" ", 58) + "\n" +
	"\x01\x00\x02\x00\x03\x00\x04\x00\x05\x00\x06\x00"

func TestReadNumPyFile(t *testing.T) {
	dtype, shape, data, err := Read(strings.NewReader(numpyInt16))
	if err != nil {
		t.Fatal(err)
	}
	if dtype != "int16" || !slices.Equal(shape, []int{2, 3}) {
		t.Fatalf("got %s %v, want int16 [2 3]", dtype, shape)
	}
	if want := numpyInt16[128:]; string(data) != want {
		t.Fatalf("data % x, want % x", data, want)
	}
}

func TestWriteMatchesNumPy(t *testing.T) {
	var buf bytes.Buffer
	data := []byte(numpyInt16[128:])
	if err := Write(&buf, "int16", []int{2, 3}, data); err != nil {
		t.Fatal(err)
	}
	if buf.String() != numpyInt16 {
		t.Fatalf("Write produced\n%q\nwant\n%q", buf.String(), numpyInt16)
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		dtype string
		shape []int
	}{
		{"int8", []int{1, 49, 10, 1}},
		{"uint8", []int{3}},
		{"bool", []int{2, 2}},
		{"float32", []int{}},
		{"float64", []int{2, 0, 4}},
		{"int32", []int{5, 1}},
		{"int64", []int{2}},
		{"uint16", []int{7}},
		{"float16", []int{1, 1, 1, 1, 1, 1, 3}},
	}
	for _, tt := range tests {
		n := ElemSize(tt.dtype)
		for _, d := range tt.shape {
			n *= d
		}
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*7 + 1)
		}
		var buf bytes.Buffer
		if err := Write(&buf, tt.dtype, tt.shape, data); err != nil {
			t.Fatalf("%s %v: %v", tt.dtype, tt.shape, err)
		}
		if off := bytes.IndexByte(buf.Bytes(), '\n') + 1; off%64 != 0 {
			t.Errorf("%s %v: data starts at byte %d, not a multiple of 64", tt.dtype, tt.shape, off)
		}
		dtype, shape, got, err := Read(&buf)
		if err != nil {
			t.Fatalf("%s %v: %v", tt.dtype, tt.shape, err)
		}
		if dtype != tt.dtype || !slices.Equal(shape, tt.shape) || !bytes.Equal(got, data) {
			t.Errorf("round trip of %s %v gave %s %v (%d bytes)", tt.dtype, tt.shape, dtype, shape, len(got))
		}
	}
}

func TestReadVersion2AndPython2Dims(t *testing.T) {
	header := "{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 1L), }\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x02\x00")
	binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	b.WriteString(header)
	b.Write([]byte{9, 8})
	dtype, shape, data, err := Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	if dtype != "uint8" || !slices.Equal(shape, []int{2, 1}) || !bytes.Equal(data, []byte{9, 8}) {
		t.Fatalf("got %s %v % x", dtype, shape, data)
	}
}

// file builds a version 1 .npy file from a header dict and data.
func file(dict string, data string) string {
	h := dict + "\n"
	return "\x93NUMPY\x01\x00" + string([]byte{byte(len(h)), byte(len(h) >> 8)}) + h + data
}

func TestReadErrors(t *testing.T) {
	ok := "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
	tests := []struct {
		name, file, want string
	}{
		{"empty", "", "not an .npy file"},
		{"short", "\x93NUM", "not an .npy file"},
		{"no version", "\x93NUMPY\x01", "reading format version"},
		{"bad magic", "\x93NUMPX\x01\x00\x00\x00", "not an .npy file"},
		{"version 4", "\x93NUMPY\x04\x00\x00\x00", "unsupported format version 4.0"},
		{"no header length", "\x93NUMPY\x01\x00\x10", "header length"},
		{"short header", "\x93NUMPY\x01\x00\x10\x00{'descr'", "reading 16-byte header"},
		{"huge v2 header", "\x93NUMPY\x02\x00\xff\xff\xff\x7f", "larger than"},
		{"not a dict", file("['descr']", ""), "expected '{'"},
		{"unterminated string", file("{'descr: 1}", ""), "unterminated string"},
		{"missing shape", file("{'descr': '<f4', 'fortran_order': False}", ""), `no "shape" key`},
		{"duplicate key", file("{'descr': '<f4', 'descr': '<f4'}", ""), "appears twice"},
		{"unknown key", file("{'descr': '<f4', 'extra': 1}", ""), `unexpected key "extra"`},
		{"missing comma", file("{'descr': '<f4' 'shape': (1,)}", ""), "expected ',' or '}'"},
		{"text after dict", file(ok+" x", ""), "unexpected text"},
		{"bad bool", file("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", ""), "True or False"},
		{"fortran order", file("{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}", ""), "Fortran-order"},
		{"big endian", file("{'descr': '>f4', 'fortran_order': False, 'shape': (2,)}", ""), "not little-endian"},
		{"structured", file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", ""), "structured"},
		{"complex", file("{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}", ""), `unsupported dtype "<c8"`},
		{"object", file("{'descr': '|O', 'fortran_order': False, 'shape': (2,)}", ""), "unsupported dtype"},
		{"negative dim", file("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", ""), "non-negative dimension"},
		{"bad shape", file("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", ""), "expected ',' or ')'"},
		{"dim overflow", file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}", ""), "too large"},
		{"shape overflow", file("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", ""), "too large"},
		{"huge shape, little data", file("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,)}", "abcd"), "data holds 4 bytes, needs 4000000000"},
		{"short data", file(ok, "1234567"), "data holds 7 bytes, needs 8"},
		{"trailing data", file(ok, "123456789"), "unexpected bytes after"},
	}
	for _, tt := range tests {
		_, _, _, err := Read(strings.NewReader(tt.file))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got error %v, want one containing %q", tt.name, err, tt.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "npy: ") {
			t.Errorf("%s: error %q lacks the npy: prefix", tt.name, err)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	if err := Write(new(bytes.Buffer), "complex64", []int{1}, make([]byte, 8)); err == nil {
		t.Error("Write accepted an unknown dtype")
	}
	if err := Write(new(bytes.Buffer), "int16", []int{3}, make([]byte, 5)); err == nil {
		t.Error("Write accepted data that does not match the shape")
	}
	if err := Write(new(bytes.Buffer), "int8", []int{-1}, nil); err == nil {
		t.Error("Write accepted a negative dimension")
	}
}

// FuzzRead checks that Read never panics and that whatever it accepts
// survives a Write/Read round trip unchanged.
func FuzzRead(f *testing.F) {
	f.Add([]byte(numpyInt16))
	f.Add([]byte(file("{'descr': '|b1', 'fortran_order': False, 'shape': (), }", "\x01")))
	f.Add([]byte(file("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", "")))
	f.Add([]byte("\x93NUMPY\x02\x00\x05\x00\x00\x00{}  \n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		dtype, shape, data, err := Read(bytes.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, dtype, shape, data); err != nil {
			t.Fatalf("Write of what Read accepted (%s %v, %d bytes): %v", dtype, shape, len(data), err)
		}
		dtype2, shape2, data2, err := Read(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if dtype2 != dtype || !slices.Equal(shape2, shape) || !bytes.Equal(data2, data) {
			t.Fatalf("round trip changed %s %v into %s %v", dtype, shape, dtype2, shape2)
		}
	})
}
