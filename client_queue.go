package receiptdynamo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file is the queue part of the client: queues, and the jobs waiting
// in them. Taking jobs out to run them (Claim) is in client_queue_claim.go.
//
// A queue's job_count is the number of its queue entries. Every change of
// the entries changes job_count in the same transaction, so the two never
// disagree.

// attrRunningJobs counts, on the queue item, the jobs claimed from the queue
// and not yet finished or released. It is an attribute the item format does
// not list: readers ignore it (the queue decoder reads only the attributes
// it knows), and a queue written by the older writer, which lacks it,
// counts as running none.
const attrRunningJobs = "running_jobs"

// CreateQueue stores a new queue with no jobs; a zero CreatedAt is set from
// the event clock. JobCount must be 0. It fails with an *ItemError matching
// ErrAlreadyExists when a queue with the name is stored.
func (c *Client) CreateQueue(ctx context.Context, q Queue) error {
	if q.CreatedAt.IsZero() {
		q.CreatedAt = c.eventTime()
	}
	if q.JobCount != 0 {
		return fmt.Errorf("create queue: %w", Invalid("Queue", AttrJobCount,
			"must be 0 for a new queue: Enqueue counts the jobs", q.JobCount))
	}
	item, err := q.MarshalItem()
	if err != nil {
		return fmt.Errorf("create queue: %w", err)
	}
	item[attrRunningJobs] = ni(0)
	err = c.table.Put(ctx, item, IfNotExists)
	if errors.Is(err, ErrConditionFailed) {
		err = &ItemError{Op: "add", Type: TypeQueue, Key: q.Key(), Err: ErrAlreadyExists}
	}
	if err != nil {
		return fmt.Errorf("create queue: %w", err)
	}
	return nil
}

// GetQueue returns the queue with the name, or an *ItemError matching
// ErrNotFound.
func (c *Client) GetQueue(ctx context.Context, name string) (Queue, error) {
	q, err := getEntity[Queue](ctx, c, QueueKey(name))
	if err != nil {
		return Queue{}, fmt.Errorf("get queue: %w", err)
	}
	return q, nil
}

// QueueLoad is how busy a queue is.
type QueueLoad struct {
	Waiting       int // queue entries (job_count)
	Running       int // jobs claimed and neither finished nor released
	MaxConcurrent int // max_concurrent_jobs
}

// GetQueueLoad returns the queue's counts as stored, read consistently from
// the queue item.
func (c *Client) GetQueueLoad(ctx context.Context, name string) (QueueLoad, error) {
	st, err := c.readQueue(ctx, name)
	if err != nil {
		return QueueLoad{}, fmt.Errorf("get queue load: %w", err)
	}
	return QueueLoad{Waiting: st.queue.JobCount, Running: st.running,
		MaxConcurrent: st.queue.MaxConcurrentJobs}, nil
}

// queueState is a queue item as read, with the running counter.
type queueState struct {
	queue      Queue
	running    int
	hasRunning bool // the item has the running counter
}

// readQueue reads the queue item, or fails with an *ItemError matching
// ErrNotFound.
func (c *Client) readQueue(ctx context.Context, name string) (queueState, error) {
	k := QueueKey(name)
	item, err := c.table.Get(ctx, k)
	if errors.Is(err, ErrNotFound) {
		return queueState{}, &ItemError{Op: "get", Type: TypeQueue, Key: k, Err: ErrNotFound}
	}
	if err != nil {
		return queueState{}, err
	}
	var st queueState
	if err := st.queue.UnmarshalItem(item); err != nil {
		return queueState{}, err
	}
	st.running, st.hasRunning, err = intAttr(item, attrRunningJobs)
	if err != nil {
		return queueState{}, err
	}
	return st, nil
}

// intAttr reads an integer N attribute of a raw item; ok is false when it
// is missing.
func intAttr(it Item, attr string) (v int, ok bool, err error) {
	av, ok := it[attr]
	if !ok {
		return 0, false, nil
	}
	nv, isN := av.(*types.AttributeValueMemberN)
	if isN {
		if v, err := strconv.Atoi(nv.Value); err == nil {
			return v, true, nil
		}
	}
	return 0, false, Invalid(stringAttr(it, AttrType), attr, "must be an integer",
		typeName(av))
}

// ListQueues returns one page of the queues, by name.
func (c *Client) ListQueues(ctx context.Context, opts ListOptions) (PageOf[Queue], error) {
	q := Query{Index: IndexGSI1, PK: queueIndexPK(), SK: queuesPrefix(), Type: TypeQueue}
	page, err := listPage[Queue](ctx, c, q, opts)
	if err != nil {
		return PageOf[Queue]{}, fmt.Errorf("list queues: %w", err)
	}
	return page, nil
}

