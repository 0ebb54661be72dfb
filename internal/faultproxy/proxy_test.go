package faultproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// upstream is a stand-in for a DynamoDB server: it records what reaches it
// and answers batches as fully processed, but for the entries named in
// leave, which it lists as unprocessed itself.
type upstream struct {
	mu       sync.Mutex
	requests map[string]int
	written  []string // "table/id" of every BatchWriteItem entry received
	read     []string // "table/id" of every BatchGetItem key received
	leave    map[string]bool
	srv      *httptest.Server
}

func startUpstream(t *testing.T) *upstream {
	u := &upstream{requests: map[string]int{}, leave: map[string]bool{}}
	u.srv = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	op := r.Header.Get("X-Amz-Target")
	u.mu.Lock()
	defer u.mu.Unlock()
	u.requests[op]++
	out := map[string]any{}
	switch op {
	case "DynamoDB_20120810.BatchWriteItem":
		var req struct {
			RequestItems map[string][]struct {
				PutRequest struct{ Item map[string]map[string]string }
			}
		}
		_ = json.Unmarshal(body, &req)
		left := map[string][]any{}
		for table, entries := range req.RequestItems {
			for _, e := range entries {
				id := table + "/" + e.PutRequest.Item["id"]["S"]
				if u.leave[id] {
					left[table] = append(left[table], e)
					continue
				}
				u.written = append(u.written, id)
			}
		}
		out["UnprocessedItems"] = left
	case "DynamoDB_20120810.BatchGetItem":
		var req struct {
			RequestItems map[string]struct {
				Keys []map[string]map[string]string
			}
		}
		_ = json.Unmarshal(body, &req)
		responses := map[string][]any{}
		for table, ka := range req.RequestItems {
			for _, k := range ka.Keys {
				u.read = append(u.read, table+"/"+k["id"]["S"])
				responses[table] = append(responses[table], k)
			}
		}
		out["Responses"] = responses
		out["UnprocessedKeys"] = map[string]any{}
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Write(b)
}

func startProxy(t *testing.T, target string, f Faults) *Proxy {
	t.Helper()
	p, err := Start(target, f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// call sends one request of the DynamoDB JSON protocol and returns the
// status and the decoded answer, after checking the answer's CRC32 header.
func call(t *testing.T, ctx context.Context, url, op string, body any) (int, map[string]any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	crc := strconv.FormatUint(uint64(crc32.ChecksumIEEE(answer)), 10)
	if got := resp.Header.Get("X-Amz-Crc32"); got != crc {
		t.Errorf("%s: X-Amz-Crc32 %q, want %q for the body sent", op, got, crc)
	}
	var out map[string]any
	if err := json.Unmarshal(answer, &out); err != nil {
		t.Fatalf("%s: answer %q: %v", op, answer, err)
	}
	return resp.StatusCode, out
}

func batchWrite(table string, ids ...string) map[string]any {
	var entries []any
	for _, id := range ids {
		entries = append(entries, map[string]any{"PutRequest": map[string]any{
			"Item": map[string]any{"id": map[string]string{"S": id}}}})
	}
	return map[string]any{"RequestItems": map[string]any{table: entries}}
}

// unprocessedIDs returns "table/id" of the entries of an answer's
// unprocessed field.
func unprocessedIDs(t *testing.T, out map[string]any, field string) []string {
	t.Helper()
	var ids []string
	tables, _ := out[field].(map[string]any)
	for table, v := range tables {
		var list []any
		switch v := v.(type) {
		case []any: // UnprocessedItems
			for _, e := range v {
				item := e.(map[string]any)["PutRequest"].(map[string]any)["Item"]
				list = append(list, item)
			}
		case map[string]any: // UnprocessedKeys
			list = v["Keys"].([]any)
		}
		for _, it := range list {
			id := it.(map[string]any)["id"].(map[string]any)["S"].(string)
			ids = append(ids, table+"/"+id)
		}
	}
	slices.Sort(ids)
	return ids
}

// ids returns n ids "000", "001", ...
func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%03d", i)
	}
	return out
}

func TestBatchWriteHoldsBackAShare(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u.srv.URL, Faults{Seed: 1, Unprocessed: 0.3})

	held := 0
	for round := range 100 {
		table := fmt.Sprintf("T%d", round)
		status, out := call(t, t.Context(), p.URL, "BatchWriteItem", batchWrite(table, ids(25)...))
		if status != http.StatusOK {
			if status == http.StatusBadRequest && out["__type"] ==
				errorPrefix+"ProvisionedThroughputExceededException" {
				held += 25 // all 25 held: answered as throttled
				continue
			}
			t.Fatalf("round %d: status %d, %v", round, status, out)
		}
		left := unprocessedIDs(t, out, "UnprocessedItems")
		held += len(left)

		// The entries written and the entries returned are the batch, once each.
		u.mu.Lock()
		var got []string
		for _, id := range u.written {
			if len(id) > len(table) && id[:len(table)+1] == table+"/" {
				got = append(got, id)
			}
		}
		u.mu.Unlock()
		got = append(got, left...)
		slices.Sort(got)
		var want []string
		for _, id := range ids(25) {
			want = append(want, table+"/"+id)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: written plus unprocessed = %v, want %v", round, got, want)
		}
	}
	if held < 600 || held > 900 {
		t.Errorf("%d of 2,500 entries held back, want about 750 (30%%)", held)
	}
	if s := p.Stats(); s.Unprocessed != held {
		t.Errorf("Stats.Unprocessed = %d, want %d", s.Unprocessed, held)
	}
}

