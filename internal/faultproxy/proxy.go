// Package faultproxy is an HTTP proxy for the DynamoDB JSON protocol that
// sits in front of a real DynamoDB-compatible server (dynalite, moto_server)
// and injects the faults that such servers never produce: throttling, server
// errors (before or after the request is applied), unprocessed batch items
// and keys, and transaction conflicts.
//
// Tests point a client at [Proxy.URL] instead of the server. Requests that
// draw no fault are forwarded unchanged; batch requests may be forwarded in
// part, their answers rewritten to list the held-back part as unprocessed,
// exactly as DynamoDB answers when it is short of capacity.
//
// The faults are drawn from a seeded random source, so a run that sends the
// same requests in the same order meets the same faults. Concurrent requests
// draw in the order they arrive.
package faultproxy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults says which faults to inject and how often.
type Faults struct {
	// Seed seeds the random source of the faults.
	Seed uint64
	// Throttle is the share of requests answered with HTTP 400 and
	// ProvisionedThroughputExceededException, without reaching the server.
	Throttle float64
	// ServerError is the share of requests answered with HTTP 500 and
	// InternalServerError, without reaching the server.
	ServerError float64
	// LostAnswer is the share of requests that are forwarded, and so
	// applied by the server, but answered with HTTP 500 and
	// InternalServerError, as when DynamoDB's answer is lost on the way: the
	// client cannot tell them from requests that failed.
	LostAnswer float64
	// Unprocessed is the share of the items of a BatchWriteItem and of the
	// keys of a BatchGetItem held back and returned as UnprocessedItems or
	// UnprocessedKeys. A batch of which nothing is left to forward is
	// answered with ProvisionedThroughputExceededException, as DynamoDB
	// does.
	Unprocessed float64
	// TxConflicts is how many TransactWriteItems requests are answered with
	// TransactionCanceledException whose first action failed with
	// TransactionConflict: the first ones that draw neither throttling nor a
	// server error. They never reach the server.
	TxConflicts int
	// Delay holds every request this long before it is handled. A request
	// whose client goes away during the delay is dropped, never forwarded.
	Delay time.Duration
}

// Stats counts what the proxy did.
type Stats struct {
	Requests    map[string]int // requests received, by operation
	Forwarded   int            // requests that reached the server
	Throttled   int            // requests answered with throttling
	ServerError int            // requests answered with HTTP 500
	LostAnswers int            // requests forwarded, then answered with HTTP 500
	Unprocessed int            // batch items and keys held back
	TxConflicts int            // transactions answered with a conflict
}

// Proxy is a running fault-injecting proxy. Its methods are safe for
// concurrent use.
type Proxy struct {
	// URL is the proxy's address, e.g. http://127.0.0.1:41234.
	URL string

	target string
	srv    *http.Server
	client *http.Client

	mu        sync.Mutex
	faults    Faults
	rng       *rand.Rand
	stats     Stats
	txs       []TxRequest
	onRequest func(op string)
}

// TxRequest is one TransactWriteItems request as the proxy received it.
type TxRequest struct {
	// Token is the request's ClientRequestToken ("" if none).
	Token string
	// Items identifies the request's actions: a SHA-256 digest of its
	// TransactItems with object names sorted, equal for two requests exactly
	// when their actions are.
	Items string
	// Answer is how the proxy answered: "conflict" (an injected
	// cancellation), "throttle" or "500" (an injected fault), "lost answer"
	// (forwarded, then answered with a 500), or "forwarded".
	Answer string
}

// Start starts a proxy on a free port of 127.0.0.1 forwarding to target, the
// base URL of a DynamoDB-compatible server.
func Start(target string, f Faults) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		URL:    "http://" + ln.Addr().String(),
		target: strings.TrimRight(target, "/"),
		client: &http.Client{Timeout: time.Minute},
	}
	p.SetFaults(f)
	p.stats.Requests = map[string]int{}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() error {
	return p.srv.Close()
}

// SetFaults replaces the faults and reseeds the random source.
func (p *Proxy) SetFaults(f Faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = f
	p.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
}

