package receiptdynamo

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// This file is the part of the client that records what happens to a job:
// its resources, metrics, checkpoints and logs.

// TimeRange selects events from From to To, both inclusive. A zero From or
// To leaves that end open.
type TimeRange struct {
	From, To time.Time
}

// bounds returns the range with open ends replaced by the first and last
// instants that a stored timestamp can name.
func (r TimeRange) bounds() (from, to time.Time) {
	from, to = r.From, r.To
	if from.IsZero() {
		from = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	}
	return from, to
}

// check refuses a range that ends before it starts.
func (r TimeRange) check(op string) error {
	if !r.From.IsZero() && !r.To.IsZero() && r.To.Before(r.From) {
		return Invalid(op, "TimeRange", "To must not be before From",
			FormatTime(r.From)+" > "+FormatTime(r.To))
	}
	return nil
}

// Resources.

// AddJobResource stores a new resource of a job. It fails with an
// *ItemError matching ErrAlreadyExists when the job already has a resource
// with that id.
func (c *Client) AddJobResource(ctx context.Context, r JobResource) error {
	if r.AllocatedAt.IsZero() {
		r.AllocatedAt = c.eventTime()
	}
	if err := c.putNew(ctx, r); err != nil {
		return fmt.Errorf("add job resource: %w", err)
	}
	return nil
}

// GetJobResource returns a resource of a job, or an *ItemError matching
// ErrNotFound.
func (c *Client) GetJobResource(ctx context.Context, jobID, resourceID string) (JobResource,
	error) {
	r, err := getEntity[JobResource](ctx, c, JobResourceKey(jobID, resourceID))
	if err != nil {
		return JobResource{}, fmt.Errorf("get job resource: %w", err)
	}
	return r, nil
}

// ListJobResources returns one page of the resources of a job, by resource
// id.
func (c *Client) ListJobResources(ctx context.Context, jobID string,
	opts ListOptions) (PageOf[JobResource], error) {
	q := Query{PK: jobPK(jobID), SK: jobResourcesPrefix(), Type: TypeJobResource}
	page, err := listPage[JobResource](ctx, c, q, opts)
	if err != nil {
		return PageOf[JobResource]{}, fmt.Errorf("list resources of job %s: %w", jobID, err)
	}
	return page, nil
}

// ListResourcesByType returns one page of the resources of every job that
// are of the type, by resource id. No index is keyed by resource type: the
// list reads the index partition of all resources and keeps those of the
// type, so its cost grows with all resources, not with the page.
//
// TODO(jobs): an index keyed by resource type would need a change of the
// item format (GSI2 of JOB_RESOURCE is free).
func (c *Client) ListResourcesByType(ctx context.Context, typ ResourceType,
	opts ListOptions) (PageOf[JobResource], error) {
	want, err := ParseResourceType(string(typ))
	if err != nil {
		return PageOf[JobResource]{}, fmt.Errorf("list resources by type: %w", err)
	}
	q := Query{Index: IndexGSI1, PK: resourceIndexPK(), Type: TypeJobResource}
	page, err := filteredPage[JobResource](ctx, c, "ListResourcesByType", q, opts,
		func(r *JobResource) bool { return r.ResourceType == want })
	if err != nil {
		return PageOf[JobResource]{}, fmt.Errorf("list resources of type %s: %w", want, err)
	}
	return page, nil
}

// FindResource returns the resource with the id, whatever job holds it, or
// an *ItemError matching ErrNotFound. It reads an index, which DynamoDB
// updates a moment after a write.
func (c *Client) FindResource(ctx context.Context, resourceID string) (JobResource, error) {
	q := Query{Index: IndexGSI1, PK: resourceIndexPK(), SK: resourceIndexSK(resourceID),
		Type: TypeJobResource, Limit: 1}
	page, err := queryPage[JobResource](ctx, c, q)
	if err != nil {
		return JobResource{}, fmt.Errorf("find resource %s: %w", resourceID, err)
	}
	if len(page.Items) == 0 {
		return JobResource{}, fmt.Errorf("find resource: %w", &ItemError{Op: "find",
			Type: TypeJobResource, Key: Key{PK: q.PK, SK: q.SK.Value}, Err: ErrNotFound})
	}
	return page.Items[0], nil
}

