// Command rd-bench measures Receipt Dynamo against the limits and the
// alternatives, prints one table of figures and writes BENCHMARKS.md.
//
// Every figure is measured next to its reference in the same run: the
// codec against the SDK's reflection-based attributevalue, the embedded
// engine against plain SQL through the same driver, imports into dynalite
// against a raw BatchWriteItem loop of the same items on the same server,
// and imports through the partition simulator (internal/partsim) against
// the physical limit of DynamoDB's partitions.
//
// Usage:
//
//	rd-bench [flags]
//	scripts/bench.sh [flags]   # the same, with dynalite started for it
//
// The dynalite, sim and reads sections need a dynalite server: -dynalite
// URL, or RD_DYNALITE_URL as scripts/test-servers.sh sets it (which
// scripts/bench.sh uses). Without either, rd-bench starts dynalite itself
// from .ci/node_modules (as installed by scripts/test-servers.sh or `npm ci`
// in .ci/), in memory on a free port of 127.0.0.1, and stops it at the end.
//
// The exit code is 0 when every section ran and met its target, 1 when a
// section failed or a target was missed (the report says which), and 2 for
// bad flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

// options are the flags of a run.
type options struct {
	sections           []string
	sroieDir           string
	out                string
	workDir            string
	dynaliteURL        string
	sqliteItems        int
	sizes              []int
	ddbReceipts        int
	simReceipts        int
	simImages          []int
	readRepeats        int
	startServers       bool
	simBurst           float64
	cpuProfile         string
	simIndexRate       float64
	simIndexImgs       int
	simIndexReceipts   int
	simCeilingReceipts int
	embImages          int
	simTuning          simTuning
}

var allSections = []string{"codec", "sqlite", "embedded", "dynalite", "sim", "reads"}

const usage = `usage: rd-bench [flags]

Measures Receipt Dynamo, prints one table and writes BENCHMARKS.md.

Sections (-sections, comma-separated, default all):
  codec     item encode/decode against attributevalue reflection
  sqlite    embedded batch writes against plain SQL inserts
  embedded  SROIE import into the embedded store at each of -sizes
  dynalite  SROIE import into dynalite against a raw BatchWriteItem loop
  sim       import through the partition simulator against the limit
  reads     image details and words by tag, embedded and dynalite

Examples:
  rd-bench                                  # everything, writes BENCHMARKS.md
  rd-bench -sections codec,sqlite -out ''   # two sections, table only
  scripts/bench.sh -sizes 10,100            # with dynalite started for the run

Flags:
`

