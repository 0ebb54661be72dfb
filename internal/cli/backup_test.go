package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/ddbjson"
	"github.com/receiptdynamo/receiptdynamo/sqlite"
)

// laggingTable is a table whose indexes have not caught up with any write,
// as an eventually consistent index may be: every index query finds
// nothing. It records the limits of the scans it serves, and fails the
// scan numbered failAt (from 1) when that is not 0.
type laggingTable struct {
	rd.Table
	scanLimits []int
	failAt     int
}

var errScanFailed = errors.New("scan failed on purpose")

func (l *laggingTable) Query(ctx context.Context, q rd.Query) (rd.Page, error) {
	if q.Index != "" {
		return rd.Page{}, nil
	}
	return l.Table.Query(ctx, q)
}

func (l *laggingTable) Scan(ctx context.Context, in rd.ScanInput) (rd.Page, error) {
	l.scanLimits = append(l.scanLimits, in.Limit)
	if len(l.scanLimits) == l.failAt {
		return rd.Page{}, errScanFailed
	}
	return l.Table.Scan(ctx, in)
}

// newBackupTable returns an embedded table holding count items of three
// types, in 37 partitions.
func newBackupTable(t *testing.T, count int) rd.Table {
	t.Helper()
	ctx := t.Context()
	tbl, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "backup.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tbl.Close() })
	if err := tbl.Create(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := make([]rd.WriteRequest, count)
	for i := range reqs {
		reqs[i].Put = rd.Item{
			rd.AttrPK:   &types.AttributeValueMemberS{Value: fmt.Sprintf("P#%d", i%37)},
			rd.AttrSK:   &types.AttributeValueMemberS{Value: fmt.Sprintf("S#%05d", i)},
			rd.AttrType: &types.AttributeValueMemberS{Value: rd.ItemTypes[i%3]},
		}
	}
	if err := tbl.BatchWrite(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	return tbl
}

// TestBackupItemsScansEveryItem checks that a backup holds every item once
// even when the GSITYPE index has not caught up, counts them per type, and
// reads pages of at most backupPage items.
func TestBackupItemsScansEveryItem(t *testing.T) {
	const count = 2*backupPage + 123
	tbl := &laggingTable{Table: newBackupTable(t, count)}

	var buf bytes.Buffer
	w := ddbjson.NewWriter(&buf)
	view := backupView{Types: map[string]int{}}
	if err := backupItems(t.Context(), tbl, w, &progress{}, &view); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}

	if view.Items != count {
		t.Errorf("view counts %d items, want %d", view.Items, count)
	}
	for i := range 3 {
		typ := rd.ItemTypes[i]
		want := count / 3
		if i < count%3 {
			want++
		}
		if view.Types[typ] != want {
			t.Errorf("view counts %d items of %s, want %d", view.Types[typ], typ, want)
		}
	}
	if len(view.Types) != 3 {
		t.Errorf("view counts types %v, want 3", view.Types)
	}

	seen := map[string]bool{}
	r := ddbjson.NewReader(&buf)
	for {
		item, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("line %d: %v", r.Line(), err)
		}
		k := item[rd.AttrPK].(*types.AttributeValueMemberS).Value + " " +
			item[rd.AttrSK].(*types.AttributeValueMemberS).Value
		if seen[k] {
			t.Errorf("item %s written twice", k)
		}
		seen[k] = true
	}
	if len(seen) != count {
		t.Errorf("backup holds %d items, want %d", len(seen), count)
	}

	if len(tbl.scanLimits) < 3 {
		t.Errorf("%d scans for %d items, want at least 3 pages", len(tbl.scanLimits), count)
	}
	for i, limit := range tbl.scanLimits {
		if limit <= 0 || limit > backupPage {
			t.Errorf("scan %d asked for limit %d, want 1 to %d", i, limit, backupPage)
		}
	}
}

// TestBackupItemsScanError checks that a failed page ends the backup with
// the table's error and the count of the items written before it.
func TestBackupItemsScanError(t *testing.T) {
	tbl := &laggingTable{Table: newBackupTable(t, 3*backupPage), failAt: 2}
	var buf bytes.Buffer
	view := backupView{Types: map[string]int{}}
	err := backupItems(t.Context(), tbl, ddbjson.NewWriter(&buf), &progress{}, &view)
	if !errors.Is(err, errScanFailed) {
		t.Fatalf("backup: %v, want the scan's error", err)
	}
	if view.Items != backupPage {
		t.Errorf("view counts %d items before the failed page, want %d", view.Items,
			backupPage)
	}
}

// TestFirstTypeIgnoresIndex checks that restore's emptiness check finds an
// item that the GSITYPE index does not show yet.
func TestFirstTypeIgnoresIndex(t *testing.T) {
	tbl := &laggingTable{Table: newBackupTable(t, 1)}
	typ, err := firstType(t.Context(), tbl)
	if err != nil {
		t.Fatal(err)
	}
	if typ != rd.ItemTypes[0] {
		t.Errorf("first type %q, want %q", typ, rd.ItemTypes[0])
	}
}
