package expr

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Shorthands for attribute values in the tests.
func avS(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func avN(s string) types.AttributeValue { return &types.AttributeValueMemberN{Value: s} }
func avB(b string) types.AttributeValue {
	return &types.AttributeValueMemberB{Value: []byte(b)}
}
func avBool(b bool) types.AttributeValue    { return &types.AttributeValueMemberBOOL{Value: b} }
func avNull() types.AttributeValue          { return &types.AttributeValueMemberNULL{Value: true} }
func avSS(s ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: s} }
func avNS(s ...string) types.AttributeValue { return &types.AttributeValueMemberNS{Value: s} }
func avL(v ...types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: v}
}
func avM(m rd.Item) types.AttributeValue { return &types.AttributeValueMemberM{Value: m} }
func avBS(b ...string) types.AttributeValue {
	out := make([][]byte, len(b))
	for i, s := range b {
		out[i] = []byte(s)
	}
	return &types.AttributeValueMemberBS{Value: out}
}

// TestValueSize checks the sizes DynamoDB documents in "Item sizes and
// formats": UTF-8 bytes of strings, raw bytes of binaries, one byte per two
// significant digits plus one for numbers, one byte for BOOL and NULL, and
// for a list or map 3 bytes plus 1 per element plus the elements (with
// their names, for a map).
func TestValueSize(t *testing.T) {
	tests := []struct {
		name string
		v    types.AttributeValue
		want int
	}{
		{"empty string", avS(""), 0},
		{"ascii string", avS("hello"), 5},
		{"utf-8 string", avS("héllo€"), 9}, // é is 2 bytes, € is 3
		{"binary", avB("\x00\x01\x02"), 3},
		{"number", avN("12345"), 4},
		{"number zeros trimmed", avN("0.0012300"), 3},
		{"true", avBool(true), 1},
		{"false", avBool(false), 1},
		{"null", avNull(), 1},
		{"string set", avSS("ab", "cde"), 5},
		{"number set", avNS("1", "123", "1234"), 2 + 3 + 3},
		{"binary set", avBS("a", "bc"), 3},
		{"empty list", avL(), 3},
		{"empty map", avM(rd.Item{}), 3},
		{"list", avL(avS("ab"), avN("1")), 3 + 2 + (2 + 2)},
		{"map", avM(rd.Item{"x": avN("1"), "yy": avS("abc")}), 3 + 2 + (1 + 2) + (2 + 3)},
		{"nested", avL(avL(), avM(rd.Item{"k": avBool(true)})),
			3 + 2 + 3 + (3 + 1 + 1 + 1)},
	}
	for _, tt := range tests {
		if got := ValueSize(tt.v); got != tt.want {
			t.Errorf("%s: ValueSize = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestSize(t *testing.T) {
	item := rd.Item{
		"PK":    avS("IMAGE#1"),              // 2 + 7
		"SK":    avS("LINE#00001"),           // 2 + 10
		"n":     avN("3.75"),                 // 1 + 3
		"naïve": avBool(true),                // 6 + 1: names count in UTF-8 bytes
		"tags":  avSS("a", "bb"),             // 4 + 3
		"box":   avM(rd.Item{"x": avN("1")}), // 3 + 3 + 1 + 1 + 2
	}
	want := 9 + 12 + 4 + 7 + 7 + 10
	if got := Size(item); got != want {
		t.Errorf("Size = %d, want %d", got, want)
	}
	if got := Size(nil); got != 0 {
		t.Errorf("Size(nil) = %d, want 0", got)
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b types.AttributeValue
		want bool
	}{
		{"same string", avS("a"), avS("a"), true},
		{"other string", avS("a"), avS("b"), false},
		{"numbers by value", avN("1.50"), avN("15E-1"), true},
		{"other number", avN("1"), avN("2"), false},
		{"number vs string", avN("1"), avS("1"), false},
		{"string vs number", avS("1"), avN("1"), false},
		{"binary", avB("ab"), avB("ab"), true},
		{"binary vs string", avB("ab"), avS("ab"), false},
		{"bool", avBool(true), avBool(true), true},
		{"bool differs", avBool(true), avBool(false), false},
		{"null", avNull(), avNull(), true},
		{"null vs bool", avNull(), avBool(false), false},
		{"string set any order", avSS("a", "b"), avSS("b", "a"), true},
		{"string set differs", avSS("a", "b"), avSS("a", "c"), false},
		{"string set subset", avSS("a"), avSS("a", "b"), false},
		{"number set by value", avNS("1", "2.0"), avNS("2", "1.00"), true},
		{"binary set", avBS("x", "y"), avBS("y", "x"), true},
		{"list in order", avL(avS("a"), avN("1")), avL(avS("a"), avN("1.0")), true},
		{"list order matters", avL(avS("a"), avS("b")), avL(avS("b"), avS("a")), false},
		{"list length", avL(avS("a")), avL(avS("a"), avS("a")), false},
		{"map", avM(rd.Item{"x": avN("1")}), avM(rd.Item{"x": avN("1.0")}), true},
		{"map value differs", avM(rd.Item{"x": avN("1")}), avM(rd.Item{"x": avN("2")}), false},
		{"map key differs", avM(rd.Item{"x": avN("1")}), avM(rd.Item{"y": avN("1")}), false},
		{"list vs map", avL(), avM(rd.Item{}), false},
		{"nil", nil, avS(""), false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Equal = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidateItem(t *testing.T) {
	base := func() rd.Item { return rd.Item{rd.AttrPK: avS("P"), rd.AttrSK: avS("S")} }
	with := func(name string, v types.AttributeValue) rd.Item {
		it := base()
		it[name] = v
		return it
	}
	deep := avS("leaf")
	for range 33 {
		deep = avL(deep)
	}
	ok32 := avS("leaf")
	for range 32 {
		ok32 = avL(ok32)
	}
	tests := []struct {
		name  string
		item  rd.Item
		field string // "" when valid
	}{
		{"minimal", base(), ""},
		{"no PK", rd.Item{rd.AttrSK: avS("S")}, rd.AttrPK},
		{"no SK", rd.Item{rd.AttrPK: avS("P")}, rd.AttrSK},
		{"empty PK", rd.Item{rd.AttrPK: avS(""), rd.AttrSK: avS("S")}, rd.AttrPK},
		{"numeric SK", rd.Item{rd.AttrPK: avS("P"), rd.AttrSK: avN("1")}, rd.AttrSK},
		{"PK too long", rd.Item{rd.AttrPK: avS(strings.Repeat("p", 2049)), rd.AttrSK: avS("S")},
			rd.AttrPK},
		{"PK at limit", rd.Item{rd.AttrPK: avS(strings.Repeat("p", 2048)), rd.AttrSK: avS("S")},
			""},
		{"SK too long", rd.Item{rd.AttrPK: avS("P"), rd.AttrSK: avS(strings.Repeat("s", 1025))},
			rd.AttrSK},
		{"empty index key", with(rd.AttrGSI1PK, avS("")), rd.AttrGSI1PK},
		{"binary index key", with(rd.AttrGSI2SK, avB("x")), rd.AttrGSI2SK},
		{"bad utf-8 key", with(rd.AttrGSI3PK, avS("\xff")), rd.AttrGSI3PK},
		{"empty non-key string", with("note", avS("")), ""},
		{"bad number", with("n", avN("1E++2")), "n"},
		{"39 digits", with("n", avN(strings.Repeat("1", 39))), "n"},
		{"number out of range", with("n", avN("1E+126")), "n"},
		{"NULL false", with("x", &types.AttributeValueMemberNULL{Value: false}), "x"},
		{"empty string set", with("tags", avSS()), "tags"},
		{"duplicate strings", with("tags", avSS("a", "a")), "tags"},
		{"duplicate numbers by value", with("ns", avNS("1", "1.0")), "ns"},
		{"many numbers, one duplicate", with("ns",
			avNS("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "3.0")), "ns"},
		{"many distinct numbers", with("ns",
			avNS("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")), ""},
		{"bad number in set", with("ns", avNS("1", "x")), "ns"},
		{"duplicate binaries", with("bs", avBS("a", "a")), "bs"},
		{"nil value", with("x", nil), "x"},
		{"bad value in list", with("l", avL(avN("1"), avN("x"))), "l"},
		{"bad value in map", with("m", avM(rd.Item{"k": avSS()})), "m"},
		{"32 levels", with("l", ok32), ""},
		{"33 levels", with("l", deep), "l"},
		{"too large", with("blob", avB(strings.Repeat("x", MaxItemSize))), "item"},
		{"at the limit", with("b", avB(strings.Repeat("x", MaxItemSize-1-6))), ""},
	}
	for _, tt := range tests {
		size, err := ValidateItem("Put", tt.item)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: ValidateItem: %v", tt.name, err)
			} else if size != Size(tt.item) {
				t.Errorf("%s: ValidateItem size %d, Size %d", tt.name, size, Size(tt.item))
			}
			continue
		}
		checkInvalid(t, tt.name, err, "Put", tt.field)
	}
}
