package expr

import (
	"bytes"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// maxDepth is DynamoDB's limit on nested lists and maps.
const maxDepth = 32

// Equal reports whether a and b are equal as DynamoDB's = compares them:
// same type, numbers by value, sets regardless of order, lists and maps
// element by element.
func Equal(a, b types.AttributeValue) bool {
	switch av := a.(type) {
	case *types.AttributeValueMemberS:
		bv, ok := b.(*types.AttributeValueMemberS)
		return ok && av.Value == bv.Value
	case *types.AttributeValueMemberN:
		bv, ok := b.(*types.AttributeValueMemberN)
		if !ok {
			return false
		}
		c, ok := CompareNumbers(av.Value, bv.Value)
		return ok && c == 0
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
		return ok && sameSet(av.Value, bv.Value, func(x, y string) bool { return x == y })
	case *types.AttributeValueMemberNS:
		bv, ok := b.(*types.AttributeValueMemberNS)
		return ok && sameSet(av.Value, bv.Value, numbersEqual)
	case *types.AttributeValueMemberBS:
		bv, ok := b.(*types.AttributeValueMemberBS)
		return ok && sameSet(av.Value, bv.Value, bytes.Equal)
	case *types.AttributeValueMemberL:
		bv, ok := b.(*types.AttributeValueMemberL)
		if !ok || len(av.Value) != len(bv.Value) {
			return false
		}
		for i := range av.Value {
			if !Equal(av.Value[i], bv.Value[i]) {
				return false
			}
		}
		return true
	case *types.AttributeValueMemberM:
		bv, ok := b.(*types.AttributeValueMemberM)
		return ok && EqualItems(av.Value, bv.Value)
	}
	return false
}

// EqualItems reports whether two items hold the same attributes with equal
// values.
func EqualItems(a, b rd.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for name, av := range a {
		bv, ok := b[name]
		if !ok || !Equal(av, bv) {
			return false
		}
	}
	return true
}

func numbersEqual(a, b string) bool {
	c, ok := CompareNumbers(a, b)
	return ok && c == 0
}

// sameSet reports whether two sets without duplicates hold the same members.
func sameSet[T any](a, b []T, eq func(x, y T) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !member(b, x, eq) {
			return false
		}
	}
	return true
}

func member[T any](set []T, x T, eq func(x, y T) bool) bool {
	for _, y := range set {
		if eq(x, y) {
			return true
		}
	}
	return false
}

// compare orders a and b as DynamoDB's <, <=, >, >= do: numbers by value,
// strings and binaries byte-wise. ok is false for values of different types
// or of types without an order.
func compare(a, b types.AttributeValue) (c int, ok bool) {
	switch av := a.(type) {
	case *types.AttributeValueMemberN:
		if bv, isN := b.(*types.AttributeValueMemberN); isN {
			return CompareNumbers(av.Value, bv.Value)
		}
	case *types.AttributeValueMemberS:
		if bv, isS := b.(*types.AttributeValueMemberS); isS {
			return compareStrings(av.Value, bv.Value), true
		}
	case *types.AttributeValueMemberB:
		if bv, isB := b.(*types.AttributeValueMemberB); isB {
			return bytes.Compare(av.Value, bv.Value), true
		}
	}
	return 0, false
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Size returns the size of the item as DynamoDB counts it against the
// 400 KB limit: the lengths of the attribute names plus the sizes of the
// values.
func Size(item rd.Item) int {
	n := 0
	for name, v := range item {
		n += len(name) + ValueSize(v)
	}
	return n
}

// ValueSize returns the size DynamoDB counts for one value: UTF-8 bytes of
// strings, raw bytes of binaries, about one byte per two digits of numbers,
// one byte for booleans and nulls, and for lists and maps 3 bytes plus one
// per element besides the elements themselves.
func ValueSize(v types.AttributeValue) int {
	switch av := v.(type) {
	case *types.AttributeValueMemberS:
		return len(av.Value)
	case *types.AttributeValueMemberN:
		return NumberSize(av.Value)
	case *types.AttributeValueMemberB:
		return len(av.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range av.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range av.Value {
			n += NumberSize(s)
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range av.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3 + len(av.Value)
		for _, e := range av.Value {
			n += ValueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3 + len(av.Value)
		for k, e := range av.Value {
			n += len(k) + ValueSize(e)
		}
		return n
	}
	return 0
}

// checkValue reports what is wrong with a value DynamoDB would refuse to
// store, or "" if nothing is.
func checkValue(v types.AttributeValue, depth int) string {
	switch av := v.(type) {
	case nil:
		return "has no value"
	case *types.AttributeValueMemberS, *types.AttributeValueMemberB,
		*types.AttributeValueMemberBOOL:
		return ""
	case *types.AttributeValueMemberN:
		if _, ok := ParseNumber(av.Value); !ok {
			return fmt.Sprintf("is not a number of at most 38 digits in DynamoDB's range: %q",
				av.Value)
		}
	case *types.AttributeValueMemberNULL:
		if !av.Value {
			return "is a NULL whose value is not true"
		}
	case *types.AttributeValueMemberSS:
		return checkSet(len(av.Value), func(i int) (string, string) { return av.Value[i], "" })
	case *types.AttributeValueMemberNS:
		return checkSet(len(av.Value), func(i int) (string, string) {
			d, ok := ParseNumber(av.Value[i])
			if !ok {
				return "", fmt.Sprintf("holds %q, not a number", av.Value[i])
			}
			return d.String(), ""
		})
	case *types.AttributeValueMemberBS:
		return checkSet(len(av.Value), func(i int) (string, string) {
			return string(av.Value[i]), ""
		})
	case *types.AttributeValueMemberL:
		if depth >= maxDepth {
			return "nests lists and maps deeper than 32 levels"
		}
		for i, e := range av.Value {
			if msg := checkValue(e, depth+1); msg != "" {
				return fmt.Sprintf("[%d] %s", i, msg)
			}
		}
	case *types.AttributeValueMemberM:
		if depth >= maxDepth {
			return "nests lists and maps deeper than 32 levels"
		}
		for k, e := range av.Value {
			if msg := checkValue(e, depth+1); msg != "" {
				return fmt.Sprintf(".%s %s", k, msg)
			}
		}
	default:
		return fmt.Sprintf("has an unknown type %T", v)
	}
	return ""
}

// checkSet refuses empty sets and sets with duplicate members. keyAt
// returns the canonical form of member i, or a message if it is invalid.
func checkSet(n int, keyAt func(i int) (key, msg string)) string {
	if n == 0 {
		return "is an empty set"
	}
	keys := make([]string, 0, min(n, 8))
	var seen map[string]bool
	for i := range n {
		k, msg := keyAt(i)
		if msg != "" {
			return msg
		}
		// Small sets, the common case, are checked without a map.
		if seen == nil && len(keys) < cap(keys) {
			for _, prev := range keys {
				if prev == k {
					return "is a set with duplicate members"
				}
			}
			keys = append(keys, k)
			continue
		}
		if seen == nil {
			seen = make(map[string]bool, n)
			for _, prev := range keys {
				seen[prev] = true
			}
		}
		if seen[k] {
			return "is a set with duplicate members"
		}
		seen[k] = true
	}
	return ""
}
