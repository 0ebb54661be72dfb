package tabletest

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Attribute value builders, short because the checks are full of them.

func s(v string) types.AttributeValue  { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue  { return &types.AttributeValueMemberN{Value: v} }
func b(v ...byte) types.AttributeValue { return &types.AttributeValueMemberB{Value: v} }
func ss(v ...string) types.AttributeValue {
	return &types.AttributeValueMemberSS{Value: v}
}
func ns(v ...string) types.AttributeValue {
	return &types.AttributeValueMemberNS{Value: v}
}

// mk returns an item with the key and the attributes given as name, value
// pairs.
func mk(pk, sk string, attrs ...any) rd.Item {
	it := rd.Item{rd.AttrPK: s(pk), rd.AttrSK: s(sk)}
	for i := 0; i+1 < len(attrs); i += 2 {
		it[attrs[i].(string)] = attrs[i+1].(types.AttributeValue)
	}
	return it
}

func key(pk, sk string) rd.Key { return rd.Key{PK: pk, SK: sk} }

func isErr(err, target error) bool { return errors.Is(err, target) }

// put stores items or ends the check.
func (c *C) put(items ...rd.Item) {
	c.Helper()
	for _, it := range items {
		if err := c.Table.Put(c.Ctx, it, nil); err != nil {
			c.Fatalf("put %s: %v", itemKey(it), err)
		}
	}
}

// get returns the stored item with the key, or nil if there is none.
func (c *C) get(k rd.Key) rd.Item {
	c.Helper()
	it, err := c.Table.Get(c.Ctx, k)
	if isErr(err, rd.ErrNotFound) {
		return nil
	}
	if err != nil {
		c.Fatalf("get %s: %v", k, err)
	}
	return it
}

// wantItem fails the check unless the stored item with the key equals want
// (nil: no item).
func (c *C) wantItem(k rd.Key, want rd.Item) {
	c.Helper()
	if diff := diffItems(want, c.get(k)); diff != "" {
		c.Errorf("item %s: %s", k, diff)
	}
}

// wantErr fails the check unless err matches target.
func (c *C) wantErr(err, target error, what string) {
	c.Helper()
	if !errors.Is(err, target) {
		c.Errorf("%s: got error %v, want one matching %q", what, err, target)
	}
}

// noErr ends the check if err is not nil.
func (c *C) noErr(err error, what string) {
	c.Helper()
	if err != nil {
		c.Fatalf("%s: %v", what, err)
	}
}

// queryAll follows the cursor to the end and returns the items of every
// page and the pages' lengths.
func (c *C) queryAll(q rd.Query) (items []rd.Item, pages []int) {
	c.Helper()
	return c.allPages(fmt.Sprintf("query %+v", q), q.Cursor,
		func(cursor string) (rd.Page, error) {
			q.Cursor = cursor
			return c.Table.Query(c.Ctx, q)
		})
}

// allPages reads pages with read from cursor on until the last, and returns
// the items of every page and the pages' lengths; what names the read in
// failures. A cursor that does not advance fails the check.
func (c *C) allPages(what, cursor string,
	read func(cursor string) (rd.Page, error)) (items []rd.Item, pages []int) {
	c.Helper()
	for range 10_000 {
		p, err := read(cursor)
		if err != nil {
			c.Fatalf("%s: %v", what, err)
		}
		items = append(items, p.Items...)
		pages = append(pages, len(p.Items))
		if p.Next == "" {
			return items, pages
		}
		if p.Next == cursor {
			c.Fatalf("%s: cursor did not advance", what)
		}
		cursor = p.Next
	}
	c.Fatalf("%s: more than 10,000 pages", what)
	return nil, nil
}

// sortKeys returns the SK attribute of each item.
func sortKeys(items []rd.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = str(it[rd.AttrSK])
	}
	return out
}

// keysOf returns "PK SK" of each item.
func keysOf(items []rd.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = itemKey(it).String()
	}
	return out
}

func itemKey(it rd.Item) rd.Key {
	return rd.Key{PK: str(it[rd.AttrPK]), SK: str(it[rd.AttrSK])}
}

func str(v types.AttributeValue) string {
	if sv, ok := v.(*types.AttributeValueMemberS); ok {
		return sv.Value
	}
	return fmt.Sprintf("<%s>", format(v))
}

func sortedCopy(v []string) []string {
	out := slices.Clone(v)
	sort.Strings(out)
	return out
}

// diffItems describes how got differs from want, or returns "" when they
// are equal as DynamoDB values: numbers compare by value, sets ignore order.
func diffItems(want, got rd.Item) string {
	switch {
	case want == nil && got == nil:
		return ""
	case want == nil:
		return "got " + formatItem(got) + ", want no item"
	case got == nil:
		return "got no item, want " + formatItem(want)
	}
	var diffs []string
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s missing, want %s", name, format(w)))
		} else if !equalValues(w, g) {
			diffs = append(diffs, fmt.Sprintf("%s = %s, want %s", name, format(g), format(w)))
		}
	}
	for name, g := range got {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("unexpected %s = %s", name, format(g)))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

