// Command bedside answers clinical questions from approved guidance, builds
// question banks and runs grounding evals. Run "bedside help" for commands.
//
// Configuration comes from flags and, for secrets and defaults, environment
// variables; this command is the only part of Bedside that reads either.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// A command is one "bedside NAME" subcommand.
type command struct {
	name    string
	summary string
	usage   string // the arguments after the name
	run     func(ctx context.Context, env *environment, args []string) error
	sub     []*command
}

// environment is everything a command may read from the process.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	interactive    bool // stderr is a terminal: show progress bars
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func commands() []*command {
	return []*command{
		askCommand(),
		chatCommand(),
		ingestCommand(),
		searchCommand(),
		docsCommand(),
		evalCommand(),
		quizCommand(),
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &environment{
		stdin:       os.Stdin,
		stdout:      os.Stdout,
		stderr:      os.Stderr,
		getenv:      os.Getenv,
		interactive: isTerminal(os.Stderr),
	}
	code := run(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes the command line and returns the exit status.
func run(ctx context.Context, env *environment, args []string) int {
	err := dispatch(ctx, env, commands(), args, "bedside")
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(env.stderr, "bedside: %s\nRun 'bedside help' for usage.\n", ue.msg)
		return 2
	}
	fmt.Fprintf(env.stderr, "bedside: %s\n", oneLine(err))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		return 130
	}
	return 1
}

// oneLine flattens an error message (errors.Join uses newlines) so each
// problem is one readable line.
func oneLine(err error) string {
	msg := strings.TrimSpace(err.Error())
	lines := strings.Split(msg, "\n")
	if len(lines) == 1 {
		return msg
	}
	return fmt.Sprintf("%d problems:\n  %s", len(lines), strings.Join(lines, "\n  "))
}

func dispatch(ctx context.Context, env *environment, cmds []*command, args []string, prefix string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return dispatch(ctx, env, cmds, append(args[1:], "-h"), prefix)
		}
		printHelp(env.stdout, cmds, prefix)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	for _, c := range cmds {
		if c.name != args[0] {
			continue
		}
		if len(c.sub) > 0 {
			return dispatch(ctx, env, c.sub, args[1:], prefix+" "+c.name)
		}
		return c.run(ctx, env, args[1:])
	}
	return usagef("unknown command %q", prefix+" "+args[0])
}

func printHelp(w io.Writer, cmds []*command, prefix string) {
	fmt.Fprintf(w, "Usage: %s <command> [flags] [arguments]\n\nCommands:\n", prefix)
	sorted := append([]*command(nil), cmds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s help <command>' for a command's flags.\n", prefix)
}

// newFlags returns a flag set that reports errors as usage errors and writes
// help to stdout.
func newFlags(env *environment, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stdout)
	fs.Usage = func() {
		fs.SetOutput(env.stdout)
		fmt.Fprintf(env.stdout, "Usage: bedside %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, allowing flags after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	// The flag package prints errors and usage itself; this function
	// reports errors as usage errors and prints usage once, on -h.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var pos []string
	for {
		fs.SetOutput(io.Discard)
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
		if rest[0] == "--" {
			return append(pos[:len(pos)-1], args...), nil
		}
	}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}
