package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/quantize"
)

var cmdQuantize = &command{
	name:      "quantize",
	usageLine: "FLOAT.eqm --calib DATA -o OUT.eqm [--mode static|dynamic|weights] [--method auto|minmax|percentile|mse|entropy] [flags]",
	short:     "quantize a float model (post-training, dynamic or weight-only)",
	long: `
Quantize turns a float model into an integer one.

--mode static (the default) is full-integer post-training quantization:
int8 weights (symmetric; per channel for CONV_2D and DEPTHWISE_CONV_2D,
per tensor for FULLY_CONNECTED unless --per-channel-fc) and int8
activations (asymmetric) whose ranges come from running the float model on
the calibration data. --method picks how a range is read from the
calibration statistics: minmax (everything seen), percentile (drop the
tails beyond --percentile), mse (least expected squared error), entropy
(least KL divergence, histogram based) or auto (the default: per tensor,
the method whose quantized model's outputs stay closest to the float
model's on the calibration data). Biases become int32 with scale input
scale × weight scale; SOFTMAX and LOGISTIC outputs get scale 1/256 and zero
point -128, TANH 1/128 and 0; RESHAPE, pooling, PAD and CONCATENATION keep
their input's parameters. --bias-correction (on by default) removes the
mean output shift weight rounding causes. --activations int16 selects 16x8
mode (int16 activations with zero point 0, int64 biases; SOFTMAX, LOGISTIC
and TANH outputs get scale 1/32768, as TFLite's int16 kernels require).

The graph inputs and outputs of a static model are integer tensors with
their quantization parameters (edgeq eval and run quantize float inputs and
dequantize outputs); --float-io keeps float32 inputs and outputs and adds
QUANTIZE and DEQUANTIZE operators instead.

--mode dynamic quantizes only the weights of CONV_2D, DEPTHWISE_CONV_2D and
FULLY_CONNECTED to int8; activations stay float and the runtime's hybrid
kernels quantize each input at run time, as TFLite's dynamic-range models.
--mode weights stores those weights as int8 (per channel) followed by a
DEQUANTIZE operator: the model shrinks and computes in float; the runtime
dequantizes them once, at load. --weight-bits 4 stores them as packed int4
instead (values -7..7, two to a byte; about half the size of int8, and
less accurate). Neither dynamic nor weights needs --calib (with it,
--bias-correction adjusts the float biases).

DATA is an .npy array of samples stacked on axis 0, idx:PATH (an IDX file
such as Fashion-MNIST's, gzipped or not), or a folder of .npy, raw float32
.bin, PNG or JPEG files (subfolders included, in path order). Integer data
(images, IDX pixels, integer .npy) becomes (v − mean)·scale, by default
v/255; --mean and --scale take one value or one per channel (RGB images:
3, comma-separated, e.g. --mean 123.7,116.3,103.5 --scale
1/58.4,1/57.1,1/57.4); images are resized to the model's input. --calib-n
bounds the samples used (default 500).

A TFLite or ONNX model is accepted as input too. Progress goes to stderr.`,
	run: runQuantize,
}

// ratiosFlag is a comma-separated list of numbers, each of which may also
// be a fraction such as 1/255: one value, or one per channel.
type ratiosFlag []float64

func (r *ratiosFlag) String() string {
	if r == nil {
		return ""
	}
	parts := make([]string, len(*r))
	for i, v := range *r {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func (r *ratiosFlag) Set(s string) error {
	var vals []float64
	for _, item := range strings.Split(s, ",") {
		num, den, isFrac := strings.Cut(item, "/")
		a, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", item)
		}
		if isFrac {
			b, err := strconv.ParseFloat(strings.TrimSpace(den), 64)
			if err != nil || b == 0 {
				return fmt.Errorf("not a fraction: %q", item)
			}
			a /= b
		}
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("not a finite number: %q", item)
		}
		vals = append(vals, a)
	}
	*r = vals
	return nil
}

