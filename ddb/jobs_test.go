package ddb_test

import (
	"context"
	"sync"
	"testing"
	"time"

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
		tabletest.SkipTransactions(
			"dynalite 4.0.0 has no transactions (UnknownOperationException)"))
	if sum.Passed == 0 {
		t.Errorf("no job client check passed: %+v", sum)
	}
}

// TestJobClientMoto runs every job client check against moto_server,
// concurrent claims included.
//
// moto_server answers requests on concurrent threads but does not isolate
// them: TransactWriteItems takes a deep copy of the whole table before its
// first action and, when any action fails, puts that copy back, undoing
// every write that other requests committed in the meantime (moto 5.2.1,
// moto/dynamodb/models/__init__.py, transact_write_items). A claim that
// loses a race would thus resurrect the queue entries other workers had
// taken. DynamoDB has no such behaviour, so the checks reach moto through a
// table that sends one request at a time: the workers of the concurrent
// checks still interleave between requests (their reads go stale, their
// conditions fail and are retried), which is what the client handles.
//
// The same deep copy makes every transaction cost time in proportion to the
// table: about 0.4 s at the size of the full concurrent claim check (200
// jobs, 400 transactions and more), which then runs for about two minutes on
// an idle machine, so that check gets a longer timeout here.
func TestJobClientMoto(t *testing.T) {
	client := newClient(serverURL(t, envMoto))
	sum := tabletest.RunJobClient(t, func(t *testing.T) rd.Table {
		return &serialTable{Table: newTable(t, client)}
	}, tabletest.Name("ddb on moto_server"), tabletest.CheckTimeout(20*time.Minute))
	if sum.Skipped != 0 {
		t.Errorf("%d job client checks skipped on moto_server, want none", sum.Skipped)
	}
}

// serialTable passes the calls of its goroutines to Table one at a time.
type serialTable struct {
	rd.Table
	mu sync.Mutex
}

func (s *serialTable) Get(ctx context.Context, k rd.Key) (rd.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.Get(ctx, k)
}

func (s *serialTable) Put(ctx context.Context, it rd.Item, c rd.Condition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.Put(ctx, it, c)
}

func (s *serialTable) Delete(ctx context.Context, k rd.Key, c rd.Condition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.Delete(ctx, k, c)
}

func (s *serialTable) Update(ctx context.Context, k rd.Key, u rd.Update,
	c rd.Condition) (rd.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.Update(ctx, k, u, c)
}

func (s *serialTable) Query(ctx context.Context, q rd.Query) (rd.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.Query(ctx, q)
}

func (s *serialTable) Count(ctx context.Context, q rd.Query) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.Count(ctx, q)
}

func (s *serialTable) BatchWrite(ctx context.Context, reqs []rd.WriteRequest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.BatchWrite(ctx, reqs)
}

func (s *serialTable) BatchGet(ctx context.Context, keys []rd.Key) ([]rd.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.BatchGet(ctx, keys)
}

func (s *serialTable) TransactWrite(ctx context.Context, tx rd.Transaction) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.TransactWrite(ctx, tx)
}

func (s *serialTable) TransactGet(ctx context.Context, keys []rd.Key) ([]rd.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Table.TransactGet(ctx, keys)
}
