package expr

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func TestEval(t *testing.T) {
	item := rd.Item{
		rd.AttrPK: avS("IMAGE#1"),
		rd.AttrSK: avS("LINE#1"),
		"s":       avS("banana"),
		"n":       avN("10"),
		"b":       avB("\x01\x02\x03"),
		"ok":      avBool(true),
		"nul":     avNull(),
		"ss":      avSS("red", "green"),
		"ns":      avNS("1.5", "2"),
		"bs":      avBS("\x01", "\x02"),
		"l":       avL(avS("x"), avN("7")),
		"m":       avM(rd.Item{"k": avS("v")}),
	}
	chk := func(attr string, op rd.Op, v types.AttributeValue) rd.Check {
		return rd.Check{Attr: attr, Op: op, Value: v}
	}
	tests := []struct {
		name string
		c    rd.Check
		want bool
	}{
		{"exists", chk("s", rd.OpExists, nil), true},
		{"exists missing", chk("zz", rd.OpExists, nil), false},
		{"not exists", chk("s", rd.OpNotExists, nil), false},
		{"not exists missing", chk("zz", rd.OpNotExists, nil), true},

		{"eq string", chk("s", rd.OpEq, avS("banana")), true},
		{"eq string differs", chk("s", rd.OpEq, avS("Banana")), false},
		{"eq number by value", chk("n", rd.OpEq, avN("1E1")), true},
		{"eq number vs string", chk("n", rd.OpEq, avS("10")), false},
		{"eq set any order", chk("ss", rd.OpEq, avSS("green", "red")), true},
		{"eq map", chk("m", rd.OpEq, avM(rd.Item{"k": avS("v")})), true},
		{"eq null", chk("nul", rd.OpEq, avNull()), true},
		{"eq missing", chk("zz", rd.OpEq, avS("banana")), false},

		{"ne string", chk("s", rd.OpNe, avS("apple")), true},
		{"ne same", chk("s", rd.OpNe, avS("banana")), false},
		{"ne number same value", chk("n", rd.OpNe, avN("10.0")), false},
		{"ne other type", chk("n", rd.OpNe, avS("10")), true},
		{"ne missing", chk("zz", rd.OpNe, avS("x")), true},

		{"lt number", chk("n", rd.OpLt, avN("10.5")), true},
		{"lt number equal", chk("n", rd.OpLt, avN("10")), false},
		{"lt numeric not textual", chk("n", rd.OpLt, avN("9")), false},
		{"le number equal", chk("n", rd.OpLe, avN("1E1")), true},
		{"le number less", chk("n", rd.OpLe, avN("9.99")), false},
		{"gt number", chk("n", rd.OpGt, avN("-10")), true},
		{"gt number equal", chk("n", rd.OpGt, avN("10")), false},
		{"ge number equal", chk("n", rd.OpGe, avN("10")), true},
		{"ge number greater", chk("n", rd.OpGe, avN("10.0000001")), false},
		{"lt string", chk("s", rd.OpLt, avS("cherry")), true},
		{"lt string bytewise", chk("s", rd.OpLt, avS("Zebra")), false},
		{"gt string prefix", chk("s", rd.OpGt, avS("ban")), true},
		{"lt utf-8 bytes", chk("s", rd.OpLt, avS("é")), true},
		{"lt binary", chk("b", rd.OpLt, avB("\x01\x02\x04")), true},
		{"ge binary", chk("b", rd.OpGe, avB("\x01\x02\x03")), true},
		{"gt binary", chk("b", rd.OpGt, avB("\x02")), false},
		{"lt type mismatch", chk("n", rd.OpLt, avS("z")), false},
		{"ge type mismatch", chk("s", rd.OpGe, avN("1")), false},
		{"gt bool", chk("ok", rd.OpGt, avS("a")), false},
		{"lt missing", chk("zz", rd.OpLt, avN("1")), false},
		{"ge missing", chk("zz", rd.OpGe, avN("1")), false},

		{"contains substring", chk("s", rd.OpContains, avS("nan")), true},
		{"contains not substring", chk("s", rd.OpContains, avS("nab")), false},
		{"contains empty substring", chk("s", rd.OpContains, avS("")), true},
		{"contains string vs number", chk("s", rd.OpContains, avN("1")), false},
		{"contains bytes", chk("b", rd.OpContains, avB("\x02\x03")), true},
		{"contains bytes absent", chk("b", rd.OpContains, avB("\x03\x02")), false},
		{"contains ss member", chk("ss", rd.OpContains, avS("red")), true},
		{"contains ss not member", chk("ss", rd.OpContains, avS("re")), false},
		{"contains ns by value", chk("ns", rd.OpContains, avN("1.50")), true},
		{"contains ns absent", chk("ns", rd.OpContains, avN("3")), false},
		{"contains ns wrong type", chk("ns", rd.OpContains, avS("2")), false},
		{"contains bs member", chk("bs", rd.OpContains, avB("\x02")), true},
		{"contains list element", chk("l", rd.OpContains, avN("7.0")), true},
		{"contains list absent", chk("l", rd.OpContains, avS("7")), false},
		{"contains number attr", chk("n", rd.OpContains, avN("1")), false},
		{"contains map", chk("m", rd.OpContains, avS("k")), false},
		{"contains missing", chk("zz", rd.OpContains, avS("a")), false},

		{"unknown op", chk("s", rd.Op(99), avS("banana")), false},
	}
	for _, tt := range tests {
		if got := Eval(rd.Condition{tt.c}, item); got != tt.want {
			t.Errorf("%s: Eval = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEvalConjunctionAndNoItem(t *testing.T) {
	item := rd.Item{rd.AttrPK: avS("P"), "n": avN("5")}
	yes := rd.Check{Attr: "n", Op: rd.OpGt, Value: avN("1")}
	no := rd.Check{Attr: "n", Op: rd.OpLt, Value: avN("1")}
	tests := []struct {
		name string
		cond rd.Condition
		item rd.Item
		want bool
	}{
		{"empty condition", nil, item, true},
		{"empty condition, no item", nil, nil, true},
		{"all hold", rd.Condition{yes, yes}, item, true},
		{"one fails", rd.Condition{yes, no}, item, false},
		{"first fails", rd.Condition{no, yes}, item, false},
		{"if exists", rd.IfExists, item, true},
		{"if exists, no item", rd.IfExists, nil, false},
		{"if not exists", rd.IfNotExists, item, false},
		{"if not exists, no item", rd.IfNotExists, nil, true},
		{"comparison, no item", rd.Condition{yes}, nil, false},
		{"ne, no item", rd.Condition{{Attr: "n", Op: rd.OpNe, Value: avN("5")}}, nil, true},
	}
	for _, tt := range tests {
		if got := Eval(tt.cond, tt.item); got != tt.want {
			t.Errorf("%s: Eval = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidateCondition(t *testing.T) {
	tests := []struct {
		name  string
		cond  rd.Condition
		field string // "" when valid
	}{
		{"empty", nil, ""},
		{"exists", rd.IfExists, ""},
		{"exists ignores value", rd.Condition{{Attr: "a", Op: rd.OpNotExists}}, ""},
		{"eq any type", rd.Condition{{Attr: "a", Op: rd.OpEq, Value: avSS("x")}}, ""},
		{"ne map", rd.Condition{{Attr: "a", Op: rd.OpNe, Value: avM(rd.Item{})}}, ""},
		{"lt number", rd.Condition{{Attr: "a", Op: rd.OpLt, Value: avN("1")}}, ""},
		{"contains binary", rd.Condition{{Attr: "a", Op: rd.OpContains, Value: avB("x")}}, ""},
		{"no attribute", rd.Condition{{Op: rd.OpExists}}, "Condition[0]"},
		{"second check bad", rd.Condition{
			{Attr: "a", Op: rd.OpExists}, {Attr: "b", Op: rd.OpEq}}, "Condition[1]"},
		{"eq without value", rd.Condition{{Attr: "a", Op: rd.OpEq}}, "Condition[0]"},
		{"ne without value", rd.Condition{{Attr: "a", Op: rd.OpNe}}, "Condition[0]"},
		{"lt without value", rd.Condition{{Attr: "a", Op: rd.OpLt}}, "Condition[0]"},
		{"gt bool", rd.Condition{{Attr: "a", Op: rd.OpGt, Value: avBool(true)}},
			"Condition[0]"},
		{"ge set", rd.Condition{{Attr: "a", Op: rd.OpGe, Value: avNS("1")}}, "Condition[0]"},
		{"le list", rd.Condition{{Attr: "a", Op: rd.OpLe, Value: avL()}}, "Condition[0]"},
		{"contains set", rd.Condition{{Attr: "a", Op: rd.OpContains, Value: avSS("x")}},
			"Condition[0]"},
		{"unknown op", rd.Condition{{Attr: "a", Op: rd.Op(0), Value: avS("x")}},
			"Condition[0]"},
		{"bad number", rd.Condition{{Attr: "a", Op: rd.OpLt, Value: avN("1,5")}},
			"Condition[0]"},
		{"number out of range", rd.Condition{{Attr: "a", Op: rd.OpEq, Value: avN("1E-131")}},
			"Condition[0]"},
		{"empty set", rd.Condition{{Attr: "a", Op: rd.OpEq, Value: avSS()}}, "Condition[0]"},
	}
	for _, tt := range tests {
		err := ValidateCondition("Delete", tt.cond)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: ValidateCondition: %v", tt.name, err)
			}
			continue
		}
		checkInvalid(t, tt.name, err, "Delete", tt.field)
	}
}

func TestValidateKey(t *testing.T) {
	long := func(n int) string { return string(make([]byte, n)) }
	tests := []struct {
		name  string
		k     rd.Key
		field string
	}{
		{"ok", rd.Key{PK: "IMAGE#1", SK: "LINE#1"}, ""},
		{"limits", rd.Key{PK: long(2048), SK: long(1024)}, ""},
		{"utf-8", rd.Key{PK: "é", SK: "€"}, ""},
		{"empty PK", rd.Key{SK: "S"}, rd.AttrPK},
		{"empty SK", rd.Key{PK: "P"}, rd.AttrSK},
		{"long PK", rd.Key{PK: long(2049), SK: "S"}, rd.AttrPK},
		{"long SK", rd.Key{PK: "P", SK: long(1025)}, rd.AttrSK},
		{"bad utf-8 PK", rd.Key{PK: "\xc3", SK: "S"}, rd.AttrPK},
		{"bad utf-8 SK", rd.Key{PK: "P", SK: "a\xffb"}, rd.AttrSK},
	}
	for _, tt := range tests {
		err := ValidateKey("Get", tt.k)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: ValidateKey: %v", tt.name, err)
			}
			continue
		}
		checkInvalid(t, tt.name, err, "Get", tt.field)
	}
}

func TestKeyOf(t *testing.T) {
	got := KeyOf(rd.Item{rd.AttrPK: avS("P"), rd.AttrSK: avS("S"), "x": avN("1")})
	if got != (rd.Key{PK: "P", SK: "S"}) {
		t.Errorf("KeyOf = %+v", got)
	}
	if got := KeyOf(rd.Item{rd.AttrPK: avN("1")}); got != (rd.Key{}) {
		t.Errorf("KeyOf of a numeric PK and no SK = %+v, want the zero key", got)
	}
}
