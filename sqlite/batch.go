package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// maxBatchGet is DynamoDB's limit of keys in one BatchGetItem; the engine
// reads each chunk of that many keys in one read transaction.
const maxBatchGet = 100

// BatchWrite performs the puts and deletes, each unconditionally, all or
// none, in one SQLite transaction. The 25-request and 16 MB limits of
// DynamoDB's BatchWriteItem concern its wire protocol, whose chunks this
// engine does not need: any number of requests is accepted, and the limits
// of each item are enforced.
//
// Before anything is written, every request must set exactly one of Put and
// Delete, with a valid key, and no two requests may have one key; otherwise
// BatchWrite fails with ErrInvalid. The items are checked against the rest
// of DynamoDB's rules before the write of a batch of up to 512 requests, and
// during the write of a larger one, by a goroutine that checks and encodes
// the items while another writes them: an invalid item fails with
// ErrInvalid and rolls the whole batch back.
//
// A BatchWrite holds the file's write lock while it writes, one to two
// seconds per 100,000 items of the OCR kind, during which other processes'
// writes wait. When the write fails for another reason (ctx ends, the file
// stays locked, the disk is full), nothing is written and the error is a
// *receiptdynamo.BatchError with Done 0 and every request in Unprocessed.
func (t *Table) BatchWrite(ctx context.Context, reqs []rd.WriteRequest) error {
	if err := checkBatchKeys(reqs); err != nil {
		return fmt.Errorf("sqlite: batch write: %w", err)
	}
	if len(reqs) == 0 {
		return nil
	}
	// A small batch is checked and encoded before the lock is taken.
	var small *rowRun
	if len(reqs) <= rowRunLen {
		var err error
		if small, err = encodeRun(reqs, 0, nil); err != nil {
			return fmt.Errorf("sqlite: batch write: %w", err)
		}
	}
	err := t.write(ctx, "batch write", func(w *wtx) error {
		if small != nil {
			return w.writeRun(small)
		}
		return w.writeAll(reqs)
	})
	if err == nil {
		return nil
	}
	if errors.Is(err, rd.ErrInvalid) {
		return fmt.Errorf("sqlite: batch write: %w", err)
	}
	// Bad input is reported as such, also when the write failed before
	// reaching it.
	if ctx.Err() == nil {
		if verr := checkItems(reqs); verr != nil {
			return fmt.Errorf("sqlite: batch write: %w", verr)
		}
	}
	return &rd.BatchError{Op: "batch write", Unprocessed: reqs,
		Err: fmt.Errorf("sqlite: batch write: %w", err)}
}

// checkBatchKeys checks the form and the keys of the requests of a batch
// write, and that no two requests have one key.
func checkBatchKeys(reqs []rd.WriteRequest) error {
	seen := make(map[rd.Key]int, len(reqs))
	for i, r := range reqs {
		key, err := requestKey(r, "")
		if err != nil {
			// Checked again to name the request, which only a failure needs.
			_, err = requestKey(r, reqName(i))
			return err
		}
		if j, dup := seen[key]; dup {
			return rd.Invalid(reqName(i), "",
				fmt.Sprintf("must not repeat the key of reqs[%d]", j), key)
		}
		seen[key] = i
	}
	return nil
}

// reqName names request i of a batch write in errors.
func reqName(i int) string { return fmt.Sprintf("BatchWrite.reqs[%d]", i) }

// requestKey returns the key of a request of a batch write, checked; op
// names the request in the error.
func requestKey(r rd.WriteRequest, op string) (rd.Key, error) {
	switch {
	case (r.Put == nil) == (r.Delete == nil):
		return rd.Key{}, rd.Invalid(op, "", "must set exactly one of Put and Delete", nil)
	case r.Delete != nil:
		return *r.Delete, expr.ValidateKey(op+".Delete", *r.Delete)
	}
	return itemKey(op+".Put", r.Put)
}

// checkPut checks the item of put request i and returns its size.
func checkPut(i int, item rd.Item) (int, error) {
	size, err := expr.ValidateItem("", item)
	if err != nil {
		// Checked again to name the request, which only a failure needs.
		_, err = expr.ValidateItem(reqName(i)+".Put", item)
	}
	return size, err
}

