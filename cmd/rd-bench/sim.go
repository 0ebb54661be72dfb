package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/ddb"
	"github.com/receiptdynamo/receiptdynamo/internal/partsim"
	"github.com/receiptdynamo/receiptdynamo/internal/sroie"
)

// partitionRate is DynamoDB's write capacity of one partition.
const partitionRate = 1000

// simTuning is how the loader is tuned against the simulator.
type simTuning struct {
	writers int // batch chunks in flight per image (ddb.WithBatchConcurrency)
	policy  ddb.RetryPolicy
}

func (t simTuning) String() string {
	return fmt.Sprintf("%d writers per image; retries: %d attempts, full jitter from %s "+
		"doubling to at most %s", t.writers, t.policy.MaxAttempts, t.policy.BaseDelay,
		t.policy.MaxDelay)
}

// runSim measures imports through the partition simulator: first what the
// server takes through the simulator with no limit (a raw loop), then the
// import at each -sim-images with only the table's partitions enforced (the
// per-image limit), then with every index partition enforced as DynamoDB
// does.
func (b *bench) runSim(ctx context.Context) error {
	srv, err := b.dynaliteServer(ctx)
	if err != nil {
		return err
	}
	ids := b.ids[:min(b.o.simReceipts, len(b.ids))]
	tune := b.o.simTuning

	// The ceiling: raw loops through an unlimited simulator.
	ceiling, err := b.simCeiling(ctx, srv.url, b.ids[:min(b.o.simCeilingReceipts, len(b.ids))])
	if err != nil {
		return err
	}

	for _, k := range b.o.simImages {
		run := simRun{images: k, rate: partitionRate}
		if err := b.simImport(ctx, srv.url, ids, run, ceiling, tune); err != nil {
			return err
		}
	}
	if b.o.simIndexImgs > 0 {
		run := simRun{images: b.o.simIndexImgs, rate: b.o.simIndexRate, allIndexes: true}
		few := b.ids[:min(b.o.simIndexReceipts, len(b.ids))]
		if err := b.simImport(ctx, srv.url, few, run, ceiling, tune); err != nil {
			return err
		}
	}
	b.rep.note("sim", fmt.Sprintf("Loader tuning: %s. Simulator burst: %g units per "+
		"partition.", tune, b.o.simBurst))
	return nil
}

// simCeiling writes the items of ids with a raw BatchWriteItem loop through
// a simulator that limits nothing, and returns the write units per second
// that the simulator admitted: what the server takes, with the
// simulator's own cost included.
func (b *bench) simCeiling(ctx context.Context, url string, ids []string) (float64, error) {
	items, err := b.receiptItems(ids)
	if err != nil {
		return 0, err
	}
	p, err := partsim.Start(url, partsim.Config{WriteUnits: 1e12, Burst: 1e12,
		KeyAttrs: partsim.TableOnly()})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	newTable := func() (rd.Table, string, error) {
		t, err := newDDBTable(ctx, p.URL, "ceiling")
		if err != nil {
			return nil, "", err
		}
		p.Reset()
		return t, t.Name(), nil
	}
	var raw rawResult
	for _, shape := range rawShapes {
		if err := raw.try(ctx, sdkClient(p.URL), newTable, items, shape); err != nil {
			return 0, err
		}
	}
	// Every loop wrote the same items; the last one's units are theirs.
	rate := p.Stats().Units("") / raw.elapsed.Seconds()
	b.logf("sim: ceiling %.0f WCU/s (%s)", rate, strings.Join(raw.tried, ", "))
	b.rep.add(row{
		Section: "sim",
		Figure: fmt.Sprintf("raw BatchWriteItem loop of the %s items of %d receipts through "+
			"the simulator, no limit", fmtCount(float64(raw.items)), len(ids)),
		Result:    fmt.Sprintf("%s (%s)", fmtRate(rate, "WCU"), fmtRate(raw.rate, "items")),
		Reference: "best of " + strings.Join(raw.tried, ", "),
		Compare:   "the server's ceiling, which caps the limits below",
	})
	return rate, nil
}

// simRun is one import through the simulator.
type simRun struct {
	images int     // images loaded at once
	rate   float64 // write units per second of one partition
	// allIndexes enforces every index partition, not only the table's.
	allIndexes bool
}

