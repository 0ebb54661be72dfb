package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// DynamoDB's limits of transactions.
const (
	maxTxActions   = 100
	maxTxBytes     = 4 * 1024 * 1024
	maxTokenLength = 36
	tokenLifetime  = 10 * time.Minute
)

// The statements of transaction tokens.
const (
	sqlTokenGet   = "SELECT hash, at FROM tx_tokens WHERE token = ?"
	sqlTokenPut   = "INSERT OR REPLACE INTO tx_tokens (token, hash, at) VALUES (?, ?, ?)"
	sqlTokenPurge = "DELETE FROM tx_tokens WHERE at < ?"
)

// TransactWrite performs all actions of tx or none, in one SQLite
// transaction. Every condition is evaluated on the items as stored before
// the transaction; if any fails, or an update does not fit the stored item,
// nothing is written and the error is a *receiptdynamo.TxCanceledError with
// one reason per action: ConditionalCheckFailed with the stored item (nil
// if none), ValidationError with what was wrong, None for the others.
//
// A non-empty tx.Token makes the transaction idempotent for 10 minutes, as
// DynamoDB's ClientRequestToken does: the same actions with the same token
// succeed again without being applied again, other actions with it fail
// with ErrInvalid. Only a transaction that succeeded records its token. An
// empty token needs no replacement: a retry of this engine's transaction
// cannot meet a commit it does not know of.
func (t *Table) TransactWrite(ctx context.Context, tx rd.Transaction) error {
	keys, sizes, err := checkTx(tx)
	if err != nil {
		return fmt.Errorf("sqlite: transact write: %w", err)
	}
	var hash []byte
	if tx.Token != "" {
		hash = txHash(tx.Actions)
	}
	err = t.write(ctx, "transact write", func(w *wtx) error {
		now := t.now()
		if tx.Token != "" {
			if done, err := w.claimToken(tx.Token, hash, now); err != nil || done {
				return err
			}
		}
		results, err := w.evaluate(tx.Actions, keys, sizes)
		if err != nil {
			return err
		}
		if err := w.apply(tx.Actions, keys, sizes, results); err != nil {
			return err
		}
		if tx.Token == "" {
			return nil
		}
		if err := w.exec(sqlTokenPurge, now.Add(-tokenLifetime).UnixMilli()); err != nil {
			return err
		}
		return w.exec(sqlTokenPut, tx.Token, hash, now.UnixMilli())
	})
	if err != nil {
		return fmt.Errorf("sqlite: transact write: %w", err)
	}
	return nil
}

// checkTx checks a transaction as DynamoDB does before running it and
// returns the key each action acts on and the size of each put item.
func checkTx(tx rd.Transaction) ([]rd.Key, []int, error) {
	n := len(tx.Actions)
	if n == 0 || n > maxTxActions {
		return nil, nil, rd.Invalid("Transaction", "Actions",
			fmt.Sprintf("must hold 1 to %d actions", maxTxActions), n)
	}
	if len(tx.Token) > maxTokenLength {
		return nil, nil, rd.Invalid("Transaction", "Token",
			fmt.Sprintf("must be at most %d characters", maxTokenLength), len(tx.Token))
	}
	keys, sizes := make([]rd.Key, n), make([]int, n)
	seen := make(map[rd.Key]int, n)
	total := 0
	for i, a := range tx.Actions {
		op := fmt.Sprintf("Transaction.Actions[%d]", i)
		key, size, err := checkAction(op, a)
		if err != nil {
			return nil, nil, err
		}
		if err := expr.ValidateCondition(op, a.Cond); err != nil {
			return nil, nil, err
		}
		if j, dup := seen[key]; dup {
			return nil, nil, rd.Invalid(op, "Key",
				fmt.Sprintf("must not act on the item of Actions[%d]", j), key)
		}
		seen[key] = i
		keys[i] = key
		if a.Kind == rd.TxPut {
			sizes[i] = size
		}
		total += size + condSize(a.Cond)
	}
	if total > maxTxBytes {
		return nil, nil, rd.Invalid("Transaction", "Actions",
			fmt.Sprintf("must total at most %d bytes (4 MB)", maxTxBytes), total)
	}
	return keys, sizes, nil
}

// checkAction checks one action and returns its key and the size it adds
// to the request.
func checkAction(op string, a rd.TxAction) (rd.Key, int, error) {
	if a.Kind == rd.TxPut {
		size, err := expr.ValidateItem(op+".Item", a.Item)
		return expr.KeyOf(a.Item), size, err
	}
	if a.Kind < rd.TxPut || a.Kind > rd.TxCheck {
		return rd.Key{}, 0, rd.Invalid(op, "Kind", "is unknown", int(a.Kind))
	}
	if err := expr.ValidateKey(op+".Key", a.Key); err != nil {
		return rd.Key{}, 0, err
	}
	size := len(rd.AttrPK) + len(a.Key.PK) + len(rd.AttrSK) + len(a.Key.SK)
	switch a.Kind {
	case rd.TxUpdate:
		if err := expr.ValidateUpdate(op+".Update", a.Update); err != nil {
			return rd.Key{}, 0, err
		}
		if a.Update.IsZero() {
			return rd.Key{}, 0, rd.Invalid(op, "Update", "must change something", nil)
		}
		size += updateSize(a.Update)
	case rd.TxCheck:
		if len(a.Cond) == 0 {
			return rd.Key{}, 0, rd.Invalid(op, "Cond", "must not be empty in a check", nil)
		}
	}
	return a.Key, size, nil
}

