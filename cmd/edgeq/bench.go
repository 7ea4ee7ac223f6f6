package main

import (
	"cmp"
	"fmt"
	"io"
	"math/rand/v2"
	goruntime "runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/runtime"
)

var cmdBench = &command{
	name:      "bench",
	usageLine: "MODEL.eqm [--iters N] [--warmup N] [--threads N] [--seed N] [--profile] [--json]",
	short:     "measure a model's latency, allocations and arena size",
	long: `
Bench fills the model's inputs with seeded random values (the full range
for 8- and 16-bit integers, [-1, 1) for floats, zeros for wider integers,
which are usually indices), invokes it --warmup times, then times --iters
single invokes. It prints the latency percentiles (p50, p90, p99), min,
mean and max in nanoseconds, the heap allocations per invoke (should be
0), the arena size, the model's MACs and the throughput in GMAC/s at the
median latency.

--profile runs the model again with a per-operator hook and prints each
operator's mean time and share of the total, and the share per op type.

Only --threads 1 is supported for now. A TFLite model is accepted too and
imported in memory.`,
	run: runBench,
}

// benchResult is bench's --json output.
type benchResult struct {
	Model           string             `json:"model"`
	Iters           int                `json:"iters"`
	Warmup          int                `json:"warmup"`
	Threads         int                `json:"threads"`
	P50Ns           int64              `json:"p50_ns"`
	P90Ns           int64              `json:"p90_ns"`
	P99Ns           int64              `json:"p99_ns"`
	MinNs           int64              `json:"min_ns"`
	MeanNs          int64              `json:"mean_ns"`
	MaxNs           int64              `json:"max_ns"`
	AllocsPerInvoke float64            `json:"allocs_per_invoke"`
	ArenaBytes      int                `json:"arena_bytes"`
	TotalMACs       int64              `json:"total_macs"`
	GMACPerSecond   float64            `json:"gmac_per_s"` // at the median latency
	Profile         []benchOpTime      `json:"profile,omitempty"`
	ProfileByOp     map[string]float64 `json:"profile_by_op,omitempty"` // share of operator time per op type
}

// benchOpTime is one operator's time in the profile.
type benchOpTime struct {
	Index  int     `json:"index"`
	Op     string  `json:"op"`
	MeanNs int64   `json:"mean_ns"`
	Share  float64 `json:"share"` // fraction of the summed operator time
}

func runBench(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	iters := fs.Int("iters", 100, "time `n` invokes")
	warmup := fs.Int("warmup", 10, "invoke `n` times before timing")
	threads := fs.Int("threads", 1, "worker threads (only 1 is supported for now)")
	seed := fs.Uint64("seed", 1, "seed of the random inputs")
	profile := fs.Bool("profile", false, "also print each operator's share of the time")
	asJSON := fs.Bool("json", false, "print the results as one JSON object")
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	switch {
	case len(args) != 1:
		return usageErrorf("want one model, got %d arguments", len(args))
	case *iters < 1:
		return usageErrorf("--iters must be at least 1, got %d", *iters)
	case *warmup < 0:
		return usageErrorf("--warmup must not be negative, got %d", *warmup)
	case *threads != 1:
		return usageErrorf("--threads %d: only --threads 1 is supported for now", *threads)
	}
	modelPath := args[0]
	ip, err := loadInterpreter(modelPath, stderr)
	if err != nil {
		return err
	}
	fillRandomInputs(ip, *seed)

	fmt.Fprintf(stderr, "edgeq bench: %s: %d warmup and %d timed invokes\n", modelPath, *warmup, *iters)
	for range *warmup {
		if err := ip.Invoke(); err != nil {
			return err
		}
	}
	allocs, err := allocsPerInvoke(ip, min(*iters, 10))
	if err != nil {
		return err
	}
	if allocs > 0 {
		fmt.Fprintf(stderr, "edgeq bench: warning: Invoke allocates %.2f times per call; it should not allocate\n", allocs)
	}
	latencies, err := timeInvokes(ip, *iters)
	if err != nil {
		return err
	}

	r := benchResult{
		Model: modelPath, Iters: *iters, Warmup: *warmup, Threads: *threads,
		AllocsPerInvoke: allocs, ArenaBytes: ip.ArenaBytes(), TotalMACs: ip.TotalMACs(),
	}
	summarize(&r, latencies)
	if *profile {
		if err := profileOps(&r, modelPath, ip, *iters, stderr); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(stdout, r)
	}
	printBench(stdout, &r)
	return nil
}

// fillRandomInputs fills every graph input with seeded random values.
func fillRandomInputs(ip *runtime.Interpreter, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x6564676571)) // "edgeq"
	for k := range ip.NumInputs() {
		t := ip.Input(k)
		switch t.Type {
		case format.Int8, format.UInt8, format.Int16:
			b := t.Bytes()
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
		case format.Float32:
			f := t.Float32()
			for i := range f {
				f[i] = rng.Float32()*2 - 1
			}
		case format.Bool:
			b := t.Bytes()
			for i := range b {
				b[i] = byte(rng.IntN(2))
			}
		default:
			clear(t.Bytes())
		}
	}
}

// allocsPerInvoke returns the mean number of heap allocations of n invokes.
func allocsPerInvoke(ip *runtime.Interpreter, n int) (float64, error) {
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	for range n {
		if err := ip.Invoke(); err != nil {
			return 0, err
		}
	}
	goruntime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n), nil
}

