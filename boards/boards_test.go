package boards

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// coreFacts are the ARM cores the table uses: the GOARCH a profile for them
// builds for and the features every such core has. A board's Features must
// be what its cores have in common. (Arm Technical Reference Manuals: A7/A8
// are ARMv7-A with NEON; A53/A57/A72 ARMv8.0-A; A55/A76 ARMv8.2-A with the
// dot product and FP16 extensions.)
var coreFacts = map[string]struct {
	goarch string
	f      Features
}{
	"Cortex-A7":  {"arm", Features{NEON: true}},
	"Cortex-A8":  {"arm", Features{NEON: true}},
	"Cortex-A53": {"arm64", armv80},
	"Cortex-A57": {"arm64", armv80},
	"Cortex-A72": {"arm64", armv80},
	"Cortex-A55": {"arm64", armv82},
	"Cortex-A76": {"arm64", armv82},
}

var qemuFor = map[string]string{"arm64": "qemu-aarch64", "arm": "qemu-arm", "amd64": ""}

func TestTable(t *testing.T) {
	names := map[string]bool{}
	compatible := map[string]string{}
	for _, b := range All() {
		t.Run(b.Name, func(t *testing.T) {
			if b.Name == "" || b.Name != strings.ToLower(b.Name) || strings.ContainsAny(b.Name, " \t/") {
				t.Errorf("name %q: want a non-empty lower-case id without spaces or slashes", b.Name)
			}
			if names[b.Name] {
				t.Errorf("duplicate name %q", b.Name)
			}
			names[b.Name] = true
			if b.Title == "" || b.SoC == "" || b.Notes == "" {
				t.Errorf("title %q, SoC %q, notes %q: all are needed", b.Title, b.SoC, b.Notes)
			}
			if b.GOOS != "linux" {
				t.Errorf("GOOS %q, want linux", b.GOOS)
			}
			checkArch(t, b)
			checkCores(t, b)
			checkPaths(t, b)
			for _, c := range b.Compatible {
				if other, ok := compatible[c]; ok {
					t.Errorf("compatible %q also claimed by %s", c, other)
				}
				compatible[c] = b.Name
			}
			if !b.Generic && len(b.Compatible) == 0 {
				t.Error("a named board needs device-tree compatible strings for Host")
			}
			if b.Generic && len(b.Compatible) != 0 {
				t.Error("a generic profile must not claim compatible strings")
			}
		})
	}
}

func checkArch(t *testing.T, b Board) {
	t.Helper()
	bin, ok := qemuFor[b.GOARCH]
	if !ok {
		t.Fatalf("GOARCH %q has no profile support", b.GOARCH)
	}
	if b.QEMU.Binary != bin {
		t.Errorf("GOARCH %s runs under %q, profile says %q", b.GOARCH, bin, b.QEMU.Binary)
	}
	if (b.QEMU.Binary == "") != (b.QEMU.CPU == "") {
		t.Errorf("QEMU %+v: binary and CPU go together", b.QEMU)
	}
	if b.GOARCH == "arm" {
		if n, err := strconv.Atoi(b.GOARM); err != nil || n < 5 || n > 7 {
			t.Errorf("GOARM %q, want 5, 6 or 7 for GOARCH=arm", b.GOARM)
		}
	} else if b.GOARM != "" {
		t.Errorf("GOARM %q set for GOARCH=%s", b.GOARM, b.GOARCH)
	}

	f := b.Features
	x86 := f.AVX2 || f.AVXVNNI || f.AVX512VNNI
	arm64Only := f.DotProd || f.I8MM || f.SVE || f.SVE2 || f.FP16
	switch {
	case x86 && b.GOARCH != "amd64":
		t.Errorf("features %v: x86 features on %s", f, b.GOARCH)
	case f.NEON && b.GOARCH == "amd64":
		t.Errorf("features %v: NEON on amd64", f)
	case arm64Only && b.GOARCH != "arm64":
		t.Errorf("features %v: ARMv8.2+ features on %s profile", f, b.GOARCH)
	case b.GOARCH == "arm64" && !f.NEON:
		t.Errorf("features %v: ASIMD is mandatory on arm64", f)
	case f.SVE2 && !f.SVE, f.I8MM && !f.DotProd:
		t.Errorf("features %v: SVE2 implies SVE, I8MM (ARMv8.6) implies dot product", f)
	}
}

