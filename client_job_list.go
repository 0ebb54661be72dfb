package receiptdynamo

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file holds the list machinery of the job side that the generic
// helpers of client.go do not cover: lists that keep only some items of a
// query (resources of one type, logs from a level), lists merged from
// several index partitions (every job, newest first) and lists ordered in
// memory (a queue's jobs by priority). Their cursors are the client's own,
// opaque to callers like the engines' cursors.

// filterChunk is the page size of the queries under a filtered list. It is
// fixed, not derived from the caller's limit, because a filtered cursor
// says how many items of such a page were already consumed: resuming must
// read the same page again.
const filterChunk = 100

// jobCursor is the position of a filtered, merged or sorted list. Which
// fields are used depends on the list.
type jobCursor struct {
	Page string `json:"p,omitempty"` // engine cursor of the page being read
	Skip int    `json:"s,omitempty"` // items of that page already consumed
	SK   string `json:"k,omitempty"` // index sort key of the last item returned
	PK   string `json:"i,omitempty"` // primary key of the last item returned
	Rank int    `json:"r,omitempty"` // priority rank of the last item returned
}

// encode returns the cursor as opaque text.
func (jc jobCursor) encode() string {
	raw, _ := json.Marshal(jc) // a struct of strings and ints always encodes
	return base64.RawURLEncoding.EncodeToString(raw)
}