// OnRequest sets a function called with the operation name (e.g.
// "BatchWriteItem") of every request as it arrives, before any fault is
// drawn. Tests use it to act at a chosen point of a run.
func (p *Proxy) OnRequest(fn func(op string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onRequest = fn
}

// Stats returns a copy of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Requests = make(map[string]int, len(p.stats.Requests))
	for op, n := range p.stats.Requests {
		s.Requests[op] = n
	}
	return s
}

// Tokens returns the ClientRequestToken of every TransactWriteItems request
// received, in order of arrival.
func (p *Proxy) Tokens() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	tokens := make([]string, len(p.txs))
	for i, tx := range p.txs {
		tokens[i] = tx.Token
	}
	return tokens
}

// TxRequests returns every TransactWriteItems request received, in order of
// arrival.
func (p *Proxy) TxRequests() []TxRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]TxRequest(nil), p.txs...)
}

// ServeHTTP handles one request of the DynamoDB JSON protocol.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "faultproxy: read request: "+err.Error(), http.StatusBadRequest)
		return
	}
	op := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(op, '.'); i >= 0 {
		op = op[i+1:]
	}

	p.mu.Lock()
	hook := p.onRequest
	p.stats.Requests[op]++
	p.mu.Unlock()
	if hook != nil {
		hook(op)
	}
	tx := -1
	if op == "TransactWriteItems" {
		tx = p.recordTx(body)
	}
	p.mu.Lock()
	delay := p.faults.Delay // read after the hook, which may change it
	p.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			p.answerTx(tx, "client gone")
			return
		}
	}

	// Whole-request faults first, then the faults of particular operations.
	switch p.drawRequestFault() {
	case faultLostAnswer:
		p.answerTx(tx, "lost answer")
		p.forward(nopWriter{}, r, body, nil)
		writeError(w, http.StatusInternalServerError, "InternalServerError",
			"Internal server error (injected after the request was applied)")
		return
	case faultThrottle:
		p.answerTx(tx, "throttle")
		writeError(w, http.StatusBadRequest, "ProvisionedThroughputExceededException",
			"The level of configured provisioned throughput for the table was exceeded "+
				"(injected)")
		return
	case faultServerError:
		p.answerTx(tx, "500")
		writeError(w, http.StatusInternalServerError, "InternalServerError",
			"Internal server error (injected)")
		return
	}
	switch op {
	case "TransactWriteItems":
		if p.injectTxConflict(w, body) {
			p.answerTx(tx, "conflict")
			return
		}
		p.answerTx(tx, "forwarded")
	case "BatchWriteItem":
		p.serveBatch(w, r, body, "RequestItems", "UnprocessedItems", batchWriteEntries)
		return
	case "BatchGetItem":
		p.serveBatch(w, r, body, "RequestItems", "UnprocessedKeys", batchGetEntries)
		return
	}
	p.forward(w, r, body, nil)
}

type fault int

const (
	faultNone fault = iota
	faultThrottle
	faultServerError
	faultLostAnswer
)

func (p *Proxy) drawRequestFault() fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.rng.Float64()
	switch {
	case x < p.faults.Throttle:
		p.stats.Throttled++
		return faultThrottle
	case x < p.faults.Throttle+p.faults.ServerError:
		p.stats.ServerError++
		return faultServerError
	case x < p.faults.Throttle+p.faults.ServerError+p.faults.LostAnswer:
		p.stats.LostAnswers++
		return faultLostAnswer
	}
	return faultNone
}

// recordTx records a TransactWriteItems request and returns its index in
// p.txs.
func (p *Proxy) recordTx(body []byte) int {
	var req struct {
		ClientRequestToken string
		TransactItems      json.RawMessage
	}
	_ = json.Unmarshal(body, &req) // a bad request is the server's to refuse
	digest := sha256.Sum256(canonicalJSON(req.TransactItems))

	p.mu.Lock()
	defer p.mu.Unlock()
	p.txs = append(p.txs, TxRequest{Token: req.ClientRequestToken,
		Items: hex.EncodeToString(digest[:])})
	return len(p.txs) - 1
}

