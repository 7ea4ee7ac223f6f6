package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/internal/dataset"
	"github.com/edgeq/edgeq/quantize"
)

var cmdEval = &command{
	name:      "eval",
	usageLine: "MODEL.eqm --inputs X.npy [--labels Y.npy] [--ref FLOAT.eqm] [--layers] [--json]",
	short:     "measure a model's accuracy, and its error against a float reference",
	long: `
Eval runs the model on every sample of --inputs and reports top-1 accuracy
against --labels (the arg max of the first output). With --ref, it also
runs the reference (float) model and reports how often the two agree on
the top-1 class, the SQNR of the outputs in dB, and, with --layers, the
SQNR of every intermediate tensor the two models share (matched by source
tensor index, else by name): the quantization debugger, since the layer
where the SQNR drops is the one that loses the accuracy.

Float inputs are quantized automatically when the model's input is int8 or
int16, and outputs are dequantized. --inputs is an .npy array (samples on
axis 0), idx:PATH (e.g. Fashion-MNIST's test images) or a folder, read as
quantize --calib reads it (a folder's subfolders included); --labels is an
.npy of any integer dtype ([N], or [N, C] one-hot rows), an IDX label file,
or "folders": each sample's class is its subfolder of the --inputs folder,
classes numbered in sorted order. --n bounds the samples.

--json prints {"samples", "top1", "agreement", "sqnr_db", "ref_top1",
"latency_p50_ns", "layers": [...]}; fractions are in [0, 1].`,
	run: runEval,
}

// evalResult is eval's --json output.
type evalResult struct {
	Model      string               `json:"model"`
	Ref        string               `json:"ref,omitempty"`
	Samples    int                  `json:"samples"`
	Top1       *float64             `json:"top1,omitempty"`
	RefTop1    *float64             `json:"ref_top1,omitempty"`
	Agreement  *float64             `json:"agreement,omitempty"`
	SQNR       *jsonFloat           `json:"sqnr_db,omitempty"`
	LatencyP50 int64                `json:"latency_p50_ns"`
	Layers     []quantize.LayerSQNR `json:"layers,omitempty"`
	Worst      *quantize.LayerSQNR  `json:"worst_layer,omitempty"`
}

func runEval(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	inputs := fs.String("inputs", "", "samples: .npy, idx:PATH or a folder")
	labels := fs.String("labels", "", labelsUsage)
	ref := fs.String("ref", "", "reference (float) `model` to compare with")
	layers := fs.Bool("layers", false, "with --ref: per-layer SQNR table")
	n := fs.Int("n", 0, "use at most `n` samples (0: all)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var data dataFlags
	data.register(fs)
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageErrorf("want one model, got %d arguments", len(args))
	}
	if *inputs == "" {
		return usageErrorf("missing --inputs X.npy")
	}
	if *layers && *ref == "" {
		return usageErrorf("--layers needs --ref FLOAT.eqm")
	}
	m, _, err := readModel(args[0], stderr)
	if err != nil {
		return err
	}
	opt := quantize.EvalOptions{Layers: *layers}
	if *ref != "" {
		if opt.Ref, _, err = readModel(*ref, stderr); err != nil {
			return err
		}
	}
	set, samples, err := loadSamples(*inputs, m, *n, data)
	if err != nil {
		return err
	}
	if *labels != "" {
		if opt.Labels, err = loadLabels(*labels, *inputs, set.Len()); err != nil {
			return err
		}
	}
	res, err := quantize.Evaluate(m, samples, opt)
	if err != nil {
		return err
	}
	out := evalResult{Model: args[0], Ref: *ref, Samples: res.Samples, Top1: res.Top1, RefTop1: res.RefTop1,
		Agreement: res.Agreement, LatencyP50: res.Latency.P50.Nanoseconds(), Layers: res.Layers, Worst: res.WorstLayer()}
	if res.SQNR != nil {
		s := jsonFloat(*res.SQNR)
		out.SQNR = &s
	}
	if *asJSON {
		for i := range out.Layers {
			out.Layers[i].SQNR = finite(out.Layers[i].SQNR)
		}
		if out.Worst != nil {
			out.Worst.SQNR = finite(out.Worst.SQNR)
		}
		return writeJSON(stdout, out)
	}
	printEval(stdout, &out)
	return nil
}

