package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Table is a [receiptdynamo.Table] stored in one SQLite database file. It is
// safe for concurrent use by several goroutines, and several processes may
// open the same file at once.
type Table struct {
	path string
	opts options
	log  *slog.Logger

	// writer holds one connection: the writes of this process take turns
	// in Go, and only other processes contend for SQLite's write lock.
	writer *sql.DB
	// reader holds several read-only connections; in WAL mode they read
	// while a write is under way.
	reader *sql.DB

	mu        sync.Mutex
	closed    bool
	readStmt  map[string]*sql.Stmt
	writeStmt map[string]*sql.Stmt
	// writesPrepared records that prepareWrites succeeded once.
	writesPrepared atomic.Bool

	// now is the clock of transaction tokens; tests replace it.
	now func() time.Time
	// testHookRun, when set by a test, runs after each run of rows that a
	// batch write wrote.
	testHookRun func()
}

var _ rd.Table = (*Table)(nil)

// Errors of files that hold something other than a table of this package.
var (
	// ErrForeignFile marks a file that is not a Receipt Dynamo table: a
	// SQLite database of another application, or not a SQLite database at
	// all. The engine refuses it and leaves it unchanged.
	ErrForeignFile = errors.New("not a Receipt Dynamo table")

	// ErrSchemaTooNew marks a table written by a newer version of this
	// package, whose schema this version does not know.
	ErrSchemaTooNew = errors.New("schema newer than this program")
)

// Option configures a [Table].
type Option func(*options)

type options struct {
	log      *slog.Logger
	lockWait time.Duration
	fullSync bool
	readers  int
}

// DefaultBusyTimeout is how long an operation waits for a lock held by
// another connection, unless [WithBusyTimeout] says otherwise.
const DefaultBusyTimeout = 10 * time.Second

// defaultReaders is the number of read connections of a table.
const defaultReaders = 4

// WithLogger makes the engine log to l: a warning when it retries a
// statement that found the file locked, and an informational record when it
// migrates the schema. Item contents are never logged. A nil l (the default)
// discards the records.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

// WithBusyTimeout sets how long an operation waits for another process's
// write lock (or another connection's recovery of the file) before it fails
// with an error matching ErrThrottled. The default is [DefaultBusyTimeout];
// zero or less means the default.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.lockWait = d }
}

// WithFullSync makes every commit durable against power loss
// (PRAGMA synchronous = FULL). By default commits are synchronised as WAL
// mode's NORMAL level does: a crash of the process or of the program loses
// nothing committed, and a power loss may undo the last commits but never
// leaves a transaction in part.
func WithFullSync() Option {
	return func(o *options) { o.fullSync = true }
}

// WithReaders sets how many read connections the table keeps, which bounds
// how many reads of this process run at once. The default is 4.
func WithReaders(n int) Option {
	return func(o *options) { o.readers = n }
}

func buildOptions(opts []Option) options {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if o.lockWait <= 0 {
		o.lockWait = DefaultBusyTimeout
	}
	if o.readers <= 0 {
		o.readers = defaultReaders
	}
	return o
}

// Open returns the table stored in the database file at path.
//
// Open never creates the file. If the file exists, Open checks that it is a
// table of this package (ErrForeignFile if not, ErrSchemaTooNew if a newer
// version wrote it) and brings its schema up to date. If the file does not
// exist, or holds a dropped table, Open succeeds all the same, and every
// operation but [Table.Create] fails with an error matching
// ErrTableNotFound until the table is created, by this handle or by another
// process.
func Open(ctx context.Context, path string, opts ...Option) (*Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if path == "" {
		return nil, fmt.Errorf("sqlite: open: %w",
			rd.Invalid("Open", "path", "must name a database file", nil))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	o := buildOptions(opts)
	t := &Table{
		path:      abs,
		opts:      o,
		log:       o.log,
		readStmt:  map[string]*sql.Stmt{},
		writeStmt: map[string]*sql.Stmt{},
		now:       time.Now,
	}

	// database/sql opens connections when they are first used, so a
	// missing file is no error yet.
	if t.writer, err = sql.Open(driverName, dsn(abs, "rw", o, true)); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	t.writer.SetMaxOpenConns(1)
	t.writer.SetMaxIdleConns(1)
	if t.reader, err = sql.Open(driverName, dsn(abs, "rw", o, false)); err != nil {
		t.writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	t.reader.SetMaxOpenConns(o.readers)
	t.reader.SetMaxIdleConns(o.readers)

	if err := t.upgrade(ctx); err != nil {
		t.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return t, nil
}

const driverName = "sqlite"

// Path returns the absolute path of the database file.
func (t *Table) Path() string { return t.path }

// Close closes the connections to the file. The table stays as it is.
// Close may be called more than once.
func (t *Table) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	var errs []error
	for _, m := range []map[string]*sql.Stmt{t.readStmt, t.writeStmt} {
		for q, s := range m {
			errs = append(errs, s.Close())
			delete(m, q)
		}
	}
	t.mu.Unlock()

	if t.reader != nil {
		errs = append(errs, t.reader.Close())
	}
	if t.writer != nil {
		errs = append(errs, t.writer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close %s: %w", t.path, err)
	}
	return nil
}

// errClosed marks a call on a closed table.
var errClosed = errors.New("table is closed")

// stmt returns the prepared statement of query on the reader or the writer
// pool, preparing it on first use. database/sql prepares it again on each
// connection that runs it, and SQLite again after a change of schema, so a
// statement stays valid for the life of the table.
//
// Preparing needs a connection of the pool: a caller must not hold one
// (be inside a transaction of that pool) when it calls stmt for a query not
// yet prepared. The lock is not held while preparing, so that a caller
// waiting for a connection blocks no one else.
func (t *Table) stmt(ctx context.Context, write bool, query string) (*sql.Stmt, error) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil, errClosed
	}
	cache, db := t.readStmt, t.reader
	if write {
		cache, db = t.writeStmt, t.writer
	}
	s, ok := cache[query]
	t.mu.Unlock()
	if ok {
		return s, nil
	}

	s, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		s.Close()
		return nil, errClosed
	}
	if prev, ok := cache[query]; ok {
		s.Close() // another goroutine prepared it meanwhile
		return prev, nil
	}
	cache[query] = s
	return s, nil
}

// cachedStmt returns the statement of query if it is prepared, or nil.
func (t *Table) cachedStmt(write bool, query string) *sql.Stmt {
	t.mu.Lock()
	defer t.mu.Unlock()
	if write {
		return t.writeStmt[query]
	}
	return t.readStmt[query]
}

// fileExists reports whether the database file exists.
func (t *Table) fileExists() (bool, error) {
	_, err := os.Stat(t.path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	}
	return false, err
}
