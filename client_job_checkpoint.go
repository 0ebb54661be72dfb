package receiptdynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file keeps a job's checkpoints and the invariant that at most one of
// them is the best — exactly one, once any has been marked.
//
// Switching the best checkpoint touches two items (the old best and the new
// one), and a transaction over exactly those two is not enough: two callers
// marking different checkpoints at once could each clear the best they saw
// and set their own, leaving two bests. So every change of the best also
// writes a guard on the job item: best_version, a counter that each change
// adds one to under the condition that it still holds the value read
// before, and best_checkpoint, the sort key of the new best. The job item is
// read first, then the checkpoints; the condition on the counter means that
// no change of the best committed in between, so the checkpoints read are
// exactly the bests to clear. Of two racing changes, one finds the counter
// moved and starts again from a fresh read, in which it sees the other's
// best. The guard is a counter, not the best's key, because a key can come
// back (best X, then Y, then X again) while a change is between its reads,
// and a condition on it would then hold on a state the change never read.
//
// Both attributes are ones the item format does not list. Readers ignore
// them (the job decoder reads only the attributes it knows), UpdateJob keeps
// them, and jobs written by the older writer, which lack them, work: the
// counter is then required to be absent.

// The guard attributes on the job item.
const (
	attrBestCheckpoint = "best_checkpoint"
	attrBestVersion    = "best_version"
)

// bestRounds bounds the rounds of read and conditional write of a change of
// the best checkpoint. Each round lost is lost to a change that committed,
// but one caller among many contending ones can lose many in a row: eight
// at once on a slow server lost twelve.
const bestRounds = 24

// AddCheckpoint stores a new checkpoint of a job and returns it as stored; a
// zero Timestamp is set from the event clock. A checkpoint with IsBest
// becomes the job's only best one in the same transaction (see
// MarkBestCheckpoint). It fails with an *ItemError matching
// ErrAlreadyExists when the job has a checkpoint with that timestamp, and,
// for a best checkpoint, with one matching ErrNotFound when the job is not
// stored.
func (c *Client) AddCheckpoint(ctx context.Context, cp JobCheckpoint) (JobCheckpoint, error) {
	if cp.Timestamp.IsZero() {
		cp.Timestamp = c.eventTime()
	}
	if !cp.IsBest {
		if err := c.putNew(ctx, cp); err != nil {
			return JobCheckpoint{}, fmt.Errorf("add checkpoint: %w", err)
		}
		return cp, nil
	}
	item, err := cp.MarshalItem()
	if err != nil {
		return JobCheckpoint{}, fmt.Errorf("add checkpoint: %w", err)
	}
	if err := c.switchBest(ctx, cp.JobID, cp.Key(), item); err != nil {
		return JobCheckpoint{}, fmt.Errorf("add checkpoint: %w", err)
	}
	return cp, nil
}

// ListCheckpoints returns one page of a job's checkpoints, newest first.
func (c *Client) ListCheckpoints(ctx context.Context, jobID string,
	opts ListOptions) (PageOf[JobCheckpoint], error) {
	q := checkpointsQuery(jobID)
	q.Reverse = true
	page, err := listPage[JobCheckpoint](ctx, c, q, opts)
	if err != nil {
		return PageOf[JobCheckpoint]{}, fmt.Errorf("list checkpoints of job %s: %w", jobID, err)
	}
	return page, nil
}

func checkpointsQuery(jobID string) Query {
	return Query{PK: jobPK(jobID), SK: jobCheckpointsPrefix(), Type: TypeJobCheckpoint}
}

// MarkBestCheckpoint makes cp (a checkpoint as read, identified by its job
// and timestamp) the job's best checkpoint and every other one not best, in
// one transaction. Concurrent calls for the same job leave exactly one
// best: the last to commit. It fails with an *ItemError matching
// ErrNotFound when the job or the checkpoint is not stored.
func (c *Client) MarkBestCheckpoint(ctx context.Context, cp JobCheckpoint) error {
	if err := c.switchBest(ctx, cp.JobID, cp.Key(), nil); err != nil {
		return fmt.Errorf("mark best checkpoint: %w", err)
	}
	return nil
}

// switchBest makes the checkpoint with the key target the job's only best
// one. add is the item of a new checkpoint to store, or nil to mark a
// stored one.
func (c *Client) switchBest(ctx context.Context, jobID string, target Key, add Item) error {
	for round := 1; ; round++ {
		actions, err := c.bestActions(ctx, jobID, target, add)
		if err != nil {
			return err
		}
		err = c.transact(ctx, "switch best checkpoint", Transaction{Actions: actions})
		switch {
		case err == nil:
			return nil
		case failedAt(err, 1) && add != nil:
			return &ItemError{Op: "add", Type: TypeJobCheckpoint, Key: target,
				Err: ErrAlreadyExists}
		case failedAt(err, 1):
			return &ItemError{Op: "mark best", Type: TypeJobCheckpoint, Key: target,
				Err: ErrNotFound}
		case !errors.Is(err, ErrTransactionCanceled) || round >= bestRounds:
			return err
		}
		// The guard changed (another change of the best committed first), or
		// a best checkpoint read was deleted: read again.
		if err := txBackoff(ctx, round); err != nil {
			return err
		}
	}
}

