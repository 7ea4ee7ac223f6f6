// Package dataset reads the sample sets edgeq calibrates and evaluates
// models on: IDX files (the MNIST / Fashion-MNIST format, gzipped or not),
// NumPy .npy arrays, and folders of .npy, raw .bin or PNG/JPEG files. Every
// source becomes a Set of float32 samples, or a list of integer labels.
//
// # Sources
//
//	idx:PATH        an IDX file (PATH may end in .gz); also any path ending in
//	                "-ubyte" or "-ubyte.gz"
//	X.npy           samples stacked on axis 0; any numeric dtype
//	DIR             every .npy, .bin, .png, .jpg and .jpeg file in DIR, sorted
//	                by name, one sample per file (.bin files are raw float32)
//
// # Preprocessing
//
// Integer-valued data (images, IDX pixels, integer .npy arrays) becomes
// (v − Mean) · Scale; the default, Scale 1/255 and Mean 0, maps 8-bit pixels
// to [0, 1]. Float data is used as it is. Images are decoded to grayscale or
// RGB (Channels) and resized bilinearly to Height × Width when those are set.
//
// # IDX layout
//
// Two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
// 0x0D float32, 0x0E float64), the number of dimensions, each dimension as a
// big-endian uint32, then the elements, big-endian, row-major. See
// http://yann.lecun.com/exdb/mnist/.
//
// # Untrusted input
//
// Every reader checks declared sizes against limits and against the bytes
// actually present before allocating, and returns errors, never panics.
package dataset
