package ddb_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/ddb"
	"github.com/receiptdynamo/receiptdynamo/internal/faultproxy"
)

// The job client's fault tests put internal/faultproxy between the engine
// and moto_server, for the two faults of contended transactions that no
// local server produces: conflicts with other transactions, and answers
// lost after the server applied a transaction.

// noEngineRetries makes the engine send each request once, so that the
// client's own retries of contended transactions are what is tested.
var noEngineRetries = ddb.WithRetryPolicy(ddb.RetryPolicy{MaxAttempts: 1,
	BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})

func jobFixture(status rd.JobState, p rd.Priority) rd.Job {
	return rd.Job{ID: uuid.NewString(), Name: "fault", CreatedAt: time.Now(), CreatedBy: "t",
		Status: status, Priority: p}
}

// TestJobTxConflictsRetried: a status record cancelled by conflicts is sent
// again with the same token, and applied once.
func TestJobTxConflictsRetried(t *testing.T) {
	s := setupFaults(t, serverURL(t, envMoto), faultproxy.Faults{}, noEngineRetries)
	ctx := t.Context()
	cl := rd.NewClient(s.proxied)
	job := jobFixture(rd.JobPending, rd.PriorityLow)
	if err := cl.AddJob(ctx, job); err != nil {
		t.Fatal(err)
	}

	s.proxy.SetFaults(faultproxy.Faults{TxConflicts: 5})
	_, err := cl.RecordJobStatus(ctx, rd.JobStatus{JobID: job.ID, Status: rd.JobRunning})
	if err != nil {
		t.Fatalf("record status after 5 conflicts: %v", err)
	}
	txs := s.proxy.TxRequests()
	if len(txs) != 6 {
		t.Fatalf("%d transaction requests, want 5 conflicts and 1 success", len(txs))
	}
	for _, tx := range txs {
		if tx.Token != txs[0].Token || tx.Items != txs[0].Items {
			t.Errorf("a retry changed the token or the actions: %+v vs %+v", tx, txs[0])
		}
	}
	_, history, err := rd.NewClient(s.direct).GetJobWithStatus(ctx, job.ID)
	if err != nil || len(history) != 1 || history[0].Status != rd.JobRunning {
		t.Errorf("history after retries: %+v, %v; want one running entry", history, err)
	}

	// Conflicts beyond the client's bound are reported, and nothing is written.
	s.proxy.SetFaults(faultproxy.Faults{TxConflicts: 1000})
	before := len(s.proxy.TxRequests())
	_, err = cl.RecordJobStatus(ctx, rd.JobStatus{JobID: job.ID, Status: rd.JobFailed})
	var tc *rd.TxCanceledError
	if !errors.As(err, &tc) || len(tc.Failed(rd.ReasonTransactionConflict)) == 0 {
		t.Errorf("record status under endless conflicts: got %v, want a cancellation "+
			"by conflict", err)
	}
	if sent := len(s.proxy.TxRequests()) - before; sent < 2 || sent > 20 {
		t.Errorf("%d attempts under endless conflicts, want a small bounded number", sent)
	}
	if j, err := rd.NewClient(s.direct).GetJob(ctx, job.ID); err != nil ||
		j.Status != rd.JobRunning {
		t.Errorf("job after refused record: %+v, %v; want still running", j.Status, err)
	}
}

// TestJobClaimLostAnswer: the answer to a claim is lost after moto applied
// it, as when a worker's connection drops. moto_server ignores
// ClientRequestToken, so the SDK's retry of the same request finds the entry
// gone and the claim goes on to the next job. The first job is then held by
// the instance without the worker knowing: it is not lost, because
// RecoverInstance finds its running assignment and puts it back.
func TestJobClaimLostAnswer(t *testing.T) {
	s := setupFaults(t, serverURL(t, envMoto), faultproxy.Faults{})
	ctx := t.Context()
	cl := rd.NewClient(s.proxied)
	if err := cl.CreateQueue(ctx, rd.Queue{Name: "q", MaxConcurrentJobs: 5,
		Priority: rd.PriorityLow}); err != nil {
		t.Fatal(err)
	}
	in := rd.Instance{ID: uuid.NewString(), InstanceType: "g5", Status: rd.InstanceRunning,
		AvailabilityZone: "z", HealthStatus: rd.HealthHealthy}
	if err := cl.RegisterInstance(ctx, in); err != nil {
		t.Fatal(err)
	}
	var jobs []rd.Job
	for _, p := range []rd.Priority{rd.PriorityHigh, rd.PriorityMedium, rd.PriorityLow} {
		job := jobFixture(rd.JobPending, p)
		jobs = append(jobs, job)
		if err := cl.AddJob(ctx, job); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.Enqueue(ctx, rd.QueueJob{QueueName: "q", JobID: job.ID}); err != nil {
			t.Fatal(err)
		}
	}

	// Lose the answer of the first claim transaction only.
	lost := false
	s.proxy.OnRequest(func(op string) {
		if op == "TransactWriteItems" && !lost {
			lost = true
			s.proxy.SetFaults(faultproxy.Faults{LostAnswer: 1})
			return
		}
		s.proxy.SetFaults(faultproxy.Faults{})
	})
	got, err := cl.Claim(ctx, "q", in.ID)
	if err != nil {
		t.Fatalf("claim with a lost answer: %v", err)
	}
	if got.JobID != jobs[1].ID {
		t.Fatalf("claimed %s, want the second job (the first was taken by the lost "+
			"answer)", got.JobID)
	}
	load, err := cl.GetQueueLoad(ctx, "q")
	if err != nil || load.Waiting != 1 || load.Running != 2 {
		t.Fatalf("load after the lost answer: %+v, %v; want 1 waiting, 2 running", load, err)
	}

	// The worker finishes what it knows of; recovery finds the other one.
	if err := cl.FinishClaim(ctx, got, rd.JobSucceeded, ""); err != nil {
		t.Fatal(err)
	}
	rec, err := cl.RecoverInstance(ctx, in.ID, "answer lost")
	if err != nil || len(rec) != 1 || rec[0].JobID != jobs[0].ID {
		t.Fatalf("recover: %+v, %v; want the claim of the first job", rec, err)
	}
	var done []string
	for {
		c, err := cl.Claim(ctx, "q", in.ID)
		if errors.Is(err, rd.ErrQueueEmpty) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := cl.FinishClaim(ctx, c, rd.JobSucceeded, ""); err != nil {
			t.Fatal(err)
		}
		done = append(done, c.JobID)
	}
	if !slices.Equal(done, []string{jobs[0].ID, jobs[2].ID}) {
		t.Errorf("claimed after recovery: %v, want the recovered job, then the last", done)
	}
	load, err = cl.GetQueueLoad(ctx, "q")
	if err != nil || load.Waiting != 0 || load.Running != 0 {
		t.Errorf("final load %+v, %v; want nothing waiting or running", load, err)
	}
	for _, job := range jobs {
		j, err := cl.GetJob(ctx, job.ID)
		if err != nil || j.Status != rd.JobSucceeded {
			t.Errorf("job %s: %s, %v; want succeeded", job.ID, j.Status, err)
		}
	}
}
