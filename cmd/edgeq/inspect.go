package main

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

var cmdInspect = &command{
	name:      "inspect",
	usageLine: "MODEL.eqm [--json]",
	short:     "show a model's graph, tensors, quantization, arena plan and MACs",
	long: `
Inspect prints a model's metadata, graph inputs and outputs, every operator
(inputs, outputs, options, multiply-accumulates), every tensor (dtype,
shape, bytes, constant or activation, scales and zero points, per-channel
axis), the arena plan (which buffer lives where, from which operator to
which) with the total arena size, the total MACs and the weight bytes.

The arena plan and MACs need the runtime to load the model; when it cannot
(for example an operator without a kernel yet), inspect says why on stderr
and in "load_error", and shows the rest.

With --json it prints all of it as one JSON object (total MACs as
"total_macs"). A TFLite model is accepted too and imported in memory.`,
	run: runInspect,
}

// inspectResult is inspect's --json output.
type inspectResult struct {
	File         string             `json:"file"`
	FileBytes    int                `json:"file_bytes"`
	Version      int                `json:"version"`
	Meta         inspectMeta        `json:"meta"`
	Inputs       []inspectTensor    `json:"inputs"`
	Outputs      []inspectTensor    `json:"outputs"`
	Operators    []inspectOperator  `json:"operators"`
	Tensors      []inspectTensor    `json:"tensors"`
	WeightsBytes int                `json:"weights_bytes"`
	ArenaBytes   *int               `json:"arena_bytes,omitempty"`
	ArenaPlan    []inspectPlanEntry `json:"arena_plan,omitempty"`
	TotalMACs    *int64             `json:"total_macs,omitempty"`
	LoadError    string             `json:"load_error,omitempty"`
}

type inspectMeta struct {
	Name         string `json:"name"`
	Producer     string `json:"producer"`
	Source       string `json:"source"`
	SourceSHA256 string `json:"source_sha256"`
	Description  string `json:"description,omitempty"`
	QuantMethod  string `json:"quant_method,omitempty"`
	Calibration  string `json:"calibration,omitempty"`
}

type inspectTensor struct {
	Index     int         `json:"index"`
	Name      string      `json:"name"`
	DType     string      `json:"dtype"`
	Shape     []int32     `json:"shape"`
	Bytes     int64       `json:"bytes"`
	Kind      string      `json:"kind"`           // "const", "activation" or "variable"
	Role      string      `json:"role,omitempty"` // "input" or "output" of the graph
	Source    int32       `json:"source"`         // index in the source model
	Scale     []jsonFloat `json:"scale,omitempty"`
	ZeroPoint []int64     `json:"zero_point,omitempty"`
	QuantAxis *int32      `json:"quant_axis,omitempty"` // per-channel quantization only
}

type inspectOperator struct {
	Index   int            `json:"index"`
	Op      string         `json:"op"`
	Version int32          `json:"version"`
	Inputs  []int32        `json:"inputs"`
	Outputs []int32        `json:"outputs"`
	Options map[string]any `json:"options"`
	MACs    *int64         `json:"macs,omitempty"`
}

type inspectPlanEntry struct {
	Kind     string `json:"kind"`               // "tensor" or "scratch"
	Tensor   int    `json:"tensor"`             // -1 for scratch
	Operator *int   `json:"operator,omitempty"` // owner of a scratch buffer
	Offset   int    `json:"offset"`
	Bytes    int    `json:"bytes"`
	FirstOp  int    `json:"first_op"`
	LastOp   int    `json:"last_op"`
}

func runInspect(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	asJSON := fs.Bool("json", false, "print everything as one JSON object")
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageErrorf("want one model, got %d arguments", len(args))
	}
	m, size, err := readModel(args[0], stderr)
	if err != nil {
		return err
	}
	r := describeModel(m)
	r.File, r.FileBytes = args[0], size

	if ip, err := runtime.LoadModel(m); err != nil {
		r.LoadError = err.Error()
		fmt.Fprintf(stderr, "edgeq inspect: no arena plan or MACs: %v\n", err)
	} else {
		addRuntimeInfo(&r, ip)
	}
	if *asJSON {
		return writeJSON(stdout, r)
	}
	printInspect(stdout, &r)
	return nil
}

