// Package shareddata finds the data edgeq's tests read from outside the
// repository: EDGEQ_TESTDATA, or ../shared beside the repository root.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the test data directory, or skips the test, saying where it
// looked, when the directory does not exist.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := find()
	if err != nil {
		t.Skipf("test data not found (%v); set EDGEQ_TESTDATA to the shared data folder", err)
	}
	return dir
}

// Path returns a path inside the test data directory, skipping the test
// when it does not exist.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{Dir(t)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("test data %s missing: %v", p, err)
	}
	return p
}

// Find returns the test data directory, or an error saying where it looked,
// without skipping: for fuzz targets, which add seeds from the data when it
// is there and fuzz anyway when it is not.
func Find() (string, error) { return find() }

func find() (string, error) {
	dir := os.Getenv("EDGEQ_TESTDATA")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, "..", "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		return "", err
	}
	return filepath.Abs(dir)
}

// repoRoot walks up from the working directory to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
