package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"time"

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
// an existing file only, "rwc" creates it. Every connection waits up to
// lockWait for another writer and syncs as WAL mode's NORMAL level does.
// Writers begin their transactions with BEGIN IMMEDIATE, so that a
// read-modify-write never has to upgrade its lock and fail.
func dsn(path, mode string, lockWait time.Duration, writer bool) string {
	u := url.URL{Scheme: "file", Path: path, OmitHost: true}
	q := url.Values{}
	q.Set("mode", mode)
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(lockWait.Milliseconds(), 10)+")")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(0)")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// fileState is what a database file holds.
type fileState int

const (
	stateEmpty    fileState = iota // no table: a new file, or a dropped table
	stateTable                     // a table of this or an older schema version
	stateTooNew                    // a table of a newer version of this package
	stateOther                     // another application's database
)

// inspect reads the file's identity and schema version.
func inspect(ctx context.Context, q querier) (fileState, int, error) {
	var appID, version int
	if err := q.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return 0, 0, err
	}
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, 0, err
	}
	var tables int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables)
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
	return err
}

// stateError explains a file that holds no usable table.
func stateError(path string, st fileState, version int) error {
	switch st {
	case stateEmpty:
		return fmt.Errorf("sqlite: %s holds no table: %w", path, rd.ErrTableNotFound)
	case stateTooNew:
		return fmt.Errorf("sqlite: %s has schema version %d, newer than this program's %d; "+
			"upgrade the program", path, version, schemaVersion)
	case stateOther:
		return fmt.Errorf("sqlite: %s is a SQLite database of another application, "+
			"not a Receipt Dynamo table", path)
	}
	return nil
}
