package expr

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func TestApply(t *testing.T) {
	key := rd.Key{PK: "IMAGE#1", SK: "JOB#1"}
	withKey := func(attrs rd.Item) rd.Item {
		it := rd.Item{rd.AttrPK: avS(key.PK), rd.AttrSK: avS(key.SK)}
		for k, v := range attrs {
			it[k] = v
		}
		return it
	}
	stored := withKey(rd.Item{
		"s":  avS("old"),
		"n":  avN("0.1"),
		"ss": avSS("a", "b"),
		"ns": avNS("1", "2.5"),
		"bs": avBS("x", "y"),
		"l":  avL(avN("1")),
	})
	tests := []struct {
		name   string
		stored rd.Item
		upd    rd.Update
		want   rd.Item
	}{
		{"set on no item starts from the key", nil,
			rd.Update{Set: rd.Item{"s": avS("new")}},
			withKey(rd.Item{"s": avS("new")})},
		{"set overwrites and adds", withKey(rd.Item{"s": avS("old")}),
			rd.Update{Set: rd.Item{"s": avN("1"), "t": avBool(true)}},
			withKey(rd.Item{"s": avN("1"), "t": avBool(true)})},
		{"remove present and missing", withKey(rd.Item{"s": avS("old"), "n": avN("1")}),
			rd.Update{Remove: []string{"s", "zz"}},
			withKey(rd.Item{"n": avN("1")})},
		{"add number exactly", withKey(rd.Item{"n": avN("0.1")}),
			rd.Update{Add: rd.Item{"n": avN("0.2")}},
			withKey(rd.Item{"n": avN("0.3")})},
		{"add negative to zero", withKey(rd.Item{"n": avN("5")}),
			rd.Update{Add: rd.Item{"n": avN("-5.0")}},
			withKey(rd.Item{"n": avN("0")})},
		{"add number to missing counts from 0", nil,
			rd.Update{Add: rd.Item{"n": avN("007.50")}},
			withKey(rd.Item{"n": avN("7.5")})},
		{"add to 38 digits", withKey(rd.Item{"n": avN(strings.Repeat("9", 37))}),
			rd.Update{Add: rd.Item{"n": avN("1")}},
			withKey(rd.Item{"n": avN("1" + strings.Repeat("0", 37))})},
		{"add string set", withKey(rd.Item{"ss": avSS("a", "b")}),
			rd.Update{Add: rd.Item{"ss": avSS("b", "c")}},
			withKey(rd.Item{"ss": avSS("a", "b", "c")})},
		{"add string set to missing", nil,
			rd.Update{Add: rd.Item{"ss": avSS("a")}},
			withKey(rd.Item{"ss": avSS("a")})},
		{"add number set by value", withKey(rd.Item{"ns": avNS("1", "2.5")}),
			rd.Update{Add: rd.Item{"ns": avNS("1.0", "3")}},
			withKey(rd.Item{"ns": avNS("1", "2.5", "3")})},
		{"add number set to missing", nil,
			rd.Update{Add: rd.Item{"ns": avNS("4")}},
			withKey(rd.Item{"ns": avNS("4")})},
		{"add binary set", withKey(rd.Item{"bs": avBS("x")}),
			rd.Update{Add: rd.Item{"bs": avBS("x", "y")}},
			withKey(rd.Item{"bs": avBS("x", "y")})},
		{"add binary set to missing", nil,
			rd.Update{Add: rd.Item{"bs": avBS("z")}},
			withKey(rd.Item{"bs": avBS("z")})},
		{"delete some members", withKey(rd.Item{"ss": avSS("a", "b", "c")}),
			rd.Update{Delete: rd.Item{"ss": avSS("b", "zz")}},
			withKey(rd.Item{"ss": avSS("a", "c")})},
		{"delete last members removes the set", withKey(rd.Item{"ss": avSS("a", "b")}),
			rd.Update{Delete: rd.Item{"ss": avSS("a", "b")}},
			withKey(nil)},
		{"delete numbers by value", withKey(rd.Item{"ns": avNS("1", "2.5")}),
			rd.Update{Delete: rd.Item{"ns": avNS("2.50")}},
			withKey(rd.Item{"ns": avNS("1")})},
		{"delete every number removes the set", withKey(rd.Item{"ns": avNS("1")}),
			rd.Update{Delete: rd.Item{"ns": avNS("1E0")}},
			withKey(nil)},
		{"delete binaries", withKey(rd.Item{"bs": avBS("x", "y")}),
			rd.Update{Delete: rd.Item{"bs": avBS("y")}},
			withKey(rd.Item{"bs": avBS("x")})},
		{"delete every binary removes the set", withKey(rd.Item{"bs": avBS("x")}),
			rd.Update{Delete: rd.Item{"bs": avBS("x")}},
			withKey(nil)},
		{"delete from missing", withKey(rd.Item{"s": avS("x")}),
			rd.Update{Delete: rd.Item{"ss": avSS("a")}},
			withKey(rd.Item{"s": avS("x")})},
		{"all clauses", stored,
			rd.Update{
				Set:    rd.Item{"s": avS("new")},
				Remove: []string{"l"},
				Add:    rd.Item{"n": avN("0.2"), "ss": avSS("c")},
				Delete: rd.Item{"ns": avNS("1", "2.5"), "bs": avBS("x")},
			},
			withKey(rd.Item{
				"s": avS("new"), "n": avN("0.3"), "ss": avSS("a", "b", "c"),
				"bs": avBS("y"),
			})},
	}
	for _, tt := range tests {
		before := copyItem(tt.stored)
		got, err := Apply("Update", key, tt.stored, tt.upd)
		if err != nil {
			t.Errorf("%s: Apply: %v", tt.name, err)
			continue
		}
		if !EqualItems(got, tt.want) {
			t.Errorf("%s: Apply = %v, want %v", tt.name, got, tt.want)
		}
		// Numbers made by ADD are canonical, not just equal in value.
		for name, v := range got {
			if n, ok := v.(*types.AttributeValueMemberN); ok {
				w := tt.want[name].(*types.AttributeValueMemberN)
				if n.Value != w.Value {
					t.Errorf("%s: %s = %q, want %q", tt.name, name, n.Value, w.Value)
				}
			}
		}
		if !EqualItems(tt.stored, before) {
			t.Errorf("%s: Apply changed the stored item to %v", tt.name, tt.stored)
		}
	}
}

