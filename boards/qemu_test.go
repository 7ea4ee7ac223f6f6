package boards

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// qemuCPUs returns the CPU models a qemu-user binary lists with -cpu help,
// skipping the test when the binary is not installed.
func qemuCPUs(t *testing.T, bin string) map[string]bool {
	t.Helper()
	path, err := exec.LookPath(bin)
	if err != nil {
		t.Skipf("%s not installed (apt-get install qemu-user): cannot check qemu CPU models", bin)
	}
	// qemu-user 7.2 exits with status 1 after listing, so judge by the list.
	out, err := exec.Command(path, "-cpu", "help").CombinedOutput()
	if !strings.Contains(string(out), "Available CPUs:") {
		t.Fatalf("%s -cpu help: %v\n%s", bin, err, out)
	}
	cpus := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		// "Available CPUs:" then one model per indented line.
		line := sc.Text()
		if strings.HasPrefix(line, " ") {
			if f := strings.Fields(line); len(f) > 0 {
				cpus[f[0]] = true
			}
		}
	}
	if len(cpus) == 0 {
		t.Fatalf("%s -cpu help listed no CPUs:\n%s", bin, out)
	}
	return cpus
}

func TestQEMUCPUModels(t *testing.T) {
	for _, bin := range []string{"qemu-aarch64", "qemu-arm"} {
		t.Run(bin, func(t *testing.T) {
			cpus := qemuCPUs(t, bin)
			for _, b := range All() {
				if b.QEMU.Binary == bin && !cpus[b.QEMU.CPU] {
					t.Errorf("%s: %s has no CPU model %q", b.Name, bin, b.QEMU.CPU)
				}
			}
		})
	}
}

const probeEnv = "EDGEQ_BOARDS_FEATURE_PROBE"

// TestFeatureProbe is run by TestQEMUFeatures inside qemu: it prints the
// features x/sys/cpu detects there.
func TestFeatureProbe(t *testing.T) {
	if os.Getenv(probeEnv) != "1" {
		t.Skip("helper for TestQEMUFeatures")
	}
	j, _ := json.Marshal(HostFeatures())
	fmt.Printf("features=%s\n", j)
}

// TestQEMUFeatures runs this package's tests, cross-compiled, under every
// qemu CPU model the table uses and checks the features detected there are
// the profile's: the emulated CPU really has what the profile claims, so the
// arm tests run under QEMUCommand take the paths the board would take.
func TestQEMUFeatures(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles and emulates; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to cross-compile with")
	}
	type target struct{ goarch, goarm string }
	bins := map[target]string{}
	dir := t.TempDir()
	for _, b := range All() {
		if b.QEMU.Binary == "" {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			qemu, err := exec.LookPath(b.QEMU.Binary)
			if err != nil {
				t.Skipf("%s not installed (apt-get install qemu-user)", b.QEMU.Binary)
			}
			tg := target{b.GOARCH, b.GOARM}
			exe, ok := bins[tg]
			if !ok {
				exe = filepath.Join(dir, "boards-"+b.GOARCH+b.GOARM+".test")
				build := exec.Command(goBin, "test", "-c", "-o", exe, ".")
				build.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+b.GOARCH, "GOARM="+b.GOARM, "CGO_ENABLED=0")
				if out, err := build.CombinedOutput(); err != nil {
					t.Fatalf("cross-compiling for %s: %v\n%s", b.GOARCH, err, out)
				}
				bins[tg] = exe
			}
			args := append(b.QEMUCommand()[1:], exe, "-test.run=^TestFeatureProbe$", "-test.v")
			run := exec.Command(qemu, args...)
			run.Env = append(os.Environ(), probeEnv+"=1")
			out, err := run.CombinedOutput()
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", qemu, strings.Join(args, " "), err, out)
			}
			var got Features
			_, j, found := strings.Cut(string(out), "features=")
			if !found {
				t.Fatalf("probe printed no features:\n%s", out)
			}
			j, _, _ = strings.Cut(j, "\n")
			if err := json.Unmarshal([]byte(j), &got); err != nil {
				t.Fatalf("probe output %q: %v", j, err)
			}
			if got != b.Features {
				t.Errorf("%s: features %q, qemu -cpu %s has %q", b.Name, b.Features, b.QEMU.CPU, got)
			}
		})
	}
}
