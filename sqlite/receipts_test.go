package sqlite

import (
	"testing"

	"github.com/receiptdynamo/receiptdynamo/tabletest"
)

// TestReceiptClient runs the receipt client's contract checks on the
// embedded engine, every one of them: it has transactions.
func TestReceiptClient(t *testing.T) {
	sum := tabletest.RunReceiptClient(t, newTable, tabletest.Name("sqlite"))
	if sum.Skipped != 0 {
		t.Errorf("%d receipt client checks skipped on sqlite, want none", sum.Skipped)
	}
}
