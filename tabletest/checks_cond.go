package tabletest

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func conditionChecks() []check {
	return []check{
		{name: "cond/put-if-not-exists", run: checkPutIfNotExists},
		{name: "cond/put-if-exists", run: checkPutIfExists},
		{name: "cond/optimistic-version", run: checkOptimisticVersion},
		{name: "cond/delete", run: checkDeleteCond},
		{name: "cond/update", run: checkUpdateCond},
		{name: "cond/operators", run: checkOperators},
	}
}

func checkPutIfNotExists(c *C) {
	first := mk("P", "1", "a", s("first"))
	c.noErr(c.Table.Put(c.Ctx, first, rd.IfNotExists), "put if not exists of a new item")
	err := c.Table.Put(c.Ctx, mk("P", "1", "a", s("second")), rd.IfNotExists)
	c.wantErr(err, rd.ErrConditionFailed, "put if not exists of a stored item")
	c.wantItem(key("P", "1"), first)
}

func checkPutIfExists(c *C) {
	err := c.Table.Put(c.Ctx, mk("P", "1"), rd.IfExists)
	c.wantErr(err, rd.ErrConditionFailed, "put if exists of a missing item")
	c.wantItem(key("P", "1"), nil)

	c.put(mk("P", "1", "a", s("old")))
	c.noErr(c.Table.Put(c.Ctx, mk("P", "1", "a", s("new")), rd.IfExists), "put if exists")
	c.wantItem(key("P", "1"), mk("P", "1", "a", s("new")))
}

// checkOptimisticVersion is the optimistic-locking pattern of the clients:
// write only if the stored version is the one read.
func checkOptimisticVersion(c *C) {
	c.put(mk("P", "1", "version", n("1")))
	ifV := func(v string) rd.Condition { return rd.Condition{rd.AttrEquals("version", n(v))} }

	c.noErr(c.Table.Put(c.Ctx, mk("P", "1", "version", n("2")), ifV("1")), "put if version 1")
	err := c.Table.Put(c.Ctx, mk("P", "1", "version", n("3")), ifV("1"))
	c.wantErr(err, rd.ErrConditionFailed, "put if version 1 after version 2")
	c.wantItem(key("P", "1"), mk("P", "1", "version", n("2")))
}

func checkDeleteCond(c *C) {
	err := c.Table.Delete(c.Ctx, key("P", "missing"), rd.IfExists)
	c.wantErr(err, rd.ErrConditionFailed, "delete if exists of a missing item")

	c.put(mk("P", "1", "state", s("open")))
	closed := rd.Condition{rd.AttrEquals("state", s("closed"))}
	c.wantErr(c.Table.Delete(c.Ctx, key("P", "1"), closed), rd.ErrConditionFailed,
		"delete whose condition fails")
	c.wantItem(key("P", "1"), mk("P", "1", "state", s("open")))

	open := rd.Condition{rd.AttrEquals("state", s("open"))}
	c.noErr(c.Table.Delete(c.Ctx, key("P", "1"), open), "delete whose condition holds")
	c.wantItem(key("P", "1"), nil)
}

func checkUpdateCond(c *C) {
	set := rd.Update{Set: map[string]types.AttributeValue{"a": s("x")}}
	_, err := c.Table.Update(c.Ctx, key("P", "1"), set, rd.IfExists)
	c.wantErr(err, rd.ErrConditionFailed, "update if exists of a missing item")
	c.wantItem(key("P", "1"), nil)

	c.put(mk("P", "1", "n", n("5")))
	_, err = c.Table.Update(c.Ctx, key("P", "1"), set,
		rd.Condition{{Attr: "n", Op: rd.OpGt, Value: n("5")}})
	c.wantErr(err, rd.ErrConditionFailed, "update if n > 5 with n = 5")
	c.wantItem(key("P", "1"), mk("P", "1", "n", n("5")))

	got, err := c.Table.Update(c.Ctx, key("P", "1"), set,
		rd.Condition{{Attr: "n", Op: rd.OpGe, Value: n("5")}})
	c.noErr(err, "update if n >= 5 with n = 5")
	want := mk("P", "1", "n", n("5"), "a", s("x"))
	if d := diffItems(want, got); d != "" {
		c.Errorf("update returned: %s", d)
	}
}

// condCase is one condition and whether it holds on operatorItem.
type condCase struct {
	cond  rd.Condition
	holds bool
}

// operatorItem is the stored item that checkOperators tests conditions on.
func operatorItem() rd.Item {
	return mk("P", "1",
		"n", n("10"),
		"f", n("1.50"),
		"neg", n("-3"),
		"s", s("a"),
		"upper", s("Z"),
		"accent", s("é"),
		"text", s("hello world"),
		"bin", b(1, 2),
		"ss", ss("x", "y"),
		"ns", ns("1", "2"),
		"yes", &types.AttributeValueMemberBOOL{Value: true},
	)
}

