// Command edgeq converts, inspects, runs and benchmarks int8 models in the
// .eqm format.
//
// Usage:
//
//	edgeq <command> [arguments]
//
// Run "edgeq help" for the list of commands and "edgeq help <command>" for
// one command's flags. With --json a command prints exactly one JSON object
// on stdout; otherwise results go to stdout as text, and progress and
// diagnostics go to stderr. The exit status is 0 on success, 1 on failure
// and 2 on a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

// command is one subcommand of edgeq.
type command struct {
	name      string
	usageLine string // arguments after "edgeq name"
	short     string // one line for the command list
	long      string // help text, printed before the flags
	run       func(cmd *command, args []string, stdout, stderr io.Writer) error
}

// commands is the command table, in the order help lists them.
var commands []*command

func init() {
	commands = []*command{cmdConvert, cmdInspect, cmdRun, cmdBench, cmdQuantize, cmdEval, cmdCompare, cmdBoards, cmdVersion, cmdHelp}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// run runs edgeq with args (without the program name) and returns the exit
// status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printCommands(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		printCommands(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "edgeq %s: unknown command\nRun 'edgeq help' for usage.\n", name)
		return exitUsage
	}
	err := cmd.run(cmd, args[1:], stdout, stderr)
	var usage *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "edgeq %s: %v\nusage: edgeq %s %s\nRun 'edgeq help %s' for details.\n",
			cmd.name, usage.err, cmd.name, cmd.usageLine, cmd.name)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "edgeq %s: %v\n", cmd.name, err)
		return exitFailure
	}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func printCommands(w io.Writer) {
	fmt.Fprint(w, "edgeq is an int8 inference runtime and model toolchain.\n\nUsage:\n\n\tedgeq <command> [arguments]\n\nCommands:\n\n")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "\t%s\t%s\n", c.name, c.short)
	}
	tw.Flush()
	fmt.Fprint(w, "\nRun 'edgeq help <command>' for a command's flags.\n")
}

// usageError marks an error in how a command was called (exit status 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// flagSet returns a new, silent flag set for the command: parse reports
// errors and help itself.
func (c *command) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args into fs, allowing flags before, between and after the
// positional arguments (edgeq run MODEL.eqm -i x.bin -o out), which the flag
// package alone does not: it stops at the first non-flag. Everything after
// "--" is positional. It returns the positional arguments. On -h it prints
// the command's help to stdout and returns flag.ErrHelp; a bad flag gives a
// usageError.
func (c *command) parse(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.printHelp(stdout, fs)
				return nil, flag.ErrHelp
			}
			return nil, &usageError{err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// printHelp prints the command's usage line, help text and flags.
func (c *command) printHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: edgeq %s %s\n\n%s\n", c.name, c.usageLine, strings.TrimSpace(c.long))
	if fs == nil {
		return
	}
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// stringsFlag is a flag that may be repeated, collecting its values.
type stringsFlag []string

func (s *stringsFlag) String() string { return strings.Join(*s, ",") }

func (s *stringsFlag) Set(v string) error {
	*s = append(*s, v)
	return nil
}

var cmdHelp = &command{
	name:      "help",
	usageLine: "[command]",
	short:     "show help for edgeq or one command",
	long:      "Help lists the commands, or shows the usage and flags of one command.",
	run:       runHelp,
}

func runHelp(cmd *command, args []string, stdout, stderr io.Writer) error {
	fs := cmd.flagSet()
	args, err := cmd.parse(fs, args, stdout)
	if err != nil {
		return err
	}
	switch len(args) {
	case 0:
		printCommands(stdout)
		return nil
	case 1:
		topic := lookup(args[0])
		if topic == nil {
			return usageErrorf("unknown command %q", args[0])
		}
		if topic == cmd {
			cmd.printHelp(stdout, nil)
			return nil
		}
		// Every command prints its help, flags included, when asked with -h.
		return topic.run(topic, []string{"-h"}, stdout, stderr)
	default:
		return usageErrorf("too many arguments")
	}
}
