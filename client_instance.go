package receiptdynamo

import (
	"context"
	"errors"
	"fmt"
)

// This file is the instance part of the client: the compute instances that
// run jobs, and the assignments of jobs to them.

// RegisterInstance stores a new instance. It fails with an *ItemError
// matching ErrAlreadyExists when an instance with its id is stored. A zero
// LaunchedAt is set from the client's clock.
func (c *Client) RegisterInstance(ctx context.Context, in Instance) error {
	if in.LaunchedAt.IsZero() {
		in.LaunchedAt = c.eventTime()
	}
	if err := c.putNew(ctx, in); err != nil {
		return fmt.Errorf("register instance: %w", err)
	}
	return nil
}

// GetInstance returns the instance with the id, or an *ItemError matching
// ErrNotFound.
func (c *Client) GetInstance(ctx context.Context, id string) (Instance, error) {
	in, err := getEntity[Instance](ctx, c, InstanceKey(id))
	if err != nil {
		return Instance{}, fmt.Errorf("get instance: %w", err)
	}
	return in, nil
}

// UpdateInstanceStatus sets the status and the health of an instance in
// one update, moving it to the index partition of its new status, and
// returns the instance as stored. An empty status or health keeps the
// stored one. It fails with an *ItemError matching ErrNotFound when the
// instance is not stored.
func (c *Client) UpdateInstanceStatus(ctx context.Context, id string, status InstanceState,
	health Health) (Instance, error) {
	set := Item{}
	if status != "" {
		st, err := ParseInstanceState(string(status))
		if err != nil {
			return Instance{}, fmt.Errorf("update instance status: %w", err)
		}
		set[AttrStatus] = s(string(st))
		set[AttrGSI1PK] = s(statusGSI1PK(st))
	}
	if health != "" {
		h, err := ParseHealth(string(health))
		if err != nil {
			return Instance{}, fmt.Errorf("update instance status: %w", err)
		}
		set[jaHealth] = s(string(h))
	}
	if len(set) == 0 {
		return c.GetInstance(ctx, id)
	}
	k := InstanceKey(id)
	item, err := c.table.Update(ctx, k, Update{Set: set}, IfExists)
	if errors.Is(err, ErrConditionFailed) {
		err = &ItemError{Op: "update", Type: TypeInstance, Key: k, Err: ErrNotFound}
	}
	if err != nil {
		return Instance{}, fmt.Errorf("update instance status: %w", err)
	}
	in, err := Decode[Instance](item)
	if err != nil {
		return Instance{}, fmt.Errorf("update instance status: %w", err)
	}
	return in, nil
}

// ListInstances returns one page of every instance, in no particular
// order.
func (c *Client) ListInstances(ctx context.Context, opts ListOptions) (PageOf[Instance],
	error) {
	q := Query{Index: IndexGSIType, PK: TypeInstance, Type: TypeInstance}
	page, err := listPage[Instance](ctx, c, q, opts)
	if err != nil {
		return PageOf[Instance]{}, fmt.Errorf("list instances: %w", err)
	}
	return page, nil
}

// ListInstancesByStatus returns one page of the instances in the state, by
// id. Jobs and job status entries share the index partition of a status;
// the list holds instances only.
func (c *Client) ListInstancesByStatus(ctx context.Context, status InstanceState,
	opts ListOptions) (PageOf[Instance], error) {
	st, err := ParseInstanceState(string(status))
	if err != nil {
		return PageOf[Instance]{}, fmt.Errorf("list instances by status: %w", err)
	}
	q := Query{Index: IndexGSI1, PK: statusGSI1PK(st), SK: instanceStatusPrefix(),
		Type: TypeInstance}
	page, err := listPage[Instance](ctx, c, q, opts)
	if err != nil {
		return PageOf[Instance]{}, fmt.Errorf("list instances in state %s: %w", st, err)
	}
	return page, nil
}

// AssignJob stores the assignment of a job to an instance; a zero
// AssignedAt is set from the event clock and an empty Status is
// "assigned". Both the instance and the job must be stored (else an
// *ItemError matching ErrNotFound), and the assignment must be new (else
// ErrAlreadyExists). Claim assigns the jobs it takes from a queue itself.
func (c *Client) AssignJob(ctx context.Context, ij InstanceJob) (InstanceJob, error) {
	if ij.AssignedAt.IsZero() {
		ij.AssignedAt = c.eventTime()
	}
	if ij.Status == "" {
		ij.Status = AssignmentAssigned
	}
	if err := ij.Validate(); err != nil {
		return InstanceJob{}, fmt.Errorf("assign job: %w", err)
	}
	if err := c.requireInstanceAndJob(ctx, ij.InstanceID, ij.JobID); err != nil {
		return InstanceJob{}, fmt.Errorf("assign job: %w", err)
	}
	if err := c.putNew(ctx, ij); err != nil {
		return InstanceJob{}, fmt.Errorf("assign job: %w", err)
	}
	ij.Status, _ = ParseAssignmentState(string(ij.Status))
	return ij, nil
}

// requireInstanceAndJob fails with an *ItemError matching ErrNotFound when
// the instance or the job is not stored.
func (c *Client) requireInstanceAndJob(ctx context.Context, instanceID, jobID string) error {
	keys := []Key{InstanceKey(instanceID), JobKey(jobID)}
	items, err := c.table.BatchGet(ctx, keys)
	if err != nil {
		return err
	}
	for i, typ := range []string{TypeInstance, TypeJob} {
		if items[i] == nil {
			return &ItemError{Op: "get", Type: typ, Key: keys[i], Err: ErrNotFound}
		}
	}
	return nil
}

// GetInstanceJob returns the assignment of a job to an instance, or an
// *ItemError matching ErrNotFound.
func (c *Client) GetInstanceJob(ctx context.Context, instanceID, jobID string) (InstanceJob,
	error) {
	ij, err := getEntity[InstanceJob](ctx, c, InstanceJobKey(instanceID, jobID))
	if err != nil {
		return InstanceJob{}, fmt.Errorf("get instance job: %w", err)
	}
	return ij, nil
}

// ListInstanceJobs returns one page of the jobs assigned to an instance, by
// job id.
func (c *Client) ListInstanceJobs(ctx context.Context, instanceID string,
	opts ListOptions) (PageOf[InstanceJob], error) {
	q := Query{PK: instancePK(instanceID), SK: instanceJobsPrefix(), Type: TypeInstanceJob}
	page, err := listPage[InstanceJob](ctx, c, q, opts)
	if err != nil {
		return PageOf[InstanceJob]{}, fmt.Errorf("list jobs of instance %s: %w", instanceID,
			err)
	}
	return page, nil
}

// ListJobInstances returns one page of the assignments of a job to
// instances, by instance id. It reads an index, which DynamoDB updates a
// moment after a write; the index partition also holds queue entries,
// which the list leaves out.
func (c *Client) ListJobInstances(ctx context.Context, jobID string,
	opts ListOptions) (PageOf[InstanceJob], error) {
	q := Query{Index: IndexGSI1, PK: linkIndexPK(), SK: jobInstancesPrefix(jobID),
		Type: TypeInstanceJob}
	page, err := listPage[InstanceJob](ctx, c, q, opts)
	if err != nil {
		return PageOf[InstanceJob]{}, fmt.Errorf("list instances of job %s: %w", jobID, err)
	}
	return page, nil
}
