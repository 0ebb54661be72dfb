package sqlite

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// Items are stored in a compact binary form: a count of attributes, then
// each attribute's name and value. A value is a tag byte followed by its
// content; lengths and counts are unsigned varints. The form is private to
// this package and versioned with the schema. Numbers are stored as
// DynamoDB returns them (see canonicalNumber).
const (
	tagS     = 's'
	tagN     = 'n'
	tagB     = 'b'
	tagTrue  = 't'
	tagFalse = 'f'
	tagNULL  = '0'
	tagSS    = 'S'
	tagNS    = 'N'
	tagBS    = 'B'
	tagL     = 'l'
	tagM     = 'm'
)

var errCorrupt = errors.New("stored item is corrupt")

// appendItem appends the encoding of item to buf. With sorted, map keys are
// written in order, so that equal items encode equally (for request
// hashes); the stored form needs no order.
func appendItem(buf []byte, item rd.Item, sorted bool) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(item)))
	if !sorted {
		for name, v := range item {
			buf = appendString(buf, name)
			buf = appendValue(buf, v, sorted)
		}
		return buf
	}
	for _, name := range slices.Sorted(maps.Keys(item)) {
		buf = appendString(buf, name)
		buf = appendValue(buf, item[name], sorted)
	}
	return buf
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func appendBytes(buf []byte, b []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(b)))
	return append(buf, b...)
}

func appendValue(buf []byte, v types.AttributeValue, sorted bool) []byte {
	switch av := v.(type) {
	case *types.AttributeValueMemberS:
		return appendString(append(buf, tagS), av.Value)
	case *types.AttributeValueMemberN:
		return appendString(append(buf, tagN), canonicalNumber(av.Value))
	case *types.AttributeValueMemberB:
		return appendBytes(append(buf, tagB), av.Value)
	case *types.AttributeValueMemberBOOL:
		if av.Value {
			return append(buf, tagTrue)
		}
		return append(buf, tagFalse)
	case *types.AttributeValueMemberNULL:
		return append(buf, tagNULL)
	case *types.AttributeValueMemberSS:
		buf = binary.AppendUvarint(append(buf, tagSS), uint64(len(av.Value)))
		for _, s := range av.Value {
			buf = appendString(buf, s)
		}
		return buf
	case *types.AttributeValueMemberNS:
		buf = binary.AppendUvarint(append(buf, tagNS), uint64(len(av.Value)))
		for _, s := range av.Value {
			buf = appendString(buf, canonicalNumber(s))
		}
		return buf
	case *types.AttributeValueMemberBS:
		buf = binary.AppendUvarint(append(buf, tagBS), uint64(len(av.Value)))
		for _, b := range av.Value {
			buf = appendBytes(buf, b)
		}
		return buf
	case *types.AttributeValueMemberL:
		buf = binary.AppendUvarint(append(buf, tagL), uint64(len(av.Value)))
		for _, e := range av.Value {
			buf = appendValue(buf, e, sorted)
		}
		return buf
	case *types.AttributeValueMemberM:
		return appendItem(append(buf, tagM), av.Value, sorted)
	}
	// Validation refuses every other type before encoding.
	panic("sqlite: encoding an unvalidated attribute value")
}

// canonicalNumber returns a validated number as DynamoDB returns it: in
// plain decimal notation, without a plus sign, leading zeros, trailing
// zeros after the point or a minus sign on zero ("1.50" is "1.5", "1E+3"
// is "1000", "-0" is "0"). Numbers already in that form, the common case,
// are returned as they are without being parsed.
func canonicalNumber(s string) string {
	if isCanonicalNumber(s) {
		return s
	}
	d, ok := expr.ParseNumber(s)
	if !ok {
		return s // refused by validation before it gets here
	}
	return d.String()
}

// isCanonicalNumber reports whether s is -?(0|[1-9][0-9]*)(.[0-9]*[1-9])?
// and not "-0".
func isCanonicalNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i == len(s):
		return false
	case s[i] == '0':
		i++
		if i == len(s) {
			return s == "0"
		}
	case s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == len(s) {
			return true
		}
	default:
		return false
	}
	if s[i] != '.' || i+1 == len(s) || s[len(s)-1] == '0' {
		return false
	}
	for i++; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decoder reads an encoded item. Strings are cut from one string copy of
// the whole encoding, so that decoding allocates it once.
type decoder struct {
	s     string
	pos   int
	depth int
	err   error
}

// maxDepth bounds the nesting of lists and maps that the decoder accepts,
// as DynamoDB does (32 levels), so that a corrupt blob cannot make it
// allocate without bound.
const maxDepth = 33

// decodeItem decodes an item encoded by appendItem.
func decodeItem(blob []byte) (rd.Item, error) {
	return decodeItemCap(blob, 0)
}

// decodeItemCap is decodeItem with room in the map for extra more
// attributes.
func decodeItemCap(blob []byte, extra int) (rd.Item, error) {
	d := decoder{s: string(blob)}
	item := d.itemCap(extra)
	if d.err == nil && d.pos != len(d.s) {
		d.err = errCorrupt
	}
	if d.err != nil {
		return nil, d.err
	}
	return item, nil
}

