package onnx

import (
	"slices"

	"github.com/edgeq/edgeq/format"
)

// gemm translates Gemm with a constant B to FULLY_CONNECTED: alpha scales
// the weights, beta·C (constant, one value per output or one in all)
// becomes the bias.
func (im *importer) gemm(n *node) error {
	a, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	bv, b, err := im.floatInput(n, 1)
	if err != nil {
		return err
	}
	transA, err := im.intAttr(n, "transA", 0)
	if err != nil {
		return err
	}
	transB, err := im.intAttr(n, "transB", 0)
	if err != nil {
		return err
	}
	alpha, err := im.floatAttr(n, "alpha", 1)
	if err != nil {
		return err
	}
	beta, err := im.floatAttr(n, "beta", 1)
	if err != nil {
		return err
	}
	if transA != 0 {
		return im.errorf("transA is not supported")
	}
	if len(a.shape) != 2 || len(bv.shape) != 2 {
		return im.errorf("A %v and B %v must be matrices", a.shape, bv.shape)
	}
	m, k := a.shape[0], a.shape[1]
	w := b // [N, K]
	nOut := bv.shape[0]
	if transB == 0 {
		nOut = bv.shape[1]
		if bv.shape[0] != k {
			return im.errorf("A %v and B %v do not multiply", a.shape, bv.shape)
		}
		w = transposeData(b, bv.shape, []int{1, 0})
	} else if bv.shape[1] != k {
		return im.errorf("A %v and Bᵀ of %v do not multiply", a.shape, bv.shape)
	}
	if alpha != 1 {
		w = slices.Clone(w)
		for i := range w {
			w[i] *= alpha
		}
	}
	var bias []float32
	if cv, c, err := im.optionalFloatInput(n, 2); err != nil {
		return err
	} else if cv != nil {
		if bias, err = im.rowBias(c, cv.shape, m, nOut); err != nil {
			return err
		}
		for i := range bias {
			bias[i] *= beta
		}
	}
	name, err := im.output(n)
	if err != nil {
		return err
	}
	return im.fullyConnected(a, w, nOut, k, bias, biasSource(im, n), name, []int{m, nOut})
}

// rowBias returns a constant c that broadcasts to [m, n] with every row
// the same as one bias vector of n values.
func (im *importer) rowBias(c []float32, shape []int, m, n int) ([]float32, error) {
	squeezed := slices.Clone(shape)
	for len(squeezed) > 0 && squeezed[0] == 1 {
		squeezed = squeezed[1:]
	}
	switch {
	case len(c) == 1:
		b := make([]float32, n)
		for i := range b {
			b[i] = c[0]
		}
		return b, nil
	case len(squeezed) == 1 && squeezed[0] == n:
		return slices.Clone(c), nil
	}
	return nil, im.errorf("the added constant has shape %v; only one value per output (%d) broadcast over the rows is supported", shape, n)
}

// fullyConnected emits a FULLY_CONNECTED of activation a by weights w
// [outC, depth] and bias, writing value name of ONNX shape outShape. A
// flattened input has its weight columns reordered to match its storage.
func (im *importer) fullyConnected(a *value, w []float32, outC, depth int, bias []float32, biasSrc int32, name string, outShape []int) error {
	var in int32
	var err error
	if f := a.lay.flat; f != nil && len(a.shape) == 2 {
		cols := flatColumns(f)
		if len(cols) != depth {
			return im.errorf("internal error: %d flattened columns for depth %d", len(cols), depth)
		}
		pw := make([]float32, len(w))
		for o := range outC {
			row, prow := w[o*depth:(o+1)*depth], pw[o*depth:(o+1)*depth]
			for j, c := range cols {
				prow[j] = row[c]
			}
		}
		w = pw
		in, err = im.stored(a)
	} else {
		in, err = im.tensorIn(a, nil)
	}
	if err != nil {
		return err
	}
	wname, wsrc := im.node.inputs[1], im.source[im.node.inputs[1]]
	name, act, err := im.fuseActivation(name)
	if err != nil {
		return err
	}
	out, err := im.newOutput(name, outShape, nil)
	if err != nil {
		return err
	}
	im.markNonNeg(name, rectifies(act))
	inputs := []int32{in, im.constFloats(wname, []int{outC, depth}, w, wsrc)}
	if bias != nil {
		bname := im.scratchName(name, "bias")
		if biasSrc >= 0 {
			bname = im.sourceName(biasSrc, bname)
		}
		inputs = append(inputs, im.constFloats(bname, []int{outC}, bias, biasSrc))
	}
	im.emit("FULLY_CONNECTED", inputs, []int32{out}, format.Options{Activation: act, KeepNumDims: len(outShape) > 2})
	return nil
}

// matMul translates MatMul by a constant matrix to FULLY_CONNECTED,
// absorbing an Add of a constant vector that follows as the bias.
func (im *importer) matMul(n *node) error {
	a, err := im.activation(n, 0)
	if err != nil {
		return err
	}
	bv, b, err := im.floatInput(n, 1)
	if err != nil {
		return err
	}
	if len(a.shape) < 2 || len(bv.shape) != 2 || a.shape[len(a.shape)-1] != bv.shape[0] {
		return im.errorf("A %v and B %v: only a batch of rows times a constant matrix is supported", a.shape, bv.shape)
	}
	k, nOut := bv.shape[0], bv.shape[1]
	w := transposeData(b, bv.shape, []int{1, 0})
	outShape := append(slices.Clone(a.shape[:len(a.shape)-1]), nOut)
	name, err := im.output(n)
	if err != nil {
		return err
	}
	var bias []float32
	biasSrc := int32(-1)
	if i := im.onlyUse(name); i >= 0 && im.g.nodes[i].opType == "Add" && len(im.g.nodes[i].inputs) == 2 {
		add := im.g.nodes[i]
		other := add.inputs[0]
		if other == name {
			other = add.inputs[1]
		}
		if cv := im.values[other]; cv != nil && cv.isConst && len(add.outputs) == 1 {
			c, err := im.floats(cv)
			if err != nil {
				return err
			}
			rows := numElements(outShape) / nOut
			if len(cv.shape) <= len(outShape) {
				if bias, err = im.rowBias(c, cv.shape, rows, nOut); err == nil {
					im.absorbed[i] = true
					name, biasSrc = add.outputs[0], cv.source
					if err := im.checkInfo(name, outShape); err != nil {
						return err
					}
				}
			}
		}
	}
	return im.fullyConnected(a, w, nOut, k, bias, biasSrc, name, outShape)
}
