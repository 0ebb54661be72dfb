package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// importResult is what one import did.
type importResult struct {
	receipts int
	items    int
	elapsed  time.Duration
	// busy is the time spent inside LoadImage, summed over the images:
	// busy/elapsed is the average number of images being loaded at once.
	busy time.Duration
	cpu  time.Duration // CPU time of the process during the import
	heap uint64        // peak live heap
	rss  uint64        // peak resident set, 0 if unknown
}

func (r importResult) itemsPerSec() float64 { return float64(r.items) / r.elapsed.Seconds() }

// inFlight returns the average number of images being loaded at once.
func (r importResult) inFlight() float64 { return r.busy.Seconds() / r.elapsed.Seconds() }

// importReceipts imports the receipts ids as the command does: each one
// read from its SROIE files, built into entities and stored with
// Client.LoadImage, with images receipts in flight at once. Memory is
// sampled from start to end. The first error stops the import.
func (b *bench) importReceipts(ctx context.Context, c *rd.Client, ids []string,
	images int) (importResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := importResult{receipts: len(ids)}
	next := make(chan string)
	var items, busy atomic.Int64
	var firstErr error
	var once sync.Once
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}

	mem := startMemPeak()
	start, cpu0 := time.Now(), cpuTime()
	var wg sync.WaitGroup
	for range images {
		wg.Go(func() {
			for id := range next {
				r, err := b.load(id)
				if err != nil {
					fail(err)
					return
				}
				t0 := time.Now()
				if err := c.LoadImage(ctx, r.ImageData()); err != nil {
					fail(fmt.Errorf("receipt %s: %w", id, err))
					return
				}
				busy.Add(int64(time.Since(t0)))
				items.Add(int64(r.Count()))
			}
		})
	}
feed:
	for _, id := range ids {
		select {
		case next <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	res.elapsed, res.cpu = time.Since(start), cpuTime()-cpu0
	res.heap, res.rss = mem.Stop()
	res.items, res.busy = int(items.Load()), time.Duration(busy.Load())
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return res, firstErr
}

// receiptItems returns the items of the receipts ids, as LoadImage writes
// them.
func (b *bench) receiptItems(ids []string) ([]rd.Item, error) {
	var items []rd.Item
	for _, id := range ids {
		r, err := b.load(id)
		if err != nil {
			return nil, err
		}
		for _, e := range entitiesOf(r, true) {
			it, err := e.MarshalItem()
			if err != nil {
				return nil, fmt.Errorf("rd-bench: receipt %s: %w", id, err)
			}
			items = append(items, it)
		}
	}
	return items, nil
}

// rawLoop writes items into table with a plain BatchWriteItem loop: chunks
// of 25 in order, conc requests in flight, unprocessed items sent again at
// once (after 10 ms when a whole round came back). It measures what the
// server takes without the engine.
func rawLoop(ctx context.Context, client *dynamodb.Client, table string, items []rd.Item,
	conc int) (time.Duration, error) {
	chunks := make(chan []rd.Item)
	errs := make(chan error, conc)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for chunk := range chunks {
				if err := rawChunk(ctx, client, table, chunk); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for lo := 0; lo < len(items); lo += 25 {
		select {
		case chunks <- items[lo:min(lo+25, len(items))]:
		case err := <-errs:
			close(chunks)
			wg.Wait()
			return 0, err
		}
	}
	close(chunks)
	wg.Wait()
	select {
	case err := <-errs:
		return 0, err
	default:
	}
	return time.Since(start), nil
}

func rawChunk(ctx context.Context, client *dynamodb.Client, table string, chunk []rd.Item) error {
	reqs := make([]types.WriteRequest, len(chunk))
	for i, it := range chunk {
		reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
	}
	for attempt := 0; len(reqs) > 0; attempt++ {
		out, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{table: reqs},
		})
		if err != nil {
			return fmt.Errorf("raw BatchWriteItem: %w", err)
		}
		left := out.UnprocessedItems[table]
		if len(left) == len(reqs) {
			if attempt > 1000 {
				return errors.New("raw BatchWriteItem: no progress in 1000 rounds")
			}
			time.Sleep(10 * time.Millisecond)
		}
		reqs = left
	}
	return nil
}

// rawConcs are the requests in flight of the raw loops; the best of them is
// the server's ceiling.
var rawConcs = []int{4, 16}

// rawResult is the best of raw loops at several concurrencies.
type rawResult struct {
	items   int
	rate    float64 // items per second
	conc    int     // requests in flight of the best loop
	elapsed time.Duration
	tried   []string // "conc: rate" of each loop
}

// bestRaw writes items with a raw loop at each of rawConcs, each into a new
// table made by newTable (and dropped after), and returns the best.
func bestRaw(ctx context.Context, client *dynamodb.Client,
	newTable func() (rd.Table, string, error), items []rd.Item) (rawResult, error) {
	best := rawResult{items: len(items)}
	for _, conc := range rawConcs {
		tbl, name, err := newTable()
		if err != nil {
			return best, err
		}
		elapsed, err := rawLoop(ctx, client, name, items, conc)
		_ = tbl.Drop(context.WithoutCancel(ctx))
		if err != nil {
			return best, err
		}
		rate := float64(len(items)) / elapsed.Seconds()
		best.tried = append(best.tried, fmt.Sprintf("%d in flight: %s", conc,
			fmtRate(rate, "items")))
		if rate > best.rate {
			best.rate, best.conc, best.elapsed = rate, conc, elapsed
		}
	}
	return best, nil
}
