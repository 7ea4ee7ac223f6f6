package kernels

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// The assembly reads addArgs at these offsets (add_arm64.s).
func TestAddArgsLayout(t *testing.T) {
	if unsafe.Sizeof(0) != 8 {
		t.Skip("only the arm64 assembly reads the argument blocks")
	}
	var a addArgs
	for _, f := range []struct {
		name      string
		off, want uintptr
	}{
		{"voff1", unsafe.Offsetof(a.voff1), 0}, {"voff2", unsafe.Offsetof(a.voff2), 16},
		{"vm1", unsafe.Offsetof(a.vm1), 32}, {"vs1", unsafe.Offsetof(a.vs1), 48},
		{"vm2", unsafe.Offsetof(a.vm2), 64}, {"vs2", unsafe.Offsetof(a.vs2), 80},
		{"vmo", unsafe.Offsetof(a.vmo), 96}, {"vso", unsafe.Offsetof(a.vso), 112},
		{"vzo", unsafe.Offsetof(a.vzo), 128}, {"vlo", unsafe.Offsetof(a.vlo), 144},
		{"vhi", unsafe.Offsetof(a.vhi), 160}, {"x", unsafe.Offsetof(a.x), 176},
		{"y", unsafe.Offsetof(a.y), 184}, {"out", unsafe.Offsetof(a.out), 192},
		{"n", unsafe.Offsetof(a.n), 200}, {"sub", unsafe.Offsetof(a.sub), 208},
	} {
		if f.off != f.want {
			t.Errorf("addArgs.%s at offset %d, the assembly reads %d", f.name, f.off, f.want)
		}
	}
}

// randAddParams returns random int8 ADD (or SUB) parameters; the scales
// range over several powers of two so that every shift occurs, including
// zero (a multiplier of exactly one half).
func randAddParams(r *rand.Rand, sub bool) AddParams {
	for {
		s1 := float32(0.001+r.Float64()) * float32(int(1)<<r.IntN(8)) / 16
		s2 := float32(0.001+r.Float64()) * float32(int(1)<<r.IntN(8)) / 16
		if r.IntN(4) == 0 {
			s2 = s1
		}
		so := float32(0.001+r.Float64()) * float32(int(1)<<r.IntN(10)) / 64
		z1, z2, zo := int32(r.IntN(256)-128), int32(r.IntN(256)-128), int32(r.IntN(256)-128)
		var p AddParams
		var err error
		if sub {
			p, err = NewSubParams(s1, z1, s2, z2, so, zo, 8)
		} else {
			p, err = NewAddParams(s1, z1, s2, z2, so, zo, 8)
		}
		if err != nil {
			continue
		}
		if r.IntN(2) == 0 {
			p.ActivationMin = int32(r.IntN(200) - 128)
			p.ActivationMax = p.ActivationMin + int32(r.IntN(127-int(p.ActivationMin)+1))
		}
		return p
	}
}

// AddInt8 and SubInt8 on the SIMD path equal the generic rows for every
// length 0..300, misaligned slices, broadcasts and every input pair.
func TestAddInt8SIMDMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for n := 0; n <= 300; n++ {
		for _, sub := range []bool{false, true} {
			p := randAddParams(r, sub)
			off := r.IntN(16)
			x := cvRandInt8s(r, n+off, -128, 127)[off:]
			y := cvRandInt8s(r, n+off+3, -128, 127)[off+3:]
			if n == 256 { // every pair of values at once
				for i := range x {
					x[i] = int8(i)
				}
			}
			want := make([]int8, n)
			addRowInt8(&p, sub, want, x, y, 1, 1)
			out, check := cvGuarded[int8](n, 0x55)
			xc, yc := slices.Clone(x), slices.Clone(y)
			addRowInt8SIMD(&p, sub, out, x, y, 1, 1)
			check(t)
			if !slices.Equal(x, xc) || !slices.Equal(y, yc) {
				t.Fatal("input changed")
			}
			if i := cvFirstDiff(out, want); i >= 0 {
				t.Fatalf("n %d sub %v %+v: out[%d] = %d, generic %d", n, sub, p, i, out[i], want[i])
			}
		}
	}
	// Every pair of values, for many scalings.
	x, y := make([]int8, 1<<16), make([]int8, 1<<16)
	for i := range x {
		x[i], y[i] = int8(i), int8(i>>8)
	}
	got, want := make([]int8, len(x)), make([]int8, len(x))
	for iter := range 60 {
		p := randAddParams(r, iter%2 == 1)
		addRowInt8(&p, iter%2 == 1, want, x, y, 1, 1)
		addRowInt8SIMD(&p, iter%2 == 1, got, x, y, 1, 1)
		if i := cvFirstDiff(got, want); i >= 0 {
			t.Fatalf("%+v: %d ± %d = %d, generic %d", p, x[i], y[i], got[i], want[i])
		}
	}
	// Through the public API, with broadcasts.
	for iter := range 300 {
		p := randAddParams(r, iter%2 == 1)
		a := []int{1 + r.IntN(3), 1 + r.IntN(5), 1 + r.IntN(40)}
		b := slices.Clone(a)
		if r.IntN(3) == 0 {
			b[r.IntN(3)] = 1
		}
		bc, err := NewBroadcast(a, b)
		if err != nil {
			t.Fatal(err)
		}
		x := cvRandInt8s(r, a[0]*a[1]*a[2], -128, 127)
		y := cvRandInt8s(r, b[0]*b[1]*b[2], -128, 127)
		got, want := make([]int8, bc.Size()), make([]int8, bc.Size())
		op := AddInt8
		if iter%2 == 1 {
			op = SubInt8
		}
		op(&p, &bc, x, y, got)
		restore := disableNEON()
		op(&p, &bc, x, y, want)
		restore()
		if i := cvFirstDiff(got, want); i >= 0 {
			t.Fatalf("%v %v: out[%d] = %d, generic %d", a, b, i, got[i], want[i])
		}
	}
}

// FuzzAddInt8SIMD compares the SIMD and generic ADD/SUB rows on inputs
// drawn from the fuzzer.
func FuzzAddInt8SIMD(f *testing.F) {
	f.Add(uint64(1), []byte("0123456789abcdefghijklmnopqrstuvwxyz"), false)
	f.Fuzz(func(t *testing.T, seed uint64, data []byte, sub bool) {
		r := rand.New(rand.NewPCG(seed, 1))
		p := randAddParams(r, sub)
		n := len(data) / 2
		x := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(data))), len(data))
		xs, ys := x[:n], x[n:2*n]
		want, got := make([]int8, n), make([]int8, n)
		addRowInt8(&p, sub, want, xs, ys, 1, 1)
		addRowInt8SIMD(&p, sub, got, xs, ys, 1, 1)
		if i := cvFirstDiff(got, want); i >= 0 {
			t.Fatalf("out[%d] = %d, generic %d", i, got[i], want[i])
		}
	})
}
