package ddb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// BatchWrite performs the puts and deletes in chunks of at most 25 requests
// and 16 MB, up to the engine's batch concurrency at once. All requests are
// checked before the first is sent: a bad item or two requests for one key
// fail with ErrInvalid and nothing is written.
//
// Items that DynamoDB leaves unprocessed are re-sent under the retry policy.
// If some requests remain unwritten when a chunk's attempts run out, when a
// chunk fails, or when ctx ends, the error is a *receiptdynamo.BatchError:
// Done counts the requests DynamoDB confirmed, Unprocessed lists the others
// in request order, and Err is ErrThrottled, the chunk's error or ctx.Err().
func (t *Table) BatchWrite(ctx context.Context, reqs []rd.WriteRequest) error {
	if len(reqs) == 0 {
		return nil
	}
	sizes, err := checkWrites(reqs)
	if err != nil {
		return fmt.Errorf("ddb: batch write: %w", err)
	}

	chunks := chunkWrites(sizes)
	results := make([]chunkResult, len(chunks))
	started := runChunks(ctx, t.conc, len(chunks), func(i int) error {
		results[i] = t.writeChunk(ctx, reqs, chunks[i])
		return results[i].err
	})

	// TODO(ddb): a request in flight when ctx ended may have been applied;
	// BatchError lists it as unprocessed like the requests never sent, and
	// cannot tell the two apart without a field of its own.
	be := &rd.BatchError{Op: "batch write"}
	for i, chunk := range chunks {
		left := chunk
		if i < started {
			be.Done += results[i].done
			left = results[i].left
			be.Err = firstErr(be.Err, results[i].err)
		}
		for _, j := range left {
			be.Unprocessed = append(be.Unprocessed, reqs[j])
		}
	}
	if len(be.Unprocessed) == 0 && be.Err == nil {
		return nil
	}
	be.Err = firstErr(be.Err, ctx.Err())
	return be
}

// chunkResult is the outcome of one chunk: how many of its requests were
// done, the indexes of those left, and why they were left.
type chunkResult struct {
	done int
	left []int
	err  error
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkWrites checks every request of a batch write and returns each one's
// size as DynamoDB counts it.
func checkWrites(reqs []rd.WriteRequest) ([]int, error) {
	sizes := make([]int, len(reqs))
	seen := make(map[rd.Key]int, len(reqs))
	for i, r := range reqs {
		field := fmt.Sprintf("reqs[%d]", i)
		var k rd.Key
		switch {
		case (r.Put == nil) == (r.Delete == nil):
			return nil, rd.Invalid("BatchWrite", field, "must set exactly one of Put and Delete",
				nil)
		case r.Put != nil:
			key, size, err := checkItem(r.Put, "BatchWrite", field+".Put")
			if err != nil {
				return nil, err
			}
			k, sizes[i] = key, size
		default:
			if err := checkKey(*r.Delete, "BatchWrite", field+".Delete"); err != nil {
				return nil, err
			}
			k, sizes[i] = *r.Delete, len(r.Delete.PK)+len(r.Delete.SK)+4
		}
		if j, dup := seen[k]; dup {
			return nil, rd.Invalid("BatchWrite", field,
				fmt.Sprintf("must not repeat the key of reqs[%d]", j), k)
		}
		seen[k] = i
	}
	return sizes, nil
}

// chunkWrites groups request indexes, in order, into chunks of at most 25
// requests and 16 MB.
func chunkWrites(sizes []int) [][]int {
	var chunks [][]int
	var cur []int
	bytes := 0
	for i, size := range sizes {
		if len(cur) == maxBatchWrite || (len(cur) > 0 && bytes+size > maxBatchBytes) {
			chunks = append(chunks, cur)
			cur, bytes = nil, 0
		}
		cur = append(cur, i)
		bytes += size
	}
	return append(chunks, cur)
}

// writeChunk writes the requests reqs[idx] with BatchWriteItem, re-sending
// unprocessed items with backoff until none is left, the attempts run out or
// ctx ends.
func (t *Table) writeChunk(ctx context.Context, reqs []rd.WriteRequest, idx []int) chunkResult {
	pending := idx
	done := 0
	for stalled := 0; ; {
		wire := make([]types.WriteRequest, len(pending))
		byKey := make(map[rd.Key]int, len(pending))
		for n, i := range pending {
			wire[n] = toWire(reqs[i])
			byKey[requestKey(reqs[i])] = i
		}
		out, err := t.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{t.name: wire},
		})
		if err != nil {
			return chunkResult{done: done, left: pending, err: callError(ctx, err)}
		}

		var left []int
		for _, w := range out.UnprocessedItems[t.name] {
			if i, ok := byKey[wireKey(w)]; ok {
				left = append(left, i)
			}
		}
		slices.Sort(left)
		stalled = nextStalled(stalled, len(pending)-len(left))
		done += len(pending) - len(left)
		pending = left
		if len(pending) == 0 {
			return chunkResult{done: done}
		}

		if err := t.backoff(ctx, "BatchWriteItem", len(pending), stalled); err != nil {
			return chunkResult{done: done, left: pending, err: err}
		}
	}
}

