package receiptdynamo

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// Unit tests of the job client's pure parts. Its behaviour against the
// table is checked by tabletest.RunJobClient on every engine.

func TestJobCursorRoundTrip(t *testing.T) {
	cases := []jobCursor{
		{},
		{Page: "engine-cursor", Skip: 7},
		{SK: "CREATED#2025-03-01T09:00:00.000000+00:00", PK: "JOB#x"},
		{Rank: 3, SK: "2025-03-01T09:00:00.000000+00:00", PK: "job"},
	}
	for _, want := range cases {
		got, err := decodeJobCursor("Test", want.encode())
		if err != nil || got != want {
			t.Errorf("decode(encode(%+v)) = %+v, %v", want, got, err)
		}
	}
	for _, bad := range []string{"%%%", "bm90IGpzb24", "eyJzIjotMX0"} { // "not json", {"s":-1}
		if _, err := decodeJobCursor("Test", bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("decode(%q): got %v, want ErrInvalid", bad, err)
		}
	}
	if c, err := decodeJobCursor("Test", ""); err != nil || c != (jobCursor{}) {
		t.Errorf(`decode(""): %+v, %v; want the start`, c, err)
	}
}

// FuzzDecodeJobCursor: a cursor comes from callers, so any text must either
// decode to a cursor that encodes back to the same position or fail with
// ErrInvalid, never panic.
func FuzzDecodeJobCursor(f *testing.F) {
	f.Add(jobCursor{Page: "p", Skip: 3}.encode())
	f.Add(jobCursor{Rank: 2, SK: "x", PK: "y"}.encode())
	f.Add("")
	f.Add("!!")
	f.Fuzz(func(t *testing.T, v string) {
		c, err := decodeJobCursor("Fuzz", v)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("decode(%q): error %v does not match ErrInvalid", v, err)
			}
			return
		}
		again, err := decodeJobCursor("Fuzz", c.encode())
		if err != nil || again != c {
			t.Fatalf("decode(%q) = %+v, which does not round-trip: %+v, %v", v, c, again, err)
		}
	})
}

func TestResumeAfter(t *testing.T) {
	mid := resumeAfter("start", 3, 10, "next")
	if c, _ := decodeJobCursor("T", mid); c != (jobCursor{Page: "start", Skip: 3}) {
		t.Errorf("stopped inside a page: %+v, want that page with 3 consumed", c)
	}
	end := resumeAfter("start", 10, 10, "next")
	if c, _ := decodeJobCursor("T", end); c != (jobCursor{Page: "next"}) {
		t.Errorf("stopped at a page's end: %+v, want the next page", c)
	}
	if last := resumeAfter("start", 10, 10, ""); last != "" {
		t.Errorf("stopped at the last page's end: %q, want no cursor", last)
	}
}

func entry(id string, p Priority, sec int) QueueJob {
	return QueueJob{QueueName: "q", JobID: id, Priority: p,
		EnqueuedAt: time.Date(2025, 1, 1, 0, 0, sec, 0, time.UTC)}
}

func TestQueueOrder(t *testing.T) {
	entries := []QueueJob{
		entry("e", PriorityLow, 1), entry("d", PriorityCritical, 9),
		entry("c", PriorityHigh, 5), entry("b", PriorityHigh, 2),
		entry("a", PriorityHigh, 2), entry("f", PriorityMedium, 0),
	}
	slices.SortFunc(entries, queueOrder)
	got := make([]string, len(entries))
	for i, e := range entries {
		got[i] = e.JobID
	}
	if want := []string{"d", "a", "b", "c", "f", "e"}; !slices.Equal(got, want) {
		t.Errorf("claim order %v, want %v (priority, then age, then id)", got, want)
	}
}

// TestSpreadHead: only the oldest entries of the top priority, at most
// defaultClaimSpread of them, change places, and each of them comes first
// sometimes.
func TestSpreadHead(t *testing.T) {
	var entries []QueueJob
	for i := range 12 {
		entries = append(entries, entry(string(rune('a'+i)), PriorityHigh, i))
	}
	entries = append(entries, entry("low", PriorityLow, 0))
	first := map[string]int{}
	for range 2000 {
		got := spreadHead(entries, defaultClaimSpread)
		head := make([]string, defaultClaimSpread)
		for i := range defaultClaimSpread {
			head[i] = got[i].JobID
		}
		slices.Sort(head)
		if want := []string{"a", "b", "c", "d", "e", "f", "g", "h"}; !slices.Equal(head, want) {
			t.Fatalf("head %v, want a permutation of %v", head, want)
		}
		if !slices.Equal(got[defaultClaimSpread:], entries[defaultClaimSpread:]) {
			t.Fatalf("entries after the head moved: %v", got[defaultClaimSpread:])
		}
		first[got[0].JobID]++
	}
	if len(first) != defaultClaimSpread {
		t.Errorf("first entries seen: %v, want each of the %d oldest", first, defaultClaimSpread)
	}

	// A spread of 1 keeps the claim order.
	if got := spreadHead(entries, 1); !slices.Equal(got, entries) {
		t.Errorf("spread 1 changed the order: %v", got)
	}

	// A single entry of the top priority is always first.
	mixed := []QueueJob{entry("top", PriorityCritical, 5), entry("x", PriorityLow, 0),
		entry("y", PriorityLow, 1)}
	for range 100 {
		if got := spreadHead(mixed, defaultClaimSpread); !slices.Equal(got, mixed) {
			t.Fatalf("spreadHead moved lower priorities: %v", got)
		}
	}
}

func TestTimeRange(t *testing.T) {
	from, to := TimeRange{}.bounds()
	if from.Year() != 1 || to.Year() != 9999 || !from.Before(to) {
		t.Errorf("open range: %v .. %v", from, to)
	}
	t1 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if f, l := (TimeRange{From: t1, To: t1}).bounds(); !f.Equal(t1) || !l.Equal(t1) {
		t.Errorf("closed range changed: %v .. %v", f, l)
	}
	backwards := TimeRange{From: t1, To: t1.Add(-time.Second)}
	if err := backwards.check("T"); !errors.Is(err, ErrInvalid) {
		t.Errorf("range ending before it starts: %v, want ErrInvalid", err)
	}
}

func TestOnlyContention(t *testing.T) {
	tc := func(codes ...string) error {
		r := make([]TxReason, len(codes))
		for i, c := range codes {
			r[i] = TxReason{Code: c}
		}
		return &TxCanceledError{Reasons: r}
	}
	cases := []struct {
		err  error
		want bool
	}{
		{tc(ReasonNone, ReasonTransactionConflict), true},
		{tc(ReasonThrottlingError), true},
		{tc(ReasonNone, ReasonNone), false},
		{tc(ReasonTransactionConflict, ReasonConditionalCheckFailed), false},
		{ErrConditionFailed, false},
	}
	for _, c := range cases {
		if got := onlyContention(c.err); got != c.want {
			t.Errorf("onlyContention(%v) = %t, want %t", c.err, got, c.want)
		}
	}
	if !failedAt(tc(ReasonNone, ReasonConditionalCheckFailed), 1) ||
		failedAt(tc(ReasonNone, ReasonConditionalCheckFailed), 0) {
		t.Errorf("failedAt does not name the failing action")
	}
}

func TestTxBackoffEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := txBackoff(ctx, 30); !errors.Is(err, context.Canceled) {
		t.Errorf("backoff in an ended context: %v, want context.Canceled", err)
	}
	for n := 1; n <= 3; n++ {
		if err := txBackoff(context.Background(), n); err != nil {
			t.Fatalf("backoff %d: %v", n, err)
		}
	}
}