func TestBatchWriteMergesServersUnprocessed(t *testing.T) {
	u := startUpstream(t)
	u.leave["T/000"] = true // the server itself leaves this one
	p := startProxy(t, u.srv.URL, Faults{Seed: 7, Unprocessed: 0.5})

	status, out := call(t, t.Context(), p.URL, "BatchWriteItem", batchWrite("T", ids(25)...))
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, out)
	}
	left := unprocessedIDs(t, out, "UnprocessedItems")
	if !slices.Contains(left, "T/000") {
		t.Errorf("unprocessed %v lacks T/000, which the server left", left)
	}
	if len(left)+len(u.written) != 25 {
		t.Errorf("%d unprocessed + %d written, want 25", len(left), len(u.written))
	}
	if s := p.Stats(); len(left) != s.Unprocessed+1 {
		t.Errorf("%d unprocessed, want the %d held back plus the server's one", len(left),
			s.Unprocessed)
	}
}

func TestBatchAllHeldIsThrottled(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u.srv.URL, Faults{Unprocessed: 1})

	status, out := call(t, t.Context(), p.URL, "BatchWriteItem", batchWrite("T", "a", "b"))
	if status != http.StatusBadRequest ||
		out["__type"] != errorPrefix+"ProvisionedThroughputExceededException" {
		t.Errorf("batch with every item held: status %d, %v; want 400 throttling", status, out)
	}
	if n := u.requests["DynamoDB_20120810.BatchWriteItem"]; n != 0 {
		t.Errorf("the server received %d requests, want none", n)
	}
}

func TestBatchGetHoldsBackKeys(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u.srv.URL, Faults{Seed: 3, Unprocessed: 0.4})

	var keys []any
	for _, id := range ids(100) {
		keys = append(keys, map[string]any{"id": map[string]string{"S": id}})
	}
	req := map[string]any{"RequestItems": map[string]any{
		"T": map[string]any{"Keys": keys, "ConsistentRead": true}}}
	status, out := call(t, t.Context(), p.URL, "BatchGetItem", req)
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, out)
	}
	left := unprocessedIDs(t, out, "UnprocessedKeys")
	if len(left) < 20 || len(left) > 60 {
		t.Errorf("%d of 100 keys held back, want about 40", len(left))
	}
	got := append(slices.Clone(u.read), left...)
	slices.Sort(got)
	var want []string
	for _, id := range ids(100) {
		want = append(want, "T/"+id)
	}
	if !slices.Equal(got, want) {
		t.Errorf("keys read plus unprocessed = %v, want every key once", got)
	}
	ka := out["UnprocessedKeys"].(map[string]any)["T"].(map[string]any)
	if ka["ConsistentRead"] != true {
		t.Errorf("unprocessed keys lost ConsistentRead: %v", ka)
	}
}

// TestRequestFaults checks the shares of throttled and failed requests,
// that they never reach the server, and that a seed repeats its faults.
func TestRequestFaults(t *testing.T) {
	run := func() []int {
		u := startUpstream(t)
		p := startProxy(t, u.srv.URL, Faults{Seed: 42, Throttle: 0.1, ServerError: 0.05})
		var statuses []int
		for range 1000 {
			status, out := call(t, t.Context(), p.URL, "GetItem", map[string]any{})
			switch status {
			case http.StatusOK:
			case http.StatusBadRequest:
				if out["__type"] != errorPrefix+"ProvisionedThroughputExceededException" {
					t.Fatalf("400 answer %v", out)
				}
			case http.StatusInternalServerError:
				if out["__type"] != errorPrefix+"InternalServerError" {
					t.Fatalf("500 answer %v", out)
				}
			default:
				t.Fatalf("status %d: %v", status, out)
			}
			statuses = append(statuses, status)
		}
		s := p.Stats()
		if s.Throttled < 60 || s.Throttled > 140 {
			t.Errorf("%d of 1,000 requests throttled, want about 100", s.Throttled)
		}
		if s.ServerError < 20 || s.ServerError > 80 {
			t.Errorf("%d of 1,000 requests answered 500, want about 50", s.ServerError)
		}
		if got := u.requests["DynamoDB_20120810.GetItem"]; got != 1000-s.Throttled-s.ServerError ||
			got != s.Forwarded {
			t.Errorf("server got %d requests, proxy forwarded %d, want %d", got, s.Forwarded,
				1000-s.Throttled-s.ServerError)
		}
		if s.Requests["GetItem"] != 1000 {
			t.Errorf("Stats.Requests[GetItem] = %d, want 1000", s.Requests["GetItem"])
		}
		return statuses
	}
	if a, b := run(), run(); !slices.Equal(a, b) {
		t.Errorf("two runs with one seed met different faults")
	}
}

