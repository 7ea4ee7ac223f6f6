package runtime

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/edgeq/edgeq/format"
)

// DefaultMaxArena bounds the arena a model may ask for unless WithMaxArena
// says otherwise, so a hostile file cannot exhaust memory.
const DefaultMaxArena = 1 << 30

// Interpreter runs one loaded model. It is not safe for concurrent use.
type Interpreter struct {
	model   *format.Model
	tensors []*Tensor
	nodes   []*node
	evals   []evalFunc
	inputs  []*Tensor
	outputs []*Tensor
	arena   []byte
	plan    []PlanEntry
	size    int // arena bytes needed
	hook    OpHook
}

// OpHook is called after each operator when profiling; it must not
// allocate if Invoke is to stay allocation-free.
type OpHook func(index int, op string, elapsed time.Duration)

// Option configures Load.
type Option func(*config)

type config struct {
	arena    []byte
	maxArena int
	hook     OpHook
	planner  Planner
}

// WithArena makes the interpreter use arena (for example static memory)
// instead of allocating its own. Load fails if it is too small, and says
// how many bytes are needed.
func WithArena(arena []byte) Option { return func(c *config) { c.arena = arena } }

// WithMaxArena bounds the arena Load may allocate (default DefaultMaxArena).
func WithMaxArena(bytes int) Option { return func(c *config) { c.maxArena = bytes } }

// WithOpHook installs a per-operator profiling hook.
func WithOpHook(h OpHook) Option { return func(c *config) { c.hook = h } }

// WithPlanner replaces the greedy memory planner.
func WithPlanner(p Planner) Option { return func(c *config) { c.planner = p } }

// PlanEntry is one buffer of the arena plan: a tensor (Tensor >= 0) or an
// operator's scratch memory (Tensor == -1).
type PlanEntry struct {
	Tensor   int `json:"tensor"`
	Operator int `json:"operator,omitempty"` // for scratch buffers
	Offset   int `json:"offset"`
	Bytes    int `json:"bytes"`
	First    int `json:"first_op"`
	Last     int `json:"last_op"`
}

// Load decodes an .eqm model and prepares it to run. data is not copied:
// constant tensors point into it, so it must not change afterwards.
func Load(data []byte, opts ...Option) (*Interpreter, error) {
	m, err := format.Decode(data)
	if err != nil {
		return nil, err
	}
	return LoadModel(m, opts...)
}

// LoadModel prepares an already decoded (and validated) model.
func LoadModel(m *format.Model, opts ...Option) (*Interpreter, error) {
	cfg := config{maxArena: DefaultMaxArena}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.planner == nil {
		cfg.planner = &GreedyPlanner{}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	ip := &Interpreter{model: m, hook: cfg.hook}
	if err := ip.buildTensors(); err != nil {
		return nil, err
	}
	if err := ip.buildNodes(); err != nil {
		return nil, err
	}
	if err := ip.prepare(); err != nil {
		return nil, err
	}
	if err := ip.allocate(&cfg); err != nil {
		return nil, err
	}
	return ip, nil
}

func (ip *Interpreter) buildTensors() error {
	m := ip.model
	ip.tensors = make([]*Tensor, len(m.Tensors))
	for i := range m.Tensors {
		ft := &m.Tensors[i]
		t := &Tensor{Index: i, Name: ft.Name, Type: ft.Type, Variable: ft.Variable}
		t.Shape = make([]int, len(ft.Shape))
		for d, v := range ft.Shape {
			t.Shape[d] = int(v)
		}
		if q := ft.Quant; q != nil {
			t.Scale = q.Scale
			t.ZeroPoint = make([]int32, len(q.ZeroPoint))
			for k, z := range q.ZeroPoint {
				t.ZeroPoint[k] = int32(z)
			}
			t.QuantAxis = int(q.Axis)
		}
		if ft.Buffer >= 0 && !ft.Variable {
			t.Const = true
			t.data = m.Buffers[ft.Buffer]
			if size := ft.Type.Size(); size > 1 && !aligned(t.data, size) {
				// Unaligned multi-byte constants (e.g. int32 bias) are copied once.
				t.data = append(make([]byte, 0, len(t.data)+8), t.data...)
			}
		}
		ip.tensors[i] = t
	}
	ip.inputs = make([]*Tensor, len(m.Inputs))
	for i, ti := range m.Inputs {
		ip.inputs[i] = ip.tensors[ti]
	}
	ip.outputs = make([]*Tensor, len(m.Outputs))
	for i, ti := range m.Outputs {
		ip.outputs[i] = ip.tensors[ti]
	}
	return nil
}

func (ip *Interpreter) buildNodes() error {
	m := ip.model
	var unsupported []string
	ip.nodes = make([]*node, len(m.Operators))
	for i := range m.Operators {
		op := &m.Operators[i]
		if _, ok := registry[op.Op]; !ok {
			unsupported = append(unsupported, fmt.Sprintf("#%d %s", i, op.Op))
		}
		n := &node{index: i, op: op}
		n.inputs = make([]*Tensor, len(op.Inputs))
		for k, ti := range op.Inputs {
			if ti >= 0 {
				n.inputs[k] = ip.tensors[ti]
				// int4 is packed storage no kernel reads directly: only
				// DEQUANTIZE unpacks it (at load).
				if ip.tensors[ti].Type == format.Int4 && op.Op != "DEQUANTIZE" {
					return n.errorf("input tensor %d (%s) is int4, which only DEQUANTIZE reads", ti, ip.tensors[ti].Name)
				}
			}
		}
		n.outputs = make([]*Tensor, len(op.Outputs))
		for k, ti := range op.Outputs {
			n.outputs[k] = ip.tensors[ti]
			if ip.tensors[ti].Const {
				return n.errorf("output tensor %d is a constant", ti)
			}
		}
		ip.nodes[i] = n
	}
	if len(unsupported) > 0 {
		return fmt.Errorf("runtime: unsupported operators: %s", strings.Join(unsupported, ", "))
	}
	return nil
}

func (ip *Interpreter) prepare() error {
	ip.evals = make([]evalFunc, len(ip.nodes))
	for i, n := range ip.nodes {
		eval, err := ip.prepareNode(n)
		if err != nil {
			return err
		}
		ip.evals[i] = eval
	}
	return nil
}

// prepareNode runs one op's prepare, turning a panic from a kernel's
// precomputation on hostile parameters into an error as a last line of defence.
func (ip *Interpreter) prepareNode(n *node) (eval evalFunc, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = n.errorf("invalid operator: %v", r)
		}
	}()
	return registry[n.op.Op](n)
}

