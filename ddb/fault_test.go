package ddb_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/ddb"
	"github.com/receiptdynamo/receiptdynamo/internal/faultproxy"
)

// The fault tests put internal/faultproxy between the engine and a real
// server, to meet what local servers never do: throttling, server errors,
// unprocessed batch items and transaction conflicts. Each test creates its
// table directly on the server and reaches it through the proxy; what ends
// up stored is checked directly on the server, past the proxy.

// counter is a slog handler that counts the engine's records by message.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func newCounter() *counter { return &counter{n: map[string]int{}} }

func (c *counter) Enabled(context.Context, slog.Level) bool { return true }
func (c *counter) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *counter) WithGroup(string) slog.Handler            { return c }
func (c *counter) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[r.Message]++
	return nil
}

func (c *counter) count(msg string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[msg]
}

// Messages of the engine's retry records.
const (
	msgRetry    = "ddb: retrying request"
	msgResend   = "ddb: re-sending unprocessed requests"
	msgGiveUp   = "ddb: giving up on unprocessed requests"
	msgTxRetry  = "ddb: retrying cancelled transaction"
	msgOwnItem  = "ddb: conditional put found its own item after a retry"
	wordsPerImg = 250
)

// faultSetup is a table on a server and an engine reaching it through a
// fault proxy.
type faultSetup struct {
	direct  *ddb.Table // the table, past the proxy
	proxied *ddb.Table // the same table, through the proxy
	proxy   *faultproxy.Proxy
	log     *counter
}

// setupFaults creates a table on the server at url and returns it with an
// engine that reaches it through a proxy injecting f.
func setupFaults(t *testing.T, url string, f faultproxy.Faults,
	opts ...ddb.Option) *faultSetup {
	t.Helper()
	s := &faultSetup{direct: createTable(t, newClient(url)), log: newCounter()}
	p, err := faultproxy.Start(url, f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	s.proxy = p
	opts = append([]ddb.Option{ddb.WithRetryPolicy(testPolicy),
		ddb.WithLogger(slog.New(s.log))}, opts...)
	s.proxied, err = ddb.New(newClient(p.URL), s.direct.Name(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wordItem returns the item of word w of image img, about 300 bytes, shaped
// like the words of the item format.
func wordItem(img, w int) rd.Item {
	num := func(v float64) types.AttributeValue {
		return &types.AttributeValueMemberN{Value: strconv.FormatFloat(v, 'f', -1, 64)}
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	return rd.Item{
		rd.AttrPK:    s(fmt.Sprintf("IMAGE#%08d-fault-test", img)),
		rd.AttrSK:    s(fmt.Sprintf("LINE#%05d#WORD#%05d", w/10, w)),
		rd.AttrType:  s("WORD"),
		"text":       s(fmt.Sprintf("word-%d-%d", img, w)),
		"confidence": num(0.5 + float64(w%50)/100),
		"bounding_box": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"x": num(float64(w) / 1000), "y": num(float64(img) / 100),
			"width": num(0.05), "height": num(0.02),
		}},
		"angle_degrees":  num(float64(w%7) - 3),
		"extracted_data": &types.AttributeValueMemberNULL{Value: true},
	}
}

func keyOf(it rd.Item) rd.Key {
	return rd.Key{PK: it[rd.AttrPK].(*types.AttributeValueMemberS).Value,
		SK: it[rd.AttrSK].(*types.AttributeValueMemberS).Value}
}

// scanAll reads every item of the table directly on the server, failing the
// test if a key comes twice.
func scanAll(t *testing.T, tbl *ddb.Table) map[rd.Key]rd.Item {
	t.Helper()
	got := map[rd.Key]rd.Item{}
	in := &dynamodb.ScanInput{TableName: aws.String(tbl.Name()), ConsistentRead: aws.Bool(true)}
	p := dynamodb.NewScanPaginator(tbl.Client(), in)
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
		for _, it := range out.Items {
			k := keyOf(it)
			if _, dup := got[k]; dup {
				t.Fatalf("scan returned %v twice", k)
			}
			got[k] = it
		}
	}
	return got
}

// formatItem writes an item with sorted attribute names, to compare items
// of the shape of wordItem.
func formatItem(it rd.Item) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(it)) {
		fmt.Fprintf(&b, "%s=%s;", name, formatValue(it[name]))
	}
	return b.String()
}

