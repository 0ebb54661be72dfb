package main

import (
	"cmp"
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
	mem  memUse        // memory during the import
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
	res.mem = mem.Stop()
	res.items, res.busy = int(items.Load()), time.Duration(busy.Load())
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return res, firstErr
}

// receiptItems returns the items of each receipt of ids, as LoadImage
// writes them.
func (b *bench) receiptItems(ids []string) ([][]rd.Item, error) {
	var out [][]rd.Item
	for _, id := range ids {
		r, err := b.load(id)
		if err != nil {
			return nil, err
		}
		var items []rd.Item
		for _, e := range entitiesOf(r, true) {
			it, err := e.MarshalItem()
			if err != nil {
				return nil, fmt.Errorf("rd-bench: receipt %s: %w", id, err)
			}
			items = append(items, it)
		}
		out = append(out, items)
	}
	return out, nil
}

func countItems(groups [][]rd.Item) int {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	return n
}

// rawShape is how a raw loop writes: images at once, each with writers
// BatchWriteItem requests in flight, as the loader and the engine do.
type rawShape struct{ images, writers int }

func (s rawShape) String() string {
	return fmt.Sprintf("%d images x %d requests in flight", s.images, s.writers)
}

// rawLoop writes the items of each image into table with plain
// BatchWriteItem calls of 25 items in order, shape.images images at once
// and shape.writers calls in flight per image; unprocessed items are sent
// again at once (after 10 ms when a whole call came back). It measures what
// the server takes without the engine.
func rawLoop(ctx context.Context, client *dynamodb.Client, table string, images [][]rd.Item,
	shape rawShape) (time.Duration, error) {
	next := make(chan []rd.Item)
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	var wg sync.WaitGroup
	for range shape.images {
		wg.Go(func() {
			for items := range next {
				if err := rawImage(ctx, client, table, items, shape.writers); err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, items := range images {
		next <- items
	}
	close(next)
	wg.Wait()
	return time.Since(start), firstErr
}

// rawImage writes one image's items in chunks of 25, writers at once.
func rawImage(ctx context.Context, client *dynamodb.Client, table string, items []rd.Item,
	writers int) error {
	chunks := make(chan []rd.Item)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for chunk := range chunks {
				if err := rawChunk(ctx, client, table, chunk); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var err error
feed:
	for lo := 0; lo < len(items); lo += 25 {
		select {
		case chunks <- items[lo:min(lo+25, len(items))]:
		case err = <-errs:
			break feed
		}
	}
	close(chunks)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
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

// rawShapes are the shapes of the raw loops; the best of them is the
// server's ceiling.
var rawShapes = []rawShape{{images: 4, writers: 4}, {images: 2, writers: 2}}

// rawResult is the best of raw loops of several shapes.
type rawResult struct {
	items   int
	rate    float64 // items per second
	elapsed time.Duration
	tried   []string // "shape: rate" of each loop
}

// rawTry writes images with a raw loop of shape into a new table made by
// newTable (and dropped after), and adds the result to r.
func (r *rawResult) try(ctx context.Context, client *dynamodb.Client,
	newTable func() (rd.Table, string, error), images [][]rd.Item, shape rawShape) error {
	tbl, name, err := newTable()
	if err != nil {
		return err
	}
	elapsed, err := rawLoop(ctx, client, name, images, shape)
	_ = tbl.Drop(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	r.items = countItems(images)
	rate := float64(r.items) / elapsed.Seconds()
	r.tried = append(r.tried, fmt.Sprintf("%s: %s", shape, fmtRate(rate, "items")))
	if rate > r.rate {
		r.rate, r.elapsed = rate, elapsed
	}
	return nil
}
