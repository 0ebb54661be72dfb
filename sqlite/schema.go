package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// applicationID marks a database file as a Receipt Dynamo table ("RDDB"),
// in the header field SQLite reserves for that (PRAGMA application_id).
const applicationID = 0x52444442

// migrations build the schema step by step; the file's PRAGMA user_version
// counts the steps applied. A file is brought to the last step when it is
// opened. Append new steps; never change a released one.
var migrations = []string{
	// 1: the items, with the key attributes of the table and of each index
	// as columns, and the whole item encoded. Each index is partial, as
	// DynamoDB's are sparse: an item lacking either key attribute of an
	// index is not in it. The primary key ends every index so that items
	// with equal index keys have a stable order that a cursor can resume.
	// TEXT columns compare with BINARY collation, which is UTF-8 byte
	// order, DynamoDB's order of string keys.
	`CREATE TABLE items (
		pk     TEXT NOT NULL,
		sk     TEXT NOT NULL,
		gsi1pk TEXT,
		gsi1sk TEXT,
		gsi2pk TEXT,
		gsi2sk TEXT,
		gsi3pk TEXT,
		gsi3sk TEXT,
		type   TEXT,
		size   INTEGER NOT NULL,
		item   BLOB NOT NULL,
		PRIMARY KEY (pk, sk)
	) WITHOUT ROWID;
	CREATE INDEX items_gsi1 ON items (gsi1pk, gsi1sk, pk, sk)
		WHERE gsi1pk IS NOT NULL AND gsi1sk IS NOT NULL;
	CREATE INDEX items_gsi2 ON items (gsi2pk, gsi2sk, pk, sk)
		WHERE gsi2pk IS NOT NULL AND gsi2sk IS NOT NULL;
	CREATE INDEX items_gsi3 ON items (gsi3pk, gsi3sk, pk, sk)
		WHERE gsi3pk IS NOT NULL AND gsi3sk IS NOT NULL;
	CREATE INDEX items_gsitype ON items (type, pk, sk) WHERE type IS NOT NULL;`,

	// 2: the tokens of recent transactions, which make a retried
	// transaction idempotent for ten minutes as DynamoDB's
	// ClientRequestToken does.
	`CREATE TABLE tx_tokens (
		token TEXT PRIMARY KEY,
		hash  BLOB NOT NULL,
		at    INTEGER NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX tx_tokens_at ON tx_tokens (at);`,
}

// schemaVersion is the version of a file with every migration applied.
var schemaVersion = len(migrations)

// dsn returns the driver's data source name for the file. mode "rw" opens
// an existing file only, "rwc" creates it. Every connection waits up to the
// busy timeout for a lock held by another connection. Writers sync as WAL
// mode's NORMAL level does (FULL with WithFullSync) and begin their
// transactions with BEGIN IMMEDIATE, so that a read-modify-write never has
// to upgrade its lock and fail; readers cannot write.
func dsn(path, mode string, o options, writer bool) string {
	u := url.URL{Scheme: "file", Path: path, OmitHost: true}
	q := url.Values{}
	q.Set("mode", mode)
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(o.lockWait.Milliseconds(), 10)+")")
	if writer {
		sync := "NORMAL"
		if o.fullSync {
			sync = "FULL"
		}
		q.Add("_pragma", "synchronous("+sync+")")
		q.Add("_pragma", "cache_size(-"+strconv.Itoa(writerCacheKiB)+")")
		q.Add("_pragma", "journal_size_limit("+strconv.Itoa(walSizeLimit)+")")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// writerCacheKiB is the page cache of the writing connection. The default of
// 2 MB makes a bulk load re-read index pages it just wrote.
const writerCacheKiB = 32 * 1024

// walSizeLimit is the size in bytes to which a checkpoint truncates the
// write-ahead log: a large batch grows the log to the size of its data, and
// SQLite would otherwise keep the file that large.
const walSizeLimit = 64 << 20

// fileState is what a database file holds.
type fileState int

const (
	stateEmpty  fileState = iota // no table: a new file, or a dropped table
	stateTable                   // a table of this or an older schema version
	stateTooNew                  // a table of a newer version of this package
	stateOther                   // another application's database
)

// inspect reads the file's identity and schema version, in one statement
// so that they come from one snapshot.
func inspect(ctx context.Context, q querier) (fileState, int, error) {
	var appID, version, tables int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &version, &tables)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case appID == 0 && tables == 0:
		return stateEmpty, 0, nil
	case appID != applicationID:
		return stateOther, version, nil
	case version > schemaVersion:
		return stateTooNew, version, nil
	}
	return stateTable, version, nil
}