func formatValue(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return "S:" + v.Value
	case *types.AttributeValueMemberN:
		return "N:" + v.Value
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberM:
		return "M{" + formatItem(v.Value) + "}"
	}
	return fmt.Sprintf("%T", v)
}

// images returns the items of n images of wordsPerImg words each, as puts,
// and the items by key.
func images(first, n int) ([]rd.WriteRequest, map[rd.Key]rd.Item) {
	var reqs []rd.WriteRequest
	want := map[rd.Key]rd.Item{}
	for img := first; img < first+n; img++ {
		for w := range wordsPerImg {
			it := wordItem(img, w)
			reqs = append(reqs, rd.WriteRequest{Put: it})
			want[keyOf(it)] = it
		}
	}
	return reqs, want
}

// TestFaultsTenThousandItems batch-writes 10,000 items through 20%
// unprocessed items, 10% throttled requests and 5% server errors, checks on
// the server that each is stored once as written, and reads them back
// through the same faults, each once and in request order.
func TestFaultsTenThousandItems(t *testing.T) {
	url := serverURL(t, envDynalite)
	s := setupFaults(t, url, faultproxy.Faults{Seed: 1, Unprocessed: 0.2, Throttle: 0.1,
		ServerError: 0.05})
	ctx := t.Context()
	reqs, want := images(0, 40)

	start := time.Now()
	if err := s.proxied.BatchWrite(ctx, reqs); err != nil {
		t.Fatalf("batch write of %d items: %v", len(reqs), err)
	}
	writeTime := time.Since(start)
	ws := s.proxy.Stats()
	if ws.Unprocessed == 0 || ws.Throttled == 0 || ws.ServerError == 0 {
		t.Fatalf("the proxy injected too little: %+v", ws)
	}

	// On the server: every item once, as written, and nothing else.
	stored := scanAll(t, s.direct)
	if len(stored) != len(want) {
		t.Errorf("%d items stored, want %d", len(stored), len(want))
	}
	bad := 0
	for k, w := range want {
		if got := formatItem(stored[k]); got != formatItem(w) && bad < 5 {
			bad++
			t.Errorf("item %v stored as %s, want %s", k, got, formatItem(w))
		}
	}
	for img := range 40 {
		pk := keyOf(wordItem(img, 0)).PK
		n, err := s.direct.Count(ctx, rd.Query{PK: pk, Type: "WORD"})
		if err != nil || n != wordsPerImg {
			t.Errorf("count of %s: %d, %v; want %d", pk, n, err, wordsPerImg)
		}
	}

	// Read back through the faults, in a shuffled order.
	keys := slices.Collect(maps.Keys(want))
	slices.SortFunc(keys, func(a, b rd.Key) int { return strings.Compare(a.String(), b.String()) })
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(keys), func(i, j int) {
		keys[i], keys[j] = keys[j], keys[i]
	})
	writeRetries, writeResends := s.log.count(msgRetry), s.log.count(msgResend)
	start = time.Now()
	got, err := s.proxied.BatchGet(ctx, keys)
	readTime := time.Since(start)
	if err != nil {
		t.Fatalf("batch get of %d keys: %v", len(keys), err)
	}
	if len(got) != len(keys) {
		t.Fatalf("batch get of %d keys returned %d items", len(keys), len(got))
	}
	bad = 0
	for i, k := range keys {
		if formatItem(got[i]) != formatItem(want[k]) && bad < 5 {
			bad++
			t.Errorf("batch get result %d (key %v): %s, want %s", i, k, formatItem(got[i]),
				formatItem(want[k]))
		}
	}
	rs := s.proxy.Stats()
	t.Logf("write: %d items in %v: %d BatchWriteItem requests, %d throttled, %d answered 500, "+
		"%d items held back; engine: %d request retries, %d re-sends of unprocessed items",
		len(reqs), writeTime.Round(time.Millisecond), ws.Requests["BatchWriteItem"],
		ws.Throttled, ws.ServerError, ws.Unprocessed, writeRetries, writeResends)
	t.Logf("read: %d keys in %v: %d BatchGetItem requests, %d throttled, %d answered 500, "+
		"%d keys held back; engine: %d request retries, %d re-sends of unprocessed keys",
		len(keys), readTime.Round(time.Millisecond), rs.Requests["BatchGetItem"],
		rs.Throttled-ws.Throttled, rs.ServerError-ws.ServerError, rs.Unprocessed-ws.Unprocessed,
		s.log.count(msgRetry)-writeRetries, s.log.count(msgResend)-writeResends)
	if rs.Unprocessed == ws.Unprocessed {
		t.Errorf("no key of the batch get was held back: the read faults were not met")
	}
}

