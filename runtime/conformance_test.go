package runtime_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/internal/shareddata"
	"github.com/edgeq/edgeq/runtime"
)

// manifest is the part of a conformance manifest.json the tests read.
type manifest struct {
	Model          string `json:"model"`
	ArenaUsedBytes int    `json:"arena_used_bytes"`
	InvokeNs       int64  `json:"invoke_ns_median"`
	Inputs         []struct {
		Index int    `json:"index"`
		DType string `json:"dtype"`
		Bytes int    `json:"bytes"`
	} `json:"inputs"`
	Outputs []struct {
		Index int    `json:"index"`
		DType string `json:"dtype"`
	} `json:"outputs"`
	Tensors []struct {
		Index int    `json:"index"`
		DType string `json:"dtype"`
		Op    int    `json:"op_index"`
		Kind  string `json:"op_builtin"`
		File  string `json:"file"`
	} `json:"tensors"`
	Cases []struct {
		ID         string   `json:"id"`
		Inputs     []string `json:"inputs"`
		Expected   []string `json:"expected"`
		TensorsDir string   `json:"tensors_dir"`
	} `json:"cases"`
}

type conformanceModel struct {
	dir string
	man manifest
	eqm []byte
}

func conformanceModels(t testing.TB) []conformanceModel {
	root := shareddata.Path(t, "conformance")
	dirs, err := filepath.Glob(filepath.Join(root, "*", "manifest.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no conformance models under %s", root)
	}
	var models []conformanceModel
	for _, mf := range dirs {
		dir := filepath.Dir(mf)
		var m conformanceModel
		m.dir = dir
		raw, err := os.ReadFile(mf)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &m.man); err != nil {
			t.Fatalf("%s: %v", mf, err)
		}
		src, err := os.ReadFile(filepath.Join(dir, "model.tflite"))
		if err != nil {
			t.Fatal(err)
		}
		fm, err := tflite.Import(src)
		if err != nil {
			t.Fatalf("%s: import: %v", m.man.Model, err)
		}
		if m.eqm, err = format.Encode(fm); err != nil {
			t.Fatalf("%s: encode: %v", m.man.Model, err)
		}
		models = append(models, m)
	}
	return models
}

// load loads a conformance model; every model must load.
func (m conformanceModel) load(t testing.TB, opts ...runtime.Option) *runtime.Interpreter {
	t.Helper()
	ip, err := runtime.Load(m.eqm, opts...)
	if err != nil {
		t.Fatalf("%s: load: %v", m.man.Model, err)
	}
	return ip
}

func TestConformance(t *testing.T) {
	for _, m := range conformanceModels(t) {
		t.Run(m.man.Model, func(t *testing.T) {
			// The arena reuses memory, so every operator's outputs are
			// copied as the operator finishes.
			var ip *runtime.Interpreter
			seen := map[int][]byte{}
			ip = m.load(t, runtime.WithOpHook(func(op int, _ string, _ time.Duration) {
				for _, out := range ip.OperatorOutputs(op) {
					seen[out.Index] = append(seen[out.Index][:0], out.Bytes()...)
				}
			}))
			for _, c := range m.man.Cases {
				t.Run(c.ID, func(t *testing.T) {
					ip.ResetVariables()
					for k, in := range c.Inputs {
						raw := readFile(t, filepath.Join(m.dir, in))
						dst := ip.Input(k).Bytes()
						if len(raw) != len(dst) {
							t.Fatalf("input %d: %d bytes, tensor holds %d", k, len(raw), len(dst))
						}
						copy(dst, raw)
					}
					if err := ip.Invoke(); err != nil {
						t.Fatal(err)
					}
					// Intermediate tensors first, in graph order, so the
					// first failure names the first layer that differs.
					for _, tm := range m.man.Tensors {
						want := readFile(t, filepath.Join(m.dir, c.TensorsDir, tm.File))
						if err := compare(ip.Tensor(tm.Index).Type, seen[tm.Index], want); err != nil {
							t.Fatalf("tensor %d (operator %d %s): %v", tm.Index, tm.Op, tm.Kind, err)
						}
					}
					for k, out := range c.Expected {
						want := readFile(t, filepath.Join(m.dir, out))
						out := ip.Output(k)
						if err := compare(out.Type, out.Bytes(), want); err != nil {
							t.Fatalf("output %d: %v", k, err)
						}
					}
				})
			}
		})
	}
}