// ReleaseJobResource marks a resource released at the time at (the event
// clock's time when zero), setting status and released_at in one update,
// and returns the resource as stored. It fails with an *ItemError matching
// ErrNotFound when the resource is not stored and with one matching
// ErrConditionFailed when it was already released.
func (c *Client) ReleaseJobResource(ctx context.Context, jobID, resourceID string,
	at time.Time) (JobResource, error) {
	if at.IsZero() {
		at = c.eventTime()
	}
	k := JobResourceKey(jobID, resourceID)
	upd := Update{Set: Item{
		AttrStatus:   s(string(ResourceReleased)),
		jaReleasedAt: s(FormatTime(at)),
	}}
	cond := Condition{
		{Attr: AttrPK, Op: OpExists},
		{Attr: AttrStatus, Op: OpNe, Value: s(string(ResourceReleased))},
	}
	item, err := c.table.Update(ctx, k, upd, cond)
	if errors.Is(err, ErrConditionFailed) {
		reason := ErrConditionFailed
		if _, gerr := c.table.Get(ctx, k); errors.Is(gerr, ErrNotFound) {
			reason = ErrNotFound
		}
		err = &ItemError{Op: "release", Type: TypeJobResource, Key: k, Err: reason}
	}
	if err != nil {
		return JobResource{}, fmt.Errorf("release job resource: %w", err)
	}
	var r JobResource
	if err := r.UnmarshalItem(item); err != nil {
		return JobResource{}, fmt.Errorf("release job resource: %w", err)
	}
	return r, nil
}

// Metrics.

// RecordMetric stores one measurement and returns it as stored; a zero
// Timestamp is set from the event clock. Measurements are events: like
// RecordMetrics, RecordMetric replaces a measurement of the same job,
// metric and time instead of refusing it.
func (c *Client) RecordMetric(ctx context.Context, m JobMetric) (JobMetric, error) {
	ms, err := c.RecordMetrics(ctx, []JobMetric{m})
	if err != nil {
		return JobMetric{}, err
	}
	return ms[0], nil
}

// RecordMetrics stores many measurements in batches and returns them as
// stored, zero timestamps set from the event clock. Every measurement is
// checked before anything is written, so a *ValidationError (naming the
// index of the bad one) leaves the table as it was; two measurements with
// one key are refused the same way. A *BatchError reports what was written
// when the engine's retries ran out.
func (c *Client) RecordMetrics(ctx context.Context, ms []JobMetric) ([]JobMetric, error) {
	entities := make([]Entity, len(ms))
	for i, m := range ms {
		if m.Timestamp.IsZero() {
			m.Timestamp = c.eventTime()
		}
		entities[i] = m
	}
	items, err := c.writeEvents(ctx, "JobMetric", entities)
	if err != nil {
		return nil, fmt.Errorf("record metrics: %w", err)
	}
	out, err := decodeAll[JobMetric](items)
	if err != nil {
		return nil, fmt.Errorf("record metrics: %w", err)
	}
	return out, nil
}

// writeEvents validates every entity, then writes them all in batches,
// unconditionally, and returns their items.
func (c *Client) writeEvents(ctx context.Context, typ string, es []Entity) ([]Item, error) {
	items := make([]Item, len(es))
	reqs := make([]WriteRequest, len(es))
	seen := make(map[Key]int, len(es))
	for i, e := range es {
		item, err := e.MarshalItem()
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", typ, i, err)
		}
		k := e.Key()
		if j, dup := seen[k]; dup {
			return nil, Invalid(typ, fmt.Sprintf("[%d]", i),
				fmt.Sprintf("must not have the key of [%d]", j), k.String())
		}
		seen[k] = i
		items[i], reqs[i] = item, WriteRequest{Put: item}
	}
	if len(reqs) == 0 {
		return items, nil
	}
	return items, c.table.BatchWrite(ctx, reqs)
}