// allocate plans the arena and binds every activation, variable and scratch
// buffer to its slice of it.
func (ip *Interpreter) allocate(cfg *config) error {
	nOps := len(ip.nodes)
	first := make([]int, len(ip.tensors))
	last := make([]int, len(ip.tensors))
	for i := range first {
		first[i], last[i] = -1, -1
	}
	use := func(ti, op int) {
		if first[ti] < 0 || op < first[ti] {
			first[ti] = op
		}
		if op > last[ti] {
			last[ti] = op
		}
	}
	for _, t := range ip.inputs {
		use(t.Index, 0)
	}
	for i, n := range ip.nodes {
		for _, t := range n.inputs {
			if t != nil && !t.Const {
				use(t.Index, i)
			}
		}
		for _, t := range n.outputs {
			use(t.Index, i)
		}
	}
	for _, t := range ip.outputs {
		if !t.Const {
			use(t.Index, nOps)
		}
	}
	// An in-place op's output shares its input's buffer when the input has
	// no reader after it: the pair is planned as one buffer (its root).
	root := make([]int, len(ip.tensors))
	for i := range root {
		root[i] = i
	}
	for i, n := range ip.nodes {
		if !n.inPlace || len(n.inputs) == 0 || n.inputs[0] == nil || len(n.outputs) == 0 {
			continue
		}
		in, out := n.inputs[0], n.outputs[0]
		r := root[in.Index]
		if in.Const || in.Variable || out.Variable || last[r] != i ||
			in.NumElements()*in.Type.Size() != out.NumElements()*out.Type.Size() {
			continue
		}
		root[out.Index] = r
		last[r] = last[out.Index]
	}
	type owner struct{ tensor, op int }
	var owners []owner
	for i, t := range ip.tensors {
		if t.Const || first[i] < 0 && !t.Variable || root[i] != i {
			continue
		}
		f, l := first[i], last[i]
		if t.Variable {
			f, l = 0, nOps // state lives as long as the interpreter
		}
		bytes := t.NumElements() * t.Type.Size()
		cfg.planner.AddBuffer(bytes, f, l)
		owners = append(owners, owner{tensor: i})
		ip.plan = append(ip.plan, PlanEntry{Tensor: i, Bytes: bytes, First: f, Last: l})
	}
	for i, n := range ip.nodes {
		for _, s := range n.scratchBufs {
			cfg.planner.AddBuffer(s.size, i, i)
			owners = append(owners, owner{tensor: -1, op: i})
			ip.plan = append(ip.plan, PlanEntry{Tensor: -1, Operator: i, Bytes: s.size, First: i, Last: i})
		}
	}
	offsets, total := cfg.planner.Plan()
	if len(offsets) != len(ip.plan) {
		return errors.New("runtime: planner returned the wrong number of offsets")
	}
	ip.size = total
	if total > cfg.maxArena {
		return fmt.Errorf("runtime: model needs a %d-byte arena, more than the %d-byte limit", total, cfg.maxArena)
	}
	arena := cfg.arena
	if arena == nil {
		arena = make([]byte, total+arenaAlign)
	}
	// Skip to the first aligned byte so every tensor is aligned too.
	skip := 0
	for !aligned(arena[skip:min(skip+1, len(arena))], arenaAlign) && skip < len(arena) {
		skip++
	}
	if len(arena)-skip < total {
		return fmt.Errorf("runtime: arena holds %d bytes, model needs %d (%d with alignment slack)", len(arena), total, total+arenaAlign-1)
	}
	ip.arena = arena[skip : skip+total : skip+total]
	clear(ip.arena)
	scratchIdx := map[int]int{}
	for k, e := range ip.plan {
		ip.plan[k].Offset = offsets[k]
		if offsets[k] < 0 || offsets[k]+e.Bytes > total {
			return errors.New("runtime: planner placed a buffer outside the arena")
		}
		mem := ip.arena[offsets[k] : offsets[k]+e.Bytes : offsets[k]+e.Bytes]
		if owners[k].tensor >= 0 {
			ip.tensors[owners[k].tensor].data = mem
			continue
		}
		op := owners[k].op
		ip.nodes[op].scratchBufs[scratchIdx[op]].data = mem
		scratchIdx[op]++
	}
	for i, r := range root {
		if r != i {
			ip.tensors[i].data = ip.tensors[r].data
		}
	}
	return nil
}

