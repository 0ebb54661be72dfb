package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/sroie"
	"github.com/receiptdynamo/receiptdynamo/sqlite"
)

// detailsTarget is the size of the image whose details are read.
const detailsTarget = 2500

// latency is the spread of repeated calls.
type latency struct {
	p50, p90, min time.Duration
}

func (l latency) String() string {
	return fmt.Sprintf("p50 %s, p90 %s, min %s", fmtDur(float64(l.p50)), fmtDur(float64(l.p90)),
		fmtDur(float64(l.min)))
}

// measure calls fn n times after one warm-up call and returns the spread.
func measure(n int, fn func() error) (latency, error) {
	if err := fn(); err != nil {
		return latency{}, err
	}
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		if err := fn(); err != nil {
			return latency{}, err
		}
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	return latency{p50: ds[n/2], p90: ds[n*9/10], min: ds[0]}, nil
}

// readCase is one read measured on both engines.
type readCase struct {
	what string
	run  func(ctx context.Context, c *rd.Client) (int, error) // returns items read
}

// runReads measures the image details of the receipt whose image holds
// about 2,500 items, and the words tagged TOTAL over all receipts, on the
// embedded store holding every receipt and on dynalite.
func (b *bench) runReads(ctx context.Context) error {
	big, size, err := b.imageNear(detailsTarget)
	if err != nil {
		return err
	}
	imageID := sroie.ImageID(big)
	cases := []readCase{
		{fmt.Sprintf("image details, receipt %s (%s items)", big, fmtCount(float64(size))),
			func(ctx context.Context, c *rd.Client) (int, error) {
				d, err := c.ImageDetails(ctx, imageID)
				return imageDataCount(d), err
			}},
		{fmt.Sprintf("words tagged %s over all %d receipts", sroie.TagTotal, len(b.ids)),
			func(ctx context.Context, c *rd.Client) (int, error) {
				return allWordsWithTag(ctx, c, sroie.TagTotal)
			}},
	}

	// The embedded store with every receipt.
	if b.fullStore == "" {
		path := filepath.Join(b.work, "reads.db")
		b.logf("reads: importing all %d receipts into the embedded store", len(b.ids))
		if _, err := b.importEmbedded(ctx, path, b.ids, b.o.embImages); err != nil {
			return err
		}
		b.fullStore = path
	}
	tbl, err := sqlite.Open(ctx, b.fullStore)
	if err != nil {
		return err
	}
	defer tbl.Close()
	embedded, err := b.measureReads(ctx, rd.NewClient(tbl), cases)
	if err != nil {
		return fmt.Errorf("embedded: %w", err)
	}

	// Dynalite with what the reads read.
	srv, err := b.dynaliteServer(ctx)
	if err != nil {
		return err
	}
	dt, err := newDDBTable(ctx, srv.url, "reads")
	if err != nil {
		return err
	}
	defer dt.Drop(context.WithoutCancel(ctx))
	if err := b.loadForReads(ctx, dt, big); err != nil {
		return err
	}
	remote, err := b.measureReads(ctx, rd.NewClient(dt), cases)
	if err != nil {
		return fmt.Errorf("dynalite: %w", err)
	}

	for i, c := range cases {
		e, d := embedded[i], remote[i]
		if e.items != d.items {
			return fmt.Errorf("%s: %d items on the embedded engine, %d on dynalite", c.what,
				e.items, d.items)
		}
		b.rep.add(row{
			Section:   "reads",
			Figure:    fmt.Sprintf("%s: %s items returned", c.what, fmtCount(float64(e.items))),
			Result:    "embedded: " + e.lat.String(),
			Reference: "dynalite: " + d.lat.String(),
			Compare: fmt.Sprintf("embedded %.1fx faster at p50",
				float64(d.lat.p50)/float64(e.lat.p50)),
		})
	}
	b.rep.note("reads", fmt.Sprintf("Each read ran once to warm up, then %d times.",
		b.o.readRepeats))
	return nil
}

type readResult struct {
	lat   latency
	items int
}

func (b *bench) measureReads(ctx context.Context, c *rd.Client, cases []readCase) (
	[]readResult, error) {
	out := make([]readResult, len(cases))
	for i, rc := range cases {
		var items int
		lat, err := measure(b.o.readRepeats, func() error {
			var err error
			items, err = rc.run(ctx, c)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rc.what, err)
		}
		out[i] = readResult{lat: lat, items: items}
	}
	return out, nil
}

// allWordsWithTag lists every word with the tag, page after page.
func allWordsWithTag(ctx context.Context, c *rd.Client, tag string) (int, error) {
	n := 0
	opts := rd.ListOptions{}
	for {
		page, err := c.WordsWithTag(ctx, tag, opts)
		if err != nil {
			return 0, err
		}
		n += len(page.Items)
		if page.Next == "" {
			return n, nil
		}
		opts.Cursor = page.Next
	}
}

func imageDataCount(d rd.ImageData) int {
	return 1 + len(d.Lines) + len(d.Words) + len(d.Letters) + len(d.WordTags) +
		len(d.Receipts) + len(d.ReceiptLines) + len(d.ReceiptWords) + len(d.ReceiptLetters) +
		len(d.ReceiptWordTags) + len(d.ReceiptWindows) + len(d.GPTInitialTaggings) +
		len(d.GPTValidations)
}

// imageNear returns the receipt whose image holds the number of items
// closest to n, and that number.
func (b *bench) imageNear(n int) (string, int, error) {
	best, bestCount := "", 0
	for _, id := range b.ids {
		r, err := b.load(id)
		if err != nil {
			return "", 0, err
		}
		if c := r.Count(); best == "" || abs(c-n) < abs(bestCount-n) {
			best, bestCount = id, c
		}
	}
	return best, bestCount, nil
}

func abs(x int) int { return max(x, -x) }

// loadForReads stores in t the whole image of receipt big and, for every
// receipt, what a words-by-tag read touches: the image, its word tags and
// receipt word tags (which share the tag's index partition), and the words
// they tag.
func (b *bench) loadForReads(ctx context.Context, t rd.Table, big string) error {
	r, err := b.load(big)
	if err != nil {
		return err
	}
	if err := rd.NewClient(t).LoadImage(ctx, r.ImageData()); err != nil {
		return err
	}
	var reqs []rd.WriteRequest
	flush := func(force bool) error {
		if len(reqs) == 0 || (!force && len(reqs) < 2000) {
			return nil
		}
		err := t.BatchWrite(ctx, reqs)
		reqs = reqs[:0]
		return err
	}
	for _, id := range b.ids {
		if id == big {
			continue
		}
		r, err := b.load(id)
		if err != nil {
			return err
		}
		es := []rd.Entity{r.Image}
		for _, w := range r.Words {
			if len(w.Tags) > 0 {
				es = append(es, w)
			}
		}
		for _, v := range r.Tags {
			es = append(es, v)
		}
		for _, v := range r.ReceiptTags {
			es = append(es, v)
		}
		for _, e := range es {
			it, err := e.MarshalItem()
			if err != nil {
				return err
			}
			reqs = append(reqs, rd.WriteRequest{Put: it})
		}
		if err := flush(false); err != nil {
			return err
		}
	}
	return flush(true)
}