// querier is what inspect needs of a *sql.DB, *sql.Conn or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// execer runs statements, in or out of a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// migrate applies the migrations after step from, in the caller's write
// transaction, and records the new version.
func migrate(ctx context.Context, tx execer, from int) error {
	for v := from; v < schemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf(
		"PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, schemaVersion))
	if err != nil {
		return fmt.Errorf("migrate schema: record version %d: %w", schemaVersion, err)
	}
	return nil
}

// stateError explains a file that holds no usable table.
func stateError(path string, st fileState, version int) error {
	switch st {
	case stateEmpty:
		return fmt.Errorf("%s holds no table: %w", path, rd.ErrTableNotFound)
	case stateTooNew:
		return fmt.Errorf("%s has schema version %d, this program knows up to %d; "+
			"upgrade the program: %w", path, version, schemaVersion, ErrSchemaTooNew)
	case stateOther:
		return fmt.Errorf("%s is a SQLite database of another application: %w",
			path, ErrForeignFile)
	}
	return nil
}

// upgrade checks the file that Open found and migrates an older schema.
func (t *Table) upgrade(ctx context.Context) error {
	st, version, err := t.inspectFile(ctx)
	if err != nil {
		return t.classify(ctx, err)
	}
	switch st {
	case stateEmpty:
		return nil // a missing file or a dropped table: Create makes it
	case stateOther, stateTooNew:
		return stateError(t.path, st, version)
	}
	if version == schemaVersion {
		return nil
	}

	if err := t.setWAL(ctx, t.writer); err != nil {
		return t.classify(ctx, err)
	}
	err = t.inTx(ctx, "migrate", func(tx *sql.Tx) error {
		// Another process may have migrated the file meanwhile.
		st, version, err = inspect(ctx, tx)
		if err != nil || st != stateTable || version == schemaVersion {
			return err
		}
		return migrate(ctx, tx, version)
	})
	if err != nil {
		return t.classify(ctx, err)
	}
	if st != stateTable {
		return stateError(t.path, st, version)
	}
	t.log.LogAttrs(ctx, slog.LevelInfo, "sqlite: migrated schema",
		slog.String("path", t.path), slog.Int("from", version), slog.Int("to", schemaVersion))
	return nil
}

// setWAL puts the file in WAL mode, which lets readers read while a writer
// writes. The mode is stored in the file; it cannot change inside a
// transaction.
func (t *Table) setWAL(ctx context.Context, db querier) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("set WAL mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("set WAL mode: the file stays in %s mode", mode)
	}
	return nil
}

// Create creates the table, and the database file if it does not exist, in
// WAL mode with the current schema. It fails with ErrTableExists if the
// file holds a table, and with ErrForeignFile if it holds another
// application's database.
func (t *Table) Create(ctx context.Context) error {
	if err := t.create(ctx); err != nil {
		return fmt.Errorf("sqlite: create %s: %w", t.path, err)
	}
	return nil
}

