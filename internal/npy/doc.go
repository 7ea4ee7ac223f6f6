// Package npy reads and writes NumPy's .npy array files, so the command line
// can take inputs and calibration data from Python and hand results back.
//
// # File layout
//
// An .npy file is the magic "\x93NUMPY", a major and minor version byte, the
// header length (2 bytes little-endian in version 1, 4 bytes in versions 2
// and 3), and the header: a Python dict literal such as
//
//	{'descr': '<f4', 'fortran_order': False, 'shape': (1, 49, 10, 1), }
//
// padded with spaces and a final newline, followed by the raw array data.
// See https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html.
//
// # What is supported
//
// Little-endian numeric and bool dtypes in C (row-major) order, which is what
// np.save writes on every common machine. Big-endian data, Fortran order,
// structured dtypes and pickled objects are refused with an error. The data
// is returned as raw little-endian bytes; dtypes are named as NumPy names
// them ("float32", "int8", "bool", ...).
//
// # Untrusted input
//
// Read bounds the header size, checks every field and the data length
// against the shape, and never allocates more than the input actually
// holds, so a hostile header cannot make it panic or exhaust memory.
package npy