// canonicalJSON rewrites a JSON value with the names of every object
// sorted, so that two encodings of one value, which the SDK writes in map
// order, compare equal. Invalid JSON is returned as it is.
func canonicalJSON(raw []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return raw
	}
	out, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return out
}

// answerTx notes how the transaction request i was answered; i < 0 is no
// transaction.
func (p *Proxy) answerTx(i int, answer string) {
	if i < 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.txs[i].Answer = answer
}

// injectTxConflict answers with a cancellation while conflicts remain to be
// injected. It reports whether it answered.
func (p *Proxy) injectTxConflict(w http.ResponseWriter, body []byte) bool {
	p.mu.Lock()
	inject := p.stats.TxConflicts < p.faults.TxConflicts
	if inject {
		p.stats.TxConflicts++
	}
	p.mu.Unlock()
	if !inject {
		return false
	}

	var req struct{ TransactItems []json.RawMessage }
	_ = json.Unmarshal(body, &req)
	type reason struct {
		Code    string
		Message string `json:",omitempty"`
	}
	reasons := make([]reason, max(len(req.TransactItems), 1))
	codes := make([]string, len(reasons))
	for i := range reasons {
		reasons[i] = reason{Code: "None"}
		if i == 0 {
			reasons[i] = reason{Code: "TransactionConflict",
				Message: "Transaction is ongoing for the item (injected)"}
		}
		codes[i] = reasons[i].Code
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"__type": errorPrefix + "TransactionCanceledException",
		"Message": "Transaction cancelled, please refer cancellation reasons for specific " +
			"reasons [" + strings.Join(codes, ", ") + "]",
		"CancellationReasons": reasons,
	})
	return true
}

// batchEntries reads and writes the list of items or keys of one table in a
// batch request: BatchWriteItem holds a list per table, BatchGetItem an
// object whose Keys is the list.
type batchEntries struct {
	get func(table json.RawMessage) ([]json.RawMessage, error)
	set func(table json.RawMessage, entries []json.RawMessage) (json.RawMessage, error)
}

var batchWriteEntries = batchEntries{
	get: func(table json.RawMessage) ([]json.RawMessage, error) {
		var list []json.RawMessage
		err := json.Unmarshal(table, &list)
		return list, err
	},
	set: func(_ json.RawMessage, entries []json.RawMessage) (json.RawMessage, error) {
		return json.Marshal(entries)
	},
}

var batchGetEntries = batchEntries{
	get: func(table json.RawMessage) ([]json.RawMessage, error) {
		var ka struct{ Keys []json.RawMessage }
		err := json.Unmarshal(table, &ka)
		return ka.Keys, err
	},
	set: func(table json.RawMessage, entries []json.RawMessage) (json.RawMessage, error) {
		var ka map[string]json.RawMessage
		if err := json.Unmarshal(table, &ka); err != nil {
			return nil, err
		}
		keys, err := json.Marshal(entries)
		if err != nil {
			return nil, err
		}
		ka["Keys"] = keys
		return json.Marshal(ka)
	},
}