// nextStalled counts the rounds of a chunk since it last made progress:
// a round that wrote or read anything starts the count again. The retry
// budget and the backoff delay go by that count, so that a chunk held back
// by a partition's steady limit, which gets some items through every round,
// goes on at the pace the partition allows and never gives up while it
// progresses; a chunk that gets nothing through for MaxAttempts rounds in a
// row stops.
func nextStalled(stalled, progress int) int {
	if progress > 0 {
		return 1
	}
	return stalled + 1
}

// backoff waits before re-sending n unprocessed items or keys after the
// given attempt. It returns ErrThrottled when the attempts are spent and
// ctx.Err() when ctx ends first.
func (t *Table) backoff(ctx context.Context, op string, n, attempt int) error {
	if attempt >= t.policy.MaxAttempts {
		t.log.LogAttrs(ctx, slog.LevelWarn, "ddb: giving up on unprocessed requests",
			slog.String("op", op), slog.Int("unprocessed", n), slog.Int("attempts", attempt))
		return rd.ErrThrottled
	}
	d := t.policy.delay(attempt)
	t.log.LogAttrs(ctx, slog.LevelWarn, "ddb: re-sending unprocessed requests",
		slog.String("op", op), slog.Int("unprocessed", n), slog.Int("attempt", attempt),
		slog.Duration("delay", d))
	return sleep(ctx, d)
}

// callError classifies the error of a request, reporting the context's own
// error when the request failed because ctx ended.
func callError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return ctxErr
	}
	return classify(err)
}

func toWire(r rd.WriteRequest) types.WriteRequest {
	if r.Put != nil {
		return types.WriteRequest{PutRequest: &types.PutRequest{Item: r.Put}}
	}
	return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: keyAttrs(*r.Delete)}}
}

func requestKey(r rd.WriteRequest) rd.Key {
	if r.Put != nil {
		k, _ := keyOf(r.Put)
		return k
	}
	return *r.Delete
}

func wireKey(w types.WriteRequest) rd.Key {
	var k rd.Key
	switch {
	case w.PutRequest != nil:
		k, _ = keyOf(w.PutRequest.Item)
	case w.DeleteRequest != nil:
		k, _ = keyOf(w.DeleteRequest.Key)
	}
	return k
}

