package expr

import (
	"fmt"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Limits of DynamoDB items and keys.
const (
	MaxItemSize = 400 * 1024 // bytes, names and values together
	MaxHashLen  = 2048       // bytes of a partition key value
	MaxRangeLen = 1024       // bytes of a sort key value
)

// keyAttrs are the attributes that must be non-empty strings when present,
// with their length limits: the table's keys and every index's keys.
var keyAttrs = map[string]int{
	rd.AttrPK: MaxHashLen, rd.AttrSK: MaxRangeLen,
	rd.AttrGSI1PK: MaxHashLen, rd.AttrGSI1SK: MaxRangeLen,
	rd.AttrGSI2PK: MaxHashLen, rd.AttrGSI2SK: MaxRangeLen,
	rd.AttrGSI3PK: MaxHashLen, rd.AttrGSI3SK: MaxRangeLen,
	rd.AttrType: MaxHashLen,
}

// ValidateKey checks a primary key as DynamoDB does: both values non-empty
// valid UTF-8 within their length limits. op names the request in the
// error, e.g. "Get".
func ValidateKey(op string, k rd.Key) error {
	if err := checkKeyString(op, rd.AttrPK, k.PK, MaxHashLen); err != nil {
		return err
	}
	return checkKeyString(op, rd.AttrSK, k.SK, MaxRangeLen)
}

func checkKeyString(op, attr, v string, maxLen int) error {
	switch {
	case v == "":
		return rd.Invalid(op, attr, "must not be empty", nil)
	case len(v) > maxLen:
		return rd.Invalid(op, attr, fmt.Sprintf("must be at most %d bytes", maxLen), len(v))
	case !utf8.ValidString(v):
		return rd.Invalid(op, attr, "must be valid UTF-8", v)
	}
	return nil
}

// KeyOf returns the primary key of an item, without checking it.
func KeyOf(item rd.Item) rd.Key {
	return rd.Key{PK: stringAttr(item, rd.AttrPK), SK: stringAttr(item, rd.AttrSK)}
}

// stringAttr returns the attribute's string value, or "" if it is missing
// or not a string.
func stringAttr(item rd.Item, name string) string {
	if s, ok := item[name].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// ValidateItem checks an item that is about to be written and returns its
// size: PK and SK present, every key attribute of the table and its indexes
// a non-empty string within its limit when present, every value storable,
// and the whole at most 400 KB.
func ValidateItem(op string, item rd.Item) (size int, err error) {
	for _, name := range []string{rd.AttrPK, rd.AttrSK} {
		if _, ok := item[name]; !ok {
			return 0, rd.Invalid(op, name, "is required", nil)
		}
	}
	for name, v := range item {
		if maxLen, isKey := keyAttrs[name]; isKey {
			s, ok := v.(*types.AttributeValueMemberS)
			if !ok {
				return 0, rd.Invalid(op, name, "must be a string (S)", rd.TypeName(v))
			}
			if err := checkKeyString(op, name, s.Value, maxLen); err != nil {
				return 0, err
			}
		} else if msg := checkValue(v, 0); msg != "" {
			return 0, rd.Invalid(op, name, msg, nil)
		}
		size += len(name) + ValueSize(v)
	}
	if size > MaxItemSize {
		return size, rd.Invalid(op, "item",
			fmt.Sprintf("must be at most %d bytes (400 KB) of names and values", MaxItemSize), size)
	}
	return size, nil
}

// ValidateCondition checks that every check of cond names an attribute and
// has an operand of a type its operator accepts.
func ValidateCondition(op string, cond rd.Condition) error {
	for i, c := range cond {
		field := fmt.Sprintf("Condition[%d]", i)
		if c.Attr == "" {
			return rd.Invalid(op, field, "must name an attribute", nil)
		}
		switch c.Op {
		case rd.OpExists, rd.OpNotExists:
			continue
		case rd.OpEq, rd.OpNe:
			if c.Value == nil {
				return rd.Invalid(op, field, "needs a value to compare with", nil)
			}
		case rd.OpLt, rd.OpLe, rd.OpGt, rd.OpGe, rd.OpContains:
			switch c.Value.(type) {
			case *types.AttributeValueMemberS, *types.AttributeValueMemberN,
				*types.AttributeValueMemberB:
			default:
				return rd.Invalid(op, field, "needs a string, number or binary operand",
					rd.TypeName(c.Value))
			}
		default:
			return rd.Invalid(op, field, "has an unknown operator", int(c.Op))
		}
		if msg := checkValue(c.Value, 0); msg != "" {
			return rd.Invalid(op, field, "value "+msg, nil)
		}
	}
	return nil
}

// ValidateUpdate checks an update before it meets the stored item: key
// attributes untouched, each attribute in one clause only, ADD with a number
// or a set, DELETE with a set, and storable values.
func ValidateUpdate(op string, upd rd.Update) error {
	seen := map[string]string{}
	use := func(clause, name string) error {
		if name == "" {
			return rd.Invalid(op, clause, "names an empty attribute", nil)
		}
		if name == rd.AttrPK || name == rd.AttrSK {
			return rd.Invalid(op, clause, "cannot change the key attribute "+name, nil)
		}
		if prev, dup := seen[name]; dup {
			return rd.Invalid(op, clause,
				fmt.Sprintf("names %s, which %s already changes", name, prev), nil)
		}
		seen[name] = clause
		return nil
	}

	for name, v := range upd.Set {
		if err := use("Set", name); err != nil {
			return err
		}
		if err := checkSetValue(op, name, v); err != nil {
			return err
		}
	}
	for _, name := range upd.Remove {
		if err := use("Remove", name); err != nil {
			return err
		}
	}
	for name, v := range upd.Add {
		if err := use("Add", name); err != nil {
			return err
		}
		switch v.(type) {
		case *types.AttributeValueMemberN, *types.AttributeValueMemberSS,
			*types.AttributeValueMemberNS, *types.AttributeValueMemberBS:
		default:
			return rd.Invalid(op, "Add."+name, "must be a number or a set", rd.TypeName(v))
		}
		if msg := checkValue(v, 0); msg != "" {
			return rd.Invalid(op, "Add."+name, msg, nil)
		}
	}
	for name, v := range upd.Delete {
		if err := use("Delete", name); err != nil {
			return err
		}
		switch v.(type) {
		case *types.AttributeValueMemberSS, *types.AttributeValueMemberNS,
			*types.AttributeValueMemberBS:
		default:
			return rd.Invalid(op, "Delete."+name, "must be a set", rd.TypeName(v))
		}
		if msg := checkValue(v, 0); msg != "" {
			return rd.Invalid(op, "Delete."+name, msg, nil)
		}
	}
	return nil
}

// checkSetValue checks a value assigned by SET: index keys must be
// non-empty strings, other values storable.
func checkSetValue(op, name string, v types.AttributeValue) error {
	if maxLen, isKey := keyAttrs[name]; isKey {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			return rd.Invalid(op, "Set."+name, "must be a string (S)", rd.TypeName(v))
		}
		return checkKeyString(op, "Set."+name, s.Value, maxLen)
	}
	if msg := checkValue(v, 0); msg != "" {
		return rd.Invalid(op, "Set."+name, msg, nil)
	}
	return nil
}
