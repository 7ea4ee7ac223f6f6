package format

import (
	"bytes"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/tinylib/msgp/msgp"
)

func mustEncode(t testing.TB, m *Model) []byte {
	t.Helper()
	data, err := Encode(m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return data
}

func TestRoundTrip(t *testing.T) {
	m := tinyModel()
	m.Operators[0].Intermediates = []int32{3}
	m.Operators[0].Options = Options{
		Padding: PadValid, StrideW: 2, StrideH: 3, DilationW: 1, DilationH: 1,
		Activation: ActRelu6, Axis: -1, KeepDims: true, Beta: 1.5,
		NewShape: []int32{-1, 4}, Rank: 2, CellClip: 10, TimeMajor: true, PotScaleInt16: true, Alpha: 0.2,
	}
	m.Tensors[0].Variable = true
	m.Tensors[3].Source = 42
	m.Meta = Metadata{Name: "n", Producer: "p", Source: "tflite", SourceHash: "abc",
		Description: "d", QuantMethod: "static", Calibration: "100 samples"}
	data := mustEncode(t, m)
	got, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip changed the model:\ngot  %+v\nwant %+v", got, m)
	}
	if again := mustEncode(t, got); !bytes.Equal(again, data) {
		t.Errorf("re-encoding a decoded model gave different bytes")
	}
}

func TestEncodeWritesCurrentVersion(t *testing.T) {
	for _, v := range []int{0, Version, 99} {
		m := tinyModel()
		m.Version = v
		got, err := Decode(mustEncode(t, m))
		if err != nil {
			t.Fatalf("version %d: Decode: %v", v, err)
		}
		if got.Version != Version {
			t.Errorf("model with Version %d encoded as version %d, want %d", v, got.Version, Version)
		}
		if m.Version != v {
			t.Errorf("Encode changed m.Version from %d to %d", v, m.Version)
		}
	}
}

func TestEncodeRefusesInvalid(t *testing.T) {
	m := tinyModel()
	m.Tensors[1].Buffer = 9
	if _, err := Encode(m); err == nil || !strings.Contains(err.Error(), "buffer 9 out of range") {
		t.Errorf("Encode(invalid) = %v, want a validation error", err)
	}
	if _, err := Encode(nil); err == nil {
		t.Errorf("Encode(nil) succeeded")
	}
}

func TestDecodeZeroCopy(t *testing.T) {
	data := mustEncode(t, tinyModel())
	m, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	hi := lo + uintptr(len(data))
	for i, b := range m.Buffers {
		p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		if p < lo || p+uintptr(len(b)) > hi {
			t.Errorf("buffer %d was copied; want a slice of the input", i)
		}
	}
}

// rawModel builds a msgpack map by hand, for files Encode would not write.
// Each entry is a key and a function appending its value.
type rawField struct {
	key string
	val func([]byte) []byte
}

func rawModel(fields ...rawField) []byte {
	b := msgp.AppendMapHeader(nil, uint32(len(fields)))
	for _, f := range fields {
		b = msgp.AppendString(b, f.key)
		b = f.val(b)
	}
	return b
}

func intField(key string, v int) rawField {
	return rawField{key, func(b []byte) []byte { return msgp.AppendInt(b, v) }}
}