// TestBatchWriteCancelled cancels a batch write in its middle: it must
// return at once, although the proxy now holds every request for a minute,
// with a BatchError whose account agrees with the server.
func TestBatchWriteCancelled(t *testing.T) {
	url := serverURL(t, envDynalite)
	s := setupFaults(t, url, faultproxy.Faults{})
	reqs, _ := images(100, 8) // 2,000 items, 80 requests
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	var seen atomic.Int32
	var cancelledAt atomic.Int64
	s.proxy.OnRequest(func(op string) {
		if op == "BatchWriteItem" && seen.Add(1) == 30 {
			s.proxy.SetFaults(faultproxy.Faults{Delay: time.Minute})
			cancelledAt.Store(time.Now().UnixNano())
			cancel()
		}
	})
	err := s.proxied.BatchWrite(ctx, reqs)
	latency := time.Since(time.Unix(0, cancelledAt.Load()))

	var be *rd.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("cancelled batch write: %v, want a *BatchError", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled batch write: %v, want it to match context.Canceled", err)
	}
	if cancelledAt.Load() == 0 {
		t.Fatalf("the batch ended before its 30th request: %v", err)
	}
	if latency > 10*time.Second {
		t.Errorf("batch write returned %v after its context ended", latency)
	}
	if be.Done+len(be.Unprocessed) != len(reqs) || be.Done == 0 || len(be.Unprocessed) == 0 {
		t.Fatalf("BatchError: %d done, %d unprocessed of %d", be.Done, len(be.Unprocessed),
			len(reqs))
	}

	// Every request not listed is stored; of those listed, only the few
	// in flight when the context ended may be (their answers were lost).
	stored := scanAll(t, s.direct)
	left := map[rd.Key]bool{}
	for _, r := range be.Unprocessed {
		left[keyOf(r.Put)] = true
	}
	inDoubt := 0
	for _, r := range reqs {
		k := keyOf(r.Put)
		got, ok := stored[k]
		switch {
		case !left[k] && formatItem(got) != formatItem(r.Put):
			t.Errorf("item %v counted as written but stored as %q", k, formatItem(got))
		case left[k] && ok:
			inDoubt++
		}
	}
	if inDoubt > 4*25 {
		t.Errorf("%d items listed as unprocessed are stored, more than 4 requests in flight",
			inDoubt)
	}
	t.Logf("cancelled after %d requests: returned %v later; %d written, %d unprocessed "+
		"(%d of them stored by requests in flight)", seen.Load(), latency.Round(time.Microsecond),
		be.Done, len(be.Unprocessed), inDoubt)
}

