// Package runtime is edgeq's interpreter: it loads an .eqm model, prepares
// every operator once (validating shapes and quantization and precomputing
// fixed-point multipliers), plans all activation tensors into one arena, and
// runs the graph with Invoke without allocating.
//
// # Pieces
//
// The interpreter (Load, Invoke), the op registry (one prepare function per
// op name, returning the op's eval closure), and the memory planner (a
// Planner interface with a greedy implementation) are separate, as in
// TensorFlow Lite Micro.
//
// # Memory
//
// Constant tensors are slices into the model bytes (zero-copy); only data
// whose alignment does not suit its element type is copied once at load.
// Activations, variables and per-op scratch live in one arena laid out from
// their lifetimes. A caller may supply the arena (WithArena), as firmware
// with static memory does; Load reports the size needed if it is too small.
package runtime
