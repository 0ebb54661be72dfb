package receiptdynamo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	mrand "math/rand/v2"
	"time"
)

// This file holds how the job side sends contended transactions. Two kinds
// of refusal are worth another attempt:
//
//   - A transaction cancelled only by conflicts with other transactions on
//     the same items (or by throttling) did nothing wrong: it is sent again
//     unchanged, with the same ClientRequestToken, so that it can never be
//     applied twice.
//   - A transaction whose condition failed because another writer changed an
//     item between our read and our write (a claim racing another claim, two
//     calls switching the best checkpoint) must be rebuilt from a fresh read.
//     Those loops live with their operations and use txBackoff between
//     rounds.
//
// Both are bounded: txAttempts sends of one transaction, and the rounds of
// each operation.

// Retry bounds of the client's transactions.
const (
	txAttempts  = 8
	txBaseDelay = 4 * time.Millisecond
	txMaxDelay  = 250 * time.Millisecond
)

// txBackoff waits before retry n (n >= 1): a uniformly random time below
// min(txMaxDelay, txBaseDelay * 2^(n-1)) ("full jitter"), so that contending
// callers spread out. It returns the context's error if it ends first.
func txBackoff(ctx context.Context, n int) error {
	ceiling := txMaxDelay
	if n >= 1 && n <= 16 {
		ceiling = min(txMaxDelay, txBaseDelay<<(n-1))
	}
	timer := time.NewTimer(mrand.N(ceiling) + time.Microsecond)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// retryRounds calls once up to rounds times, with txBackoff between, while
// it fails with an error matching again: a round that lost to a concurrent
// writer and must start from a fresh read. It returns once's last error.
func retryRounds(ctx context.Context, rounds int, again error, once func() error) error {
	for round := 1; ; round++ {
		err := once()
		if !errors.Is(err, again) || round >= rounds {
			return err
		}
		if err := txBackoff(ctx, round); err != nil {
			return err
		}
	}
}

// newTxToken returns a random ClientRequestToken.
func newTxToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails; see crypto/rand.Read
	return hex.EncodeToString(b[:])
}

// transact performs tx, sending it again with the same token while it is
// cancelled only by conflicts or throttling, at most txAttempts times. Any
// other outcome, among them a failed condition, is returned as it is.
func (c *Client) transact(ctx context.Context, op string, tx Transaction) error {
	if tx.Token == "" {
		tx.Token = newTxToken()
	}
	for attempt := 1; ; attempt++ {
		err := c.table.TransactWrite(ctx, tx)
		if err == nil || attempt >= txAttempts || !onlyContention(err) {
			return err
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "receiptdynamo: retrying contended transaction",
			slog.String("op", op), slog.Int("attempt", attempt), slog.String("error", err.Error()))
		if err := txBackoff(ctx, attempt); err != nil {
			return err
		}
	}
}

// onlyContention reports whether err is a cancelled transaction whose every
// reason is a conflict with another transaction, throttling or none.
func onlyContention(err error) bool {
	var tc *TxCanceledError
	if !errors.As(err, &tc) {
		return false
	}
	seen := false
	for _, r := range tc.Reasons {
		switch r.Code {
		case ReasonNone, "":
		case ReasonTransactionConflict, ReasonThrottlingError:
			seen = true
		default:
			return false
		}
	}
	return seen
}

// failedAt reports whether err is a cancelled transaction whose action i
// failed its condition.
func failedAt(err error, i int) bool {
	var tc *TxCanceledError
	return errors.As(err, &tc) && i < len(tc.Reasons) &&
		tc.Reasons[i].Code == ReasonConditionalCheckFailed
}

// txReason returns the reason of action i of a cancelled transaction, or a
// zero reason.
func txReason(err error, i int) TxReason {
	var tc *TxCanceledError
	if errors.As(err, &tc) && i < len(tc.Reasons) {
		return tc.Reasons[i]
	}
	return TxReason{}
}
