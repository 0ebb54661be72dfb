package ddb_test

import (
	"testing"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/tabletest"
)

// TestJobClientDynalite runs the job client's checks against dynalite
// 4.0.0, which has no transactions: the checks of transactional operations
// (status records, best checkpoints, queues and claims) are skipped there
// and run on moto_server.
func TestJobClientDynalite(t *testing.T) {
	client := newClient(serverURL(t, envDynalite))
	sum := tabletest.RunJobClient(t, func(t *testing.T) rd.Table { return newTable(t, client) },
		tabletest.Name("ddb on dynalite 4.0.0"),
		tabletest.SkipTransactions("dynalite 4.0.0 has no transactions (UnknownOperationException)"))
	if sum.Passed == 0 {
		t.Errorf("no job client check passed: %+v", sum)
	}
}

// TestJobClientMoto runs every job client check against moto_server,
// concurrent claims included.
func TestJobClientMoto(t *testing.T) {
	client := newClient(serverURL(t, envMoto))
	sum := tabletest.RunJobClient(t, func(t *testing.T) rd.Table { return newTable(t, client) },
		tabletest.Name("ddb on moto_server"))
	if sum.Skipped != 0 {
		t.Errorf("%d job client checks skipped on moto_server, want none", sum.Skipped)
	}
}
