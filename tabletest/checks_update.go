package tabletest

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func updateChecks() []check {
	return []check{
		{name: "update/set-remove", run: checkUpdateSetRemove},
		{name: "update/creates-missing", run: checkUpdateCreates},
		{name: "update/add-number", run: checkUpdateAddNumber},
		{name: "update/add-set", run: checkUpdateAddSet},
		{name: "update/delete-from-set", run: checkUpdateDeleteSet},
		{name: "update/index-keys", run: checkUpdateIndexKeys},
		{name: "update/key-refused", run: checkUpdateKeyRefused},
		{name: "update/type-mismatch-refused", run: checkUpdateTypeMismatch},
	}
}

type attrs = map[string]types.AttributeValue

// update applies upd to the item with the key, checks the returned item
// against want and the stored item too.
func (c *C) update(k rd.Key, upd rd.Update, want rd.Item) {
	c.Helper()
	got, err := c.Table.Update(c.Ctx, k, upd, nil)
	c.noErr(err, "update "+k.String())
	if d := diffItems(want, got); d != "" {
		c.Errorf("update %s returned: %s", k, d)
	}
	c.wantItem(k, want)
}

func checkUpdateSetRemove(c *C) {
	c.put(mk("P", "1", "a", s("x"), "b", n("1"), "c", s("y")))
	c.update(key("P", "1"), rd.Update{
		Set: attrs{"a": s("z"), "d": n("5"),
			"m": &types.AttributeValueMemberM{Value: attrs{"k": s("v")}}},
		Remove: []string{"c", "never-there"},
	}, mk("P", "1", "a", s("z"), "b", n("1"), "d", n("5"),
		"m", &types.AttributeValueMemberM{Value: attrs{"k": s("v")}}))
}

// checkUpdateCreates checks that, as in DynamoDB, an update of a missing item
// creates it from its key and the update.
func checkUpdateCreates(c *C) {
	c.update(key("P", "new"), rd.Update{
		Set: attrs{"a": s("x")},
		Add: attrs{"count": n("1")},
	}, mk("P", "new", "a", s("x"), "count", n("1")))
}

// checkUpdateAddNumber checks ADD on numbers: a missing attribute counts as
// 0 and the sum is exact decimal arithmetic, not binary floating point.
func checkUpdateAddNumber(c *C) {
	k := key("P", "1")
	c.put(mk("P", "1", "n", n("1.5")))
	add := func(name, v string) rd.Update { return rd.Update{Add: attrs{name: n(v)}} }

	c.update(k, add("n", "2.25"), mk("P", "1", "n", n("3.75")))
	c.update(k, add("n", "-10"), mk("P", "1", "n", n("-6.25")))
	c.update(k, add("fresh", "0.1"), mk("P", "1", "n", n("-6.25"), "fresh", n("0.1")))
	c.update(k, add("fresh", "0.2"), mk("P", "1", "n", n("-6.25"), "fresh", n("0.3")))
	c.update(k, add("big", "12345678901234567890123456789"),
		mk("P", "1", "n", n("-6.25"), "fresh", n("0.3"),
			"big", n("12345678901234567890123456789")))
	c.update(k, add("big", "1"),
		mk("P", "1", "n", n("-6.25"), "fresh", n("0.3"),
			"big", n("12345678901234567890123456790")))
}

func checkUpdateAddSet(c *C) {
	k := key("P", "1")
	c.put(mk("P", "1"))
	c.update(k, rd.Update{Add: attrs{"tags": ss("a", "b")}},
		mk("P", "1", "tags", ss("a", "b")))
	c.update(k, rd.Update{Add: attrs{"tags": ss("b", "c")}},
		mk("P", "1", "tags", ss("a", "b", "c")))
	c.update(k, rd.Update{Add: attrs{"nums": ns("1", "2")}},
		mk("P", "1", "tags", ss("a", "b", "c"), "nums", ns("1", "2")))
	c.update(k, rd.Update{Add: attrs{"nums": ns("2", "3")}},
		mk("P", "1", "tags", ss("a", "b", "c"), "nums", ns("1", "2", "3")))
}

// checkUpdateDeleteSet checks DELETE from a set, and that a set left empty
// is removed, as DynamoDB has no empty sets.
func checkUpdateDeleteSet(c *C) {
	k := key("P", "1")
	c.put(mk("P", "1", "tags", ss("a", "b", "c"), "nums", ns("1", "2")))
	c.update(k, rd.Update{Delete: attrs{"tags": ss("a", "not-a-member")}},
		mk("P", "1", "tags", ss("b", "c"), "nums", ns("1", "2")))
	c.update(k, rd.Update{Delete: attrs{"tags": ss("b", "c")}},
		mk("P", "1", "nums", ns("1", "2")))
	c.update(k, rd.Update{Delete: attrs{"nums": ns("2")}},
		mk("P", "1", "nums", ns("1")))
	c.update(k, rd.Update{Delete: attrs{"never-there": ss("x")}},
		mk("P", "1", "nums", ns("1")))
}

// checkUpdateIndexKeys checks that setting index keys puts an item into the
// index and removing them takes it out.
func checkUpdateIndexKeys(c *C) {
	k := key("P", "1")
	c.put(mk("P", "1"))
	inGSI1 := func() int {
		items, _ := c.queryAll(rd.Query{Index: rd.IndexGSI1, PK: "G"})
		return len(items)
	}
	c.update(k, rd.Update{Set: attrs{rd.AttrGSI1PK: s("G"), rd.AttrGSI1SK: s("1")}},
		mk("P", "1", rd.AttrGSI1PK, s("G"), rd.AttrGSI1SK, s("1")))
	c.eventually(func() bool { return inGSI1() == 1 }, "item in GSI1 after SET of its keys")
	c.update(k, rd.Update{Remove: []string{rd.AttrGSI1SK}},
		mk("P", "1", rd.AttrGSI1PK, s("G")))
	c.eventually(func() bool { return inGSI1() == 0 }, "item out of GSI1 after REMOVE of GSI1SK")
}

func checkUpdateKeyRefused(c *C) {
	k := key("P", "1")
	c.put(mk("P", "1", "a", s("x")))
	refused := map[string]rd.Update{
		"SET PK":    {Set: attrs{rd.AttrPK: s("Q")}},
		"SET SK":    {Set: attrs{rd.AttrSK: s("2")}},
		"REMOVE SK": {Remove: []string{rd.AttrSK}},
		"ADD PK":    {Add: attrs{rd.AttrPK: ss("Q")}},
	}
	for what, upd := range refused {
		_, err := c.Table.Update(c.Ctx, k, upd, nil)
		c.wantErr(err, rd.ErrInvalid, "update with "+what)
	}
	c.wantItem(k, mk("P", "1", "a", s("x")))
	c.wantItem(key("Q", "1"), nil)
	c.wantItem(key("P", "2"), nil)
}

func checkUpdateTypeMismatch(c *C) {
	k := key("P", "1")
	c.put(mk("P", "1", "s", s("text"), "tags", ss("a")))
	refused := map[string]rd.Update{
		"ADD of a number to a string":         {Add: attrs{"s": n("1")}},
		"ADD of a number set to a string set": {Add: attrs{"tags": ns("1")}},
		"DELETE of a set from a string":       {Delete: attrs{"s": ss("t")}},
	}
	for what, upd := range refused {
		_, err := c.Table.Update(c.Ctx, k, upd, nil)
		c.wantErr(err, rd.ErrInvalid, what)
	}
	c.wantItem(k, mk("P", "1", "s", s("text"), "tags", ss("a")))
}
