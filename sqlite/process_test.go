package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// The tests of this file run the test binary again as a child process that
// writes to a database file. The environment tells the child its role.
const (
	childRoleEnv = "RD_SQLITE_CHILD"
	childDBEnv   = "RD_SQLITE_DB"
	childArgEnv  = "RD_SQLITE_ARG"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(childRoleEnv); role != "" {
		os.Exit(runChild(role, os.Getenv(childDBEnv), os.Getenv(childArgEnv)))
	}
	os.Exit(m.Run())
}

// runChild runs the role and returns the exit code; errors go to stderr.
func runChild(role, path, arg string) int {
	ctx := context.Background()
	tbl, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	defer tbl.Close()
	switch role {
	case "crash-writer":
		first, _ := strconv.Atoi(arg)
		err = crashWriter(ctx, tbl, first)
	case "pair":
		err = pairWorker(ctx, tbl, arg)
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// child starts the test binary as a child process of the role.
func child(t *testing.T, role, path, arg string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childRoleEnv+"="+role, childDBEnv+"="+path,
		childArgEnv+"="+arg)
	return cmd
}

// createFile creates a table in a new file and returns its path.
func createFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shared.db")
	tbl, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := tbl.Create(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// The crash writer writes numbered groups of items, each group in one call
// that is all or nothing: even groups are transactions of crashTxItems puts
// and an update of a counter item; odd groups are batch writes of
// crashBatchItems puts, enough for the engine's pipelined path. It prints
// "begin" and the group's number before each call, and the number alone
// after the call returned.
const (
	crashPK         = "CRASH"
	crashTxItems    = 9
	crashBatchItems = 700
)

func crashGroupSize(g int) int {
	if g%2 == 0 {
		return crashTxItems
	}
	return crashBatchItems
}

var crashCounter = rd.Key{PK: "COUNTER", SK: "tx"}

func crashWriter(ctx context.Context, tbl *Table, first int) error {
	rng := rand.New(rand.NewPCG(uint64(first), 1))
	out := bufio.NewWriter(os.Stdout)
	for g := first; ; g++ {
		items := make([]rd.Item, crashGroupSize(g))
		for j := range items {
			payload := strings.Repeat(string(rune('a'+rng.IntN(26))), 500+rng.IntN(2000))
			items[j] = rd.Item{
				rd.AttrPK:   &types.AttributeValueMemberS{Value: crashPK},
				rd.AttrSK:   &types.AttributeValueMemberS{Value: fmt.Sprintf("G#%06d#%04d", g, j)},
				rd.AttrType: &types.AttributeValueMemberS{Value: "CRASH"},
				"group":     &types.AttributeValueMemberN{Value: strconv.Itoa(g)},
				"payload":   &types.AttributeValueMemberS{Value: payload},
			}
		}
		fmt.Fprintln(out, "begin", g)
		out.Flush()
		var err error
		if g%2 == 0 {
			tx := rd.Transaction{}
			for _, it := range items {
				tx.Actions = append(tx.Actions, rd.PutAction(it, rd.IfNotExists))
			}
			tx.Actions = append(tx.Actions, rd.UpdateAction(crashCounter, rd.Update{
				Set: map[string]types.AttributeValue{
					"last": &types.AttributeValueMemberN{Value: strconv.Itoa(g)}},
				Add: map[string]types.AttributeValue{
					"count": &types.AttributeValueMemberN{Value: "1"}},
			}, nil))
			err = tbl.TransactWrite(ctx, tx)
		} else {
			reqs := make([]rd.WriteRequest, len(items))
			for j, it := range items {
				reqs[j] = rd.WriteRequest{Put: it}
			}
			err = tbl.BatchWrite(ctx, reqs)
		}
		if err != nil {
			return fmt.Errorf("group %d: %w", g, err)
		}
		fmt.Fprintln(out, g)
		out.Flush()
	}
}

// TestCrashMidTransaction kills a writer process with SIGKILL while it
// writes group after group, three times on one file, and checks after each
// kill that the file is intact and every group wholly present or wholly
// absent, with every group the writer saw committed among the present.
func TestCrashMidTransaction(t *testing.T) {
	path := createFile(t)
	rng := rand.New(rand.NewPCG(3, 5))
	next, midGroup := 0, 0
	for round := range 3 {
		cmd := child(t, "crash-writer", path, strconv.Itoa(next))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}

		// Let it commit some groups, then kill it at a random moment.
		lines := bufio.NewScanner(stdout)
		committed, inGroup := next-1, false
		read := func() {
			if g, ok := strings.CutPrefix(lines.Text(), "begin "); ok {
				inGroup = g != ""
				return
			}
			committed, _ = strconv.Atoi(lines.Text())
			inGroup = false
		}
		for range 6 + rng.IntN(14) {
			for {
				if !lines.Scan() {
					t.Fatalf("round %d: writer stopped: %v %s", round, lines.Err(),
						stderr.String())
				}
				read()
				if !inGroup {
					break
				}
			}
		}
		time.Sleep(time.Duration(rng.IntN(15_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		for lines.Scan() { // what it printed before it died
			read()
		}
		err = cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: writer ended with %v, not by SIGKILL: %s", round, err,
				stderr.String())
		}
		if inGroup {
			midGroup++
		}

		last := checkCrashFile(t, path, committed)
		t.Logf("round %d: writer killed after group %d was reported, within a group: %t; "+
			"groups 0..%d present", round, committed, inGroup, last)
		next = last + 1
	}
	// Between two groups the writer only prints a line, so a kill at a
	// random moment all but always lands within one.
	if midGroup == 0 {
		t.Errorf("no kill landed while the writer was within a group")
	}
}

// checkCrashFile checks the file after a crash and returns the last group
// present.
func checkCrashFile(t *testing.T, path string, committed int) int {
	t.Helper()
	ctx := t.Context()

	// The integrity check reads the file with the write-ahead log.
	db, err := sql.Open(driverName, "file:"+path+"?mode=rw")
	if err != nil {
		t.Fatal(err)
	}
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if result != "ok" {
		t.Fatalf("integrity check: %s", result)
	}

	tbl, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open after crash: %v", err)
	}
	defer tbl.Close()
	counts := map[int]int{}
	q := rd.Query{PK: crashPK, Limit: 1000}
	for {
		page, err := tbl.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			g, _ := strconv.Atoi(it["group"].(*types.AttributeValueMemberN).Value)
			counts[g]++
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}

	last, txGroups := -1, 0
	for g := 0; counts[g] > 0; g++ {
		last = g
		if g%2 == 0 {
			txGroups++
		}
	}
	for g, n := range counts {
		if n != crashGroupSize(g) {
			t.Errorf("group %d: %d of %d items present", g, n, crashGroupSize(g))
		}
		if g > last {
			t.Errorf("group %d present after missing group %d", g, last+1)
		}
	}
	if last < committed || last > committed+1 {
		t.Errorf("groups 0..%d present; the writer reported group %d committed and "+
			"could have committed one more", last, committed)
	}

	counter, err := tbl.Get(ctx, crashCounter)
	if err != nil {
		t.Fatalf("counter: %v", err)
	}
	if got := counter["count"].(*types.AttributeValueMemberN).Value; got != strconv.Itoa(txGroups) {
		t.Errorf("counter says %s transactions, %d transaction groups are present", got, txGroups)
	}
	return last
}

// pairOps is how many rounds each of the two pair workers runs.
const pairOps = 400

// pairWorker waits for a line on its standard input, so that both workers
// start at once, then writes and reads as worker id: in each round a conditional put
// of its own item, an increment of a counter both workers share, a read of
// its own item back and a count of its own partition; every tenth round a
// transaction, every 25th a batch write. It checks what it reads.
func pairWorker(ctx context.Context, tbl *Table, id string) error {
	own := "PAIR#" + id
	shared := rd.Key{PK: "SHARED", SK: "counter"}
	one := &types.AttributeValueMemberN{Value: "1"}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return fmt.Errorf("wait for the start: %w", err)
	}
	fmt.Println("start", time.Now().UnixNano())
	defer func() { fmt.Println("end", time.Now().UnixNano()) }()
	for i := range pairOps {
		sk := fmt.Sprintf("I#%04d", i)
		item := rd.Item{
			rd.AttrPK: &types.AttributeValueMemberS{Value: own},
			rd.AttrSK: &types.AttributeValueMemberS{Value: sk},
			"by":      &types.AttributeValueMemberS{Value: id},
		}
		if err := tbl.Put(ctx, item, rd.IfNotExists); err != nil {
			return fmt.Errorf("round %d: put: %w", i, err)
		}
		_, err := tbl.Update(ctx, shared, rd.Update{Add: map[string]types.AttributeValue{
			"n": one, "n_" + id: one}}, nil)
		if err != nil {
			return fmt.Errorf("round %d: update: %w", i, err)
		}
		if _, err := tbl.Get(ctx, rd.Key{PK: own, SK: sk}); err != nil {
			return fmt.Errorf("round %d: get own item: %w", i, err)
		}
		if n, err := tbl.Count(ctx, rd.Query{PK: own, SK: rd.KeyCondition{
			Op: rd.SKBeginsWith, Value: "I#"}}); err != nil || n != i+1 {
			return fmt.Errorf("round %d: count of own items: %d, %v", i, n, err)
		}

		if i%10 == 0 {
			err := tbl.TransactWrite(ctx, rd.Transaction{Actions: []rd.TxAction{
				rd.PutAction(rd.Item{
					rd.AttrPK: &types.AttributeValueMemberS{Value: own},
					rd.AttrSK: &types.AttributeValueMemberS{Value: "TX#" + sk},
				}, rd.IfNotExists),
				rd.UpdateAction(shared, rd.Update{Add: map[string]types.AttributeValue{
					"tx": one}}, rd.IfExists),
			}})
			if err != nil {
				return fmt.Errorf("round %d: transaction: %w", i, err)
			}
		}
		if i%25 == 0 {
			var reqs []rd.WriteRequest
			for j := range 40 {
				reqs = append(reqs, rd.WriteRequest{Put: rd.Item{
					rd.AttrPK: &types.AttributeValueMemberS{Value: own},
					rd.AttrSK: &types.AttributeValueMemberS{Value: fmt.Sprintf("B#%04d#%02d", i, j)},
				}})
			}
			if err := tbl.BatchWrite(ctx, reqs); err != nil {
				return fmt.Errorf("round %d: batch write: %w", i, err)
			}
		}
	}
	return nil
}