// DeleteQueue deletes the queue and its entries. It fails with an
// *ItemError matching ErrNotFound when the queue is not stored.
//
// The queue item goes first, so that from then on no job can be enqueued
// or claimed; the entries follow in batches. If DeleteQueue fails after the
// first step, calling it again deletes the entries left (and reports the
// queue as not found). Jobs claimed from the queue stay claimed; finishing
// or releasing them works without the queue.
func (c *Client) DeleteQueue(ctx context.Context, name string) error {
	k := QueueKey(name)
	delErr := c.deleteExisting(ctx, TypeQueue, k)
	if delErr != nil && !errors.Is(delErr, ErrNotFound) {
		return fmt.Errorf("delete queue: %w", delErr)
	}
	if err := c.deletePartition(ctx, queueEntriesQuery(name), k); err != nil {
		return fmt.Errorf("delete queue %s: entries: %w", name, err)
	}
	if delErr != nil {
		return fmt.Errorf("delete queue: %w", delErr)
	}
	return nil
}

func queueEntriesQuery(name string) Query {
	return Query{PK: queuePK(name), SK: queueJobsPrefix(), Type: TypeQueueJob}
}

// claimable is the condition on a job item that lets it wait in a queue
// and be claimed: it is stored, and pending or interrupted.
func claimable() Condition {
	cond := Condition{{Attr: AttrPK, Op: OpExists}}
	for _, st := range []JobState{JobRunning, JobSucceeded, JobFailed, JobCancelled} {
		cond = append(cond, Check{Attr: AttrStatus, Op: OpNe, Value: s(string(st))})
	}
	return cond
}

// Enqueue adds a job to a queue and counts it in the queue's job_count, in
// one transaction, and returns the entry as stored. A zero EnqueuedAt is
// set from the event clock; an empty Priority takes the job's.
//
// The job must be stored and pending or interrupted, and the queue stored:
// otherwise Enqueue fails with an *ItemError matching ErrNotFound (job or
// queue missing) or ErrConditionFailed (job in another state). A job
// already in the queue is an *ItemError matching ErrAlreadyExists.
func (c *Client) Enqueue(ctx context.Context, qj QueueJob) (QueueJob, error) {
	if qj.EnqueuedAt.IsZero() {
		qj.EnqueuedAt = c.eventTime()
	}
	if qj.Priority == "" {
		j, err := c.GetJob(ctx, qj.JobID)
		if err != nil {
			return QueueJob{}, fmt.Errorf("enqueue: %w", err)
		}
		qj.Priority = j.Priority
	}
	item, err := qj.MarshalItem()
	if err != nil {
		return QueueJob{}, fmt.Errorf("enqueue: %w", err)
	}

	tx := Transaction{Actions: []TxAction{
		PutAction(item, IfNotExists),
		UpdateAction(QueueKey(qj.QueueName), Update{Add: Item{AttrJobCount: ni(1)}}, IfExists),
		CheckAction(JobKey(qj.JobID), claimable()),
	}}
	err = c.transact(ctx, "enqueue", tx)
	switch {
	case err == nil:
		qj.Priority, _ = ParsePriority(string(qj.Priority))
		return qj, nil
	case failedAt(err, 0):
		err = &ItemError{Op: "enqueue", Type: TypeQueueJob, Key: qj.Key(), Err: ErrAlreadyExists}
	case failedAt(err, 1):
		err = &ItemError{Op: "enqueue", Type: TypeQueue, Key: QueueKey(qj.QueueName),
			Err: ErrNotFound}
	case failedAt(err, 2):
		err = c.unclaimableJob(ctx, "enqueue", qj.JobID)
	}
	return QueueJob{}, fmt.Errorf("enqueue: %w", err)
}

// unclaimableJob explains why the job failed the claimable condition.
func (c *Client) unclaimableJob(ctx context.Context, op, jobID string) error {
	j, err := c.GetJob(ctx, jobID)
	if err != nil {
		return err
	}
	return &ItemError{Op: op, Type: TypeJob, Key: JobKey(jobID),
		Err: fmt.Errorf("job is %s, not pending or interrupted: %w", j.Status,
			ErrConditionFailed)}
}

