package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// maxPageBytes is DynamoDB's limit on the items one page of a query reads,
// counted before any filter.
const maxPageBytes = 1024 * 1024

// plan is a checked query translated to SQL. The rows of a table query are
// in sort key order; those of an index in the order of its range key, then
// of the table's key, so that items with equal index keys have a stable
// order that a cursor can resume.
type plan struct {
	q     rd.Query
	hash  string   // column of the partition key
	order []string // columns that order the rows and make up a cursor
	where string   // the key condition, without the cursor
	args  []any    // of where
}

// columnOf returns the column of a key attribute: its name in lower case.
func columnOf(attr string) string { return strings.ToLower(attr) }

// planQuery checks q as DynamoDB checks a Query request and translates it.
func planQuery(op string, q rd.Query) (*plan, error) {
	hash, rng := rd.AttrPK, rd.AttrSK
	if q.Index != "" {
		ix, ok := rd.IndexByName(q.Index)
		if !ok {
			return nil, rd.Invalid(op, "Index", "is not an index of the table", q.Index)
		}
		hash, rng = ix.Hash, ix.Range
	}
	if err := checkKeyValue(op, "PK", q.PK, expr.MaxHashLen); err != nil {
		return nil, err
	}
	if q.Limit < 0 {
		return nil, rd.Invalid(op, "Limit", "must be 0 (no limit) or positive", q.Limit)
	}
	if q.Type != "" {
		if err := checkKeyValue(op, "Type", q.Type, expr.MaxHashLen); err != nil {
			return nil, err
		}
	}

	p := &plan{q: q, hash: columnOf(hash)}
	switch {
	case q.Index == "":
		p.order = []string{"sk"} // the partition key is fixed
	case rng == "":
		p.order = []string{"pk", "sk"}
	default:
		p.order = []string{columnOf(rng), "pk", "sk"}
	}
	var w strings.Builder
	w.WriteString(p.hash + " = ?")
	p.args = append(p.args, q.PK)
	if q.Index != "" && rng != "" {
		// The index is sparse: an item without its range key is not in it.
		w.WriteString(" AND " + columnOf(rng) + " IS NOT NULL")
	}
	if err := p.keyCondition(op, &w, rng); err != nil {
		return nil, err
	}
	p.where = w.String()
	return p, nil
}

// keyCondition adds the sort key condition of the query to w.
func (p *plan) keyCondition(op string, w *strings.Builder, rng string) error {
	sk := p.q.SK
	if sk.Op == rd.SKAny {
		return nil
	}
	if rng == "" {
		return rd.Invalid(op, "SK", "cannot restrict the sort key of index "+p.q.Index+
			", which has none", nil)
	}
	for _, v := range []string{sk.Value, sk.Value2} {
		if len(v) > expr.MaxRangeLen || !utf8.ValidString(v) {
			return rd.Invalid(op, "SK", fmt.Sprintf(
				"values must be valid UTF-8 of at most %d bytes", expr.MaxRangeLen), len(v))
		}
	}
	col := columnOf(rng)
	cmp := func(sqlOp string) {
		w.WriteString(" AND " + col + " " + sqlOp + " ?")
		p.args = append(p.args, sk.Value)
	}
	switch sk.Op {
	case rd.SKEq:
		cmp("=")
	case rd.SKLt:
		cmp("<")
	case rd.SKLe:
		cmp("<=")
	case rd.SKGt:
		cmp(">")
	case rd.SKGe:
		cmp(">=")
	case rd.SKBetween:
		if sk.Value > sk.Value2 {
			return rd.Invalid(op, "SK", "BETWEEN needs a lower bound at most the upper bound",
				sk.Value+" > "+sk.Value2)
		}
		w.WriteString(" AND " + col + " BETWEEN ? AND ?")
		p.args = append(p.args, sk.Value, sk.Value2)
	case rd.SKBeginsWith:
		// A prefix is a range of byte strings: from the prefix up to the
		// prefix with its last byte increased, which valid UTF-8 never
		// leaves at 0xFF.
		if sk.Value == "" {
			return nil
		}
		upper := []byte(sk.Value)
		upper[len(upper)-1]++
		w.WriteString(" AND " + col + " >= ? AND " + col + " < ?")
		p.args = append(p.args, sk.Value, string(upper))
	default:
		return rd.Invalid(op, "SK", "has an unknown operator", int(sk.Op))
	}
	return nil
}

