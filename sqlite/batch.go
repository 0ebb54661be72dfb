package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"

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
// A BatchWrite holds the file's write lock while it writes, one to two
// seconds per 100,000 items of the OCR kind, during which other processes'
// writes wait.
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
		return w.writeAll(reqs, sizes)
	})
	if err != nil {
		return &rd.BatchError{Op: "batch write", Unprocessed: reqs,
			Err: fmt.Errorf("sqlite: batch write: %w", err)}
	}
	return nil
}

// checkWrites checks every request of a batch write and returns the size of
// each put item. Large batches are checked by several goroutines, as the
// check of an item costs about as much as writing it.
func checkWrites(reqs []rd.WriteRequest) ([]int, error) {
	sizes := make([]int, len(reqs))
	keys := make([]rd.Key, len(reqs))
	workers := min(runtime.GOMAXPROCS(0), 1+len(reqs)/minCheckPerWorker)
	per := (len(reqs) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for g := range workers {
		lo, hi := min(g*per, len(reqs)), min((g+1)*per, len(reqs))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				var err error
				if keys[i], sizes[i], err = checkWrite(i, reqs[i]); err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	wg.Wait()
	// The ranges are in order, so this is the error of the lowest index.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	seen := make(map[rd.Key]int, len(reqs))
	for i, k := range keys {
		if j, dup := seen[k]; dup {
			return nil, rd.Invalid(fmt.Sprintf("BatchWrite.reqs[%d]", i), "",
				fmt.Sprintf("must not repeat the key of reqs[%d]", j), k)
		}
		seen[k] = i
	}
	return sizes, nil
}

// minCheckPerWorker is the fewest requests worth a goroutine of checkWrites.
const minCheckPerWorker = 2048

// checkWrite checks request i of a batch write and returns its key and, for
// a put, the item's size.
func checkWrite(i int, r rd.WriteRequest) (rd.Key, int, error) {
	if (r.Put == nil) == (r.Delete == nil) {
		return rd.Key{}, 0, rd.Invalid(fmt.Sprintf("BatchWrite.reqs[%d]", i), "",
			"must set exactly one of Put and Delete", nil)
	}
	if r.Delete != nil {
		err := expr.ValidateKey(fmt.Sprintf("BatchWrite.reqs[%d].Delete", i), *r.Delete)
		return *r.Delete, 0, err
	}
	size, err := expr.ValidateItem(fmt.Sprintf("BatchWrite.reqs[%d].Put", i), r.Put)
	return expr.KeyOf(r.Put), size, err
}

// writeAll writes checked requests. For a large batch one goroutine encodes
// the rows while this one inserts them, in runs of rowRunLen.
func (w *wtx) writeAll(reqs []rd.WriteRequest, sizes []int) error {
	if len(reqs) <= rowRunLen {
		return w.writeRun(encodeRun(reqs, sizes, nil))
	}

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
			select {
			case runs <- encodeRun(reqs[lo:hi], sizes[lo:hi], spare):
			case <-stop:
				return
			}
		}
	})
	defer wg.Wait()
	defer close(stop)

	for run := range runs {
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

// rowRun is a run of encoded requests of a batch write. The blobs of the
// rows share one buffer.
type rowRun struct {
	rows  []row
	sizes []int
	del   []bool
	buf   []byte
}

// encodeRun encodes requests into run, or a new run if run is nil.
func encodeRun(reqs []rd.WriteRequest, sizes []int, run *rowRun) *rowRun {
	if run == nil {
		run = &rowRun{}
	}
	run.rows, run.del, run.buf = run.rows[:0], run.del[:0], run.buf[:0]
	run.sizes = sizes
	for _, r := range reqs {
		if r.Delete != nil {
			var rw row
			rw.keys[0], rw.keys[1] = r.Delete.PK, r.Delete.SK
			run.rows, run.del = append(run.rows, rw), append(run.del, true)
			continue
		}
		start := len(run.buf)
		rw := encodeRow(r.Put, run.buf[start:])
		run.buf = append(run.buf[:start], rw.blob...)
		rw.blob = run.buf[start:len(run.buf):len(run.buf)]
		run.rows, run.del = append(run.rows, rw), append(run.del, false)
	}
	return run
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