// simOutcome is what one import through the simulator did.
type simOutcome struct {
	res     importResult
	stats   partsim.Stats
	lost    int   // items built but not stored
	loadErr error // the loader's error, if it gave up
	units   float64
	rate    float64 // table partition units per second
	limit   float64
	why     string // how the limit was found
}

// simTries is how often each per-image run is repeated; the best try
// counts for the rate, and every try counts for lost items and errors.
const simTries = 2

// simImport imports the receipts ids through a simulator as run says, and
// reports the rate against the physical limit: the images in flight times
// a partition's rate, capped by the server's ceiling, and with every index
// enforced also by the busiest index partition.
func (b *bench) simImport(ctx context.Context, url string, ids []string, run simRun,
	ceiling float64, tune simTuning) error {
	tries := simTries
	if run.allIndexes {
		tries = 1
	}
	var best simOutcome
	lost, failures := 0, []string{}
	for try := range tries {
		o, err := b.simMeasure(ctx, url, ids, run, ceiling, tune)
		if err != nil {
			return err
		}
		lost += o.lost
		if o.loadErr != nil {
			failures = append(failures, firstLine(o.loadErr.Error()))
		}
		if try == 0 || o.rate/o.limit > best.rate/best.limit {
			best = o
		}
	}
	share := best.rate / best.limit
	if run.allIndexes {
		b.simIndexNote(best, run)
	}

	outcome := "none lost"
	if lost != 0 {
		outcome = fmt.Sprintf("%d LOST", lost)
	}
	if len(failures) > 0 {
		outcome += "; loader failed: " + strings.Join(failures, "; ")
	} else {
		outcome += ", no retry budget exhausted"
	}
	if tries > 1 {
		outcome += fmt.Sprintf(" in %d tries", tries)
	}
	what := fmt.Sprintf("import %d receipts (%s items), %d images at once, %s WCU/s per "+
		"table partition", len(ids), fmtCount(float64(best.res.items)), run.images,
		fmtCount(run.rate))
	verdict := "met"
	if share < 0.8 || lost != 0 || len(failures) > 0 {
		verdict = "MISSED"
	}
	compare := fmt.Sprintf("%.0f%% of the limit (target 80%%, none lost, no budget "+
		"exhausted: %s)", share*100, verdict)
	switch {
	case run.allIndexes:
		// Not a target of the issue: it shows what the format's shared
		// partitions impose.
		what = fmt.Sprintf("import %d receipts (%s items), %d images at once, %s WCU/s per "+
			"partition of the table and of every index", len(ids),
			fmtCount(float64(best.res.items)), run.images, fmtCount(run.rate))
		compare = fmt.Sprintf("%.0f%% of the limit; %s", share*100, outcome)
		if lost != 0 || len(failures) > 0 {
			b.rep.miss(fmt.Sprintf("sim with every index enforced: %s", outcome))
		}
	case verdict != "met":
		b.rep.miss(fmt.Sprintf("sim, %d images at once at %s WCU/s per partition: %.0f%% of "+
			"the limit, %s", run.images, fmtCount(run.rate), share*100, outcome))
	}
	b.rep.add(row{
		Section: "sim",
		Figure:  what,
		Result: fmt.Sprintf("%s in %s; %s; %s refusals of batch items, %d of requests",
			fmtRate(best.rate, "WCU"), best.res.elapsed.Round(time.Millisecond), outcome,
			fmtCount(float64(best.stats.ThrottledItems)), best.stats.ThrottledRequests),
		Reference: fmt.Sprintf("limit %s WCU/s = %s", fmtCount(best.limit), best.why),
		Compare:   compare,
	})
	return nil
}