func operatorCases() []condCase {
	chk := func(attr string, op rd.Op, v types.AttributeValue) rd.Check {
		return rd.Check{Attr: attr, Op: op, Value: v}
	}
	one := func(attr string, op rd.Op, v types.AttributeValue, holds bool) condCase {
		return condCase{rd.Condition{chk(attr, op, v)}, holds}
	}
	return []condCase{
		// Presence.
		one("n", rd.OpExists, nil, true),
		one("gone", rd.OpExists, nil, false),
		one("gone", rd.OpNotExists, nil, true),
		one("n", rd.OpNotExists, nil, false),

		// Numbers compare by value, not as text.
		one("n", rd.OpGt, n("9"), true),
		one("n", rd.OpLt, n("9"), false),
		one("n", rd.OpGe, n("10"), true),
		one("n", rd.OpLe, n("10.0"), true),
		one("n", rd.OpLt, n("100"), true),
		one("f", rd.OpEq, n("1.5"), true),
		one("f", rd.OpNe, n("1.5"), false),
		one("f", rd.OpNe, n("2"), true),
		one("neg", rd.OpLt, n("-2.5"), true),
		one("neg", rd.OpGt, n("-10"), true),

		// Strings compare as UTF-8 bytes: "Z" < "a" < "é".
		one("s", rd.OpGt, s("Z"), true),
		one("upper", rd.OpLt, s("a"), true),
		one("accent", rd.OpGt, s("z"), true),
		one("s", rd.OpLt, s("é"), true),
		one("s", rd.OpEq, s("a"), true),
		one("s", rd.OpEq, s("A"), false),
		one("s", rd.OpLe, s("a"), true),

		// Binaries compare as bytes.
		one("bin", rd.OpEq, b(1, 2), true),
		one("bin", rd.OpLt, b(1, 3), true),
		one("bin", rd.OpGt, b(1), true),

		// A value of another type is never equal.
		one("n", rd.OpEq, s("10"), false),
		one("yes", rd.OpEq, &types.AttributeValueMemberBOOL{Value: true}, true),
		one("yes", rd.OpEq, &types.AttributeValueMemberBOOL{Value: false}, false),

		// A missing attribute compares false, and is not equal to anything.
		one("gone", rd.OpEq, s("a"), false),
		one("gone", rd.OpLt, n("5"), false),
		one("gone", rd.OpGe, n("5"), false),
		one("gone", rd.OpNe, s("a"), true),

		// contains: substrings and set members.
		one("text", rd.OpContains, s("lo wo"), true),
		one("text", rd.OpContains, s("xyz"), false),
		one("ss", rd.OpContains, s("x"), true),
		one("ss", rd.OpContains, s("q"), false),
		one("ns", rd.OpContains, n("2"), true),
		one("ns", rd.OpContains, n("3"), false),
		one("gone", rd.OpContains, s("a"), false),

		// A condition is the conjunction of its checks.
		{rd.Condition{chk("n", rd.OpGt, n("9")), chk("s", rd.OpEq, s("a"))}, true},
		{rd.Condition{chk("n", rd.OpGt, n("9")), chk("s", rd.OpEq, s("b"))}, false},
		{rd.Condition{}, true},
	}
}

// checkOperators puts the stored item back with each condition and checks
// that the put succeeds exactly when the condition holds.
func checkOperators(c *C) {
	it := operatorItem()
	c.put(it)
	for _, tc := range operatorCases() {
		err := c.Table.Put(c.Ctx, it, tc.cond)
		what := fmt.Sprintf("put with condition %s", formatCond(tc.cond))
		switch {
		case tc.holds && err != nil:
			c.Errorf("%s: %v, want success", what, err)
		case !tc.holds:
			c.wantErr(err, rd.ErrConditionFailed, what)
		}
	}
	c.wantItem(key("P", "1"), it)
}

var opNames = map[rd.Op]string{
	rd.OpExists: "exists", rd.OpNotExists: "not-exists", rd.OpEq: "=", rd.OpNe: "<>",
	rd.OpLt: "<", rd.OpLe: "<=", rd.OpGt: ">", rd.OpGe: ">=", rd.OpContains: "contains",
}

func formatCond(cond rd.Condition) string {
	if len(cond) == 0 {
		return "(empty)"
	}
	out := ""
	for i, ch := range cond {
		if i > 0 {
			out += " AND "
		}
		out += ch.Attr + " " + opNames[ch.Op]
		if ch.Value != nil {
			out += " " + format(ch.Value)
		}
	}
	return out
}
