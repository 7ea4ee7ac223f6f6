// Command invokes loads one model and runs Invoke a given number of times,
// single-threaded, doing nothing else: the workload for counting executed
// instructions per inference under qemu with the qemu-icount plugin, where
// two runs with -n k and -n 2k are subtracted to cancel start-up and load.
//
//	GOARCH=arm64 go build -o /tmp/invokes ./internal/cmd/invokes
//	qemu-aarch64 -cpu cortex-a76 -plugin /tmp/icount.so -d plugin /tmp/invokes -n 10 model.tflite
//
// The model is a .tflite (imported and encoded as `edgeq convert` does) or
// an .eqm. Inputs are zero unless -i names raw input files, one per input.
package main

import (
	"flag"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/runtime"
)

type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(s string) error { *f = append(*f, s); return nil }

func main() {
	n := flag.Int("n", 1, "number of invokes")
	var inputs files
	flag.Var(&inputs, "i", "raw input file (repeat for each input)")
	flag.Parse()
	if flag.NArg() != 1 || *n < 0 {
		fmt.Fprintln(os.Stderr, "usage: invokes [-n N] [-i IN.bin ...] MODEL.tflite|MODEL.eqm")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), inputs, *n); err != nil {
		fmt.Fprintln(os.Stderr, "invokes:", err)
		os.Exit(1)
	}
}

func run(path string, inputs []string, n int) error {
	goruntime.GOMAXPROCS(1)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if strings.HasSuffix(path, ".tflite") {
		m, err := tflite.Import(data)
		if err != nil {
			return err
		}
		if data, err = format.Encode(m); err != nil {
			return err
		}
	}
	ip, err := runtime.Load(data)
	if err != nil {
		return err
	}
	for k, name := range inputs {
		raw, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if k >= ip.NumInputs() || len(raw) != len(ip.Input(k).Bytes()) {
			return fmt.Errorf("input %d: %s does not fit the model's input", k, name)
		}
		copy(ip.Input(k).Bytes(), raw)
	}
	for range n {
		if err := ip.Invoke(); err != nil {
			return err
		}
	}
	return nil
}
