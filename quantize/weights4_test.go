package quantize

import (
	"math"
	"strings"
	"testing"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

// TestWeightsOnlyInt4 checks packed 4-bit weight-only storage: every weight
// layer's weights become a per-channel int4 constant read by a DEQUANTIZE,
// each weight within half a step of the float one, the file smaller than
// the int8 one, and the model still close to the float model.
func TestWeightsOnlyInt4(t *testing.T) {
	src := tinyCNN(21)
	q8, _, err := Quantize(src, nil, Options{Mode: ModeWeights})
	if err != nil {
		t.Fatal(err)
	}
	q4, rep, err := Quantize(src, nil, Options{Mode: ModeWeights, WeightBits: 4})
	if err != nil {
		t.Fatal(err)
	}
	layers := 0
	for _, op := range q4.Operators {
		if op.Op != "DEQUANTIZE" {
			continue
		}
		layers++
		wt := q4.Tensors[op.Inputs[0]]
		if wt.Type != format.Int4 || wt.Buffer < 0 {
			t.Fatalf("DEQUANTIZE reads %s %s, want a constant int4", wt.Type, wt.Name)
		}
		// The float weights this tensor replaced: same name in the source.
		var w []float32
		for i := range src.Tensors {
			if src.Tensors[i].Name == wt.Name {
				if w, err = floatData(src, int32(i)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if w == nil {
			t.Fatalf("no float source for %s", wt.Name)
		}
		q := make([]int8, len(w))
		format.UnpackInt4(q, q4.Buffers[wt.Buffer])
		l, err := layoutOf(wt.Shape, int(wt.Quant.Axis))
		if err != nil {
			t.Fatal(err)
		}
		if len(wt.Quant.Scale) != l.n || l.n < 2 {
			t.Fatalf("%s: %d scales, want one per channel (%d)", wt.Name, len(wt.Quant.Scale), l.n)
		}
		for i, v := range w {
			s := wt.Quant.Scale[l.channel(i)]
			if q[i] < -7 || q[i] > 7 || math.Abs(float64(float32(q[i])*s-v)) > float64(s)/2*1.0001 {
				t.Fatalf("%s[%d] = %g stored as %d × %g", wt.Name, i, v, q[i], s)
			}
		}
	}
	if layers != 3 || len(rep.Layers) != 3 || rep.Layers[0].Bits != 4 {
		t.Fatalf("%d int4 layers (report %+v), want 3", layers, rep.Layers)
	}
	size := func(m *format.Model) int {
		b, err := format.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	if s4, s8 := size(q4), size(q8); s4 >= s8 {
		t.Errorf("int4 model %d B, int8 model %d B", s4, s8)
	}
	if _, err := runtime.LoadModel(q4); err != nil {
		t.Fatalf("the runtime does not load the int4 model: %v", err)
	}
	res, err := Evaluate(q4, tinyData(100, 21), EvalOptions{Ref: src})
	if err != nil {
		t.Fatal(err)
	}
	if *res.Agreement < 0.8 || *res.SQNR < 12 {
		t.Errorf("int4 weight-only: agreement %.3f, SQNR %.1f dB", *res.Agreement, *res.SQNR)
	}
}

func TestWeightBitsErrors(t *testing.T) {
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{Mode: ModeWeights, WeightBits: 2}, "8 or 4"},
		{Options{Mode: ModeDynamic, WeightBits: 4}, "need mode weights"},
		{Options{Mode: ModeStatic, WeightBits: 4}, "need mode weights"},
	} {
		if _, _, err := Quantize(tinyCNN(1), tinyData(4, 1), c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err %v, want %q", c.opt, err, c.want)
		}
	}
}
