// Package ddbjson reads and writes items in DynamoDB's own JSON shape, one
// item per line, as DynamoDB's export to S3 writes them:
//
//	{"Item":{"PK":{"S":"IMAGE#…"},"SK":{"S":"IMAGE"},"width":{"N":"2480"}}}
//
// Every attribute value is an object with one member naming its type: S, N,
// B (base64), BOOL, NULL, M, L, SS, NS, BS. Numbers are kept as their
// decimal text, so nothing is lost in a round trip.
package ddbjson

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Item is one stored item, as in package receiptdynamo.
type Item = map[string]types.AttributeValue

// MaxLine is the longest line a [Reader] accepts. A DynamoDB item is at most
// 400 KB; base64 and JSON quoting can double that.
const MaxLine = 4 << 20

// Marshal returns item as one line of DynamoDB JSON, without the newline.
// Attribute names are written in sorted order, so equal items give equal
// bytes.
func Marshal(item Item) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"Item":`)
	if err := appendMap(&buf, item, ""); err != nil {
		return nil, err
	}
	buf.WriteString("}")
	return buf.Bytes(), nil
}

func appendMap(buf *bytes.Buffer, m Item, path string) error {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	buf.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			buf.WriteByte(',')
		}
		appendString(buf, name)
		buf.WriteByte(':')
		if err := appendValue(buf, m[name], join(path, name)); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

func appendValue(buf *bytes.Buffer, v types.AttributeValue, path string) error {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		buf.WriteString(`{"S":`)
		appendString(buf, v.Value)
	case *types.AttributeValueMemberN:
		buf.WriteString(`{"N":`)
		appendString(buf, v.Value)
	case *types.AttributeValueMemberB:
		buf.WriteString(`{"B":`)
		appendString(buf, base64.StdEncoding.EncodeToString(v.Value))
	case *types.AttributeValueMemberBOOL:
		buf.WriteString(`{"BOOL":` + strconv.FormatBool(v.Value))
	case *types.AttributeValueMemberNULL:
		buf.WriteString(`{"NULL":true`)
	case *types.AttributeValueMemberM:
		buf.WriteString(`{"M":`)
		if err := appendMap(buf, v.Value, path); err != nil {
			return err
		}
	case *types.AttributeValueMemberL:
		buf.WriteString(`{"L":[`)
		for i, e := range v.Value {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := appendValue(buf, e, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case *types.AttributeValueMemberSS:
		buf.WriteString(`{"SS":`)
		appendStrings(buf, v.Value)
	case *types.AttributeValueMemberNS:
		buf.WriteString(`{"NS":`)
		appendStrings(buf, v.Value)
	case *types.AttributeValueMemberBS:
		enc := make([]string, len(v.Value))
		for i, b := range v.Value {
			enc[i] = base64.StdEncoding.EncodeToString(b)
		}
		buf.WriteString(`{"BS":`)
		appendStrings(buf, enc)
	default:
		return fmt.Errorf("ddbjson: %s: unsupported attribute value %T", path, v)
	}
	buf.WriteByte('}')
	return nil
}

func appendStrings(buf *bytes.Buffer, ss []string) {
	buf.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			buf.WriteByte(',')
		}
		appendString(buf, s)
	}
	buf.WriteByte(']')
}

func appendString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}

// Unmarshal decodes one line of DynamoDB JSON, {"Item": {...}}. An error
// names the attribute path that is malformed. The line is parsed once, then
// converted.
func Unmarshal(line []byte) (Item, error) {
	var top any
	if err := json.Unmarshal(line, &top); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	obj, ok := top.(map[string]any)
	if !ok || len(obj) != 1 || obj["Item"] == nil {
		return nil, errors.New(`want an object with the one member "Item"`)
	}
	return decodeMap(obj["Item"], "Item")
}

func decodeMap(v any, path string) (Item, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: want an object of attributes", path)
	}
	item := make(Item, len(m))
	for name, av := range m {
		val, err := decodeValue(av, join(path, name))
		if err != nil {
			return nil, err
		}
		item[name] = val
	}
	return item, nil
}

func decodeValue(v any, path string) (types.AttributeValue, error) {
	typed, ok := v.(map[string]any)
	if !ok || len(typed) != 1 {
		return nil, fmt.Errorf("%s: want an object with one type member (S, N, M, …)", path)
	}
	for typ, val := range typed {
		return decodeTyped(typ, val, path)
	}
	panic("unreachable")
}

func decodeTyped(typ string, v any, path string) (types.AttributeValue, error) {
	bad := func(want string) error { return fmt.Errorf("%s.%s: want %s", path, typ, want) }
	if v == nil {
		return nil, bad("a value, not null")
	}
	switch typ {
	case "S":
		s, ok := v.(string)
		if !ok {
			return nil, bad("a string")
		}
		return &types.AttributeValueMemberS{Value: s}, nil
	case "N":
		s, ok := v.(string)
		if !ok || !isNumber(s) {
			return nil, bad("a decimal number as a string")
		}
		return &types.AttributeValueMemberN{Value: s}, nil
	case "B":
		s, ok := v.(string)
		b, err := base64.StdEncoding.DecodeString(s)
		if !ok || err != nil {
			return nil, bad("base64 text")
		}
		return &types.AttributeValueMemberB{Value: b}, nil
	case "BOOL":
		b, ok := v.(bool)
		if !ok {
			return nil, bad("true or false")
		}
		return &types.AttributeValueMemberBOOL{Value: b}, nil
	case "NULL":
		if b, ok := v.(bool); !ok || !b {
			return nil, bad("true")
		}
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case "M":
		m, err := decodeMap(v, path)
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	case "L":
		return decodeList(v, path)
	case "SS", "NS", "BS":
		return decodeSet(typ, v, bad)
	}
	return nil, fmt.Errorf("%s: unknown attribute type %q", path, typ)
}

func decodeList(v any, path string) (types.AttributeValue, error) {
	elems, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s.L: want an array", path)
	}
	out := make([]types.AttributeValue, len(elems))
	for i, e := range elems {
		av, err := decodeValue(e, path+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		out[i] = av
	}
	return &types.AttributeValueMemberL{Value: out}, nil
}

func decodeSet(typ string, v any, bad func(string) error) (types.AttributeValue, error) {
	elems, ok := v.([]any)
	if !ok || len(elems) == 0 {
		return nil, bad("a non-empty array of strings")
	}
	ss := make([]string, len(elems))
	for i, e := range elems {
		if ss[i], ok = e.(string); !ok {
			return nil, bad("a non-empty array of strings")
		}
	}
	switch typ {
	case "SS":
		return &types.AttributeValueMemberSS{Value: ss}, nil
	case "NS":
		for _, s := range ss {
			if !isNumber(s) {
				return nil, bad("numbers as strings")
			}
		}
		return &types.AttributeValueMemberNS{Value: ss}, nil
	}
	bs := make([][]byte, len(ss))
	for i, s := range ss {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, bad("base64 strings")
		}
		bs[i] = b
	}
	return &types.AttributeValueMemberBS{Value: bs}, nil
}

// isNumber reports whether s is a decimal number as DynamoDB writes one:
// an optional sign, digits with an optional point (at least one digit), an
// optional exponent. NaN, infinities and hexadecimal, which
// strconv.ParseFloat accepts, are not.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Writer writes items as lines of DynamoDB JSON.
type Writer struct {
	w *bufio.Writer
	n int
}

// NewWriter returns a writer to w. Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10)}
}

// Write writes one item and a newline.
func (w *Writer) Write(item Item) error {
	line, err := Marshal(item)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if _, err := w.w.Write(line); err != nil {
		return fmt.Errorf("ddbjson: write: %w", err)
	}
	w.n++
	return nil
}

// Count returns the number of items written.
func (w *Writer) Count() int { return w.n }

// Flush writes any buffered data.
func (w *Writer) Flush() error {
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("ddbjson: write: %w", err)
	}
	return nil
}

// Reader reads items from lines of DynamoDB JSON. Blank lines are skipped.
type Reader struct {
	sc   *bufio.Scanner
	line int
}

// NewReader returns a reader of r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	return &Reader{sc: sc}
}

// Line returns the number of the line that the last Read returned, from 1.
func (r *Reader) Line() int { return r.line }

// Read returns the next item, or io.EOF after the last one. A malformed
// line is a *LineError naming the line.
func (r *Reader) Read() (Item, error) {
	for r.sc.Scan() {
		r.line++
		b := bytes.TrimSpace(r.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		item, err := Unmarshal(b)
		if err != nil {
			return nil, &LineError{Line: r.line, Err: err}
		}
		return item, nil
	}
	if err := r.sc.Err(); err != nil {
		return nil, &LineError{Line: r.line + 1, Err: err}
	}
	return nil, io.EOF
}

// LineError reports a line that does not hold one item in DynamoDB JSON.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }
