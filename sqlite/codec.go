package sqlite

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Items are stored in a compact binary form: a count of attributes, then
// each attribute's name and value. A value is a tag byte followed by its
// content; lengths and counts are unsigned varints. The form is private to
// this package and versioned with the schema.
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
		return appendString(append(buf, tagN), av.Value)
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
			buf = appendString(buf, s)
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

// decoder reads an encoded item. Strings are cut from one string copy of
// the whole encoding, so that decoding allocates it once.
type decoder struct {
	s   string
	pos int
	err error
}

// decodeItem decodes an item encoded by appendItem.
func decodeItem(blob []byte) (rd.Item, error) {
	d := decoder{s: string(blob)}
	item := d.item()
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
	if v > uint64(len(d.s)) {
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

func (d *decoder) item() rd.Item {
	n := d.uvarint()
	item := make(rd.Item, n)
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
	case tagL:
		v := make([]types.AttributeValue, d.uvarint())
		for i := range v {
			v[i] = d.value()
		}
		return &types.AttributeValueMemberL{Value: v}
	case tagM:
		return &types.AttributeValueMemberM{Value: d.item()}
	}
	d.err = errCorrupt
	return nil
}
