package ddb

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// exprBuilder writes DynamoDB expressions with every attribute name and
// value behind a placeholder (#n0, :v0, ...), so that no name can clash with
// a reserved word and no value needs quoting. Placeholders are numbered in
// the order of use, and callers use attributes in a fixed order (conditions
// in slice order, map keys sorted), so that one request always yields the
// same expression.
type exprBuilder struct {
	names  map[string]string // placeholder -> attribute name
	byName map[string]string // attribute name -> placeholder
	values map[string]types.AttributeValue
}

func (b *exprBuilder) name(attr string) string {
	if p, ok := b.byName[attr]; ok {
		return p
	}
	if b.names == nil {
		b.names = map[string]string{}
		b.byName = map[string]string{}
	}
	p := "#n" + strconv.Itoa(len(b.names))
	b.names[p] = attr
	b.byName[attr] = p
	return p
}

func (b *exprBuilder) value(v types.AttributeValue) string {
	if b.values == nil {
		b.values = map[string]types.AttributeValue{}
	}
	p := ":v" + strconv.Itoa(len(b.values))
	b.values[p] = v
	return p
}

// attrNames and attrValues return the placeholder maps, nil when empty:
// DynamoDB refuses empty maps.
func (b *exprBuilder) attrNames() map[string]string {
	if len(b.names) == 0 {
		return nil
	}
	return b.names
}

func (b *exprBuilder) attrValues() map[string]types.AttributeValue {
	if len(b.values) == 0 {
		return nil
	}
	return b.values
}

// condition returns the expression of cond, or nil for an empty cond. typ
// names the request in messages.
func (b *exprBuilder) condition(cond rd.Condition, typ string) (*string, error) {
	if len(cond) == 0 {
		return nil, nil
	}
	parts := make([]string, len(cond))
	for i, c := range cond {
		field := fmt.Sprintf("Cond[%d]", i)
		if c.Attr == "" {
			return nil, rd.Invalid(typ, field, "must name an attribute", nil)
		}
		if c.Op != rd.OpExists && c.Op != rd.OpNotExists && c.Value == nil {
			return nil, rd.Invalid(typ, field, "must have a value to compare with", c.Attr)
		}
		n := b.name(c.Attr)
		switch c.Op {
		case rd.OpExists:
			parts[i] = "attribute_exists(" + n + ")"
		case rd.OpNotExists:
			parts[i] = "attribute_not_exists(" + n + ")"
		case rd.OpContains:
			parts[i] = "contains(" + n + ", " + b.value(c.Value) + ")"
		default:
			op, ok := comparisons[c.Op]
			if !ok {
				return nil, rd.Invalid(typ, field, "has an unknown operator", int(c.Op))
			}
			parts[i] = n + " " + op + " " + b.value(c.Value)
		}
	}
	s := strings.Join(parts, " AND ")
	return &s, nil
}

var comparisons = map[rd.Op]string{
	rd.OpEq: "=", rd.OpNe: "<>", rd.OpLt: "<", rd.OpLe: "<=", rd.OpGt: ">", rd.OpGe: ">=",
}

