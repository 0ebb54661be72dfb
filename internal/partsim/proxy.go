package partsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config sets the capacity the proxy enforces.
type Config struct {
	// WriteUnits is the write units per second of one partition. Zero means
	// 1,000, DynamoDB's figure.
	WriteUnits float64
	// Burst is how many unused write units one partition may bank, its
	// bucket's size. Zero means a tenth of a second of WriteUnits. DynamoDB
	// banks up to 300 seconds of unused capacity; a small burst makes the
	// steady-state limit show in a short run.
	Burst float64
	// KeyAttrs lists the partition key attributes of the table and of its
	// indexes. Nil means DefaultKeyAttrs().
	KeyAttrs []KeyAttr
	// Now is the clock of the buckets. Nil means time.Now.
	Now func() time.Time
}

// Stats counts what the proxy did since it started or was last reset.
type Stats struct {
	Requests map[string]int // requests received, by operation
	// Forwarded counts the requests that reached the server.
	Forwarded int
	// ThrottledRequests counts the requests answered by the proxy for want
	// of capacity: ProvisionedThroughputExceededException, or a transaction
	// cancelled with ThrottlingError.
	ThrottledRequests int
	// ThrottledItems counts the items of batch writes that the proxy
	// returned as UnprocessedItems, and those of wholly refused batches.
	ThrottledItems int
	// Partitions holds every partition written to, the most units first.
	Partitions []PartitionStats
}

// Units returns the write units admitted on the partitions of one index
// ("" for the table's own partitions), summed.
func (s Stats) Units(index string) float64 {
	var n float64
	for _, p := range s.Partitions {
		if p.Index == index {
			n += p.Units
		}
	}
	return n
}

// Proxy is a running simulator. Its methods are safe for concurrent use.
type Proxy struct {
	// URL is the proxy's address, e.g. http://127.0.0.1:41234.
	URL string

	target   string
	srv      *http.Server
	client   *http.Client
	keyAttrs []KeyAttr
	rate     float64
	burst    float64
	now      func() time.Time

	mu    sync.Mutex
	parts map[PartitionKey]*partition
	stats Stats
}

// Start starts a proxy on a free port of 127.0.0.1 forwarding to target, the
// base URL of a DynamoDB-compatible server.
func Start(target string, cfg Config) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("partsim: listen: %w", err)
	}
	p := New(target, cfg)
	p.URL = "http://" + ln.Addr().String()
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// New returns a proxy forwarding to target that serves no address of its
// own; it is an http.Handler for a server the caller runs. Its URL is "".
func New(target string, cfg Config) *Proxy {
	if cfg.WriteUnits <= 0 {
		cfg.WriteUnits = 1000
	}
	if cfg.Burst <= 0 {
		cfg.Burst = cfg.WriteUnits / 10
	}
	if cfg.KeyAttrs == nil {
		cfg.KeyAttrs = DefaultKeyAttrs()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	p := &Proxy{
		target:   strings.TrimRight(target, "/"),
		keyAttrs: append([]KeyAttr(nil), cfg.KeyAttrs...),
		rate:     cfg.WriteUnits,
		burst:    cfg.Burst,
		now:      cfg.Now,
		client: &http.Client{
			Timeout: time.Minute,
			Transport: &http.Transport{
				MaxIdleConns:        256,
				MaxIdleConnsPerHost: 256,
				IdleConnTimeout:     time.Minute,
			},
		},
	}
	p.Reset()
	return p
}

// Close stops the proxy's server, if it started one.
func (p *Proxy) Close() error {
	p.client.CloseIdleConnections()
	if p.srv == nil {
		return nil
	}
	return p.srv.Close()
}

// Reset forgets every partition, refilling their buckets, and zeroes the
// counters.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.parts = map[PartitionKey]*partition{}
	p.stats = Stats{Requests: map[string]int{}}
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
	s.Partitions = p.partitionStats()
	return s
}

// ServeHTTP handles one request of the DynamoDB JSON protocol.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "partsim: read request: "+err.Error(), http.StatusBadRequest)
		return
	}
	op := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(op, '.'); i >= 0 {
		op = op[i+1:]
	}
	p.count(func(s *Stats) { s.Requests[op]++ })

	switch op {
	case "PutItem", "UpdateItem", "DeleteItem":
		p.serveSingle(w, r, op, body)
	case "BatchWriteItem":
		p.serveBatch(w, r, body)
	case "TransactWriteItems":
		p.serveTransaction(w, r, body)
	default:
		p.forward(w, r, body, nil)
	}
}

