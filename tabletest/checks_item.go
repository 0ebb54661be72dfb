package tabletest

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Limits of DynamoDB that the checks probe.
const (
	maxItemSize = 400 * 1024
	maxPKLen    = 2048
	maxSKLen    = 1024
)

func tableChecks() []check {
	return []check{
		{name: "table/describe", run: checkDescribe},
		{name: "table/create-twice", run: checkCreateTwice},
		{name: "table/drop", run: checkDrop},
		{name: "table/cancelled-context", run: checkCancelledContext},
	}
}

func itemChecks() []check {
	return []check{
		{name: "item/get-missing", run: checkGetMissing},
		{name: "item/roundtrip-all-types", run: checkRoundtrip},
		{name: "item/put-replaces", run: checkPutReplaces},
		{name: "item/delete", run: checkDelete},
		{name: "item/empty-key-refused", run: checkEmptyKey},
		{name: "item/key-limits", run: checkKeyLimits},
		{name: "item/index-key-types", run: checkIndexKeyTypes},
		{name: "item/size-limit", run: checkSizeLimit},
	}
}

func checkDescribe(c *C) {
	info, err := c.Table.Describe(c.Ctx)
	c.noErr(err, "describe")
	if info.Name == "" {
		c.Errorf("describe: empty Name")
	}
	if info.Status != "ACTIVE" {
		c.Errorf("describe: Status %q, want ACTIVE", info.Status)
	}
	var want []string
	for _, ix := range rd.Indexes {
		want = append(want, ix.Name)
	}
	if got := sortedCopy(info.Indexes); !slices.Equal(got, sortedCopy(want)) {
		c.Errorf("describe: Indexes %q, want %q", got, want)
	}
	if info.ItemCount < 0 {
		c.Errorf("describe: ItemCount %d", info.ItemCount)
	}
}

func checkCreateTwice(c *C) {
	c.put(mk("P", "1"))
	c.wantErr(c.Table.Create(c.Ctx), rd.ErrTableExists, "second create")
	c.wantItem(key("P", "1"), mk("P", "1"))
}

// checkDrop checks that a dropped table refuses every operation as not
// found, and that it can be created again, empty.
func checkDrop(c *C) {
	c.put(mk("P", "1", "a", s("x")))
	c.noErr(c.Table.Drop(c.Ctx), "drop")

	_, err := c.Table.Describe(c.Ctx)
	c.wantErr(err, rd.ErrTableNotFound, "describe after drop")
	_, err = c.Table.Get(c.Ctx, key("P", "1"))
	c.wantErr(err, rd.ErrTableNotFound, "get after drop")
	c.wantErr(c.Table.Put(c.Ctx, mk("P", "2"), nil), rd.ErrTableNotFound, "put after drop")
	_, err = c.Table.Query(c.Ctx, rd.Query{PK: "P"})
	c.wantErr(err, rd.ErrTableNotFound, "query after drop")
	c.wantErr(c.Table.Drop(c.Ctx), rd.ErrTableNotFound, "second drop")

	c.noErr(c.Table.Create(c.Ctx), "create after drop")
	c.wantItem(key("P", "1"), nil)
	c.put(mk("P", "3"))
	c.wantItem(key("P", "3"), mk("P", "3"))
}

