package ddb

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// RetryPolicy bounds the engine's retries: of each request by the SDK
// (throttling, 5xx, network errors), of the unprocessed items and keys of
// each batch chunk, and of transactions cancelled by conflicts.
//
// The delay before retry n (n = 1, 2, ...) is drawn uniformly from
// [0, min(MaxDelay, BaseDelay * 2^(n-1))) ("full jitter"), so that clients
// throttled together do not retry together.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts of one request or one
	// transaction, the first included; for a batch chunk, the number of
	// rounds in a row that get none of its unprocessed items through (a
	// round that gets some through starts the count again). Zero means the
	// default.
	MaxAttempts int
	// BaseDelay is the upper bound of the first delay. Zero means the
	// default.
	BaseDelay time.Duration
	// MaxDelay caps every delay. Zero means the default.
	MaxDelay time.Duration
}

// DefaultRetryPolicy is the policy of an engine built without
// [WithRetryPolicy]: 10 attempts with delays capped at 5 s, about 20 s of
// waiting in the worst case, which rides out the bursts of throttling that
// an on-demand table shows while it scales.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts: 10,
	BaseDelay:   50 * time.Millisecond,
	MaxDelay:    5 * time.Second,
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetryPolicy.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultRetryPolicy.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultRetryPolicy.MaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	return p
}

// delay returns the full-jitter delay before retry n (n >= 1).
func (p RetryPolicy) delay(n int) time.Duration {
	ceiling := p.MaxDelay
	if n < 1 {
		n = 1
	}
	if n <= 32 {
		if d := p.BaseDelay << (n - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return rand.N(ceiling) + 1
}

// retryer returns the SDK retryer of the policy: the standard retryer with
// the policy's attempts and delays and with no retry quota (ratelimit.None),
// counting retries for [countRetries].
func (p RetryPolicy) retryer(log *slog.Logger) aws.RetryerV2 {
	return countingRetryer{retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = p.MaxAttempts
		o.MaxBackoff = p.MaxDelay
		o.RateLimiter = ratelimit.None
		o.Backoff = retry.BackoffDelayerFunc(func(attempt int, err error) (time.Duration, error) {
			d := p.delay(attempt)
			logRetry(log, err, attempt, d)
			return d, nil
		})
	})}
}

// retriesKey is the context key of a request's retry counter.
type retriesKey struct{}

// countRetries returns a context in which the SDK counts the retries of
// the requests made with it, and the counter. The engine uses it to learn
// whether a request was sent more than once.
func countRetries(ctx context.Context) (context.Context, *atomic.Int32) {
	n := new(atomic.Int32)
	return context.WithValue(ctx, retriesKey{}, n), n
}

// countingRetryer is a retryer that adds one to the counter of the
// request's context (see countRetries), if any, before every retry.
type countingRetryer struct {
	aws.RetryerV2
}

// GetRetryToken counts the retry and asks the wrapped retryer for a token.
func (r countingRetryer) GetRetryToken(ctx context.Context, err error) (func(error) error,
	error) {
	if n, ok := ctx.Value(retriesKey{}).(*atomic.Int32); ok {
		n.Add(1)
	}
	return r.RetryerV2.GetRetryToken(ctx, err)
}

// logRetry warns that the SDK retries a request. Only the operation and the
// error code are logged: messages may quote item values.
func logRetry(log *slog.Logger, err error, attempt int, d time.Duration) {
	var op *smithy.OperationError
	var opName, code string
	if errors.As(err, &op) {
		opName = op.OperationName
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		code = api.ErrorCode()
	} else {
		code = "transport error"
	}
	log.LogAttrs(context.Background(), slog.LevelWarn, "ddb: retrying request",
		slog.String("op", opName), slog.String("code", code),
		slog.Int("attempt", attempt), slog.Duration("delay", d))
}

// sleep waits d or until ctx ends, and returns ctx.Err() in the latter case.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
