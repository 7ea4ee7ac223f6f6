package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edgeq/edgeq/format"
	"github.com/edgeq/edgeq/format/onnx"
	"github.com/edgeq/edgeq/format/tflite"
	"github.com/edgeq/edgeq/runtime"
)

var cmdConvert = &command{
	name:      "convert",
	usageLine: "IN.tflite|IN.onnx -o OUT.eqm [--json]",
	short:     "import a TFLite or ONNX model into the .eqm format",
	long: `
Convert imports a model into edgeq's .eqm format. A TFLite model keeps
its tensors, quantization parameters and operators; tensor indices stay
those of the source model.

The input format is detected from the file's content: a TFLite flatbuffer
has "TFL3" at bytes 4..8; a file named .onnx, or starting as an ONNX
ModelProto does, is read as ONNX.

An ONNX model (opset 11 to 21, float32) is translated from NCHW to the
runtime's NHWC operators: a rank-4 input [N,C,H,W] becomes an NHWC input
[N,H,W,C] (feed NHWC data; with one channel the bytes are the same), and
rank-4 outputs are NHWC. Tensor sources number the ONNX graph's values:
inputs, then initializers, then node outputs in order. See the
format/onnx package documentation for the operators it translates.

Convert prints a one-line summary on stdout and lists on stderr any
operators the runtime cannot run yet.`,
	run: runConvert,
}

// convertSummary is convert's --json output.
type convertSummary struct {
	Input       string   `json:"input"`
	Output      string   `json:"output"`
	Format      string   `json:"format"`
	Operators   int      `json:"operators"`
	Tensors     int      `json:"tensors"`
	InputBytes  int      `json:"input_bytes"`
	OutputBytes int      `json:"output_bytes"`
	Unsupported []string `json:"unsupported_ops"`
}

func runConvert(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	out := fs.String("o", "", "write the .eqm model to `file`")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageErrorf("want one input model, got %d arguments", len(args))
	}
	if *out == "" {
		return usageErrorf("missing -o OUT.eqm")
	}
	in := args[0]
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	m, err := importModel(in, data)
	if err != nil {
		return err
	}
	fillMetadata(m, in, data)
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%s: imported model is invalid: %w", in, err)
	}
	encoded, err := format.Encode(m)
	if err != nil {
		return fmt.Errorf("%s: encoding .eqm: %w", in, err)
	}
	if err := writeFileAtomic(*out, encoded); err != nil {
		return err
	}

	unsupported := unsupportedOps(m)
	if len(unsupported) > 0 {
		fmt.Fprintf(stderr, "edgeq convert: warning: the runtime cannot run these operators yet: %s\n", strings.Join(unsupported, ", "))
	}
	if *asJSON {
		return writeJSON(stdout, convertSummary{
			Input: in, Output: *out, Format: m.Meta.Source,
			Operators: len(m.Operators), Tensors: len(m.Tensors),
			InputBytes: len(data), OutputBytes: len(encoded),
			Unsupported: unsupported,
		})
	}
	fmt.Fprintf(stdout, "%s -> %s: %d ops, %d tensors, %s -> %s\n", in, *out,
		len(m.Operators), len(m.Tensors), humanBytes(len(data)), humanBytes(len(encoded)))
	return nil
}

// importModel detects the format of a source model by its content and
// imports it.
func importModel(path string, data []byte) (*format.Model, error) {
	switch {
	case isTFLite(data):
		m, err := tflite.Import(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return m, nil
	case isONNX(path, data):
		m, err := onnx.Import(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return m, nil
	}
	if _, err := format.Decode(data); err == nil {
		return nil, fmt.Errorf("%s is already an .eqm model", path)
	}
	return nil, fmt.Errorf("%s: not a TFLite model (no \"TFL3\" identifier at bytes 4..8) nor an ONNX model", path)
}

// isONNX reports whether a file looks like an ONNX model: named .onnx, or
// starting as a ModelProto does, with field 1 (ir_version, a small varint).
// sourceKind names the importable format of data ("TFLite", "ONNX"), or
// "" when it is neither.
func sourceKind(path string, data []byte) string {
	switch {
	case isTFLite(data):
		return "TFLite"
	case isONNX(path, data):
		return "ONNX"
	}
	return ""
}

func isONNX(path string, data []byte) bool {
	if strings.EqualFold(filepath.Ext(path), ".onnx") {
		return true
	}
	return len(data) >= 2 && data[0] == 0x08 && data[1] > 0 && data[1] < 0x20
}

// fillMetadata records where the model came from, where the importer did not.
func fillMetadata(m *format.Model, path string, data []byte) {
	if m.Meta.Name == "" {
		m.Meta.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if m.Meta.Producer == "" {
		m.Meta.Producer = "edgeq convert"
	}
	if m.Meta.Source == "" {
		m.Meta.Source = "tflite"
	}
	if m.Meta.SourceHash == "" {
		sum := sha256.Sum256(data)
		m.Meta.SourceHash = hex.EncodeToString(sum[:])
	}
}

// unsupportedOps lists, once each and sorted, the model's operators that
// the runtime has no kernel for.
func unsupportedOps(m *format.Model) []string {
	supported := runtime.SupportedOps()
	missing := []string{}
	for _, op := range m.Operators {
		if !slices.Contains(supported, op.Op) && !slices.Contains(missing, op.Op) {
			missing = append(missing, op.Op)
		}
	}
	slices.Sort(missing)
	return missing
}
