package format

import "fmt"

// PackInt4 packs values in [-8, 7] two to a byte, element 0 in the low
// nibble: the layout of Int4 constants. An odd count leaves the last high
// nibble 0. It fails on a value out of range rather than wrapping it.
func PackInt4(values []int8) ([]byte, error) {
	packed := make([]byte, packedBytes(len(values), 4))
	for i, v := range values {
		if v < -8 || v > 7 {
			return nil, fmt.Errorf("format: int4 element %d is %d, outside [-8, 7]", i, v)
		}
		packed[i/2] |= byte(v&0x0f) << (4 * (i % 2))
	}
	return packed, nil
}

// UnpackInt4 sign-extends len(dst) int4 values from packed into dst. packed
// must hold at least (len(dst)+1)/2 bytes.
func UnpackInt4(dst []int8, packed []byte) {
	if len(dst) == 0 {
		return
	}
	_ = packed[(len(dst)-1)/2] // one bounds check up front
	for i := range dst {
		dst[i] = int8(packed[i/2]<<(4*(1-i%2))) >> 4
	}
}
