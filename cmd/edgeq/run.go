package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/edgeq/edgeq/internal/npy"
	"github.com/edgeq/edgeq/runtime"
)

var cmdRun = &command{
	name:      "run",
	usageLine: "MODEL.eqm -i IN0 [-i IN1 ...] -o OUTDIR [--tensors DIR] [--npy] [--json]",
	short:     "run a model once on input files",
	long: `
Run runs the model once. Each -i gives one graph input, in order: raw
little-endian bytes in the input tensor's dtype (the size must match
exactly), or an .npy file of the tensor's dtype with the same number of
elements. A float32 .npy for an int8, uint8 or int16 input is quantized
with the tensor's scale and zero point (rounding half away from zero).

Output K is written raw to OUTDIR/output_K.bin, and with --npy also as
OUTDIR/output_K.npy. --tensors DIR writes every operator's output as
DIR/tensor_T.bin, T being the tensor's index in the source model, so it
compares directly with a reference runtime's dump.

With --json, run prints {"outputs": [{"index", "name", "dtype", "shape",
"file", "values"}], "invoke_ns"}; values are real numbers (dequantized) for
quantized outputs and the stored numbers otherwise. -o is optional then.

A TFLite model is accepted too and imported in memory.`,
	run: runRun,
}

// runOutput describes one graph output in run's JSON.
type runOutput struct {
	Index  int    `json:"index"`
	Name   string `json:"name"`
	DType  string `json:"dtype"`
	Shape  []int  `json:"shape"`
	File   string `json:"file,omitempty"`
	Values any    `json:"values"`
}

// runResult is run's --json output.
type runResult struct {
	Model      string      `json:"model"`
	Outputs    []runOutput `json:"outputs"`
	InvokeNs   int64       `json:"invoke_ns"`
	TensorsDir string      `json:"tensors_dir,omitempty"`
}

func runRun(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	var inputs stringsFlag
	fs.Var(&inputs, "i", "read the next graph input from `file` (.bin or .npy); repeat once per input")
	outDir := fs.String("o", "", "write outputs to `dir`/output_K.bin")
	tensorsDir := fs.String("tensors", "", "write every operator output to `dir`/tensor_T.bin")
	writeNPY := fs.Bool("npy", false, "also write outputs as OUTDIR/output_K.npy")
	asJSON := fs.Bool("json", false, "print the outputs and their values as JSON")
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageErrorf("want one model, got %d arguments", len(args))
	}
	if *outDir == "" && !*asJSON {
		return usageErrorf("missing -o OUTDIR")
	}
	if *writeNPY && *outDir == "" {
		return usageErrorf("--npy needs -o OUTDIR")
	}
	modelPath := args[0]

	// Activations share arena memory, so an intermediate tensor must be
	// copied right after its operator runs, before a later one reuses it.
	var ip *runtime.Interpreter
	var opts []runtime.Option
	snapshots := map[int][]byte{}
	if *tensorsDir != "" {
		opts = append(opts, runtime.WithOpHook(func(op int, _ string, _ time.Duration) {
			for _, t := range ip.OperatorOutputs(op) {
				snapshots[t.Index] = bytes.Clone(t.Bytes())
			}
		}))
	}
	ip, err = loadInterpreter(modelPath, stderr, opts...)
	if err != nil {
		return err
	}
	if len(inputs) != ip.NumInputs() {
		return usageErrorf("model has %d inputs, got %d -i files", ip.NumInputs(), len(inputs))
	}
	for k, path := range inputs {
		if err := loadInput(k, path, ip.Input(k), stderr); err != nil {
			return err
		}
	}
	start := time.Now()
	err = ip.Invoke()
	elapsed := time.Since(start)
	if err != nil {
		return err
	}

	result := runResult{Model: modelPath, InvokeNs: elapsed.Nanoseconds(), TensorsDir: *tensorsDir}
	if *outDir != "" {
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return err
		}
	}
	for k := range ip.NumOutputs() {
		t := ip.Output(k)
		out := runOutput{Index: k, Name: t.Name, DType: t.Type.String(), Shape: t.Shape, Values: tensorValues(t)}
		if *outDir != "" {
			out.File = filepath.Join(*outDir, fmt.Sprintf("output_%d.bin", k))
			if err := os.WriteFile(out.File, t.Bytes(), 0o644); err != nil {
				return err
			}
		}
		if *writeNPY {
			if err := writeNPYFile(filepath.Join(*outDir, fmt.Sprintf("output_%d.npy", k)), t); err != nil {
				return err
			}
		}
		result.Outputs = append(result.Outputs, out)
	}
	if *tensorsDir != "" {
		if err := writeTensors(*tensorsDir, snapshots); err != nil {
			return err
		}
	}

	if *asJSON {
		return writeJSON(stdout, result)
	}
	printRunResult(stdout, result)
	return nil
}

// writeNPYFile writes a tensor as an .npy file.
func writeNPYFile(path string, t *runtime.Tensor) error {
	dtype, ok := npyNames[t.Type]
	if !ok {
		return fmt.Errorf("tensor %s: .npy files cannot hold its type", describe(t))
	}
	var buf bytes.Buffer
	if err := npy.Write(&buf, dtype, t.Shape, t.Bytes()); err != nil {
		return fmt.Errorf("tensor %s: %w", describe(t), err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// writeTensors writes each captured tensor as dir/tensor_T.bin.
func writeTensors(dir string, tensors map[int][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for index, data := range tensors {
		path := filepath.Join(dir, fmt.Sprintf("tensor_%d.bin", index))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// printRunResult prints each output with its first values and arg max.
func printRunResult(w io.Writer, r runResult) {
	const shown = 16
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, out := range r.Outputs {
		file := "-"
		if out.File != "" {
			file = out.File
		}
		fmt.Fprintf(tw, "output %d\t%s\t%s %v\t%s\n", out.Index, out.Name, out.DType, out.Shape, file)
	}
	tw.Flush()
	for _, out := range r.Outputs {
		vals := formatValues(out.Values)
		line := strings.Join(vals[:min(len(vals), shown)], " ")
		if len(vals) > shown {
			line += fmt.Sprintf(" ... (%d more)", len(vals)-shown)
		}
		fmt.Fprintf(w, "output %d values: [%s]", out.Index, line)
		if best := argMax(out.Values); best >= 0 && len(vals) > 1 {
			fmt.Fprintf(w, " argmax %d", best)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "invoke %s\n", time.Duration(r.InvokeNs))
}

// formatValues formats the values tensorValues returns.
func formatValues(values any) []string {
	var out []string
	switch v := values.(type) {
	case []jsonFloat:
		for _, f := range v {
			out = append(out, strconv.FormatFloat(float64(f), 'g', 6, 32))
		}
	case []int64:
		for _, n := range v {
			out = append(out, strconv.FormatInt(n, 10))
		}
	}
	return out
}

// argMax returns the index of the largest value, or -1 if there is none.
func argMax(values any) int {
	switch v := values.(type) {
	case []jsonFloat:
		if len(v) > 0 {
			return slices.Index(v, slices.Max(v))
		}
	case []int64:
		if len(v) > 0 {
			return slices.Index(v, slices.Max(v))
		}
	}
	return -1
}