// copyItem deep-copies an item so a test can see whether Apply changed the
// stored one.
func copyItem(it rd.Item) rd.Item {
	if it == nil {
		return nil
	}
	return deepCopy(avM(it)).(*types.AttributeValueMemberM).Value
}

func deepCopy(v types.AttributeValue) types.AttributeValue {
	switch av := v.(type) {
	case *types.AttributeValueMemberS:
		return avS(av.Value)
	case *types.AttributeValueMemberN:
		return avN(av.Value)
	case *types.AttributeValueMemberB:
		return avB(string(av.Value))
	case *types.AttributeValueMemberBOOL:
		return avBool(av.Value)
	case *types.AttributeValueMemberNULL:
		return &types.AttributeValueMemberNULL{Value: av.Value}
	case *types.AttributeValueMemberSS:
		return avSS(clone(av.Value)...)
	case *types.AttributeValueMemberNS:
		return avNS(clone(av.Value)...)
	case *types.AttributeValueMemberBS:
		out := &types.AttributeValueMemberBS{}
		for _, b := range av.Value {
			out.Value = append(out.Value, clone(b))
		}
		return out
	case *types.AttributeValueMemberL:
		out := &types.AttributeValueMemberL{}
		for _, e := range av.Value {
			out.Value = append(out.Value, deepCopy(e))
		}
		return out
	case *types.AttributeValueMemberM:
		out := rd.Item{}
		for k, e := range av.Value {
			out[k] = deepCopy(e)
		}
		return avM(out)
	}
	return v
}

