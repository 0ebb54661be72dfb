package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// resultCode returns the primary SQLite result code of a driver error, or
// 0 if err does not come from SQLite.
func resultCode(err error) int {
	var e *sqlitedrv.Error
	if errors.As(err, &e) {
		return e.Code() & 0xff
	}
	return 0
}

// isBusy reports whether err says that another connection holds a lock
// the statement needed.
func isBusy(err error) bool {
	c := resultCode(err)
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// classify turns an error of the driver into one of this module's classes
// where one applies: the context's error once ctx is done, ErrThrottled for
// a lock held past the busy timeout, ErrTableNotFound for a missing file or
// table, ErrForeignFile for a file that is not a database. Errors of other
// origins pass unchanged.
//
// classify may inspect the file through the reader pool: the caller must
// hold no connection of it.
func (t *Table) classify(ctx context.Context, err error) error {
	if err == nil || classified(err) {
		return err
	}
	// Once ctx is done, database/sql closes the transaction and its
	// statements under the running call, whose error then says only that.
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var drvErr *sqlitedrv.Error
	if !errors.As(err, &drvErr) {
		return err
	}
	switch drvErr.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("%s stayed locked by another connection for %v: %w (%w)",
			t.path, t.opts.lockWait, rd.ErrThrottled, err)
	case sqlite3.SQLITE_CANTOPEN:
		if exists, statErr := t.fileExists(); statErr == nil && !exists {
			return fmt.Errorf("%s does not exist: %w", t.path, rd.ErrTableNotFound)
		}
	case sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("%s: %w: %w", t.path, ErrForeignFile, err)
	case sqlite3.SQLITE_ERROR:
		// "no such table" after a drop by this or another process.
		st, version, inspectErr := t.inspectFile(ctx)
		if inspectErr == nil && st != stateTable {
			return stateError(t.path, st, version)
		}
	}
	return err
}

// classified reports whether err already belongs to one of the classes
// callers branch on.
func classified(err error) bool {
	for _, target := range []error{rd.ErrInvalid, rd.ErrNotFound, rd.ErrConditionFailed,
		rd.ErrTransactionCanceled, rd.ErrTableNotFound, rd.ErrTableExists, rd.ErrThrottled,
		ErrForeignFile, ErrSchemaTooNew, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// inspectFile reads the state of the file through the reader pool.
func (t *Table) inspectFile(ctx context.Context) (fileState, int, error) {
	exists, err := t.fileExists()
	if err != nil {
		return 0, 0, err
	}
	if !exists {
		return stateEmpty, 0, nil
	}
	st, version, err := inspect(ctx, t.reader)
	if resultCode(err) == sqlite3.SQLITE_NOTADB {
		return stateOther, 0, nil
	}
	return st, version, err
}

// retry runs fn, and runs it again while it fails because another
// connection holds a lock, with capped exponential backoff and jitter, until
// the busy timeout has passed since the first attempt or ctx ends. SQLite's
// busy handler already waits inside most statements; retry covers the cases
// where SQLite returns SQLITE_BUSY without waiting (a reader meeting a
// recovery of the write-ahead log, a lock taken while a connection opens).
// fn must leave nothing half-done when it fails.
func (t *Table) retry(ctx context.Context, op string, fn func() error) error {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !isBusy(err) || ctx.Err() != nil {
			return err
		}
		if time.Since(start) >= t.opts.lockWait {
			return err
		}

		d := backoff(attempt)
		t.log.LogAttrs(ctx, slog.LevelWarn, "sqlite: database locked, retrying",
			slog.String("op", op), slog.String("path", t.path),
			slog.Int("attempt", attempt), slog.Duration("delay", d))
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// backoff returns the delay before retry number attempt: exponential from
// 2 ms, capped at 250 ms, with full jitter.
func backoff(attempt int) time.Duration {
	const base, limit = 2 * time.Millisecond, 250 * time.Millisecond
	d := limit
	if attempt < 8 {
		d = min(limit, base<<attempt)
	}
	return d/2 + rand.N(d/2+1)
}

// inTx runs fn in one write transaction of the writer connection, begun
// with BEGIN IMMEDIATE so that it holds the file's write lock from the
// start, and commits it; it rolls back when fn fails. The whole is retried
// while the lock is held elsewhere (see retry). The error is not
// classified.
func (t *Table) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return t.retry(ctx, op, func() error {
		tx, err := t.writer.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			_ = tx.Rollback() // the error of fn says more
			return err
		}
		return tx.Commit()
	})
}

// inReadTx runs fn in one read transaction of a reader connection: every
// statement of fn sees the file as of one point in time.
func (t *Table) inReadTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return t.retry(ctx, op, func() error {
		tx, err := t.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return err
		}
		defer tx.Rollback() // a read transaction has nothing to commit
		return fn(tx)
	})
}
