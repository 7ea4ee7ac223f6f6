package boards

import (
	"reflect"
	"runtime"
	"slices"
	"testing"
)

func TestHostOnThisMachine(t *testing.T) {
	b, named := Host()
	t.Logf("host: %s (%s), named board %v, GOARCH %s, %d cores, features %s",
		b.Name, b.Title, named, b.GOARCH, b.TotalCores(), b.Features)
	if b.GOARCH != runtime.GOARCH {
		t.Errorf("GOARCH %s, running %s", b.GOARCH, runtime.GOARCH)
	}
	if b.Features != HostFeatures() {
		t.Errorf("features %s, detected %s", b.Features, HostFeatures())
	}
	if named == b.Generic {
		t.Errorf("named %v but Generic %v", named, b.Generic)
	}
	if !named && b.TotalCores() != runtime.NumCPU() {
		t.Errorf("generic profile with %d cores, NumCPU %d", b.TotalCores(), runtime.NumCPU())
	}
	if runtime.GOARCH == "amd64" && !named && b.Name != "generic-amd64" {
		t.Errorf("amd64 host matched %s, want generic-amd64", b.Name)
	}
	if runtime.GOARCH == "arm64" && !HostFeatures().NEON {
		t.Error("arm64 host without ASIMD detected")
	}
}

func TestHostBoard(t *testing.T) {
	dot := Features{NEON: true, DotProd: true, FP16: true}
	v9 := Features{NEON: true, DotProd: true, I8MM: true, SVE: true, SVE2: true, FP16: true}
	avx := Features{AVX2: true}
	for _, tc := range []struct {
		desc   string
		h      hostInfo
		name   string
		named  bool
		goarch string
		goarm  string
		qemu   QEMU
	}{
		{"pi5", hostInfo{compatible: []string{"raspberrypi,5-model-b", "brcm,bcm2712"}, goos: "linux", goarch: "arm64", features: dot, ncpu: 4},
			"pi5", true, "arm64", "", qemuA76},
		{"zero 2 W with a 32-bit OS", hostInfo{compatible: []string{"raspberrypi,model-zero-2-w", "brcm,bcm2837"}, goos: "linux", goarch: "arm", goarm: "7", features: Features{NEON: true}, ncpu: 4},
			"pizero2w", true, "arm", "7", QEMU{"qemu-arm", "max"}},
		{"jetson nano 2GB", hostInfo{compatible: []string{"nvidia,p3541-0000", "nvidia,p3450-0000", "nvidia,tegra210"}, goos: "linux", goarch: "arm64", features: armv80, ncpu: 4},
			"jetson-nano", true, "arm64", "", qemuA57},
		{"bbb, new vendor prefix", hostInfo{compatible: []string{"beagle,am335x-bone-black", "ti,am33xx"}, goos: "linux", goarch: "arm", goarm: "7", features: Features{NEON: true}, ncpu: 1},
			"bbb", true, "arm", "7", QEMU{"qemu-arm", "cortex-a8"}},
		{"rock 5B", hostInfo{compatible: []string{"radxa,rock-5b", "rockchip,rk3588"}, goos: "linux", goarch: "arm64", features: dot, ncpu: 8},
			"rock5b", true, "arm64", "", qemuA76},
		{"rock 5B+ is another board", hostInfo{compatible: []string{"radxa,rock-5b-plus", "rockchip,rk3588"}, goos: "linux", goarch: "arm64", features: dot, ncpu: 8},
			"generic-armv8.2", false, "arm64", "", qemuA76},
		{"unknown armv9", hostInfo{compatible: []string{"acme,board"}, goos: "linux", goarch: "arm64", features: v9, ncpu: 12},
			"generic-armv9", false, "arm64", "", qemuA64x},
		{"ARMv8.0 server without device tree", hostInfo{goos: "linux", goarch: "arm64", features: armv80, ncpu: 64},
			"generic-arm64", false, "arm64", "", qemuA72},
		{"armv6-level CPU", hostInfo{goos: "linux", goarch: "arm", goarm: "6", ncpu: 1},
			"generic-armv7", false, "arm", "6", QEMU{"qemu-arm", "cortex-a7"}},
		{"workstation", hostInfo{goos: "linux", goarch: "amd64", features: avx, ncpu: 16},
			"generic-amd64", false, "amd64", "", QEMU{}},
		{"device tree that cannot be this machine", hostInfo{compatible: []string{"raspberrypi,4-model-b"}, goos: "linux", goarch: "amd64", features: avx, ncpu: 2},
			"generic-amd64", false, "amd64", "", QEMU{}},
		{"mac", hostInfo{goos: "darwin", goarch: "arm64", features: dot, ncpu: 10},
			"generic-armv8.2", false, "arm64", "", qemuA76},
		{"riscv", hostInfo{goos: "linux", goarch: "riscv64", ncpu: 4},
			"generic-riscv64", false, "riscv64", "", QEMU{}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			b, named := hostBoard(tc.h)
			if b.Name != tc.name || named != tc.named {
				t.Fatalf("got %s, named %v; want %s, %v", b.Name, named, tc.name, tc.named)
			}
			if b.GOARCH != tc.goarch || b.GOARM != tc.goarm || b.QEMU != tc.qemu {
				t.Errorf("GOARCH %q GOARM %q QEMU %+v; want %q %q %+v", b.GOARCH, b.GOARM, b.QEMU, tc.goarch, tc.goarm, tc.qemu)
			}
			if b.Features != tc.h.features {
				t.Errorf("features %s, want the detected %s", b.Features, tc.h.features)
			}
			if b.GOOS != tc.h.goos {
				t.Errorf("GOOS %s, want %s", b.GOOS, tc.h.goos)
			}
			if !named && b.TotalCores() != tc.h.ncpu {
				t.Errorf("generic profile with %d cores, want %d", b.TotalCores(), tc.h.ncpu)
			}
			if tc.h.goos != "linux" && (b.ThermalZone != "" || len(b.CPUFreq) != 0 || len(b.Power) != 0) {
				t.Errorf("Linux paths kept on %s: %q %q %v", tc.h.goos, b.ThermalZone, b.CPUFreq, b.Power)
			}
		})
	}
	// hostBoard works on copies.
	if !reflect.DeepEqual(All(), tableSnapshot) {
		t.Error("hostBoard changed the table")
	}
}

var tableSnapshot = All()

func TestSplitCompatible(t *testing.T) {
	got := splitCompatible([]byte("raspberrypi,5-model-b\x00brcm,bcm2712\x00"))
	if want := []string{"raspberrypi,5-model-b", "brcm,bcm2712"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := splitCompatible(nil); len(got) != 0 {
		t.Errorf("empty: got %q", got)
	}
}
