package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/tabletest"
)

// newTable returns a handle to a table in a new file that does not exist
// yet, as tabletest.Run wants.
func newTable(t *testing.T) rd.Table {
	t.Helper()
	tbl, err := Open(context.Background(), filepath.Join(t.TempDir(), "table.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return tbl
}

func TestContract(t *testing.T) {
	sum := tabletest.Run(t, newTable, tabletest.Name("sqlite"))
	if sum.Passed == 0 || sum.Skipped != 0 {
		t.Errorf("%s: every check must run on the embedded engine", sum)
	}
}
