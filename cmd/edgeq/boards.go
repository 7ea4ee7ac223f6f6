package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/edgeq/edgeq/boards"
)

var cmdBoards = &command{
	name:      "boards",
	usageLine: "[--json] [--env] [BOARD]",
	short:     "list the board profiles edgeq targets",
	long: `Boards lists the board profiles: SoC, cores, GOOS/GOARCH/GOARM, CPU
features, the qemu CPU model that emulates the board, and its sysfs paths and
power sensors. With a BOARD name it shows that board only. --env prints the
board's build and emulation settings as shell assignments (GOOS, GOARCH,
GOARM, QEMU), which make cross and make qemu-test read.`,
	run: runBoards,
}

func runBoards(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	asJSON := fs.Bool("json", false, "print one JSON object")
	env := fs.Bool("env", false, "print the board's GOOS/GOARCH/GOARM/QEMU as shell assignments")
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(args) > 1 {
		return usageErrorf("at most one board name")
	}
	list := boards.All()
	if len(args) == 1 {
		b, err := boards.Lookup(args[0])
		if err != nil {
			return err
		}
		list = []boards.Board{b}
	}
	switch {
	case *env:
		if len(list) != 1 {
			return usageErrorf("--env needs a board name")
		}
		b := list[0]
		fmt.Fprintf(stdout, "GOOS=%s\nGOARCH=%s\nGOARM=%s\nQEMU='%s'\n", b.GOOS, b.GOARCH, b.GOARM, strings.Join(b.QEMUCommand(), " "))
		return nil
	case *asJSON:
		host, _ := boards.Host()
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Boards []boards.Board `json:"boards"`
			Host   string         `json:"host"`
		}{list, host.Name})
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tboard\tSoC\tcores\tGOARCH\tfeatures\tqemu")
	for _, b := range list {
		var cores []string
		for _, c := range b.Cores {
			s := c.Core
			if c.Count > 0 {
				s = fmt.Sprintf("%d×%s", c.Count, c.Core)
			}
			if c.MaxMHz > 0 {
				s += fmt.Sprintf(" %.1fGHz", float64(c.MaxMHz)/1000)
			}
			cores = append(cores, s)
		}
		arch := b.GOARCH
		if b.GOARM != "" {
			arch += "/v" + b.GOARM
		}
		q := strings.Join(b.QEMUCommand(), " ")
		if q == "" {
			q = "native"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", b.Name, b.Title, b.SoC, strings.Join(cores, " + "), arch, b.Features, q)
	}
	return tw.Flush()
}