func TestDecodeErrors(t *testing.T) {
	valid := mustEncode(t, tinyModel())
	tests := []struct {
		name string
		data []byte
		want string // substring of the error; "" for success
	}{
		{"valid", valid, ""},
		{"newer version", rawModel(intField("version", 7)), "format: file version 7 is newer than this edgeq (reads up to 1)"},
		// A newer file whose other fields this version cannot parse still
		// gets the version error, not a parse error.
		{"newer version, unparsable body", rawModel(
			rawField{"tensors", func(b []byte) []byte { return msgp.AppendString(b, "not an array") }},
			intField("version", 2),
		), "format: file version 2 is newer than this edgeq (reads up to 1)"},
		{"no version", rawModel(), "format: file version 0 is not valid"},
		{"negative version", rawModel(intField("version", -1)), "file version -1 is not valid"},
		{"version not an int", rawModel(rawField{"version", func(b []byte) []byte { return msgp.AppendString(b, "1") }}), "version"},
		{"minimal", rawModel(intField("version", 1)), ""},
		{"unknown fields skipped", rawModel(
			intField("version", 1),
			rawField{"future", func(b []byte) []byte {
				b = msgp.AppendArrayHeader(b, 2)
				b = msgp.AppendMapHeader(b, 1)
				b = msgp.AppendString(b, "x")
				b = msgp.AppendBytes(b, []byte{1, 2, 3})
				return msgp.AppendFloat64(b, 3.5)
			}},
		), ""},
		{"trailing garbage", append(bytes.Clone(valid), 0xc0), "1 bytes of trailing garbage"},
		{"two models", append(bytes.Clone(valid), valid...), "trailing garbage"},
		{"empty", nil, "not an .eqm file"},
		{"not a map", msgp.AppendArrayHeader(nil, 0), "not an .eqm file"},
		{"truncated", valid[:len(valid)/2], "not an .eqm file"},
		{"huge array header", rawModel(intField("version", 1), rawField{"tensors", func(b []byte) []byte {
			return append(b, 0xdd, 0xff, 0xff, 0xff, 0xff) // array32 of 2^32-1 items
		}}), "array of 4294967295 items, limit is 65536"},
		{"array longer than the file", rawModel(intField("version", 1), rawField{"tensors", func(b []byte) []byte {
			return append(b, 0xdd, 0, 0, 0x10, 0) // 4096 items, no bytes
		}}), "only 0 bytes left"},
		{"huge map header", append([]byte{0xdf, 0xff, 0xff, 0xff, 0xff}, valid[1:]...), "map of 4294967295 entries"},
		{"huge bin header", rawModel(intField("version", 1), rawField{"buffers", func(b []byte) []byte {
			b = msgp.AppendArrayHeader(b, 1)
			return append(b, 0xc6, 0xff, 0xff, 0xff, 0xff) // bin32 of 4 GiB
		}}), "not an .eqm file"},
		{"deep nesting", rawModel(intField("version", 1), rawField{"deep", func(b []byte) []byte {
			for range 200000 {
				b = append(b, 0x91) // fixarray of 1
			}
			return append(b, 0xc0)
		}}), "recursion limit"},
		{"wrong field type", rawModel(intField("version", 1), rawField{"tensors", func(b []byte) []byte {
			return msgp.AppendInt(b, 3)
		}}), "format: decode"},
		{"invalid model", rawModel(intField("version", 1), rawField{"inputs", func(b []byte) []byte {
			b = msgp.AppendArrayHeader(b, 1)
			return msgp.AppendInt32(b, 3)
		}}), "format: graph inputs: input 0: tensor 3 out of range (model has 0 tensors)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.data)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Decode: %v, want no error", err)
			case tc.want != "" && err == nil:
				t.Fatalf("Decode succeeded (%d tensors), want error %q", len(m.Tensors), tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("Decode: %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestDecodeTruncated cuts a valid file at every length: each must fail
// cleanly.
func TestDecodeTruncated(t *testing.T) {
	data := mustEncode(t, tinyModel())
	for n := range len(data) {
		if _, err := Decode(data[:n]); err == nil {
			t.Errorf("Decode of the first %d of %d bytes succeeded", n, len(data))
		}
	}
}

// TestDecodeHugeHeaderDoesNotAllocate checks that an array header claiming
// millions of items is refused before the decoder allocates for it.
func TestDecodeHugeHeaderDoesNotAllocate(t *testing.T) {
	data := rawModel(intField("version", 1), rawField{"operators", func(b []byte) []byte {
		return append(b, 0xdd, 0x00, 0xff, 0xff, 0xff) // 16M operators
	}})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Decode(data)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("Decode succeeded")
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("Decode allocated %d bytes for a bogus 16-byte file", n)
	}
}