// simMeasure runs one import through a new simulator and a new table and
// works out its physical limit.
func (b *bench) simMeasure(ctx context.Context, url string, ids []string, run simRun,
	ceiling float64, tune simTuning) (simOutcome, error) {
	attrs := partsim.TableOnly()
	if run.allIndexes {
		attrs = partsim.DefaultKeyAttrs()
	}
	p, err := partsim.Start(url, partsim.Config{WriteUnits: run.rate, Burst: b.o.simBurst,
		KeyAttrs: attrs})
	if err != nil {
		return simOutcome{}, err
	}
	defer p.Close()
	tbl, err := newDDBTable(ctx, p.URL, "sim", ddb.WithBatchConcurrency(tune.writers),
		ddb.WithRetryPolicy(tune.policy))
	if err != nil {
		return simOutcome{}, err
	}
	defer tbl.Drop(context.WithoutCancel(ctx))
	p.Reset()

	var o simOutcome
	o.res, o.loadErr = b.importReceipts(ctx, rd.NewClient(tbl), ids, run.images)
	o.stats = p.Stats()
	stored, err := countStored(ctx, tbl, ids)
	if err != nil {
		return simOutcome{}, err
	}
	o.lost = o.res.items - stored
	o.units = o.stats.Units("")
	o.rate = o.units / o.res.elapsed.Seconds()
	b.logf("sim: %d images at once, %g WCU/s per partition, all indexes %v: %.0f WCU/s",
		run.images, run.rate, run.allIndexes, o.rate)

	// The physical limit: each image's partition at the rate while it
	// loads, plus the burst a new partition starts with, capped by the
	// server; with every index enforced, also the busiest index partition.
	perImage := (o.res.busy.Seconds()*run.rate + float64(len(ids))*b.o.simBurst) /
		o.res.elapsed.Seconds()
	o.limit = min(perImage, ceiling)
	o.why = fmt.Sprintf("min(%.2f images at once x %s + bursts, ceiling %s)",
		o.res.inFlight(), fmtCount(run.rate), fmtCount(ceiling))
	if o.rate > ceiling {
		// The server took more now than in the ceiling loops: the
		// machine's pace varies, and the ceiling did not bind this run.
		o.limit = perImage
		o.why = fmt.Sprintf("%.2f images at once x %s + bursts (the server took more "+
			"than its measured ceiling of %s, so that did not bind)", o.res.inFlight(),
			fmtCount(run.rate), fmtCount(ceiling))
	}
	if hot := hottestShared(o.stats); run.allIndexes && hot.Units > 0 {
		o.limit = min(o.limit, o.units*run.rate/hot.Units)
		o.why = fmt.Sprintf("min(%.2f images at once x %s + bursts, ceiling %s, %s of %s "+
			"units through %s %s at %s/s)", o.res.inFlight(), fmtCount(run.rate),
			fmtCount(ceiling), fmtCount(hot.Units), fmtCount(o.units), hot.Index, hot.Value,
			fmtCount(run.rate))
	}
	return o, nil
}

// simIndexNote explains what the shared index partitions of the run mean
// at DynamoDB's rate.
func (b *bench) simIndexNote(o simOutcome, run simRun) {
	hot := hottestShared(o.stats)
	if hot.Units == 0 {
		return
	}
	b.rep.note("sim", fmt.Sprintf("With every index enforced, %s %s carried %.0f%% of the "+
		"units, so at DynamoDB's %s WCU/s per partition an import of these receipts cannot "+
		"exceed %s WCU/s however many images load at once (computed from the measured "+
		"units, not measured at that rate). Busiest partitions of that run, at %s WCU/s "+
		"each: %s.", hot.Index, hot.Value, hot.Units/o.units*100, fmtCount(partitionRate),
		fmtCount(o.units*partitionRate/hot.Units), fmtCount(run.rate),
		busiest(o.stats, o.res.elapsed, 5)))
}

// countStored counts the items stored under the images of the receipts.
func countStored(ctx context.Context, t rd.Table, ids []string) (int, error) {
	total := 0
	for _, id := range ids {
		n, err := t.Count(ctx, rd.Query{PK: rd.ImageKey(sroie.ImageID(id)).PK})
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// hottestShared returns the index partition with the most units.
func hottestShared(s partsim.Stats) partsim.PartitionStats {
	var hot partsim.PartitionStats
	for _, p := range s.Partitions {
		if p.Index != "" && p.Units > hot.Units {
			hot = p
		}
	}
	return hot
}

// busiest describes the n partitions with the most units and their rates.
func busiest(s partsim.Stats, elapsed time.Duration, n int) string {
	var parts []string
	for _, p := range s.Partitions[:min(n, len(s.Partitions))] {
		name := "table " + shortKey(p.Value)
		if p.Index != "" {
			name = p.Index + " " + shortKey(p.Value)
		}
		parts = append(parts, fmt.Sprintf("%s %s units (%s/s over the run, %d refusals)",
			name, fmtCount(p.Units), fmtCount(p.Units/elapsed.Seconds()), p.Throttled))
	}
	return strings.Join(parts, "; ")
}

// shortKey shortens a key value holding an image id for the report.
func shortKey(v string) string {
	if len(v) > 20 {
		return v[:20] + "…"
	}
	return v
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