func checkCores(t *testing.T, b Board) {
	t.Helper()
	if len(b.Cores) == 0 {
		t.Fatal("no cores")
	}
	if b.Generic {
		if len(b.Cores) != 1 || b.Cores[0].Count != 0 || b.Cores[0].MaxMHz != 0 || b.Cores[0].Core == "" {
			t.Errorf("generic cores %+v: want one cluster naming the ISA, count and clock unknown (0)", b.Cores)
		}
		return
	}
	var common *Features
	used := map[int]bool{}
	qemuMatches := false
	for _, c := range b.Cores {
		facts, ok := coreFacts[c.Core]
		if !ok {
			t.Errorf("core %q: add its facts to coreFacts", c.Core)
			continue
		}
		if facts.goarch != b.GOARCH {
			t.Errorf("core %s is %s, profile builds for %s", c.Core, facts.goarch, b.GOARCH)
		}
		if c.Count <= 0 || c.MaxMHz < 100 || c.MaxMHz > 5000 {
			t.Errorf("cluster %+v: want a core count and a clock in MHz", c)
		}
		cpus, err := parseCPUList(c.CPUs)
		if err != nil || len(cpus) != c.Count {
			t.Errorf("cluster %+v: CPUs %q should list %d CPUs (%v)", c, c.CPUs, c.Count, err)
		}
		for _, n := range cpus {
			if used[n] {
				t.Errorf("CPU %d in two clusters", n)
			}
			used[n] = true
		}
		f := facts.f
		if common == nil {
			common = &f
		} else {
			*common = intersect(*common, f)
		}
		if strings.ToLower(c.Core) == b.QEMU.CPU {
			qemuMatches = true
		}
	}
	if common != nil && *common != b.Features {
		t.Errorf("features %q, but its cores have %q in common", b.Features, *common)
	}
	if !qemuMatches {
		t.Errorf("qemu CPU %q emulates none of its cores", b.QEMU.CPU)
	}
	if b.TotalCores() != len(used) {
		t.Errorf("TotalCores %d, clusters list %d CPUs", b.TotalCores(), len(used))
	}
}

func checkPaths(t *testing.T, b Board) {
	t.Helper()
	if b.ThermalZone != "" && !(strings.HasPrefix(b.ThermalZone, "/sys/class/thermal/thermal_zone") && strings.HasSuffix(b.ThermalZone, "/temp")) {
		t.Errorf("thermal zone %q: want /sys/class/thermal/thermal_zoneN/temp", b.ThermalZone)
	}
	if !b.Generic && b.ThermalZone != "" && b.ThermalType == "" {
		t.Error("a named board's thermal zone needs its type, so FindThermalZone can find it when numbering differs")
	}
	if len(b.CPUFreq) == 0 {
		t.Error("no cpufreq directory")
	}
	if !b.Generic && len(b.CPUFreq) < len(b.Cores) {
		t.Errorf("%d cpufreq directories for %d clusters", len(b.CPUFreq), len(b.Cores))
	}
	for _, d := range b.CPUFreq {
		if !strings.HasPrefix(d, "/sys/devices/system/cpu/cpu") || !strings.HasSuffix(d, "/cpufreq") {
			t.Errorf("cpufreq %q: want /sys/devices/system/cpu/cpuN/cpufreq", d)
		}
	}
	for _, p := range b.Power {
		switch p.Kind {
		case PowerINA219, PowerINA226, PowerINA260:
			if p.Address < 0x40 || p.Address > 0x4f {
				t.Errorf("power %+v: INA2xx addresses are 0x40-0x4f", p)
			}
		case PowerSysfs, PowerHwmon, PowerRAPL:
			if !strings.HasPrefix(p.Path, "/sys/") || p.Unit == "" {
				t.Errorf("power %+v: needs a /sys path and its unit", p)
			}
		case PowerRPiPMIC:
			if len(p.Command) == 0 {
				t.Errorf("power %+v: needs the command", p)
			}
		default:
			t.Errorf("power %+v: unknown kind", p)
		}
		if p.Note == "" || p.Rail == "" {
			t.Errorf("power %+v: needs a rail and a note", p)
		}
	}
}