func TestApplyErrors(t *testing.T) {
	key := rd.Key{PK: "P", SK: "S"}
	stored := rd.Item{
		rd.AttrPK: avS("P"), rd.AttrSK: avS("S"),
		"s": avS("text"), "n": avN("1"), "ss": avSS("a"), "ns": avNS("1"),
		"big": avN("9.9E+125"), "max": avN(strings.Repeat("9", 38)),
	}
	tests := []struct {
		name  string
		upd   rd.Update
		field string
	}{
		{"add number to string", rd.Update{Add: rd.Item{"s": avN("1")}}, "Add.s"},
		{"add number to set", rd.Update{Add: rd.Item{"ns": avN("1")}}, "Add.ns"},
		{"add string set to number set", rd.Update{Add: rd.Item{"ns": avSS("x")}}, "Add.ns"},
		{"add number set to string set", rd.Update{Add: rd.Item{"ss": avNS("1")}}, "Add.ss"},
		{"add binary set to string", rd.Update{Add: rd.Item{"s": avBS("x")}}, "Add.s"},
		{"add beyond 38 digits", rd.Update{Add: rd.Item{"max": avN("0.1")}}, "Add.max"},
		{"add beyond range", rd.Update{Add: rd.Item{"big": avN("1E+125")}}, "Add.big"},
		{"add a string", rd.Update{Add: rd.Item{"s": avS("x")}}, "Add.s"},
		{"delete from a string", rd.Update{Delete: rd.Item{"s": avSS("text")}}, "Delete.s"},
		{"delete strings from numbers", rd.Update{Delete: rd.Item{"ns": avSS("1")}},
			"Delete.ns"},
		{"delete numbers from strings", rd.Update{Delete: rd.Item{"ss": avNS("1")}},
			"Delete.ss"},
		{"delete binaries from numbers", rd.Update{Delete: rd.Item{"n": avBS("1")}},
			"Delete.n"},
		{"too large", rd.Update{Set: rd.Item{"blob": avB(strings.Repeat("x", MaxItemSize))}},
			"item"},
	}
	for _, tt := range tests {
		got, err := Apply("Update", key, stored, tt.upd)
		if got != nil {
			t.Errorf("%s: Apply returned an item with its error", tt.name)
		}
		checkInvalid(t, tt.name, err, "Update", tt.field)
	}
}

func TestValidateUpdate(t *testing.T) {
	tests := []struct {
		name  string
		upd   rd.Update
		field string // "" when valid
	}{
		{"empty", rd.Update{}, ""},
		{"every clause", rd.Update{
			Set:    rd.Item{"a": avS("x"), rd.AttrGSI1PK: avS("G")},
			Remove: []string{"b"},
			Add:    rd.Item{"c": avN("1"), "d": avSS("x"), "e": avNS("1"), "f": avBS("x")},
			Delete: rd.Item{"g": avSS("x"), "h": avNS("1"), "i": avBS("x")},
		}, ""},
		{"set PK", rd.Update{Set: rd.Item{rd.AttrPK: avS("x")}}, "Set"},
		{"remove SK", rd.Update{Remove: []string{rd.AttrSK}}, "Remove"},
		{"add PK", rd.Update{Add: rd.Item{rd.AttrPK: avN("1")}}, "Add"},
		{"empty name", rd.Update{Remove: []string{""}}, "Remove"},
		{"set and remove", rd.Update{Set: rd.Item{"a": avS("x")}, Remove: []string{"a"}},
			"Remove"},
		{"remove twice", rd.Update{Remove: []string{"a", "a"}}, "Remove"},
		{"set and add", rd.Update{Set: rd.Item{"a": avN("1")}, Add: rd.Item{"a": avN("1")}},
			"Add"},
		{"add and delete", rd.Update{Add: rd.Item{"a": avSS("x")},
			Delete: rd.Item{"a": avSS("x")}}, "Delete"},
		{"set index key empty", rd.Update{Set: rd.Item{rd.AttrGSI2PK: avS("")}},
			"Set." + rd.AttrGSI2PK},
		{"set index key number", rd.Update{Set: rd.Item{rd.AttrGSI1SK: avN("1")}},
			"Set." + rd.AttrGSI1SK},
		{"set bad number", rd.Update{Set: rd.Item{"a": avN("1e")}}, "Set.a"},
		{"set empty set", rd.Update{Set: rd.Item{"a": avNS()}}, "Set.a"},
		{"add a string", rd.Update{Add: rd.Item{"a": avS("x")}}, "Add.a"},
		{"add a list", rd.Update{Add: rd.Item{"a": avL(avN("1"))}}, "Add.a"},
		{"add bad number", rd.Update{Add: rd.Item{"a": avN("1E+126")}}, "Add.a"},
		{"add duplicate members", rd.Update{Add: rd.Item{"a": avNS("1", "1.0")}}, "Add.a"},
		{"delete a number", rd.Update{Delete: rd.Item{"a": avN("1")}}, "Delete.a"},
		{"delete a string", rd.Update{Delete: rd.Item{"a": avS("x")}}, "Delete.a"},
		{"delete empty set", rd.Update{Delete: rd.Item{"a": avSS()}}, "Delete.a"},
	}
	for _, tt := range tests {
		err := ValidateUpdate("Update", tt.upd)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: ValidateUpdate: %v", tt.name, err)
			}
			continue
		}
		checkInvalid(t, tt.name, err, "Update", tt.field)
	}
}