// TestRetryBudgetSpent holds back 80% of every batch's items and allows
// three attempts: the batch write and the batch get end with ErrThrottled
// and list exactly what the server did not get.
func TestRetryBudgetSpent(t *testing.T) {
	url := serverURL(t, envDynalite)
	policy := ddb.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond,
		MaxDelay: 5 * time.Millisecond}
	s := setupFaults(t, url, faultproxy.Faults{Seed: 5, Unprocessed: 0.8},
		ddb.WithRetryPolicy(policy))
	ctx := t.Context()
	reqs, want := images(200, 1)

	err := s.proxied.BatchWrite(ctx, reqs)
	var be *rd.BatchError
	if !errors.As(err, &be) || !errors.Is(err, rd.ErrThrottled) {
		t.Fatalf("batch write: %v, want a *BatchError matching ErrThrottled", err)
	}
	if len(be.Unprocessed) == 0 || be.Done+len(be.Unprocessed) != len(reqs) {
		t.Fatalf("BatchError: %d done, %d unprocessed of %d", be.Done, len(be.Unprocessed),
			len(reqs))
	}
	stored := scanAll(t, s.direct)
	left := map[rd.Key]bool{}
	for _, r := range be.Unprocessed {
		left[keyOf(r.Put)] = true
	}
	for _, r := range reqs {
		k := keyOf(r.Put)
		_, ok := stored[k]
		if ok == left[k] {
			t.Errorf("item %v: stored %t, listed as unprocessed %t", k, ok, left[k])
		}
	}
	// A chunk gives up either in its own loop (rounds in a row with nothing
	// through) or in the request's retries (the proxy refuses a batch of
	// which it forwards nothing); either way the engine has logged.
	if s.log.count(msgGiveUp)+s.log.count(msgRetry) == 0 {
		t.Errorf("the engine logged neither its retries nor that it gave up")
	}
	t.Logf("batch write: %d written, %d left after %d attempts", be.Done, len(be.Unprocessed),
		policy.MaxAttempts)

	// Reads: store everything, then read through the same faults.
	if err := s.direct.BatchWrite(ctx, be.Unprocessed); err != nil {
		t.Fatalf("batch write of the rest, past the proxy: %v", err)
	}
	keys := make([]rd.Key, len(reqs))
	for i, r := range reqs {
		keys[i] = keyOf(r.Put)
	}
	got, err := s.proxied.BatchGet(ctx, keys)
	if !errors.As(err, &be) || !errors.Is(err, rd.ErrThrottled) {
		t.Fatalf("batch get: %v, want a *BatchError matching ErrThrottled", err)
	}
	if len(be.UnprocessedKeys) == 0 || be.Done+len(be.UnprocessedKeys) != len(keys) {
		t.Fatalf("BatchError: %d done, %d unprocessed of %d", be.Done,
			len(be.UnprocessedKeys), len(keys))
	}
	unread := map[rd.Key]bool{}
	for _, k := range be.UnprocessedKeys {
		unread[k] = true
	}
	for i, k := range keys {
		switch {
		case unread[k] && got[i] != nil:
			t.Errorf("key %v listed as unread has an item", k)
		case !unread[k] && formatItem(got[i]) != formatItem(want[k]):
			t.Errorf("key %v: %s, want %s", k, formatItem(got[i]), formatItem(want[k]))
		}
	}
	t.Logf("batch get: %d read, %d left after %d attempts", be.Done, len(be.UnprocessedKeys),
		policy.MaxAttempts)
}

