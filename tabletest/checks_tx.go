package tabletest

import (
	"errors"
	"fmt"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func txChecks() []check {
	return []check{
		{name: "tx/write-all", tx: true, run: checkTxWriteAll},
		{name: "tx/cancel-reasons", tx: true, run: checkTxCancel},
		{name: "tx/too-many-actions", tx: true, run: checkTxTooMany},
		{name: "tx/one-action-per-item", tx: true, run: checkTxOnePerItem},
		{name: "tx/invalid-actions", tx: true, run: checkTxInvalid},
		{name: "tx/idempotent-token", tx: true, run: checkTxIdempotent},
		{name: "tx/get", tx: true, run: checkTxGet},
	}
}

// checkTxWriteAll runs one action of each kind in a transaction.
func checkTxWriteAll(c *C) {
	c.put(mk("P", "upd", "n", n("1")), mk("P", "del"), mk("P", "chk", "state", s("ok")))
	tx := rd.Transaction{Actions: []rd.TxAction{
		rd.PutAction(mk("P", "new", "a", s("x")), rd.IfNotExists),
		rd.UpdateAction(key("P", "upd"), rd.Update{Add: attrs{"n": n("2")}}, rd.IfExists),
		rd.DeleteAction(key("P", "del"), rd.IfExists),
		rd.CheckAction(key("P", "chk"), rd.Condition{rd.AttrEquals("state", s("ok"))}),
		rd.UpdateAction(key("P", "created"), rd.Update{Set: attrs{"b": s("y")}}, nil),
	}}
	c.noErr(c.Table.TransactWrite(c.Ctx, tx), "transaction")

	c.wantItem(key("P", "new"), mk("P", "new", "a", s("x")))
	c.wantItem(key("P", "upd"), mk("P", "upd", "n", n("3")))
	c.wantItem(key("P", "del"), nil)
	c.wantItem(key("P", "chk"), mk("P", "chk", "state", s("ok")))
	c.wantItem(key("P", "created"), mk("P", "created", "b", s("y")))
}

// checkTxCancel checks that a transaction with failing conditions writes
// nothing and says, per action in order, which failed, with the stored item
// that failed.
func checkTxCancel(c *C) {
	stored := mk("P", "versioned", "version", n("2"))
	c.put(stored, mk("P", "del"))
	tx := rd.Transaction{Actions: []rd.TxAction{
		rd.PutAction(mk("P", "new"), rd.IfNotExists),
		rd.UpdateAction(key("P", "versioned"), rd.Update{Set: attrs{"version": n("3")}},
			rd.Condition{rd.AttrEquals("version", n("1"))}),
		rd.DeleteAction(key("P", "del"), nil),
		rd.CheckAction(key("P", "absent"), rd.IfExists),
	}}
	err := c.Table.TransactWrite(c.Ctx, tx)

	var tce *rd.TxCanceledError
	if !errors.As(err, &tce) {
		c.Fatalf("transaction with failing conditions: got %v, want a *TxCanceledError", err)
	}
	c.wantErr(err, rd.ErrTransactionCanceled, "cancelled transaction")
	if len(tce.Reasons) != len(tx.Actions) {
		c.Fatalf("%d reasons for %d actions: %+v", len(tce.Reasons), len(tx.Actions), tce.Reasons)
	}
	wantCodes := []string{rd.ReasonNone, rd.ReasonConditionalCheckFailed, rd.ReasonNone,
		rd.ReasonConditionalCheckFailed}
	for i, r := range tce.Reasons {
		code := r.Code
		if code == "" {
			code = rd.ReasonNone
		}
		if code != wantCodes[i] {
			c.Errorf("reason %d: %q, want %q", i, r.Code, wantCodes[i])
		}
	}
	if d := diffItems(stored, tce.Reasons[1].Item); d != "" {
		c.Errorf("reason 1 item: %s", d)
	}
	if tce.Reasons[3].Item != nil {
		c.Errorf("reason 3 item: %s, want none", formatItem(tce.Reasons[3].Item))
	}

	c.wantItem(key("P", "new"), nil)
	c.wantItem(key("P", "versioned"), stored)
	c.wantItem(key("P", "del"), mk("P", "del"))
}

func checkTxTooMany(c *C) {
	var actions []rd.TxAction
	for i := range 101 {
		actions = append(actions, rd.PutAction(mk("P", fmt.Sprintf("I#%03d", i)), nil))
	}
	err := c.Table.TransactWrite(c.Ctx, rd.Transaction{Actions: actions})
	c.wantErr(err, rd.ErrInvalid, "transaction of 101 actions")
	c.wantItem(key("P", "I#000"), nil)

	c.noErr(c.Table.TransactWrite(c.Ctx, rd.Transaction{Actions: actions[:100]}),
		"transaction of 100 actions")
	c.wantItem(key("P", "I#099"), mk("P", "I#099"))
}

func checkTxOnePerItem(c *C) {
	c.put(mk("P", "1"))
	tx := rd.Transaction{Actions: []rd.TxAction{
		rd.PutAction(mk("P", "other"), nil),
		rd.UpdateAction(key("P", "1"), rd.Update{Set: attrs{"a": s("x")}}, nil),
		rd.CheckAction(key("P", "1"), rd.IfExists),
	}}
	c.wantErr(c.Table.TransactWrite(c.Ctx, tx), rd.ErrInvalid,
		"transaction with two actions on one item")
	c.wantItem(key("P", "other"), nil)
	c.wantItem(key("P", "1"), mk("P", "1"))
}

func checkTxInvalid(c *C) {
	bad := map[string]rd.Transaction{
		"no actions":                {},
		"a check without condition": {Actions: []rd.TxAction{rd.CheckAction(key("P", "1"), nil)}},
		"an empty key":              {Actions: []rd.TxAction{rd.PutAction(mk("P", ""), nil)}},
		"an unknown kind":           {Actions: []rd.TxAction{{Key: key("P", "1")}}},
	}
	for what, tx := range bad {
		c.wantErr(c.Table.TransactWrite(c.Ctx, tx), rd.ErrInvalid, "transaction with "+what)
	}
}

// checkTxIdempotent checks ClientRequestToken semantics: the same request
// with the same token succeeds without being applied again; another request
// with that token is refused.
func checkTxIdempotent(c *C) {
	token := fmt.Sprintf("tabletest-%d", time.Now().UnixNano())
	tx := rd.Transaction{Token: token, Actions: []rd.TxAction{
		rd.UpdateAction(key("P", "counter"), rd.Update{Add: attrs{"n": n("1")}}, nil),
		rd.PutAction(mk("P", "once"), rd.IfNotExists),
	}}
	c.noErr(c.Table.TransactWrite(c.Ctx, tx), "first transaction")
	c.noErr(c.Table.TransactWrite(c.Ctx, tx), "the same transaction again with its token")
	c.wantItem(key("P", "counter"), mk("P", "counter", "n", n("1")))

	other := rd.Transaction{Token: token, Actions: []rd.TxAction{
		rd.UpdateAction(key("P", "counter"), rd.Update{Add: attrs{"n": n("5")}}, nil),
	}}
	c.wantErr(c.Table.TransactWrite(c.Ctx, other), rd.ErrInvalid,
		"another transaction with a used token")
	c.wantItem(key("P", "counter"), mk("P", "counter", "n", n("1")))
}

func checkTxGet(c *C) {
	a, b := mk("P", "a", "v", n("1")), mk("P", "b", "v", n("2"))
	c.put(a, b)
	keys := []rd.Key{key("P", "b"), key("P", "missing"), key("P", "a")}
	got, err := c.Table.TransactGet(c.Ctx, keys)
	c.noErr(err, "transact get")
	want := []rd.Item{b, nil, a}
	if len(got) != len(want) {
		c.Fatalf("transact get of %d keys returned %d results", len(keys), len(got))
	}
	for i := range want {
		if d := diffItems(want[i], got[i]); d != "" {
			c.Errorf("transact get result %d (key %s): %s", i, keys[i], d)
		}
	}

	_, err = c.Table.TransactGet(c.Ctx, []rd.Key{key("P", "a"), key("P", "a")})
	c.wantErr(err, rd.ErrInvalid, "transact get with a repeated key")
	var many []rd.Key
	for i := range 101 {
		many = append(many, key("P", fmt.Sprint(i)))
	}
	_, err = c.Table.TransactGet(c.Ctx, many)
	c.wantErr(err, rd.ErrInvalid, "transact get of 101 keys")
}