// TestTwoProcesses runs two worker processes on one file at once while
// this process reads it, and checks that no call failed and no write was
// lost.
func TestTwoProcesses(t *testing.T) {
	path := createFile(t)
	ctx := t.Context()
	workers := []string{"A", "B"}

	var wg sync.WaitGroup
	errs := make([]error, len(workers))
	outs := make([]*pairOutput, len(workers))
	var starts []io.WriteCloser
	for i, id := range workers {
		cmd := child(t, "pair", path, id)
		outs[i] = &pairOutput{ready: make(chan struct{})}
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		starts = append(starts, stdin)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if err := cmd.Wait(); err != nil {
				errs[i] = fmt.Errorf("worker %s: %v: %s", id, err, outs[i])
			}
		})
	}
	for i, out := range outs {
		select {
		case <-out.ready:
		case <-time.After(time.Minute):
			t.Fatalf("worker %s never got ready: %s", workers[i], out)
		}
	}
	for _, stdin := range starts {
		fmt.Fprintln(stdin, "go")
		stdin.Close()
	}

	// Read while they write: counts only grow.
	tbl, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Close()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	prev := map[string]int{}
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		case <-time.After(5 * time.Millisecond):
		}
		for _, id := range workers {
			n, err := tbl.Count(ctx, rd.Query{PK: "PAIR#" + id})
			if err != nil {
				t.Fatalf("count while the workers write: %v", err)
			}
			if n < prev[id] {
				t.Errorf("worker %s's items went from %d to %d", id, prev[id], n)
			}
			prev[id] = n
		}
	}
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}
	// The test shows something only if the workers ran at the same time.
	a, b := outs[0].span(), outs[1].span()
	if a[0] == 0 || b[0] == 0 || a[0] > b[1] || b[0] > a[1] {
		t.Fatalf("the workers did not run at once: %v and %v", a, b)
	}
	overlap := min(a[1], b[1]) - max(a[0], b[0])
	t.Logf("workers ran %v and %v, %v of it at once", time.Duration(a[1]-a[0]),
		time.Duration(b[1]-b[0]), time.Duration(overlap))

	counter, err := tbl.Get(ctx, rd.Key{PK: "SHARED", SK: "counter"})
	if err != nil {
		t.Fatal(err)
	}
	wantN := map[string]string{
		"n": strconv.Itoa(2 * pairOps), "n_A": strconv.Itoa(pairOps),
		"n_B": strconv.Itoa(pairOps), "tx": strconv.Itoa(2 * ((pairOps + 9) / 10)),
	}
	for attr, want := range wantN {
		if got := counter[attr].(*types.AttributeValueMemberN).Value; got != want {
			t.Errorf("shared counter %s = %s, want %s", attr, got, want)
		}
	}
	wantItems := pairOps + (pairOps+9)/10 + 40*((pairOps+24)/25)
	for _, id := range workers {
		n, err := tbl.Count(ctx, rd.Query{PK: "PAIR#" + id})
		if err != nil {
			t.Fatal(err)
		}
		if n != wantItems {
			t.Errorf("worker %s: %d items, want %d", id, n, wantItems)
		}
	}
}

// pairOutput collects what a pair worker prints and signals when it is
// ready.
type pairOutput struct {
	mu    sync.Mutex
	buf   strings.Builder
	ready chan struct{}
	once  sync.Once
}

func (o *pairOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	if strings.Contains(o.buf.String(), "ready\n") {
		o.once.Do(func() { close(o.ready) })
	}
	return len(p), nil
}

func (o *pairOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// span returns the start and end times the worker printed, in Unix
// nanoseconds; zero where missing.
func (o *pairOutput) span() [2]int64 {
	var s [2]int64
	for _, line := range strings.Split(o.String(), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "start":
			s[0] = v
		case "end":
			s[1] = v
		}
	}
	return s
}