// update returns the UpdateExpression of upd, or nil when upd changes
// nothing. Key attributes cannot be changed, and an attribute may appear in
// only one clause.
func (b *exprBuilder) update(upd rd.Update, typ string) (*string, error) {
	seen := map[string]string{}
	use := func(clause, attr string) error {
		switch {
		case attr == "":
			return rd.Invalid(typ, clause, "must not name an empty attribute", nil)
		case attr == rd.AttrPK || attr == rd.AttrSK:
			return rd.Invalid(typ, clause, "cannot change key attribute "+attr, nil)
		case seen[attr] != "":
			return rd.Invalid(typ, clause, "names "+attr+", already in "+seen[attr], nil)
		}
		seen[attr] = clause
		return nil
	}

	var clauses []string
	if len(upd.Set) > 0 {
		var parts []string
		for _, attr := range slices.Sorted(maps.Keys(upd.Set)) {
			if err := use("Set", attr); err != nil {
				return nil, err
			}
			if upd.Set[attr] == nil {
				return nil, rd.Invalid(typ, "Set."+attr, "must have a value", nil)
			}
			parts = append(parts, b.name(attr)+" = "+b.value(upd.Set[attr]))
		}
		clauses = append(clauses, "SET "+strings.Join(parts, ", "))
	}
	if len(upd.Remove) > 0 {
		var parts []string
		for _, attr := range slices.Sorted(slices.Values(upd.Remove)) {
			if err := use("Remove", attr); err != nil {
				return nil, err
			}
			parts = append(parts, b.name(attr))
		}
		clauses = append(clauses, "REMOVE "+strings.Join(parts, ", "))
	}
	for _, c := range []struct {
		clause string
		vals   map[string]types.AttributeValue
		sets   bool // only sets allowed; else numbers too
	}{{"Add", upd.Add, false}, {"Delete", upd.Delete, true}} {
		if len(c.vals) == 0 {
			continue
		}
		var parts []string
		for _, attr := range slices.Sorted(maps.Keys(c.vals)) {
			if err := use(c.clause, attr); err != nil {
				return nil, err
			}
			if !addable(c.vals[attr], c.sets) {
				rule := "must be a number or a set"
				if c.sets {
					rule = "must be a set"
				}
				return nil, rd.Invalid(typ, c.clause+"."+attr, rule, rd.TypeName(c.vals[attr]))
			}
			parts = append(parts, b.name(attr)+" "+b.value(c.vals[attr]))
		}
		clauses = append(clauses, strings.ToUpper(c.clause)+" "+strings.Join(parts, ", "))
	}
	if len(clauses) == 0 {
		return nil, nil
	}
	s := strings.Join(clauses, " ")
	return &s, nil
}

// addable reports whether v may be the operand of ADD (a number or a set)
// or, with setsOnly, of DELETE (a set).
func addable(v types.AttributeValue, setsOnly bool) bool {
	switch v.(type) {
	case *types.AttributeValueMemberSS, *types.AttributeValueMemberNS,
		*types.AttributeValueMemberBS:
		return true
	case *types.AttributeValueMemberN:
		return !setsOnly
	}
	return false
}

// keyCondition returns the KeyConditionExpression selecting partition pk of
// hash attribute hash and sort keys of attribute rng matching sk.
func (b *exprBuilder) keyCondition(hash, pk, rng string, sk rd.KeyCondition) (string, error) {
	s := b.name(hash) + " = " + b.value(&types.AttributeValueMemberS{Value: pk})
	if sk.Op == rd.SKAny {
		return s, nil
	}
	if rng == "" {
		return "", rd.Invalid("Query", "SK", "must be empty: the index has no sort key", nil)
	}
	n := b.name(rng)
	v := func(s string) string { return b.value(&types.AttributeValueMemberS{Value: s}) }
	switch sk.Op {
	case rd.SKEq:
		return s + " AND " + n + " = " + v(sk.Value), nil
	case rd.SKBeginsWith:
		return s + " AND begins_with(" + n + ", " + v(sk.Value) + ")", nil
	case rd.SKBetween:
		if sk.Value > sk.Value2 {
			return "", rd.Invalid("Query", "SK", "Value must not sort after Value2",
				sk.Value+" > "+sk.Value2)
		}
		return s + " AND " + n + " BETWEEN " + v(sk.Value) + " AND " + v(sk.Value2), nil
	case rd.SKLt:
		return s + " AND " + n + " < " + v(sk.Value), nil
	case rd.SKLe:
		return s + " AND " + n + " <= " + v(sk.Value), nil
	case rd.SKGt:
		return s + " AND " + n + " > " + v(sk.Value), nil
	case rd.SKGe:
		return s + " AND " + n + " >= " + v(sk.Value), nil
	}
	return "", rd.Invalid("Query", "SK.Op", "is unknown", int(sk.Op))
}
