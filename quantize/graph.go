package quantize

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/edgeq/edgeq/format"
)

// clone returns a copy of m whose tensors, operators, quantization
// parameters and lists can be changed without touching m. Buffers are
// shared until replaced.
func clone(m *format.Model) *format.Model {
	c := *m
	c.Tensors = make([]format.Tensor, len(m.Tensors))
	for i, t := range m.Tensors {
		t.Shape = slices.Clone(t.Shape)
		if t.Quant != nil {
			q := *t.Quant
			q.Scale = slices.Clone(q.Scale)
			q.ZeroPoint = slices.Clone(q.ZeroPoint)
			t.Quant = &q
		}
		c.Tensors[i] = t
	}
	c.Buffers = slices.Clone(m.Buffers)
	c.Operators = make([]format.Operator, len(m.Operators))
	for i, op := range m.Operators {
		op.Inputs = slices.Clone(op.Inputs)
		op.Outputs = slices.Clone(op.Outputs)
		op.Options.NewShape = slices.Clone(op.Options.NewShape)
		c.Operators[i] = op
	}
	c.Inputs = slices.Clone(m.Inputs)
	c.Outputs = slices.Clone(m.Outputs)
	return &c
}

// isConst reports whether tensor i holds constant data.
func isConst(m *format.Model, i int32) bool {
	return i >= 0 && m.Tensors[i].Buffer >= 0 && !m.Tensors[i].Variable
}

// floatData decodes constant float32 tensor i.
func floatData(m *format.Model, i int32) ([]float32, error) {
	t := &m.Tensors[i]
	if t.Type != format.Float32 || t.Buffer < 0 {
		return nil, fmt.Errorf("quantize: tensor %d (%s) is not a float32 constant", i, t.Name)
	}
	b := m.Buffers[t.Buffer]
	x := make([]float32, len(b)/4)
	for k := range x {
		x[k] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*k:]))
	}
	return x, nil
}

// setConst gives tensor i new constant data of type dt in a new buffer.
func setConst(m *format.Model, i int32, dt format.DType, data []byte, q *format.Quantization) {
	t := &m.Tensors[i]
	t.Type = dt
	t.Quant = q
	t.Buffer = int32(len(m.Buffers))
	m.Buffers = append(m.Buffers, data)
}

// addTensor appends a tensor and returns its index.
func addTensor(m *format.Model, t format.Tensor) int32 {
	if t.Source == 0 {
		t.Source = -1 // new tensors have no counterpart in the source model
	}
	m.Tensors = append(m.Tensors, t)
	return int32(len(m.Tensors) - 1)
}

// compactBuffers drops buffers no tensor uses any more (the float weights
// that were replaced) and renumbers the rest, keeping buffer 0 empty as
// TFLite files do when the source had it so.
func compactBuffers(m *format.Model) {
	remap := make([]int32, len(m.Buffers))
	for i := range remap {
		remap[i] = -1
	}
	var bufs [][]byte
	if len(m.Buffers) > 0 && len(m.Buffers[0]) == 0 {
		bufs = append(bufs, nil)
		remap[0] = 0
	}
	for i := range m.Tensors {
		t := &m.Tensors[i]
		if t.Buffer < 0 {
			continue
		}
		if remap[t.Buffer] < 0 {
			remap[t.Buffer] = int32(len(bufs))
			bufs = append(bufs, m.Buffers[t.Buffer])
		}
		t.Buffer = remap[t.Buffer]
	}
	m.Buffers = bufs
}

func int8Bytes(q []int8) []byte {
	b := make([]byte, len(q))
	for i, v := range q {
		b[i] = byte(v)
	}
	return b
}

func int16Bytes(q []int32) []byte {
	b := make([]byte, 2*len(q))
	for i, v := range q {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(int16(v)))
	}
	return b
}

func int32Bytes(q []int32) []byte {
	b := make([]byte, 4*len(q))
	for i, v := range q {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return b
}

func int64Bytes(q []int64) []byte {
	b := make([]byte, 8*len(q))
	for i, v := range q {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
	}
	return b
}

func float32Bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// perTensor returns per-tensor quantization parameters.
func perTensor(a Affine) *format.Quantization {
	return &format.Quantization{Scale: []float32{a.Scale}, ZeroPoint: []int64{int64(a.ZeroPoint)}}
}

// perChannel returns symmetric parameters (zero points 0) along axis.
func perChannel(scales []float32, axis int) *format.Quantization {
	q := &format.Quantization{Scale: scales, ZeroPoint: make([]int64, len(scales))}
	if len(scales) > 1 {
		q.Axis = int32(axis)
	}
	return q
}

// consumers returns, for every tensor, the operators that read it.
func consumers(m *format.Model) [][]int {
	c := make([][]int, len(m.Tensors))
	for i, op := range m.Operators {
		for _, t := range op.Inputs {
			if t >= 0 {
				c[t] = append(c[t], i)
			}
		}
	}
	return c
}

// WeightBytes returns the bytes of constant data (weights, biases, shapes)
// the model holds.
func WeightBytes(m *format.Model) int {
	seen := map[int32]bool{}
	n := 0
	for _, t := range m.Tensors {
		if t.Buffer >= 0 && !seen[t.Buffer] {
			seen[t.Buffer] = true
			n += len(m.Buffers[t.Buffer])
		}
	}
	return n
}

// floatWeights returns m with the int8 weights of its hybrid layers (float
// input, int8 constant weights, as in TFLite dynamic-range models)
// dequantized back to float32, so such a model can be quantized like a
// float one. m itself is returned when it has none.
func floatWeights(m *format.Model) *format.Model {
	var c *format.Model
	for _, op := range m.Operators {
		switch op.Op {
		case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED":
		default:
			continue
		}
		if len(op.Inputs) < 2 || op.Inputs[0] < 0 || m.Tensors[op.Inputs[0]].Type != format.Float32 || !isConst(m, op.Inputs[1]) {
			continue
		}
		w := &m.Tensors[op.Inputs[1]]
		if w.Type != format.Int8 || w.Quant == nil || len(w.Quant.Scale) == 0 {
			continue
		}
		if c == nil {
			c = clone(m)
		}
		if c.Tensors[op.Inputs[1]].Type == format.Float32 {
			continue // shared, already converted
		}
		raw := m.Buffers[w.Buffer]
		q := make([]int8, len(raw))
		for i, b := range raw {
			q[i] = int8(b) - int8(w.Quant.ZeroPoint[0]) // weights are symmetric; tolerate a per-tensor offset
		}
		axis := -1
		if len(w.Quant.Scale) > 1 {
			axis = int(w.Quant.Axis)
		}
		setConst(c, op.Inputs[1], format.Float32, float32Bytes(dequantizeWeights(q, w.Shape, axis, w.Quant.Scale)), nil)
	}
	if c == nil {
		return m
	}
	compactBuffers(c)
	return c
}
