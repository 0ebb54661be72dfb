// Package cli is the receipt-dynamo command: its commands, the choice of
// store, and the output formats. [Main] runs it.
//
// Each command has an options struct filled by flag parsing alone and a run
// function that does the work, so parsing is tested without a store.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Exit codes of the command, documented in the root help.
const (
	ExitOK          = 0   // success
	ExitFailure     = 1   // the command failed
	ExitUsage       = 2   // unknown command or flag, wrong arguments
	ExitNotFound    = 3   // the item, or the table or file, does not exist
	ExitPartial     = 4   // import: some inputs failed, the others were stored
	ExitInterrupted = 130 // interrupted (Ctrl-C)
)

// Env is what the command reads and writes besides the store: standard
// streams, environment variables and the clock. Tests supply their own.
type Env struct {
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
	StdoutTTY bool // stdout is a terminal: aligned tables
	StderrTTY bool // stderr is a terminal: progress bars
	Getenv    func(string) string
	GOOS      string
	Now       func() time.Time
}

// OSEnv returns the environment of the process.
func OSEnv() Env {
	return Env{
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		StdoutTTY: isTerminal(os.Stdout),
		StderrTTY: isTerminal(os.Stderr),
		Getenv:    os.Getenv,
		GOOS:      runtime.GOOS,
		Now:       time.Now,
	}
}

// isTerminal reports whether f is a character device, as a terminal is.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Main runs the command line args (without the program name) and returns
// the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	a := newApp(env)
	root := a.rootCmd()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if cerr := a.closeStore(); err == nil && cerr != nil {
		err = cerr
	}
	return a.report(ctx, cmd, err)
}

// app is one run of the command.
type app struct {
	env    Env
	global globalOptions
	log    *slog.Logger
	out    *printer

	// started is set when a command's run begins: an error before that is
	// an error of the command line.
	started bool
	st      *store
}

// globalOptions are the flags of every command.
type globalOptions struct {
	DB      string
	Table   string
	JSON    bool
	Verbose bool
}

func newApp(env Env) *app {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	a := &app{env: env}
	a.log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return a
}

// setup applies the global flags once they are parsed.
func (a *app) setup() {
	level := slog.LevelWarn
	if a.global.Verbose {
		level = slog.LevelDebug
	}
	a.log = slog.New(slog.NewTextHandler(a.env.Stderr, &slog.HandlerOptions{Level: level}))
	a.out = &printer{w: a.env.Stdout, tty: a.env.StdoutTTY, json: a.global.JSON}
}

// run wraps a command's run function: it marks the start of the run, so
// that errors from here on are not taken for usage errors.
func run[O any](a *app, fn func(ctx context.Context, o *O) error) func(context.Context, *O) error {
	return func(ctx context.Context, o *O) error {
		a.started = true
		return fn(ctx, o)
	}
}

// usageError is an error of the command line found by a command's own
// checks of its options.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// partialError reports that some inputs of a command failed and the others
// were stored; each failure has been reported already.
type partialError struct {
	failed, total int
	what          string // "files", "lines"
}

func (e *partialError) Error() string {
	return fmt.Sprintf("%d of %d %s failed; the others were stored", e.failed, e.total, e.what)
}

// codedError is a failure with its own exit code.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }

func (e *codedError) Unwrap() error { return e.err }

// report prints err and returns the exit code.
func (a *app) report(ctx context.Context, cmd *cobra.Command, err error) int {
	if err == nil {
		return ExitOK
	}
	name := "receipt-dynamo"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	var ue *usageError
	var pe *partialError
	switch {
	case !a.started || errors.As(err, &ue):
		fmt.Fprintf(a.env.Stderr, "receipt-dynamo: %v\nRun '%s --help' for usage.\n", err, name)
		return ExitUsage
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		fmt.Fprintln(a.env.Stderr, "receipt-dynamo: interrupted")
		return ExitInterrupted
	case errors.As(err, &pe):
		fmt.Fprintf(a.env.Stderr, "receipt-dynamo: %v\n", err)
		return ExitPartial
	}
	fmt.Fprintf(a.env.Stderr, "receipt-dynamo: %v\n", err)
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code
	}
	if errors.Is(err, rd.ErrNotFound) || errors.Is(err, rd.ErrTableNotFound) {
		return ExitNotFound
	}
	return ExitFailure
}
