package boards

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// maxValueLen bounds a sysfs value file; anything longer is not one.
const maxValueLen = 256

// ReadThermal returns the temperature in a thermal zone's temp file (or any
// file holding millidegrees Celsius as a decimal integer), e.g.
// /sys/class/thermal/thermal_zone0/temp holding "48312" gives 48312.
func ReadThermal(path string) (milliC int, err error) {
	s, err := readValue(path)
	if err != nil {
		return 0, fmt.Errorf("boards: thermal: %w", err)
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("boards: thermal: %s holds %q, want millidegrees Celsius", path, s)
	}
	if v < -273150 {
		return 0, fmt.Errorf("boards: thermal: %s holds %d m°C, below absolute zero", path, v)
	}
	return v, nil
}

// ReadCPUFreq reads a cpufreq policy directory such as
// /sys/devices/system/cpu/cpu0/cpufreq: the current clock (scaling_cur_freq,
// else cpuinfo_cur_freq), the ceiling the policy allows now
// (scaling_max_freq, else the hardware's cpuinfo_max_freq), both in kHz, and
// the governor (scaling_governor).
func ReadCPUFreq(dir string) (curKHz, maxKHz int, governor string, err error) {
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, 0, "", fmt.Errorf("boards: cpufreq: %w (no cpufreq driver, as in most VMs?)", err)
		}
		return 0, 0, "", fmt.Errorf("boards: cpufreq: %w", err)
	}
	if curKHz, err = readKHz(dir, "scaling_cur_freq", "cpuinfo_cur_freq"); err != nil {
		return 0, 0, "", err
	}
	if maxKHz, err = readKHz(dir, "scaling_max_freq", "cpuinfo_max_freq"); err != nil {
		return 0, 0, "", err
	}
	gpath := filepath.Join(dir, "scaling_governor")
	if governor, err = readValue(gpath); err != nil {
		return 0, 0, "", fmt.Errorf("boards: cpufreq: %w", err)
	}
	if governor == "" || strings.ContainsFunc(governor, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return 0, 0, "", fmt.Errorf("boards: cpufreq: %s holds %q, want a governor name", gpath, governor)
	}
	return curKHz, maxKHz, governor, nil
}

// readKHz reads the first of names that exists in dir as a positive kHz value.
func readKHz(dir string, names ...string) (int, error) {
	var first error
	for _, name := range names {
		path := filepath.Join(dir, name)
		s, err := readValue(path)
		if errors.Is(err, fs.ErrNotExist) {
			if first == nil {
				first = err
			}
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("boards: cpufreq: %w", err)
		}
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			return 0, fmt.Errorf("boards: cpufreq: %s holds %q, want a frequency in kHz", path, s)
		}
		return v, nil
	}
	return 0, fmt.Errorf("boards: cpufreq: %w (nor %s)", first, strings.Join(names[1:], ", "))
}

// FindThermalZone returns the temp file of the zone under dir (normally
// /sys/class/thermal) whose type is typ, e.g. "CPU-therm" on a Jetson Nano,
// where zone numbers depend on the device tree.
func FindThermalZone(dir, typ string) (string, error) {
	zones, err := filepath.Glob(filepath.Join(dir, "thermal_zone*"))
	if err != nil {
		return "", fmt.Errorf("boards: thermal: %w", err)
	}
	var seen []string
	for _, z := range zones {
		t, err := readValue(filepath.Join(z, "type"))
		if err != nil {
			continue // a zone without a readable type is not the one asked for
		}
		if t == typ {
			return filepath.Join(z, "temp"), nil
		}
		seen = append(seen, t)
	}
	if len(zones) == 0 {
		return "", fmt.Errorf("boards: thermal: no thermal_zone* in %s", dir)
	}
	slices.Sort(seen)
	return "", fmt.Errorf("boards: thermal: no zone of type %q in %s (types: %s)", typ, dir, strings.Join(seen, ", "))
}

// readValue reads a small sysfs file and trims the trailing newline and
// spaces. Errors carry the path.
func readValue(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, maxValueLen+1))
	if err != nil {
		return "", err // an *fs.PathError naming the file
	}
	if len(buf) > maxValueLen {
		return "", fmt.Errorf("%s: longer than %d bytes, not a sysfs value", path, maxValueLen)
	}
	return strings.TrimSpace(string(buf)), nil
}
