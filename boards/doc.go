// Package boards describes the boards edgeq targets — CPU cores and clocks,
// the GOARCH/GOARM to build for, the qemu CPU model that emulates them, the
// SIMD features the kernels care about, and where their temperature, clock and
// power readings live — as plain data, with lookups and small sysfs readers.
//
// The table is the single place these facts are written down: the CLI's
// `edgeq boards` lists it, `bench` reads a board's sensors through it, and CI
// runs the arm tests under the qemu command it gives.
//
// # Profiles
//
// A named profile (pi4, pi5, jetson-nano, ...) is one physical board. A
// generic profile (generic-arm64, generic-armv9, ...) is an ISA level rather
// than a board: its core count and clock are unknown (0) and its paths are the
// usual defaults. Features list what every core of the board has, which on
// big.LITTLE SoCs is what Linux reports: the intersection of the clusters.
//
// Feature names follow the kernels' dispatch: NEON is Advanced SIMD (NEON on
// ARMv7, ASIMD on ARMv8, where it is always present), DotProd is the ARMv8.2
// SDOT/UDOT instructions, I8MM the ARMv8.6 SMMLA/USMMLA/USDOT ones, FP16
// half-precision arithmetic (scalar and vector). On amd64 AVX2, AVX-VNNI and
// AVX-512 VNNI (VPDPBUSD) matter.
//
// # Host detection
//
// Host recognises a named board from the device tree's root compatible
// strings (/proc/device-tree/compatible), which unlike the model string are
// stable across kernels, and otherwise falls back to the generic profile for
// GOARCH and the features golang.org/x/sys/cpu detects. Its Features are
// always the detected ones. A 32-bit OS on a 64-bit board (common on the Pi
// Zero 2 W and Pi 3) is reported as that board with GOARCH "arm".
//
// # Emulation
//
// QEMU names the qemu-user binary and -cpu model (Debian's qemu-user 7.2
// lists them with `qemu-aarch64 -cpu help`). The model has the board's ISA
// features, not its timing: qemu says nothing about speed. qemu 7.2 has no
// Cortex-A55 model, so the RK3588 profile emulates its Cortex-A76 cores,
// which have the same features. The tests check that every model is in
// qemu's list and that x/sys/cpu, run under it, detects exactly the
// profile's Features.
//
// # Sysfs
//
// ReadThermal, ReadCPUFreq and FindThermalZone read the Linux thermal and
// cpufreq trees (Documentation/driver-api/thermal/sysfs-api.rst,
// Documentation/admin-guide/pm/cpufreq.rst). Values are untrusted text: a
// missing file or a malformed value is an error naming the path, never a
// panic or a silent zero.
package boards