// checkKeyValue checks a key value given in a query.
func checkKeyValue(op, field, v string, maxLen int) error {
	switch {
	case v == "":
		return rd.Invalid(op, field, "must not be empty", nil)
	case len(v) > maxLen:
		return rd.Invalid(op, field, fmt.Sprintf("must be at most %d bytes", maxLen), len(v))
	case !utf8.ValidString(v):
		return rd.Invalid(op, field, "must be valid UTF-8", v)
	}
	return nil
}

// Query returns one page of the items matching q, in sort key order
// (reversed if q.Reverse). A page ends when it holds q.Limit items of
// q.Type (any type if q.Type is ""), or when the items read, those of other
// types included, reach 1 MB. Next is set only if another item follows in
// the index, so a page may end early but the results never end with an
// empty page unless the last read items were all filtered out.
func (t *Table) Query(ctx context.Context, q rd.Query) (rd.Page, error) {
	p, err := planQuery("Query", q)
	if err != nil {
		return rd.Page{}, fmt.Errorf("sqlite: query: %w", err)
	}
	after, err := p.decodeCursor(q.Cursor)
	if err != nil {
		return rd.Page{}, fmt.Errorf("sqlite: query: %w", err)
	}

	query, args := p.selectSQL(after)
	var page rd.Page
	err = t.retry(ctx, "query", func() error {
		s, err := t.stmt(ctx, false, query)
		if err != nil {
			return err
		}
		page, err = p.readPage(ctx, s, args)
		return err
	})
	if err != nil {
		return rd.Page{}, fmt.Errorf("sqlite: query: %w", t.classify(ctx, err))
	}
	return page, nil
}

// selectSQL returns the statement of one page and its arguments; after
// holds the order columns of the cursor, or is nil on the first page.
func (p *plan) selectSQL(after []string) (string, []any) {
	var b strings.Builder
	args := append([]any(nil), p.args...)

	// The blob of an item the Type filter drops is not needed.
	itemExpr := "item"
	var filterArg []any
	if p.q.Type != "" {
		itemExpr = "CASE WHEN type = ? THEN item END"
		filterArg = []any{p.q.Type}
	}
	b.WriteString("SELECT " + keyColumnList + ", size, " + itemExpr + " FROM items WHERE ")
	b.WriteString(p.where)

	cmp, dir := " > ", ""
	if p.q.Reverse {
		cmp, dir = " < ", " DESC"
	}
	if after != nil {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(p.order)), ", ")
		b.WriteString(" AND (" + strings.Join(p.order, ", ") + ")" + cmp + "(" + marks + ")")
		for _, v := range after {
			args = append(args, v)
		}
	}
	b.WriteString(" ORDER BY ")
	for i, col := range p.order {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(col + dir)
	}
	if p.q.Limit > 0 && p.q.Type == "" {
		// One row more than the page tells whether another page follows.
		b.WriteString(" LIMIT ?")
		args = append(args, p.q.Limit+1)
	}
	return b.String(), append(filterArg, args...)
}

