package runtime_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFirmwareDeps keeps the firmware path lean: the runtime links only the
// format, the kernels, msgp and x/sys — never an importer or the quantizer.
func TestFirmwareDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/edgeq/edgeq/runtime").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	allowed := []string{
		"github.com/edgeq/edgeq/runtime",
		"github.com/edgeq/edgeq/format",
		"github.com/edgeq/edgeq/kernels",
		"github.com/tinylib/msgp/msgp",
		"github.com/philhofer/fwd",
		"golang.org/x/sys/cpu",
	}
	for _, pkg := range strings.Fields(string(out)) {
		first := strings.SplitN(pkg, "/", 2)[0]
		if !strings.Contains(first, ".") {
			// Standard library, but not its heavy corners (hashing a
			// source file belongs to the importers).
			if first == "crypto" || first == "net" || strings.HasPrefix(pkg, "image") {
				t.Errorf("runtime depends on %s, which the firmware path must not link", pkg)
			}
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || pkg == a
		}
		if !ok {
			t.Errorf("runtime depends on %s, which the firmware path must not link", pkg)
		}
	}
}
