package main

import (
	"context"
	"fmt"
	"slices"
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

	// The ceiling: a raw loop through an unlimited simulator.
	ceiling, err := b.simCeiling(ctx, srv.url, ids)
	if err != nil {
		return err
	}

	for _, k := range b.o.simImages {
		if err := b.simImport(ctx, srv.url, ids, k, partsim.TableOnly(), ceiling, tune,
			false); err != nil {
			return err
		}
	}
	kmax := slices.Max(b.o.simImages)
	if err := b.simImport(ctx, srv.url, ids, kmax, partsim.DefaultKeyAttrs(), ceiling, tune,
		true); err != nil {
		return err
	}
	b.rep.note("sim", fmt.Sprintf("Loader tuning: %s. Simulator: %d write units per second "+
		"per partition, burst %g units.", tune, partitionRate, b.o.simBurst))
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
	tbl, err := newDDBTable(ctx, p.URL, "ceiling")
	if err != nil {
		return 0, err
	}
	defer tbl.Drop(context.WithoutCancel(ctx))
	p.Reset()
	const conc = 16
	elapsed, err := rawLoop(ctx, sdkClient(p.URL), tbl.Name(), items, conc)
	if err != nil {
		return 0, err
	}
	units := p.Stats().Units("")
	rate := units / elapsed.Seconds()
	b.logf("sim: ceiling %.0f WCU/s (%d items in %s)", rate, len(items), elapsed)
	b.rep.add(row{
		Section: "sim",
		Figure: fmt.Sprintf("raw BatchWriteItem loop of the same %s items through the "+
			"simulator, no limit", fmtCount(float64(len(items)))),
		Result: fmt.Sprintf("%s (%s)", fmtRate(rate, "WCU"),
			fmtRate(float64(len(items))/elapsed.Seconds(), "items")),
		Reference: fmt.Sprintf("%d requests in flight", conc),
		Compare:   "the server's ceiling, which caps the limits below",
	})
	return rate, nil
}

// simImport imports the receipts ids through a simulator enforcing attrs,
// k images at once, and reports the rate against the physical limit. With
// allIndexes, the limit also counts the index partitions that the whole
// table shares.
func (b *bench) simImport(ctx context.Context, url string, ids []string, k int,
	attrs []partsim.KeyAttr, ceiling float64, tune simTuning, allIndexes bool) error {
	p, err := partsim.Start(url, partsim.Config{WriteUnits: partitionRate, Burst: b.o.simBurst,
		KeyAttrs: attrs})
	if err != nil {
		return err
	}
	defer p.Close()
	tbl, err := newDDBTable(ctx, p.URL, "sim", ddb.WithBatchConcurrency(tune.writers),
		ddb.WithRetryPolicy(tune.policy))
	if err != nil {
		return err
	}
	defer tbl.Drop(context.WithoutCancel(ctx))
	p.Reset()

	res, loadErr := b.importReceipts(ctx, rd.NewClient(tbl), ids, k)
	stats := p.Stats()
	stored, err := countStored(ctx, tbl, ids)
	if err != nil {
		return err
	}
	lost := res.items - stored
	units := stats.Units("")
	rate := units / res.elapsed.Seconds()

	// The physical limit: the images loaded at once, each at one
	// partition's rate, capped by the server; with every index enforced,
	// also the busiest partition that the whole table shares.
	limit := min(res.inFlight()*partitionRate, ceiling)
	why := fmt.Sprintf("min(%.2f images at once x %d, ceiling %s)", res.inFlight(),
		partitionRate, fmtCount(ceiling))
	if allIndexes {
		hot := hottestShared(stats)
		shared := units * partitionRate / hot.Units
		if shared < limit {
			limit = shared
			why = fmt.Sprintf("%s bound: %s of %s units must pass %s at %d/s",
				fmtCount(shared), fmtCount(hot.Units), fmtCount(units), hot.PartitionKey.Index+
					" "+hot.Value, partitionRate)
		} else {
			why += fmt.Sprintf("; shared partitions allow %s", fmtCount(shared))
		}
	}
	share := rate / limit

	outcome := "none lost"
	if lost != 0 {
		outcome = fmt.Sprintf("%d LOST", lost)
	}
	if loadErr != nil {
		outcome += "; loader failed: " + firstLine(loadErr.Error())
	} else {
		outcome += ", no retry budget exhausted"
	}
	what := fmt.Sprintf("import %d receipts (%s items), %d images at once, table partitions "+
		"limited", len(ids), fmtCount(float64(res.items)), k)
	compare := fmt.Sprintf("%.0f%% of the limit", share*100)
	if allIndexes {
		what = fmt.Sprintf("import %d receipts, %d images at once, every index partition "+
			"limited too", len(ids), k)
	} else {
		verdict := "met"
		if share < 0.8 || lost != 0 || loadErr != nil {
			verdict = "MISSED"
			b.rep.miss(fmt.Sprintf("sim, %d images at once: %.0f%% of the limit, %s", k,
				share*100, outcome))
		}
		compare += fmt.Sprintf(" (target 80%%, none lost, no budget exhausted: %s)", verdict)
	}
	b.rep.add(row{
		Section: "sim",
		Figure:  what,
		Result: fmt.Sprintf("%s in %s; %s; %s items and %d requests throttled",
			fmtRate(rate, "WCU"), res.elapsed.Round(time.Millisecond), outcome,
			fmtCount(float64(stats.ThrottledItems)), stats.ThrottledRequests),
		Reference: fmt.Sprintf("limit %s WCU/s = %s", fmtCount(limit), why),
		Compare:   compare,
	})
	if allIndexes {
		b.rep.note("sim", "Busiest partitions with every index enforced: "+
			busiest(stats, res.elapsed, 6)+".")
	}
	return nil
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
