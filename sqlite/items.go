package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// The statements of item reads and writes.
const (
	keyColumnList = "pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, type"

	sqlGet    = "SELECT " + keyColumnList + ", item FROM items WHERE pk = ? AND sk = ?"
	sqlUpsert = "INSERT OR REPLACE INTO items (" + keyColumnList + ", size, item) " +
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	sqlDelete  = "DELETE FROM items WHERE pk = ? AND sk = ?"
	sqlVersion = "PRAGMA user_version"
)

// writeQueries are the statements of write transactions, prepared before
// the first one begins.
var writeQueries = []string{
	sqlVersion, sqlGet, sqlUpsert, sqlDelete, sqlTokenGet, sqlTokenPut, sqlTokenPurge,
}

// Get returns the item with the key, or an error matching ErrNotFound.
func (t *Table) Get(ctx context.Context, key rd.Key) (rd.Item, error) {
	if err := expr.ValidateKey("Get", key); err != nil {
		return nil, fmt.Errorf("sqlite: get: %w", err)
	}
	var item rd.Item
	err := t.retry(ctx, "get", func() error {
		s, err := t.stmt(ctx, false, sqlGet)
		if err != nil {
			return err
		}
		item, err = loadItem(ctx, s, key)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: get %v: %w", key, t.classify(ctx, err))
	}
	if item == nil {
		return nil, fmt.Errorf("sqlite: get %v: %w", key, rd.ErrNotFound)
	}
	return item, nil
}

// loadItem runs sqlGet and returns the item, or nil if none is stored.
func loadItem(ctx context.Context, s *sql.Stmt, key rd.Key) (rd.Item, error) {
	rows, err := s.QueryContext(ctx, key.PK, key.SK)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var keys [numKeyColumns]sql.NullString
	var blob sql.RawBytes
	if err := rows.Scan(scanDest(&keys, &blob)...); err != nil {
		return nil, err
	}
	item, err := decodeRow(&keys, blob)
	if err != nil {
		return nil, fmt.Errorf("item %v: %w", key, err)
	}
	return item, rows.Close()
}

// scanDest returns the scan destinations of the key columns followed by
// extra.
func scanDest(keys *[numKeyColumns]sql.NullString, extra ...any) []any {
	dest := make([]any, 0, numKeyColumns+len(extra))
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	return append(dest, extra...)
}

// Put writes the item, replacing any item with its key, if cond holds on
// the stored item.
func (t *Table) Put(ctx context.Context, item rd.Item, cond rd.Condition) error {
	size, err := expr.ValidateItem("Put", item)
	if err == nil {
		err = expr.ValidateCondition("Put", cond)
	}
	if err != nil {
		return fmt.Errorf("sqlite: put: %w", err)
	}
	key := expr.KeyOf(item)
	err = t.write(ctx, "put", func(w *wtx) error {
		if err := w.check(key, cond); err != nil {
			return err
		}
		return w.put(item, size)
	})
	if err != nil {
		return fmt.Errorf("sqlite: put %v: %w", key, err)
	}
	return nil
}

// Delete removes the item with the key if cond holds. Deleting a missing
// item with an empty cond succeeds.
func (t *Table) Delete(ctx context.Context, key rd.Key, cond rd.Condition) error {
	err := expr.ValidateKey("Delete", key)
	if err == nil {
		err = expr.ValidateCondition("Delete", cond)
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete: %w", err)
	}
	err = t.write(ctx, "delete", func(w *wtx) error {
		if err := w.check(key, cond); err != nil {
			return err
		}
		return w.delete(key)
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete %v: %w", key, err)
	}
	return nil
}

// Update applies upd to the item with the key if cond holds and returns the
// item as it is afterwards. A missing item is created from its key and the
// update, as DynamoDB does, unless cond refuses.
func (t *Table) Update(ctx context.Context, key rd.Key, upd rd.Update,
	cond rd.Condition) (rd.Item, error) {
	err := expr.ValidateKey("Update", key)
	if err == nil {
		err = expr.ValidateUpdate("Update", upd)
	}
	if err == nil {
		err = expr.ValidateCondition("Update", cond)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: update: %w", err)
	}
	var result rd.Item
	err = t.write(ctx, "update", func(w *wtx) error {
		stored, err := w.load(key)
		if err != nil {
			return err
		}
		if !expr.Eval(cond, stored) {
			return rd.ErrConditionFailed
		}
		next, size, err := applyUpdate("Update", key, stored, upd)
		if err != nil {
			return err
		}
		result, err = w.putReturning(next, size)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: update %v: %w", key, err)
	}
	return result, nil
}

// applyUpdate returns the item that upd makes of the stored one and its
// size, checked as a put of it would be: an ADD or SET can make an index
// key attribute something other than a non-empty string.
func applyUpdate(op string, key rd.Key, stored rd.Item, upd rd.Update) (rd.Item, int, error) {
	next, err := expr.Apply(op, key, stored, upd)
	if err != nil {
		return nil, 0, err
	}
	size, err := expr.ValidateItem(op, next)
	if err != nil {
		return nil, 0, err
	}
	return next, size, nil
}

// wtx is one write transaction of the engine.
type wtx struct {
	ctx   context.Context
	t     *Table
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	buf   []byte // reused for encoding rows
}

// write runs fn in one write transaction on a table of the current schema
// and classifies its error. Nothing of fn stays when it fails.
func (t *Table) write(ctx context.Context, op string, fn func(w *wtx) error) error {
	if err := t.prepareWrites(ctx); err != nil {
		return t.classify(ctx, err)
	}
	err := t.inTx(ctx, op, func(tx *sql.Tx) error {
		w := &wtx{ctx: ctx, t: t, tx: tx, stmts: make(map[string]*sql.Stmt, 4)}
		if err := w.checkSchema(); err != nil {
			return err
		}
		return fn(w)
	})
	return t.classify(ctx, err)
}

// prepareWrites prepares the statements of write transactions. It runs
// before a transaction begins: preparing takes the writer connection, which
// a transaction holds.
func (t *Table) prepareWrites(ctx context.Context) error {
	if t.writesPrepared.Load() {
		return nil
	}
	for _, q := range writeQueries {
		if _, err := t.stmt(ctx, true, q); err != nil {
			return err
		}
	}
	t.writesPrepared.Store(true)
	return nil
}

// stmt returns the transaction's instance of a prepared statement.
func (w *wtx) stmt(query string) (*sql.Stmt, error) {
	if s, ok := w.stmts[query]; ok {
		return s, nil
	}
	var s *sql.Stmt
	if base := w.t.cachedStmt(true, query); base != nil {
		s = w.tx.StmtContext(w.ctx, base)
	} else {
		var err error
		if s, err = w.tx.PrepareContext(w.ctx, query); err != nil {
			return nil, err
		}
	}
	w.stmts[query] = s
	return s, nil
}

func (w *wtx) exec(query string, args ...any) error {
	s, err := w.stmt(query)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(w.ctx, args...)
	return err
}

// checkSchema makes sure that the file still holds a table of this schema:
// another process may have dropped it, or an older program created it anew
// since the table was opened, in which case it is migrated here.
func (w *wtx) checkSchema() error {
	s, err := w.stmt(sqlVersion)
	if err != nil {
		return err
	}
	var version int
	if err := s.QueryRowContext(w.ctx).Scan(&version); err != nil {
		return err
	}
	if version == schemaVersion {
		return nil
	}
	st, version, err := inspect(w.ctx, w.tx)
	if err != nil {
		return err
	}
	if st != stateTable {
		return stateError(w.t.path, st, version)
	}
	return migrate(w.ctx, w.tx, version)
}

// load returns the stored item with the key, or nil.
func (w *wtx) load(key rd.Key) (rd.Item, error) {
	s, err := w.stmt(sqlGet)
	if err != nil {
		return nil, err
	}
	return loadItem(w.ctx, s, key)
}

// check returns ErrConditionFailed unless cond holds on the stored item.
// An empty cond holds without reading the item.
func (w *wtx) check(key rd.Key, cond rd.Condition) error {
	if len(cond) == 0 {
		return nil
	}
	stored, err := w.load(key)
	if err != nil {
		return err
	}
	if !expr.Eval(cond, stored) {
		return rd.ErrConditionFailed
	}
	return nil
}

// put stores a validated item of the given size.
func (w *wtx) put(item rd.Item, size int) error {
	r := encodeRow(item, w.buf)
	w.buf = r.blob
	k := &r.keys
	return w.exec(sqlUpsert, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], size, r.blob)
}

// putReturning stores a validated item and returns it as stored, its
// numbers in DynamoDB's form.
func (w *wtx) putReturning(item rd.Item, size int) (rd.Item, error) {
	r := encodeRow(item, nil)
	k := &r.keys
	err := w.exec(sqlUpsert, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], size, r.blob)
	if err != nil {
		return nil, err
	}
	var keys [numKeyColumns]sql.NullString
	for i, v := range k {
		if s, ok := v.(string); ok {
			keys[i] = sql.NullString{String: s, Valid: true}
		}
	}
	return decodeRow(&keys, r.blob)
}

// delete removes the item with the key, if stored.
func (w *wtx) delete(key rd.Key) error {
	return w.exec(sqlDelete, key.PK, key.SK)
}