// dataFlags are the flags that say how to read samples.
type dataFlags struct {
	scale ratiosFlag
	mean  ratiosFlag
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	d.scale = ratiosFlag{1.0 / 255}
	fs.Var(&d.scale, "scale", "integer data (images, IDX, integer .npy) becomes (v − mean)·`scale`: one value or one per channel (comma-separated); fractions such as 1/255 are fine")
	fs.Var(&d.mean, "mean", "the `mean` subtracted from integer data before scaling: one value or one per channel, e.g. 123.7,116.3,103.5")
}

// quantizeResult is quantize's --json output.
type quantizeResult struct {
	Input       string           `json:"input"`
	Output      string           `json:"output"`
	Mode        string           `json:"mode"`
	Method      string           `json:"method,omitempty"`
	InputBytes  int              `json:"input_bytes"`
	OutputBytes int              `json:"output_bytes"`
	SizeRatio   float64          `json:"size_ratio"`
	Seconds     float64          `json:"seconds"`
	Report      *quantize.Report `json:"report"`
}

func runQuantize(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	calib := fs.String("calib", "", "calibration `data`: .npy, idx:PATH or a folder of .npy/.bin/.png/.jpg")
	out := fs.String("o", "", "write the quantized model to `file`")
	mode := fs.String("mode", "static", "`mode`: static (int8 weights and activations), dynamic (int8 weights, hybrid kernels) or weights (int8 storage only)")
	method := fs.String("method", "auto", "activation range `method`: auto, minmax, percentile, mse or entropy")
	percentile := fs.Float64("percentile", 99.99, "central `percent` of values the percentile method keeps")
	calibN := fs.Int("calib-n", 500, "use at most `n` calibration samples")
	perTensor := fs.Bool("per-tensor", false, "one scale per CONV_2D/DEPTHWISE_CONV_2D weight tensor instead of one per output channel")
	perChannelFC := fs.Bool("per-channel-fc", false, "one scale per FULLY_CONNECTED output channel")
	activations := fs.String("activations", "int8", "activation `type`: int8, or int16 for 16x8 mode")
	weightBits := fs.Int("weight-bits", 8, "weight-only storage `bits`: 8, or 4 (packed int4, --mode weights only)")
	biasCorr := fs.Bool("bias-correction", true, "fold the mean output shift of weight rounding into the biases")
	floatIO := fs.Bool("float-io", false, "keep float32 graph inputs and outputs (adds QUANTIZE/DEQUANTIZE)")
	autoN := fs.Int("auto-n", 200, "samples method auto measures each candidate on")
	report := fs.String("report", "", "also write the full quantization report as JSON to `file`")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var data dataFlags
	data.register(fs)
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageErrorf("want one float model, got %d arguments", len(args))
	}
	if *out == "" {
		return usageErrorf("missing -o OUT.eqm")
	}
	opt := quantize.Options{
		Percentile: *percentile, PerTensor: *perTensor, PerChannelFC: *perChannelFC,
		BiasCorrection: *biasCorr, FloatIO: *floatIO, AutoSamples: *autoN,
		WeightBits: *weightBits,
	}
	if opt.Mode, err = quantize.ParseMode(*mode); err != nil {
		return &usageError{err}
	}
	if opt.Method, err = quantize.ParseMethod(*method); err != nil {
		return &usageError{err}
	}
	switch *activations {
	case "int8":
		opt.Activations = format.Int8
	case "int16":
		opt.Activations = format.Int16
	default:
		return usageErrorf("--activations must be int8 or int16, not %q", *activations)
	}
	if *weightBits != 8 && *weightBits != 4 {
		return usageErrorf("--weight-bits must be 8 or 4, not %d", *weightBits)
	}
	if *weightBits == 4 && opt.Mode != quantize.ModeWeights {
		return usageErrorf("--weight-bits 4 needs --mode weights (the integer and hybrid kernels read int8 weights)")
	}
	if *percentile <= 0 || *percentile > 100 {
		return usageErrorf("--percentile must be in (0, 100]")
	}
	if opt.Mode == quantize.ModeStatic && *calib == "" {
		return usageErrorf("static quantization needs --calib DATA")
	}
	start := time.Now()
	in := args[0]
	m, inBytes, err := readModel(in, stderr)
	if err != nil {
		return err
	}
	var samples quantize.Samples
	if *calib != "" {
		set, s, err := loadSamples(*calib, m, *calibN, data)
		if err != nil {
			return err
		}
		samples = s
		if !*quiet {
			fmt.Fprintf(stderr, "edgeq quantize: %d calibration samples of shape %v from %s\n", set.Len(), set.Shape, *calib)
		}
	}
	if !*quiet {
		bar := newProgressBar(stderr)
		opt.Progress = bar.update
		defer bar.done()
	}
	qm, rep, err := quantize.Quantize(m, samples, opt)
	if err != nil {
		return err
	}
	qm.Meta.Producer = "edgeq quantize"
	encoded, err := format.Encode(qm)
	if err != nil {
		return fmt.Errorf("encoding the quantized model: %w", err)
	}
	if err := writeFileAtomic(*out, encoded); err != nil {
		return err
	}
	if *report != "" {
		f, err := os.Create(*report)
		if err != nil {
			return err
		}
		if err := writeJSON(f, rep); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	res := quantizeResult{
		Input: in, Output: *out, Mode: string(opt.Mode), InputBytes: inBytes, OutputBytes: len(encoded),
		SizeRatio: float64(len(encoded)) / float64(inBytes), Seconds: time.Since(start).Seconds(), Report: rep,
	}
	if opt.Mode == quantize.ModeStatic {
		res.Method = string(opt.Method)
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	printQuantizeReport(stdout, &res)
	return nil
}

func printQuantizeReport(w io.Writer, r *quantizeResult) {
	fmt.Fprintf(w, "%s → %s: %s", r.Input, r.Output, r.Mode)
	if r.Method != "" {
		fmt.Fprintf(w, " (method %s, %s activations, %d calibration samples)", r.Method, r.Report.Activations, r.Report.Samples)
	}
	fmt.Fprintf(w, "\nsize: %s → %s (%.2f×) in %.1fs\n", humanBytes(r.InputBytes), humanBytes(r.OutputBytes), r.SizeRatio, r.Seconds)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	if len(r.Report.Tensors) > 0 {
		fmt.Fprintln(w, "\nactivations:")
		fmt.Fprintln(tw, "  tensor\tname\tmethod\tobserved\tquantized range\tscale\tzero point")
		for _, t := range r.Report.Tensors {
			fmt.Fprintf(tw, "  %d\t%s\t%s\t[%.4g, %.4g]\t[%.4g, %.4g]\t%.6g\t%d\n", t.Tensor, t.Name, t.Method,
				t.Observed.Min, t.Observed.Max, t.Range.Min, t.Range.Max, t.Scale, t.ZeroPoint)
		}
		tw.Flush()
	}
	if len(r.Report.Layers) > 0 {
		fmt.Fprintln(w, "\nweights:")
		fmt.Fprintln(tw, "  op\ttype\tweights\tscales\tweight SQNR\tmax bias correction")
		for _, l := range r.Report.Layers {
			gran := "per tensor"
			if l.PerChannel {
				gran = "per channel"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%d\t%s\t%.1f dB\t%.3g\n", l.Operator, l.Op, l.Weights, gran, l.WeightSQNR, l.MaxBiasFix)
		}
		tw.Flush()
	}
}

// progressBar draws "stage [#####     ] 250/500" on stderr, at most ten
// times a second, and ends the line when the stage changes or at done.
type progressBar struct {
	w     io.Writer
	stage string
	last  time.Time
	open  bool
}

func newProgressBar(w io.Writer) *progressBar { return &progressBar{w: w} }

func (p *progressBar) update(stage string, done, total int) {
	if stage != p.stage {
		p.done()
		p.stage = stage
	}
	if done < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := width
	if total > 0 {
		fill = min(max(done*width/total, 0), width)
	}
	fmt.Fprintf(p.w, "\r%-9s [%s%s] %d/%d", stage, strings.Repeat("#", fill), strings.Repeat(" ", width-fill), done, total)
	p.open = true
}

func (p *progressBar) done() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}
