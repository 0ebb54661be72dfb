package receiptdynamo

import (
	"context"
	"errors"
	"fmt"
)

// This file is the job part of the client: jobs and their status history.
// The other things stored under a job (resources, metrics, checkpoints,
// logs, dependencies) are in client_job_parts.go and client_job_dep.go.

// AddJob stores a new job. It fails with an *ItemError matching
// ErrAlreadyExists if a job with its id is stored, and with a
// *ValidationError when the job breaks a rule of the item format. The job's
// status is stored as given; RecordJobStatus changes it later and keeps the
// history.
func (c *Client) AddJob(ctx context.Context, j Job) error {
	if err := c.putNew(ctx, j); err != nil {
		return fmt.Errorf("add job: %w", err)
	}
	return nil
}

// GetJob returns the job with the id, or an *ItemError matching ErrNotFound.
func (c *Client) GetJob(ctx context.Context, id string) (Job, error) {
	j, err := getEntity[Job](ctx, c, Job{ID: id}.Key())
	if err != nil {
		return Job{}, fmt.Errorf("get job: %w", err)
	}
	return j, nil
}

// GetJobWithStatus returns the job and its whole status history, oldest
// first.
func (c *Client) GetJobWithStatus(ctx context.Context, id string) (Job, []JobStatus, error) {
	j, err := c.GetJob(ctx, id)
	if err != nil {
		return Job{}, nil, err
	}
	history, err := queryAll[JobStatus](ctx, c, jobStatusQuery(id))
	if err != nil {
		return Job{}, nil, fmt.Errorf("get job %s: status history: %w", id, err)
	}
	return j, history, nil
}

// jobStatusQuery selects the status entries of a job in time order.
func jobStatusQuery(id string) Query {
	return Query{PK: jobPK(id), SK: jobStatusPrefix(), Type: TypeJobStatus}
}

// UpdateJob replaces the stored job with j: name, description, creator,
// creation time, priority, configuration, estimated duration and tags. The
// status is not changed here, so that the status history stays complete:
// j.Status must be the stored status or empty (which keeps it), and
// RecordJobStatus changes it. Attributes that the client keeps on the job
// item for its own use (the best checkpoint, the dependency counter) are
// preserved.
//
// UpdateJob fails with an *ItemError matching ErrNotFound when the job is
// not stored, and with a *ValidationError matching ErrInvalid when j breaks a
// rule or asks for another status.
func (c *Client) UpdateJob(ctx context.Context, j Job) error {
	err := retryRounds(ctx, txAttempts, errJobChanged, func() error {
		return c.updateJobOnce(ctx, j)
	})
	if err != nil {
		return fmt.Errorf("update job: %w", err)
	}
	return nil
}

// errJobChanged says that the job item changed between the read and the
// write of an update; the update is tried again from a fresh read.
var errJobChanged = errors.New("job changed concurrently")

func (c *Client) updateJobOnce(ctx context.Context, j Job) error {
	// Read the stored item, for its status and the client's own attributes.
	stored, err := c.table.Get(ctx, j.Key())
	if errors.Is(err, ErrNotFound) {
		return &ItemError{Op: "update", Type: TypeJob, Key: j.Key(), Err: ErrNotFound}
	}
	if err != nil {
		return err
	}
	var old Job
	if err := old.UnmarshalItem(stored); err != nil {
		return err
	}
	if j.Status == "" {
		j.Status = old.Status
	} else if st, err := ParseJobState(string(j.Status)); err == nil && st != old.Status {
		return Invalid("Job", AttrStatus,
			"must be the stored status "+string(old.Status)+"; change it with RecordJobStatus",
			string(j.Status))
	}
	item, err := j.MarshalItem()
	if err != nil {
		return err
	}

	// Replace it if neither the status, the best checkpoint nor the
	// dependency counter changed since.
	cond := Condition{
		{Attr: AttrPK, Op: OpExists},
		AttrEquals(AttrStatus, stored[AttrStatus]),
	}
	for _, attr := range []string{attrBestCheckpoint, attrBestVersion, attrDependencyVersion} {
		if v, ok := stored[attr]; ok {
			item[attr] = v
		}
	}
	cond = append(cond, bestGuard(stored), counterGuard(attrDependencyVersion, stored))
	err = c.table.Put(ctx, item, cond)
	if errors.Is(err, ErrConditionFailed) {
		return errJobChanged
	}
	return err
}