// TestSustainedThrottling throttles 70% of requests: the engine completes
// 300 writes, while the SDK's standard retryer with as many attempts runs
// out of its client-wide retry quota.
func TestSustainedThrottling(t *testing.T) {
	url := serverURL(t, envDynalite)
	const attempts = 50
	policy := ddb.RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond,
		MaxDelay: 2 * time.Millisecond}
	s := setupFaults(t, url, faultproxy.Faults{Seed: 9, Throttle: 0.7},
		ddb.WithRetryPolicy(policy))
	ctx := t.Context()

	const n = 300
	for i := range n {
		if err := s.proxied.Put(ctx, wordItem(300, i), nil); err != nil {
			t.Fatalf("put %d of %d: %v", i+1, n, err)
		}
	}
	retries := s.log.count(msgRetry)
	// The standard quota holds 500 tokens and a throttled retry costs 5.
	if retries <= 100 {
		t.Fatalf("only %d retries: the test never exceeded the SDK's retry quota", retries)
	}

	control := dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(s.proxy.URL),
		Region:       "us-east-1",
		Credentials:  newClient(url).Options().Credentials,
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				return time.Millisecond, nil
			})
		}),
	})
	var controlErr error
	done := 0
	for i := range n {
		_, controlErr = control.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(s.direct.Name()), Item: wordItem(301, i)})
		if controlErr != nil {
			break
		}
		done++
	}
	var quota ratelimit.QuotaExceededError
	if !errors.As(controlErr, &quota) {
		t.Errorf("the SDK's standard retryer: %v after %d puts, want retry quota exceeded",
			controlErr, done)
	}
	t.Logf("engine: %d puts with %d retries, no error; SDK standard retryer: failed after "+
		"%d puts: %v", n, retries, done, controlErr)
}

// TestNewReplacesRetryer builds the engine from a client that never
// retries: the engine retries all the same.
func TestNewReplacesRetryer(t *testing.T) {
	url := serverURL(t, envDynalite)
	s := setupFaults(t, url, faultproxy.Faults{Seed: 11, Throttle: 0.5})
	client := dynamodb.New(newClient(s.proxy.URL).Options(), func(o *dynamodb.Options) {
		o.Retryer = aws.NopRetryer{}
	})
	tbl, err := ddb.New(client, s.direct.Name(), ddb.WithRetryPolicy(testPolicy))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := tbl.Put(t.Context(), wordItem(400, i), nil); err != nil {
			t.Fatalf("put %d through 50%% throttling: %v", i, err)
		}
	}
	failed := 0
	for i := range 50 {
		_, err := client.PutItem(t.Context(), &dynamodb.PutItemInput{
			TableName: aws.String(s.direct.Name()), Item: wordItem(401, i)})
		if err != nil {
			failed++
		}
	}
	if failed == 0 {
		t.Errorf("the client without retries never failed: the proxy did not throttle")
	}
}

