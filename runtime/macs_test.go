package runtime

import (
	"math"
	"testing"

	"github.com/edgeq/edgeq/format"
)

// macsGraph builds an interpreter whose nodes carry only what MAC counting
// reads (op names and tensor shapes), so the test does not depend on which
// kernels are registered.
type macsGraph struct{ ip Interpreter }

func (g *macsGraph) add(op string, inputs []*Tensor, outShape ...int) {
	n := &node{
		index:   len(g.ip.nodes),
		op:      &format.Operator{Op: op},
		inputs:  inputs,
		outputs: []*Tensor{{Shape: outShape}},
	}
	g.ip.nodes = append(g.ip.nodes, n)
}

func shaped(shape ...int) *Tensor { return &Tensor{Shape: shape} }

func TestOperatorMACs(t *testing.T) {
	var g macsGraph
	tests := []struct {
		name string
		want int64
	}{
		// 5×5×8 outputs, each a 3×3×3 dot product.
		{"conv", 5 * 5 * 8 * 3 * 3 * 3},
		// 5×5×8 outputs, each a 3×3 dot product.
		{"depthwise", 5 * 5 * 8 * 3 * 3},
		// 2 batches × 12 outputs × 64 inputs.
		{"fully connected", 2 * 12 * 64},
		{"average pool", 0},
		{"add", 0},
		// 2 batches × (16 filters × 40 inputs + 16 filters × 10 memory).
		{"svdf", 2 * (16*40 + 16*10)},
		// 3 steps × (4 input matrices [4,5] + 4 recurrent matrices [4,4]),
		// input-gate weights omitted (CIFG) so only 3 input matrices.
		{"lstm", 3 * (3*4*5 + 4*4*4)},
		// 4×4 input pixels × 3×3 taps × 2 output channels.
		{"transpose conv", 4 * 4 * 3 * 3 * 2},
		{"conv without weights", 0},
	}
	g.add("CONV_2D", []*Tensor{shaped(1, 10, 10, 3), shaped(8, 3, 3, 3), shaped(8)}, 1, 5, 5, 8)
	g.add("DEPTHWISE_CONV_2D", []*Tensor{shaped(1, 10, 10, 8), shaped(1, 3, 3, 8), shaped(8)}, 1, 5, 5, 8)
	g.add("FULLY_CONNECTED", []*Tensor{shaped(2, 64), shaped(12, 64), nil}, 2, 12)
	g.add("AVERAGE_POOL_2D", []*Tensor{shaped(1, 5, 5, 8)}, 1, 1, 1, 8)
	g.add("ADD", []*Tensor{shaped(1, 8), shaped(1, 8)}, 1, 8)
	g.add("SVDF", []*Tensor{shaped(2, 40), shaped(16, 40), shaped(16, 10), nil, shaped(2, 160)}, 2, 16)
	lstm := make([]*Tensor, 24)
	lstm[0] = shaped(3, 1, 5)
	for k := 2; k <= 4; k++ { // lstm[1], the input gate, stays nil
		lstm[k] = shaped(4, 5)
	}
	for k := 5; k <= 8; k++ {
		lstm[k] = shaped(4, 4)
	}
	lstm[12] = shaped(4) // biases are not matrices
	g.add("UNIDIRECTIONAL_SEQUENCE_LSTM", lstm, 3, 1, 4)
	g.add("TRANSPOSE_CONV", []*Tensor{shaped(4), shaped(2, 3, 3, 1), shaped(1, 4, 4, 1)}, 1, 8, 8, 2)
	g.add("CONV_2D", []*Tensor{shaped(1, 10, 10, 3)}, 1, 5, 5, 8)

	var total int64
	for i, tt := range tests {
		if got := g.ip.OperatorMACs(i); got != tt.want {
			t.Errorf("operator %d (%s): %d MACs, want %d", i, tt.name, got, tt.want)
		}
		total += tt.want
	}
	if got := g.ip.TotalMACs(); got != total {
		t.Errorf("TotalMACs = %d, want %d", got, total)
	}
	if got := g.ip.OperatorMACs(-1) + g.ip.OperatorMACs(len(tests)); got != 0 {
		t.Errorf("out-of-range operators count %d MACs, want 0", got)
	}
}

func TestOperatorMACsSaturates(t *testing.T) {
	var g macsGraph
	huge := math.MaxInt32
	g.add("CONV_2D", []*Tensor{nil, shaped(1, huge, huge, huge)}, huge, huge)
	if got := g.ip.OperatorMACs(0); got != math.MaxInt64 {
		t.Errorf("overflowing count = %d, want it saturated at MaxInt64", got)
	}
}