// DeleteJob deletes the job and every item stored under it: its status
// history, resources, metrics, checkpoints, logs and the dependencies it
// has. It fails with an *ItemError matching ErrNotFound when the job is not
// stored.
//
// The items under the job go first, in batches, and the job item last, so
// that a DeleteJob that fails part-way leaves the job in place and can
// simply be called again. Items that refer to the job from elsewhere (the
// dependencies of other jobs on it, its places in queues and on
// instances) are left: CheckDependencies counts a dependency on a missing
// job as broken, and Claim drops queue entries of missing jobs.
//
// TODO(jobs): an item added under the job while DeleteJob runs (a metric
// recorded at that moment) can outlive the job.
func (c *Client) DeleteJob(ctx context.Context, id string) error {
	k := Job{ID: id}.Key()
	if _, err := c.table.Get(ctx, k); err != nil {
		if errors.Is(err, ErrNotFound) {
			err = &ItemError{Op: "delete", Type: TypeJob, Key: k, Err: ErrNotFound}
		}
		return fmt.Errorf("delete job: %w", err)
	}
	if err := c.deletePartition(ctx, Query{PK: k.PK}, k); err != nil {
		return fmt.Errorf("delete job %s: %w", id, err)
	}
	if err := c.deleteExisting(ctx, TypeJob, k); err != nil {
		return fmt.Errorf("delete job: %w", err)
	}
	return nil
}

