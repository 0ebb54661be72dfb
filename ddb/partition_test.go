package ddb_test

import (
	"testing"
	"time"

	"github.com/receiptdynamo/receiptdynamo/ddb"
	"github.com/receiptdynamo/receiptdynamo/internal/partsim"
)

// TestSteadyPartitionLimit writes one image's items through a proxy that
// enforces a partition's write capacity, with a retry budget of only three
// rounds. Every round gets some items through, so the budget, which counts
// rounds in a row that get nothing through, is never spent: the batch
// completes at the partition's pace, and every item is stored.
func TestSteadyPartitionLimit(t *testing.T) {
	url := serverURL(t, envDynalite)
	direct := createTable(t, newClient(url))
	p, err := partsim.Start(url, partsim.Config{
		WriteUnits: 500, Burst: 25, KeyAttrs: partsim.TableOnly(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	policy := ddb.RetryPolicy{MaxAttempts: 3, BaseDelay: 20 * time.Millisecond,
		MaxDelay: 40 * time.Millisecond}
	proxied, err := ddb.New(newClient(p.URL), direct.Name(), ddb.WithRetryPolicy(policy),
		ddb.WithBatchConcurrency(2))
	if err != nil {
		t.Fatal(err)
	}

	reqs, want := images(1, 2) // 500 items of about 300 bytes in two partitions
	start := time.Now()
	if err := proxied.BatchWrite(t.Context(), reqs); err != nil {
		t.Fatalf("batch write through a steady partition limit: %v", err)
	}
	elapsed := time.Since(start)

	st := p.Stats()
	if st.ThrottledItems == 0 {
		t.Fatalf("the proxy throttled nothing: the test does not test the limit")
	}
	stored := scanAll(t, direct)
	for k := range want {
		if _, ok := stored[k]; !ok {
			t.Errorf("item %v missing", k)
		}
	}
	if len(stored) != len(want) {
		t.Errorf("%d items stored, want %d", len(stored), len(want))
	}
	t.Logf("%d items in %v through %d refusals of batch items, budget 3 rounds",
		len(reqs), elapsed.Round(time.Millisecond), st.ThrottledItems)
}
