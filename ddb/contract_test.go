package ddb_test

import (
	"testing"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/tabletest"
)

// TestContractDynalite runs the contract suite against dynalite 4.0.0,
// which has no transactions.
func TestContractDynalite(t *testing.T) {
	client := newClient(serverURL(t, envDynalite))
	sum := tabletest.Run(t, func(t *testing.T) rd.Table { return newTable(t, client) },
		tabletest.Name("ddb on dynalite 4.0.0"),
		tabletest.SkipTransactions(
			"dynalite 4.0.0 has no transactions (UnknownOperationException)"))
	if sum.Passed == 0 {
		t.Errorf("no check passed: %+v", sum)
	}
}

// motoSkips are the checks that moto_server cannot pass, and why. The
// engine's side of the skipped check (it sends the same ClientRequestToken
// on every attempt of one transaction, and never another's) is proved by
// TestTxConflictRetriedWithOwnToken through the fault proxy.
var motoSkips = map[string]string{
	"tx/idempotent-token": "moto 5.2.1 ignores ClientRequestToken: it applies a repeated " +
		"transaction again and never answers IdempotentParameterMismatchException",
}

// TestContractMoto runs the contract suite against moto_server, every check
// but those of motoSkips.
func TestContractMoto(t *testing.T) {
	client := newClient(serverURL(t, envMoto))
	opts := []tabletest.Option{tabletest.Name("ddb on moto_server")}
	for name, reason := range motoSkips {
		opts = append(opts, tabletest.Skip(reason, name))
	}
	sum := tabletest.Run(t, func(t *testing.T) rd.Table { return newTable(t, client) },
		opts...)
	if sum.Skipped != len(motoSkips) {
		t.Errorf("%d checks skipped on moto_server, want %d", sum.Skipped, len(motoSkips))
	}
}