// describeModel collects what the model file itself says.
func describeModel(m *format.Model) inspectResult {
	r := inspectResult{
		Version: m.Version,
		Meta: inspectMeta{
			Name: m.Meta.Name, Producer: m.Meta.Producer, Source: m.Meta.Source,
			SourceSHA256: m.Meta.SourceHash, Description: m.Meta.Description,
			QuantMethod: m.Meta.QuantMethod, Calibration: m.Meta.Calibration,
		},
		Inputs: []inspectTensor{}, Outputs: []inspectTensor{},
		Operators: []inspectOperator{}, Tensors: []inspectTensor{},
	}
	roles := map[int32]string{}
	for _, ti := range m.Outputs {
		roles[ti] = "output"
	}
	for _, ti := range m.Inputs {
		roles[ti] = "input"
	}
	weightBuffers := map[int32]bool{}
	for i := range m.Tensors {
		t := &m.Tensors[i]
		it := describeTensor(i, t)
		it.Role = roles[int32(i)]
		r.Tensors = append(r.Tensors, it)
		if it.Kind == "const" && !weightBuffers[t.Buffer] {
			weightBuffers[t.Buffer] = true
			r.WeightsBytes += len(m.Buffers[t.Buffer])
		}
	}
	for _, ti := range m.Inputs {
		r.Inputs = append(r.Inputs, r.Tensors[ti])
	}
	for _, ti := range m.Outputs {
		r.Outputs = append(r.Outputs, r.Tensors[ti])
	}
	for i, op := range m.Operators {
		r.Operators = append(r.Operators, inspectOperator{
			Index: i, Op: op.Op, Version: op.Version,
			Inputs: op.Inputs, Outputs: op.Outputs,
			Options: operatorOptions(op.Op, &op.Options),
		})
	}
	return r
}

func describeTensor(index int, t *format.Tensor) inspectTensor {
	bytes := int64(t.Bytes()) // the model is validated: never -1
	kind := "activation"
	switch {
	case t.Variable:
		kind = "variable"
	case t.Buffer >= 0:
		kind = "const"
	}
	it := inspectTensor{
		Index: index, Name: t.Name, DType: t.Type.String(), Shape: t.Shape,
		Bytes: bytes, Kind: kind, Source: t.Source,
	}
	if q := t.Quant; q != nil {
		for _, s := range q.Scale {
			it.Scale = append(it.Scale, jsonFloat(s))
		}
		it.ZeroPoint = q.ZeroPoint
		if len(q.Scale) > 1 {
			axis := q.Axis
			it.QuantAxis = &axis
		}
	}
	return it
}

// addRuntimeInfo adds what only a loaded model knows: MACs and the arena.
func addRuntimeInfo(r *inspectResult, ip *runtime.Interpreter) {
	for i := range r.Operators {
		macs := ip.OperatorMACs(i)
		r.Operators[i].MACs = &macs
	}
	total, arena := ip.TotalMACs(), ip.ArenaBytes()
	r.TotalMACs, r.ArenaBytes = &total, &arena
	r.ArenaPlan = []inspectPlanEntry{}
	for _, e := range ip.Plan() {
		pe := inspectPlanEntry{Kind: "tensor", Tensor: e.Tensor, Offset: e.Offset, Bytes: e.Bytes, FirstOp: e.First, LastOp: e.Last}
		if e.Tensor < 0 {
			op := e.Operator
			pe.Kind, pe.Operator = "scratch", &op
		}
		r.ArenaPlan = append(r.ArenaPlan, pe)
	}
}

// spatialOps are the ops whose padding is meaningful even at its zero
// value (SAME).
var spatialOps = []string{"CONV_2D", "DEPTHWISE_CONV_2D", "TRANSPOSE_CONV", "AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D"}

// operatorOptions returns the options an operator sets, by their .eqm
// names: every non-zero field of the flat options struct, plus padding
// for spatial ops. Reading the struct by reflection keeps inspect in step
// with the format as fields are added.
func operatorOptions(op string, o *format.Options) map[string]any {
	opts := map[string]any{}
	v := reflect.ValueOf(o).Elem()
	for i := range v.NumField() {
		field, value := v.Type().Field(i), v.Field(i)
		name, _, _ := strings.Cut(field.Tag.Get("msg"), ",")
		if name == "" || name == "-" {
			name = field.Name
		}
		isPadding := value.Type() == reflect.TypeFor[format.Padding]()
		if value.IsZero() && !(isPadding && slices.Contains(spatialOps, op)) {
			continue
		}
		switch x := value.Interface().(type) {
		case format.Padding:
			opts[name] = paddingName(x)
		case format.Activation:
			opts[name] = activationName(x)
		case float32:
			opts[name] = jsonFloat(x)
		default:
			opts[name] = x
		}
	}
	return opts
}

func paddingName(p format.Padding) string {
	switch p {
	case format.PadSame:
		return "SAME"
	case format.PadValid:
		return "VALID"
	}
	return fmt.Sprintf("padding(%d)", p)
}

func activationName(a format.Activation) string {
	switch a {
	case format.ActNone:
		return "NONE"
	case format.ActRelu:
		return "RELU"
	case format.ActRelu1:
		return "RELU_N1_TO_1"
	case format.ActRelu6:
		return "RELU6"
	case format.ActTanh:
		return "TANH"
	}
	return fmt.Sprintf("activation(%d)", a)
}

