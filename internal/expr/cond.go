package expr

import (
	"bytes"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Eval reports whether cond holds on the stored item (nil when no item is
// stored). cond must have passed [ValidateCondition].
func Eval(cond rd.Condition, item rd.Item) bool {
	for _, c := range cond {
		if !evalCheck(c, item) {
			return false
		}
	}
	return true
}

func evalCheck(c rd.Check, item rd.Item) bool {
	v, present := item[c.Attr]
	switch c.Op {
	case rd.OpExists:
		return present
	case rd.OpNotExists:
		return !present
	case rd.OpEq:
		return present && Equal(v, c.Value)
	case rd.OpNe:
		// As in DynamoDB, a missing attribute is not equal to anything.
		return !present || !Equal(v, c.Value)
	case rd.OpContains:
		return present && contains(v, c.Value)
	}
	if !present {
		return false
	}
	cmp, ok := compare(v, c.Value)
	if !ok {
		return false
	}
	switch c.Op {
	case rd.OpLt:
		return cmp < 0
	case rd.OpLe:
		return cmp <= 0
	case rd.OpGt:
		return cmp > 0
	case rd.OpGe:
		return cmp >= 0
	}
	return false
}

// contains is DynamoDB's contains(attr, operand): a substring of a string, a
// byte sequence within a binary, a member of a set, an element of a list.
func contains(attr, operand types.AttributeValue) bool {
	switch av := attr.(type) {
	case *types.AttributeValueMemberS:
		o, ok := operand.(*types.AttributeValueMemberS)
		return ok && strings.Contains(av.Value, o.Value)
	case *types.AttributeValueMemberB:
		o, ok := operand.(*types.AttributeValueMemberB)
		return ok && bytes.Contains(av.Value, o.Value)
	case *types.AttributeValueMemberSS:
		o, ok := operand.(*types.AttributeValueMemberS)
		return ok && member(av.Value, o.Value, func(x, y string) bool { return x == y })
	case *types.AttributeValueMemberNS:
		o, ok := operand.(*types.AttributeValueMemberN)
		return ok && member(av.Value, o.Value, numbersEqual)
	case *types.AttributeValueMemberBS:
		o, ok := operand.(*types.AttributeValueMemberB)
		return ok && member(av.Value, o.Value, bytes.Equal)
	case *types.AttributeValueMemberL:
		for _, e := range av.Value {
			if Equal(e, operand) {
				return true
			}
		}
	}
	return false
}
