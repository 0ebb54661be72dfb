package receiptdynamo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Client is the typed API of the receipt table: images and their OCR,
// receipts, tags and GPT records, and the jobs, instances and queues of model
// training. It is written once over a [Table], so it behaves the same on
// every engine. A Client is safe for concurrent use.
type Client struct {
	table Table
	log   *slog.Logger
	now   func() time.Time
	// events hands out the timestamps of job-side events (status entries,
	// metrics, logs, checkpoints), distinct and increasing; it reads now.
	events *EventClock
	// claimSpread is how many entries Claim chooses among (see
	// WithClaimSpread); 0 means defaultClaimSpread.
	claimSpread int
}

// ClientOption configures a [Client].
type ClientOption func(*Client)

// WithClientLogger makes the client log to l. The client logs only what it
// cannot return (such as a retry of a conflicting transaction); a nil l, the
// default, discards the records.
func WithClientLogger(l *slog.Logger) ClientOption {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// WithClock makes the client read the time from now instead of time.Now,
// for timestamps it sets itself (tests use it).
func WithClock(now func() time.Time) ClientOption {
	return func(c *Client) {
		if now != nil {
			c.now = now
		}
	}
}

// NewClient returns a client of the table t.
func NewClient(t Table, opts ...ClientOption) *Client {
	c := &Client{table: t, log: slog.New(slog.DiscardHandler), now: time.Now}
	for _, o := range opts {
		o(c)
	}
	c.events = NewEventClock(c.now)
	return c
}

// eventTime returns the next timestamp of the client's event clock: later
// than every one it returned before, at microsecond resolution.
func (c *Client) eventTime() time.Time { return c.events.Next() }

// Table returns the table the client reads and writes.
func (c *Client) Table() Table { return c.table }

// ListOptions select one page of a list.
type ListOptions struct {
	// Limit is the most items of the page; 0 means as many as one query
	// page holds (1 MB of items read).
	Limit int
	// Cursor resumes the list after the page that returned it as Next.
	Cursor string
}

// PageOf is one page of a typed list.
type PageOf[T any] struct {
	Items []T
	// Next resumes the list after this page; "" when nothing follows.
	Next string
}

// entityPtr is a pointer to an entity type, which decodes items.
type entityPtr[T any] interface {
	*T
	ItemUnmarshaler
}

// getEntity reads the item with the key and decodes it as T. A missing item
// is an error matching ErrNotFound that names what was looked for.
func getEntity[T any, P entityPtr[T]](ctx context.Context, c *Client, k Key) (T, error) {
	var v T
	item, err := c.table.Get(ctx, k)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return v, &ItemError{Op: "get", Type: typeOf[T](), Key: k, Err: ErrNotFound}
		}
		return v, fmt.Errorf("get %s: %w", k, err)
	}
	if err := P(&v).UnmarshalItem(item); err != nil {
		return v, fmt.Errorf("get %s: %w", k, err)
	}
	return v, nil
}

// queryPage runs one page of q and decodes every item as T. q.Type should
// name T's item type, so that items of other types sharing the partition or
// prefix are skipped rather than decoded.
func queryPage[T any, P entityPtr[T]](ctx context.Context, c *Client, q Query) (PageOf[T], error) {
	page, err := c.table.Query(ctx, q)
	if err != nil {
		return PageOf[T]{}, err
	}
	out := PageOf[T]{Items: make([]T, 0, len(page.Items)), Next: page.Next}
	for _, item := range page.Items {
		var v T
		if err := P(&v).UnmarshalItem(item); err != nil {
			return PageOf[T]{}, err
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

// queryAll follows q's cursor to the end and decodes every item as T.
func queryAll[T any, P entityPtr[T]](ctx context.Context, c *Client, q Query) ([]T, error) {
	var all []T
	for {
		page, err := queryPage[T, P](ctx, c, q)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all, nil
		}
		q.Cursor = page.Next
	}
}

// typeOf returns the item type of the entity type T, for messages.
func typeOf[T any]() string {
	var v T
	if e, ok := any(v).(Entity); ok {
		return e.ItemType()
	}
	return fmt.Sprintf("%T", v)
}

// ItemError reports an operation on one item that failed for a reason
// callers branch on: Err is ErrNotFound, ErrAlreadyExists or
// ErrConditionFailed, and the error matches it.
type ItemError struct {
	Op   string // "get", "add", "update", "delete", …
	Type string // the item type, e.g. "WORD"
	Key  Key
	Err  error
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("%s %s %s: %v", e.Op, e.Type, e.Key, e.Err)
}

// Unwrap returns the cause.
func (e *ItemError) Unwrap() error { return e.Err }

// putNew stores e if no item with its key exists; otherwise it fails with
// an *ItemError matching ErrAlreadyExists.
func (c *Client) putNew(ctx context.Context, e Entity) error {
	item, err := e.MarshalItem()
	if err != nil {
		return err
	}
	err = c.table.Put(ctx, item, IfNotExists)
	if errors.Is(err, ErrConditionFailed) {
		return &ItemError{Op: "add", Type: e.ItemType(), Key: e.Key(), Err: ErrAlreadyExists}
	}
	return err
}

// putExisting replaces the stored item of e's key; it fails with an
// *ItemError matching ErrNotFound when no such item exists.
func (c *Client) putExisting(ctx context.Context, e Entity) error {
	item, err := e.MarshalItem()
	if err != nil {
		return err
	}
	err = c.table.Put(ctx, item, IfExists)
	if errors.Is(err, ErrConditionFailed) {
		return &ItemError{Op: "update", Type: e.ItemType(), Key: e.Key(), Err: ErrNotFound}
	}
	return err
}

// deleteExisting deletes the item with the key; it fails with an
// *ItemError matching ErrNotFound when no such item exists.
func (c *Client) deleteExisting(ctx context.Context, typ string, k Key) error {
	err := c.table.Delete(ctx, k, IfExists)
	if errors.Is(err, ErrConditionFailed) {
		return &ItemError{Op: "delete", Type: typ, Key: k, Err: ErrNotFound}
	}
	return err
}
