package boards

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Board is the profile of one target board, or of a generic ISA level.
type Board struct {
	Name    string    `json:"name"`    // short id used on the command line: "pi4"
	Title   string    `json:"title"`   // "Raspberry Pi 4 Model B"
	SoC     string    `json:"soc"`     // "Broadcom BCM2711"
	Cores   []Cluster `json:"cores"`   // one per core type; big.LITTLE SoCs have two
	Generic bool      `json:"generic"` // an ISA level, not a physical board

	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
	GOARM  string `json:"goarm,omitempty"` // only for GOARCH=arm: "7"

	Features Features `json:"features"` // common to every core
	QEMU     QEMU     `json:"qemu"`     // zero for native amd64

	// Compatible lists device-tree root compatible strings that identify
	// the board; Host matches any of them.
	Compatible []string `json:"compatible,omitempty"`

	ThermalZone string        `json:"thermal_zone,omitempty"` // temp file in millidegrees C
	ThermalType string        `json:"thermal_type,omitempty"` // the zone's type, for FindThermalZone when numbering differs
	CPUFreq     []string      `json:"cpufreq,omitempty"`      // one cpufreq directory per clock domain
	Power       []PowerSensor `json:"power,omitempty"`        // the usual ways to measure its power

	Notes string `json:"notes,omitempty"`
}

// Cluster is a group of identical cores.
type Cluster struct {
	Count  int    `json:"count"`          // 0 when unknown (generic profiles)
	Core   string `json:"core"`           // "Cortex-A72"; the ISA level for generic profiles
	MaxMHz int    `json:"max_mhz"`        // rated top clock; 0 when unknown
	CPUs   string `json:"cpus,omitempty"` // kernel CPU numbers, as taskset takes them: "4-7"
}

// Features are the CPU features edgeq's kernels dispatch on.
type Features struct {
	NEON       bool `json:"neon,omitempty"`       // Advanced SIMD: NEON (ARMv7) or ASIMD (ARMv8)
	DotProd    bool `json:"dotprod,omitempty"`    // ARMv8.2 SDOT/UDOT (FEAT_DotProd)
	I8MM       bool `json:"i8mm,omitempty"`       // ARMv8.6 SMMLA/USMMLA/USDOT (FEAT_I8MM)
	SVE        bool `json:"sve,omitempty"`        // Scalable Vector Extension
	SVE2       bool `json:"sve2,omitempty"`       // SVE2 (ARMv9)
	FP16       bool `json:"fp16,omitempty"`       // half-precision arithmetic, scalar and vector (FEAT_FP16)
	AVX2       bool `json:"avx2,omitempty"`       // amd64
	AVXVNNI    bool `json:"avxvnni,omitempty"`    // amd64: VEX-encoded VPDPBUSD (Alder Lake, Zen 5)
	AVX512VNNI bool `json:"avx512vnni,omitempty"` // amd64: EVEX VPDPBUSD (Cascade Lake, Zen 4)
}

