package ddb

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// DynamoDB's limits that the engine checks before sending a request, so that
// a bad request fails the same way on every server and names its culprit.
const (
	maxItemSize    = 400 * 1024
	maxPKSize      = 2048
	maxSKSize      = 1024
	maxBatchWrite  = 25
	maxBatchGet    = 100
	maxBatchBytes  = 16 * 1024 * 1024
	maxTxActions   = 100
	maxTxBytes     = 4 * 1024 * 1024
	maxPageBytes   = 1024 * 1024
	maxTokenLength = 36
)

// checkKey checks a primary key given as a Key.
func checkKey(k rd.Key, typ, field string) error {
	switch {
	case k.PK == "":
		return rd.Invalid(typ, field+".PK", "must not be empty", nil)
	case len(k.PK) > maxPKSize:
		return rd.Invalid(typ, field+".PK", fmt.Sprintf("must be at most %d bytes", maxPKSize),
			len(k.PK))
	case k.SK == "":
		return rd.Invalid(typ, field+".SK", "must not be empty", nil)
	case len(k.SK) > maxSKSize:
		return rd.Invalid(typ, field+".SK", fmt.Sprintf("must be at most %d bytes", maxSKSize),
			len(k.SK))
	}
	return nil
}

// checkItem checks an item to be written: a string primary key, string index
// keys, no nil values, at most 400 KB. It returns the item's key and size.
func checkItem(item rd.Item, typ, field string) (rd.Key, int, error) {
	if len(item) == 0 {
		return rd.Key{}, 0, rd.Invalid(typ, field, "must not be empty", nil)
	}
	var k rd.Key
	for _, attr := range []string{rd.AttrPK, rd.AttrSK} {
		s, ok := item[attr].(*types.AttributeValueMemberS)
		if !ok {
			return rd.Key{}, 0, rd.Invalid(typ, field+"."+attr, "must be a string (S)",
				rd.TypeName(item[attr]))
		}
		if attr == rd.AttrPK {
			k.PK = s.Value
		} else {
			k.SK = s.Value
		}
	}
	if err := checkKey(k, typ, field); err != nil {
		return rd.Key{}, 0, err
	}
	if err := checkIndexKeys(item, typ, field); err != nil {
		return rd.Key{}, 0, err
	}
	size, err := itemSize(item)
	if err != nil {
		return rd.Key{}, 0, rd.Invalid(typ, field, err.Error(), nil)
	}
	if size > maxItemSize {
		return rd.Key{}, 0, rd.Invalid(typ, field,
			fmt.Sprintf("must be at most %d bytes", maxItemSize), size)
	}
	return k, size, nil
}

// checkIndexKeys checks that the index key attributes an item has are
// non-empty strings, as the table's schema declares them.
func checkIndexKeys(item rd.Item, typ, field string) error {
	for _, ix := range rd.Indexes {
		for _, attr := range []string{ix.Hash, ix.Range} {
			v, ok := item[attr]
			if attr == "" || !ok {
				continue
			}
			s, isS := v.(*types.AttributeValueMemberS)
			if !isS {
				return rd.Invalid(typ, field+"."+attr,
					"must be a string (S), as key of index "+ix.Name, rd.TypeName(v))
			}
			if s.Value == "" {
				return rd.Invalid(typ, field+"."+attr,
					"must not be empty, as key of index "+ix.Name, nil)
			}
		}
	}
	return nil
}

// itemSize returns the size of an item as DynamoDB counts it: the UTF-8
// length of every attribute name plus the size of its value.
func itemSize(item rd.Item) (int, error) {
	n := 0
	for name, v := range item {
		s, err := valueSize(v)
		if err != nil {
			return 0, fmt.Errorf("attribute %q: %w", name, err)
		}
		n += len(name) + s
	}
	return n, nil
}

// valueSize follows DynamoDB's sizing rules: strings and binaries count their
// bytes, a number about one byte per two significant digits plus one,
// booleans and nulls one byte, lists and maps three bytes plus one per
// element plus their elements (and a map its names).
func valueSize(v types.AttributeValue) (int, error) {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value), nil
	case *types.AttributeValueMemberN:
		return numberSize(v.Value), nil
	case *types.AttributeValueMemberB:
		return len(v.Value), nil
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1, nil
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n, nil
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += numberSize(s)
		}
		return n, nil
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n, nil
	case *types.AttributeValueMemberL:
		n := 3
		for i, e := range v.Value {
			s, err := valueSize(e)
			if err != nil {
				return 0, fmt.Errorf("element %d: %w", i, err)
			}
			n += 1 + s
		}
		return n, nil
	case *types.AttributeValueMemberM:
		n := 3
		for name, e := range v.Value {
			s, err := valueSize(e)
			if err != nil {
				return 0, fmt.Errorf("key %q: %w", name, err)
			}
			n += 1 + len(name) + s
		}
		return n, nil
	case nil:
		return 0, fmt.Errorf("value is nil")
	}
	return 0, fmt.Errorf("value of unsupported type %T", v)
}

// numberSize estimates the stored size of a decimal number: its significant
// digits packed two to a byte, plus one byte.
func numberSize(s string) int {
	s = strings.TrimLeft(s, "+-")
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	s = strings.Replace(s, ".", "", 1)
	s = strings.Trim(s, "0")
	return (len(s)+1)/2 + 1
}

// keyAttrs returns the primary key of k as DynamoDB attributes.
func keyAttrs(k rd.Key) rd.Item {
	return rd.Item{
		rd.AttrPK: &types.AttributeValueMemberS{Value: k.PK},
		rd.AttrSK: &types.AttributeValueMemberS{Value: k.SK},
	}
}

// keyOf returns the primary key of an item returned by DynamoDB, whose key
// attributes are strings; ok is false if they are not.
func keyOf(item rd.Item) (k rd.Key, ok bool) {
	pk, ok1 := item[rd.AttrPK].(*types.AttributeValueMemberS)
	sk, ok2 := item[rd.AttrSK].(*types.AttributeValueMemberS)
	if !ok1 || !ok2 {
		return rd.Key{}, false
	}
	return rd.Key{PK: pk.Value, SK: sk.Value}, true
}
