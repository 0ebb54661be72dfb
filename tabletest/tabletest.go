// Package tabletest checks that an engine implements [receiptdynamo.Table]
// as the interface documents it, the way testing/fstest checks a file
// system.
//
// One call of [Run] runs every behavioural check as a subtest, each on a
// fresh table that Run creates and drops: item reads and writes with
// conditions, updates, queries of the table and of each index with every key
// condition, pagination, scans of the whole table, item and request limits,
// batches and transactions. An engine passes when every subtest passes; Run
// then prints how many checks passed, so that CI output shows it per engine:
//
//	tabletest: 58 checks passed on sqlite
//
// The checks use only behaviour that DynamoDB itself shows, so the same suite
// runs against the embedded engine and against DynamoDB-compatible servers.
// Servers that lack a feature are run with [SkipTransactions] or [Skip], and
// the reason is printed with every skipped check.
//
// [RunReceiptClient] and [RunJobClient] check the typed client of the root
// package the same way, on the same fresh tables, so that the client is
// shown to behave alike on every engine.
package tabletest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// defaultCheckTimeout bounds one check, so that an engine that hangs fails
// the check instead of the whole test binary.
const defaultCheckTimeout = 5 * time.Minute

// A check is one behavioural test of the interface. tx marks checks that
// need TransactWrite or TransactGet.
type check struct {
	name string
	tx   bool
	run  func(c *C)
}

// C is what a check works with: the subtest, a fresh created table and a
// context that ends with the check.
type C struct {
	*testing.T
	Table rd.Table
	Ctx   context.Context
}

// Option changes how [Run] checks an engine.
type Option func(*config)

type config struct {
	name     string
	txReason string
	skips    map[string]string // check name -> reason
	// claimJobs is the size of the job client's concurrent claim check; 0
	// means the default (see ClaimJobs in jobs.go).
	claimJobs int
	// timeout bounds one check; 0 means defaultCheckTimeout.
	timeout time.Duration
}

// Name sets the engine name printed in the summary line. The default is the
// name of the test that calls Run.
func Name(name string) Option {
	return func(c *config) { c.name = name }
}

// SkipTransactions skips every check that uses TransactWrite or
// TransactGet, for engines that lack transactions. The reason is printed with
// each skipped check and in the summary.
func SkipTransactions(reason string) Option {
	return func(c *config) { c.txReason = reason }
}

// Skip skips the named checks (as listed by [Checks]) for the given reason,
// for an engine that lacks one specific feature. Run fails if a name is not
// a check, so that a renamed check is never skipped silently.
func Skip(reason string, names ...string) Option {
	return func(c *config) {
		for _, n := range names {
			c.skips[n] = reason
		}
	}
}

// Summary counts the checks of one [Run].
type Summary struct {
	Engine  string
	What    string // "checks", or the suite's name such as "receipt client checks"
	Passed  int
	Failed  int
	Skipped int
}

// String returns the summary line that Run prints.
func (s Summary) String() string {
	var b strings.Builder
	if s.Failed == 0 {
		fmt.Fprintf(&b, "tabletest: %d %s passed on %s", s.Passed, s.What, s.Engine)
	} else {
		fmt.Fprintf(&b, "tabletest: %d of %d %s FAILED on %s (%d passed)",
			s.Failed, s.Passed+s.Failed, s.What, s.Engine, s.Passed)
	}
	if s.Skipped > 0 {
		fmt.Fprintf(&b, ", %d skipped", s.Skipped)
	}
	return b.String()
}

// Checks returns the names of all checks in the order Run runs them.
func Checks() []string {
	var names []string
	for _, c := range allChecks() {
		names = append(names, c.name)
	}
	return names
}

// Run runs every check of the interface against the engine, each as a
// subtest of t on its own table. newTable must return a handle to a table
// that does not exist yet (a new file name, a new table name); Run creates
// it, and drops and closes it when the check ends. newTable may register its
// own cleanup with t.Cleanup.
//
// Run prints a summary line to standard output and to the test log, and
// returns the counts.
func Run(t *testing.T, newTable func(t *testing.T) rd.Table, opts ...Option) Summary {
	t.Helper()
	return runSuite(t, "checks", allChecks(), newTable, opts)
}