// String lists the features present, lower case and space separated, in a
// fixed order: "neon dotprod fp16". It is "none" when there are none.
func (f Features) String() string {
	var s []string
	for _, x := range []struct {
		on   bool
		name string
	}{
		{f.NEON, "neon"}, {f.DotProd, "dotprod"}, {f.I8MM, "i8mm"},
		{f.SVE, "sve"}, {f.SVE2, "sve2"}, {f.FP16, "fp16"},
		{f.AVX2, "avx2"}, {f.AVXVNNI, "avxvnni"}, {f.AVX512VNNI, "avx512vnni"},
	} {
		if x.on {
			s = append(s, x.name)
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}

// QEMU names the qemu-user emulator and CPU model for a board.
type QEMU struct {
	Binary string `json:"binary,omitempty"` // "qemu-aarch64", "qemu-arm"; "" for native
	CPU    string `json:"cpu,omitempty"`    // -cpu model: "cortex-a72", "max"
}

// PowerKind says how a PowerSensor is read.
type PowerKind string

const (
	// PowerRPiPMIC is the Raspberry Pi 5 PMIC's ADC, read with
	// `vcgencmd pmic_read_adc`: per-rail currents and voltages.
	PowerRPiPMIC PowerKind = "rpi-pmic"
	// PowerINA219, PowerINA226 and PowerINA260 are current/power monitors on
	// an I2C bus, driven from user space (boards/power).
	PowerINA219 PowerKind = "ina219"
	PowerINA226 PowerKind = "ina226"
	PowerINA260 PowerKind = "ina260"
	// PowerSysfs is a file holding an instantaneous power reading in Unit,
	// e.g. a driver's in_power0_input.
	PowerSysfs PowerKind = "sysfs"
	// PowerHwmon is a hwmon power*_input file in microwatts, as the kernel's
	// ina2xx driver exposes when it is bound instead of a user-space driver.
	PowerHwmon PowerKind = "hwmon"
	// PowerRAPL is a cumulative energy counter (powercap energy_uj).
	PowerRAPL PowerKind = "rapl"
)

// PowerSensor is one usual way to measure a board's power.
type PowerSensor struct {
	Kind    PowerKind `json:"kind"`
	Rail    string    `json:"rail,omitempty"`    // what it measures: "5V input", "POM_5V_CPU"
	Bus     string    `json:"bus,omitempty"`     // I2C bus number ("1" is /dev/i2c-1); "" when wiring decides
	Address uint16    `json:"address,omitempty"` // 7-bit I2C address
	Path    string    `json:"path,omitempty"`    // sysfs file
	Command []string  `json:"command,omitempty"` // command to run, for PowerRPiPMIC
	Unit    string    `json:"unit,omitempty"`    // of Path's value: "mW", "uW", "uJ"
	Note    string    `json:"note,omitempty"`
}

// ErrUnknownBoard is wrapped by Lookup's error for a name not in the table.
var ErrUnknownBoard = errors.New("unknown board")

// All returns every profile, named boards first, in a stable order. The
// result is a copy: changing it does not change the table.
func All() []Board {
	out := make([]Board, len(table))
	for i, b := range table {
		out[i] = b.clone()
	}
	return out
}

// Names returns the profile names in All's order.
func Names() []string {
	names := make([]string, len(table))
	for i, b := range table {
		names[i] = b.Name
	}
	return names
}

// Lookup returns the profile named name, ignoring case. The error for an
// unknown name wraps ErrUnknownBoard and lists the valid names.
func Lookup(name string) (Board, error) {
	for _, b := range table {
		if strings.EqualFold(b.Name, name) {
			return b.clone(), nil
		}
	}
	return Board{}, fmt.Errorf("boards: %w %q (valid: %s)", ErrUnknownBoard, name, strings.Join(Names(), ", "))
}

// QEMUCommand returns the emulator and its CPU flag, to be followed by the
// program and its arguments: ["qemu-aarch64", "-cpu", "cortex-a72"]. It is
// nil for a board that runs natively.
func (b Board) QEMUCommand() []string {
	if b.QEMU.Binary == "" {
		return nil
	}
	cmd := []string{b.QEMU.Binary}
	if b.QEMU.CPU != "" {
		cmd = append(cmd, "-cpu", b.QEMU.CPU)
	}
	return cmd
}

// TotalCores returns the number of cores over all clusters; 0 when unknown.
func (b Board) TotalCores() int {
	n := 0
	for _, c := range b.Cores {
		n += c.Count
	}
	return n
}

// MaxMHz returns the highest rated clock of any cluster; 0 when unknown.
func (b Board) MaxMHz() int {
	m := 0
	for _, c := range b.Cores {
		m = max(m, c.MaxMHz)
	}
	return m
}

func (b Board) clone() Board {
	b.Cores = slices.Clone(b.Cores)
	b.Compatible = slices.Clone(b.Compatible)
	b.CPUFreq = slices.Clone(b.CPUFreq)
	b.Power = slices.Clone(b.Power)
	for i := range b.Power {
		b.Power[i].Command = slices.Clone(b.Power[i].Command)
	}
	return b
}

// Paths shared by most boards.
const (
	thermalZone0 = "/sys/class/thermal/thermal_zone0/temp"
	cpu0Freq     = "/sys/devices/system/cpu/cpu0/cpufreq"
)

var (
	qemuA53  = QEMU{"qemu-aarch64", "cortex-a53"}
	qemuA57  = QEMU{"qemu-aarch64", "cortex-a57"}
	qemuA72  = QEMU{"qemu-aarch64", "cortex-a72"}
	qemuA76  = QEMU{"qemu-aarch64", "cortex-a76"}
	qemuA64x = QEMU{"qemu-aarch64", "max"}

	armv80 = Features{NEON: true}
	armv82 = Features{NEON: true, DotProd: true, FP16: true}
)

// inaOnBus lists the usual external I2C power monitors, each at its default
// address (A0 = A1 = GND), wired into the board's 5 V feed; where says which
// header pins carry the bus.
func inaOnBus(bus, where string) []PowerSensor {
	note := "external breakout in series with the 5 V supply (shunt on the input); " + where +
		"; or bind the kernel ina2xx driver and read hwmon power1_input (µW)"
	return []PowerSensor{
		{Kind: PowerINA219, Rail: "5V input", Bus: bus, Address: 0x40, Note: note},
		{Kind: PowerINA226, Rail: "5V input", Bus: bus, Address: 0x40, Note: note},
		{Kind: PowerINA260, Rail: "5V input", Bus: bus, Address: 0x40, Note: "integrated 2 mΩ shunt, up to 15 A; " + note},
	}
}

const piHeaderI2C = "header pins 3 (SDA) and 5 (SCL), GPIO2/3; enable with dtparam=i2c_arm=on"

// table is the data. Keep named boards first, then the generic profiles
// from the smallest ISA up; All's order is this order.
var table = []Board{
	{
		Name:        "pizero2w",
		Title:       "Raspberry Pi Zero 2 W",
		SoC:         "Raspberry Pi RP3A0 (BCM2710A1 + 512 MB SiP)",
		Cores:       []Cluster{{Count: 4, Core: "Cortex-A53", MaxMHz: 1000, CPUs: "0-3"}},
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv80,
		QEMU:        qemuA53,
		Compatible:  []string{"raspberrypi,model-zero-2-w"},
		ThermalZone: thermalZone0, ThermalType: "cpu-thermal",
		CPUFreq: []string{cpu0Freq},
		Power:   inaOnBus("1", piHeaderI2C),
		Notes: "512 MB RAM. Many run 32-bit Raspberry Pi OS: build GOARCH=arm GOARM=7 there " +
			"(Host reports it so); this profile is the 64-bit OS. ARMv8.0: no dot product. " +
			"No on-board power sensor.",
	},
	{
		Name:        "pi3bplus",
		Title:       "Raspberry Pi 3 Model B+",
		SoC:         "Broadcom BCM2837B0",
		Cores:       []Cluster{{Count: 4, Core: "Cortex-A53", MaxMHz: 1400, CPUs: "0-3"}},
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv80,
		QEMU:        qemuA53,
		Compatible:  []string{"raspberrypi,3-model-b-plus"},
		ThermalZone: thermalZone0, ThermalType: "cpu-thermal",
		CPUFreq: []string{cpu0Freq},
		Power:   inaOnBus("1", piHeaderI2C),
		Notes: "1 GB RAM; often runs a 32-bit OS (GOARCH=arm GOARM=7). Firmware drops the clock " +
			"to 1.2 GHz above the 60 °C soft limit, so long benchmarks need cooling. " +
			"ARMv8.0: no dot product. No on-board power sensor.",
	},
	{
		Name:        "pi4",
		Title:       "Raspberry Pi 4 Model B",
		SoC:         "Broadcom BCM2711",
		Cores:       []Cluster{{Count: 4, Core: "Cortex-A72", MaxMHz: 1800, CPUs: "0-3"}},
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv80,
		QEMU:        qemuA72,
		Compatible:  []string{"raspberrypi,4-model-b"},
		ThermalZone: thermalZone0, ThermalType: "cpu-thermal",
		CPUFreq: []string{cpu0Freq},
		Power:   inaOnBus("1", piHeaderI2C),
		Notes: "1.8 GHz on C0-stepping boards (board rev 1.4 and later) with current firmware; " +
			"early B0-stepping boards run at 1.5 GHz. ARMv8.0: no dot product, no crypto " +
			"extensions. No current sensing on board (vcgencmd measure_volts gives voltages only).",
	},
	{
		Name:        "cm4",
		Title:       "Raspberry Pi Compute Module 4",
		SoC:         "Broadcom BCM2711",
		Cores:       []Cluster{{Count: 4, Core: "Cortex-A72", MaxMHz: 1500, CPUs: "0-3"}},
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv80,
		QEMU:        qemuA72,
		Compatible:  []string{"raspberrypi,4-compute-module"},
		ThermalZone: thermalZone0, ThermalType: "cpu-thermal",
		CPUFreq: []string{cpu0Freq},
		Power:   inaOnBus("1", "on the CM4 IO Board's 40-pin header, pins 3/5 (GPIO2/3); other carriers differ"),
		Notes: "Same SoC as the Pi 4, clocked at 1.5 GHz by default. Power input, cooling and " +
			"header wiring depend on the carrier board.",
	},
	{
		Name:        "pi5",
		Title:       "Raspberry Pi 5",
		SoC:         "Broadcom BCM2712",
		Cores:       []Cluster{{Count: 4, Core: "Cortex-A76", MaxMHz: 2400, CPUs: "0-3"}},
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv82,
		QEMU:        qemuA76,
		Compatible:  []string{"raspberrypi,5-model-b"},
		ThermalZone: thermalZone0, ThermalType: "cpu-thermal",
		CPUFreq: []string{cpu0Freq},
		Power: append([]PowerSensor{{
			Kind:    PowerRPiPMIC,
			Rail:    "SoC and on-board rails",
			Command: []string{"vcgencmd", "pmic_read_adc"},
			Note: "Renesas DA9091 PMIC ADC: lines like `VDD_CORE_A current(7)=0.83A` and " +
				"`VDD_CORE_V volt(15)=0.72V`; pair lines by rail name (the indices differ) and sum V×I. " +
				"The 5 V input (EXT5V_V) has a voltage but no current, so USB and HAT loads are missed.",
		}}, inaOnBus("1", piHeaderI2C)...),
		Notes: "ARMv8.2-A: SDOT/UDOT and FP16; no I8MM or SVE. Sustaining 2.4 GHz under " +
			"load needs the active cooler.",
	},
	{
		Name:        "jetson-nano",
		Title:       "NVIDIA Jetson Nano Developer Kit",
		SoC:         "NVIDIA Tegra X1 (T210)",
		Cores:       []Cluster{{Count: 4, Core: "Cortex-A57", MaxMHz: 1430, CPUs: "0-3"}},
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv80,
		QEMU:        qemuA57,
		Compatible:  []string{"nvidia,p3450-0000", "nvidia,p3450-0002", "nvidia,jetson-nano"},
		ThermalZone: "/sys/class/thermal/thermal_zone1/temp", ThermalType: "CPU-therm",
		CPUFreq: []string{cpu0Freq},
		Power: []PowerSensor{
			jetsonNanoINA3221(0, "POM_5V_IN", "total module input"),
			jetsonNanoINA3221(1, "POM_5V_GPU", "GPU rail"),
			jetsonNanoINA3221(2, "POM_5V_CPU", "CPU rail"),
		},
		Notes: "L4T 32.x (JetPack 4) is its last BSP. nvpmodel -m 0 (MAXN, 10 W) allows all " +
			"4 cores at up to 1.43 GHz (the cpufreq table tops out at 1479 MHz); -m 1 (5 W) " +
			"keeps 2 cores at 918 MHz. Thermal zones: 0 AO-therm, 1 CPU-therm, 2 GPU-therm, " +
			"3 PLL-therm. ARMv8.0: no dot product. The Maxwell GPU is not used by edgeq.",
	},
	{
		Name:  "rock5b",
		Title: "Radxa ROCK 5B",
		SoC:   "Rockchip RK3588",
		Cores: []Cluster{
			{Count: 4, Core: "Cortex-A55", MaxMHz: 1800, CPUs: "0-3"},
			{Count: 4, Core: "Cortex-A76", MaxMHz: 2400, CPUs: "4-7"},
		},
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv82,
		QEMU:        qemuA76,
		Compatible:  []string{"radxa,rock-5b"},
		ThermalZone: thermalZone0, ThermalType: "soc-thermal",
		CPUFreq: []string{
			"/sys/devices/system/cpu/cpu0/cpufreq", // A55 ×4
			"/sys/devices/system/cpu/cpu4/cpufreq", // A76 cpu4-5
			"/sys/devices/system/cpu/cpu6/cpufreq", // A76 cpu6-7
		},
		Power: inaOnBus("", "on a 40-pin header I2C bus enabled by a device-tree overlay"),
		Notes: "big.LITTLE: pin benchmarks to the A76 cores with taskset -c 4-7. The A76 pairs " +
			"(cpu4-5, cpu6-7) are separate clock domains whose top OPP depends on the chip's " +
			"silicon bin (2.2-2.4 GHz). Both core types are ARMv8.2-A with SDOT/UDOT and FP16. " +
			"Thermal zones: soc, bigcore0, bigcore1, littlecore, center, gpu, npu. The NPU is " +
			"not used by edgeq. No on-board power sensor (USB-C PD input).",
	},
	{
		Name:       "bbb",
		Title:      "BeagleBone Black",
		SoC:        "TI Sitara AM3358",
		Cores:      []Cluster{{Count: 1, Core: "Cortex-A8", MaxMHz: 1000, CPUs: "0"}},
		GOOS:       "linux",
		GOARCH:     "arm",
		GOARM:      "7",
		Features:   Features{NEON: true},
		QEMU:       QEMU{"qemu-arm", "cortex-a8"},
		Compatible: []string{"ti,am335x-bone-black", "beagle,am335x-bone-black"},
		CPUFreq:    []string{cpu0Freq},
		Power:      inaOnBus("2", "I2C2 on P9.19 (SCL) and P9.20 (SDA), /dev/i2c-2 on current images"),
		Notes: "ARMv7-A, 32-bit, 512 MB RAM. The Cortex-A8's NEON unit is 64 bits wide (a " +
			"128-bit op takes two passes) and its VFPv3 is not pipelined, so float kernels are " +
			"much slower than int8 ones. No CPU thermal zone on stock images.",
	},
	{
		Name:        "generic-armv7",
		Title:       "Generic ARMv7-A (Cortex-A7 class)",
		SoC:         "any ARMv7-A SoC with VFPv3 and NEON",
		Cores:       []Cluster{{Core: "ARMv7-A"}},
		Generic:     true,
		GOOS:        "linux",
		GOARCH:      "arm",
		GOARM:       "7",
		Features:    Features{NEON: true},
		QEMU:        QEMU{"qemu-arm", "cortex-a7"},
		ThermalZone: thermalZone0,
		CPUFreq:     []string{cpu0Freq},
		Notes: "32-bit boards (Allwinner H3, Raspberry Pi 2, i.MX6/7) and 32-bit OSes on ARMv8 " +
			"boards. GOARM=7 needs VFPv3; NEON is detected at run time.",
	},
	{
		Name:        "generic-arm64",
		Title:       "Generic ARMv8.0-A",
		SoC:         "any ARMv8-A SoC",
		Cores:       []Cluster{{Core: "ARMv8.0-A"}},
		Generic:     true,
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv80,
		QEMU:        qemuA72,
		ThermalZone: thermalZone0,
		CPUFreq:     []string{cpu0Freq},
		Notes:       "The arm64 baseline: ASIMD only, so the generic and NEON paths run, never SDOT.",
	},
	{
		Name:        "generic-armv8.2",
		Title:       "Generic ARMv8.2-A with dot product",
		SoC:         "any ARMv8.2-A SoC with FEAT_DotProd",
		Cores:       []Cluster{{Core: "ARMv8.2-A"}},
		Generic:     true,
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    armv82,
		QEMU:        qemuA76,
		ThermalZone: thermalZone0,
		CPUFreq:     []string{cpu0Freq},
		Notes:       "Cortex-A55/A75/A76/A78 and Neoverse N1 class: SDOT/UDOT and FP16, no I8MM.",
	},
	{
		Name:        "generic-armv9",
		Title:       "Generic ARMv9-A with I8MM and SVE2",
		SoC:         "any ARMv9-A SoC",
		Cores:       []Cluster{{Core: "ARMv9-A"}},
		Generic:     true,
		GOOS:        "linux",
		GOARCH:      "arm64",
		Features:    Features{NEON: true, DotProd: true, I8MM: true, SVE: true, SVE2: true, FP16: true},
		QEMU:        qemuA64x,
		ThermalZone: thermalZone0,
		CPUFreq:     []string{cpu0Freq},
		Notes: "Cortex-A510/A710/A720 class: SMMLA/USMMLA int8 matrix multiply, SVE2. qemu's " +
			"\"max\" model has these and more (BF16, ...). qemu-user's default SVE vector " +
			"length is 512 bits; most real cores have 128, which -cpu max,sve-default-vector-length=16 gives.",
	},
	{
		Name:     "generic-amd64",
		Title:    "Generic x86-64",
		SoC:      "any x86-64 CPU",
		Cores:    []Cluster{{Core: "x86-64"}},
		Generic:  true,
		GOOS:     "linux",
		GOARCH:   "amd64",
		Features: Features{},
		CPUFreq:  []string{cpu0Freq},
		Power: []PowerSensor{{
			Kind: PowerRAPL,
			Rail: "CPU package",
			Path: "/sys/class/powercap/intel-rapl:0/energy_uj",
			Unit: "uJ",
			Note: "cumulative energy, wraps at max_energy_range_uj; readable by root only since " +
				"the 2020 fix for CVE-2020-8694; also on AMD Zen with recent kernels; absent in most VMs",
		}},
		Notes: "The workstation and CI: runs natively. The GOAMD64=v1 baseline guarantees no AVX; " +
			"AVX2 and VNNI are detected at run time. Thermal zones vary (x86_pkg_temp on Intel, " +
			"k10temp under hwmon on AMD).",
	},
}

func jetsonNanoINA3221(ch int, rail, what string) PowerSensor {
	return PowerSensor{
		Kind:    PowerSysfs,
		Rail:    rail,
		Bus:     "6",
		Address: 0x40,
		Path:    fmt.Sprintf("/sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0/in_power%d_input", ch),
		Unit:    "mW",
		Note: fmt.Sprintf("on-module INA3221 channel %d (%s), L4T's ina3221x driver; "+
			"in_current%d_input (mA) and in_voltage%d_input (mV) beside it; tegrastats reads the same", ch, what, ch, ch),
	}
}