// printInspect prints the inspect report as aligned tables.
func printInspect(w io.Writer, r *inspectResult) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	row := func(cells ...any) {
		for i, c := range cells {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, c)
		}
		fmt.Fprintln(tw)
	}

	row("model", fmt.Sprintf("%s (%s, .eqm version %d)", r.File, humanBytes(r.FileBytes), r.Version))
	row("name", r.Meta.Name)
	row("producer", r.Meta.Producer)
	row("source", strings.TrimSpace(r.Meta.Source+" sha256 "+r.Meta.SourceSHA256))
	if r.Meta.Description != "" {
		row("description", r.Meta.Description)
	}
	if r.Meta.QuantMethod != "" {
		row("quantization", r.Meta.QuantMethod)
	}
	if r.Meta.Calibration != "" {
		row("calibration", r.Meta.Calibration)
	}
	row("operators", len(r.Operators))
	row("tensors", len(r.Tensors))
	row("weights", fmt.Sprintf("%d bytes (%s)", r.WeightsBytes, humanBytes(r.WeightsBytes)))
	if r.ArenaBytes != nil {
		row("arena", fmt.Sprintf("%d bytes (%s)", *r.ArenaBytes, humanBytes(*r.ArenaBytes)))
		row("MACs", fmt.Sprintf("%d (%s)", *r.TotalMACs, humanCount(*r.TotalMACs)))
	} else {
		row("arena, MACs", "unknown: "+r.LoadError)
	}
	tw.Flush()

	for _, section := range []struct {
		title   string
		tensors []inspectTensor
	}{{"inputs", r.Inputs}, {"outputs", r.Outputs}} {
		fmt.Fprintf(w, "\n%s:\n", section.title)
		row("  tensor", "name", "dtype", "shape", "quantization")
		for _, t := range section.tensors {
			row("  "+fmt.Sprint(t.Index), shorten(t.Name), t.DType, t.Shape, quantSummary(&t))
		}
		tw.Flush()
	}

	fmt.Fprint(w, "\noperators:\n")
	row("  #", "op", "inputs", "outputs", "MACs", "options")
	for _, op := range r.Operators {
		macs := "-"
		if op.MACs != nil {
			macs = fmt.Sprint(*op.MACs)
		}
		row("  "+fmt.Sprint(op.Index), op.Op, joinInts(op.Inputs), joinInts(op.Outputs), macs, formatOptions(op.Options))
	}
	tw.Flush()

	fmt.Fprint(w, "\ntensors:\n")
	row("  #", "name", "dtype", "shape", "bytes", "kind", "quantization")
	for _, t := range r.Tensors {
		kind := t.Kind
		if t.Role != "" {
			kind += " (" + t.Role + ")"
		}
		row("  "+fmt.Sprint(t.Index), shorten(t.Name), t.DType, t.Shape, t.Bytes, kind, quantSummary(&t))
	}
	tw.Flush()

	if r.ArenaBytes == nil {
		return
	}
	fmt.Fprintf(w, "\narena plan (%d bytes):\n", *r.ArenaBytes)
	row("  offset", "bytes", "buffer", "live ops")
	plan := slices.Clone(r.ArenaPlan)
	slices.SortStableFunc(plan, func(a, b inspectPlanEntry) int { return a.Offset - b.Offset })
	for _, e := range plan {
		buffer := fmt.Sprintf("tensor %d", e.Tensor)
		switch {
		case e.Kind == "scratch":
			buffer = fmt.Sprintf("scratch of op %d", *e.Operator)
		case e.Tensor < len(r.Tensors):
			buffer += " " + shorten(r.Tensors[e.Tensor].Name)
		}
		row("  "+fmt.Sprint(e.Offset), e.Bytes, buffer, fmt.Sprintf("%d-%d", e.FirstOp, e.LastOp))
	}
	tw.Flush()
}

// quantSummary is a tensor's quantization in one cell: "scale 0.5847
// zero 83", or for per-channel "axis 0 x64: scale 1.2e-3..4.5e-3 zero 0".
func quantSummary(t *inspectTensor) string {
	if len(t.Scale) == 0 {
		return ""
	}
	if len(t.Scale) == 1 && len(t.ZeroPoint) == 1 {
		return fmt.Sprintf("scale %.6g zero %d", float32(t.Scale[0]), t.ZeroPoint[0])
	}
	axis := int32(0)
	if t.QuantAxis != nil {
		axis = *t.QuantAxis
	}
	scale := fmt.Sprintf("%.4g..%.4g", float32(slices.Min(t.Scale)), float32(slices.Max(t.Scale)))
	zero := "-"
	if len(t.ZeroPoint) > 0 {
		zero = fmt.Sprint(slices.Min(t.ZeroPoint))
		if hi := slices.Max(t.ZeroPoint); hi != slices.Min(t.ZeroPoint) {
			zero += fmt.Sprintf("..%d", hi)
		}
	}
	return fmt.Sprintf("axis %d x%d: scale %s zero %s", axis, len(t.Scale), scale, zero)
}

// formatOptions prints options as "key=value" pairs, sorted by key.
func formatOptions(opts map[string]any) string {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, opts[k])
	}
	return strings.Join(parts, " ")
}

func joinInts(v []int32) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ",")
}

// shorten keeps table columns readable: TFLite tensor names can run to
// hundreds of characters. The end of a name is the most telling part.
func shorten(name string) string {
	const limit = 40
	if r := []rune(name); len(r) > limit {
		return "..." + string(r[len(r)-limit+3:])
	}
	return name
}
