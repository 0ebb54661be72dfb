package partsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// fakeServer answers every write as a DynamoDB server that has room for
// all of it, and records the items each BatchWriteItem carried.
type fakeServer struct {
	mu      sync.Mutex
	ops     []string
	batches []int // items per BatchWriteItem received
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	op := r.Header.Get("X-Amz-Target")
	op = op[strings.LastIndexByte(op, '.')+1:]
	f.mu.Lock()
	f.ops = append(f.ops, op)
	if op == "BatchWriteItem" {
		var req struct{ RequestItems map[string][]json.RawMessage }
		_ = json.Unmarshal(body, &req)
		n := 0
		for _, list := range req.RequestItems {
			n += len(list)
		}
		f.batches = append(f.batches, n)
	}
	f.mu.Unlock()

	answer := "{}"
	if op == "BatchWriteItem" {
		answer = `{"UnprocessedItems":{}}`
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_, _ = io.WriteString(w, answer)
}

// clock is a settable time for the buckets.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startFake starts a proxy with cfg, its clock stopped, in front of a
// fake server, and returns a client of the proxy that never retries.
func startFake(t *testing.T, cfg Config) (*Proxy, *fakeServer, *clock, *dynamodb.Client) {
	t.Helper()
	fake := &fakeServer{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	cfg.Now = clk.Now
	p, err := Start(srv.URL, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p, fake, clk, newClient(p.URL)
}

func newClient(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
	})
}

// item returns an item of partition pk, type typ and about size bytes.
func item(pk, sk, typ string, size int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		rd.AttrPK:   &types.AttributeValueMemberS{Value: pk},
		rd.AttrSK:   &types.AttributeValueMemberS{Value: sk},
		rd.AttrType: &types.AttributeValueMemberS{Value: typ},
		"text":      &types.AttributeValueMemberS{Value: strings.Repeat("x", size)},
	}
}

func put(ctx context.Context, c *dynamodb.Client, it map[string]types.AttributeValue) error {
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: it})
	return err
}

func isThrottled(err error) bool {
	var pte *types.ProvisionedThroughputExceededException
	return errors.As(err, &pte)
}

