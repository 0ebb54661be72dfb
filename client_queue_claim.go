package receiptdynamo

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"time"
)

// This file takes jobs out of queues to run them: Claim, and the two ways a
// claim ends, FinishClaim and ReleaseClaim, plus RecoverInstance for the
// claims of an instance that died.
//
// # The claim protocol
//
// A claim of the entry of job j in queue q for instance n is one
// transaction of six actions, all applied or none:
//
//  0. delete the queue entry QUEUE#q / JOB#j, if it exists;
//  1. on the queue item, subtract 1 from job_count and add 1 to
//     running_jobs, if running_jobs < max_concurrent_jobs (the value read
//     before, which must also be unchanged);
//  2. set the job's status to running (and its GSI1 key), if the job is
//     stored and pending or interrupted;
//  3. add the job's status entry "running" at the claim's time, if new;
//  4. put the assignment INSTANCE#n / JOB#j with status running, the claim's
//     time, the queue's name and the entry's priority and enqueue time
//     (queue_name, queue_priority, queue_enqueued_at: attributes the item
//     format does not list and the decoder ignores), so that GetClaim can
//     give the claim back to any process;
//  5. require the instance to be registered.
//
// Why no job is taken twice: action 0 succeeds for one transaction only.
// Two claims of the same entry either conflict (DynamoDB cancels one with
// TransactionConflict) or run one after the other, and then the second
// finds the entry gone and is cancelled with ConditionalCheckFailed on
// action 0. The loser moves on to the next entry it read.
//
// Why none is lost: the entry disappears only in the transaction that
// records, durably and at once, who has the job — the running assignment
// with its queue, the job's status and history, and the queue's counters.
// At every moment a job is waiting (an entry), claimed (a running
// assignment) or done. A worker that dies after its claim committed,
// even before it saw the answer, leaves a running assignment that names
// its instance and queue: RecoverInstance puts such jobs back into their
// queues (job interrupted, assignment failed, running_jobs decremented),
// and any supervisor that decides an instance is gone can call it.
//
// Why max_concurrent_jobs holds: running_jobs changes only in these
// transactions — up by one in a claim, under the condition that it is
// below the maximum, and down by one when a claim ends. A claim that finds
// the queue full is cancelled on action 1, and Claim reports ErrQueueFull.
// The claim of a dead worker keeps its slot until RecoverInstance ends it.
//
// Contention: Claim reads the queue and its entries, then tries the
// entries in claim order, except that it starts with the (up to) eight
// oldest entries of the highest priority in random order (see
// WithClaimSpread), so that workers reading the queue at the same moment
// seldom race for one entry. An entry taken by another worker costs one
// cancelled transaction. A transaction cancelled only by conflicts is sent
// again unchanged (client_job_tx.go); any other race (capacity changed,
// timestamps collided) starts a new round from a fresh read, after a
// jittered backoff, up to claimRounds rounds.

// Errors of Claim.
var (
	// ErrQueueEmpty says that a queue has no job to claim.
	ErrQueueEmpty = errors.New("queue is empty")
	// ErrQueueFull says that a queue runs max_concurrent_jobs jobs already.
	ErrQueueFull = errors.New("queue runs its max_concurrent_jobs")
)

// claimRounds bounds the rounds of read and claim attempts of one Claim.
const claimRounds = 16

// The attributes that an assignment made by Claim adds: the queue the job
// was claimed from, and the priority and enqueue time of the entry taken.
const (
	attrClaimQueue      = "queue_name"
	attrClaimPriority   = "queue_priority"
	attrClaimEnqueuedAt = "queue_enqueued_at"
)

// Claim is a job that an instance took from a queue.
type Claim struct {
	Queue      string
	InstanceID string
	JobID      string
	// Entry is the queue entry as it was; ReleaseClaim puts it back.
	Entry QueueJob
	// ClaimedAt is the time of the claim: the assignment's assigned_at and
	// the time of the job's "running" status entry.
	ClaimedAt time.Time
}