// decodeJobCursor reads a cursor that encode wrote; "" is the start.
func decodeJobCursor(op, v string) (jobCursor, error) {
	var jc jobCursor
	if v == "" {
		return jc, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err == nil {
		err = json.Unmarshal(raw, &jc)
	}
	if err != nil || jc.Skip < 0 {
		return jobCursor{}, Invalid(op, "Cursor", "must be a cursor returned by the same list",
			nil)
	}
	return jc, nil
}

// listPage returns one page of q for the list options: the engine's own
// paging, for lists that keep every item of a query.
func listPage[T any, P entityPtr[T]](ctx context.Context, c *Client, q Query,
	opts ListOptions) (PageOf[T], error) {
	if opts.Limit < 0 {
		return PageOf[T]{}, Invalid("ListOptions", "Limit", "must not be negative", opts.Limit)
	}
	q.Limit, q.Cursor = opts.Limit, opts.Cursor
	return queryPage[T, P](ctx, c, q)
}

// filteredPage returns one page of the items of q that keep accepts. With
// opts.Limit 0 it reads one query page and returns what it keeps of it;
// otherwise it reads pages of filterChunk items until it has opts.Limit
// items or the query ends. The cursor records the engine cursor of the page
// it stopped in and how many of its items were consumed, so that no item is
// returned twice or skipped while the data stays the same.
func filteredPage[T any, P entityPtr[T]](ctx context.Context, c *Client, op string, q Query,
	opts ListOptions, keep func(*T) bool) (PageOf[T], error) {
	if opts.Limit < 0 {
		return PageOf[T]{}, Invalid(op, "Limit", "must not be negative", opts.Limit)
	}
	cur, err := decodeJobCursor(op, opts.Cursor)
	if err != nil {
		return PageOf[T]{}, err
	}
	q.Cursor, q.Limit = cur.Page, filterChunk
	if opts.Limit == 0 {
		q.Limit = 0
	}
	out := PageOf[T]{Items: []T{}}
	skip := cur.Skip
	for {
		page, err := queryPage[T, P](ctx, c, q)
		if err != nil {
			return PageOf[T]{}, err
		}
		for i := min(skip, len(page.Items)); i < len(page.Items); i++ {
			if !keep(&page.Items[i]) {
				continue
			}
			out.Items = append(out.Items, page.Items[i])
			if len(out.Items) == opts.Limit {
				out.Next = resumeAfter(q.Cursor, i+1, len(page.Items), page.Next)
				return out, nil
			}
		}
		if page.Next == "" {
			return out, nil
		}
		if opts.Limit == 0 {
			out.Next = jobCursor{Page: page.Next}.encode()
			return out, nil
		}
		q.Cursor, skip = page.Next, 0
	}
}

// resumeAfter returns the cursor of a filtered list that stopped after the
// consumed first items of a page of n items, read with the engine cursor
// start; next is that page's own cursor.
func resumeAfter(start string, consumed, n int, next string) string {
	switch {
	case consumed < n:
		return jobCursor{Page: start, Skip: consumed}.encode()
	case next != "":
		return jobCursor{Page: next}.encode()
	}
	return ""
}

// rawItems reads up to n items of q (all of them when n is 0) that keep
// accepts, following the engine's cursor. more reports whether items may
// follow the last one returned.
func (c *Client) rawItems(ctx context.Context, q Query, n int,
	keep func(Item) bool) (items []Item, more bool, err error) {
	q.Cursor = ""
	if n > 0 {
		q.Limit = n
	}
	for {
		page, err := c.table.Query(ctx, q)
		if err != nil {
			return nil, false, err
		}
		for _, it := range page.Items {
			if keep == nil || keep(it) {
				items = append(items, it)
				if n > 0 && len(items) == n {
					return items, true, nil
				}
			}
		}
		if page.Next == "" {
			return items, false, nil
		}
		q.Cursor = page.Next
	}
}

// decodeAll decodes items as T.
func decodeAll[T any, P entityPtr[T]](items []Item) ([]T, error) {
	out := make([]T, 0, len(items))
	for _, it := range items {
		var v T
		if err := P(&v).UnmarshalItem(it); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// indexPosition is where one item stands in a list merged from several
// partitions of an index: by its index sort key, then by its primary key.
type indexPosition struct {
	SK, PK string
}

// comparePositions orders positions ascending.
func comparePositions(a, b indexPosition) int {
	if c := cmp.Compare(a.SK, b.SK); c != 0 {
		return c
	}
	return cmp.Compare(a.PK, b.PK)
}

// mergeNewest returns one page of the items of several partitions of an
// index, newest first by the index sort key (ties broken by primary key,
// descending). queries hold one query per partition, each with an SK
// condition selecting the partition's items of the list; below returns the
// query that reads a partition from the position p down (inclusive).
func mergeNewest[T any, P entityPtr[T]](ctx context.Context, c *Client, op string,
	queries []Query, skAttr string, opts ListOptions,
	below func(q Query, p indexPosition) Query) (PageOf[T], error) {
	if opts.Limit < 0 {
		return PageOf[T]{}, Invalid(op, "Limit", "must not be negative", opts.Limit)
	}
	cur, err := decodeJobCursor(op, opts.Cursor)
	if err != nil {
		return PageOf[T]{}, err
	}
	limit := opts.Limit
	if limit == 0 {
		limit = defaultMergeLimit
	}
	last := indexPosition{SK: cur.SK, PK: cur.PK}
	position := func(it Item) indexPosition {
		return indexPosition{SK: stringAttr(it, skAttr), PK: stringAttr(it, AttrPK)}
	}

	// Read up to limit+1 items after the cursor from every partition: the
	// page's items are among them, and one more says that more follow.
	var all []Item
	for _, q := range queries {
		q.Reverse = true
		keep := func(Item) bool { return true }
		if cur.SK != "" {
			q = below(q, last)
			keep = func(it Item) bool { return comparePositions(position(it), last) < 0 }
		}
		items, _, err := c.rawItems(ctx, q, limit+1, keep)
		if err != nil {
			return PageOf[T]{}, err
		}
		all = append(all, items...)
	}

	slices.SortFunc(all, func(a, b Item) int { return comparePositions(position(b), position(a)) })
	out := PageOf[T]{}
	if len(all) > limit {
		all = all[:limit]
		p := position(all[limit-1])
		out.Next = jobCursor{SK: p.SK, PK: p.PK}.encode()
	}
	if out.Items, err = decodeAll[T, P](all); err != nil {
		return PageOf[T]{}, err
	}
	return out, nil
}

// defaultMergeLimit is the page size of a merged list whose caller set no
// limit.
const defaultMergeLimit = 100

// stringAttr returns the string attribute of an item, or "".
func stringAttr(it Item, attr string) string {
	if v, ok := it[attr].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}