func intersect(a, b Features) Features {
	return Features{
		NEON: a.NEON && b.NEON, DotProd: a.DotProd && b.DotProd, I8MM: a.I8MM && b.I8MM,
		SVE: a.SVE && b.SVE, SVE2: a.SVE2 && b.SVE2, FP16: a.FP16 && b.FP16,
		AVX2: a.AVX2 && b.AVX2, AVXVNNI: a.AVXVNNI && b.AVXVNNI, AVX512VNNI: a.AVX512VNNI && b.AVX512VNNI,
	}
}

// parseCPUList parses the kernel's CPU list format: "0-3", "0,2", "4-7".
func parseCPUList(s string) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, err
			}
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
	}
	return out, nil
}

func TestRequiredBoards(t *testing.T) {
	// The boards edgeq promises, with the facts most easily got wrong.
	for _, want := range []struct {
		name, soc, core string
		mhz             int
		arch, qemuCPU   string
		dotprod         bool
	}{
		{"pizero2w", "RP3A0", "Cortex-A53", 1000, "arm64", "cortex-a53", false},
		{"pi3bplus", "BCM2837B0", "Cortex-A53", 1400, "arm64", "cortex-a53", false},
		{"pi4", "BCM2711", "Cortex-A72", 1800, "arm64", "cortex-a72", false},
		{"cm4", "BCM2711", "Cortex-A72", 1500, "arm64", "cortex-a72", false},
		{"pi5", "BCM2712", "Cortex-A76", 2400, "arm64", "cortex-a76", true},
		{"jetson-nano", "Tegra X1", "Cortex-A57", 1430, "arm64", "cortex-a57", false},
		{"rock5b", "RK3588", "Cortex-A76", 2400, "arm64", "cortex-a76", true},
		{"bbb", "AM3358", "Cortex-A8", 1000, "arm", "cortex-a8", false},
	} {
		b, err := Lookup(want.name)
		if err != nil {
			t.Error(err)
			continue
		}
		if !strings.Contains(b.SoC, want.soc) || b.GOARCH != want.arch || b.QEMU.CPU != want.qemuCPU || b.Features.DotProd != want.dotprod {
			t.Errorf("%s: SoC %q GOARCH %s qemu %s dotprod %v; want %s %s %s %v",
				b.Name, b.SoC, b.GOARCH, b.QEMU.CPU, b.Features.DotProd, want.soc, want.arch, want.qemuCPU, want.dotprod)
		}
		if !slices.ContainsFunc(b.Cores, func(c Cluster) bool { return c.Core == want.core && c.MaxMHz == want.mhz }) {
			t.Errorf("%s: cores %+v, want %s at %d MHz", b.Name, b.Cores, want.core, want.mhz)
		}
	}
	rock, _ := Lookup("rock5b")
	if len(rock.Cores) != 2 || rock.TotalCores() != 8 || rock.MaxMHz() != 2400 {
		t.Errorf("rock5b: cores %+v, want 4×A55 + 4×A76, top 2400 MHz", rock.Cores)
	}
	nano, _ := Lookup("jetson-nano")
	if len(nano.Power) != 3 || nano.Power[0].Path != "/sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0/in_power0_input" {
		t.Errorf("jetson-nano power %+v: want the INA3221's three channels", nano.Power)
	}
	for _, name := range []string{"generic-arm64", "generic-amd64", "generic-armv7", "generic-armv9"} {
		if _, err := Lookup(name); err != nil {
			t.Error(err)
		}
	}
	if b, _ := Lookup("generic-armv9"); !b.Features.I8MM {
		t.Error("generic-armv9 must cover I8MM")
	}
}

