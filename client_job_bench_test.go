package receiptdynamo_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/sqlite"
)

// countingTable counts the transactions that a table refused.
type countingTable struct {
	rd.Table
	refused atomic.Int64
}

func (c *countingTable) TransactWrite(ctx context.Context, tx rd.Transaction) error {
	err := c.Table.TransactWrite(ctx, tx)
	if errors.Is(err, rd.ErrTransactionCanceled) {
		c.refused.Add(1)
	}
	return err
}

// BenchmarkClaimWorkers compares, on the embedded engine, eight workers
// claiming and finishing the jobs of one queue (max_concurrent_jobs 8) with
// strictly ordered claims (spread 1) and with the default spread of 8. One
// operation is one claim and its finish; refused/claim counts the claim
// transactions lost to another worker.
func BenchmarkClaimWorkers(b *testing.B) {
	for _, spread := range []int{1, 8} {
		b.Run(fmt.Sprintf("spread=%d", spread), func(b *testing.B) {
			benchClaims(b, spread)
		})
	}
}

func benchClaims(b *testing.B, spread int) {
	ctx := context.Background()
	raw, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	if err := raw.Create(ctx); err != nil {
		b.Fatal(err)
	}
	tbl := &countingTable{Table: raw}
	setup := rd.NewClient(tbl)
	if err := setup.CreateQueue(ctx, rd.Queue{Name: "q", MaxConcurrentJobs: 8,
		Priority: rd.PriorityMedium}); err != nil {
		b.Fatal(err)
	}
	var instances []string
	for range 8 {
		in := rd.Instance{ID: uuid.NewString(), InstanceType: "g5", Status: rd.InstanceRunning,
			AvailabilityZone: "z", HealthStatus: rd.HealthHealthy}
		if err := setup.RegisterInstance(ctx, in); err != nil {
			b.Fatal(err)
		}
		instances = append(instances, in.ID)
	}
	created := time.Now()
	for i := range b.N {
		job := rd.Job{ID: uuid.NewString(), Name: "bench", CreatedBy: "b",
			CreatedAt: created.Add(time.Duration(i) * time.Microsecond),
			Status:    rd.JobPending, Priority: rd.PriorityMedium}
		if err := setup.AddJob(ctx, job); err != nil {
			b.Fatal(err)
		}
		if _, err := setup.Enqueue(ctx, rd.QueueJob{QueueName: "q", JobID: job.ID}); err != nil {
			b.Fatal(err)
		}
	}
	tbl.refused.Store(0)

	b.ResetTimer()
	var wg sync.WaitGroup
	var claimed atomic.Int64
	for _, id := range instances {
		cl := rd.NewClient(tbl, rd.WithClaimSpread(spread))
		wg.Go(func() {
			for {
				c, err := cl.Claim(ctx, "q", id)
				if errors.Is(err, rd.ErrQueueEmpty) {
					return
				}
				if errors.Is(err, rd.ErrQueueFull) {
					continue
				}
				if err != nil {
					b.Error(err)
					return
				}
				claimed.Add(1)
				if err := cl.FinishClaim(ctx, c, rd.JobSucceeded, ""); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if int(claimed.Load()) != b.N {
		b.Fatalf("claimed %d of %d jobs", claimed.Load(), b.N)
	}
	b.ReportMetric(float64(tbl.refused.Load())/float64(b.N), "refused/claim")
}