// timeInvokes times n single invokes. The loop does not allocate: the
// results slice is made before it.
func timeInvokes(ip *runtime.Interpreter, n int) ([]time.Duration, error) {
	latencies := make([]time.Duration, n)
	for i := range latencies {
		start := time.Now()
		err := ip.Invoke()
		latencies[i] = time.Since(start)
		if err != nil {
			return nil, err
		}
	}
	return latencies, nil
}

// summarize fills in the latency statistics and throughput.
func summarize(r *benchResult, latencies []time.Duration) {
	sorted := slices.Clone(latencies)
	slices.Sort(sorted)
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	r.P50Ns = percentile(sorted, 50).Nanoseconds()
	r.P90Ns = percentile(sorted, 90).Nanoseconds()
	r.P99Ns = percentile(sorted, 99).Nanoseconds()
	r.MinNs, r.MaxNs = sorted[0].Nanoseconds(), sorted[len(sorted)-1].Nanoseconds()
	r.MeanNs = (sum / time.Duration(len(sorted))).Nanoseconds()
	if r.P50Ns > 0 {
		r.GMACPerSecond = float64(r.TotalMACs) / float64(r.P50Ns) // MAC per ns = GMAC/s
	}
}

// percentile returns the nearest-rank p-th percentile of sorted latencies.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[max(rank-1, 0)]
}

// profileOps invokes a second copy of the model, with the same inputs and
// a per-operator hook, n times and records each operator's mean time. A
// separate interpreter keeps the hook's overhead out of the latencies.
func profileOps(r *benchResult, modelPath string, timed *runtime.Interpreter, n int, stderr io.Writer) error {
	opTime := make([]time.Duration, timed.NumOperators())
	hook := func(op int, _ string, elapsed time.Duration) { opTime[op] += elapsed }
	ip, err := loadInterpreter(modelPath, io.Discard, runtime.WithOpHook(hook))
	if err != nil {
		return err
	}
	for k := range ip.NumInputs() {
		copy(ip.Input(k).Bytes(), timed.Input(k).Bytes())
	}
	if err := ip.Invoke(); err != nil { // warm up
		return err
	}
	clear(opTime)
	fmt.Fprintf(stderr, "edgeq bench: profiling %d invokes\n", n)
	for range n {
		if err := ip.Invoke(); err != nil {
			return err
		}
	}
	var total time.Duration
	for _, d := range opTime {
		total += d
	}
	r.ProfileByOp = map[string]float64{}
	model := ip.Model()
	for i, d := range opTime {
		share := 0.0
		if total > 0 {
			share = float64(d) / float64(total)
		}
		op := model.Operators[i].Op
		r.Profile = append(r.Profile, benchOpTime{Index: i, Op: op, MeanNs: (d / time.Duration(n)).Nanoseconds(), Share: share})
		r.ProfileByOp[op] += share
	}
	return nil
}

// printBench prints the results as an aligned table.
func printBench(w io.Writer, r *benchResult) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	ns := func(v int64) string { return fmt.Sprintf("%d ns\t(%s)", v, time.Duration(v)) }
	fmt.Fprintf(tw, "model\t%s\n", r.Model)
	fmt.Fprintf(tw, "iters\t%d (warmup %d, %d thread)\n", r.Iters, r.Warmup, r.Threads)
	fmt.Fprintf(tw, "p50\t%s\n", ns(r.P50Ns))
	fmt.Fprintf(tw, "p90\t%s\n", ns(r.P90Ns))
	fmt.Fprintf(tw, "p99\t%s\n", ns(r.P99Ns))
	fmt.Fprintf(tw, "min\t%s\n", ns(r.MinNs))
	fmt.Fprintf(tw, "mean\t%s\n", ns(r.MeanNs))
	fmt.Fprintf(tw, "max\t%s\n", ns(r.MaxNs))
	fmt.Fprintf(tw, "allocs/invoke\t%g\n", r.AllocsPerInvoke)
	fmt.Fprintf(tw, "arena\t%d bytes\t(%s)\n", r.ArenaBytes, humanBytes(r.ArenaBytes))
	fmt.Fprintf(tw, "MACs\t%d\t(%s)\n", r.TotalMACs, humanCount(r.TotalMACs))
	fmt.Fprintf(tw, "throughput\t%.3f GMAC/s\t(at p50)\n", r.GMACPerSecond)
	tw.Flush()
	if r.Profile == nil {
		return
	}
	fmt.Fprint(w, "\nprofile (mean per invoke):\n")
	fmt.Fprint(tw, "  #\top\tmean\tshare\n")
	for _, p := range r.Profile {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%5.1f%%\n", p.Index, p.Op, time.Duration(p.MeanNs), 100*p.Share)
	}
	tw.Flush()
	fmt.Fprint(w, "\nby op type:\n")
	types := make([]string, 0, len(r.ProfileByOp))
	for op := range r.ProfileByOp {
		types = append(types, op)
	}
	slices.SortFunc(types, func(a, b string) int { // largest share first
		return cmp.Or(cmp.Compare(r.ProfileByOp[b], r.ProfileByOp[a]), strings.Compare(a, b))
	})
	for _, op := range types {
		fmt.Fprintf(tw, "  %s\t%5.1f%%\n", op, 100*r.ProfileByOp[op])
	}
	tw.Flush()
}