// count updates the counters under the lock.
func (p *Proxy) count(fn func(*Stats)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fn(&p.stats)
}

// serveSingle admits or refuses a PutItem, UpdateItem or DeleteItem.
func (p *Proxy) serveSingle(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	var req struct {
		TableName string
		Item      map[string]attrValue
		Key       map[string]attrValue
	}
	if json.Unmarshal(body, &req) != nil {
		p.forward(w, r, body, nil) // the server will explain what is wrong
		return
	}
	var charges []charge
	if op == "PutItem" {
		var err error
		if charges, err = p.putCharges(req.TableName, req.Item, 1); err != nil {
			p.forward(w, r, body, nil)
			return
		}
	} else {
		charges = p.keyCharges(req.TableName, req.Key, 1)
	}
	if _, ok := p.admit([][]charge{charges}, true); !ok {
		p.count(func(s *Stats) { s.ThrottledRequests++ })
		writeThrottled(w)
		return
	}
	p.forward(w, r, body, nil)
}

// writeRequest is one entry of a BatchWriteItem request.
type writeRequest struct {
	PutRequest *struct {
		Item map[string]attrValue
	}
	DeleteRequest *struct {
		Key map[string]attrValue
	}
}

// serveBatch forwards the items of a BatchWriteItem that fit their
// partitions and returns the others as UnprocessedItems. A batch of which
// nothing fits is refused with ProvisionedThroughputExceededException.
func (p *Proxy) serveBatch(w http.ResponseWriter, r *http.Request, body []byte) {
	var req map[string]json.RawMessage
	var tables map[string][]json.RawMessage
	if json.Unmarshal(body, &req) != nil || json.Unmarshal(req["RequestItems"], &tables) != nil {
		p.forward(w, r, body, nil)
		return
	}

	// Price every entry, in the order of the request.
	type entry struct {
		table string
		raw   json.RawMessage
	}
	var entries []entry
	var writes [][]charge
	for table, list := range tables {
		for _, raw := range list {
			var wr writeRequest
			if json.Unmarshal(raw, &wr) != nil {
				p.forward(w, r, body, nil)
				return
			}
			var charges []charge
			switch {
			case wr.PutRequest != nil:
				var err error
				if charges, err = p.putCharges(table, wr.PutRequest.Item, 1); err != nil {
					p.forward(w, r, body, nil)
					return
				}
			case wr.DeleteRequest != nil:
				charges = p.keyCharges(table, wr.DeleteRequest.Key, 1)
			}
			entries = append(entries, entry{table, raw})
			writes = append(writes, charges)
		}
	}

	// Split the entries into those sent and those held back.
	fit, _ := p.admit(writes, false)
	sent := map[string][]json.RawMessage{}
	held := map[string][]json.RawMessage{}
	nheld := 0
	for i, e := range entries {
		if fit[i] {
			sent[e.table] = append(sent[e.table], e.raw)
		} else {
			held[e.table] = append(held[e.table], e.raw)
			nheld++
		}
	}
	if nheld > 0 {
		p.count(func(s *Stats) { s.ThrottledItems += nheld })
	}
	switch {
	case nheld == 0:
		p.forward(w, r, body, nil)
		return
	case len(sent) == 0:
		p.count(func(s *Stats) { s.ThrottledRequests++ })
		writeThrottled(w)
		return
	}

	req["RequestItems"], _ = json.Marshal(sent)
	newBody, _ := json.Marshal(req)
	p.forward(w, r, newBody, func(status int, answer []byte) ([]byte, error) {
		if status != http.StatusOK {
			return answer, nil
		}
		return addUnprocessed(answer, held)
	})
}

// addUnprocessed adds the held entries to the UnprocessedItems of a
// BatchWriteItem answer, after those the server left itself.
func addUnprocessed(answer []byte, held map[string][]json.RawMessage) ([]byte, error) {
	var out map[string]json.RawMessage
	if err := json.Unmarshal(answer, &out); err != nil {
		return nil, err
	}
	left := map[string][]json.RawMessage{}
	if raw, ok := out["UnprocessedItems"]; ok && len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &left); err != nil {
			return nil, err
		}
	}
	for table, list := range held {
		left[table] = append(left[table], list...)
	}
	out["UnprocessedItems"], _ = json.Marshal(left)
	return json.Marshal(out)
}