// bestActions reads the job's guard and its best checkpoints and returns
// the transaction that makes target the only best one: the guard's update
// first, then target's, then one clearing each other best.
func (c *Client) bestActions(ctx context.Context, jobID string, target Key,
	add Item) ([]TxAction, error) {
	jk := JobKey(jobID)
	job, err := c.table.Get(ctx, jk)
	if errors.Is(err, ErrNotFound) {
		return nil, &ItemError{Op: "get", Type: TypeJob, Key: jk, Err: ErrNotFound}
	}
	if err != nil {
		return nil, err
	}
	guard := append(Condition{{Attr: AttrPK, Op: OpExists}}, bestGuard(job))
	bests, _, err := c.rawItems(ctx, checkpointsQuery(jobID), 0, isBest)
	if err != nil {
		return nil, err
	}

	actions := []TxAction{UpdateAction(jk, Update{
		Set: Item{attrBestCheckpoint: s(target.SK)},
		Add: Item{attrBestVersion: ni(1)},
	}, guard)}
	if add != nil {
		actions = append(actions, PutAction(add, IfNotExists))
	} else {
		actions = append(actions, UpdateAction(target, Update{Set: Item{AttrIsBest: b(true)}},
			IfExists))
	}
	for _, it := range bests {
		k := Key{PK: stringAttr(it, AttrPK), SK: stringAttr(it, AttrSK)}
		if k == target {
			continue
		}
		if len(actions) == txActionLimit {
			return nil, fmt.Errorf("job %s has more than %d best checkpoints", jobID,
				txActionLimit-2)
		}
		actions = append(actions, UpdateAction(k, Update{Set: Item{AttrIsBest: b(false)}},
			IfExists))
	}
	return actions, nil
}

// bestGuard returns the check that the job item's best-checkpoint counter
// is still as in job, the item as read.
func bestGuard(job Item) Check { return counterGuard(attrBestVersion, job) }

// counterGuard returns the check that the counter attr of an item is still
// as in it, the item as read (nil for an item not stored).
func counterGuard(attr string, it Item) Check {
	if v, ok := it[attr]; ok {
		return AttrEquals(attr, v)
	}
	return Check{Attr: attr, Op: OpNotExists}
}

// txActionLimit is DynamoDB's limit of actions in one transaction.
const txActionLimit = 100

// isBest reports whether a checkpoint item is marked best.
func isBest(it Item) bool {
	v, ok := it[AttrIsBest].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

// BestCheckpoint returns the job's best checkpoint, or an *ItemError
// matching ErrNotFound when none is marked best. It reads the job's guard
// and that checkpoint, and looks through all checkpoints only for jobs
// whose best was marked by the older writer.
func (c *Client) BestCheckpoint(ctx context.Context, jobID string) (JobCheckpoint, error) {
	jk := JobKey(jobID)
	job, err := c.table.Get(ctx, jk)
	if errors.Is(err, ErrNotFound) {
		err = &ItemError{Op: "get", Type: TypeJob, Key: jk, Err: ErrNotFound}
	}
	if err != nil {
		return JobCheckpoint{}, fmt.Errorf("best checkpoint: %w", err)
	}
	if sk := stringAttr(job, attrBestCheckpoint); sk != "" {
		it, err := c.table.Get(ctx, Key{PK: jk.PK, SK: sk})
		if err != nil && !errors.Is(err, ErrNotFound) {
			return JobCheckpoint{}, fmt.Errorf("best checkpoint: %w", err)
		}
		if err == nil && isBest(it) {
			return decodeCheckpoint(it)
		}
	}
	bests, _, err := c.rawItems(ctx, checkpointsQuery(jobID), 0, isBest)
	if err != nil {
		return JobCheckpoint{}, fmt.Errorf("best checkpoint: %w", err)
	}
	if len(bests) == 0 {
		return JobCheckpoint{}, fmt.Errorf("best checkpoint: %w", &ItemError{Op: "get",
			Type: TypeJobCheckpoint, Key: Key{PK: jk.PK}, Err: ErrNotFound})
	}
	return decodeCheckpoint(bests[len(bests)-1])
}

func decodeCheckpoint(it Item) (JobCheckpoint, error) {
	cp, err := Decode[JobCheckpoint](it)
	if err != nil {
		return JobCheckpoint{}, fmt.Errorf("best checkpoint: %w", err)
	}
	return cp, nil
}