func (t *Table) create(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// The pools open the file only if it exists; this one-off connection
	// may create it.
	db, err := sql.Open(driverName, dsn(t.path, "rwc", t.opts, true))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	// Refuse what is not ours before changing the journal mode.
	st, version, err := inspect(ctx, db)
	if resultCode(err) == sqlite3.SQLITE_CANTOPEN {
		return fmt.Errorf("cannot create %s (does its directory exist?): %w", t.path, err)
	}
	if err != nil {
		return t.classify(ctx, err)
	}
	if err := existsError(t.path, st, version); err != nil {
		return err
	}
	if err := t.setWAL(ctx, db); err != nil {
		return t.classify(ctx, err)
	}

	err = t.retry(ctx, "create", func() error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback() // after Commit, a no-op
		// Another process may have created the table meanwhile.
		st, version, err := inspect(ctx, tx)
		if err != nil {
			return err
		}
		if err := existsError(t.path, st, version); err != nil {
			return err
		}
		if err := migrate(ctx, tx, 0); err != nil {
			return err
		}
		return tx.Commit()
	})
	return t.classify(ctx, err)
}

// existsError explains why Create cannot create a table in a file of state
// st, or returns nil if it can.
func existsError(path string, st fileState, version int) error {
	switch st {
	case stateEmpty:
		return nil
	case stateOther:
		return stateError(path, st, version)
	}
	return fmt.Errorf("%s holds a table of schema version %d: %w", path, version,
		rd.ErrTableExists)
}

// Describe reports the table: its name is the path of the file, its status
// ACTIVE, its indexes those of item-format.md, and ItemCount the exact
// number of items.
func (t *Table) Describe(ctx context.Context) (rd.TableInfo, error) {
	if err := ctx.Err(); err != nil {
		return rd.TableInfo{}, fmt.Errorf("sqlite: describe %s: %w", t.path, err)
	}
	info := rd.TableInfo{Name: t.path, Status: "ACTIVE"}
	for _, ix := range rd.Indexes {
		info.Indexes = append(info.Indexes, ix.Name)
	}
	err := t.inReadTx(ctx, "describe", func(tx *sql.Tx) error {
		st, version, err := inspect(ctx, tx)
		if err != nil {
			return err
		}
		if st != stateTable {
			return stateError(t.path, st, version)
		}
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&info.ItemCount)
	})
	if err != nil {
		return rd.TableInfo{}, fmt.Errorf("sqlite: describe: %w", t.classify(ctx, err))
	}
	return info, nil
}

// Drop deletes the table and all its items. The file stays, empty, so that
// other processes that have it open see ErrTableNotFound rather than
// writing to a deleted file; Create can make a table in it again. Drop then
// compacts the file, if no other connection is in the way.
func (t *Table) Drop(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: drop %s: %w", t.path, err)
	}
	if exists, err := t.fileExists(); err != nil || !exists {
		if err == nil {
			err = fmt.Errorf("%s does not exist: %w", t.path, rd.ErrTableNotFound)
		}
		return fmt.Errorf("sqlite: drop: %w", err)
	}
	err := t.inTx(ctx, "drop", func(tx *sql.Tx) error {
		st, version, err := inspect(ctx, tx)
		if err != nil {
			return err
		}
		if st != stateTable {
			return stateError(t.path, st, version)
		}
		return dropAll(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("sqlite: drop: %w", t.classify(ctx, err))
	}

	// Give the space of the items back to the file system. The table is
	// dropped all the same if another connection is in the way, so Drop
	// does not wait long for it.
	vacuumCtx, cancel := context.WithTimeout(ctx, vacuumWait)
	defer cancel()
	if _, err := t.writer.ExecContext(vacuumCtx, "VACUUM"); err != nil {
		t.log.LogAttrs(ctx, slog.LevelWarn, "sqlite: compacting the file after drop failed",
			slog.String("path", t.path), slog.String("error", err.Error()))
	}
	return nil
}

// vacuumWait bounds the wait of Drop's VACUUM for other connections.
const vacuumWait = time.Second

// dropAll drops every table of the schema and marks the file as holding
// none.
func dropAll(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx,
		`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		names = append(names, name)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP TABLE "`+name+`"`); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, "PRAGMA application_id = 0; PRAGMA user_version = 0")
	return err
}