func TestPutThrottledOverPartitionCapacity(t *testing.T) {
	ctx := context.Background()
	p, fake, clk, c := startFake(t, Config{WriteUnits: 10, Burst: 10})

	// Ten items of one unit fill the bucket of partition P1; the eleventh
	// is refused and never reaches the server.
	for i := range 10 {
		if err := put(ctx, c, item("P1", fmt.Sprint(i), rd.TypeLetter, 100)); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	err := put(ctx, c, item("P1", "10", rd.TypeLetter, 100))
	if !isThrottled(err) {
		t.Fatalf("put over capacity: got %v, want ProvisionedThroughputExceededException", err)
	}
	if n := len(fake.ops); n != 10 {
		t.Fatalf("the server received %d puts, want 10", n)
	}

	// Another image, same TYPE: the TYPE partition is as full as P1.
	if err := put(ctx, c, item("P2", "0", rd.TypeLetter, 100)); !isThrottled(err) {
		t.Fatalf("put into the full TYPE partition: got %v, want throttling", err)
	}
	// Another type of item on another image has room.
	if err := put(ctx, c, item("P2", "0", rd.TypeWord, 100)); err != nil {
		t.Fatalf("put into empty partitions: %v", err)
	}

	// Half a second later P1 and LETTER have earned five units each.
	clk.Advance(500 * time.Millisecond)
	for i := range 5 {
		if err := put(ctx, c, item("P1", fmt.Sprint(20+i), rd.TypeLetter, 100)); err != nil {
			t.Fatalf("put %d after refill: %v", i, err)
		}
	}
	if err := put(ctx, c, item("P1", "30", rd.TypeLetter, 100)); !isThrottled(err) {
		t.Fatalf("sixth put after half a second: got %v, want throttling", err)
	}

	s := p.Stats()
	if s.ThrottledRequests != 3 || s.Requests["PutItem"] != 19 || s.Forwarded != 16 {
		t.Fatalf("stats: %d throttled, %d puts, %d forwarded; want 3, 19, 16",
			s.ThrottledRequests, s.Requests["PutItem"], s.Forwarded)
	}
	if got := s.Units(""); got != 16 {
		t.Fatalf("table partitions took %v units, want 16", got)
	}
	if got := s.Units(rd.IndexGSIType); got != 16 {
		t.Fatalf("TYPE partitions took %v units, want 16", got)
	}
}

func TestTableOnlyCountsIndexUnitsWithoutThrottling(t *testing.T) {
	ctx := context.Background()
	p, _, _, c := startFake(t, Config{WriteUnits: 10, Burst: 10, KeyAttrs: TableOnly()})
	for img := range 3 {
		for i := range 10 {
			it := item(fmt.Sprintf("P%d", img), fmt.Sprint(i), rd.TypeLetter, 100)
			if err := put(ctx, c, it); err != nil {
				t.Fatalf("image %d put %d: %v", img, i, err)
			}
		}
	}
	if err := put(ctx, c, item("P0", "x", rd.TypeLetter, 100)); !isThrottled(err) {
		t.Fatalf("put over the table partition's capacity: got %v, want throttling", err)
	}
	s := p.Stats()
	if s.Partitions[0].Index != rd.IndexGSIType || s.Partitions[0].Units != 30 {
		t.Fatalf("busiest partition %+v, want TYPE LETTER with 30 units", s.Partitions[0])
	}
}

func TestItemSizeSetsUnits(t *testing.T) {
	ctx := context.Background()
	p, _, _, c := startFake(t, Config{WriteUnits: 10, Burst: 10})
	// 3,000 bytes: three units.
	if err := put(ctx, c, item("P1", "a", rd.TypeLetter, 3000)); err != nil {
		t.Fatal(err)
	}
	if got := p.Stats().Units(""); got != 3 {
		t.Fatalf("a 3 KB item took %v units, want 3", got)
	}
}

func batchOf(table string, n int, pk func(i int) string,
	size int) *dynamodb.BatchWriteItemInput {
	reqs := make([]types.WriteRequest, n)
	for i := range reqs {
		it := item(pk(i), fmt.Sprintf("%03d", i), rd.TypeLetter, size)
		reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
	}
	return &dynamodb.BatchWriteItemInput{
		RequestItems: map[string][]types.WriteRequest{table: reqs},
	}
}

func TestBatchSplitsIntoProcessedAndUnprocessed(t *testing.T) {
	ctx := context.Background()
	p, fake, _, c := startFake(t, Config{WriteUnits: 100, Burst: 10, KeyAttrs: TableOnly()})

	// 25 items: 20 for P1 (room for 10), 5 for P2 (room for all).
	in := batchOf("t", 25, func(i int) string {
		if i%5 == 4 {
			return "P2"
		}
		return "P1"
	}, 100)
	out, err := c.BatchWriteItem(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	left := out.UnprocessedItems["t"]
	if len(left) != 10 {
		t.Fatalf("%d items unprocessed, want 10", len(left))
	}
	for _, w := range left {
		pk := w.PutRequest.Item[rd.AttrPK].(*types.AttributeValueMemberS).Value
		if pk != "P1" {
			t.Fatalf("an item of %s was left unprocessed; only P1 is full", pk)
		}
	}
	// The last ten P1 items are those left, in request order.
	sk := left[0].PutRequest.Item[rd.AttrSK].(*types.AttributeValueMemberS).Value
	if sk != "012" {
		t.Fatalf("first unprocessed item %s, want 012 (the eleventh item of P1)", sk)
	}
	if len(fake.batches) != 1 || fake.batches[0] != 15 {
		t.Fatalf("the server received batches %v, want one of 15 items", fake.batches)
	}
	s := p.Stats()
	if s.ThrottledItems != 10 || s.ThrottledRequests != 0 {
		t.Fatalf("stats: %d items, %d requests throttled; want 10, 0",
			s.ThrottledItems, s.ThrottledRequests)
	}

	// Nothing left for P1: a batch of P1 items only is refused whole.
	_, err = c.BatchWriteItem(ctx, batchOf("t", 3, func(int) string { return "P1" }, 100))
	if !isThrottled(err) {
		t.Fatalf("batch with no room: got %v, want ProvisionedThroughputExceededException", err)
	}
	if len(fake.batches) != 1 {
		t.Fatalf("a refused batch reached the server")
	}
}

func TestBatchKeepsServerUnprocessedItems(t *testing.T) {
	// A server that leaves the first item of every batch unprocessed.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ RequestItems map[string][]json.RawMessage }
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &req)
		left, _ := json.Marshal(map[string]any{
			"UnprocessedItems": map[string]any{"t": req.RequestItems["t"][:1]},
		})
		_, _ = w.Write(left)
	}))
	defer srv.Close()
	p, err := Start(srv.URL, Config{WriteUnits: 100, Burst: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	out, err := newClient(p.URL).BatchWriteItem(context.Background(),
		batchOf("t", 5, func(int) string { return "P1" }, 10))
	if err != nil {
		t.Fatal(err)
	}
	var sks []string
	for _, w := range out.UnprocessedItems["t"] {
		sks = append(sks, w.PutRequest.Item[rd.AttrSK].(*types.AttributeValueMemberS).Value)
	}
	if got := strings.Join(sks, " "); got != "000 002 003 004" {
		t.Fatalf("unprocessed %q, want the server's 000 then the proxy's 002 003 004", got)
	}
}

func TestTransactionCancelledWithThrottlingReasons(t *testing.T) {
	ctx := context.Background()
	p, fake, _, c := startFake(t, Config{WriteUnits: 100, Burst: 3, KeyAttrs: TableOnly()})

	// Each action costs 2 units: P1 has room for one, P2 for one.
	tx := func(pks ...string) error {
		var items []types.TransactWriteItem
		for i, pk := range pks {
			items = append(items, types.TransactWriteItem{Put: &types.Put{
				TableName: aws.String("t"), Item: item(pk, fmt.Sprint(i), rd.TypeWord, 100),
			}})
		}
		_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
			TransactItems: items})
		return err
	}
	err := tx("P1", "P2", "P1")
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("transaction over capacity: got %v, want TransactionCanceledException", err)
	}
	var codes []string
	for _, r := range tce.CancellationReasons {
		codes = append(codes, aws.ToString(r.Code))
	}
	if got := strings.Join(codes, " "); got != "None None ThrottlingError" {
		t.Fatalf("reasons %q, want None None ThrottlingError", got)
	}
	if len(fake.ops) != 0 {
		t.Fatalf("a cancelled transaction reached the server: %v", fake.ops)
	}
	// A cancelled transaction took nothing: the same two actions fit.
	if err := tx("P1", "P2"); err != nil {
		t.Fatalf("transaction within capacity: %v", err)
	}
	if got := p.Stats().Units(""); got != 4 {
		t.Fatalf("table partitions took %v units, want 4 (2 per transactional put)", got)
	}
}

