package ddb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Table is a [receiptdynamo.Table] stored in one DynamoDB table. It is safe
// for concurrent use.
type Table struct {
	client *dynamodb.Client
	name   string
	log    *slog.Logger
	policy RetryPolicy
	conc   int
}

var _ rd.Table = (*Table)(nil)

// Option configures a [Table].
type Option func(*options)

type options struct {
	log     *slog.Logger
	policy  RetryPolicy
	conc    int
	loadFns []func(*config.LoadOptions) error
}

// WithLogger makes the engine log to l. The engine logs only what it cannot
// return: a warning for every retry (request, error code, attempt, delay)
// and for every batch round that left items unprocessed. It never logs
// credentials or item contents. A nil l (the default) discards the records.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

// WithRetryPolicy replaces [DefaultRetryPolicy]. Zero fields of p take the
// default's values.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(o *options) { o.policy = p }
}

// WithBatchConcurrency sets how many chunks of one BatchWrite or BatchGet are
// in flight at once; 1 sends them one after the other. The default is 4.
func WithBatchConcurrency(n int) Option {
	return func(o *options) { o.conc = n }
}

// WithLoadOptions passes fns to config.LoadDefaultConfig in [Open], for a
// region, a profile or credentials chosen in code. [New] ignores them.
func WithLoadOptions(fns ...func(*config.LoadOptions) error) Option {
	return func(o *options) { o.loadFns = append(o.loadFns, fns...) }
}

const defaultBatchConcurrency = 4

// tableNameRE is DynamoDB's rule for table names.
var tableNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)

// Open returns the engine for the table named tableName, with a client built
// from the standard AWS configuration chain: environment variables (among
// them AWS_ENDPOINT_URL_DYNAMODB, which points the client at a local
// server), the shared config and credentials files, and the options of
// [WithLoadOptions]. It does not contact DynamoDB: a missing table shows on
// first use as an error matching ErrTableNotFound.
func Open(ctx context.Context, tableName string, opts ...Option) (*Table, error) {
	o := buildOptions(opts)
	cfg, err := config.LoadDefaultConfig(ctx, o.loadFns...)
	if err != nil {
		return nil, fmt.Errorf("ddb: open: load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("ddb: open: no AWS region configured: %w",
			rd.Invalid("AWS configuration", "region", "must be set (AWS_REGION or a profile)", nil))
	}
	return New(dynamodb.NewFromConfig(cfg), tableName, opts...)
}

// New returns the engine for the table named tableName, reached through a
// copy of client. The copy keeps the client's endpoint, region, credentials
// and HTTP client, but gets the engine's retry policy in place of the
// client's retryer (see the package documentation for why).
func New(client *dynamodb.Client, tableName string, opts ...Option) (*Table, error) {
	if client == nil {
		return nil, errors.New("ddb: new: nil client")
	}
	if !tableNameRE.MatchString(tableName) {
		return nil, fmt.Errorf("ddb: new: %w", rd.Invalid("table", "name",
			"must be 3 to 255 letters, digits, '_', '-' or '.'", tableName))
	}
	o := buildOptions(opts)
	t := &Table{name: tableName, log: o.log, policy: o.policy, conc: o.conc}
	t.client = dynamodb.New(client.Options(), func(co *dynamodb.Options) {
		co.Retryer = t.policy.retryer(t.log)
		co.RetryMaxAttempts = 0
		co.RetryMode = ""
	})
	return t, nil
}

func buildOptions(opts []Option) options {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	o.policy = o.policy.withDefaults()
	if o.conc <= 0 {
		o.conc = defaultBatchConcurrency
	}
	return o
}

// Name returns the name of the DynamoDB table.
func (t *Table) Name() string { return t.name }

// Client returns the DynamoDB client that the engine uses, with its retry
// policy, for operations the engine does not offer.
func (t *Table) Client() *dynamodb.Client { return t.client }

// Close releases nothing: the HTTP connections belong to the client's HTTP
// client. It exists to satisfy [receiptdynamo.Table] and returns nil.
func (t *Table) Close() error { return nil }