// transactItem is one action of a TransactWriteItems request.
type transactItem struct {
	Put *struct {
		TableName string
		Item      map[string]attrValue
	}
	Update, Delete, ConditionCheck *struct {
		TableName string
		Key       map[string]attrValue
	}
}

// serveTransaction admits a TransactWriteItems whose actions all fit, at
// twice the units of plain writes, and cancels any other with one reason
// per action: ThrottlingError for the actions that did not fit, None for
// the others.
func (p *Proxy) serveTransaction(w http.ResponseWriter, r *http.Request, body []byte) {
	var req struct{ TransactItems []transactItem }
	if json.Unmarshal(body, &req) != nil {
		p.forward(w, r, body, nil)
		return
	}
	writes := make([][]charge, len(req.TransactItems))
	for i, a := range req.TransactItems {
		switch {
		case a.Put != nil:
			var err error
			if writes[i], err = p.putCharges(a.Put.TableName, a.Put.Item, 2); err != nil {
				p.forward(w, r, body, nil)
				return
			}
		case a.Update != nil:
			writes[i] = p.keyCharges(a.Update.TableName, a.Update.Key, 2)
		case a.Delete != nil:
			writes[i] = p.keyCharges(a.Delete.TableName, a.Delete.Key, 2)
		case a.ConditionCheck != nil:
			writes[i] = p.keyCharges(a.ConditionCheck.TableName, a.ConditionCheck.Key, 2)
		}
	}

	// All actions or none, with a reason for each when none.
	if fit, ok := p.admit(writes, true); !ok {
		p.count(func(s *Stats) { s.ThrottledRequests++ })
		writeTxThrottled(w, fit)
		return
	}
	p.forward(w, r, body, nil)
}

const errorPrefix = "com.amazonaws.dynamodb.v20120810#"

// writeThrottled answers as DynamoDB does when a partition is short of
// write capacity.
func writeThrottled(w http.ResponseWriter) {
	writeJSON(w, http.StatusBadRequest, map[string]string{
		"__type": errorPrefix + "ProvisionedThroughputExceededException",
		"message": "The level of configured provisioned throughput for the table was " +
			"exceeded. Consider increasing your provisioning level with the UpdateTable " +
			"API. (partsim: a partition is over its write capacity)",
	})
}

// writeTxThrottled cancels a transaction: ThrottlingError for the actions
// that did not fit, None for the others.
func writeTxThrottled(w http.ResponseWriter, fit []bool) {
	type reason struct {
		Code    string
		Message string `json:",omitempty"`
	}
	reasons := make([]reason, len(fit))
	codes := make([]string, len(fit))
	for i, ok := range fit {
		reasons[i] = reason{Code: "None"}
		if !ok {
			reasons[i] = reason{Code: "ThrottlingError",
				Message: "Throughput exceeds the current capacity for one or more " +
					"global secondary indexes or the table (partsim)"}
		}
		codes[i] = reasons[i].Code
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"__type": errorPrefix + "TransactionCanceledException",
		"Message": "Transaction cancelled, please refer cancellation reasons for specific " +
			"reasons [" + strings.Join(codes, ", ") + "]",
		"CancellationReasons": reasons,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(errors.New("partsim: encode answer: " + err.Error())) // static shapes only
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	setBodyHeaders(w, body)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// forward sends the request with body to the server and copies the answer
// back, passed through rewrite when it is not nil.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, body []byte,
	rewrite func(status int, answer []byte) ([]byte, error)) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(),
		bytes.NewReader(body))
	if err != nil {
		http.Error(w, "partsim: "+err.Error(), http.StatusBadGateway)
		return
	}
	for name, values := range r.Header {
		if name != "Content-Length" && name != "Accept-Encoding" {
			req.Header[name] = values
		}
	}
	resp, err := p.client.Do(req)
	if err != nil {
		http.Error(w, "partsim: forward: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "partsim: read answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.count(func(s *Stats) { s.Forwarded++ })

	if rewrite != nil {
		if answer, err = rewrite(resp.StatusCode, answer); err != nil {
			http.Error(w, "partsim: rewrite answer: "+err.Error(), http.StatusBadGateway)
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

// setBodyHeaders sets the length and the CRC32 checksum that DynamoDB sends
// with every answer and that the AWS SDKs verify.
func setBodyHeaders(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
}
