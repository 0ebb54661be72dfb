package receiptdynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// This file keeps the dependencies between jobs: a job (the dependent)
// waits for another (its dependency) to reach a state.

// maxDependencyWalk bounds the jobs that the cycle check of AddDependency
// visits, so that a damaged graph cannot keep it reading for ever.
const maxDependencyWalk = 10_000

// attrDependencyVersion counts, on a job's item, the dependencies added to
// the job: an attribute the item format does not list and the decoder
// ignores, kept by UpdateJob like the best-checkpoint guard.
const attrDependencyVersion = "dependency_version"

// dependencyRounds bounds the rounds of walk and write of one AddDependency
// whose graph keeps changing under it.
const dependencyRounds = 16

// AddDependency stores that d.DependentJobID waits for d.DependencyJobID; a
// zero CreatedAt is set from the event clock. Both jobs must be stored
// (else an *ItemError matching ErrNotFound). A job depending on itself, or
// a dependency that would close a cycle (the dependency already waits,
// directly or through other jobs, for the dependent), is refused with a
// *ValidationError matching ErrInvalid that names the cycle. It fails with
// an *ItemError matching ErrAlreadyExists when the dependency is stored.
//
// The cycle check walks the graph from the dependency, reading each job's
// dependency counter before its dependencies. The write is one transaction:
// the dependency, the dependent's counter raised by one, and a check that
// the counter of every job walked is unchanged. Two calls that would
// together close a cycle each walk through the other's dependent, so the
// second to commit is cancelled and walks again, and finds the cycle. A
// graph of more than 98 jobs reachable from the dependency does not fit in
// one transaction; the write is then not atomic with the check, and two
// such calls at the same moment can still close a cycle together.
func (c *Client) AddDependency(ctx context.Context, d JobDependency) error {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = c.eventTime()
	}
	if err := d.Validate(); err != nil {
		return fmt.Errorf("add dependency: %w", err)
	}
	item, err := d.MarshalItem()
	if err != nil {
		return fmt.Errorf("add dependency: %w", err)
	}
	err = retryRounds(ctx, dependencyRounds, errGraphChanged, func() error {
		return c.addDependencyOnce(ctx, d, item)
	})
	if err != nil {
		return fmt.Errorf("add dependency: %w", err)
	}
	return nil
}

// errGraphChanged says that a job walked by the cycle check gained a
// dependency before the write; the check is made again.
var errGraphChanged = errors.New("dependency graph changed concurrently")

func (c *Client) addDependencyOnce(ctx context.Context, d JobDependency, item Item) error {
	if err := c.requireJobs(ctx, d.DependentJobID, d.DependencyJobID); err != nil {
		return err
	}
	path, walked, err := c.dependencyPath(ctx, d.DependencyJobID, d.DependentJobID)
	if err != nil {
		return err
	}
	if path != nil {
		cycle := append([]string{d.DependentJobID}, path...)
		return Invalid("JobDependency", jaDependencyID,
			"would close the cycle "+strings.Join(cycle, " -> "), d.DependencyJobID)
	}
	raise := UpdateAction(JobKey(d.DependentJobID),
		Update{Add: Item{attrDependencyVersion: ni(1)}}, IfExists)
	if len(walked)+2 > txActionLimit {
		// TODO(jobs): check a walk past 98 jobs too, e.g. by guarding the
		// walked jobs in several transactions chained by a lock item.
		if err := c.putNew(ctx, d); err != nil {
			return err
		}
		_, err := c.table.Update(ctx, raise.Key, raise.Update, raise.Cond)
		return err
	}
	actions := []TxAction{PutAction(item, IfNotExists), raise}
	for _, w := range walked {
		actions = append(actions, CheckAction(JobKey(w.id), Condition{w.guard}))
	}
	err = c.transact(ctx, "add dependency", Transaction{Actions: actions})
	switch {
	case err == nil:
		return nil
	case failedAt(err, 0):
		return &ItemError{Op: "add", Type: TypeJobDependency, Key: d.Key(), Err: ErrAlreadyExists}
	case failedAt(err, 1):
		return &ItemError{Op: "add", Type: TypeJob, Key: JobKey(d.DependentJobID),
			Err: ErrNotFound}
	}
	for i := 2; i < len(actions); i++ {
		if failedAt(err, i) {
			return errGraphChanged
		}
	}
	return err
}

// requireJobs fails with an *ItemError matching ErrNotFound for the first
// of the jobs that is not stored.
func (c *Client) requireJobs(ctx context.Context, ids ...string) error {
	keys := make([]Key, len(ids))
	for i, id := range ids {
		keys[i] = JobKey(id)
	}
	items, err := c.table.BatchGet(ctx, keys)
	if err != nil {
		return err
	}
	for i, it := range items {
		if it == nil {
			return &ItemError{Op: "get", Type: TypeJob, Key: keys[i], Err: ErrNotFound}
		}
	}
	return nil
}

// walkedJob is a job whose dependencies the cycle check read, with the
// check that its dependency counter is still as it was before that read.
type walkedJob struct {
	id    string
	guard Check
}

