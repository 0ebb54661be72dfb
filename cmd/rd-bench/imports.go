package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/ddb"
	"github.com/receiptdynamo/receiptdynamo/sqlite"
)

// runEmbedded imports the first n receipts into a new embedded store for
// each n of -sizes, and reads, builds and encodes the largest set without
// storing it, as the reference of what the store adds.
func (b *bench) runEmbedded(ctx context.Context) error {
	images := b.o.embImages
	var first importResult
	largest := 0
	for i, n := range b.o.sizes {
		n = min(n, len(b.ids))
		largest = max(largest, n)
		path := filepath.Join(b.work, fmt.Sprintf("import-%d.db", n))
		res, err := b.importEmbedded(ctx, path, b.ids[:n], images)
		if err != nil {
			return err
		}
		if n == len(b.ids) {
			b.fullStore = path
		}
		if n == largest {
			b.largestLive = res.mem.live
		}
		b.logf("embedded: %d receipts, %d items in %s", n, res.items, res.elapsed)

		compare := "first size"
		if i == 0 {
			first = res
		} else {
			perItem := res.elapsed.Seconds() / float64(res.items)
			firstPerItem := first.elapsed.Seconds() / float64(first.items)
			cpuPerItem := res.cpu.Seconds() / float64(res.items)
			firstCPUPerItem := first.cpu.Seconds() / float64(first.items)
			compare = fmt.Sprintf("%.1fx the items in %.1fx the time of %d receipts: "+
				"time per item x%.2f, CPU time per item x%.2f; peak live heap x%.2f, "+
				"held after x%.2f",
				float64(res.items)/float64(first.items),
				res.elapsed.Seconds()/first.elapsed.Seconds(), first.receipts,
				perItem/firstPerItem, cpuPerItem/firstCPUPerItem,
				float64(res.mem.live)/float64(first.mem.live),
				float64(res.mem.after)/float64(first.mem.after))
		}
		b.rep.add(row{
			Section: "embedded",
			Figure: fmt.Sprintf("import %d SROIE receipts (%s items)", n,
				fmtCount(float64(res.items))),
			Result: fmt.Sprintf("%s in %s (%s items per CPU-second); %s",
				fmtRate(res.itemsPerSec(), "items"), res.elapsed.Round(time.Millisecond),
				fmtCount(float64(res.items)/res.cpu.Seconds()), fmtMem(res.mem)),
			Reference: "-",
			Compare:   compare,
		})
	}

	// Memory follows the receipts in flight, not how many went before: the
	// largest receipts of the whole set, imported alone, set the peak that
	// the whole import should not exceed by much.
	if first.receipts > 0 && largest > first.receipts {
		big, err := b.largestReceipts(b.ids[:largest], first.receipts)
		if err != nil {
			return err
		}
		path := filepath.Join(b.work, "import-largest.db")
		res, err := b.importEmbedded(ctx, path, big, images)
		if err != nil {
			return err
		}
		b.rep.add(row{
			Section: "embedded",
			Figure: fmt.Sprintf("import the %d largest of the %d receipts (%s items)",
				len(big), largest, fmtCount(float64(res.items))),
			Result: fmtMem(res.mem),
			Reference: fmt.Sprintf("the import of all %d: peak live heap %s", largest,
				fmtBytes(b.largestLive)),
			Compare: fmt.Sprintf("all %d receipts hold x%.2f the live heap of their %d "+
				"largest alone", largest, float64(b.largestLive)/float64(res.mem.live), len(big)),
		})
	}

	// The reference: the same work without the store.
	ref, err := b.buildOnly(b.ids[:largest], images)
	if err != nil {
		return err
	}
	b.rep.add(row{
		Section:   "embedded",
		Figure:    fmt.Sprintf("read, build and encode %d receipts, no store", largest),
		Result:    fmtRate(ref.itemsPerSec(), "items"),
		Reference: "-",
		Compare:   "the ceiling of the import without the engine",
	})
	b.rep.note("embedded", fmt.Sprintf("Imports ran %d receipts at once.", images))
	return nil
}

// importEmbedded imports the receipts into a new store at path.
func (b *bench) importEmbedded(ctx context.Context, path string, ids []string,
	images int) (importResult, error) {
	tbl, err := sqlite.Open(ctx, path)
	if err != nil {
		return importResult{}, err
	}
	defer tbl.Close()
	if err := tbl.Create(ctx); err != nil {
		return importResult{}, err
	}
	return b.importReceipts(ctx, rd.NewClient(tbl), ids, images)
}

