package ddb_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/ddb"
	"github.com/receiptdynamo/receiptdynamo/internal/faultproxy"
)

// counterTx returns a transaction that puts two words of image img and adds
// 1 to a counter, which shows how often the transaction was applied.
func counterTx(img int) rd.Transaction {
	return rd.Transaction{Actions: []rd.TxAction{
		rd.PutAction(wordItem(img, 0), nil),
		rd.PutAction(wordItem(img, 1), nil),
		rd.UpdateAction(counterKey(img), rd.Update{Add: map[string]types.AttributeValue{
			"n": &types.AttributeValueMemberN{Value: "1"}}}, nil),
	}}
}

func counterKey(img int) rd.Key { return rd.Key{PK: fmt.Sprintf("COUNTER#%d", img), SK: "C"} }

// TestTxConflictRetriedWithOwnToken runs four transactions at once through
// twelve injected conflicts, throttling and server errors: each is
// applied once, and every attempt of a transaction carries its own token
// and only its own actions.
func TestTxConflictRetriedWithOwnToken(t *testing.T) {
	url := serverURL(t, envMoto)
	policy := testPolicy
	policy.MaxAttempts = 20 // more than the conflicts injected in all
	const conflicts, txs = 12, 4
	s := setupFaults(t, url, faultproxy.Faults{Seed: 4, TxConflicts: conflicts,
		Throttle: 0.15, ServerError: 0.1}, ddb.WithRetryPolicy(policy))
	ctx := t.Context()

	var wg sync.WaitGroup
	errs := make([]error, txs)
	for i := range txs {
		tx := counterTx(600 + i)
		if i == 0 {
			tx.Token = fmt.Sprintf("fault-test-%d", time.Now().UnixNano())
		}
		wg.Go(func() { errs[i] = s.proxied.TransactWrite(ctx, tx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("transaction %d: %v", i, err)
		}
	}

	// One token per transaction, one transaction per token.
	tokenItems := map[string]map[string]bool{}
	itemTokens := map[string]map[string]bool{}
	forwarded := map[string]int{}
	answers := map[string]int{}
	for _, r := range s.proxy.TxRequests() {
		if r.Token == "" {
			t.Errorf("a TransactWriteItems request without a token")
		}
		if tokenItems[r.Token] == nil {
			tokenItems[r.Token] = map[string]bool{}
		}
		if itemTokens[r.Items] == nil {
			itemTokens[r.Items] = map[string]bool{}
		}
		tokenItems[r.Token][r.Items] = true
		itemTokens[r.Items][r.Token] = true
		answers[r.Answer]++
		if r.Answer == "forwarded" {
			forwarded[r.Token]++
		}
	}
	if len(tokenItems) != txs || len(itemTokens) != txs {
		t.Errorf("%d tokens for %d distinct transactions, want %d of each", len(tokenItems),
			len(itemTokens), txs)
	}
	for token, items := range tokenItems {
		if len(items) != 1 {
			t.Errorf("token %s sent with %d different transactions", token, len(items))
		}
		if forwarded[token] != 1 {
			t.Errorf("token %s reached the server %d times, want once", token, forwarded[token])
		}
	}
	if answers["throttle"] == 0 || answers["500"] == 0 {
		t.Errorf("answers %v: want some throttled and some failed attempts", answers)
	}
	if answers["conflict"] != conflicts {
		t.Errorf("%d conflicts met, want %d", answers["conflict"], conflicts)
	}
	if got := s.log.count(msgTxRetry); got != conflicts {
		t.Errorf("%d retries of cancelled transactions, want %d", got, conflicts)
	}

	// On the server, each transaction applied once.
	for i := range txs {
		it, err := s.direct.Get(ctx, counterKey(600+i))
		if err != nil {
			t.Fatalf("counter %d: %v", i, err)
		}
		if n := it["n"].(*types.AttributeValueMemberN).Value; n != "1" {
			t.Errorf("counter of transaction %d is %s, want 1", i, n)
		}
		if _, err := s.direct.Get(ctx, keyOf(wordItem(600+i, 1))); err != nil {
			t.Errorf("word of transaction %d: %v", i, err)
		}
	}
	t.Logf("%d transactions: %d TransactWriteItems requests (%v)", txs,
		len(s.proxy.TxRequests()), answers)
}

// TestTxConflictReported keeps answering with conflicts: the transaction
// is tried MaxAttempts times with one token, then reported as cancelled,
// and nothing is written.
func TestTxConflictReported(t *testing.T) {
	url := serverURL(t, envMoto)
	policy := testPolicy
	policy.MaxAttempts = 4
	s := setupFaults(t, url, faultproxy.Faults{TxConflicts: 1000}, ddb.WithRetryPolicy(policy))
	tx := counterTx(700)

	err := s.proxied.TransactWrite(t.Context(), tx)
	var tce *rd.TxCanceledError
	if !errors.As(err, &tce) || !errors.Is(err, rd.ErrTransactionCanceled) {
		t.Fatalf("transaction meeting only conflicts: %v, want a *TxCanceledError", err)
	}
	if len(tce.Reasons) != len(tx.Actions) || tce.Reasons[0].Code != rd.ReasonTransactionConflict ||
		tce.Reasons[1].Code != rd.ReasonNone {
		t.Errorf("reasons %+v, want a conflict on action 0 of 3", tce.Reasons)
	}
	reqs := s.proxy.TxRequests()
	if len(reqs) != policy.MaxAttempts {
		t.Errorf("%d attempts, want %d", len(reqs), policy.MaxAttempts)
	}
	for _, r := range reqs {
		if r.Token != reqs[0].Token || r.Items != reqs[0].Items {
			t.Errorf("attempt %+v differs from the first %+v", r, reqs[0])
		}
	}
	for _, k := range []rd.Key{counterKey(700), keyOf(wordItem(700, 0))} {
		if _, err := s.direct.Get(t.Context(), k); !errors.Is(err, rd.ErrNotFound) {
			t.Errorf("item %v of the cancelled transaction: %v, want ErrNotFound", k, err)
		}
	}
}

// TestTxConditionNotRetried checks that a transaction cancelled by its
// condition is reported at once, never sent again.
func TestTxConditionNotRetried(t *testing.T) {
	url := serverURL(t, envMoto)
	s := setupFaults(t, url, faultproxy.Faults{})
	ctx := t.Context()
	if err := s.direct.Put(ctx, wordItem(800, 0), nil); err != nil {
		t.Fatal(err)
	}
	tx := rd.Transaction{Actions: []rd.TxAction{
		rd.PutAction(wordItem(800, 1), nil),
		rd.PutAction(wordItem(800, 0), rd.IfNotExists),
	}}
	err := s.proxied.TransactWrite(ctx, tx)
	var tce *rd.TxCanceledError
	if !errors.As(err, &tce) || len(tce.Reasons) != 2 ||
		tce.Reasons[1].Code != rd.ReasonConditionalCheckFailed {
		t.Fatalf("transaction with a failing condition: %v, want action 1 to have failed", err)
	}
	if n := len(s.proxy.TxRequests()); n != 1 {
		t.Errorf("%d TransactWriteItems requests, want 1", n)
	}
	if _, err := s.direct.Get(ctx, keyOf(wordItem(800, 1))); !errors.Is(err, rd.ErrNotFound) {
		t.Errorf("item of the cancelled transaction: %v, want ErrNotFound", err)
	}
}