// equalValues reports whether two attribute values are equal as DynamoDB
// compares them.
func equalValues(a, b types.AttributeValue) bool {
	switch av := a.(type) {
	case *types.AttributeValueMemberS:
		bv, ok := b.(*types.AttributeValueMemberS)
		return ok && av.Value == bv.Value
	case *types.AttributeValueMemberN:
		bv, ok := b.(*types.AttributeValueMemberN)
		return ok && equalNumbers(av.Value, bv.Value)
	case *types.AttributeValueMemberB:
		bv, ok := b.(*types.AttributeValueMemberB)
		return ok && bytes.Equal(av.Value, bv.Value)
	case *types.AttributeValueMemberBOOL:
		bv, ok := b.(*types.AttributeValueMemberBOOL)
		return ok && av.Value == bv.Value
	case *types.AttributeValueMemberNULL:
		_, ok := b.(*types.AttributeValueMemberNULL)
		return ok
	case *types.AttributeValueMemberSS:
		bv, ok := b.(*types.AttributeValueMemberSS)
		return ok && slices.Equal(sortedCopy(av.Value), sortedCopy(bv.Value))
	case *types.AttributeValueMemberNS:
		bv, ok := b.(*types.AttributeValueMemberNS)
		return ok && slices.Equal(canonNumbers(av.Value), canonNumbers(bv.Value))
	case *types.AttributeValueMemberBS:
		bv, ok := b.(*types.AttributeValueMemberBS)
		return ok && slices.Equal(sortedBytes(av.Value), sortedBytes(bv.Value))
	case *types.AttributeValueMemberL:
		bv, ok := b.(*types.AttributeValueMemberL)
		return ok && slices.EqualFunc(av.Value, bv.Value, equalValues)
	case *types.AttributeValueMemberM:
		bv, ok := b.(*types.AttributeValueMemberM)
		return ok && diffItems(av.Value, bv.Value) == ""
	}
	return false
}

func equalNumbers(a, b string) bool {
	x, okx := new(big.Rat).SetString(a)
	y, oky := new(big.Rat).SetString(b)
	return okx && oky && x.Cmp(y) == 0
}

// canonNumbers returns the numbers as sorted exact fractions.
func canonNumbers(v []string) []string {
	out := make([]string, len(v))
	for i, x := range v {
		if r, ok := new(big.Rat).SetString(x); ok {
			out[i] = r.RatString()
		} else {
			out[i] = "bad:" + x
		}
	}
	sort.Strings(out)
	return out
}

func sortedBytes(v [][]byte) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = string(x)
	}
	sort.Strings(out)
	return out
}

func formatItem(it rd.Item) string {
	return format(&types.AttributeValueMemberM{Value: it})
}

// format writes a value compactly for messages; long strings are cut.
func format(v types.AttributeValue) string {
	switch av := v.(type) {
	case nil:
		return "<nil>"
	case *types.AttributeValueMemberS:
		if len(av.Value) > 40 {
			return fmt.Sprintf("S:%q…(%d bytes)", av.Value[:40], len(av.Value))
		}
		return fmt.Sprintf("S:%q", av.Value)
	case *types.AttributeValueMemberN:
		return "N:" + av.Value
	case *types.AttributeValueMemberB:
		return fmt.Sprintf("B:%x", av.Value)
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprintf("BOOL:%t", av.Value)
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberSS:
		return fmt.Sprintf("SS:%q", av.Value)
	case *types.AttributeValueMemberNS:
		return fmt.Sprintf("NS:%v", av.Value)
	case *types.AttributeValueMemberBS:
		return fmt.Sprintf("BS:%x", av.Value)
	case *types.AttributeValueMemberL:
		parts := make([]string, len(av.Value))
		for i, e := range av.Value {
			parts[i] = format(e)
		}
		return "L[" + strings.Join(parts, " ") + "]"
	case *types.AttributeValueMemberM:
		names := make([]string, 0, len(av.Value))
		for k := range av.Value {
			names = append(names, k)
		}
		sort.Strings(names)
		parts := make([]string, len(names))
		for i, k := range names {
			parts[i] = k + "=" + format(av.Value[k])
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return fmt.Sprintf("%T", v)
}

// eventually retries cond for a few seconds, since queries of an index are
// eventually consistent on DynamoDB, and fails the check if it never holds.
func (c *C) eventually(cond func() bool, what string) {
	c.Helper()
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		if cond() {
			return
		}
		if wait > 5*time.Second {
			c.Errorf("%s: never seen", what)
			return
		}
		select {
		case <-time.After(wait):
		case <-c.Ctx.Done():
			c.Fatalf("%s: %v", what, c.Ctx.Err())
		}
	}
}