// BatchGet returns the items with the keys in the order of keys, nil where no
// item is stored, read strongly consistently in chunks of at most 100 keys.
// Results are paired with keys by their key attributes, as DynamoDB answers
// in any order. Unprocessed keys are re-sent under the retry policy; when
// some remain unread, the error is a *receiptdynamo.BatchError listing them,
// and the items are returned too, those read in place and nil for the keys
// not found or left unread (the BatchError tells which).
func (t *Table) BatchGet(ctx context.Context, keys []rd.Key) ([]rd.Item, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	if err := checkKeys(keys, "BatchGet"); err != nil {
		return nil, fmt.Errorf("ddb: batch get: %w", err)
	}

	var chunks [][]int
	for lo := 0; lo < len(keys); lo += maxBatchGet {
		chunk := make([]int, 0, maxBatchGet)
		for i := lo; i < min(lo+maxBatchGet, len(keys)); i++ {
			chunk = append(chunk, i)
		}
		chunks = append(chunks, chunk)
	}
	items := make([]rd.Item, len(keys)) // chunks write disjoint indexes
	results := make([]chunkResult, len(chunks))
	started := runChunks(ctx, t.conc, len(chunks), func(i int) error {
		results[i] = t.getChunk(ctx, keys, chunks[i], items)
		return results[i].err
	})

	be := &rd.BatchError{Op: "batch get"}
	for i, chunk := range chunks {
		left := chunk
		if i < started {
			be.Done += results[i].done
			left = results[i].left
			be.Err = firstErr(be.Err, results[i].err)
		}
		for _, j := range left {
			be.UnprocessedKeys = append(be.UnprocessedKeys, keys[j])
		}
	}
	if len(be.UnprocessedKeys) == 0 && be.Err == nil {
		return items, nil
	}
	be.Err = firstErr(be.Err, ctx.Err())
	return items, be
}

// checkKeys checks a list of keys to read and refuses duplicates.
func checkKeys(keys []rd.Key, typ string) error {
	seen := make(map[rd.Key]int, len(keys))
	for i, k := range keys {
		field := fmt.Sprintf("keys[%d]", i)
		if err := checkKey(k, typ, field); err != nil {
			return err
		}
		if j, dup := seen[k]; dup {
			return rd.Invalid(typ, field, fmt.Sprintf("must not repeat keys[%d]", j), k)
		}
		seen[k] = i
	}
	return nil
}

// getChunk reads keys[idx] into items[idx] with BatchGetItem, re-sending
// unprocessed keys with backoff.
func (t *Table) getChunk(ctx context.Context, keys []rd.Key, idx []int,
	items []rd.Item) chunkResult {
	pending := idx
	done := 0
	for stalled := 0; ; {
		wire := make([]map[string]types.AttributeValue, len(pending))
		byKey := make(map[rd.Key]int, len(pending))
		for n, i := range pending {
			wire[n] = keyAttrs(keys[i])
			byKey[keys[i]] = i
		}
		out, err := t.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
			RequestItems: map[string]types.KeysAndAttributes{
				t.name: {Keys: wire, ConsistentRead: aws.Bool(true)},
			},
		})
		if err != nil {
			return chunkResult{done: done, left: pending, err: callError(ctx, err)}
		}

		for _, item := range out.Responses[t.name] {
			if k, ok := keyOf(item); ok {
				if i, asked := byKey[k]; asked {
					items[i] = item
				}
			}
		}
		var left []int
		for _, key := range out.UnprocessedKeys[t.name].Keys {
			if k, ok := keyOf(key); ok {
				if i, asked := byKey[k]; asked {
					left = append(left, i)
				}
			}
		}
		slices.Sort(left)
		stalled = nextStalled(stalled, len(pending)-len(left))
		done += len(pending) - len(left)
		pending = left
		if len(pending) == 0 {
			return chunkResult{done: done}
		}

		if err := t.backoff(ctx, "BatchGetItem", len(pending), stalled); err != nil {
			return chunkResult{done: done, left: pending, err: err}
		}
	}
}

// runChunks calls run for the chunks 0..n-1 in order, with at most conc
// calls in flight. Once a call fails or ctx ends, no further chunk starts;
// the calls in flight finish. It returns how many chunks were started,
// which are always the first ones.
func runChunks(ctx context.Context, conc, n int, run func(i int) error) (started int) {
	var wg sync.WaitGroup
	var failed atomic.Bool
	slots := make(chan struct{}, conc)
	for i := range n {
		slots <- struct{}{}
		if failed.Load() || ctx.Err() != nil {
			break
		}
		started++
		wg.Go(func() {
			defer func() { <-slots }()
			if run(i) != nil {
				failed.Store(true)
			}
		})
	}
	wg.Wait()
	return started
}
