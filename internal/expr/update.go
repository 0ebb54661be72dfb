package expr

import (
	"bytes"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Apply returns the item that upd makes of the stored item (nil when none is
// stored: the update then starts from the key alone, as DynamoDB's does).
// The stored item is not changed. upd must have passed [ValidateUpdate];
// Apply returns an error matching rd.ErrInvalid when upd does not fit the
// stored values (ADD of a number to a string, say) or the result exceeds
// 400 KB.
func Apply(op string, k rd.Key, stored rd.Item, upd rd.Update) (rd.Item, error) {
	item := make(rd.Item, len(stored)+len(upd.Set)+len(upd.Add))
	maps.Copy(item, stored)
	item[rd.AttrPK] = &types.AttributeValueMemberS{Value: k.PK}
	item[rd.AttrSK] = &types.AttributeValueMemberS{Value: k.SK}

	maps.Copy(item, upd.Set)
	for _, name := range upd.Remove {
		delete(item, name)
	}
	for name, v := range upd.Add {
		sum, err := add(item[name], v)
		if err != nil {
			return nil, rd.Invalid(op, "Add."+name, err.Error(), nil)
		}
		item[name] = sum
	}
	for name, v := range upd.Delete {
		rest, err := remove(item[name], v)
		if err != nil {
			return nil, rd.Invalid(op, "Delete."+name, err.Error(), nil)
		}
		if rest == nil {
			delete(item, name)
		} else {
			item[name] = rest
		}
	}

	if size := Size(item); size > MaxItemSize {
		return nil, rd.Invalid(op, "item",
			fmt.Sprintf("would exceed %d bytes (400 KB) after the update", MaxItemSize), size)
	}
	return item, nil
}

// add is ADD: a number added to a number (missing counts as 0) or members
// added to a set of the same type (missing counts as empty).
func add(cur, v types.AttributeValue) (types.AttributeValue, error) {
	switch av := v.(type) {
	case *types.AttributeValueMemberN:
		x, _ := ParseNumber(av.Value)
		if cur == nil {
			return &types.AttributeValueMemberN{Value: x.String()}, nil
		}
		cv, ok := cur.(*types.AttributeValueMemberN)
		if !ok {
			return nil, fmt.Errorf("cannot add a number to a stored %s", rd.TypeName(cur))
		}
		y, ok := ParseNumber(cv.Value)
		if !ok {
			return nil, fmt.Errorf("stored value %q is not a number", cv.Value)
		}
		sum := x.Add(y)
		if !sum.InRange() {
			return nil, fmt.Errorf("sum %s exceeds 38 digits or DynamoDB's range", sum)
		}
		return &types.AttributeValueMemberN{Value: sum.String()}, nil
	case *types.AttributeValueMemberSS:
		if cur == nil {
			return &types.AttributeValueMemberSS{Value: clone(av.Value)}, nil
		}
		cv, ok := cur.(*types.AttributeValueMemberSS)
		if !ok {
			return nil, fmt.Errorf("cannot add a string set to a stored %s", rd.TypeName(cur))
		}
		return &types.AttributeValueMemberSS{Value: union(cv.Value, av.Value, eqString)}, nil
	case *types.AttributeValueMemberNS:
		if cur == nil {
			return &types.AttributeValueMemberNS{Value: clone(av.Value)}, nil
		}
		cv, ok := cur.(*types.AttributeValueMemberNS)
		if !ok {
			return nil, fmt.Errorf("cannot add a number set to a stored %s", rd.TypeName(cur))
		}
		return &types.AttributeValueMemberNS{Value: union(cv.Value, av.Value, numbersEqual)}, nil
	case *types.AttributeValueMemberBS:
		if cur == nil {
			return &types.AttributeValueMemberBS{Value: clone(av.Value)}, nil
		}
		cv, ok := cur.(*types.AttributeValueMemberBS)
		if !ok {
			return nil, fmt.Errorf("cannot add a binary set to a stored %s", rd.TypeName(cur))
		}
		return &types.AttributeValueMemberBS{Value: union(cv.Value, av.Value, bytes.Equal)}, nil
	}
	return nil, fmt.Errorf("cannot add a %s", rd.TypeName(v))
}

// remove is DELETE: the members of v taken out of the stored set. It
// returns nil when nothing is left (or nothing was stored).
func remove(cur, v types.AttributeValue) (types.AttributeValue, error) {
	if cur == nil {
		return nil, nil
	}
	mismatch := fmt.Errorf("cannot delete a %s from a stored %s", rd.TypeName(v), rd.TypeName(cur))
	switch av := v.(type) {
	case *types.AttributeValueMemberSS:
		cv, ok := cur.(*types.AttributeValueMemberSS)
		if !ok {
			return nil, mismatch
		}
		if rest := minus(cv.Value, av.Value, eqString); len(rest) > 0 {
			return &types.AttributeValueMemberSS{Value: rest}, nil
		}
	case *types.AttributeValueMemberNS:
		cv, ok := cur.(*types.AttributeValueMemberNS)
		if !ok {
			return nil, mismatch
		}
		if rest := minus(cv.Value, av.Value, numbersEqual); len(rest) > 0 {
			return &types.AttributeValueMemberNS{Value: rest}, nil
		}
	case *types.AttributeValueMemberBS:
		cv, ok := cur.(*types.AttributeValueMemberBS)
		if !ok {
			return nil, mismatch
		}
		if rest := minus(cv.Value, av.Value, bytes.Equal); len(rest) > 0 {
			return &types.AttributeValueMemberBS{Value: rest}, nil
		}
	default:
		return nil, mismatch
	}
	return nil, nil
}

func eqString(x, y string) bool { return x == y }

func clone[T any](v []T) []T { return append([]T(nil), v...) }

// union returns a's members followed by those of b not in a.
func union[T any](a, b []T, eq func(x, y T) bool) []T {
	out := clone(a)
	for _, x := range b {
		if !member(a, x, eq) {
			out = append(out, x)
		}
	}
	return out
}

// minus returns a's members that are not in b.
func minus[T any](a, b []T, eq func(x, y T) bool) []T {
	var out []T
	for _, x := range a {
		if !member(b, x, eq) {
			out = append(out, x)
		}
	}
	return out
}
