package sqlite

import (
	"testing"

	"github.com/receiptdynamo/receiptdynamo/tabletest"
)

// TestJobClient runs the job client's contract checks on the embedded
// engine, transactions and concurrent claims included.
func TestJobClient(t *testing.T) {
	sum := tabletest.RunJobClient(t, newTable, tabletest.Name("sqlite"))
	if sum.Passed == 0 || sum.Skipped != 0 {
		t.Errorf("%s: every job client check must run on the embedded engine", sum)
	}
}