// Claim takes the next job of the queue for the instance: one of the (up
// to) eight longest-waiting entries of the highest priority, chosen at
// random to spread concurrent workers, among those whose job is pending or
// interrupted. See the file comment for the protocol: concurrent callers
// never take the same job, never lose one, and never run more than the
// queue's max_concurrent_jobs at once.
//
// Claim fails with ErrQueueEmpty when the queue has no claimable job, with
// ErrQueueFull when it runs as many jobs as it may, and with an *ItemError
// matching ErrNotFound when the queue or the instance is not stored.
// Entries whose job is missing or no longer claimable (finished, running
// elsewhere) are removed from the queue on the way.
func (c *Client) Claim(ctx context.Context, queue, instanceID string) (Claim, error) {
	var lastErr error
	for round := 1; round <= claimRounds; round++ {
		st, err := c.readQueue(ctx, queue)
		if err != nil {
			return Claim{}, fmt.Errorf("claim from queue %s: %w", queue, err)
		}
		if st.running >= st.queue.MaxConcurrentJobs {
			return Claim{}, fmt.Errorf("claim from queue %s: %w", queue, ErrQueueFull)
		}
		entries, err := c.queueEntries(ctx, queue)
		if err != nil {
			return Claim{}, fmt.Errorf("claim from queue %s: %w", queue, err)
		}
		if len(entries) == 0 {
			return Claim{}, fmt.Errorf("claim from queue %s: %w", queue, ErrQueueEmpty)
		}

		for _, e := range spreadHead(entries, c.spreadOf()) {
			cl, outcome, err := c.tryClaim(ctx, st, e, instanceID)
			switch outcome {
			case claimDone:
				return cl, nil
			case claimFatal:
				return Claim{}, fmt.Errorf("claim from queue %s: %w", queue, err)
			case claimStale:
				if err := c.dropEntry(ctx, e); err != nil {
					return Claim{}, fmt.Errorf("claim from queue %s: %w", queue, err)
				}
				continue
			case claimTaken:
				continue
			}
			lastErr = err // claimReread
			break
		}
		if err := txBackoff(ctx, round); err != nil {
			return Claim{}, fmt.Errorf("claim from queue %s: %w", queue, err)
		}
	}
	return Claim{}, fmt.Errorf("claim from queue %s: gave up after %d rounds: %w", queue,
		claimRounds, lastErr)
}

// defaultClaimSpread is how many of the oldest entries of the highest
// priority a claim chooses among at random, unless WithClaimSpread says
// otherwise.
const defaultClaimSpread = 8

// WithClaimSpread sets how many of the longest-waiting entries of the
// highest priority Claim chooses among at random (8 by default). 1 makes
// Claim take entries strictly in order, the oldest first, at the price that
// concurrent workers all race for the same entry and all but one try
// again. Values below 1 mean 1.
func WithClaimSpread(n int) ClientOption {
	return func(c *Client) { c.claimSpread = max(n, 1) }
}

// spreadOf returns the client's claim spread.
func (c *Client) spreadOf() int {
	if c.claimSpread == 0 {
		return defaultClaimSpread
	}
	return c.claimSpread
}