// checkCancelledContext checks that every method given a context that has
// already ended returns the context's error and changes nothing.
func checkCancelledContext(c *C) {
	c.put(mk("P", "1", "v", n("1")))
	ctx, cancel := context.WithCancel(c.Ctx)
	cancel()

	k := key("P", "1")
	calls := map[string]func() error{
		"get": func() error { _, err := c.Table.Get(ctx, k); return err },
		"put": func() error { return c.Table.Put(ctx, mk("P", "2"), nil) },
		"delete": func() error {
			return c.Table.Delete(ctx, k, nil)
		},
		"update": func() error {
			_, err := c.Table.Update(ctx, k, rd.Update{Set: map[string]types.AttributeValue{
				"v": n("2")}}, nil)
			return err
		},
		"query": func() error { _, err := c.Table.Query(ctx, rd.Query{PK: "P"}); return err },
		"count": func() error { _, err := c.Table.Count(ctx, rd.Query{PK: "P"}); return err },
		"batch write": func() error {
			return c.Table.BatchWrite(ctx, []rd.WriteRequest{{Put: mk("P", "3")}})
		},
		"batch get": func() error { _, err := c.Table.BatchGet(ctx, []rd.Key{k}); return err },
		"transact write": func() error {
			return c.Table.TransactWrite(ctx, rd.Transaction{Actions: []rd.TxAction{
				rd.PutAction(mk("P", "4"), nil)}})
		},
		"transact get": func() error { _, err := c.Table.TransactGet(ctx, []rd.Key{k}); return err },
		"describe":     func() error { _, err := c.Table.Describe(ctx); return err },
		"create":       func() error { return c.Table.Create(ctx) },
		"drop":         func() error { return c.Table.Drop(ctx) },
	}
	for name, call := range calls {
		c.wantErr(call(), context.Canceled, name+" with a cancelled context")
	}

	c.wantItem(k, mk("P", "1", "v", n("1")))
	for _, sk := range []string{"2", "3", "4"} {
		c.wantItem(key("P", sk), nil)
	}
}

func checkGetMissing(c *C) {
	_, err := c.Table.Get(c.Ctx, key("P", "missing"))
	c.wantErr(err, rd.ErrNotFound, "get of a missing item")
}

// checkRoundtrip stores one attribute of every type, nested ones included,
// and reads it back.
func checkRoundtrip(c *C) {
	it := mk("P", "1",
		rd.AttrType, s("THING"),
		"s", s("text with ünïcode ✓"),
		"empty", s(""),
		"n", n("-12.5"),
		"int", n("42"),
		"b", b(0, 1, 2, 255),
		"t", &types.AttributeValueMemberBOOL{Value: true},
		"f", &types.AttributeValueMemberBOOL{Value: false},
		"null", &types.AttributeValueMemberNULL{Value: true},
		"ss", ss("x", "y", "z"),
		"ns", ns("1", "2.5", "-3"),
		"bs", &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}}},
		"l", &types.AttributeValueMemberL{Value: []types.AttributeValue{
			s("a"), n("1"), &types.AttributeValueMemberNULL{Value: true},
			&types.AttributeValueMemberL{Value: []types.AttributeValue{s("nested")}},
		}},
		"m", &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"x": n("0.25"), "y": n("0.75"),
			"inner": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"deep": s("value"), "list": &types.AttributeValueMemberL{},
			}},
			"emptymap": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}},
		}},
	)
	c.put(it)
	c.wantItem(key("P", "1"), it)
}

func checkPutReplaces(c *C) {
	c.put(mk("P", "1", "a", s("first"), "b", s("only in first")))
	c.put(mk("P", "1", "a", s("second")))
	c.wantItem(key("P", "1"), mk("P", "1", "a", s("second")))
}

func checkDelete(c *C) {
	c.noErr(c.Table.Delete(c.Ctx, key("P", "missing"), nil), "delete of a missing item")

	c.put(mk("P", "1"), mk("P", "2"))
	c.noErr(c.Table.Delete(c.Ctx, key("P", "1"), nil), "delete")
	c.wantItem(key("P", "1"), nil)
	c.wantItem(key("P", "2"), mk("P", "2"))
}

