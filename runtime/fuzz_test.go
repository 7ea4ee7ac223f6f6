package runtime_test

import (
	"testing"

	"github.com/edgeq/edgeq/runtime"
)

// FuzzLoad feeds mutated .eqm files to Load and, when one loads, runs it:
// neither may panic, whatever the bytes.
func FuzzLoad(f *testing.F) {
	for _, m := range conformanceModels(f) {
		f.Add(m.eqm)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ip, err := runtime.Load(data, runtime.WithMaxArena(4<<20))
		if err != nil {
			return
		}
		_ = ip.Invoke()
	})
}