// runSuite runs checks as subtests of t and prints a summary naming what
// (e.g. "checks", "receipt client checks").
func runSuite(t *testing.T, what string, checks []check,
	newTable func(t *testing.T) rd.Table, opts []Option) Summary {
	t.Helper()
	cfg := config{name: t.Name(), skips: map[string]string{}}
	for _, o := range opts {
		o(&cfg)
	}
	if unknown := unknownNames(checks, cfg.skips); len(unknown) > 0 {
		t.Fatalf("tabletest: Skip names unknown checks: %s", strings.Join(unknown, ", "))
	}

	sum := Summary{Engine: cfg.name, What: what}
	for _, chk := range checks {
		reason := cfg.skips[chk.name]
		if chk.tx && cfg.txReason != "" {
			reason = cfg.txReason
		}
		ok := t.Run(chk.name, func(t *testing.T) {
			if reason != "" {
				t.Skipf("skipped on %s: %s", cfg.name, reason)
			}
			runCheck(t, newTable, chk, cfg.timeout)
		})
		switch {
		case reason != "":
			sum.Skipped++
		case ok:
			sum.Passed++
		default:
			sum.Failed++
		}
	}

	t.Log(sum.String())
	fmt.Fprintln(os.Stdout, sum.String())
	for _, r := range skipReasons(checks, cfg) {
		fmt.Fprintf(os.Stdout, "tabletest: skipped on %s: %s\n", cfg.name, r)
	}
	return sum
}

// CheckTimeout sets how long one check may run before it fails; the
// default is five minutes. It is meant for servers that are slow at some
// checks' full size.
func CheckTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// runCheck gives one check a fresh table and removes it afterwards.
func runCheck(t *testing.T, newTable func(t *testing.T) rd.Table, chk check,
	timeout time.Duration) {
	if timeout <= 0 {
		timeout = defaultCheckTimeout
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()

	tbl := newTable(t)
	if err := tbl.Create(ctx); err != nil {
		t.Fatalf("create table: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := tbl.Drop(ctx); err != nil && !isErr(err, rd.ErrTableNotFound) {
			t.Errorf("drop table: %v", err)
		}
		if err := tbl.Close(); err != nil {
			t.Errorf("close table: %v", err)
		}
	})
	chk.run(&C{T: t, Table: tbl, Ctx: ctx})
}

func unknownNames(checks []check, skips map[string]string) []string {
	known := map[string]bool{}
	for _, c := range checks {
		known[c.name] = true
	}
	var unknown []string
	for n := range skips {
		if !known[n] {
			unknown = append(unknown, n)
		}
	}
	return unknown
}

// skipReasons lists each distinct skip reason with the checks it covers.
func skipReasons(checks []check, cfg config) []string {
	byReason := map[string][]string{}
	var order []string
	for _, c := range checks {
		r := cfg.skips[c.name]
		if c.tx && cfg.txReason != "" {
			r = cfg.txReason
		}
		if r == "" {
			continue
		}
		if _, seen := byReason[r]; !seen {
			order = append(order, r)
		}
		byReason[r] = append(byReason[r], c.name)
	}
	var out []string
	for _, r := range order {
		out = append(out, fmt.Sprintf("%s (%d checks: %s)", r, len(byReason[r]),
			strings.Join(byReason[r], ", ")))
	}
	return out
}

// allChecks lists every check in the order Run runs them.
func allChecks() []check {
	var all []check
	for _, group := range [][]check{
		tableChecks(),
		itemChecks(),
		conditionChecks(),
		updateChecks(),
		queryChecks(),
		scanChecks(),
		batchChecks(),
		txChecks(),
	} {
		all = append(all, group...)
	}
	return all
}
