package receiptdynamo

import (
	"strconv"
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

// newDecoder is small enough to be inlined, so that the decoder stays on
// the caller's stack.
func newDecoder(typ string, item Item) *decoder {
	d := &decoder{typ: typ, item: item}
	d.checkType()
	return d
}

func (d *decoder) checkType() {
	got, ok := d.item[AttrType].(*types.AttributeValueMemberS)
	switch {
	case !ok:
		d.fail(AttrType, "missing or not a string", nil)
	case got.Value != d.typ:
		d.fail(AttrType, "must be "+d.typ, got.Value)
	}
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
	switch v := d.get(attr).(type) {
	case nil:
		d.fail(attr, "is missing", nil)
		return ""
	case *types.AttributeValueMemberS:
		return v.Value
	default:
		d.fail(attr, "must be a string", typeName(v))
		return ""
	}
}

// optNum reads a number attribute as float64; ok is false when it is
// missing or NULL.
func (d *decoder) optNum(attr string) (f float64, ok bool) {
	switch v := d.get(attr).(type) {
	case nil:
		return 0, false
	case *types.AttributeValueMemberN:
		f, ok := parseNumber(v.Value)
		if !ok {
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

// TypeName returns DynamoDB's name of a value's type (S, N, M, …), or
// "missing" for nil, for messages about attribute values.
func TypeName(v types.AttributeValue) string {
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

func typeName(v types.AttributeValue) string { return TypeName(v) }

// Builders and readers of the OCR side: geometry maps, tag sets, number
// lists and NULL-able optionals.

// pointAV writes a point as M {x: N, y: N}.
func pointAV(p Point) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: Item{"x": n(p.X), "y": n(p.Y)}}
}

// boxAV writes a box as M {x, y, width, height}, all N.
func boxAV(bx Box) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: Item{
		"x": n(bx.X), "y": n(bx.Y), "width": n(bx.Width), "height": n(bx.Height),
	}}
}

// stringSetAV writes a string set; the caller omits the attribute when v
// is empty, since DynamoDB has no empty sets.
func stringSetAV(v []string) types.AttributeValue {
	return &types.AttributeValueMemberSS{Value: append([]string(nil), v...)}
}

// numListAV writes a list of numbers as L of N.
func numListAV(v []float64) types.AttributeValue {
	l := make([]types.AttributeValue, len(v))
	for i, f := range v {
		l[i] = n(f)
	}
	return &types.AttributeValueMemberL{Value: l}
}

// numListOrNull writes v as L of N, or NULL when v is nil.
func numListOrNull(v []float64) types.AttributeValue {
	if v == nil {
		return null()
	}
	return numListAV(v)
}

// numOrNull writes *v, or NULL when v is nil.
func numOrNull(v *float64) types.AttributeValue {
	if v == nil {
		return null()
	}
	return n(*v)
}

// boolOrNull writes *v, or NULL when v is nil.
func boolOrNull(v *bool) types.AttributeValue {
	if v == nil {
		return null()
	}
	return b(*v)
}

// timeOrNull writes t as stored, or NULL when t is the zero time.
func timeOrNull(t time.Time) types.AttributeValue {
	if t.IsZero() {
		return null()
	}
	return s(FormatTime(t))
}

// mapNum reads the number m[key] of the map attribute attr.
func (d *decoder) mapNum(m Item, attr, key string) float64 {
	// The path is built only on failure: this runs for every coordinate.
	switch v := m[key].(type) {
	case nil:
		d.fail(attr+"."+key, "is missing", nil)
	case *types.AttributeValueMemberN:
		f, ok := parseNumber(v.Value)
		if !ok {
			d.fail(attr+"."+key, "must be a number", v.Value)
		}
		return f
	default:
		d.fail(attr+"."+key, "must be a number", typeName(v))
	}
	return 0
}

// mapAttr reads a required M attribute.
func (d *decoder) mapAttr(attr string) Item {
	switch v := d.get(attr).(type) {
	case nil:
		d.fail(attr, "is missing", nil)
	case *types.AttributeValueMemberM:
		return v.Value
	default:
		d.fail(attr, "must be a map", typeName(v))
	}
	return nil
}

// point reads a required point map {x, y}.
func (d *decoder) point(attr string) Point {
	m := d.mapAttr(attr)
	if m == nil {
		return Point{}
	}
	return Point{X: d.mapNum(m, attr, "x"), Y: d.mapNum(m, attr, "y")}
}

// box reads a required box map {x, y, width, height}.
func (d *decoder) box(attr string) Box {
	m := d.mapAttr(attr)
	if m == nil {
		return Box{}
	}
	return Box{
		X: d.mapNum(m, attr, "x"), Y: d.mapNum(m, attr, "y"),
		Width: d.mapNum(m, attr, "width"), Height: d.mapNum(m, attr, "height"),
	}
}

// stringSet reads an SS attribute; missing or NULL is nil. A list of
// strings is tolerated.
func (d *decoder) stringSet(attr string) []string {
	switch v := d.get(attr).(type) {
	case nil:
		return nil
	case *types.AttributeValueMemberSS:
		if len(v.Value) == 0 {
			return nil
		}
		return append([]string(nil), v.Value...)
	case *types.AttributeValueMemberL:
		var out []string
		for i, e := range v.Value {
			sv, ok := e.(*types.AttributeValueMemberS)
			if !ok {
				d.fail(attr+"["+strconv.Itoa(i)+"]", "must be a string", typeName(e))
				return nil
			}
			out = append(out, sv.Value)
		}
		return out
	default:
		d.fail(attr, "must be a string set", typeName(v))
		return nil
	}
}

// numList reads an L of N attribute (an NS is tolerated); missing or NULL
// is nil.
func (d *decoder) numList(attr string) []float64 {
	var texts []string
	switch v := d.get(attr).(type) {
	case nil:
		return nil
	case *types.AttributeValueMemberNS:
		texts = v.Value
	case *types.AttributeValueMemberL:
		for i, e := range v.Value {
			nv, ok := e.(*types.AttributeValueMemberN)
			if !ok {
				d.fail(attr+"["+strconv.Itoa(i)+"]", "must be a number", typeName(e))
				return nil
			}
			texts = append(texts, nv.Value)
		}
	default:
		d.fail(attr, "must be a list of numbers", typeName(v))
		return nil
	}
	out := make([]float64, len(texts))
	for i, t := range texts {
		f, ok := parseNumber(t)
		if !ok {
			d.fail(attr+"["+strconv.Itoa(i)+"]", "must be a number", t)
			return nil
		}
		out[i] = f
	}
	return out
}

// optNumPtr reads an optional number; nil when missing or NULL.
func (d *decoder) optNumPtr(attr string) *float64 {
	f, ok := d.optNum(attr)
	if !ok {
		return nil
	}
	return &f
}

// keyIDs parses the item's PK and SK as the key of the decoder's type.
func (d *decoder) keyIDs() KeyIDs {
	pk, _ := d.item[AttrPK].(*types.AttributeValueMemberS)
	sk, _ := d.item[AttrSK].(*types.AttributeValueMemberS)
	switch {
	case pk == nil:
		d.fail(AttrPK, "missing or not a string", typeName(d.item[AttrPK]))
		return KeyIDs{}
	case sk == nil:
		d.fail(AttrSK, "missing or not a string", typeName(d.item[AttrSK]))
		return KeyIDs{}
	}
	ids, err := ParseKey(d.typ, Key{PK: pk.Value, SK: sk.Value})
	if err != nil && d.err == nil {
		d.err = err
	}
	return ids
}
