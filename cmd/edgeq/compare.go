package main

import (
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/quantize"
	"github.com/edgeq/edgeq/runtime"
)

var cmdCompare = &command{
	name:      "compare",
	usageLine: "FLOAT.eqm QUANT.eqm --inputs X.npy [--labels Y.npy] [--iters N] [--json]",
	short:     "compare a model before and after quantization",
	long: `
Compare puts two models side by side, usually a float model and its
quantized version: file size, constant (weight) bytes, arena bytes, peak
memory, single-threaded Invoke latency (p50 over --iters runs on the first
sample) and, with --labels, top-1 accuracy on --inputs; the second model's
top-1 agreement with the first and its output SQNR are given too.

Peak memory is what the model holds while it runs: the model file (weights
are used in place), plus everything allocated while loading it (the arena,
repacked weights, copied biases).

--inputs and --labels are read as eval reads them; --n bounds the samples.
--json prints {"models": [{...}, {...}], "agreement", "sqnr_db"}.`,
	run: runCompare,
}

// modelStats is one column of compare's table.
type modelStats struct {
	Model       string   `json:"model"`
	QuantMethod string   `json:"quant_method"`
	FileBytes   int      `json:"file_bytes"`
	WeightBytes int      `json:"weight_bytes"`
	ArenaBytes  int      `json:"arena_bytes"`
	PeakBytes   int      `json:"peak_bytes"`
	LatencyP50  int64    `json:"latency_p50_ns"`
	Top1        *float64 `json:"top1,omitempty"`
}

// compareResult is compare's --json output.
type compareResult struct {
	Models    []modelStats `json:"models"`
	Samples   int          `json:"samples"`
	Agreement *float64     `json:"agreement,omitempty"`
	SQNR      *jsonFloat   `json:"sqnr_db,omitempty"`
}

func runCompare(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	inputs := fs.String("inputs", "", "samples: .npy, idx:PATH or a folder")
	labels := fs.String("labels", "", labelsUsage)
	n := fs.Int("n", 0, "use at most `n` samples (0: all)")
	iters := fs.Int("iters", 200, "time `n` invokes per model for the latency")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var data dataFlags
	data.register(fs)
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(args) != 2 {
		return usageErrorf("want two models (FLOAT.eqm QUANT.eqm), got %d arguments", len(args))
	}
	if *inputs == "" {
		return usageErrorf("missing --inputs X.npy")
	}
	if *iters < 1 {
		return usageErrorf("--iters must be at least 1")
	}
	var res compareResult
	var models []*format.Model
	for _, path := range args {
		st, m, err := measureModel(path, stderr)
		if err != nil {
			return err
		}
		res.Models = append(res.Models, st)
		models = append(models, m)
	}
	set, samples, err := loadSamples(*inputs, models[0], *n, data)
	if err != nil {
		return err
	}
	res.Samples = set.Len()
	var lab []int
	if *labels != "" {
		if lab, err = loadLabels(*labels, *inputs, set.Len()); err != nil {
			return err
		}
	}
	for k, m := range models {
		p50, err := latencyP50(m, samples, *iters)
		if err != nil {
			return fmt.Errorf("%s: %w", args[k], err)
		}
		res.Models[k].LatencyP50 = p50.Nanoseconds()
	}
	ev, err := quantize.Evaluate(models[1], samples, quantize.EvalOptions{Labels: lab, Ref: models[0]})
	if err != nil {
		return fmt.Errorf("%s: %w", args[1], err)
	}
	res.Models[0].Top1, res.Models[1].Top1 = ev.RefTop1, ev.Top1
	res.Agreement = ev.Agreement
	if ev.SQNR != nil {
		s := jsonFloat(*ev.SQNR)
		res.SQNR = &s
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	printCompare(stdout, &res)
	return nil
}

// measureModel reads and loads a model, measuring what it costs in memory.
func measureModel(path string, stderr io.Writer) (modelStats, *format.Model, error) {
	st := modelStats{Model: path}
	raw, err := os.ReadFile(path)
	if err != nil {
		return st, nil, err
	}
	st.FileBytes = len(raw)
	var before, after goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	m, _, err := readModel(path, stderr)
	if err != nil {
		return st, nil, err
	}
	ip, err := runtime.LoadModel(m)
	if err != nil {
		return st, nil, fmt.Errorf("%s: %w", path, err)
	}
	goruntime.ReadMemStats(&after)
	st.QuantMethod = m.Meta.QuantMethod
	if st.QuantMethod == "" {
		st.QuantMethod = "float"
		for i := range m.Tensors {
			if m.Tensors[i].Quant != nil && m.Tensors[i].Buffer < 0 {
				st.QuantMethod = "quantized"
				break
			}
		}
	}
	st.WeightBytes = quantize.WeightBytes(m)
	st.ArenaBytes = ip.ArenaBytes()
	// readModel reads the file again: count it once, as the bytes the
	// model keeps, plus what loading allocated beyond that.
	st.PeakBytes = len(raw) + max(int(after.TotalAlloc-before.TotalAlloc)-len(raw), 0)
	goruntime.KeepAlive(ip)
	return st, m, nil
}

// latencyP50 returns the median single-threaded Invoke time of m on the
// first sample over iters runs, after a few warm-up runs.
func latencyP50(m *format.Model, samples quantize.Samples, iters int) (time.Duration, error) {
	ip, err := runtime.LoadModel(m)
	if err != nil {
		return 0, err
	}
	for k, x := range samples.Sample(0) {
		if err := quantize.SetInput(ip.Input(k), x); err != nil {
			return 0, err
		}
	}
	for range min(iters, 10) {
		if err := ip.Invoke(); err != nil {
			return 0, err
		}
	}
	times := make([]time.Duration, iters)
	for i := range times {
		start := time.Now()
		if err := ip.Invoke(); err != nil {
			return 0, err
		}
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	return times[(len(times)-1)/2], nil
}

func printCompare(w io.Writer, r *compareResult) {
	a, b := r.Models[0], r.Models[1]
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\t%s\t%s\tratio\t\n", a.Model, b.Model)
	fmt.Fprintf(tw, "quantization\t%s\t%s\t\t\n", a.QuantMethod, b.QuantMethod)
	row := func(name string, x, y int, format func(int) string) {
		ratio := "-"
		if x > 0 {
			ratio = fmt.Sprintf("%.2f×", float64(y)/float64(x))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", name, format(x), format(y), ratio)
	}
	row("file size", a.FileBytes, b.FileBytes, humanBytes)
	row("weights", a.WeightBytes, b.WeightBytes, humanBytes)
	row("arena", a.ArenaBytes, b.ArenaBytes, humanBytes)
	row("peak memory", a.PeakBytes, b.PeakBytes, humanBytes)
	us := func(ns int) string { return fmt.Sprintf("%.1f µs", float64(ns)/1e3) }
	row("latency p50", int(a.LatencyP50), int(b.LatencyP50), us)
	if a.Top1 != nil && b.Top1 != nil {
		fmt.Fprintf(tw, "top-1 (%d samples)\t%.4f\t%.4f\t%+.2f pt\t\n", r.Samples, *a.Top1, *b.Top1, 100*(*b.Top1-*a.Top1))
	}
	tw.Flush()
	if r.Agreement != nil {
		fmt.Fprintf(w, "top-1 agreement %.4f, output SQNR %.2f dB over %d samples\n", *r.Agreement, float64(*r.SQNR), r.Samples)
	}
}
