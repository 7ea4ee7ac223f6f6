package runtime

import (
	"fmt"
	"sort"
	"strings"

	"github.com/edgeq/edgeq/format"
)

// node is one operator of the loaded graph, as its prepare function sees it.
type node struct {
	index       int
	op          *format.Operator
	inputs      []*Tensor // nil entries are omitted optional inputs
	outputs     []*Tensor
	scratchBufs []*scratchBuffer
	// inPlace says output 0 may share input 0's memory (same size, and the
	// op is correct when they alias), as RESHAPE's is. The planner shares
	// it when input 0 has no later reader.
	inPlace bool
}

// scratchBuffer is arena memory an op uses only while it runs.
type scratchBuffer struct {
	size   int
	offset int
	data   []byte
}

// evalFunc runs one prepared operator. It must not allocate.
type evalFunc func() error

// prepareFunc validates an operator, precomputes what its kernel needs and
// returns the closure that evaluates it.
type prepareFunc func(n *node) (evalFunc, error)

var registry = map[string]prepareFunc{}

// register makes an op available to the interpreter; ops call it from init.
func register(op string, prepare prepareFunc) {
	if _, dup := registry[op]; dup {
		panic("runtime: op registered twice: " + op)
	}
	registry[op] = prepare
}

// SupportedOps lists the op names the runtime can run, sorted.
func SupportedOps() []string {
	ops := make([]string, 0, len(registry))
	for op := range registry {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

func (n *node) opts() *format.Options { return &n.op.Options }

// errorf returns an error naming the operator, e.g.
// "runtime: operator 3 (CONV_2D): filter has 8 input channels, input has 3".
func (n *node) errorf(msg string, args ...any) error {
	return fmt.Errorf("runtime: operator %d (%s): %s", n.index, n.op.Op, fmt.Sprintf(msg, args...))
}

// scratch reserves size bytes of arena memory that is live only while this
// operator runs. The returned slice pointer is filled after planning; read
// it inside eval, not in prepare.
func (n *node) scratch(size int) *[]byte {
	s := &scratchBuffer{size: size}
	n.scratchBufs = append(n.scratchBufs, s)
	return &s.data
}

// input returns input i, or an error if it is missing or omitted.
func (n *node) input(i int) (*Tensor, error) {
	if i >= len(n.inputs) || n.inputs[i] == nil {
		return nil, n.errorf("missing input %d", i)
	}
	return n.inputs[i], nil
}

// optionalInput returns input i, or nil if it is absent.
func (n *node) optionalInput(i int) *Tensor {
	if i >= len(n.inputs) {
		return nil
	}
	return n.inputs[i]
}

// output returns output i, or an error if it is missing.
func (n *node) output(i int) (*Tensor, error) {
	if i >= len(n.outputs) || n.outputs[i] == nil {
		return nil, n.errorf("missing output %d", i)
	}
	return n.outputs[i], nil
}

// checkTypes returns an error unless every given tensor has one of the types.
func (n *node) checkType(t *Tensor, types ...format.DType) error {
	for _, ty := range types {
		if t.Type == ty {
			return nil
		}
	}
	names := make([]string, len(types))
	for i, ty := range types {
		names[i] = ty.String()
	}
	return n.errorf("tensor %d (%s) has type %s, want %s", t.Index, t.Name, t.Type, strings.Join(names, " or "))
}

// checkShape returns an error unless t has exactly the given shape.
func (n *node) checkShape(t *Tensor, shape ...int) error {
	if !sameShape(t.Shape, shape) {
		return n.errorf("tensor %d (%s) has shape %v, want %v", t.Index, t.Name, t.Shape, shape)
	}
	return nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
