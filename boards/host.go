package boards

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"slices"

	"golang.org/x/sys/cpu"
)

// HostFeatures returns the features of the CPU the program runs on, as
// golang.org/x/sys/cpu detects them (from HWCAP on Linux/arm, CPUID on x86).
// Only the running GOARCH's features can be set.
func HostFeatures() Features { return hostFeatures }

var hostFeatures = detectFeatures(runtime.GOARCH)

func detectFeatures(goarch string) Features {
	switch goarch {
	case "arm64":
		return Features{
			NEON:    cpu.ARM64.HasASIMD,
			DotProd: cpu.ARM64.HasASIMDDP,
			I8MM:    cpu.ARM64.HasI8MM,
			SVE:     cpu.ARM64.HasSVE,
			SVE2:    cpu.ARM64.HasSVE2,
			FP16:    cpu.ARM64.HasFPHP && cpu.ARM64.HasASIMDHP,
		}
	case "arm":
		return Features{NEON: cpu.ARM.HasNEON}
	case "amd64", "386":
		return Features{
			AVX2:       cpu.X86.HasAVX2,
			AVXVNNI:    cpu.X86.HasAVXVNNI,
			AVX512VNNI: cpu.X86.HasAVX512VNNI,
		}
	}
	return Features{}
}

// hostGOARM is the GOARM level the running ARM CPU supports: 7 needs VFPv3,
// 6 needs VFP.
func hostGOARM() string {
	switch {
	case runtime.GOARCH != "arm":
		return ""
	case cpu.ARM.HasVFPv3:
		return "7"
	case cpu.ARM.HasVFP:
		return "6"
	}
	return "5"
}

// Host returns the profile that best describes the machine the program runs
// on, and whether it is a named board (true) rather than a generic fallback.
//
// A named board is recognised by its device-tree compatible strings. A
// 64-bit board running a 32-bit OS is reported with GOARCH "arm", the GOARM
// the CPU supports and qemu-arm's "max" model. Otherwise the generic profile
// for GOARCH is chosen by feature: on arm64 I8MM means generic-armv9 and dot
// product generic-armv8.2. A GOARCH with no profile gets a bare generic one.
//
// In every case Features are the detected ones (HostFeatures), and a generic
// profile's core count is runtime.NumCPU().
func Host() (Board, bool) {
	return hostBoard(hostInfo{
		compatible: readCompatible(),
		goos:       runtime.GOOS,
		goarch:     runtime.GOARCH,
		goarm:      hostGOARM(),
		features:   HostFeatures(),
		ncpu:       runtime.NumCPU(),
	})
}

// hostInfo is what Host looks at, gathered so hostBoard can be tested with
// any machine's facts.
type hostInfo struct {
	compatible   []string // device-tree root compatible strings
	goos, goarch string
	goarm        string
	features     Features
	ncpu         int
}

func hostBoard(h hostInfo) (Board, bool) {
	for _, b := range table {
		if b.Generic || !slices.ContainsFunc(b.Compatible, func(c string) bool { return slices.Contains(h.compatible, c) }) {
			continue
		}
		b = b.clone()
		switch {
		case b.GOARCH == h.goarch:
		case b.GOARCH == "arm64" && h.goarch == "arm":
			b.GOARCH, b.GOARM = "arm", h.goarm
			b.QEMU = QEMU{"qemu-arm", "max"}
			b.Notes = "Running a 32-bit OS (GOARCH=arm) on this 64-bit board. " + b.Notes
		default:
			continue // a device tree that cannot be this process's machine
		}
		b.Features = h.features
		return b, true
	}

	var name string
	switch h.goarch {
	case "arm64":
		switch {
		case h.features.I8MM:
			name = "generic-armv9"
		case h.features.DotProd:
			name = "generic-armv8.2"
		default:
			name = "generic-arm64"
		}
	case "arm":
		name = "generic-armv7"
	case "amd64":
		name = "generic-amd64"
	}
	b, err := Lookup(name)
	if err != nil {
		b = Board{
			Name:    "generic-" + h.goarch,
			Title:   "Unrecognised " + h.goarch + " machine",
			SoC:     "unknown",
			Cores:   []Cluster{{Core: h.goarch}},
			Generic: true,
			GOARCH:  h.goarch,
			Notes:   "edgeq has no profile for GOARCH=" + h.goarch + "; only the portable Go kernels apply.",
		}
	}
	b.Cores[0].Count = h.ncpu
	b.GOOS = h.goos
	if b.GOARCH == "arm" {
		b.GOARM = h.goarm
	}
	if h.goos != "linux" {
		// The profile's paths are Linux sysfs paths.
		b.ThermalZone, b.ThermalType, b.CPUFreq, b.Power = "", "", nil, nil
	}
	b.Features = h.features
	return b, false
}

// readCompatible returns the device tree's root compatible strings, or nil
// where there is no device tree (x86, ACPI arm64 servers, non-Linux).
func readCompatible() []string {
	for _, p := range []string{"/proc/device-tree/compatible", "/sys/firmware/devicetree/base/compatible"} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, 4096))
		f.Close()
		if err != nil {
			continue
		}
		return splitCompatible(data)
	}
	return nil
}

// splitCompatible splits a device-tree string list (NUL-terminated strings).
func splitCompatible(data []byte) []string {
	var out []string
	for s := range bytes.SplitSeq(data, []byte{0}) {
		if len(s) > 0 {
			out = append(out, string(s))
		}
	}
	return out
}