func (d *decoder) uvarint() int {
	if d.err != nil {
		return 0
	}
	var v uint64
	var shift uint
	for {
		if d.pos >= len(d.s) || shift > 63 {
			d.err = errCorrupt
			return 0
		}
		c := d.s[d.pos]
		d.pos++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
		shift += 7
	}
	// A count or length never exceeds the bytes that remain.
	if v > uint64(len(d.s)-d.pos) {
		d.err = errCorrupt
		return 0
	}
	return int(v)
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || d.pos+n > len(d.s) {
		d.err = errCorrupt
		return ""
	}
	s := d.s[d.pos : d.pos+n]
	d.pos += n
	return s
}

func (d *decoder) bytes() []byte {
	return []byte(d.string())
}

func (d *decoder) item() rd.Item { return d.itemCap(0) }

func (d *decoder) itemCap(extra int) rd.Item {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	item := make(rd.Item, n+extra)
	for range n {
		name := d.string()
		v := d.value()
		if d.err != nil {
			return nil
		}
		item[name] = v
	}
	return item
}

func (d *decoder) value() types.AttributeValue {
	if d.err != nil || d.pos >= len(d.s) {
		d.err = errCorrupt
		return nil
	}
	tag := d.s[d.pos]
	d.pos++
	switch tag {
	case tagS:
		return &types.AttributeValueMemberS{Value: d.string()}
	case tagN:
		return &types.AttributeValueMemberN{Value: d.string()}
	case tagB:
		return &types.AttributeValueMemberB{Value: d.bytes()}
	case tagTrue:
		return &types.AttributeValueMemberBOOL{Value: true}
	case tagFalse:
		return &types.AttributeValueMemberBOOL{Value: false}
	case tagNULL:
		return &types.AttributeValueMemberNULL{Value: true}
	case tagSS, tagNS:
		v := make([]string, d.uvarint())
		for i := range v {
			v[i] = d.string()
		}
		if tag == tagSS {
			return &types.AttributeValueMemberSS{Value: v}
		}
		return &types.AttributeValueMemberNS{Value: v}
	case tagBS:
		v := make([][]byte, d.uvarint())
		for i := range v {
			v[i] = d.bytes()
		}
		return &types.AttributeValueMemberBS{Value: v}
	case tagL, tagM:
		if d.depth++; d.depth > maxDepth {
			d.err = errCorrupt
			return nil
		}
		defer func() { d.depth-- }()
		if tag == tagM {
			return &types.AttributeValueMemberM{Value: d.item()}
		}
		v := make([]types.AttributeValue, d.uvarint())
		for i := range v {
			v[i] = d.value()
		}
		return &types.AttributeValueMemberL{Value: v}
	}
	d.err = errCorrupt
	return nil
}

// keyColumns are the key attributes of the table and of its indexes, in the
// order of their columns in the items table. They are always strings
// (validation makes sure), are stored in their columns only, and are left
// out of the encoded blob.
var keyColumns = [numKeyColumns]string{
	rd.AttrPK, rd.AttrSK,
	rd.AttrGSI1PK, rd.AttrGSI1SK,
	rd.AttrGSI2PK, rd.AttrGSI2SK,
	rd.AttrGSI3PK, rd.AttrGSI3SK,
	rd.AttrType,
}

const numKeyColumns = 9

// keyColumn returns the position of a key attribute in keyColumns, or -1
// for any other attribute.
func keyColumn(name string) int {
	switch name {
	case rd.AttrPK:
		return 0
	case rd.AttrSK:
		return 1
	case rd.AttrGSI1PK:
		return 2
	case rd.AttrGSI1SK:
		return 3
	case rd.AttrGSI2PK:
		return 4
	case rd.AttrGSI2SK:
		return 5
	case rd.AttrGSI3PK:
		return 6
	case rd.AttrGSI3SK:
		return 7
	case rd.AttrType:
		return 8
	}
	return -1
}

// row is an item in the form of a row of the items table: the key
// attributes (nil where the item lacks one) and the encoding of the other
// attributes.
type row struct {
	keys [numKeyColumns]any // string or nil
	blob []byte
}

// encodeRow splits a validated item into its row, appending the blob to
// buf[:0] so that a caller can reuse one buffer.
func encodeRow(item rd.Item, buf []byte) row {
	var r row
	// The count of attributes comes first; one byte holds it unless the
	// item has 128 attributes or more.
	buf = append(buf[:0], 0)
	n := 0
	for name, v := range item {
		if i := keyColumn(name); i >= 0 {
			if s, ok := v.(*types.AttributeValueMemberS); ok {
				r.keys[i] = s.Value
				continue
			}
		}
		n++
		buf = appendString(buf, name)
		buf = appendValue(buf, v, false)
	}
	if n < 0x80 {
		buf[0] = byte(n)
	} else {
		count := binary.AppendUvarint(nil, uint64(n))
		buf = append(count, buf[1:]...)
	}
	r.blob = buf
	return r
}

// decodeRow rebuilds an item from the key columns of its row (invalid
// where the item lacks the attribute) and its blob.
func decodeRow(keys *[numKeyColumns]sql.NullString, blob []byte) (rd.Item, error) {
	item, err := decodeItemCap(blob, numKeyColumns)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		if k.Valid {
			item[keyColumns[i]] = &types.AttributeValueMemberS{Value: k.String}
		}
	}
	return item, nil
}