// deletePartition deletes every item that q selects except the one with
// the key keep, in batches.
func (c *Client) deletePartition(ctx context.Context, q Query, keep Key) error {
	items, _, err := c.rawItems(ctx, q, 0, nil)
	if err != nil {
		return err
	}
	var reqs []WriteRequest
	for _, it := range items {
		k := Key{PK: stringAttr(it, AttrPK), SK: stringAttr(it, AttrSK)}
		if k != keep {
			reqs = append(reqs, WriteRequest{Delete: &k})
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	return c.table.BatchWrite(ctx, reqs)
}

// ListJobs returns one page of every job, newest first (by creation time,
// then by id). The list is merged from the index partitions of the six job
// states, so a page costs six queries; a Limit of 0 means 100. Jobs with a
// status outside the six are not listed.
func (c *Client) ListJobs(ctx context.Context, opts ListOptions) (PageOf[Job], error) {
	queries := make([]Query, len(JobStates))
	for i, st := range JobStates {
		queries[i] = jobsByStatusQuery(st)
	}
	page, err := mergeNewest[Job](ctx, c, "ListJobs", queries, AttrGSI1SK, opts,
		func(q Query, p indexPosition) Query {
			q.SK = jobCreatedUpTo(p.SK)
			return q
		})
	if err != nil {
		return PageOf[Job]{}, fmt.Errorf("list jobs: %w", err)
	}
	return page, nil
}

// jobsByStatusQuery selects the jobs in one state, oldest first. The index
// partition also holds status entries and instances, which the sort key
// prefix and the type leave out.
func jobsByStatusQuery(st JobState) Query {
	return Query{Index: IndexGSI1, PK: statusGSI1PK(st), SK: jobCreatedPrefix(),
		Type: TypeJob}
}

// ListJobsByStatus returns one page of the jobs in the state, newest first.
func (c *Client) ListJobsByStatus(ctx context.Context, status JobState,
	opts ListOptions) (PageOf[Job], error) {
	st, err := ParseJobState(string(status))
	if err != nil {
		return PageOf[Job]{}, fmt.Errorf("list jobs by status: %w", err)
	}
	q := jobsByStatusQuery(st)
	q.Reverse = true
	page, err := listPage[Job](ctx, c, q, opts)
	if err != nil {
		return PageOf[Job]{}, fmt.Errorf("list jobs by status %s: %w", st, err)
	}
	return page, nil
}

// ListJobsByUser returns one page of the jobs created by user, newest
// first.
func (c *Client) ListJobsByUser(ctx context.Context, user string,
	opts ListOptions) (PageOf[Job], error) {
	if user == "" {
		return PageOf[Job]{}, fmt.Errorf("list jobs by user: %w",
			Invalid("Job", "created_by", "must not be empty", nil))
	}
	q := Query{Index: IndexGSI2, PK: userGSI2PK(user), SK: jobCreatedPrefix(),
		Type: TypeJob, Reverse: true}
	page, err := listPage[Job](ctx, c, q, opts)
	if err != nil {
		return PageOf[Job]{}, fmt.Errorf("list jobs by user %q: %w", user, err)
	}
	return page, nil
}

// RecordJobStatus adds an entry to the job's status history and sets the
// job's status to it, in one transaction: the job moves to the index
// partition of its new status at the same time. A zero st.UpdatedAt is set
// from the client's event clock, after the job's latest entry: entries of
// one client never share a timestamp, and the new entry is the latest even
// when an earlier one came from a clock that runs ahead. The entry as
// stored is returned.
//
// It fails with an *ItemError matching ErrNotFound when the job is not
// stored, and with one matching ErrAlreadyExists when the job already has
// an entry with that timestamp.
func (c *Client) RecordJobStatus(ctx context.Context, st JobStatus) (JobStatus, error) {
	if st.UpdatedAt.IsZero() {
		// Follow the latest entry even if another writer's clock runs ahead,
		// so that the new entry is the latest.
		latest, err := c.LatestJobStatus(ctx, st.JobID)
		switch {
		case err == nil:
			c.events.Observe(latest.UpdatedAt)
		case !errors.Is(err, ErrNotFound):
			return JobStatus{}, fmt.Errorf("record job status: %w", err)
		}
		st.UpdatedAt = c.eventTime()
	}
	actions, err := jobStatusActions(st)
	if err != nil {
		return JobStatus{}, fmt.Errorf("record job status: %w", err)
	}
	err = c.transact(ctx, "record job status", Transaction{Actions: actions})
	if err != nil {
		return JobStatus{}, fmt.Errorf("record job status: %w",
			statusTxError(err, st, 0, 1))
	}
	st.Status, _ = ParseJobState(string(st.Status))
	return st, nil
}

// jobStatusActions returns the two actions that record st: the new status
// entry, and the job's status and index key.
func jobStatusActions(st JobStatus) ([]TxAction, error) {
	item, err := st.MarshalItem()
	if err != nil {
		return nil, err
	}
	status, _ := ParseJobState(string(st.Status)) // valid: MarshalItem checked it
	return []TxAction{
		PutAction(item, IfNotExists),
		setJobStatusAction(st.JobID, status, nil),
	}, nil
}

// setJobStatusAction returns the update of a job's status and of the GSI1
// key that follows it. The job must exist and pass extra.
func setJobStatusAction(jobID string, status JobState, extra Condition) TxAction {
	cond := append(Condition{{Attr: AttrPK, Op: OpExists}}, extra...)
	return UpdateAction(Job{ID: jobID}.Key(), Update{Set: Item{
		AttrStatus: s(string(status)),
		AttrGSI1PK: s(statusGSI1PK(status)),
	}}, cond)
}

// statusTxError turns the cancellation of a transaction holding the status
// entry st at action entryAt and the job's update at jobAt into an
// *ItemError; other errors are returned as they are.
func statusTxError(err error, st JobStatus, entryAt, jobAt int) error {
	switch {
	case failedAt(err, jobAt):
		return &ItemError{Op: "update", Type: TypeJob, Key: Job{ID: st.JobID}.Key(),
			Err: ErrNotFound}
	case failedAt(err, entryAt):
		return &ItemError{Op: "add", Type: TypeJobStatus, Key: st.Key(), Err: ErrAlreadyExists}
	}
	return err
}

// LatestJobStatus returns the job's most recent status entry with one query,
// or an *ItemError matching ErrNotFound when the job has none.
func (c *Client) LatestJobStatus(ctx context.Context, jobID string) (JobStatus, error) {
	q := jobStatusQuery(jobID)
	q.Reverse, q.Limit = true, 1
	page, err := queryPage[JobStatus](ctx, c, q)
	if err != nil {
		return JobStatus{}, fmt.Errorf("latest job status of %s: %w", jobID, err)
	}
	if len(page.Items) == 0 {
		return JobStatus{}, fmt.Errorf("latest job status: %w", &ItemError{Op: "get",
			Type: TypeJobStatus, Key: Key{PK: jobPK(jobID)}, Err: ErrNotFound})
	}
	return page.Items[0], nil
}

// ListJobStatuses returns one page of the job's status history, oldest
// first.
func (c *Client) ListJobStatuses(ctx context.Context, jobID string,
	opts ListOptions) (PageOf[JobStatus], error) {
	page, err := listPage[JobStatus](ctx, c, jobStatusQuery(jobID), opts)
	if err != nil {
		return PageOf[JobStatus]{}, fmt.Errorf("list job statuses of %s: %w", jobID, err)
	}
	return page, nil
}