// Invoke runs the graph once on the current input tensors. It does not
// allocate.
func (ip *Interpreter) Invoke() error {
	if ip.hook == nil {
		for i, eval := range ip.evals {
			if err := eval(); err != nil {
				return fmt.Errorf("runtime: operator %d (%s): %w", i, ip.nodes[i].op.Op, err)
			}
		}
		return nil
	}
	for i, eval := range ip.evals {
		start := time.Now()
		if err := eval(); err != nil {
			return fmt.Errorf("runtime: operator %d (%s): %w", i, ip.nodes[i].op.Op, err)
		}
		ip.hook(i, ip.nodes[i].op.Op, time.Since(start))
	}
	return nil
}

// ResetVariables zeroes every variable (state) tensor.
func (ip *Interpreter) ResetVariables() {
	for _, t := range ip.tensors {
		if t.Variable {
			clear(t.data)
		}
	}
}

// Model returns the decoded model.
func (ip *Interpreter) Model() *format.Model { return ip.model }

// NumInputs returns the number of graph inputs.
func (ip *Interpreter) NumInputs() int { return len(ip.inputs) }

// NumOutputs returns the number of graph outputs.
func (ip *Interpreter) NumOutputs() int { return len(ip.outputs) }

// Input returns graph input i, or nil if there is none.
func (ip *Interpreter) Input(i int) *Tensor {
	if i < 0 || i >= len(ip.inputs) {
		return nil
	}
	return ip.inputs[i]
}

// Output returns graph output i, or nil if there is none.
func (ip *Interpreter) Output(i int) *Tensor {
	if i < 0 || i >= len(ip.outputs) {
		return nil
	}
	return ip.outputs[i]
}

// NumTensors returns the number of tensors in the model.
func (ip *Interpreter) NumTensors() int { return len(ip.tensors) }

// Tensor returns tensor i of the model, or nil if there is none.
func (ip *Interpreter) Tensor(i int) *Tensor {
	if i < 0 || i >= len(ip.tensors) {
		return nil
	}
	return ip.tensors[i]
}

// OperatorOutputs returns the output tensors of operator i.
func (ip *Interpreter) OperatorOutputs(i int) []*Tensor { return ip.nodes[i].outputs }

// NumOperators returns the number of operators.
func (ip *Interpreter) NumOperators() int { return len(ip.nodes) }

// ArenaBytes returns the arena size the model needs.
func (ip *Interpreter) ArenaBytes() int { return ip.size }

// Plan returns the arena layout: every planned tensor and scratch buffer.
func (ip *Interpreter) Plan() []PlanEntry { return append([]PlanEntry(nil), ip.plan...) }
