package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver the embedded engine uses

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/sqlite"
)

// runSQLite batch-writes words and letters into the embedded engine and, in
// the same run, inserts the very rows the engine stored with plain SQL
// through the same driver into a file of the same schema, in transactions
// of the same size.
func (b *bench) runSQLite(ctx context.Context) error {
	items, err := b.wordsAndLetters(b.o.sqliteItems)
	if err != nil {
		return err
	}
	for _, batch := range []int{25, 1000} {
		if err := b.sqliteRound(ctx, items, batch); err != nil {
			return err
		}
	}
	b.rep.note("sqlite", fmt.Sprintf("%s items: the words and letters of the first SROIE "+
		"receipts, in the order of the receipts.", fmtCount(float64(len(items)))))
	return nil
}

// sqliteTries is how many times each side of a comparison runs, in
// alternation; each side's fastest try counts.
const sqliteTries = 2

func (b *bench) sqliteRound(ctx context.Context, items []rd.Item, batch int) error {
	reqs := make([]rd.WriteRequest, len(items))
	for i, it := range items {
		reqs[i] = rd.WriteRequest{Put: it}
	}
	var engine, engineCPU, plain, plainCPU time.Duration
	var rows *sqlRows
	for try := range sqliteTries {
		// The engine, in BatchWrite calls of batch items.
		path := filepath.Join(b.work, fmt.Sprintf("engine-%d-%d.db", batch, try))
		e, ecpu, err := engineWrite(ctx, path, reqs, batch)
		if err != nil {
			return err
		}
		if try == 0 || e < engine {
			engine, engineCPU = e, ecpu
		}

		// The same rows, read back from the engine's first file, by plain SQL.
		if rows == nil {
			if rows, err = readRows(ctx, path, items); err != nil {
				return err
			}
		}
		plainPath := filepath.Join(b.work, fmt.Sprintf("plain-%d-%d.db", batch, try))
		p, pcpu, err := insertRows(ctx, path, plainPath, rows, batch)
		if err != nil {
			return err
		}
		if try == 0 || p < plain {
			plain, plainCPU = p, pcpu
		}
		removeDB(path)
		removeDB(plainPath)
	}

	n := float64(len(items))
	ratio := plain.Seconds() / engine.Seconds()
	target := "target 0.5: met"
	if ratio < 0.5 {
		target = "target 0.5: MISSED"
		b.rep.miss(fmt.Sprintf("sqlite batches of %d: engine at %.2f of plain SQL", batch, ratio))
	}
	b.rep.add(row{
		Section: "sqlite",
		Figure: fmt.Sprintf("BatchWrite of %s words and letters, %d per call", fmtCount(n),
			batch),
		Result: fmt.Sprintf("%s (%s items per CPU-second)",
			fmtRate(n/engine.Seconds(), "items"), fmtCount(n/engineCPU.Seconds())),
		Reference: fmt.Sprintf("plain SQL INSERT, %d per transaction: %s (%s per CPU-second)",
			batch, fmtRate(n/plain.Seconds(), "items"), fmtCount(n/plainCPU.Seconds())),
		Compare: fmt.Sprintf("%.2f of plain (%s); %.2f by CPU time", ratio, target,
			plainCPU.Seconds()/engineCPU.Seconds()),
	})
	return nil
}

// engineWrite batch-writes reqs into a new store at path, batch requests
// per call, and returns the time and CPU time it took.
func engineWrite(ctx context.Context, path string, reqs []rd.WriteRequest,
	batch int) (elapsed, cpu time.Duration, err error) {
	tbl, err := sqlite.Open(ctx, path)
	if err != nil {
		return 0, 0, err
	}
	defer tbl.Close()
	if err := tbl.Create(ctx); err != nil {
		return 0, 0, err
	}
	start, cpu0 := time.Now(), cpuTime()
	for lo := 0; lo < len(reqs); lo += batch {
		if err := tbl.BatchWrite(ctx, reqs[lo:min(lo+batch, len(reqs))]); err != nil {
			return 0, 0, err
		}
	}
	elapsed, cpu = time.Since(start), cpuTime()-cpu0
	return elapsed, cpu, tbl.Close()
}

