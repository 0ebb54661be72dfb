package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// Scan returns one page of every item of the table (of type in.Type if it
// is not ""), in primary key order: by partition key, then sort key, both
// in UTF-8 byte order. Pages end as those of Query do: after in.Limit items
// returned, or once the items read, those of other types included, reach
// 1 MB. A scan reads one snapshot per page; a write between pages is seen
// if it lies after the cursor.
func (t *Table) Scan(ctx context.Context, in rd.ScanInput) (rd.Page, error) {
	if err := checkScan(in); err != nil {
		return rd.Page{}, fmt.Errorf("sqlite: scan: %w", err)
	}
	after, err := decodeScanCursor(in)
	if err != nil {
		return rd.Page{}, fmt.Errorf("sqlite: scan: %w", err)
	}

	query, args := scanSQL(in, after)
	var page rd.Page
	err = t.retry(ctx, "scan", func() error {
		s, err := t.stmt(ctx, false, query)
		if err != nil {
			return err
		}
		page, err = readPage(ctx, s, args, in.Limit, func(
			keys *[numKeyColumns]sql.NullString) string {
			return encodeScanCursor(in, keys[0].String, keys[1].String)
		})
		return err
	})
	if err != nil {
		return rd.Page{}, fmt.Errorf("sqlite: scan: %w", t.classify(ctx, err))
	}
	return page, nil
}

// checkScan checks in as DynamoDB checks the parts of a Scan request that
// it stands for.
func checkScan(in rd.ScanInput) error {
	if in.Limit < 0 {
		return rd.Invalid("Scan", "Limit", "must be 0 (no limit) or positive", in.Limit)
	}
	if in.Type != "" {
		return checkKeyValue("Scan", "Type", in.Type, expr.MaxHashLen)
	}
	return nil
}

// scanSQL returns the statement of one page of a scan and its arguments;
// after is the primary key of the cursor, or nil on the first page.
func scanSQL(in rd.ScanInput, after *rd.Key) (string, []any) {
	var args []any
	// The blob of an item the Type filter drops is not needed.
	itemExpr := "item"
	if in.Type != "" {
		itemExpr = "CASE WHEN type = ? THEN item END"
		args = append(args, in.Type)
	}
	query := "SELECT " + keyColumnList + ", size, " + itemExpr + " FROM items"
	if after != nil {
		// A row value seeks in the primary key rather than reading from
		// its start.
		query += " WHERE (pk, sk) > (?, ?)"
		args = append(args, after.PK, after.SK)
	}
	query += " ORDER BY pk, sk"
	if in.Limit > 0 && in.Type == "" {
		// One row more than the page tells whether another page follows.
		query += " LIMIT ?"
		args = append(args, in.Limit+1)
	}
	return query, args
}

// A scan cursor is the primary key of the last item a page read, after a
// version byte of its own and a fingerprint of the scan's Type filter, in
// unpadded base64url. Neither a query's cursor nor one of a scan of another
// type is accepted.

const scanCursorVersion = 0x81

// scanFingerprint identifies the scan that a cursor belongs to.
func scanFingerprint(in rd.ScanInput) []byte {
	h := sha256.New()
	h.Write(appendString([]byte("scan"), in.Type))
	return h.Sum(nil)[:8]
}

// encodeScanCursor returns the cursor after the item with the key pk, sk.
func encodeScanCursor(in rd.ScanInput, pk, sk string) string {
	buf := append([]byte{scanCursorVersion}, scanFingerprint(in)...)
	buf = appendString(buf, pk)
	buf = appendString(buf, sk)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// decodeScanCursor returns the key of in.Cursor, or nil for none.
func decodeScanCursor(in rd.ScanInput) (*rd.Key, error) {
	if in.Cursor == "" {
		return nil, nil
	}
	bad := rd.Invalid("Scan", "Cursor", "must come from a page of a scan of the same type",
		in.Cursor)
	raw, err := base64.RawURLEncoding.DecodeString(in.Cursor)
	if err != nil || len(raw) < 9 || raw[0] != scanCursorVersion {
		return nil, bad
	}
	if string(raw[1:9]) != string(scanFingerprint(in)) {
		return nil, bad
	}
	d := decoder{s: string(raw[9:])}
	k := rd.Key{PK: d.string(), SK: d.string()}
	if d.err != nil || d.pos != len(d.s) || k.PK == "" || k.SK == "" {
		return nil, bad
	}
	return &k, nil
}
