package onnx

import (
	"slices"

	"github.com/edgeq/edgeq/format"
)

// stored returns the tensor holding an activation in its own layout,
// emitting the RESHAPE a lazily flattened value still needs.
func (im *importer) stored(v *value) (int32, error) {
	if v.tensor >= 0 {
		return v.tensor, nil
	}
	if v.flatSrc == nil {
		return 0, im.errorf("internal error: value %q has no tensor", v.name)
	}
	src, err := im.stored(v.flatSrc)
	if err != nil {
		return 0, err
	}
	v.tensor = im.reshape(src, v.name, v.shape, v.source)
	return v.tensor, nil
}

// reshape emits a RESHAPE of tensor src to shape and returns the new
// tensor, named name.
func (im *importer) reshape(src int32, name string, shape []int, source int32) int32 {
	st := &im.out.Tensors[src]
	if slices.Equal(st.Shape, toInt32s(shape)) {
		return src
	}
	dt := st.Type
	t := im.addTensor(name, dt, shape, -1, source)
	s := im.constInt32s(name+"/shape", toInt32s(shape))
	im.emit("RESHAPE", []int32{src, s}, []int32{t}, format.Options{NewShape: toInt32s(shape)})
	return t
}

// tensorIn returns an .eqm tensor holding v laid out by perm (nil: ONNX
// order), converting it if need be: a constant is reordered at import; an
// activation in another layout goes through a RESHAPE when that keeps the
// bytes in place, else a TRANSPOSE. Conversions are cached, so every
// reader shares one.
func (im *importer) tensorIn(v *value, perm []int) (int32, error) {
	if perm != nil && isIdentity(perm) {
		perm = nil
	}
	if v.isConst {
		return im.constIn(v, perm)
	}
	want := layout{perm: perm}
	key := want.key()
	if v.lay.key() == key {
		return im.stored(v)
	}
	if t, ok := v.variants[key]; ok {
		return t, nil
	}
	src, err := im.stored(v)
	if err != nil {
		return 0, err
	}
	var t int32
	switch f := v.lay.flat; {
	case f != nil:
		// Unflatten in the stored order, transpose to ONNX order, flatten.
		t = im.reshape(src, im.scratchName(v.name, "unflat"), permute(f.shape, f.perm), -1)
		if t, err = im.transpose(t, f.shape, f.perm, nil, v.name+"/unflat"); err != nil {
			return 0, err
		}
		t = im.reshape(t, im.scratchName(v.name, "id"), v.shape, -1)
		if perm != nil {
			if t, err = im.transpose(t, v.shape, nil, perm, v.name); err != nil {
				return 0, err
			}
		}
	case slices.Equal(order(v.shape, v.lay.perm), order(v.shape, perm)):
		t = im.reshape(src, im.scratchName(v.name, key), want.storedShape(v.shape), -1)
	default:
		if t, err = im.transpose(src, v.shape, v.lay.perm, perm, v.name); err != nil {
			return 0, err
		}
	}
	if v.variants == nil {
		v.variants = map[string]int32{}
	}
	v.variants[key] = t
	return t, nil
}

// transpose emits a TRANSPOSE of tensor src, which holds a value of ONNX
// shape shape in layout from, into layout to.
func (im *importer) transpose(src int32, shape, from, to []int, name string) (int32, error) {
	from, to = orIdentity(from, len(shape)), orIdentity(to, len(shape))
	if len(shape) > 6 {
		return 0, im.errorf("value %q (rank %d) would need a TRANSPOSE, which handles up to 6 dimensions", name, len(shape))
	}
	// Output dimension i is ONNX dimension to[i], which the input holds at
	// position inverse(from)[to[i]].
	inv := inverse(from)
	p := make([]int32, len(to))
	for i, d := range to {
		p[i] = int32(inv[d])
	}
	key := layout{perm: to}.key()
	t := im.addTensor(im.scratchName(name, key), im.out.Tensors[src].Type, permute(shape, to), -1, -1)
	pt := im.constInt32s(im.scratchName(name, key+"/perm"), p)
	im.emit("TRANSPOSE", []int32{src, pt}, []int32{t}, format.Options{})
	return t, nil
}

// constIn returns a float constant as an .eqm tensor in layout perm.
func (im *importer) constIn(v *value, perm []int) (int32, error) {
	x, err := im.floats(v)
	if err != nil {
		return 0, err
	}
	key := layout{perm: perm}.key()
	if t, ok := v.consts[key]; ok {
		return t, nil
	}
	if perm != nil && len(perm) != len(v.shape) {
		return 0, im.errorf("internal error: layout %v for constant %q of shape %v", perm, v.name, v.shape)
	}
	data := x
	if perm != nil {
		data = transposeData(x, v.shape, perm)
	}
	t := im.constFloats(v.name, permute(v.shape, perm), data, v.source)
	if v.consts == nil {
		v.consts = map[string]int32{}
	}
	v.consts[key] = t
	return t, nil
}

// canonical returns the layout an activation of the given rank gets when
// the importer chooses: NHWC for rank 4, ONNX order otherwise.
func canonical(rank int) []int {
	if rank == 4 {
		return nhwc
	}
	return nil
}
