package kernels

import "testing"

// The int16 LOGISTIC and TANH as first written, branching on the sign and
// the table's end, kept to check the branch-free kernels bit for bit.

func sigmoidRefScale(p SigmoidInt16Params, v int16) int32 {
	round := int32(0)
	if p.LeftShift > 0 {
		round = 1 << uint(p.LeftShift-1)
	}
	return (int32(v)*p.Multiplier + round) >> uint(p.LeftShift)
}

func logisticInt16Ref(p SigmoidInt16Params, v int16) int16 {
	x := sigmoidRefScale(p, v)
	abs := uint32(x)
	if x < 0 {
		abs = uint32(-x)
	}
	var r uint32
	if h := abs >> 9; h >= 255 {
		r = 0x7FFF << 10
	} else {
		a, b := uint32(sigmoidTable[h]), uint32(sigmoidTable[h+1])
		r = a<<9 + (abs&0x1ff)*(b-a)
	}
	if x >= 0 {
		r += 1 << 9
	} else {
		r = 1<<25 - r + 1<<9 - 1
	}
	return int16(r >> 10)
}

func tanhInt16Ref(p SigmoidInt16Params, v int16) int16 {
	x := sigmoidRefScale(p, v)
	abs := uint32(x)
	if x < 0 {
		abs = uint32(-x)
	}
	var r int32
	if h := abs >> 8; h >= 255 {
		r = 0xFFFF << 8
	} else {
		a, b := uint32(sigmoidTable[h]), uint32(sigmoidTable[h+1])
		r = int32(a<<8 + (abs&0xFF)*(b-a))
	}
	if x >= 0 {
		r = r - 1<<23 + 1<<7
	} else {
		r = -r + 1<<23 + 1<<7 - 1
	}
	return int16(r >> 8)
}

// TestSigmoidInt16Exact runs every int16 input through the branch-free
// kernels and the reference, for the scalings the constructors and the
// LSTM make and some they do not (shifts of 31 and more, negative shifts).
func TestSigmoidInt16Exact(t *testing.T) {
	params := []SigmoidInt16Params{
		{Multiplier: 3}, {Multiplier: 6}, {Multiplier: 12}, {Multiplier: 3 << 10},
		{Multiplier: 3, LeftShift: 1}, {Multiplier: 3, LeftShift: 3}, {Multiplier: 20000, LeftShift: 14},
		{Multiplier: 32767, LeftShift: 30}, {Multiplier: 32767, LeftShift: 31}, {Multiplier: 32767, LeftShift: 40},
		{Multiplier: 123, LeftShift: -2},
	}
	for _, tanh := range []bool{false, true} {
		for _, s := range []float32{1.0 / 4096, 1.0 / 8192, 0.0003, 0.002} {
			p, err := NewSigmoidInt16Params(s, 1.0/32768, tanh)
			if err != nil {
				t.Fatal(err)
			}
			params = append(params, p)
		}
	}
	in := make([]int16, 65536)
	for i := range in {
		in[i] = int16(i - 32768)
	}
	lg, th := make([]int16, len(in)), make([]int16, len(in))
	for _, p := range params {
		LogisticInt16(p, in, lg)
		TanhInt16(p, in, th)
		for i, v := range in {
			if want := logisticInt16Ref(p, v); lg[i] != want {
				t.Fatalf("%+v: logistic(%d) = %d, want %d", p, v, lg[i], want)
			}
			if want := tanhInt16Ref(p, v); th[i] != want {
				t.Fatalf("%+v: tanh(%d) = %d, want %d", p, v, th[i], want)
			}
		}
	}
}