// readPage reads the rows of one page.
func (p *plan) readPage(ctx context.Context, s *sql.Stmt, args []any) (rd.Page, error) {
	rows, err := s.QueryContext(ctx, args...)
	if err != nil {
		return rd.Page{}, err
	}
	defer rows.Close()

	var (
		page            rd.Page
		keys, lastKeys  [numKeyColumns]sql.NullString
		size, readBytes int64
		blob            sql.RawBytes
		full, more      bool
	)
	dest := scanDest(&keys, &size, &blob)
	for rows.Next() {
		if full {
			more = true
			break
		}
		if err := rows.Scan(dest...); err != nil {
			return rd.Page{}, err
		}
		readBytes += size
		lastKeys = keys
		if blob != nil { // nil: dropped by the Type filter
			item, err := decodeRow(&keys, blob)
			if err != nil {
				return rd.Page{}, fmt.Errorf("item %s %s: %w", keys[0].String, keys[1].String,
					err)
			}
			page.Items = append(page.Items, item)
		}
		full = (p.q.Limit > 0 && len(page.Items) >= p.q.Limit) || readBytes >= maxPageBytes
	}
	if err := rows.Err(); err != nil {
		return rd.Page{}, err
	}
	if more {
		page.Next = p.encodeCursor(&lastKeys)
	}
	return page, nil
}

// Count returns the number of items matching q, q.Type included, without
// reading them; q.Limit and q.Cursor are ignored.
func (t *Table) Count(ctx context.Context, q rd.Query) (int, error) {
	q.Limit, q.Cursor = 0, ""
	p, err := planQuery("Count", q)
	if err != nil {
		return 0, fmt.Errorf("sqlite: count: %w", err)
	}
	query := "SELECT count(*) FROM items WHERE " + p.where
	args := p.args
	if q.Type != "" {
		query += " AND type = ?"
		args = append(args, q.Type)
	}
	var n int
	err = t.retry(ctx, "count", func() error {
		s, err := t.stmt(ctx, false, query)
		if err != nil {
			return err
		}
		return s.QueryRowContext(ctx, args...).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: count: %w", t.classify(ctx, err))
	}
	return n, nil
}

// A cursor is the key of the last item a page read, with the keys of the
// queried index: a version byte, a fingerprint of the query, and the
// partition key value followed by the values of the order columns, each
// with its length, in unpadded base64url. The fingerprint lets a cursor of
// another query be refused rather than resume at a wrong place.

const cursorVersion = 1

// fingerprint identifies the query that a cursor belongs to: everything of
// it but Limit and Cursor.
func (p *plan) fingerprint() []byte {
	q := p.q
	h := sha256.New()
	var buf []byte
	for _, s := range []string{q.Index, q.PK, q.SK.Value, q.SK.Value2, q.Type} {
		buf = appendString(buf, s)
	}
	buf = binary.AppendUvarint(buf, uint64(q.SK.Op))
	if q.Reverse {
		buf = append(buf, 1)
	}
	h.Write(buf)
	return h.Sum(nil)[:8]
}

// encodeCursor returns the cursor after the row with the key columns keys.
func (p *plan) encodeCursor(keys *[numKeyColumns]sql.NullString) string {
	buf := append([]byte{cursorVersion}, p.fingerprint()...)
	buf = appendString(buf, p.q.PK)
	for _, col := range p.order {
		buf = appendString(buf, keys[columnIndex(col)].String)
	}
	return base64.RawURLEncoding.EncodeToString(buf)
}

// decodeCursor returns the order columns of the cursor, nil for none.
func (p *plan) decodeCursor(cursor string) ([]string, error) {
	if cursor == "" {
		return nil, nil
	}
	bad := rd.Invalid("Query", "Cursor", "must come from a page of the same query", cursor)
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) < 9 || raw[0] != cursorVersion {
		return nil, bad
	}
	if string(raw[1:9]) != string(p.fingerprint()) {
		return nil, bad
	}
	d := decoder{s: string(raw[9:])}
	if d.string() != p.q.PK {
		return nil, bad
	}
	after := make([]string, len(p.order))
	for i := range after {
		after[i] = d.string()
	}
	if d.err != nil || d.pos != len(d.s) {
		return nil, bad
	}
	return after, nil
}

// columnIndex returns the position of a key column in keyColumns.
func columnIndex(col string) int {
	for i, name := range keyColumns {
		if columnOf(name) == col {
			return i
		}
	}
	panic("sqlite: unknown key column " + col)
}