// TestBatchGetServerUnprocessed reads items large enough that dynalite
// itself answers with UnprocessedKeys (past about 1 MB), with no injected
// fault: every item must come back.
func TestBatchGetServerUnprocessed(t *testing.T) {
	url := serverURL(t, envDynalite)
	s := setupFaults(t, url, faultproxy.Faults{})
	ctx := t.Context()
	var reqs []rd.WriteRequest
	var keys []rd.Key
	for i := range 200 {
		it := wordItem(500, i)
		it["payload"] = &types.AttributeValueMemberS{Value: strings.Repeat("p", 50_000)}
		reqs = append(reqs, rd.WriteRequest{Put: it})
		keys = append(keys, keyOf(it))
	}
	if err := s.direct.BatchWrite(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	got, err := s.proxied.BatchGet(ctx, keys)
	if err != nil {
		t.Fatalf("batch get of 200 items of 50 KB: %v", err)
	}
	for i, it := range got {
		if it == nil || len(it["payload"].(*types.AttributeValueMemberS).Value) != 50_000 {
			t.Fatalf("item %d (%v) missing or cut", i, keys[i])
		}
	}
	n := s.proxy.Stats().Requests["BatchGetItem"]
	if n <= 2 {
		t.Errorf("%d BatchGetItem requests for 2 chunks: the server left no key unprocessed",
			n)
	}
	t.Logf("200 items of 50 KB read in %d BatchGetItem requests", n)
}

// TestBatchGetCancelled cancels a batch get in its middle: it returns at
// once with the items it read and a BatchError listing the keys unread.
func TestBatchGetCancelled(t *testing.T) {
	url := serverURL(t, envDynalite)
	s := setupFaults(t, url, faultproxy.Faults{})
	ctx := t.Context()
	reqs, want := images(900, 8) // 2,000 items, 20 reads
	if err := s.direct.BatchWrite(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	keys := make([]rd.Key, len(reqs))
	for i, r := range reqs {
		keys[i] = keyOf(r.Put)
	}

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var seen atomic.Int32
	s.proxy.OnRequest(func(op string) {
		if op == "BatchGetItem" && seen.Add(1) == 10 {
			s.proxy.SetFaults(faultproxy.Faults{Delay: time.Minute})
			cancel()
		}
	})
	got, err := s.proxied.BatchGet(cctx, keys)
	var be *rd.BatchError
	if !errors.As(err, &be) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled batch get: %v, want a *BatchError matching context.Canceled", err)
	}
	if be.Done == 0 || len(be.UnprocessedKeys) == 0 ||
		be.Done+len(be.UnprocessedKeys) != len(keys) || len(got) != len(keys) {
		t.Fatalf("BatchError: %d done, %d unread of %d; %d results", be.Done,
			len(be.UnprocessedKeys), len(keys), len(got))
	}
	unread := map[rd.Key]bool{}
	for _, k := range be.UnprocessedKeys {
		unread[k] = true
	}
	for i, k := range keys {
		if !unread[k] && formatItem(got[i]) != formatItem(want[k]) {
			t.Errorf("key %v counted as read: %s, want %s", k, formatItem(got[i]),
				formatItem(want[k]))
		}
	}
}

// TestLostAnswers forwards 30% of requests but answers them with a 500, as
// when DynamoDB's answer is lost: a conditional put that the SDK retries
// then meets the item it wrote itself, and must succeed; a put meeting an
// item that it did not write must still fail.
func TestLostAnswers(t *testing.T) {
	for name, env := range map[string]string{"dynalite": envDynalite, "moto": envMoto} {
		t.Run(name, func(t *testing.T) {
			url := serverURL(t, env)
			s := setupFaults(t, url, faultproxy.Faults{Seed: 13, LostAnswer: 0.3})
			ctx := t.Context()
			const n = 100
			for i := range n {
				if err := s.proxied.Put(ctx, wordItem(1000, i), rd.IfNotExists); err != nil {
					t.Fatalf("put %d if not exists: %v", i, err)
				}
			}
			lost := s.proxy.Stats().LostAnswers
			own := s.log.count(msgOwnItem)
			if lost == 0 || own == 0 || own > lost {
				t.Errorf("%d answers lost, %d puts found their own item; want some of each, "+
					"no more of the second", lost, own)
			}
			stored := scanAll(t, s.direct)
			for i := range n {
				it := wordItem(1000, i)
				if formatItem(stored[keyOf(it)]) != formatItem(it) {
					t.Errorf("item %d stored as %s", i, formatItem(stored[keyOf(it)]))
				}
			}

			// Items it did not write fail the condition, lost answers or not.
			for i := range 20 {
				other := wordItem(1000, i)
				other["text"] = &types.AttributeValueMemberS{Value: "another writer"}
				err := s.proxied.Put(ctx, other, rd.IfNotExists)
				if !errors.Is(err, rd.ErrConditionFailed) {
					t.Errorf("put %d over a stored item: %v, want ErrConditionFailed", i, err)
				}
			}
			s.proxy.SetFaults(faultproxy.Faults{})
			err := s.proxied.Put(ctx, wordItem(1000, 0), rd.IfNotExists)
			if !errors.Is(err, rd.ErrConditionFailed) {
				t.Errorf("put of an equal item, not retried: %v, want ErrConditionFailed", err)
			}
			t.Logf("%d conditional puts: %d answers lost, %d puts found their own item", n,
				lost, own)
		})
	}
}