func TestAllIsStableAndACopy(t *testing.T) {
	a := All()
	if !reflect.DeepEqual(a, All()) {
		t.Fatal("All differs between calls")
	}
	if got := Names(); len(got) != len(a) {
		t.Fatalf("Names has %d entries, All %d", len(got), len(a))
	}
	for i, b := range a {
		if Names()[i] != b.Name {
			t.Errorf("Names()[%d] = %s, All()[%d].Name = %s", i, Names()[i], i, b.Name)
		}
	}
	// Named boards come before generic profiles.
	firstGeneric := slices.IndexFunc(a, func(b Board) bool { return b.Generic })
	if firstGeneric < 0 || slices.ContainsFunc(a[firstGeneric:], func(b Board) bool { return !b.Generic }) {
		t.Error("named boards must all come before the generic profiles")
	}

	a[0].Cores[0].Count = 99
	a[0].CPUFreq[0] = "changed"
	a[0].Compatible[0] = "changed"
	a[0].Power[0].Note = "changed"
	again, _ := Lookup(a[0].Name)
	if again.Cores[0].Count == 99 || again.CPUFreq[0] == "changed" || again.Compatible[0] == "changed" || again.Power[0].Note == "changed" {
		t.Error("changing All's result changed the table")
	}
	pi5, _ := Lookup("pi5")
	pi5.Power[0].Command[0] = "changed"
	if again, _ := Lookup("pi5"); again.Power[0].Command[0] != "vcgencmd" {
		t.Error("changing Lookup's result changed the table")
	}
}

func TestLookup(t *testing.T) {
	for _, name := range []string{"pi4", "PI4", "Rock5B", "Generic-ARMv8.2", "JETSON-nano"} {
		b, err := Lookup(name)
		if err != nil || !strings.EqualFold(b.Name, name) {
			t.Errorf("Lookup(%q) = %s, %v", name, b.Name, err)
		}
	}
	for _, name := range []string{"", "pi6", "pi 4", "raspberry pi 4"} {
		_, err := Lookup(name)
		if !errors.Is(err, ErrUnknownBoard) {
			t.Errorf("Lookup(%q): error %v, want ErrUnknownBoard", name, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, strconv.Quote(name)) {
			t.Errorf("Lookup(%q): %q does not name the input", name, msg)
		}
		for _, valid := range Names() {
			if !strings.Contains(msg, valid) {
				t.Errorf("Lookup(%q): %q does not list %s", name, msg, valid)
			}
		}
	}
}

func TestQEMUCommand(t *testing.T) {
	for name, want := range map[string][]string{
		"pi4":           {"qemu-aarch64", "-cpu", "cortex-a72"},
		"pi5":           {"qemu-aarch64", "-cpu", "cortex-a76"},
		"bbb":           {"qemu-arm", "-cpu", "cortex-a8"},
		"generic-armv9": {"qemu-aarch64", "-cpu", "max"},
		"generic-amd64": nil,
	} {
		b, _ := Lookup(name)
		if got := b.QEMUCommand(); !slices.Equal(got, want) {
			t.Errorf("%s: QEMUCommand() = %q, want %q", name, got, want)
		}
	}
}

func TestFeaturesString(t *testing.T) {
	for f, want := range map[Features]string{
		{}:                                   "none",
		armv82:                               "neon dotprod fp16",
		{AVX2: true, AVX512VNNI: true}:       "avx2 avx512vnni",
		{NEON: true, I8MM: true, SVE2: true}: "neon i8mm sve2",
	} {
		if got := f.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", f, got, want)
		}
	}
}
