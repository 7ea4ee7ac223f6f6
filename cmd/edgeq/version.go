package main

import (
	"fmt"
	"io"
	goruntime "runtime"
	"runtime/debug"
)

var cmdVersion = &command{
	name:      "version",
	usageLine: "",
	short:     "print edgeq's version",
	long:      "Version prints edgeq's module version and VCS revision, the Go version and the platform.",
	run:       runVersion,
}

func runVersion(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usageErrorf("takes no arguments")
	}
	fmt.Fprintf(stdout, "edgeq %s %s %s/%s\n", buildVersion(), goruntime.Version(), goruntime.GOOS, goruntime.GOARCH)
	return nil
}

// buildVersion returns the main module's version, or for a development
// build its VCS revision (marked "+dirty" with uncommitted changes).
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	version := info.Main.Version
	if version != "" && version != "(devel)" {
		return version
	}
	var revision, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value[:min(len(s.Value), 12)]
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if revision == "" {
		return "devel"
	}
	return "devel-" + revision + dirty
}
