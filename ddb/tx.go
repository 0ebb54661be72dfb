package ddb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// TransactWrite performs all actions of tx or none, with tx.Token as
// DynamoDB's ClientRequestToken (a random one when empty). Every action asks
// for the stored item when its condition fails, so that the reasons of a
// *receiptdynamo.TxCanceledError carry it.
//
// A transaction cancelled only by conflicts with concurrent transactions or
// by throttling is sent again, with the same token, under the retry policy;
// one that keeps being cancelled so is reported like any other cancellation.
func (t *Table) TransactWrite(ctx context.Context, tx rd.Transaction) error {
	items, err := t.txWriteItems(tx.Actions)
	if err != nil {
		return fmt.Errorf("ddb: transact write: %w", err)
	}
	token := tx.Token
	if token == "" {
		token = newToken()
	} else if len(token) > maxTokenLength {
		return fmt.Errorf("ddb: transact write: %w", rd.Invalid("Transaction", "Token",
			fmt.Sprintf("must be at most %d characters", maxTokenLength), len(token)))
	}
	in := &dynamodb.TransactWriteItemsInput{TransactItems: items, ClientRequestToken: &token}

	err = t.retryCanceled(ctx, "TransactWriteItems", len(items), func() error {
		_, err := t.client.TransactWriteItems(ctx, in)
		return err
	})
	if err != nil {
		return fmt.Errorf("ddb: transact write: %w", err)
	}
	return nil
}

// retryCanceled calls send, which sends one transaction of n actions, again
// while the transaction is cancelled only by conflicts or throttling and
// the policy allows more attempts. It returns nil, the last error
// classified (a cancellation as a *receiptdynamo.TxCanceledError with n
// reasons), or ctx.Err() if ctx ends during a wait.
func (t *Table) retryCanceled(ctx context.Context, op string, n int, send func() error) error {
	for attempt := 1; ; attempt++ {
		err := send()
		if err == nil {
			return nil
		}
		err = callError(ctx, err)
		var canceled *rd.TxCanceledError
		if errors.As(err, &canceled) {
			canceled.Reasons = padReasons(canceled.Reasons, n)
		}
		if canceled == nil || !transient(canceled) || attempt >= t.policy.MaxAttempts {
			return err
		}

		d := t.policy.delay(attempt)
		t.log.LogAttrs(ctx, slog.LevelWarn, "ddb: retrying cancelled transaction",
			slog.String("op", op), slog.String("reasons", canceled.Error()),
			slog.Int("attempt", attempt), slog.Duration("delay", d))
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// transient reports whether a transaction was cancelled only for reasons
// that a later attempt may not meet: conflicts and throttling.
func transient(e *rd.TxCanceledError) bool {
	seen := false
	for _, r := range e.Reasons {
		switch r.Code {
		case rd.ReasonNone, "":
		case rd.ReasonTransactionConflict, rd.ReasonThrottlingError:
			seen = true
		default:
			return false
		}
	}
	return seen
}

// padReasons makes sure a cancellation has one reason per action, as the
// interface promises, should a server answer with fewer.
func padReasons(reasons []rd.TxReason, n int) []rd.TxReason {
	for len(reasons) < n {
		reasons = append(reasons, rd.TxReason{Code: rd.ReasonNone})
	}
	return reasons
}

// newToken returns a random ClientRequestToken of 32 hex digits.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails; see crypto/rand.Read
	return hex.EncodeToString(b[:])
}

// txWriteItems checks and translates the actions of a transaction.
func (t *Table) txWriteItems(actions []rd.TxAction) ([]types.TransactWriteItem, error) {
	if len(actions) == 0 || len(actions) > maxTxActions {
		return nil, rd.Invalid("Transaction", "Actions",
			fmt.Sprintf("must hold 1 to %d actions", maxTxActions), len(actions))
	}
	items := make([]types.TransactWriteItem, len(actions))
	seen := make(map[rd.Key]int, len(actions))
	total := 0
	for i, a := range actions {
		field := fmt.Sprintf("Actions[%d]", i)
		item, key, size, err := t.txWriteItem(a, field)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[key]; dup {
			return nil, rd.Invalid("Transaction", field,
				fmt.Sprintf("must not act on the item of Actions[%d]", j), key)
		}
		seen[key] = i
		items[i] = item
		total += size
	}
	if total > maxTxBytes {
		return nil, rd.Invalid("Transaction", "Actions",
			fmt.Sprintf("must total at most %d bytes", maxTxBytes), total)
	}
	return items, nil
}

// txWriteItem translates one action and returns the key it acts on and its
// size.
func (t *Table) txWriteItem(a rd.TxAction, field string) (types.TransactWriteItem,
	rd.Key, int, error) {
	var none types.TransactWriteItem
	key, size := a.Key, len(a.Key.PK)+len(a.Key.SK)
	if a.Kind == rd.TxPut {
		var err error
		if key, size, err = checkItem(a.Item, "Transaction", field+".Item"); err != nil {
			return none, rd.Key{}, 0, err
		}
	} else if err := checkKey(a.Key, "Transaction", field+".Key"); err != nil {
		return none, rd.Key{}, 0, err
	}

	var b exprBuilder
	cond, err := b.condition(a.Cond, "Transaction."+field)
	if err != nil {
		return none, rd.Key{}, 0, err
	}
	onFail := types.ReturnValuesOnConditionCheckFailureAllOld
	switch a.Kind {
	case rd.TxPut:
		return types.TransactWriteItem{Put: &types.Put{
			TableName: &t.name, Item: a.Item, ConditionExpression: cond,
			ExpressionAttributeNames: b.attrNames(), ExpressionAttributeValues: b.attrValues(),
			ReturnValuesOnConditionCheckFailure: onFail,
		}}, key, size, nil
	case rd.TxUpdate:
		upd, err := b.update(a.Update, "Transaction."+field+".Update")
		if err != nil {
			return none, rd.Key{}, 0, err
		}
		if upd == nil {
			return none, rd.Key{}, 0, rd.Invalid("Transaction", field+".Update",
				"must change something", nil)
		}
		return types.TransactWriteItem{Update: &types.Update{
			TableName: &t.name, Key: keyAttrs(key), UpdateExpression: upd,
			ConditionExpression: cond, ExpressionAttributeNames: b.attrNames(),
			ExpressionAttributeValues: b.attrValues(), ReturnValuesOnConditionCheckFailure: onFail,
		}}, key, size, nil
	case rd.TxDelete:
		return types.TransactWriteItem{Delete: &types.Delete{
			TableName: &t.name, Key: keyAttrs(key), ConditionExpression: cond,
			ExpressionAttributeNames: b.attrNames(), ExpressionAttributeValues: b.attrValues(),
			ReturnValuesOnConditionCheckFailure: onFail,
		}}, key, size, nil
	case rd.TxCheck:
		if cond == nil {
			return none, rd.Key{}, 0, rd.Invalid("Transaction", field+".Cond",
				"must not be empty in a check", nil)
		}
		return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &t.name, Key: keyAttrs(key), ConditionExpression: cond,
			ExpressionAttributeNames: b.attrNames(), ExpressionAttributeValues: b.attrValues(),
			ReturnValuesOnConditionCheckFailure: onFail,
		}}, key, size, nil
	}
	return none, rd.Key{}, 0, rd.Invalid("Transaction", field+".Kind", "is unknown", int(a.Kind))
}