// parseFlags reads the flags of a run.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("rd-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	o := options{}
	sections := fs.String("sections", strings.Join(allSections, ","), "sections to run")
	fs.StringVar(&o.sroieDir, "sroie", "", "SROIE folder (default ../shared/data/sroie "+
		"next to the module root)")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "report file to write; '' writes none")
	fs.StringVar(&o.workDir, "work", "", "folder for the databases (default a new "+
		"temporary folder, removed at the end)")
	fs.StringVar(&o.dynaliteURL, "dynalite", os.Getenv("RD_DYNALITE_URL"),
		"dynalite base URL (default $RD_DYNALITE_URL)")
	fs.BoolVar(&o.startServers, "start-dynalite", true,
		"start dynalite from .ci/node_modules when no URL is given")
	fs.IntVar(&o.sqliteItems, "sqlite-items", 100_000, "words and letters batch-written "+
		"in the sqlite section")
	sizes := fs.String("sizes", "10,100,626", "receipt counts of the embedded imports")
	fs.IntVar(&o.ddbReceipts, "dynalite-receipts", 20, "receipts imported into dynalite")
	fs.IntVar(&o.simReceipts, "sim-receipts", 12, "receipts imported through the simulator")
	simImages := fs.String("sim-images", "1,2", "images loaded at once through the "+
		"simulator, one run each")
	fs.IntVar(&o.embImages, "embedded-images", min(4, runtime.NumCPU()), "receipts "+
		"imported at once into the embedded store (the default of receipt-dynamo import)")
	fs.Float64Var(&o.simBurst, "sim-burst", 100, "write units a partition of the simulator "+
		"may bank")
	fs.Float64Var(&o.simIndexRate, "sim-index-rate", 250, "write units per second per "+
		"partition of the run with every index enforced, scaled down so that the server "+
		"is not what limits it")
	fs.IntVar(&o.simIndexImgs, "sim-index-images", 4, "images loaded at once in the run "+
		"with every index enforced; 0 skips the run")
	fs.IntVar(&o.simIndexReceipts, "sim-index-receipts", 6, "receipts imported in the "+
		"run with every index enforced")
	fs.IntVar(&o.simCeilingReceipts, "sim-ceiling-receipts", 8, "receipts whose items the "+
		"raw loops write through the unlimited simulator")
	fs.IntVar(&o.simTuning.writers, "sim-writers", 2, "batch chunks in flight per image "+
		"through the simulator")
	fs.IntVar(&o.simTuning.policy.MaxAttempts, "sim-attempts", 100, "attempts of each "+
		"request and batch chunk through the simulator")
	fs.DurationVar(&o.simTuning.policy.BaseDelay, "sim-base-delay", 10*time.Millisecond,
		"first retry delay bound through the simulator")
	fs.DurationVar(&o.simTuning.policy.MaxDelay, "sim-max-delay", 100*time.Millisecond,
		"retry delay cap through the simulator")
	fs.IntVar(&o.readRepeats, "read-repeats", 20, "repetitions of each read")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to `FILE`")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("rd-bench: unexpected argument %q", fs.Arg(0))
	}

	for s := range strings.SplitSeq(*sections, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(allSections, s) {
			return o, fmt.Errorf("rd-bench: -sections: unknown section %q (known: %s)", s,
				strings.Join(allSections, ", "))
		}
		o.sections = append(o.sections, s)
	}
	var err error
	if o.sizes, err = parseInts("-sizes", *sizes); err != nil {
		return o, err
	}
	if o.simImages, err = parseInts("-sim-images", *simImages); err != nil {
		return o, err
	}
	if o.simIndexImgs < 0 {
		return o, fmt.Errorf("rd-bench: -sim-index-images: must be 0 or more")
	}
	if o.simIndexRate <= 0 || o.simBurst <= 0 {
		return o, fmt.Errorf("rd-bench: -sim-index-rate and -sim-burst must be positive")
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"-sqlite-items", o.sqliteItems}, {"-dynalite-receipts", o.ddbReceipts},
		{"-sim-receipts", o.simReceipts}, {"-read-repeats", o.readRepeats},
		{"-sim-index-receipts", o.simIndexReceipts}, {"-embedded-images", o.embImages},
		{"-sim-ceiling-receipts", o.simCeilingReceipts}} {
		if n.v < 1 {
			return o, fmt.Errorf("rd-bench: %s: must be at least 1, got %d", n.name, n.v)
		}
	}
	return o, nil
}

func parseInts(flagName, list string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("rd-bench: %s: %q is not a positive integer", flagName, f)
		}
		out = append(out, n)
	}
	return out, nil
}

func (o options) has(section string) bool { return slices.Contains(o.sections, section) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the benchmark and returns the exit code: 0 when every section
// ran and met its target, 1 when something failed or missed, 2 for bad
// flags.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "rd-bench: -cpuprofile:", err)
			return 1
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	rep := newReport(commandLine(args))
	start := time.Now()
	b, err := newBench(ctx, o, rep, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	failed := b.runAll(ctx)
	b.close()

	fmt.Fprintln(stdout)
	rep.printTable(stdout)
	if o.out != "" {
		if err := rep.writeMarkdown(o.out, time.Since(start)); err != nil {
			fmt.Fprintln(stderr, "rd-bench: write report:", err)
			return 1
		}
		fmt.Fprintln(stderr, "rd-bench: wrote", o.out)
	}
	if failed || len(rep.failed) > 0 {
		return 1
	}
	return 0
}

// commandLine returns the command as typed, for the report: that of
// RD_BENCH_COMMAND (set by scripts/bench.sh) or go run, with the flags.
func commandLine(args []string) string {
	name := os.Getenv("RD_BENCH_COMMAND")
	if name == "" {
		name = "go run ./cmd/rd-bench"
	}
	parts := []string{name}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " '\"") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// moduleRoot returns the folder of go.mod at or above the working folder.
func moduleRoot() (string, error) {
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
			return "", errors.New("rd-bench: no go.mod at or above the working folder; " +
				"run from inside the module or give -sroie")
		}
		dir = parent
	}
}
