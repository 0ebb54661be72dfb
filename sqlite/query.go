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
	rng   string   // column of the sort key; "" for an index without one
	order []string // columns that order the rows and make up a cursor
	// bounds restrict the sort key as the key condition does.
	bounds []bound
}

// bound is one comparison of the sort key column with a value.
type bound struct {
	op    string // "=", "<", "<=", ">", ">="
	value string
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
		p.rng = "sk"
		p.order = []string{"sk"} // the partition key is fixed
	case rng == "":
		p.order = []string{"pk", "sk"}
	default:
		p.rng = columnOf(rng)
		p.order = []string{p.rng, "pk", "sk"}
	}
	if err := p.keyCondition(op); err != nil {
		return nil, err
	}
	return p, nil
}

// keyCondition translates the sort key condition of the query to bounds.
func (p *plan) keyCondition(op string) error {
	sk := p.q.SK
	if sk.Op == rd.SKAny {
		return nil
	}
	if p.rng == "" {
		return rd.Invalid(op, "SK", "cannot restrict the sort key of index "+p.q.Index+
			", which has none", nil)
	}
	for _, v := range []string{sk.Value, sk.Value2} {
		if len(v) > expr.MaxRangeLen || !utf8.ValidString(v) {
			return rd.Invalid(op, "SK", fmt.Sprintf(
				"values must be valid UTF-8 of at most %d bytes", expr.MaxRangeLen), len(v))
		}
	}
	switch sk.Op {
	case rd.SKEq:
		p.bounds = []bound{{"=", sk.Value}}
	case rd.SKLt:
		p.bounds = []bound{{"<", sk.Value}}
	case rd.SKLe:
		p.bounds = []bound{{"<=", sk.Value}}
	case rd.SKGt:
		p.bounds = []bound{{">", sk.Value}}
	case rd.SKGe:
		p.bounds = []bound{{">=", sk.Value}}
	case rd.SKBetween:
		if sk.Value > sk.Value2 {
			return rd.Invalid(op, "SK", "BETWEEN needs a lower bound at most the upper bound",
				sk.Value+" > "+sk.Value2)
		}
		p.bounds = []bound{{">=", sk.Value}, {"<=", sk.Value2}}
	case rd.SKBeginsWith:
		// A prefix is a range of byte strings: from the prefix up to the
		// prefix with its last byte increased, which valid UTF-8 never
		// leaves at 0xFF.
		if sk.Value == "" {
			return nil
		}
		upper := []byte(sk.Value)
		upper[len(upper)-1]++
		p.bounds = []bound{{">=", sk.Value}, {"<", string(upper)}}
	default:
		return rd.Invalid(op, "SK", "has an unknown operator", int(sk.Op))
	}
	return nil
}

// matches reports whether a sort key value meets the plan's bounds.
func (p *plan) matches(v string) bool {
	for _, b := range p.bounds {
		ok := false
		switch b.op {
		case "=":
			ok = v == b.value
		case "<":
			ok = v < b.value
		case "<=":
			ok = v <= b.value
		case ">":
			ok = v > b.value
		case ">=":
			ok = v >= b.value
		}
		if !ok {
			return false
		}
	}
	return true
}

// where returns the condition of the rows of the query and its arguments.
// after holds the order columns of a cursor, or is nil. A cursor lies
// within the key condition (decodeCursor makes sure), so its bound takes
// the place of the key condition's bound on the same side, and SQLite can
// seek to it in the index rather than read from the start of the range.
func (p *plan) where(after []string) (string, []any) {
	var w strings.Builder
	args := []any{p.q.PK}
	w.WriteString(p.hash + " = ?")
	if p.q.Index != "" && p.rng != "" {
		// The index is sparse: an item without its range key is not in it.
		w.WriteString(" AND " + p.rng + " IS NOT NULL")
	}

	resumeSide, cmp := "", " > "
	if after != nil {
		resumeSide = ">"
		if p.q.Reverse {
			resumeSide, cmp = "<", " < "
		}
	}
	order, eq := p.order, false
	for _, b := range p.bounds {
		if b.op == "=" {
			eq = true
		} else if resumeSide != "" && strings.HasPrefix(b.op, resumeSide) {
			continue
		}
		w.WriteString(" AND " + p.rng + " " + b.op + " ?")
		args = append(args, b.value)
	}
	if after == nil {
		return w.String(), args
	}
	if eq && len(order) > 1 {
		// With the sort key fixed, the cursor's place is in the table key.
		order, after = order[1:], after[1:]
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(order)), ", ")
	w.WriteString(" AND (" + strings.Join(order, ", ") + ")" + cmp + "(" + marks + ")")
	for _, v := range after {
		args = append(args, v)
	}
	return w.String(), args
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
		page, err = readPage(ctx, s, args, p.q.Limit, p.encodeCursor)
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
	var args []any

	// The blob of an item the Type filter drops is not needed.
	itemExpr := "item"
	if p.q.Type != "" {
		itemExpr = "CASE WHEN type = ? THEN item END"
		args = append(args, p.q.Type)
	}
	where, whereArgs := p.where(after)
	b.WriteString("SELECT " + keyColumnList + ", size, " + itemExpr + " FROM items WHERE ")
	b.WriteString(where)
	args = append(args, whereArgs...)

	dir := ""
	if p.q.Reverse {
		dir = " DESC"
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
	return b.String(), args
}

// readPage reads the rows of one page of a query or a scan: at most limit
// items (0: any number) returned, and rows up to 1 MB read. The rows must
// hold the key columns, the size and the item, whose blob is NULL for a row
// the Type filter drops. cursor encodes the keys of the last row read when
// another row follows.
func readPage(ctx context.Context, s *sql.Stmt, args []any, limit int,
	cursor func(*[numKeyColumns]sql.NullString) string) (rd.Page, error) {
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
		full = (limit > 0 && len(page.Items) >= limit) || readBytes >= maxPageBytes
	}
	if err := rows.Err(); err != nil {
		return rd.Page{}, err
	}
	if more {
		page.Next = cursor(&lastKeys)
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
	where, args := p.where(nil)
	query := "SELECT count(*) FROM items WHERE " + where
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
	// The cursor must lie within the key condition, whose bound it
	// replaces.
	if p.rng != "" && !p.matches(after[0]) {
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