func TestTxConflicts(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u.srv.URL, Faults{TxConflicts: 2})

	tx := func(token string, n int) map[string]any {
		var items []any
		for i := range n {
			items = append(items, map[string]any{"ConditionCheck": map[string]any{"i": i}})
		}
		return map[string]any{"ClientRequestToken": token, "TransactItems": items}
	}
	for i, token := range []string{"a", "a", "a"} {
		status, out := call(t, t.Context(), p.URL, "TransactWriteItems", tx(token, 3))
		if i < 2 {
			reasons, _ := out["CancellationReasons"].([]any)
			if status != http.StatusBadRequest || len(reasons) != 3 ||
				reasons[0].(map[string]any)["Code"] != "TransactionConflict" ||
				reasons[1].(map[string]any)["Code"] != "None" {
				t.Errorf("request %d: status %d, %v; want a conflict on action 0 of 3", i,
					status, out)
			}
		} else if status != http.StatusOK {
			t.Errorf("request %d: status %d, want it forwarded", i, status)
		}
	}
	call(t, t.Context(), p.URL, "TransactWriteItems", tx("b", 2))

	if n := u.requests["DynamoDB_20120810.TransactWriteItems"]; n != 2 {
		t.Errorf("server got %d transactions, want 2", n)
	}
	got := p.TxRequests()
	if len(got) != 4 {
		t.Fatalf("%d transactions recorded, want 4", len(got))
	}
	answers := []string{"conflict", "conflict", "forwarded", "forwarded"}
	for i, r := range got {
		if r.Answer != answers[i] {
			t.Errorf("transaction %d answered %q, want %q", i, r.Answer, answers[i])
		}
	}
	if got[0].Items != got[2].Items || got[0].Items == got[3].Items {
		t.Errorf("digests %v: want equal for equal actions only", got)
	}
	if tokens := p.Tokens(); !slices.Equal(tokens, []string{"a", "a", "a", "b"}) {
		t.Errorf("tokens %q", tokens)
	}
}

// TestDelayDropsAbandonedRequests checks that a request whose client gives
// up while the proxy holds it never reaches the server, and that the hook
// runs before the delay is read.
func TestDelayDropsAbandonedRequests(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u.srv.URL, Faults{})
	p.OnRequest(func(op string) {
		if op == "BatchWriteItem" {
			p.SetFaults(Faults{Delay: 300 * time.Millisecond})
		}
	})

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if status, _ := call(t, ctx, p.URL, "BatchWriteItem", batchWrite("T", "a")); status != 0 {
		t.Errorf("request held for 300 ms answered within 100 ms with status %d", status)
	}
	time.Sleep(600 * time.Millisecond) // past the delay: a forward would have happened
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.requests) != 0 {
		t.Errorf("server got %v, want nothing", u.requests)
	}
}

// TestTxDigestIgnoresNameOrder checks that one transaction encoded with its
// attributes in two orders, as the SDK may send it, has one digest.
func TestTxDigestIgnoresNameOrder(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u.srv.URL, Faults{})
	for _, items := range []string{
		`[{"Put":{"Item":{"a":{"S":"1"},"b":{"N":"2"}},"TableName":"T"}}]`,
		`[{"Put":{"TableName":"T","Item":{"b":{"N":"2"},"a":{"S":"1"}}}}]`,
		`[{"Put":{"TableName":"T","Item":{"b":{"N":"2.0"},"a":{"S":"1"}}}}]`,
	} {
		call(t, t.Context(), p.URL, "TransactWriteItems",
			map[string]any{"TransactItems": json.RawMessage(items)})
	}
	got := p.TxRequests()
	if len(got) != 3 || got[0].Items != got[1].Items || got[1].Items == got[2].Items {
		t.Errorf("digests %+v: want the first two equal and the third different", got)
	}
}

// TestLostAnswer checks that a request whose answer is lost reaches the
// server and is answered with a 500 all the same.
func TestLostAnswer(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u.srv.URL, Faults{LostAnswer: 1})
	status, out := call(t, t.Context(), p.URL, "BatchWriteItem", batchWrite("T", "a", "b"))
	if status != http.StatusInternalServerError ||
		out["__type"] != errorPrefix+"InternalServerError" {
		t.Errorf("lost answer: status %d, %v; want 500 InternalServerError", status, out)
	}
	if !slices.Equal(u.written, []string{"T/a", "T/b"}) {
		t.Errorf("server wrote %v, want both items", u.written)
	}
	if s := p.Stats(); s.LostAnswers != 1 || s.Forwarded != 1 {
		t.Errorf("stats %+v, want one lost answer, forwarded", s)
	}
}
