package onnx

// translators maps the ONNX op types the importer handles to their
// translation. Each reads the current node and emits .eqm operators, or
// only records values (constants, aliases, layout changes).
var translators map[string]func(*importer, *node) error

func init() {
	translators = map[string]func(*importer, *node) error{
		"Conv":               (*importer).conv,
		"BatchNormalization": (*importer).batchNorm,
		"MaxPool":            func(im *importer, n *node) error { return im.pool(n, false) },
		"AveragePool":        func(im *importer, n *node) error { return im.pool(n, true) },
		"GlobalAveragePool":  func(im *importer, n *node) error { return im.globalPool(n, true) },
		"GlobalMaxPool":      func(im *importer, n *node) error { return im.globalPool(n, false) },
		"Gemm":               (*importer).gemm,
		"MatMul":             (*importer).matMul,
		"Add":                func(im *importer, n *node) error { return im.binary(n, "ADD") },
		"Sub":                func(im *importer, n *node) error { return im.binary(n, "SUB") },
		"Mul":                func(im *importer, n *node) error { return im.binary(n, "MUL") },
		"Div":                func(im *importer, n *node) error { return im.binary(n, "DIV") },
		"Relu":               func(im *importer, n *node) error { return im.unary(n, "RELU") },
		"Sigmoid":            func(im *importer, n *node) error { return im.unary(n, "LOGISTIC") },
		"Tanh":               func(im *importer, n *node) error { return im.unary(n, "TANH") },
		"LeakyRelu":          (*importer).leakyRelu,
		"HardSwish":          func(im *importer, n *node) error { return im.unary(n, "HARD_SWISH") },
		"HardSigmoid":        (*importer).hardSigmoid,
		"Clip":               (*importer).clip,
		"Softmax":            (*importer).softmax,
		"Concat":             (*importer).concat,
		"Flatten":            (*importer).flatten,
		"Reshape":            (*importer).reshapeOp,
		"Squeeze":            func(im *importer, n *node) error { return im.squeeze(n, false) },
		"Unsqueeze":          func(im *importer, n *node) error { return im.squeeze(n, true) },
		"Transpose":          (*importer).transposeOp,
		"ReduceMean":         (*importer).reduceMean,
		"Pad":                (*importer).pad,
		"Identity":           (*importer).identityOp,
		"Dropout":            (*importer).identityOp,
		"Constant":           (*importer).constant,
		"Shape":              (*importer).shapeOp,
		"Gather":             (*importer).gather,
		"Cast":               (*importer).cast,
	}
}

// output returns the current node's only output name, refusing nodes
// whose other outputs are read.
func (im *importer) output(n *node) (string, error) {
	if len(n.outputs) == 0 || n.outputs[0] == "" {
		return "", im.errorf("has no output")
	}
	for _, o := range n.outputs[1:] {
		if o != "" && (len(im.uses[o]) > 0 || im.graphOut[o]) {
			return "", im.errorf("output %q is used, but only the first output is supported", o)
		}
	}
	return n.outputs[0], nil
}