func TestDeleteChargedByKey(t *testing.T) {
	ctx := context.Background()
	p, _, _, c := startFake(t, Config{WriteUnits: 100, Burst: 2})
	for i := range 3 {
		_, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName: aws.String("t"),
			Key: map[string]types.AttributeValue{
				rd.AttrPK: &types.AttributeValueMemberS{Value: "P1"},
				rd.AttrSK: &types.AttributeValueMemberS{Value: fmt.Sprint(i)},
			},
		})
		if want := i == 2; isThrottled(err) != want {
			t.Fatalf("delete %d: got %v, throttled want %v", i, err, want)
		}
	}
	if got := p.Stats().Units(""); got != 2 {
		t.Fatalf("deletes took %v units, want 2", got)
	}
}

func TestReadsPassUnlimited(t *testing.T) {
	_, fake, _, c := startFake(t, Config{WriteUnits: 1, Burst: 1})
	for range 20 {
		_, err := c.GetItem(context.Background(), &dynamodb.GetItemInput{
			TableName: aws.String("t"),
			Key: map[string]types.AttributeValue{
				rd.AttrPK: &types.AttributeValueMemberS{Value: "P1"},
				rd.AttrSK: &types.AttributeValueMemberS{Value: "a"},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(fake.ops) != 20 {
		t.Fatalf("the server received %d reads, want 20", len(fake.ops))
	}
}

// BenchmarkBatchAdmission measures what the simulator adds to a
// BatchWriteItem of 25 items of about 500 bytes: reading and pricing the
// request and forwarding it to a server that answers at once.
func BenchmarkBatchAdmission(b *testing.B) {
	srv := httptest.NewServer(&fakeServer{})
	defer srv.Close()
	p, err := Start(srv.URL, Config{WriteUnits: 1e12, Burst: 1e12})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	c := newClient(p.URL)
	in := batchOf("t", 25, func(i int) string { return fmt.Sprint("P", i%4) }, 400)
	direct := newClient(srv.URL)
	b.Run("through the simulator", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.BatchWriteItem(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, err := direct.BatchWriteItem(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