// ListJobMetrics returns one page of a job's measurements of one metric
// within the time range, oldest first. With name "" it lists every metric
// of the job, by name and then time; a time range then needs a name, since
// the job's measurements are sorted by name first.
func (c *Client) ListJobMetrics(ctx context.Context, jobID, name string, r TimeRange,
	opts ListOptions) (PageOf[JobMetric], error) {
	if err := r.check("ListJobMetrics"); err != nil {
		return PageOf[JobMetric]{}, fmt.Errorf("list job metrics: %w", err)
	}
	from, to := r.bounds()
	q := Query{PK: jobPK(jobID), SK: jobMetricBetween(name, from, to), Type: TypeJobMetric}
	what := fmt.Sprintf("metric %q", name)
	if name == "" {
		if r != (TimeRange{}) {
			return PageOf[JobMetric]{}, fmt.Errorf("list job metrics: %w",
				Invalid("ListJobMetrics", "name", "is needed with a time range", nil))
		}
		q.SK, what = jobMetricsPrefix(), "metrics"
	}
	page, err := listPage[JobMetric](ctx, c, q, opts)
	if err != nil {
		return PageOf[JobMetric]{}, fmt.Errorf("list %s of job %s: %w", what, jobID, err)
	}
	return page, nil
}

// ListMetric returns one page of the measurements of one metric across all
// jobs within the time range, oldest first. It reads an index, which
// DynamoDB updates a moment after a write.
func (c *Client) ListMetric(ctx context.Context, name string, r TimeRange,
	opts ListOptions) (PageOf[JobMetric], error) {
	if err := r.check("ListMetric"); err != nil {
		return PageOf[JobMetric]{}, fmt.Errorf("list metric: %w", err)
	}
	from, to := r.bounds()
	q := Query{Index: IndexGSI1, PK: metricIndexPK(name), SK: metricTimeBetween(from, to),
		Type: TypeJobMetric}
	page, err := listPage[JobMetric](ctx, c, q, opts)
	if err != nil {
		return PageOf[JobMetric]{}, fmt.Errorf("list metric %q: %w", name, err)
	}
	return page, nil
}

// Logs.

// RecordJobLog stores one log entry and returns it as stored; a zero
// Timestamp is set from the event clock. Like RecordJobLogs, it replaces an
// entry of the same job and time.
func (c *Client) RecordJobLog(ctx context.Context, l JobLog) (JobLog, error) {
	ls, err := c.RecordJobLogs(ctx, []JobLog{l})
	if err != nil {
		return JobLog{}, err
	}
	return ls[0], nil
}

// RecordJobLogs stores many log entries in batches, with the rules of
// RecordMetrics: all are checked before any is written, zero timestamps come
// from the event clock, and entries replace those of the same job and time.
func (c *Client) RecordJobLogs(ctx context.Context, ls []JobLog) ([]JobLog, error) {
	entities := make([]Entity, len(ls))
	for i, l := range ls {
		if l.Timestamp.IsZero() {
			l.Timestamp = c.eventTime()
		}
		entities[i] = l
	}
	items, err := c.writeEvents(ctx, "JobLog", entities)
	if err != nil {
		return nil, fmt.Errorf("record job logs: %w", err)
	}
	out, err := decodeAll[JobLog](items)
	if err != nil {
		return nil, fmt.Errorf("record job logs: %w", err)
	}
	return out, nil
}

// ListJobLogs returns one page of a job's log entries within the time range
// and at least as severe as minLevel ("" for every level), oldest first.
func (c *Client) ListJobLogs(ctx context.Context, jobID string, r TimeRange,
	minLevel LogLevel, opts ListOptions) (PageOf[JobLog], error) {
	if err := r.check("ListJobLogs"); err != nil {
		return PageOf[JobLog]{}, fmt.Errorf("list job logs: %w", err)
	}
	min := 0
	if minLevel != "" {
		lv, err := ParseLogLevel(string(minLevel))
		if err != nil {
			return PageOf[JobLog]{}, fmt.Errorf("list job logs: %w", err)
		}
		min = logRank(lv)
	}
	from, to := r.bounds()
	q := Query{PK: jobPK(jobID), SK: jobLogsBetween(from, to), Type: TypeJobLog}
	page, err := filteredPage[JobLog](ctx, c, "ListJobLogs", q, opts,
		func(l *JobLog) bool { return logRank(l.Level) >= min })
	if err != nil {
		return PageOf[JobLog]{}, fmt.Errorf("list logs of job %s: %w", jobID, err)
	}
	return page, nil
}

// logRank returns the severity of a level: 0 for DEBUG up to 4 for
// CRITICAL.
func logRank(l LogLevel) int {
	for i, m := range LogLevels {
		if m == l {
			return i
		}
	}
	return -1
}