// spreadHead returns the entries, in claim order, with the first spread of
// them that share the highest priority shuffled: workers that read the
// queue at the same moment then mostly try different entries instead of
// all racing for the first one.
func spreadHead(entries []QueueJob, spread int) []QueueJob {
	n := 0
	for n < len(entries) && n < spread &&
		entries[n].Priority.Rank() == entries[0].Priority.Rank() {
		n++
	}
	out := slices.Clone(entries)
	mrand.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// claimOutcome says how one attempt of a claim went.
type claimOutcome int

const (
	claimDone   claimOutcome = iota
	claimTaken               // another worker took the entry: try the next
	claimStale               // the entry's job cannot be claimed: drop it
	claimReread              // the queue changed: read it again
	claimFatal               // stop with the error
)

// tryClaim sends the claim transaction for one entry (see the file
// comment) and classifies its outcome.
func (c *Client) tryClaim(ctx context.Context, st queueState, e QueueJob,
	instanceID string) (Claim, claimOutcome, error) {
	cl := Claim{Queue: st.queue.Name, InstanceID: instanceID, JobID: e.JobID, Entry: e,
		ClaimedAt: c.eventTime()}
	actions, err := c.claimActions(st, cl)
	if err != nil {
		return Claim{}, claimFatal, err
	}
	err = c.transact(ctx, "claim", Transaction{Actions: actions})
	switch {
	case err == nil:
		return cl, claimDone, nil
	case failedAt(err, 5):
		return Claim{}, claimFatal, &ItemError{Op: "claim", Type: TypeInstance,
			Key: InstanceKey(instanceID), Err: ErrNotFound}
	case failedAt(err, 0):
		return Claim{}, claimTaken, err
	case failedAt(err, 1), failedAt(err, 3), onlyContention(err):
		return Claim{}, claimReread, err
	case failedAt(err, 2):
		return Claim{}, claimStale, err
	}
	return Claim{}, claimFatal, err
}

// claimActions returns the six actions of a claim.
func (c *Client) claimActions(st queueState, cl Claim) ([]TxAction, error) {
	assignment := InstanceJob{InstanceID: cl.InstanceID, JobID: cl.JobID,
		AssignedAt: cl.ClaimedAt, Status: AssignmentRunning}
	ijItem, err := assignment.MarshalItem()
	if err != nil {
		return nil, err
	}
	ijItem[attrClaimQueue] = s(cl.Queue)
	ijItem[attrClaimPriority] = s(string(cl.Entry.Priority))
	ijItem[attrClaimEnqueuedAt] = s(FormatTime(cl.Entry.EnqueuedAt))
	status := JobStatus{JobID: cl.JobID, Status: JobRunning, UpdatedAt: cl.ClaimedAt,
		Message: "claimed from queue " + cl.Queue, UpdatedBy: cl.InstanceID,
		InstanceID: cl.InstanceID}
	stItem, err := status.MarshalItem()
	if err != nil {
		return nil, err
	}

	// The capacity condition compares with the maximum read, which must
	// still be the stored one. A queue without the running counter (written
	// by the older writer) runs nothing; the claim that creates the counter
	// requires it still to be absent.
	max := ni(int64(st.queue.MaxConcurrentJobs))
	capacity := Condition{AttrEquals(jaMaxConcurrent, max),
		{Attr: attrRunningJobs, Op: OpLt, Value: max}}
	if !st.hasRunning {
		capacity = Condition{AttrEquals(jaMaxConcurrent, max),
			{Attr: attrRunningJobs, Op: OpNotExists}}
	}
	return []TxAction{
		DeleteAction(cl.Entry.Key(), IfExists),
		UpdateAction(QueueKey(cl.Queue),
			Update{Add: Item{AttrJobCount: ni(-1), attrRunningJobs: ni(1)}}, capacity),
		setJobStatusAction(cl.JobID, JobRunning, claimable()[1:]),
		PutAction(stItem, IfNotExists),
		PutAction(ijItem, nil),
		CheckAction(InstanceKey(cl.InstanceID), IfExists),
	}, nil
}

// dropEntry removes an entry whose job cannot be claimed, and uncounts it.
// An entry that someone else removed first is no error.
func (c *Client) dropEntry(ctx context.Context, e QueueJob) error {
	tx := Transaction{Actions: []TxAction{
		DeleteAction(e.Key(), IfExists),
		UpdateAction(QueueKey(e.QueueName), Update{Add: Item{AttrJobCount: ni(-1)}}, IfExists),
	}}
	err := c.transact(ctx, "drop queue entry", tx)
	if err == nil || failedAt(err, 0) || onlyContention(err) {
		return nil
	}
	return fmt.Errorf("drop entry of job %s: %w", e.JobID, err)
}

// FinishClaim ends a claim with the job's final state (succeeded, failed or
// cancelled) in one transaction: the assignment becomes completed, failed
// or cancelled, the queue's running_jobs goes down by one, and the job gets
// the status and its history entry, with the message. It fails with an
// *ItemError matching ErrConditionFailed when the claim is not running any
// more (finished, released or recovered before). A queue or job deleted in
// the meantime is left out of the transaction, and a job that is no longer
// running (cancelled while it ran) keeps its status.
func (c *Client) FinishClaim(ctx context.Context, cl Claim, outcome JobState,
	message string) error {
	st, err := ParseJobState(string(outcome))
	if err == nil && !st.Terminal() {
		err = Invalid("FinishClaim", "outcome", "must be succeeded, failed or cancelled",
			string(outcome))
	}
	if err != nil {
		return fmt.Errorf("finish claim: %w", err)
	}
	assignment := map[JobState]AssignmentState{JobSucceeded: AssignmentCompleted,
		JobFailed: AssignmentFailed, JobCancelled: AssignmentCancelled}[st]
	end := claimEnd{op: "finish claim", assignment: assignment, job: st, message: message}
	return opError(end.op, c.endClaim(ctx, cl, end))
}

// ReleaseClaim gives a claimed job back to its queue, as if it had not been
// claimed, in one transaction: the assignment becomes cancelled, the entry
// returns with its priority and enqueue time, the queue's job_count goes up
// and running_jobs down by one, and the job is pending again (with a status
// entry holding the message). It fails like FinishClaim. If the queue was
// deleted, the job becomes pending without an entry; a job that is no
// longer running (cancelled while it ran) keeps its status and is not
// queued again.
func (c *Client) ReleaseClaim(ctx context.Context, cl Claim, message string) error {
	end := claimEnd{op: "release claim", assignment: AssignmentCancelled, job: JobPending,
		requeue: true, message: message}
	return opError(end.op, c.endClaim(ctx, cl, end))
}

// opError prefixes err with op, unless it is an *ItemError, which names
// its operation itself.
func opError(op string, err error) error {
	if _, ok := err.(*ItemError); ok || err == nil {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// RecoverInstance puts back into their queues the jobs that Claim gave the
// instance and that are still running there, for an instance that died or
// was terminated with work in hand. Each job becomes interrupted (Claim
// takes interrupted jobs again), its assignment failed, and the queue's
// counters are corrected, one transaction per job; the claims recovered
// are returned. A job re-enters its queue with the entry Claim took (see
// GetClaim).
//
// Only call it for an instance that will not finish its claims: a claim
// recovered and then finished by its instance fails with ErrConditionFailed.
// Jobs assigned with AssignJob, which name no queue, are not touched.
func (c *Client) RecoverInstance(ctx context.Context, instanceID, message string) ([]Claim,
	error) {
	q := Query{PK: instancePK(instanceID), SK: instanceJobsPrefix(), Type: TypeInstanceJob}
	items, _, err := c.rawItems(ctx, q, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("recover instance %s: %w", instanceID, err)
	}
	var recovered []Claim
	for _, it := range items {
		cl, ij, err := c.claimOf(ctx, it)
		if err != nil {
			return recovered, fmt.Errorf("recover instance %s: %w", instanceID, err)
		}
		if cl.Queue == "" || ij.Status != AssignmentRunning {
			continue
		}
		end := claimEnd{op: "recover claim", assignment: AssignmentFailed, job: JobInterrupted,
			requeue: true, message: message}
		err = c.endClaim(ctx, cl, end)
		if errors.Is(err, ErrConditionFailed) {
			continue // the claim ended while we looked
		}
		if err != nil {
			return recovered, fmt.Errorf("recover instance %s: %w", instanceID, err)
		}
		recovered = append(recovered, cl)
	}
	return recovered, nil
}

// GetClaim returns the claim behind the assignment of the job to the
// instance, as Claim returned it, for FinishClaim or ReleaseClaim in
// another process than the claiming one. It fails with an *ItemError
// matching ErrNotFound when there is no such assignment or when it was made
// by AssignJob, which names no queue. The claim may have ended already:
// ending it again fails with ErrConditionFailed.
func (c *Client) GetClaim(ctx context.Context, instanceID, jobID string) (Claim, error) {
	k := InstanceJobKey(instanceID, jobID)
	it, err := c.table.Get(ctx, k)
	if errors.Is(err, ErrNotFound) {
		return Claim{}, &ItemError{Op: "get claim", Type: TypeInstanceJob, Key: k,
			Err: ErrNotFound}
	}
	if err != nil {
		return Claim{}, fmt.Errorf("get claim: %w", err)
	}
	cl, _, err := c.claimOf(ctx, it)
	if err != nil {
		return Claim{}, fmt.Errorf("get claim %s: %w", k, err)
	}
	if cl.Queue == "" {
		return Claim{}, &ItemError{Op: "get claim", Type: TypeInstanceJob, Key: k,
			Err: fmt.Errorf("the job was assigned, not claimed from a queue: %w", ErrNotFound)}
	}
	return cl, nil
}

// claimOf rebuilds the claim behind an assignment item; its Queue is ""
// when the assignment was not made by Claim. An assignment written before
// the entry was recorded on it gets, as the entry to restore, the job's
// priority (medium if the job is gone) and the claim's time as its enqueue
// time.
func (c *Client) claimOf(ctx context.Context, it Item) (Claim, InstanceJob, error) {
	ij, err := Decode[InstanceJob](it)
	if err != nil {
		return Claim{}, InstanceJob{}, err
	}
	queue := stringAttr(it, attrClaimQueue)
	if queue == "" {
		return Claim{}, ij, nil
	}
	entry := QueueJob{QueueName: queue, JobID: ij.JobID, EnqueuedAt: ij.AssignedAt,
		Priority: PriorityMedium}
	d := newDecoder(TypeInstanceJob, it)
	priority := readJobEnum(d, attrClaimPriority, false, ParsePriority)
	enqueued := jobTime(d, attrClaimEnqueuedAt, false)
	if d.err != nil {
		return Claim{}, ij, d.err
	}
	if priority != "" && !enqueued.IsZero() {
		entry.Priority, entry.EnqueuedAt = priority, enqueued
	} else {
		switch j, err := c.GetJob(ctx, ij.JobID); {
		case err == nil:
			entry.Priority = j.Priority
		case !errors.Is(err, ErrNotFound):
			return Claim{}, ij, err
		}
	}
	return Claim{Queue: queue, InstanceID: ij.InstanceID, JobID: ij.JobID,
		ClaimedAt: ij.AssignedAt, Entry: entry}, ij, nil
}

// claimEnd says how a claim ends.
type claimEnd struct {
	op         string
	assignment AssignmentState // the assignment's new status
	job        JobState        // the job's new status
	requeue    bool            // put the entry back into the queue
	message    string
}

// endRounds bounds the attempts of ending one claim.
const endRounds = 8

// endClaim ends a running claim in one transaction: the assignment's
// status, the queue's counters, the entry put back if end.requeue, the
// job's status and its history entry. Parts whose item is gone (the queue
// or the job deleted) are left out and the transaction is sent again; so is
// the job's part (and the entry) when the job is no longer running, which
// keeps a status such as cancelled that someone set meanwhile.
func (c *Client) endClaim(ctx context.Context, cl Claim, end claimEnd) error {
	withQueue, withJob, requeue := true, true, end.requeue
	for round := 1; ; round++ {
		plan, err := c.endActions(cl, end, withQueue, withJob, requeue)
		if err != nil {
			return err
		}
		err = c.transact(ctx, end.op, Transaction{Actions: plan.actions})
		if err == nil {
			return nil
		}
		switch {
		case failedAt(err, 0):
			return &ItemError{Op: end.op, Type: TypeInstanceJob,
				Key: InstanceJobKey(cl.InstanceID, cl.JobID),
				Err: fmt.Errorf("no running claim at %s: %w", FormatTime(cl.ClaimedAt),
					ErrConditionFailed)}
		case plan.queueAt > 0 && failedAt(err, plan.queueAt):
			gone, gerr := c.missing(ctx, QueueKey(cl.Queue))
			if gerr != nil || !gone {
				return errors.Join(err, gerr)
			}
			withQueue = false
		case plan.entryAt > 0 && failedAt(err, plan.entryAt):
			requeue = false // the job was enqueued again meanwhile
		case plan.jobAt > 0 && failedAt(err, plan.jobAt):
			// The job is gone, or no longer running (cancelled meanwhile):
			// leave it as it is, and do not queue it again.
			withJob, requeue = false, false
		case plan.statusAt > 0 && failedAt(err, plan.statusAt):
			// Another status entry has this time: take the next one.
		default:
			return err
		}
		if round >= endRounds {
			return err
		}
	}
}

// endPlan holds the actions that end a claim and where each part is; 0
// means the part is left out (action 0 is always the assignment).
type endPlan struct {
	actions                           []TxAction
	queueAt, entryAt, jobAt, statusAt int
}

func (c *Client) endActions(cl Claim, end claimEnd, withQueue, withJob,
	requeue bool) (endPlan, error) {
	var plan endPlan
	// The assignment must still be this claim, running.
	plan.actions = []TxAction{UpdateAction(InstanceJobKey(cl.InstanceID, cl.JobID),
		Update{Set: Item{AttrStatus: s(string(end.assignment))}},
		Condition{
			AttrEquals(AttrStatus, s(string(AssignmentRunning))),
			AttrEquals(attrClaimQueue, s(cl.Queue)),
			AttrEquals(jaAssignedAt, s(FormatTime(cl.ClaimedAt))),
		})}

	if withQueue {
		add := Item{attrRunningJobs: ni(-1)}
		if requeue {
			add[AttrJobCount] = ni(1)
		}
		plan.queueAt = len(plan.actions)
		plan.actions = append(plan.actions, UpdateAction(QueueKey(cl.Queue), Update{Add: add},
			Condition{{Attr: attrRunningJobs, Op: OpGe, Value: ni(1)}}))
		if requeue {
			entry, err := cl.Entry.MarshalItem()
			if err != nil {
				return endPlan{}, err
			}
			plan.entryAt = len(plan.actions)
			plan.actions = append(plan.actions, PutAction(entry, IfNotExists))
		}
	}

	if withJob {
		st := JobStatus{JobID: cl.JobID, Status: end.job, UpdatedAt: c.eventTime(),
			Message: end.message, UpdatedBy: cl.InstanceID, InstanceID: cl.InstanceID}
		item, err := st.MarshalItem()
		if err != nil {
			return endPlan{}, err
		}
		plan.jobAt = len(plan.actions)
		plan.actions = append(plan.actions, setJobStatusAction(cl.JobID, end.job,
			Condition{AttrEquals(AttrStatus, s(string(JobRunning)))}))
		plan.statusAt = len(plan.actions)
		plan.actions = append(plan.actions, PutAction(item, IfNotExists))
	}
	return plan, nil
}

// missing reports whether no item with the key is stored.
func (c *Client) missing(ctx context.Context, k Key) (bool, error) {
	_, err := c.table.Get(ctx, k)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	return false, err
}