// serveBatch holds back a share of a batch's entries, forwards the rest and
// adds the held-back entries to the answer's unprocessed field.
func (p *Proxy) serveBatch(w http.ResponseWriter, r *http.Request, body []byte,
	reqField, leftField string, e batchEntries) {
	var req map[string]json.RawMessage
	var tables map[string]json.RawMessage
	if json.Unmarshal(body, &req) != nil || json.Unmarshal(req[reqField], &tables) != nil {
		p.forward(w, r, body, nil) // the server will explain what is wrong
		return
	}

	// Split every table's entries into those forwarded and those held.
	sent := map[string]json.RawMessage{}
	held := map[string]json.RawMessage{}
	for name, table := range tables {
		entries, err := e.get(table)
		if err != nil {
			p.forward(w, r, body, nil)
			return
		}
		var keep, hold []json.RawMessage
		p.mu.Lock()
		for _, entry := range entries {
			if p.rng.Float64() < p.faults.Unprocessed {
				hold = append(hold, entry)
			} else {
				keep = append(keep, entry)
			}
		}
		p.stats.Unprocessed += len(hold)
		p.mu.Unlock()
		if len(keep) > 0 {
			sent[name], _ = e.set(table, keep)
		}
		if len(hold) > 0 {
			held[name], _ = e.set(table, hold)
		}
	}
	if len(held) == 0 {
		p.forward(w, r, body, nil)
		return
	}
	if len(sent) == 0 {
		p.mu.Lock()
		p.stats.Throttled++
		p.mu.Unlock()
		writeError(w, http.StatusBadRequest, "ProvisionedThroughputExceededException",
			"No item of the batch could be processed (injected)")
		return
	}

	req[reqField], _ = json.Marshal(sent)
	newBody, _ := json.Marshal(req)
	p.forward(w, r, newBody, func(status int, answer []byte) ([]byte, error) {
		if status != http.StatusOK {
			return answer, nil
		}
		var out map[string]json.RawMessage
		if err := json.Unmarshal(answer, &out); err != nil {
			return nil, err
		}
		left := map[string]json.RawMessage{}
		if raw, ok := out[leftField]; ok && len(raw) > 0 && string(raw) != "null" {
			if err := json.Unmarshal(raw, &left); err != nil {
				return nil, err
			}
		}
		for name, table := range held {
			merged, err := mergeEntries(e, left[name], table)
			if err != nil {
				return nil, err
			}
			left[name] = merged
		}
		out[leftField], _ = json.Marshal(left)
		return json.Marshal(out)
	})
}

// mergeEntries appends the entries of add to those of base (either may be
// empty).
func mergeEntries(e batchEntries, base, add json.RawMessage) (json.RawMessage, error) {
	if len(base) == 0 {
		return add, nil
	}
	a, err := e.get(base)
	if err != nil {
		return nil, err
	}
	b, err := e.get(add)
	if err != nil {
		return nil, err
	}
	return e.set(base, append(a, b...))
}

// forward sends the request with body to the server and copies the answer
// back, passed through rewrite when it is not nil. It waits for the server's
// answer even when the client has gone away.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, body []byte,
	rewrite func(status int, answer []byte) ([]byte, error)) {
	// A request once forwarded runs to its end even if the client goes
	// away, as on DynamoDB; aborting it would also crash dynalite 4.0.0.
	ctx := context.WithoutCancel(r.Context())
	req, err := http.NewRequestWithContext(ctx, r.Method, p.target+r.URL.RequestURI(),
		bytes.NewReader(body))
	if err != nil {
		http.Error(w, "faultproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	for name, values := range r.Header {
		if name != "Content-Length" && name != "Accept-Encoding" {
			req.Header[name] = values
		}
	}
	resp, err := p.client.Do(req)
	if err != nil {
		http.Error(w, "faultproxy: forward: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "faultproxy: read answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	p.stats.Forwarded++
	p.mu.Unlock()

	if rewrite != nil {
		if answer, err = rewrite(resp.StatusCode, answer); err != nil {
			http.Error(w, "faultproxy: rewrite answer: "+err.Error(), http.StatusBadGateway)
			return
		}
	}
	for name, values := range resp.Header {
		switch name {
		case "Content-Length", "X-Amz-Crc32", "Content-Encoding":
		default:
			w.Header()[name] = values
		}
	}
	setBodyHeaders(w, answer)
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// nopWriter discards an answer; it receives the server's answer to a
// request whose answer is to be lost.
type nopWriter struct{}

func (nopWriter) Header() http.Header         { return http.Header{} }
func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (nopWriter) WriteHeader(int)             {}

const errorPrefix = "com.amazonaws.dynamodb.v20120810#"

// writeError answers with an error of the DynamoDB JSON protocol.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"__type": errorPrefix + code, "message": message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(errors.New("faultproxy: encode answer: " + err.Error())) // static shapes only
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	setBodyHeaders(w, body)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// setBodyHeaders sets the length and the CRC32 checksum that DynamoDB sends
// with every answer and that the AWS SDKs verify.
func setBodyHeaders(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
}
