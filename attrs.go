package receiptdynamo

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file holds the attribute-level rules shared by every encoder and
// decoder: how numbers, timestamps and optional values are written, and a
// decoder that reads attributes of one item and keeps its first error.

// Attribute value builders.

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func b(v bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: v} }

func null() types.AttributeValue { return &types.AttributeValueMemberNULL{Value: true} }

// n writes a float64 as the shortest decimal that reads back as the same
// float64, in plain notation ("0.4231", "2480").
func n(v float64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: FormatFloat(v)}
}

// ni writes an integer.
func ni(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

// sOrNull writes v, or NULL when v is "".
func sOrNull(v string) types.AttributeValue {
	if v == "" {
		return null()
	}
	return s(v)
}

// FormatFloat returns the shortest plain decimal that round-trips v.
func FormatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// timeLayout is how timestamps are written: UTC with six fractional digits
// and an explicit offset, as Python's isoformat() writes them.
const timeLayout = "2006-01-02T15:04:05.000000+00:00"

// FormatTime returns t as stored: UTC, microseconds, "+00:00". Timestamps
// inside keys use the same text, so that they sort in time order.
func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// ParseTime reads a stored timestamp: any ISO 8601 date-time with an offset
// (or "Z"), with or without fractional seconds. A time without an offset is
// refused, since its zone is unknown.
func ParseTime(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err == nil {
		return t, nil
	}
	// Python writes a space between date and time when asked to.
	if len(v) > 10 && v[10] == ' ' {
		if t, err2 := time.Parse(time.RFC3339Nano, v[:10]+"T"+v[11:]); err2 == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// decoder reads the attributes of one item of type typ and keeps the first
// error, which names the type and the attribute.
type decoder struct {
	typ  string
	item Item
	err  error
}

func newDecoder(typ string, item Item) *decoder {
	d := &decoder{typ: typ, item: item}
	got, ok := item[AttrType].(*types.AttributeValueMemberS)
	switch {
	case !ok:
		d.fail(AttrType, "missing or not a string", nil)
	case got.Value != typ:
		d.fail(AttrType, "must be "+typ, got.Value)
	}
	return d
}

func (d *decoder) fail(attr, rule string, value any) {
	if d.err == nil {
		d.err = Invalid(d.typ, attr, rule, value)
	}
}

// get returns the attribute, or nil when it is missing or NULL.
func (d *decoder) get(attr string) types.AttributeValue {
	v := d.item[attr]
	if _, isNull := v.(*types.AttributeValueMemberNULL); isNull {
		return nil
	}
	return v
}

// optStr reads a string attribute; missing or NULL is "".
func (d *decoder) optStr(attr string) string {
	switch v := d.get(attr).(type) {
	case nil:
		return ""
	case *types.AttributeValueMemberS:
		return v.Value
	default:
		d.fail(attr, "must be a string", typeName(v))
		return ""
	}
}

// str reads a required string attribute.
func (d *decoder) str(attr string) string {
	if d.get(attr) == nil {
		d.fail(attr, "is missing", nil)
		return ""
	}
	return d.optStr(attr)
}

// optNum reads a number attribute as float64; ok is false when it is
// missing or NULL.
func (d *decoder) optNum(attr string) (f float64, ok bool) {
	switch v := d.get(attr).(type) {
	case nil:
		return 0, false
	case *types.AttributeValueMemberN:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.Value), 64)
		if err != nil {
			d.fail(attr, "must be a number", v.Value)
			return 0, false
		}
		return f, true
	default:
		d.fail(attr, "must be a number", typeName(v))
		return 0, false
	}
}

// num reads a required number attribute.
func (d *decoder) num(attr string) float64 {
	f, ok := d.optNum(attr)
	if !ok && d.err == nil {
		d.fail(attr, "is missing", nil)
	}
	return f
}

// optInt reads an integer number attribute; ok is false when it is missing
// or NULL. A number with a fraction is refused.
func (d *decoder) optInt(attr string) (i int64, ok bool) {
	f, ok := d.optNum(attr)
	if !ok {
		return 0, false
	}
	if f != float64(int64(f)) {
		d.fail(attr, "must be an integer", f)
		return 0, false
	}
	return int64(f), true
}

// int reads a required integer attribute.
func (d *decoder) int(attr string) int {
	i, ok := d.optInt(attr)
	if !ok && d.err == nil {
		d.fail(attr, "is missing", nil)
	}
	return int(i)
}

// optBool reads a BOOL attribute; nil when missing or NULL.
func (d *decoder) optBool(attr string) *bool {
	switch v := d.get(attr).(type) {
	case nil:
		return nil
	case *types.AttributeValueMemberBOOL:
		return &v.Value
	default:
		d.fail(attr, "must be a boolean", typeName(v))
		return nil
	}
}

// bool reads a required BOOL attribute.
func (d *decoder) bool(attr string) bool {
	p := d.optBool(attr)
	if p == nil {
		d.fail(attr, "is missing", nil)
		return false
	}
	return *p
}

// optTime reads a timestamp attribute; the zero time when missing or NULL.
func (d *decoder) optTime(attr string) time.Time {
	v := d.optStr(attr)
	if v == "" {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		d.fail(attr, "must be an ISO 8601 timestamp with an offset", v)
	}
	return t
}

// time reads a required timestamp attribute.
func (d *decoder) time(attr string) time.Time {
	if d.get(attr) == nil {
		d.fail(attr, "is missing", nil)
		return time.Time{}
	}
	return d.optTime(attr)
}

// typeName returns DynamoDB's name of a value's type: S, N, M, …
func typeName(v types.AttributeValue) string {
	switch v.(type) {
	case *types.AttributeValueMemberS:
		return "S"
	case *types.AttributeValueMemberN:
		return "N"
	case *types.AttributeValueMemberB:
		return "B"
	case *types.AttributeValueMemberBOOL:
		return "BOOL"
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberSS:
		return "SS"
	case *types.AttributeValueMemberNS:
		return "NS"
	case *types.AttributeValueMemberBS:
		return "BS"
	case *types.AttributeValueMemberL:
		return "L"
	case *types.AttributeValueMemberM:
		return "M"
	case nil:
		return "missing"
	}
	return "unknown"
}