// checkEmptyKey checks that key values must be present, strings and not
// empty, in writes and in reads.
func checkEmptyKey(c *C) {
	bad := map[string]rd.Item{
		"empty PK":   mk("", "1"),
		"empty SK":   mk("P", ""),
		"missing SK": {rd.AttrPK: s("P")},
		"missing PK": {rd.AttrSK: s("1")},
		"numeric PK": {rd.AttrPK: n("1"), rd.AttrSK: s("1")},
		"binary SK":  {rd.AttrPK: s("P"), rd.AttrSK: b(1)},
	}
	for what, it := range bad {
		c.wantErr(c.Table.Put(c.Ctx, it, nil), rd.ErrInvalid, "put with "+what)
	}
	_, err := c.Table.Get(c.Ctx, key("", "1"))
	c.wantErr(err, rd.ErrInvalid, "get with empty PK")
	_, err = c.Table.Get(c.Ctx, key("P", ""))
	c.wantErr(err, rd.ErrInvalid, "get with empty SK")
	c.wantErr(c.Table.Delete(c.Ctx, key("", "1"), nil), rd.ErrInvalid, "delete with empty PK")
	_, err = c.Table.Update(c.Ctx, key("P", ""), rd.Update{
		Set: map[string]types.AttributeValue{"a": s("x")}}, nil)
	c.wantErr(err, rd.ErrInvalid, "update with empty SK")
	_, err = c.Table.Query(c.Ctx, rd.Query{PK: ""})
	c.wantErr(err, rd.ErrInvalid, "query with empty PK")
}

func checkKeyLimits(c *C) {
	longPK, longSK := strings.Repeat("p", maxPKLen), strings.Repeat("s", maxSKLen)
	c.put(mk(longPK, longSK))
	c.wantItem(key(longPK, longSK), mk(longPK, longSK))

	c.wantErr(c.Table.Put(c.Ctx, mk(longPK+"p", "1"), nil), rd.ErrInvalid,
		"put with a PK over 2048 bytes")
	c.wantErr(c.Table.Put(c.Ctx, mk("P", longSK+"s"), nil), rd.ErrInvalid,
		"put with an SK over 1024 bytes")
}

// checkIndexKeyTypes checks that index key attributes, when present, must be
// non-empty strings like the table's keys.
func checkIndexKeyTypes(c *C) {
	bad := map[string]rd.Item{
		"numeric GSI1PK": mk("P", "1", rd.AttrGSI1PK, n("1"), rd.AttrGSI1SK, s("x")),
		"empty GSI2SK":   mk("P", "1", rd.AttrGSI2PK, s("G"), rd.AttrGSI2SK, s("")),
		"empty TYPE":     mk("P", "1", rd.AttrType, s("")),
	}
	for what, it := range bad {
		c.wantErr(c.Table.Put(c.Ctx, it, nil), rd.ErrInvalid, "put with "+what)
	}
	c.wantItem(key("P", "1"), nil)
}

// checkSizeLimit checks the 400 KB item limit, counted as DynamoDB counts it
// (attribute names and values). "Just under" leaves room for servers that
// count a little more than DynamoDB does.
func checkSizeLimit(c *C) {
	// Key attributes: "PK"+"BIG", "SK"+"1"; the payload's name is "data".
	const fixed = len("PK") + len("BIG") + len("SK") + len("1") + len("data")

	under := mk("BIG", "1", "data", s(strings.Repeat("u", 400_000-fixed)))
	c.noErr(c.Table.Put(c.Ctx, under, nil), "put of a 400,000-byte item")
	c.wantItem(key("BIG", "1"), under)

	over := mk("BIG", "2", "data", s(strings.Repeat("o", maxItemSize+1-fixed)))
	c.wantErr(c.Table.Put(c.Ctx, over, nil), rd.ErrInvalid, "put of a 409,601-byte item")
	c.wantItem(key("BIG", "2"), nil)

	_, err := c.Table.Update(c.Ctx, key("BIG", "1"), rd.Update{Set: map[string]types.AttributeValue{
		"more": s(strings.Repeat("m", 10_000))}}, nil)
	c.wantErr(err, rd.ErrInvalid, "update growing an item past 400 KB")
	c.wantItem(key("BIG", "1"), under)
}