// TransactGet reads up to 100 items as of one point in time, in the order of
// keys, with nil where no item is stored. A read cancelled only by conflicts
// with concurrent transactions or by throttling is sent again under the
// retry policy.
func (t *Table) TransactGet(ctx context.Context, keys []rd.Key) ([]rd.Item, error) {
	if len(keys) == 0 || len(keys) > maxTxActions {
		return nil, fmt.Errorf("ddb: transact get: %w", rd.Invalid("TransactGet", "keys",
			fmt.Sprintf("must hold 1 to %d keys", maxTxActions), len(keys)))
	}
	if err := checkKeys(keys, "TransactGet"); err != nil {
		return nil, fmt.Errorf("ddb: transact get: %w", err)
	}
	gets := make([]types.TransactGetItem, len(keys))
	for i, k := range keys {
		gets[i] = types.TransactGetItem{Get: &types.Get{TableName: &t.name, Key: keyAttrs(k)}}
	}

	in := &dynamodb.TransactGetItemsInput{TransactItems: gets}
	var out *dynamodb.TransactGetItemsOutput
	err := t.retryCanceled(ctx, "TransactGetItems", len(keys), func() error {
		var err error
		out, err = t.client.TransactGetItems(ctx, in)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ddb: transact get: %w", err)
	}
	if len(out.Responses) != len(keys) {
		return nil, fmt.Errorf("ddb: transact get: %d responses for %d keys",
			len(out.Responses), len(keys))
	}
	items := make([]rd.Item, len(keys))
	for i, r := range out.Responses {
		items[i] = nilIfEmpty(r.Item)
	}
	return items, nil
}