// updateSize and condSize count the names and values of an update or a
// condition towards the 4 MB of a transaction.
func updateSize(u rd.Update) int {
	n := 0
	for _, m := range []map[string]types.AttributeValue{u.Set, u.Add, u.Delete} {
		n += expr.Size(m)
	}
	for _, name := range u.Remove {
		n += len(name)
	}
	return n
}

func condSize(cond rd.Condition) int {
	n := 0
	for _, c := range cond {
		n += len(c.Attr)
		if c.Value != nil {
			n += expr.ValueSize(c.Value)
		}
	}
	return n
}

// claimToken looks up a transaction token. done reports a replay of the
// transaction that recorded it, which succeeds without being applied; a
// token recorded for other actions is refused.
func (w *wtx) claimToken(token string, hash []byte, now time.Time) (done bool, err error) {
	s, err := w.stmt(sqlTokenGet)
	if err != nil {
		return false, err
	}
	var stored []byte
	var at int64
	err = s.QueryRowContext(w.ctx, token).Scan(&stored, &at)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && at < now.Add(-tokenLifetime).UnixMilli()) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !bytes.Equal(stored, hash) {
		return false, rd.Invalid("Transaction", "Token",
			"was used by another transaction within the last 10 minutes "+
				"(IdempotentParameterMismatch)", token)
	}
	return true, nil
}

// evaluate checks every action against the stored items and returns the
// items that updates make, indexed like the actions. If an action fails,
// it returns a *receiptdynamo.TxCanceledError with every action's reason.
// sizes gets the size of each updated item.
func (w *wtx) evaluate(actions []rd.TxAction, keys []rd.Key, sizes []int) ([]rd.Item, error) {
	results := make([]rd.Item, len(actions))
	reasons := make([]rd.TxReason, len(actions))
	failed := false
	for i, a := range actions {
		reasons[i].Code = rd.ReasonNone
		if len(a.Cond) == 0 && a.Kind != rd.TxUpdate {
			continue // nothing to read
		}
		stored, err := w.load(keys[i])
		if err != nil {
			return nil, err
		}
		if !expr.Eval(a.Cond, stored) {
			reasons[i] = rd.TxReason{Code: rd.ReasonConditionalCheckFailed,
				Message: "The conditional request failed", Item: stored}
			failed = true
			continue
		}
		if a.Kind != rd.TxUpdate {
			continue
		}
		op := fmt.Sprintf("Transaction.Actions[%d]", i)
		next, size, err := applyUpdate(op, keys[i], stored, a.Update)
		if errors.Is(err, rd.ErrInvalid) {
			reasons[i] = rd.TxReason{Code: rd.ReasonValidationError, Message: err.Error()}
			failed = true
			continue
		}
		if err != nil {
			return nil, err
		}
		results[i], sizes[i] = next, size
	}
	if failed {
		return nil, &rd.TxCanceledError{Reasons: reasons}
	}
	return results, nil
}

// apply writes the actions after evaluate found that all hold.
func (w *wtx) apply(actions []rd.TxAction, keys []rd.Key, sizes []int,
	results []rd.Item) error {
	for i, a := range actions {
		var err error
		switch a.Kind {
		case rd.TxPut:
			err = w.put(a.Item, sizes[i])
		case rd.TxUpdate:
			err = w.put(results[i], sizes[i])
		case rd.TxDelete:
			err = w.delete(keys[i])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// txHash returns a digest of the actions that tells a replay of a
// transaction from another transaction with the same token. Maps are
// encoded in sorted order, so equal actions give equal digests.
func txHash(actions []rd.TxAction) []byte {
	var buf []byte
	appendMap := func(m map[string]types.AttributeValue) {
		buf = appendItem(buf, m, true)
	}
	for _, a := range actions {
		buf = binary.AppendUvarint(buf, uint64(a.Kind))
		if a.Kind == rd.TxPut {
			appendMap(a.Item)
		} else {
			buf = appendString(appendString(buf, a.Key.PK), a.Key.SK)
		}
		if a.Kind == rd.TxUpdate {
			appendMap(a.Update.Set)
			buf = binary.AppendUvarint(buf, uint64(len(a.Update.Remove)))
			for _, name := range a.Update.Remove {
				buf = appendString(buf, name)
			}
			appendMap(a.Update.Add)
			appendMap(a.Update.Delete)
		}
		buf = binary.AppendUvarint(buf, uint64(len(a.Cond)))
		for _, c := range a.Cond {
			buf = appendString(buf, c.Attr)
			buf = binary.AppendUvarint(buf, uint64(c.Op))
			if c.Value == nil {
				buf = append(buf, 0)
			} else {
				buf = appendValue(append(buf, 1), c.Value, true)
			}
		}
	}
	sum := sha256.Sum256(buf)
	return sum[:]
}

// TransactGet reads up to 100 items as of one point in time, in the order
// of keys, with nil where no item is stored.
func (t *Table) TransactGet(ctx context.Context, keys []rd.Key) ([]rd.Item, error) {
	if len(keys) == 0 || len(keys) > maxTxActions {
		return nil, fmt.Errorf("sqlite: transact get: %w", rd.Invalid("TransactGet", "keys",
			fmt.Sprintf("must hold 1 to %d keys", maxTxActions), len(keys)))
	}
	if err := checkKeys("TransactGet", keys); err != nil {
		return nil, fmt.Errorf("sqlite: transact get: %w", err)
	}
	items := make([]rd.Item, len(keys))
	if err := t.getAll(ctx, "transact get", keys, items); err != nil {
		return nil, fmt.Errorf("sqlite: transact get: %w", err)
	}
	return items, nil
}