// RemoveFromQueue removes a job from a queue and uncounts it, in one
// transaction. It fails with an *ItemError matching ErrNotFound when the
// job is not in the queue.
func (c *Client) RemoveFromQueue(ctx context.Context, queue, jobID string) error {
	k := QueueJobKey(queue, jobID)
	tx := Transaction{Actions: []TxAction{
		DeleteAction(k, IfExists),
		UpdateAction(QueueKey(queue), Update{Add: Item{AttrJobCount: ni(-1)}}, IfExists),
	}}
	err := c.transact(ctx, "remove from queue", tx)
	switch {
	case err == nil:
		return nil
	case failedAt(err, 0):
		err = &ItemError{Op: "remove", Type: TypeQueueJob, Key: k, Err: ErrNotFound}
	case failedAt(err, 1):
		err = &ItemError{Op: "remove", Type: TypeQueue, Key: QueueKey(queue), Err: ErrNotFound}
	}
	return fmt.Errorf("remove from queue: %w", err)
}

// queueOrder is the order in which a queue's jobs are claimed: higher
// priority first, then the longest waiting, then by job id.
func queueOrder(a, b QueueJob) int {
	if c := cmp.Compare(b.Priority.Rank(), a.Priority.Rank()); c != 0 {
		return c
	}
	if c := a.EnqueuedAt.Compare(b.EnqueuedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.JobID, b.JobID)
}

// queueEntries reads every entry of the queue, in claim order.
func (c *Client) queueEntries(ctx context.Context, queue string) ([]QueueJob, error) {
	entries, err := queryAll[QueueJob](ctx, c, queueEntriesQuery(queue))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(entries, queueOrder)
	return entries, nil
}

// ListQueueJobs returns one page of the jobs waiting in a queue, in the
// order Claim takes them: by priority, highest first, then by the time they
// were enqueued, oldest first. No index sorts entries so, and every page
// reads and sorts the whole queue: the cost grows with the queue's length.
//
// TODO(jobs): the item format has no key that sorts a queue's entries by
// priority and age; with one (say a GSI sort key PRIORITY#rank#enqueued_at)
// this list and Claim would read one page instead of the whole queue.
func (c *Client) ListQueueJobs(ctx context.Context, queue string,
	opts ListOptions) (PageOf[QueueJob], error) {
	if opts.Limit < 0 {
		return PageOf[QueueJob]{}, fmt.Errorf("list queue jobs: %w",
			Invalid("ListOptions", "Limit", "must not be negative", opts.Limit))
	}
	cur, err := decodeJobCursor("ListQueueJobs", opts.Cursor)
	if err != nil {
		return PageOf[QueueJob]{}, fmt.Errorf("list queue jobs: %w", err)
	}
	entries, err := c.queueEntries(ctx, queue)
	if err != nil {
		return PageOf[QueueJob]{}, fmt.Errorf("list jobs of queue %s: %w", queue, err)
	}

	start := 0
	if opts.Cursor != "" {
		after, err := cursorEntry(cur)
		if err != nil {
			return PageOf[QueueJob]{}, fmt.Errorf("list queue jobs: %w", err)
		}
		start, _ = slices.BinarySearchFunc(entries, after, queueOrder)
		if start < len(entries) && queueOrder(entries[start], after) == 0 {
			start++
		}
	}
	end := len(entries)
	if opts.Limit > 0 {
		end = min(end, start+opts.Limit)
	}
	page := PageOf[QueueJob]{Items: slices.Clone(entries[start:end])}
	if end < len(entries) {
		last := entries[end-1]
		page.Next = jobCursor{Rank: last.Priority.Rank(), SK: FormatTime(last.EnqueuedAt),
			PK: last.JobID}.encode()
	}
	return page, nil
}

// cursorEntry returns the position that a ListQueueJobs cursor records.
func cursorEntry(cur jobCursor) (QueueJob, error) {
	t, err := ParseTime(cur.SK)
	if err != nil || cur.Rank < 0 || cur.Rank >= len(Priorities) {
		return QueueJob{}, Invalid("ListQueueJobs", "Cursor",
			"must be a cursor returned by the same list", nil)
	}
	return QueueJob{Priority: Priorities[cur.Rank], EnqueuedAt: t, JobID: cur.PK}, nil
}

// ListJobQueues returns one page of the entries of a job in queues, by
// queue name. It reads an index, which DynamoDB updates a moment after a
// write; the index partition also holds instance assignments, which the
// list leaves out.
func (c *Client) ListJobQueues(ctx context.Context, jobID string,
	opts ListOptions) (PageOf[QueueJob], error) {
	q := Query{Index: IndexGSI1, PK: linkIndexPK(), SK: jobQueuesPrefix(jobID),
		Type: TypeQueueJob}
	page, err := listPage[QueueJob](ctx, c, q, opts)
	if err != nil {
		return PageOf[QueueJob]{}, fmt.Errorf("list queues of job %s: %w", jobID, err)
	}
	return page, nil
}
