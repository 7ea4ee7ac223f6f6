package format

import (
	"errors"
	"fmt"

	"github.com/tinylib/msgp/msgp"
)

// Encode validates m and returns it as an .eqm file. The file always carries
// the current Version, whatever m.Version says; m is not modified.
func Encode(m *Model) ([]byte, error) {
	if m == nil {
		return nil, errors.New("format: encode: nil model")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	c := *m
	c.Version = Version
	out, err := c.MarshalMsg(make([]byte, 0, c.Msgsize()))
	if err != nil {
		return nil, fmt.Errorf("format: encode: %w", err)
	}
	return out, nil
}

// Decode parses and validates an .eqm file. Buffers are not copied: the
// model's Buffers are slices of data, so data must not change while the
// model is in use. Decode returns an error, never panics, on any input.
func Decode(data []byte) (*Model, error) {
	if err := checkStructure(data); err != nil {
		return nil, fmt.Errorf("format: not an .eqm file: %w", err)
	}
	v, err := peekVersion(data)
	if err != nil {
		return nil, fmt.Errorf("format: not an .eqm file: %w", err)
	}
	if v > Version {
		return nil, fmt.Errorf("format: file version %d is newer than this edgeq (reads up to %d)", v, Version)
	}
	if v < 1 {
		return nil, fmt.Errorf("format: file version %d is not valid (want 1 to %d)", v, Version)
	}
	m := new(Model)
	rest, err := m.UnmarshalMsg(data)
	if err != nil {
		return nil, fmt.Errorf("format: decode: %w", err)
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("format: %d bytes of trailing garbage after the model", len(rest))
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// peekVersion finds the "version" key of the top-level map without decoding
// anything else, so a newer file is refused with a clear error even when the
// rest of it would not parse. A file without a version is version 0.
func peekVersion(data []byte) (int, error) {
	n, b, err := msgp.ReadMapHeaderBytes(data)
	if err != nil {
		return 0, err
	}
	for ; n > 0; n-- {
		var key []byte
		if key, b, err = msgp.ReadMapKeyZC(b); err != nil {
			return 0, err
		}
		if string(key) == "version" {
			v, _, err := msgp.ReadIntBytes(b)
			if err != nil {
				return 0, fmt.Errorf("version: %w", err)
			}
			return v, nil
		}
		if b, err = msgp.Skip(b); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// checkStructure walks the msgpack encoding of data without decoding it and
// refuses arrays or maps of more than maxList items, or claiming more items
// than there are bytes left, and any bytes after the top-level object. The
// generated decoder allocates a slice as soon as it reads an array header;
// after this check no header can make it allocate more than maxList
// elements, nor more elements than there are bytes left to fill them.
// The walk keeps a count of pending objects, not a stack, so nesting depth
// costs nothing.
func checkStructure(data []byte) error {
	pending := 1 // objects still to read
	b := data
	for pending > 0 {
		if len(b) == 0 {
			return msgp.ErrShortBytes
		}
		pending--
		var items uint32 // children of this object
		var err error
		switch msgp.NextType(b) {
		case msgp.ArrayType:
			if items, b, err = msgp.ReadArrayHeaderBytes(b); err == nil && items > maxList {
				return fmt.Errorf("array of %d items, limit is %d", items, maxList)
			}
		case msgp.MapType:
			var n uint32
			if n, b, err = msgp.ReadMapHeaderBytes(b); err == nil && n > maxList {
				return fmt.Errorf("map of %d entries, limit is %d", n, maxList)
			}
			items = 2 * n
		default:
			b, err = msgp.Skip(b) // scalars, strings, bins, extensions
		}
		if err != nil {
			return err
		}
		pending += int(items)
		if pending > len(b) {
			return fmt.Errorf("%d objects declared, only %d bytes left: %w", pending, len(b), msgp.ErrShortBytes)
		}
	}
	if len(b) > 0 {
		return fmt.Errorf("%d bytes of trailing garbage after the model", len(b))
	}
	return nil
}
