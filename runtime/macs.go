package runtime

import "math"

// OperatorMACs returns the multiply-accumulates operator i performs in one
// Invoke, derived from its tensor shapes (0 for an index out of range):
//
//	CONV_2D              out_elems × KH×KW×IC          (filter [OC, KH, KW, IC])
//	DEPTHWISE_CONV_2D    out_elems × KH×KW             (filter [1, KH, KW, OC])
//	TRANSPOSE_CONV       in_elems × KH×KW×OC           (filter [OC, KH, KW, IC])
//	FULLY_CONNECTED      batches×OC × K = out_elems×K  (weights [OC, K])
//	BATCH_MATMUL         out_elems × K                 (K = last dim of the left operand)
//	SVDF                 batches × (F×in + F×memory)   (feature and time weights)
//	LSTM, sequence LSTM  steps×batches × Σ weight-matrix elements
//	                     (input, recurrent and projection weights; gate
//	                     element-wise products are not counted)
//
// Every other op (pooling, element-wise arithmetic, activations, softmax,
// reshapes) counts 0: MACs measure the dot-product work that dominates
// these models and that the SIMD kernels speed up, and those ops are
// memory-bound; their cost shows in the per-op profile instead.
func (ip *Interpreter) OperatorMACs(i int) int64 {
	if i < 0 || i >= len(ip.nodes) {
		return 0
	}
	return nodeMACs(ip.nodes[i])
}

// TotalMACs returns the sum of OperatorMACs over the graph.
func (ip *Interpreter) TotalMACs() int64 {
	var total int64
	for i := range ip.nodes {
		total = addSat(total, ip.OperatorMACs(i))
	}
	return total
}

func nodeMACs(n *node) int64 {
	if len(n.outputs) == 0 || n.outputs[0] == nil {
		return 0
	}
	outElems := int64(n.outputs[0].NumElements())
	weights := n.optionalInput(1)
	switch n.op.Op {
	case "CONV_2D":
		if weights == nil || len(weights.Shape) != 4 {
			return 0
		}
		return mulSat(outElems, dims(weights.Shape[1:]))
	case "DEPTHWISE_CONV_2D":
		if weights == nil || len(weights.Shape) != 4 {
			return 0
		}
		return mulSat(outElems, dims(weights.Shape[1:3]))
	case "TRANSPOSE_CONV":
		in := n.optionalInput(2)
		if weights == nil || in == nil || len(weights.Shape) != 4 {
			return 0
		}
		return mulSat(int64(in.NumElements()), dims(weights.Shape[:3]))
	case "FULLY_CONNECTED":
		if weights == nil || len(weights.Shape) < 1 {
			return 0
		}
		return mulSat(outElems, int64(weights.Dim(-1)))
	case "BATCH_MATMUL":
		lhs := n.optionalInput(0)
		if lhs == nil || len(lhs.Shape) < 1 {
			return 0
		}
		return mulSat(outElems, int64(lhs.Dim(-1)))
	case "SVDF":
		in, timeWeights := n.optionalInput(0), n.optionalInput(2)
		if in == nil || weights == nil || timeWeights == nil || len(in.Shape) < 1 || in.Dim(-1) == 0 {
			return 0
		}
		batches := int64(in.NumElements() / in.Dim(-1))
		return mulSat(batches, int64(weights.NumElements()+timeWeights.NumElements()))
	case "LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM":
		in := n.optionalInput(0)
		if in == nil || len(in.Shape) < 1 || in.Dim(-1) == 0 {
			return 0
		}
		steps := int64(in.NumElements() / in.Dim(-1)) // time steps × batches
		var matrixElems int64
		for _, k := range []int{1, 2, 3, 4, 5, 6, 7, 8, 16} { // input, recurrent, projection weights
			if w := n.optionalInput(k); w != nil {
				matrixElems = addSat(matrixElems, int64(w.NumElements()))
			}
		}
		return mulSat(steps, matrixElems)
	}
	return 0
}

// dims returns the product of shape as an int64, saturating.
func dims(shape []int) int64 {
	p := int64(1)
	for _, d := range shape {
		p = mulSat(p, int64(d))
	}
	return p
}

// mulSat multiplies non-negative a and b, saturating at math.MaxInt64 so a
// hostile shape cannot make the count wrap negative.
func mulSat(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
