package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// maxBatchGet is DynamoDB's limit of keys in one BatchGetItem; the engine
// reads each chunk of that many keys in one read transaction.
const maxBatchGet = 100

// BatchWrite performs the puts and deletes, each unconditionally, all or
// none: every request is checked first (an invalid one, or two requests for
// one key, fail with ErrInvalid), then all are written in one SQLite
// transaction. The 25-request and 16 MB limits of DynamoDB's BatchWriteItem
// concern its wire protocol, whose chunks this engine does not need: any
// number of requests is accepted, and their per-item limits are enforced.
//
// When the write fails (ctx ends, the file stays locked, the disk is full),
// nothing is written and the error is a *receiptdynamo.BatchError with
// Done 0 and every request in Unprocessed.
func (t *Table) BatchWrite(ctx context.Context, reqs []rd.WriteRequest) error {
	sizes, err := checkWrites(reqs)
	if err != nil {
		return fmt.Errorf("sqlite: batch write: %w", err)
	}
	if len(reqs) == 0 {
		return nil
	}
	err = t.write(ctx, "batch write", func(w *wtx) error {
		for i, r := range reqs {
			var err error
			if r.Put != nil {
				err = w.put(r.Put, sizes[i])
			} else {
				err = w.delete(*r.Delete)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return &rd.BatchError{Op: "batch write", Unprocessed: reqs,
			Err: fmt.Errorf("sqlite: batch write: %w", err)}
	}
	return nil
}

// checkWrites checks every request of a batch write and returns the size of
// each put item.
func checkWrites(reqs []rd.WriteRequest) ([]int, error) {
	sizes := make([]int, len(reqs))
	seen := make(map[rd.Key]int, len(reqs))
	for i, r := range reqs {
		op := fmt.Sprintf("BatchWrite.reqs[%d]", i)
		var key rd.Key
		switch {
		case (r.Put == nil) == (r.Delete == nil):
			return nil, rd.Invalid(op, "", "must set exactly one of Put and Delete", nil)
		case r.Put != nil:
			size, err := expr.ValidateItem(op+".Put", r.Put)
			if err != nil {
				return nil, err
			}
			key, sizes[i] = expr.KeyOf(r.Put), size
		default:
			if err := expr.ValidateKey(op+".Delete", *r.Delete); err != nil {
				return nil, err
			}
			key = *r.Delete
		}
		if j, dup := seen[key]; dup {
			return nil, rd.Invalid(op, "", fmt.Sprintf("must not repeat the key of reqs[%d]", j),
				key)
		}
		seen[key] = i
	}
	return sizes, nil
}

// BatchGet returns the items with the keys, in the order of keys, with nil
// where no item is stored. Keys are read in chunks of 100, each chunk in one
// read transaction; as in DynamoDB, two chunks may see different states of
// the table. Duplicate or invalid keys fail with ErrInvalid. When a read
// fails, no item is returned and the error is a *receiptdynamo.BatchError
// listing every key.
func (t *Table) BatchGet(ctx context.Context, keys []rd.Key) ([]rd.Item, error) {
	if err := checkKeys("BatchGet", keys); err != nil {
		return nil, fmt.Errorf("sqlite: batch get: %w", err)
	}
	items := make([]rd.Item, len(keys))
	for lo := 0; lo < len(keys); lo += maxBatchGet {
		hi := min(lo+maxBatchGet, len(keys))
		if err := t.getAll(ctx, "batch get", keys[lo:hi], items[lo:hi]); err != nil {
			// No item is returned, so none counts as read.
			return nil, &rd.BatchError{Op: "batch get", UnprocessedKeys: keys,
				Err: fmt.Errorf("sqlite: batch get: %w", err)}
		}
	}
	return items, nil
}

// checkKeys refuses invalid and repeated keys.
func checkKeys(op string, keys []rd.Key) error {
	seen := make(map[rd.Key]int, len(keys))
	for i, k := range keys {
		field := fmt.Sprintf("%s.keys[%d]", op, i)
		if err := expr.ValidateKey(field, k); err != nil {
			return err
		}
		if j, dup := seen[k]; dup {
			return rd.Invalid(field, "", fmt.Sprintf("must not repeat keys[%d]", j), k)
		}
		seen[k] = i
	}
	return nil
}

// getAll reads the items with the keys into items, in one read
// transaction, and classifies the error.
func (t *Table) getAll(ctx context.Context, op string, keys []rd.Key, items []rd.Item) error {
	s, err := t.stmt(ctx, false, sqlGet)
	if err != nil {
		return t.classify(ctx, err)
	}
	err = t.inReadTx(ctx, op, func(tx *sql.Tx) error {
		ts := tx.StmtContext(ctx, s)
		for i, k := range keys {
			item, err := loadItem(ctx, ts, k)
			if err != nil {
				return err
			}
			items[i] = item
		}
		return nil
	})
	return t.classify(ctx, err)
}