// buildOnly reads, builds and encodes the receipts as an import does,
// without storing them.
func (b *bench) buildOnly(ids []string, workers int) (importResult, error) {
	res := importResult{receipts: len(ids)}
	next := make(chan string)
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for id := range next {
				r, err := b.load(id)
				if err == nil {
					for _, e := range entitiesOf(r, true) {
						if _, err = e.MarshalItem(); err != nil {
							break
						}
					}
				}
				mu.Lock()
				res.items += r.Count()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	for _, id := range ids {
		next <- id
	}
	close(next)
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, firstErr
}

func fmtRSS(n uint64) string {
	if n == 0 {
		return "unknown"
	}
	return fmtBytes(n)
}

// newDDBTable creates a table with a fresh name on the server at url,
// reached through the engine with opts.
func newDDBTable(ctx context.Context, url, prefix string, opts ...ddb.Option) (*ddb.Table,
	error) {
	name := fmt.Sprintf("rd-bench-%s-%d", prefix, time.Now().UnixNano())
	tbl, err := ddb.New(sdkClient(url), name, opts...)
	if err != nil {
		return nil, err
	}
	if err := tbl.Create(ctx); err != nil {
		return nil, err
	}
	return tbl, nil
}

// importDDB imports the receipts into a new table of the server at url,
// images at once, with writers batch chunks in flight per image.
func (b *bench) importDDB(ctx context.Context, url string, ids []string, images,
	writers int) (importResult, error) {
	tbl, err := newDDBTable(ctx, url, "import", ddb.WithBatchConcurrency(writers))
	if err != nil {
		return importResult{}, err
	}
	defer tbl.Drop(context.WithoutCancel(ctx))
	return b.importReceipts(ctx, rd.NewClient(tbl), ids, images)
}

// runDynalite imports receipts into dynalite through the engine and, in the
// same run, writes the same items into another table of the same server
// with a raw BatchWriteItem loop.
func (b *bench) runDynalite(ctx context.Context) error {
	srv, err := b.dynaliteServer(ctx)
	if err != nil {
		return err
	}
	n := min(b.o.ddbReceipts, len(b.ids))
	ids := b.ids[:n]
	const images, writers = 4, 4

	items, err := b.receiptItems(ids)
	if err != nil {
		return err
	}
	newRaw := func() (rd.Table, string, error) {
		t, err := newDDBTable(ctx, srv.url, "raw")
		if err != nil {
			return nil, "", err
		}
		return t, t.Name(), nil
	}
	client := sdkClient(srv.url)

	// Raw loops and imports alternate (raw, import, import, raw, …), each
	// shape of raw loop once and the import as often; the best of each
	// side counts.
	var raw rawResult
	var res importResult
	importOnce := func() error {
		r, err := b.importDDB(ctx, srv.url, ids, images, writers)
		if err != nil {
			return err
		}
		b.logf("dynalite: %d receipts, %d items in %s", n, r.items, r.elapsed)
		if res.elapsed == 0 || r.elapsed < res.elapsed {
			res = r
		}
		return nil
	}
	for i, shape := range rawShapes {
		steps := []func() error{
			func() error { return raw.try(ctx, client, newRaw, items, shape) },
			importOnce,
		}
		if i%2 == 1 {
			steps[0], steps[1] = steps[1], steps[0]
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
	}
	b.logf("dynalite: raw loops, %s", strings.Join(raw.tried, ", "))

	b.rep.add(row{
		Section: "dynalite",
		Figure: fmt.Sprintf("import %d SROIE receipts (%s items)", n,
			fmtCount(float64(res.items))),
		Result: fmt.Sprintf("%s in %s", fmtRate(res.itemsPerSec(), "items"),
			res.elapsed.Round(time.Millisecond)),
		Reference: fmt.Sprintf("raw BatchWriteItem loops (%s), best: %s",
			strings.Join(raw.tried, ", "), fmtRate(raw.rate, "items")),
		Compare: fmt.Sprintf("%.2f of the server's ceiling", res.itemsPerSec()/raw.rate),
	})
	b.rep.note("dynalite", fmt.Sprintf("Server: %s. The import loaded %d images at once, "+
		"each with the engine's batch concurrency of %d.", srv.note, images, writers))
	return nil
}

// largestReceipts returns the n receipts of ids with the largest box files,
// which hold a line of text each: the receipts with the most items.
func (b *bench) largestReceipts(ids []string, n int) ([]string, error) {
	size := make(map[string]int64, len(ids))
	for _, id := range ids {
		st, err := os.Stat(b.data.BoxPath(id))
		if err != nil {
			return nil, fmt.Errorf("rd-bench: %w", err)
		}
		size[id] = st.Size()
	}
	big := slices.Clone(ids)
	slices.SortStableFunc(big, func(a, b string) int { return cmp.Compare(size[b], size[a]) })
	return big[:min(n, len(big))], nil
}

// fmtMem writes the memory figures of an import.
func fmtMem(u memUse) string {
	return fmt.Sprintf("peak live heap %s (%s with garbage), held after %s, peak RSS %s",
		fmtBytes(u.live), fmtBytes(u.heap), fmtBytes(u.after), fmtRSS(u.rss))
}
