package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// The tests of this file cover what the contract suite leaves to the
// engine: its cursors, pages, query plans, tokens, large batches and locks.

// openTable returns a created table in a new file.
func openTable(t *testing.T, opts ...Option) *Table {
	t.Helper()
	tbl, err := Open(t.Context(), filepath.Join(t.TempDir(), "t.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tbl.Close() })
	if err := tbl.Create(t.Context()); err != nil {
		t.Fatal(err)
	}
	return tbl
}

func putAll(t *testing.T, tbl *Table, items ...rd.Item) {
	t.Helper()
	for _, it := range items {
		if err := tbl.Put(t.Context(), it, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func num(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// TestCursorOfAnotherQuery checks that a cursor resumes only the query
// that returned it.
func TestCursorOfAnotherQuery(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	for i := range 5 {
		sk := fmt.Sprintf("I#%d", i)
		putAll(t, tbl, testItem("P", sk, rd.AttrGSI1PK, "P", rd.AttrGSI1SK, sk,
			rd.AttrType, "T"))
	}
	q := rd.Query{PK: "P", Limit: 2}
	page, err := tbl.Query(ctx, q)
	if err != nil || page.Next == "" {
		t.Fatalf("first page: %v, next %q", err, page.Next)
	}

	others := map[string]rd.Query{
		"another partition": {PK: "Q"},
		"an index":          {Index: rd.IndexGSI1, PK: "P"},
		"a sort key condition": {PK: "P",
			SK: rd.KeyCondition{Op: rd.SKBeginsWith, Value: "I#"}},
		"a type filter":   {PK: "P", Type: "T"},
		"reverse order":   {PK: "P", Reverse: true},
		"the type index":  {Index: rd.IndexGSIType, PK: "T"},
		"a cut cursor":    {PK: "P"},
		"a longer cursor": {PK: "P"},
	}
	for what, other := range others {
		other.Cursor = page.Next
		switch what {
		case "a cut cursor":
			other.Cursor = page.Next[:len(page.Next)-2]
		case "a longer cursor":
			other.Cursor = page.Next + "AA"
		}
		if _, err := tbl.Query(ctx, other); !errors.Is(err, rd.ErrInvalid) {
			t.Errorf("cursor of the table query used with %s: %v, want ErrInvalid", what, err)
		}
	}

	// The same query with another limit resumes.
	q.Cursor, q.Limit = page.Next, 10
	rest, err := tbl.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(rest.Items); got != 3 || rest.Next != "" {
		t.Errorf("rest of the query: %d items, next %q; want 3 and no cursor", got, rest.Next)
	}
}

// TestPageEnds checks that a page that reaches the end of the results has
// no cursor, and one that stops before it has one.
func TestPageEnds(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	for i := range 4 {
		putAll(t, tbl, testItem("P", fmt.Sprint(i), rd.AttrType, "A"))
	}
	cases := []struct {
		q        rd.Query
		items    int
		wantNext bool
	}{
		{rd.Query{PK: "P", Limit: 4}, 4, false},
		{rd.Query{PK: "P", Limit: 3}, 3, true},
		{rd.Query{PK: "P", Limit: 4, Type: "A"}, 4, false},
		{rd.Query{PK: "P", Limit: 2, Type: "A", Reverse: true}, 2, true},
		{rd.Query{PK: "P"}, 4, false},
	}
	for _, tc := range cases {
		page, err := tbl.Query(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != tc.items || (page.Next != "") != tc.wantNext {
			t.Errorf("query %+v: %d items, next %q; want %d items, a cursor: %t",
				tc.q, len(page.Items), page.Next, tc.items, tc.wantNext)
		}
	}
}

// TestPageCountsFilteredItems checks that, as in DynamoDB, the 1 MB of a
// page counts the items the Type filter drops.
func TestPageCountsFilteredItems(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	big := strings.Repeat("x", 300_000)
	for i := range 5 {
		putAll(t, tbl, testItem("P", fmt.Sprintf("A%d", i), rd.AttrType, "BLOB", "data", big))
	}
	putAll(t, tbl, testItem("P", "B", rd.AttrType, "SMALL"))

	q := rd.Query{PK: "P", Type: "SMALL", Limit: 10}
	first, err := tbl.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 0 || first.Next == "" {
		t.Fatalf("first page after 1.2 MB of other types: %d items, next %q; "+
			"want none and a cursor", len(first.Items), first.Next)
	}
	q.Cursor = first.Next
	second, err := tbl.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Items) != 1 || second.Next != "" {
		t.Errorf("second page: %d items, next %q; want the small item and no cursor",
			len(second.Items), second.Next)
	}
}

// TestQueryPlans checks that every kind of query reads its index in order,
// no scan of the table and no sort, and that a cursor is where the search
// of the index starts, not a filter of the rows read from the start.
func TestQueryPlans(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	db := rawDB(t, tbl.Path())
	conds := []rd.KeyCondition{
		{}, {Op: rd.SKEq, Value: "a"}, {Op: rd.SKBeginsWith, Value: "a"},
		{Op: rd.SKBetween, Value: "a", Value2: "b"}, {Op: rd.SKLt, Value: "a"},
		{Op: rd.SKGe, Value: "a"},
	}
	wantIndex := map[string]string{
		"": "PRIMARY KEY", rd.IndexGSI1: "INDEX items_gsi1", rd.IndexGSI2: "INDEX items_gsi2",
		rd.IndexGSI3: "INDEX items_gsi3", rd.IndexGSIType: "INDEX items_gsitype",
	}
	for index, want := range wantIndex {
		for _, sk := range conds {
			if index == rd.IndexGSIType && sk.Op != rd.SKAny {
				continue
			}
			for _, reverse := range []bool{false, true} {
				q := rd.Query{Index: index, PK: "P", SK: sk, Reverse: reverse, Type: "T"}
				p, err := planQuery("Query", q)
				if err != nil {
					t.Fatal(err)
				}
				for _, cursor := range []bool{false, true} {
					var after []string
					if cursor {
						after = make([]string, len(p.order))
					}
					query, args := p.selectSQL(after)
					plan := explain(t, ctx, db, query, args)
					if !strings.Contains(plan, "SEARCH items USING "+want) ||
						strings.Contains(plan, "TEMP B-TREE") {
						t.Errorf("query %+v, cursor %t: plan %q, want a search of %s "+
							"without a sort", q, cursor, plan, want)
					}
					if cursor && !seeksCursor(plan, index, sk, reverse) {
						t.Errorf("query %+v: plan %q does not seek the cursor", q, plan)
					}
				}
			}
		}
	}
}

// seeksCursor reports whether the search of a plan uses the cursor's
// bound.
func seeksCursor(plan, index string, sk rd.KeyCondition, reverse bool) bool {
	switch {
	case index != "":
		return strings.Contains(plan, ",pk,sk)") || strings.Contains(plan, "(pk,sk)")
	case sk.Op == rd.SKEq:
		return true // one item at most
	case reverse:
		return strings.Contains(plan, "sk<?")
	}
	return strings.Contains(plan, "sk>?")
}

func explain(t *testing.T, ctx context.Context, db *sql.DB, query string, args []any) string {
	t.Helper()
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "; ")
}

// TestTokenLifetime checks that a transaction token is remembered for ten
// minutes, and only for a transaction that succeeded.
func TestTokenLifetime(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tbl.now = func() time.Time { return clock }
	counter := rd.Key{PK: "P", SK: "counter"}
	add := func(token, by string, cond rd.Condition) error {
		return tbl.TransactWrite(ctx, rd.Transaction{Token: token, Actions: []rd.TxAction{
			rd.UpdateAction(counter, rd.Update{Add: map[string]types.AttributeValue{
				"n": num(by)}}, cond)}})
	}
	value := func() string {
		it, err := tbl.Get(ctx, counter)
		if err != nil {
			return err.Error()
		}
		return it["n"].(*types.AttributeValueMemberN).Value
	}

	// A cancelled transaction records nothing: its retry runs.
	err := add("t1", "1", rd.IfExists)
	var tce *rd.TxCanceledError
	if !errors.As(err, &tce) {
		t.Fatalf("update if exists of a missing item: %v", err)
	}
	if err := add("t1", "1", nil); err != nil {
		t.Fatalf("the token of a cancelled transaction with other actions: %v", err)
	}
	if err := add("t1", "1", nil); err != nil || value() != "1" {
		t.Fatalf("replay: %v, counter %s; want success and 1", err, value())
	}

	clock = clock.Add(9 * time.Minute)
	if err := add("t1", "5", nil); !errors.Is(err, rd.ErrInvalid) {
		t.Errorf("other actions with the token 9 minutes later: %v, want ErrInvalid", err)
	}
	clock = clock.Add(2 * time.Minute)
	if err := add("t1", "5", nil); err != nil || value() != "6" {
		t.Errorf("other actions with the token 11 minutes later: %v, counter %s; "+
			"want success and 6", err, value())
	}

	long := strings.Repeat("t", maxTokenLength+1)
	if err := add(long, "1", nil); !errors.Is(err, rd.ErrInvalid) {
		t.Errorf("a token of %d characters: %v, want ErrInvalid", len(long), err)
	}
}

// TestTxValidationReason checks that an update that does not fit the stored
// item cancels the transaction with a ValidationError reason for it.
func TestTxValidationReason(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	putAll(t, tbl, testItem("P", "text", "s", "words"))
	tx := rd.Transaction{Actions: []rd.TxAction{
		rd.PutAction(testItem("P", "new"), nil),
		rd.UpdateAction(rd.Key{PK: "P", SK: "text"}, rd.Update{
			Add: map[string]types.AttributeValue{"s": num("1")}}, nil),
		rd.UpdateAction(rd.Key{PK: "P", SK: "keys"}, rd.Update{
			Add: map[string]types.AttributeValue{
				rd.AttrGSI1PK: &types.AttributeValueMemberSS{Value: []string{"x"}}}}, nil),
	}}
	err := tbl.TransactWrite(ctx, tx)
	var tce *rd.TxCanceledError
	if !errors.As(err, &tce) {
		t.Fatalf("transaction with misfit updates: %v, want a *TxCanceledError", err)
	}
	want := []string{rd.ReasonNone, rd.ReasonValidationError, rd.ReasonValidationError}
	for i, r := range tce.Reasons {
		if r.Code != want[i] {
			t.Errorf("reason %d: %s (%s), want %s", i, r.Code, r.Message, want[i])
		}
	}
	if _, err := tbl.Get(ctx, rd.Key{PK: "P", SK: "new"}); !errors.Is(err, rd.ErrNotFound) {
		t.Errorf("the put of a cancelled transaction: %v, want ErrNotFound", err)
	}
}

// TestTxSizeLimit checks the 4 MB limit of a transaction.
func TestTxSizeLimit(t *testing.T) {
	tbl := openTable(t)
	payload := strings.Repeat("p", 390_000)
	var tx rd.Transaction
	for i := range 11 { // 11 × 390 KB > 4 MB
		tx.Actions = append(tx.Actions, rd.PutAction(
			testItem("P", fmt.Sprint(i), "data", payload), nil))
	}
	if err := tbl.TransactWrite(t.Context(), tx); !errors.Is(err, rd.ErrInvalid) {
		t.Errorf("transaction of 4.3 MB: %v, want ErrInvalid", err)
	}
	tx.Actions = tx.Actions[:10]
	if err := tbl.TransactWrite(t.Context(), tx); err != nil {
		t.Errorf("transaction of 3.9 MB: %v", err)
	}
}

// TestLargeBatchWrite writes and then rewrites a batch larger than one run
// of the pipelined writer, with deletes among the puts.
func TestLargeBatchWrite(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	const n = 5 * rowRunLen
	var reqs []rd.WriteRequest
	for i := range n {
		reqs = append(reqs, rd.WriteRequest{Put: testItem("P", fmt.Sprintf("%05d", i),
			rd.AttrType, "A", "v", "first")})
	}
	if err := tbl.BatchWrite(ctx, reqs); err != nil {
		t.Fatal(err)
	}

	reqs = reqs[:0]
	for i := range n {
		sk := fmt.Sprintf("%05d", i)
		if i%3 == 0 {
			reqs = append(reqs, rd.WriteRequest{Delete: &rd.Key{PK: "P", SK: sk}})
		} else {
			reqs = append(reqs, rd.WriteRequest{Put: testItem("P", sk, rd.AttrType, "B",
				"v", "second "+sk)})
		}
	}
	if err := tbl.BatchWrite(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	all, err := tbl.BatchGet(ctx, keysOf(reqs))
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range all {
		sk := fmt.Sprintf("%05d", i)
		switch {
		case i%3 == 0 && it != nil:
			t.Errorf("item %s survived its delete", sk)
		case i%3 != 0 && (it == nil ||
			it["v"].(*types.AttributeValueMemberS).Value != "second "+sk):
			t.Errorf("item %s: %v, want the second put", sk, it)
		}
	}
	if n2, err := tbl.Count(ctx, rd.Query{Index: rd.IndexGSIType, PK: "A"}); err != nil ||
		n2 != 0 {
		t.Errorf("items left in GSITYPE under the old type: %d, %v", n2, err)
	}
}

func keysOf(reqs []rd.WriteRequest) []rd.Key {
	keys := make([]rd.Key, len(reqs))
	for i, r := range reqs {
		if r.Delete != nil {
			keys[i] = *r.Delete
		} else {
			keys[i] = rd.Key{PK: r.Put[rd.AttrPK].(*types.AttributeValueMemberS).Value,
				SK: r.Put[rd.AttrSK].(*types.AttributeValueMemberS).Value}
		}
	}
	return keys
}

// TestBatchWriteAllOrNothing checks that a large batch with a bad last
// request, and a large batch whose context ends in the middle of writing,
// leave the table as it was.
func TestBatchWriteAllOrNothing(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	var reqs []rd.WriteRequest
	for i := range 10 * rowRunLen {
		reqs = append(reqs, rd.WriteRequest{Put: testItem("P", fmt.Sprintf("%05d", i),
			"data", strings.Repeat("d", 200))})
	}
	badKey := append(slices.Clone(reqs), rd.WriteRequest{Put: testItem("P", "")})
	if err := tbl.BatchWrite(ctx, badKey); !errors.Is(err, rd.ErrInvalid) ||
		!strings.Contains(err.Error(), fmt.Sprintf("reqs[%d].Put.SK", len(reqs))) {
		t.Errorf("batch with an empty sort key last: %v, want ErrInvalid naming "+
			"reqs[%d].Put.SK", err, len(reqs))
	}
	// An item is checked while the rows before it are written.
	badItem := testItem("P", "bad")
	badItem["n"] = num("not a number")
	badItems := append(slices.Clone(reqs), rd.WriteRequest{Put: badItem})
	err := tbl.BatchWrite(ctx, badItems)
	if !errors.Is(err, rd.ErrInvalid) || !strings.Contains(err.Error(),
		fmt.Sprintf("reqs[%d]", len(reqs))) {
		t.Errorf("batch with a bad number last: %v, want ErrInvalid naming reqs[%d]", err,
			len(reqs))
	}
	if n, err := tbl.Count(ctx, rd.Query{PK: "P"}); err != nil || n != 0 {
		t.Errorf("items after a batch with a bad item: %d, %v; want none", n, err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	defer cancel()
	runs := 0
	tbl.testHookRun = func() {
		if runs++; runs == 3 {
			cancel()
		}
	}
	err = tbl.BatchWrite(cancelled, reqs)
	tbl.testHookRun = nil
	var be *rd.BatchError
	if !errors.As(err, &be) || !errors.Is(err, context.Canceled) {
		t.Fatalf("batch write cancelled after 3 runs: %v, want a *BatchError of the "+
			"cancellation", err)
	}
	if runs < 3 {
		t.Fatalf("the batch was cancelled after %d runs", runs)
	}
	if be.Done != 0 || len(be.Unprocessed) != len(reqs) {
		t.Errorf("batch error: %d done, %d unprocessed; want 0 and %d", be.Done,
			len(be.Unprocessed), len(reqs))
	}
	if n, err := tbl.Count(ctx, rd.Query{PK: "P"}); err != nil || n != 0 {
		t.Errorf("items after the failed batches: %d, %v; want none", n, err)
	}
	if err := tbl.BatchWrite(ctx, reqs); err != nil {
		t.Errorf("the same batch again: %v", err)
	}
	if n, err := tbl.Count(ctx, rd.Query{PK: "P"}); err != nil || n != len(reqs) {
		t.Errorf("items after the batch: %d, %v; want %d", n, err, len(reqs))
	}
}

// TestLockedFile checks that a write waits for another connection's write
// lock up to the busy timeout, then fails with ErrThrottled, and succeeds
// once the lock is free.
func TestLockedFile(t *testing.T) {
	tbl := openTable(t, WithBusyTimeout(200*time.Millisecond))
	ctx := t.Context()
	other := rawDB(t, tbl.Path())
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	err = tbl.Put(ctx, testItem("P", "1"), nil)
	waited := time.Since(start)
	if !errors.Is(err, rd.ErrThrottled) {
		t.Errorf("put while another connection holds the lock: %v, want ErrThrottled", err)
	}
	if waited < 200*time.Millisecond {
		t.Errorf("put gave up after %v, before the busy timeout of 200ms", waited)
	}
	// Bad input is reported as such, not as the lock.
	bad := testItem("P", "2")
	bad["n"] = num("1e999")
	if err := tbl.BatchWrite(ctx, []rd.WriteRequest{{Put: bad}}); !errors.Is(err, rd.ErrInvalid) {
		t.Errorf("batch write of a bad item while the file is locked: %v, want ErrInvalid", err)
	}
	// Reads go on while the lock is held.
	if _, err := tbl.Count(ctx, rd.Query{PK: "P"}); err != nil {
		t.Errorf("count while another connection holds the write lock: %v", err)
	}

	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Put(ctx, testItem("P", "1"), nil); err != nil {
		t.Errorf("put after the lock is released: %v", err)
	}
}

// TestUpdateKeepsIndexKeysStrings checks that an update cannot make an
// index key attribute anything but a non-empty string.
func TestUpdateKeepsIndexKeysStrings(t *testing.T) {
	tbl := openTable(t)
	ctx := t.Context()
	key := rd.Key{PK: "P", SK: "1"}
	refused := map[string]rd.Update{
		"ADD of a set to GSI1PK": {Add: map[string]types.AttributeValue{
			rd.AttrGSI1PK: &types.AttributeValueMemberSS{Value: []string{"x"}}}},
		"ADD of a number to TYPE": {Add: map[string]types.AttributeValue{
			rd.AttrType: num("1")}},
		"SET of a number to GSI2SK": {Set: map[string]types.AttributeValue{
			rd.AttrGSI2SK: num("1")}},
	}
	for what, upd := range refused {
		if _, err := tbl.Update(ctx, key, upd, nil); !errors.Is(err, rd.ErrInvalid) {
			t.Errorf("update with %s: %v, want ErrInvalid", what, err)
		}
	}
	if _, err := tbl.Get(ctx, key); !errors.Is(err, rd.ErrNotFound) {
		t.Errorf("refused updates created the item: %v", err)
	}
}

// TestClosed checks that Close may be called twice and that a closed table
// refuses work.
func TestClosed(t *testing.T) {
	tbl := openTable(t)
	if err := tbl.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := tbl.Get(t.Context(), rd.Key{PK: "P", SK: "1"}); err == nil {
		t.Errorf("get on a closed table succeeded")
	}
}

// TestConcurrentGoroutines runs writers and readers of one table at once
// in one process and checks that no update was lost.
func TestConcurrentGoroutines(t *testing.T) {
	tbl := openTable(t, WithReaders(2))
	ctx := t.Context()
	const workers, rounds = 6, 60
	counter := rd.Key{PK: "P", SK: "counter"}
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			errs <- func() error {
				own := fmt.Sprintf("W#%d", w)
				for i := range rounds {
					_, err := tbl.Update(ctx, counter, rd.Update{
						Add: map[string]types.AttributeValue{"n": num("1")}}, nil)
					if err != nil {
						return err
					}
					sk := fmt.Sprintf("%03d", i)
					switch i % 3 {
					case 0:
						err = tbl.Put(ctx, testItem(own, sk), rd.IfNotExists)
					case 1:
						err = tbl.BatchWrite(ctx, []rd.WriteRequest{{Put: testItem(own, sk)}})
					default:
						err = tbl.TransactWrite(ctx, rd.Transaction{Actions: []rd.TxAction{
							rd.PutAction(testItem(own, sk), rd.IfNotExists)}})
					}
					if err != nil {
						return err
					}
					n, err := tbl.Count(ctx, rd.Query{PK: own})
					if err != nil {
						return err
					}
					if n != i+1 {
						return fmt.Errorf("worker %d sees %d of its %d items", w, n, i+1)
					}
				}
				return nil
			}()
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	it, err := tbl.Get(ctx, counter)
	if err != nil {
		t.Fatal(err)
	}
	if got := it["n"].(*types.AttributeValueMemberN).Value; got != fmt.Sprint(workers*rounds) {
		t.Errorf("counter %s after %d increments", got, workers*rounds)
	}
}