// dependencyPath returns the jobs on a path of dependencies from job from
// to job to, both included, or nil when to cannot be reached, and the jobs
// it walked. It walks the graph breadth first, a level at a time: one
// batch read of the level's job items for their counters, then one query
// per job for its dependencies.
func (c *Client) dependencyPath(ctx context.Context, from, to string) ([]string, []walkedJob,
	error) {
	parent := map[string]string{strings.ToLower(from): ""}
	ids := map[string]string{strings.ToLower(from): from}
	var walked []walkedJob
	level := []string{from}
	for len(level) > 0 {
		if len(parent) > maxDependencyWalk {
			return nil, nil, fmt.Errorf("dependency graph from %s has more than %d jobs", from,
				maxDependencyWalk)
		}
		keys := make([]Key, len(level))
		for i, id := range level {
			keys[i] = JobKey(id)
		}
		items, err := c.table.BatchGet(ctx, keys)
		if err != nil {
			return nil, nil, err
		}
		var next []string
		for i, job := range level {
			// A job deleted since has no counter; the check then holds
			// while it stays deleted.
			walked = append(walked, walkedJob{id: job,
				guard: counterGuard(attrDependencyVersion, items[i])})
			deps, err := queryAll[JobDependency](ctx, c, dependenciesQuery(job))
			if err != nil {
				return nil, nil, err
			}
			for _, d := range deps {
				id := strings.ToLower(d.DependencyJobID)
				if _, seen := parent[id]; seen {
					continue
				}
				parent[id], ids[id] = strings.ToLower(job), d.DependencyJobID
				if strings.EqualFold(d.DependencyJobID, to) {
					return walkBack(parent, ids, id), walked, nil
				}
				next = append(next, d.DependencyJobID)
			}
		}
		level = next
	}
	return nil, walked, nil
}

// walkBack returns the path from the walk's start to the job end.
func walkBack(parent, ids map[string]string, end string) []string {
	var path []string
	for at := end; at != ""; at = parent[at] {
		path = append([]string{ids[at]}, path...)
	}
	return path
}

func dependenciesQuery(jobID string) Query {
	return Query{PK: jobPK(jobID), SK: jobDependenciesPrefix(), Type: TypeJobDependency}
}

// ListDependencies returns one page of the dependencies of a job: the jobs
// it waits for.
func (c *Client) ListDependencies(ctx context.Context, jobID string,
	opts ListOptions) (PageOf[JobDependency], error) {
	page, err := listPage[JobDependency](ctx, c, dependenciesQuery(jobID), opts)
	if err != nil {
		return PageOf[JobDependency]{}, fmt.Errorf("list dependencies of job %s: %w", jobID, err)
	}
	return page, nil
}

// ListDependents returns one page of the dependencies on a job: the jobs
// that wait for it. It reads an index, which DynamoDB updates a moment
// after a write.
func (c *Client) ListDependents(ctx context.Context, jobID string,
	opts ListOptions) (PageOf[JobDependency], error) {
	q := Query{Index: IndexGSI2, PK: dependencyIndexPK(), SK: dependentsOfPrefix(jobID),
		Type: TypeJobDependency}
	page, err := listPage[JobDependency](ctx, c, q, opts)
	if err != nil {
		return PageOf[JobDependency]{}, fmt.Errorf("list dependents of job %s: %w", jobID, err)
	}
	return page, nil
}

// DependencyReport says whether a job may start as far as its dependencies
// go.
type DependencyReport struct {
	// Met is true when every dependency is met (also when there are none).
	Met bool
	// Waiting lists the dependencies whose job has not finished yet.
	Waiting []JobDependency
	// Broken lists the dependencies that can no longer be met: their job
	// finished otherwise than required, or is no longer stored.
	Broken []JobDependency
}

// CheckDependencies tells whether the job's dependencies are met, by the
// rules of EvaluateDependency applied to the current state of each job
// depended on.
func (c *Client) CheckDependencies(ctx context.Context, jobID string) (DependencyReport,
	error) {
	deps, err := queryAll[JobDependency](ctx, c, dependenciesQuery(jobID))
	if err != nil {
		return DependencyReport{}, fmt.Errorf("check dependencies of job %s: %w", jobID, err)
	}
	rep := DependencyReport{Met: true}
	if len(deps) == 0 {
		return rep, nil
	}
	keys := make([]Key, len(deps))
	for i, d := range deps {
		keys[i] = JobKey(d.DependencyJobID)
	}
	items, err := c.table.BatchGet(ctx, keys)
	if err != nil {
		return DependencyReport{}, fmt.Errorf("check dependencies of job %s: %w", jobID, err)
	}
	for i, d := range deps {
		outcome := DependencyBroken
		if items[i] != nil {
			other, err := Decode[Job](items[i])
			if err != nil {
				return DependencyReport{}, fmt.Errorf("check dependencies of job %s: %w",
					jobID, err)
			}
			if outcome, err = d.Evaluate(other.Status); err != nil {
				return DependencyReport{}, fmt.Errorf("check dependencies of job %s: %w",
					jobID, err)
			}
		}
		switch outcome {
		case DependencyWaiting:
			rep.Waiting = append(rep.Waiting, d)
		case DependencyBroken:
			rep.Broken = append(rep.Broken, d)
		}
	}
	rep.Met = len(rep.Waiting) == 0 && len(rep.Broken) == 0
	return rep, nil
}