// removeDB removes a database file and its WAL and shared-memory files.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
}

// sqlRows are the rows of the engine's item table, in the order of the
// items that produced them.
type sqlRows struct {
	table   string
	schema  []string // CREATE statements of the engine's file
	columns []string
	values  [][]any
}

// readRows reads back the rows that the engine stored for items, and the
// file's schema.
func readRows(ctx context.Context, path string, items []rd.Item) (*sqlRows, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := &sqlRows{}

	// The schema, and the table that holds one row per item.
	q, err := db.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_schema
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read the engine's schema: %w", err)
	}
	var tables []string
	for q.Next() {
		var typ, name, stmt string
		if err := q.Scan(&typ, &name, &stmt); err != nil {
			q.Close()
			return nil, err
		}
		out.schema = append(out.schema, stmt)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	q.Close()
	for _, t := range tables {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+t+`"`).Scan(&n); err != nil {
			return nil, err
		}
		if n == len(items) {
			out.table = t
		}
	}
	if out.table == "" {
		return nil, fmt.Errorf("sqlite: no table of the engine's file holds %d rows", len(items))
	}

	// Every row, then the rows in the order of the items, by key.
	q, err = db.QueryContext(ctx, `SELECT * FROM "`+out.table+`"`)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	if out.columns, err = q.Columns(); err != nil {
		return nil, err
	}
	pkCol, skCol := -1, -1
	for i, c := range out.columns {
		switch strings.ToUpper(c) {
		case rd.AttrPK:
			pkCol = i
		case rd.AttrSK:
			skCol = i
		}
	}
	if pkCol < 0 || skCol < 0 {
		return nil, fmt.Errorf("sqlite: table %s has no key columns (%v)", out.table, out.columns)
	}
	byKey := make(map[rd.Key][]any, len(items))
	for q.Next() {
		vals := make([]any, len(out.columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := q.Scan(ptrs...); err != nil {
			return nil, err
		}
		byKey[rd.Key{PK: asString(vals[pkCol]), SK: asString(vals[skCol])}] = vals
	}
	if err := q.Err(); err != nil {
		return nil, err
	}
	for _, it := range items {
		k := itemKey(it)
		vals, ok := byKey[k]
		if !ok {
			return nil, fmt.Errorf("sqlite: no row for item %s", k)
		}
		out.values = append(out.values, vals)
	}
	return out, nil
}

func asString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

// insertRows creates a file with the schema of rows and inserts the rows
// with one prepared INSERT, batch rows per transaction, with the pragmas
// the engine's writer uses (WAL, synchronous NORMAL, a 32 MB page cache).
func insertRows(ctx context.Context, enginePath, path string, rows *sqlRows,
	batch int) (elapsed, cpu time.Duration, err error) {
	dsn := "file:" + path + "?mode=rwc&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-32768)&_pragma=busy_timeout(5000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, stmt := range rows.schema {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return 0, 0, fmt.Errorf("sqlite: copy the schema of %s: %w", enginePath, err)
		}
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(rows.columns)), ", ")
	insert := fmt.Sprintf(`INSERT INTO "%s" ("%s") VALUES (%s)`, rows.table,
		strings.Join(rows.columns, `", "`), marks)

	prepared, err := db.PrepareContext(ctx, insert)
	if err != nil {
		return 0, 0, err
	}
	defer prepared.Close()

	start, cpu0 := time.Now(), cpuTime()
	for lo := 0; lo < len(rows.values); lo += batch {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, 0, err
		}
		stmt := tx.StmtContext(ctx, prepared)
		for _, vals := range rows.values[lo:min(lo+batch, len(rows.values))] {
			if _, err := stmt.ExecContext(ctx, vals...); err != nil {
				tx.Rollback()
				return 0, 0, fmt.Errorf("sqlite: plain insert: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, 0, err
		}
	}
	return time.Since(start), cpuTime() - cpu0, nil
}
