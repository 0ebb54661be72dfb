package ddb_test

import (
	"testing"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/tabletest"
)

// TestReceiptClientDynalite runs the receipt client's contract checks
// against dynalite 4.0.0, without the checks that need transactions. The
// two server tests run in parallel with each other (one server each), as
// moto_server alone takes about a minute.
func TestReceiptClientDynalite(t *testing.T) {
	t.Parallel()
	client := newClient(serverURL(t, envDynalite))
	newDynalite := func(t *testing.T) rd.Table { return newTable(t, client) }
	sum := tabletest.RunReceiptClient(t, newDynalite, tabletest.Name("ddb on dynalite 4.0.0"),
		tabletest.SkipTransactions(
			"dynalite 4.0.0 has no transactions (UnknownOperationException)"))
	if sum.Passed == 0 {
		t.Errorf("no receipt client check passed: %+v", sum)
	}
}

// TestReceiptClientMoto runs every receipt client check against
// moto_server, through a table that sends one request at a time: moto does
// not isolate concurrent transactions (see TestJobClientMoto), and the
// concurrent tagging check would otherwise test moto rather than the
// client. Its goroutines still interleave between requests.
func TestReceiptClientMoto(t *testing.T) {
	t.Parallel()
	client := newClient(serverURL(t, envMoto))
	sum := tabletest.RunReceiptClient(t, func(t *testing.T) rd.Table {
		return &serialTable{Table: newTable(t, client)}
	}, tabletest.Name("ddb on moto_server"))
	if sum.Skipped != 0 {
		t.Errorf("%d receipt client checks skipped on moto_server, want none", sum.Skipped)
	}
}