// finite clamps ±Inf (an exact layer has infinite SQNR), which JSON cannot
// hold, to ±999 dB.
func finite(x float64) float64 {
	return math.Max(-999, math.Min(999, x))
}

func printEval(w io.Writer, r *evalResult) {
	fmt.Fprintf(w, "%s: %d samples\n", r.Model, r.Samples)
	if r.Top1 != nil {
		fmt.Fprintf(w, "top-1 accuracy:  %.4f\n", *r.Top1)
	}
	if r.RefTop1 != nil {
		fmt.Fprintf(w, "reference top-1: %.4f (%s), drop %.2f points\n", *r.RefTop1, r.Ref, 100*(*r.RefTop1-*r.Top1))
	}
	if r.Agreement != nil {
		fmt.Fprintf(w, "top-1 agreement: %.4f\n", *r.Agreement)
	}
	if r.SQNR != nil {
		fmt.Fprintf(w, "output SQNR:     %.2f dB\n", float64(*r.SQNR))
	}
	fmt.Fprintf(w, "latency p50:     %.1f µs\n", float64(r.LatencyP50)/1e3)
	if len(r.Layers) == 0 {
		return
	}
	fmt.Fprintln(w, "\nper-layer SQNR against the reference:")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  op\ttype\ttensor\tname\tdtype\tscale\tzero point\tSQNR (dB)\t")
	for _, l := range r.Layers {
		mark := ""
		if r.Worst != nil && l.Tensor == r.Worst.Tensor {
			mark = "← worst"
		}
		op := fmt.Sprint(l.Operator)
		if l.Operator < 0 {
			op = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\t%.6g\t%d\t%.2f\t%s\n", op, l.Op, l.Tensor, shortName(l.Name), l.Type, l.Scale, l.ZeroPoint, l.SQNR, mark)
	}
	tw.Flush()
}

// shortName keeps the end of long tensor names (TFLite joins fused names
// with ';'), which says most about the layer.
func shortName(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		return "..." + string(r[len(r)-max+3:])
	}
	return s
}

// loadSamples reads samples for model m's single input: images are decoded
// to the input's height, width and channels (NHWC), and every sample must
// have as many values as the input.
func loadSamples(spec string, m *format.Model, limit int, data dataFlags) (*dataset.Set, quantize.Samples, error) {
	if len(m.Inputs) != 1 {
		return nil, nil, fmt.Errorf("the model has %d inputs; the command line feeds models with one input", len(m.Inputs))
	}
	in := &m.Tensors[m.Inputs[0]]
	opt := dataset.Options{Limit: limit, Scale: data.scale, Mean: data.mean}
	if slices.Contains(opt.Scale, 0) {
		return nil, nil, usageErrorf("--scale must not be 0")
	}
	if len(in.Shape) == 4 {
		opt.Height, opt.Width, opt.Channels = int(in.Shape[1]), int(in.Shape[2]), int(in.Shape[3])
		if opt.Channels != 1 && opt.Channels != 3 {
			opt.Channels = 0
		}
	}
	set, err := dataset.Load(spec, opt)
	if err != nil {
		return nil, nil, err
	}
	if set.Len() == 0 {
		return nil, nil, fmt.Errorf("%s holds no samples", spec)
	}
	if want := in.NumElements(); set.SampleLen() != want {
		return nil, nil, fmt.Errorf("%s: samples of shape %v have %d values; input %s %v needs %d", spec, set.Shape, set.SampleLen(), in.Name, in.Shape, want)
	}
	return set, quantize.SingleInput(set.Data, set.Len()), nil
}

// labelsUsage documents --labels for eval and compare.
const labelsUsage = "class `labels`: .npy (any integer dtype, or one-hot rows), idx:PATH, or folders (the class subfolders of --inputs)"

// loadLabels reads n class labels for the samples of inputs: spec is a
// labels file, or "folders" for the class subfolders of the inputs folder.
func loadLabels(spec, inputs string, n int) ([]int, error) {
	if spec == "folders" {
		spec = "folders:" + inputs
	}
	labels, err := dataset.LoadLabels(spec, n)
	if err != nil {
		return nil, err
	}
	if len(labels) < n {
		return nil, fmt.Errorf("%s has %d labels for %d samples", spec, len(labels), n)
	}
	return labels, nil
}
