package boards

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates files (path relative to root → contents) under root.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadThermal(t *testing.T) {
	for _, tc := range []struct {
		data    string
		want    int
		wantErr string
	}{
		{"48312\n", 48312, ""},
		{"-5000\n", -5000, ""}, // outdoor boards in winter
		{"0", 0, ""},
		{"", 0, `holds "", want millidegrees`},
		{"48.3\n", 0, `holds "48.3", want millidegrees`},
		{"hot\n", 0, "want millidegrees"},
		{"-300000\n", 0, "below absolute zero"},
		{strings.Repeat("1", 300), 0, "longer than 256 bytes"},
	} {
		path := filepath.Join(t.TempDir(), "temp")
		writeTree(t, filepath.Dir(path), map[string]string{"temp": tc.data})
		got, err := ReadThermal(path)
		if tc.wantErr == "" {
			if err != nil || got != tc.want {
				t.Errorf("%q: got %d, %v; want %d", tc.data, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: error %v, want one naming %s and saying %q", tc.data, err, path, tc.wantErr)
		}
	}

	missing := filepath.Join(t.TempDir(), "thermal_zone9", "temp")
	_, err := ReadThermal(missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: error %v, want fs.ErrNotExist naming %s", err, missing)
	}
}

func TestReadCPUFreq(t *testing.T) {
	pi4 := map[string]string{
		"scaling_cur_freq": "600000\n",
		"scaling_max_freq": "1800000\n",
		"cpuinfo_max_freq": "1800000\n",
		"scaling_governor": "ondemand\n",
	}
	dir := t.TempDir()
	writeTree(t, dir, pi4)
	cur, maxKHz, gov, err := ReadCPUFreq(dir)
	if err != nil || cur != 600000 || maxKHz != 1800000 || gov != "ondemand" {
		t.Errorf("got %d, %d, %q, %v; want 600000, 1800000, ondemand", cur, maxKHz, gov, err)
	}

	// Older drivers: only the cpuinfo_ files.
	dir = t.TempDir()
	writeTree(t, dir, map[string]string{
		"cpuinfo_cur_freq": "1479000\n",
		"cpuinfo_max_freq": "1479000\n",
		"scaling_governor": "schedutil\n",
	})
	cur, maxKHz, gov, err = ReadCPUFreq(dir)
	if err != nil || cur != 1479000 || maxKHz != 1479000 || gov != "schedutil" {
		t.Errorf("cpuinfo fallback: got %d, %d, %q, %v", cur, maxKHz, gov, err)
	}

	without := func(name string) map[string]string {
		m := map[string]string{}
		for k, v := range pi4 {
			if k != name {
				m[k] = v
			}
		}
		return m
	}
	with := func(name, value string) map[string]string {
		m := without(name)
		m[name] = value
		return m
	}
	for _, tc := range []struct {
		desc     string
		files    map[string]string
		wantErr  string
		notExist bool
	}{
		{"no governor", without("scaling_governor"), "scaling_governor", true},
		{"no current clock", without("scaling_cur_freq"), "scaling_cur_freq: no such file or directory (nor cpuinfo_cur_freq)", true},
		{"zero clock", with("scaling_cur_freq", "0\n"), `scaling_cur_freq holds "0", want a frequency in kHz`, false},
		{"garbage max", with("scaling_max_freq", "<unknown>\n"), `scaling_max_freq holds "<unknown>"`, false},
		{"empty governor", with("scaling_governor", "\n"), `holds "", want a governor name`, false},
		{"binary governor", with("scaling_governor", "on\x00demand"), "want a governor name", false},
	} {
		dir := t.TempDir()
		writeTree(t, dir, tc.files)
		_, _, _, err := ReadCPUFreq(dir)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "boards: cpufreq: ") {
			t.Errorf("%s: error %v, want one saying %q", tc.desc, err, tc.wantErr)
		}
		if errors.Is(err, fs.ErrNotExist) != tc.notExist {
			t.Errorf("%s: errors.Is(err, fs.ErrNotExist) = %v, want %v", tc.desc, !tc.notExist, tc.notExist)
		}
	}

	missing := filepath.Join(t.TempDir(), "cpu0", "cpufreq")
	_, _, _, err = ReadCPUFreq(missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "no cpufreq driver") {
		t.Errorf("missing directory: error %v, want fs.ErrNotExist naming %s", err, missing)
	}
}

func TestFindThermalZone(t *testing.T) {
	// A Jetson Nano's zones: the CPU is not zone 0.
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"thermal_zone0/type": "AO-therm\n", "thermal_zone0/temp": "31500\n",
		"thermal_zone1/type": "CPU-therm\n", "thermal_zone1/temp": "33000\n",
		"thermal_zone2/type": "GPU-therm\n", "thermal_zone2/temp": "32000\n",
		"thermal_zone3/temp":   "30000\n", // no type file: skipped
		"cooling_device0/type": "CPU-therm\n",
	})
	path, err := FindThermalZone(dir, "CPU-therm")
	if err != nil || path != filepath.Join(dir, "thermal_zone1", "temp") {
		t.Fatalf("got %q, %v; want thermal_zone1/temp", path, err)
	}
	if mc, err := ReadThermal(path); err != nil || mc != 33000 {
		t.Errorf("ReadThermal(%s) = %d, %v", path, mc, err)
	}

	_, err = FindThermalZone(dir, "soc-thermal")
	if err == nil || !strings.Contains(err.Error(), `"soc-thermal"`) || !strings.Contains(err.Error(), "AO-therm, CPU-therm, GPU-therm") {
		t.Errorf("unknown type: error %v, want it to list the types present", err)
	}
	_, err = FindThermalZone(t.TempDir(), "cpu-thermal")
	if err == nil || !strings.Contains(err.Error(), "no thermal_zone*") {
		t.Errorf("no zones: error %v", err)
	}
}

// TestSysfsOnThisMachine reads this machine's own files where it has them,
// so the readers meet a real kernel's formatting.
func TestSysfsOnThisMachine(t *testing.T) {
	b, _ := Host()
	read := false
	if b.ThermalZone != "" {
		if mc, err := ReadThermal(b.ThermalZone); err == nil {
			t.Logf("%s: %d m°C", b.ThermalZone, mc)
			read = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Error(err)
		}
	}
	for _, d := range b.CPUFreq {
		if cur, maxKHz, gov, err := ReadCPUFreq(d); err == nil {
			t.Logf("%s: %d kHz of %d, %s", d, cur, maxKHz, gov)
			read = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Error(err)
		}
	}
	if !read {
		t.Skipf("%s exposes neither %q nor %q here", b.Name, b.ThermalZone, b.CPUFreq)
	}
}