// compare demands byte equality for integer tensors and, for float32,
// agreement within 1e-5 of the expected tensor's largest magnitude.
func compare(typ format.DType, b, want []byte) error {
	if len(b) != len(want) {
		return fmt.Errorf("%d bytes, want %d", len(b), len(want))
	}
	if typ != format.Float32 {
		for i := range b {
			if b[i] != want[i] {
				size := typ.Size()
				return fmt.Errorf("first difference at element %d (byte %d): got % x, want % x",
					i/size, i, b[i/size*size:i/size*size+size], want[i/size*size:i/size*size+size])
			}
		}
		return nil
	}
	g := floats(b)
	w := floats(want)
	peak := 0.0
	for _, v := range w {
		peak = math.Max(peak, math.Abs(float64(v)))
	}
	tol := 1e-5 * peak
	for i := range w {
		if d := math.Abs(float64(g[i]) - float64(w[i])); !(d <= tol) {
			return fmt.Errorf("element %d: got %g, want %g (|diff| %g > %g)", i, g[i], w[i], d, tol)
		}
	}
	return nil
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInvokeAllocs proves Invoke allocates nothing on every conformance model.
func TestInvokeAllocs(t *testing.T) {
	for _, m := range conformanceModels(t) {
		t.Run(m.man.Model, func(t *testing.T) {
			ip := m.load(t)
			allocs := testing.AllocsPerRun(5, func() {
				if err := ip.Invoke(); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Invoke allocates %.1f times per run, want 0", allocs)
			}
		})
	}
}

// TestCallerArena runs a model in a caller-owned arena and checks that a
// too-small arena is refused with the size needed.
func TestCallerArena(t *testing.T) {
	for _, m := range conformanceModels(t) {
		if m.man.Model != "kws_ref_model" {
			continue
		}
		ip := m.load(t)
		need := ip.ArenaBytes()
		_, err := runtime.Load(m.eqm, runtime.WithArena(make([]byte, need/2)))
		if err == nil || !strings.Contains(err.Error(), fmt.Sprint(need)) {
			t.Fatalf("half-size arena: got error %v, want one naming %d bytes", err, need)
		}
		arena := make([]byte, need+16)
		ip2, err := runtime.Load(m.eqm, runtime.WithArena(arena))
		if err != nil {
			t.Fatal(err)
		}
		in := uintptr(unsafe.Pointer(&ip2.Input(0).Bytes()[0]))
		lo, hi := uintptr(unsafe.Pointer(&arena[0])), uintptr(unsafe.Pointer(&arena[len(arena)-1]))
		if in < lo || in > hi {
			t.Fatal("input tensor is not inside the caller's arena")
		}
		return
	}
	t.Skip("kws_ref_model not in the conformance data")
}

// BenchmarkInvoke measures one inference per model, single-threaded, and
// reports it against TensorFlow Lite Micro's reference time from the manifest.
func BenchmarkInvoke(b *testing.B) {
	for _, m := range conformanceModels(b) {
		b.Run("model="+m.man.Model, func(b *testing.B) {
			ip := m.load(b)
			goruntime.LockOSThread()
			defer goruntime.UnlockOSThread()
			b.ReportAllocs()
			b.ResetTimer()
			start := threadCPU()
			for b.Loop() {
				if err := ip.Invoke(); err != nil {
					b.Fatal(err)
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/float64(m.man.InvokeNs), "x_tflm")
			if cpu := float64(threadCPU()-start) / float64(b.N); cpu > 0 {
				// The thread's CPU time stays meaningful on a loaded machine.
				b.ReportMetric(cpu, "cpu-ns/op")
				b.ReportMetric(cpu/float64(m.man.InvokeNs), "cpu_x_tflm")
			}
			b.ReportMetric(float64(ip.ArenaBytes()), "arena_B")
		})
	}
}

// floats decodes little-endian float32 values.
func floats(b []byte) []float32 {
	f := make([]float32, len(b)/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return f
}

// threadCPU returns the CPU time the calling OS thread has used, or 0 where
// /proc does not say.
func threadCPU() time.Duration {
	b, err := os.ReadFile("/proc/thread-self/schedstat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	ns, _ := strconv.ParseInt(f[0], 10, 64)
	return time.Duration(ns)
}