// itemKey returns the key of an item to be written, checked.
func itemKey(op string, item rd.Item) (rd.Key, error) {
	for _, attr := range []string{rd.AttrPK, rd.AttrSK} {
		if _, ok := item[attr].(*types.AttributeValueMemberS); !ok {
			return rd.Key{}, rd.Invalid(op, attr, "must be a string (S)", typeName(item[attr]))
		}
	}
	key := expr.KeyOf(item)
	return key, expr.ValidateKey(op, key)
}

// typeName names the type of an attribute value, for messages.
func typeName(v types.AttributeValue) string {
	if v == nil {
		return "missing"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*types.AttributeValueMember")
}

// checkItems checks every put item of a batch write.
func checkItems(reqs []rd.WriteRequest) error {
	for i, r := range reqs {
		if r.Put != nil {
			if _, err := checkPut(i, r.Put); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeAll checks the items of requests whose keys are checked, and writes
// them: one goroutine checks and encodes the rows while this one inserts
// them, in runs of rowRunLen.
func (w *wtx) writeAll(reqs []rd.WriteRequest) error {
	runs := make(chan *rowRun, 2)
	free := make(chan *rowRun, 4)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(runs)
		for lo := 0; lo < len(reqs); lo += rowRunLen {
			var spare *rowRun
			select {
			case spare = <-free:
			default:
			}
			hi := min(lo+rowRunLen, len(reqs))
			run, err := encodeRun(reqs[lo:hi], lo, spare)
			if err != nil {
				run = &rowRun{err: err}
			}
			select {
			case runs <- run:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	})
	defer wg.Wait()
	defer close(stop)

	for run := range runs {
		if run.err != nil {
			return run.err
		}
		if err := w.writeRun(run); err != nil {
			return err
		}
		select {
		case free <- run:
		default:
		}
	}
	return nil
}

// rowRunLen is the number of rows encoded and written as one run.
const rowRunLen = 512

// rowRun is a run of checked and encoded requests of a batch write. The
// blobs of the rows share one buffer.
type rowRun struct {
	rows  []row
	sizes []int
	del   []bool
	buf   []byte
	err   error // the first invalid item, instead of rows
}

// encodeRun checks the items of requests reqs, the first of which is
// request number first of the batch, and encodes them into run, or a new
// run if run is nil.
func encodeRun(reqs []rd.WriteRequest, first int, run *rowRun) (*rowRun, error) {
	if run == nil {
		run = &rowRun{}
	}
	run.rows, run.sizes, run.del, run.buf = run.rows[:0], run.sizes[:0], run.del[:0], run.buf[:0]
	for i, r := range reqs {
		if r.Delete != nil {
			var rw row
			rw.keys[0], rw.keys[1] = r.Delete.PK, r.Delete.SK
			run.rows, run.del = append(run.rows, rw), append(run.del, true)
			run.sizes = append(run.sizes, 0)
			continue
		}
		size, err := checkPut(first+i, r.Put)
		if err != nil {
			return nil, err
		}
		start := len(run.buf)
		rw := encodeRow(r.Put, run.buf[start:])
		run.buf = append(run.buf[:start], rw.blob...)
		rw.blob = run.buf[start:len(run.buf):len(run.buf)]
		run.rows, run.del = append(run.rows, rw), append(run.del, false)
		run.sizes = append(run.sizes, size)
	}
	return run, nil
}

// writeRun inserts or deletes the rows of a run.
func (w *wtx) writeRun(run *rowRun) error {
	upsert, err := w.stmt(sqlUpsert)
	if err != nil {
		return err
	}
	del, err := w.stmt(sqlDelete)
	if err != nil {
		return err
	}
	var args [numKeyColumns + 2]any
	for i := range run.rows {
		r := &run.rows[i]
		if run.del[i] {
			_, err = del.ExecContext(w.ctx, r.keys[0], r.keys[1])
		} else {
			copy(args[:], r.keys[:])
			args[numKeyColumns], args[numKeyColumns+1] = run.sizes[i], r.blob
			_, err = upsert.ExecContext(w.ctx, args[:]...)
		}
		if err != nil {
			return err
		}
	}
	if w.t.testHookRun != nil {
		w.t.testHookRun()
	}
	return nil
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
