package receiptdynamo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file reads outside JSON input (Apple Vision OCR, the older
// implementation's results and exports) with errors that name the JSON path
// of the bad value.

// InputError reports a bad value in outside input. It matches [ErrInvalid].
type InputError struct {
	Format string // what was being read: "ocr" or "export"
	Path   string // the JSON path of the value, e.g. "lines[3].words[0].confidence"
	Rule   string // what was expected, e.g. "must be a number"
	Value  any    // the offending value, if it helps the reader
}

// Error returns the format, path and rule: "ocr: lines[3].confidence: must
// be a number".
func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.Format)
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Rule)
	if e.Value != nil {
		fmt.Fprintf(&b, " (got %v)", e.Value)
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *InputError) Is(target error) bool { return target == ErrInvalid }

// maxInputBytes bounds what the JSON decoders read, far above any OCR file.
const maxInputBytes = 256 << 20

// readJSON reads one JSON document from r. A syntax error names the line and
// column where it was found.
func readJSON(format string, r io.Reader) (any, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", format, err)
	}
	if len(data) > maxInputBytes {
		return nil, &InputError{Format: format, Rule: "input is larger than 256 MiB"}
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			// Offset counts the bytes read, the bad one included; at an
			// early end it points at the last byte.
			off := max(syn.Offset-1, 0)
			line, col := lineCol(data, off)
			return nil, &InputError{Format: format,
				Rule: fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, err)}
		}
		return nil, &InputError{Format: format, Rule: "invalid JSON: " + err.Error()}
	}
	return v, nil
}

// lineCol returns the 1-based line and column of byte offset off.
func lineCol(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// jsonReader reads values out of decoded JSON and keeps the first error.
type jsonReader struct {
	format string
	err    error
	seen   map[Key]string // path of each key read so far, when checked
}

func (r *jsonReader) fail(path, rule string, value any) {
	if r.err == nil {
		r.err = &InputError{Format: r.format, Path: path, Rule: rule, Value: value}
	}
}

// jsonJoin returns the path of key inside the object at path.
func jsonJoin(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonIndex returns the path of element i of the array at path.
func jsonIndex(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// jsonKind names a decoded JSON value's kind for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "unknown"
}

// object returns v as an object.
func (r *jsonReader) object(path string, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		r.fail(path, "must be an object", jsonKind(v))
	}
	return m
}

// array returns m[key] as an array; a missing or null array is empty when
// optional is true.
func (r *jsonReader) array(m map[string]any, path, key string, optional bool) []any {
	v, ok := m[key]
	if !ok || v == nil {
		if !optional {
			r.fail(jsonJoin(path, key), "is missing", nil)
		}
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		r.fail(jsonJoin(path, key), "must be an array", jsonKind(v))
	}
	return a
}

// num reads the required number m[key].
func (r *jsonReader) num(m map[string]any, path, key string) float64 {
	v, ok := m[key]
	if !ok {
		r.fail(jsonJoin(path, key), "is missing", nil)
		return 0
	}
	f, ok := v.(float64)
	if !ok {
		r.fail(jsonJoin(path, key), "must be a number", jsonKind(v))
	}
	return f
}

// optNum reads the optional number m[key]; nil when missing or null.
func (r *jsonReader) optNum(m map[string]any, path, key string) *float64 {
	if v, ok := m[key]; !ok || v == nil {
		return nil
	}
	f := r.num(m, path, key)
	return &f
}

// int reads the required integer m[key].
func (r *jsonReader) int(m map[string]any, path, key string) int {
	f := r.num(m, path, key)
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		r.fail(jsonJoin(path, key), "must be an integer", f)
		return 0
	}
	return int(f)
}

// idOf reads the first of keys that m has as an integer id; the older
// export names an entity's own id "id".
func (r *jsonReader) idOf(m map[string]any, path string, keys ...string) int {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return r.int(m, path, k)
		}
	}
	r.fail(jsonJoin(path, keys[0]), "is missing", nil)
	return 0
}

// strOf reads the first of keys that m has as a string.
func (r *jsonReader) strOf(m map[string]any, path string, keys ...string) string {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return r.str(m, path, k)
		}
	}
	r.fail(jsonJoin(path, keys[0]), "is missing", nil)
	return ""
}

// str reads the required string m[key].
func (r *jsonReader) str(m map[string]any, path, key string) string {
	v, ok := m[key]
	if !ok {
		r.fail(jsonJoin(path, key), "is missing", nil)
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.fail(jsonJoin(path, key), "must be a string", jsonKind(v))
	}
	return s
}

// optStr reads the optional string m[key]; "" when missing or null.
func (r *jsonReader) optStr(m map[string]any, path, key string) string {
	if v, ok := m[key]; !ok || v == nil {
		return ""
	}
	return r.str(m, path, key)
}

// optBool reads the optional boolean m[key]; nil when missing or null.
func (r *jsonReader) optBool(m map[string]any, path, key string) *bool {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	bv, ok := v.(bool)
	if !ok {
		r.fail(jsonJoin(path, key), "must be a boolean", jsonKind(v))
		return nil
	}
	return &bv
}

// optTime reads the optional timestamp m[key]; zero when missing or null.
// The older export writes times without an offset; they are taken as UTC.
func (r *jsonReader) optTime(m map[string]any, path, key string) time.Time {
	v := r.optStr(m, path, key)
	if v == "" {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		naive, err2 := time.Parse("2006-01-02T15:04:05.999999999", v)
		if err2 != nil {
			r.fail(jsonJoin(path, key), "must be an ISO 8601 timestamp", v)
			return time.Time{}
		}
		t = naive
	}
	return t.UTC()
}

// time reads the required timestamp m[key].
func (r *jsonReader) time(m map[string]any, path, key string) time.Time {
	if v, ok := m[key]; !ok || v == nil {
		r.fail(jsonJoin(path, key), "is missing", nil)
		return time.Time{}
	}
	return r.optTime(m, path, key)
}

// strList reads an optional array of strings; nil when missing, null or
// empty.
func (r *jsonReader) strList(m map[string]any, path, key string) []string {
	var out []string
	for i, e := range r.array(m, path, key, true) {
		s, ok := e.(string)
		if !ok {
			r.fail(jsonIndex(jsonJoin(path, key), i), "must be a string", jsonKind(e))
			return nil
		}
		out = append(out, s)
	}
	return out
}

// numList reads an array of numbers; nil when missing or null, unless
// required.
func (r *jsonReader) numList(m map[string]any, path, key string, required bool) []float64 {
	a := r.array(m, path, key, !required)
	if a == nil {
		if v, ok := m[key]; ok && v != nil {
			return []float64{}
		}
		return nil
	}
	out := make([]float64, len(a))
	for i, e := range a {
		f, ok := e.(float64)
		if !ok {
			r.fail(jsonIndex(jsonJoin(path, key), i), "must be a number", jsonKind(e))
			return nil
		}
		out[i] = f
	}
	return out
}

// point reads the point m[key] = {x, y}.
func (r *jsonReader) point(m map[string]any, path, key string) Point {
	p := jsonJoin(path, key)
	v, ok := m[key]
	if !ok {
		r.fail(p, "is missing", nil)
		return Point{}
	}
	pm := r.object(p, v)
	if pm == nil {
		return Point{}
	}
	return Point{X: r.num(pm, p, "x"), Y: r.num(pm, p, "y")}
}

// box reads the box m[key] = {x, y, width, height}.
func (r *jsonReader) box(m map[string]any, path, key string) Box {
	p := jsonJoin(path, key)
	v, ok := m[key]
	if !ok {
		r.fail(p, "is missing", nil)
		return Box{}
	}
	bm := r.object(p, v)
	if bm == nil {
		return Box{}
	}
	return Box{
		X: r.num(bm, p, "x"), Y: r.num(bm, p, "y"),
		Width: r.num(bm, p, "width"), Height: r.num(bm, p, "height"),
	}
}

// geometry reads the shape of a line, word or letter at path.
func (r *jsonReader) geometry(m map[string]any, path string) Geometry {
	return Geometry{
		BoundingBox:  r.box(m, path, attrBoundingBox),
		TopLeft:      r.point(m, path, attrTopLeft),
		TopRight:     r.point(m, path, attrTopRight),
		BottomLeft:   r.point(m, path, attrBottomLeft),
		BottomRight:  r.point(m, path, attrBottomRight),
		AngleDegrees: r.num(m, path, attrAngleDegrees),
		AngleRadians: r.num(m, path, attrAngleRadians),
		Confidence:   r.num(m, path, attrConfidence),
	}
}

// valid records the first broken rule of e as an error at path.
func (r *jsonReader) valid(path string, e Entity) {
	if r.err != nil {
		return
	}
	err := e.Validate()
	var ve *ValidationError
	switch {
	case err == nil:
	case errors.As(err, &ve):
		r.fail(jsonJoin(path, ve.Field), ve.Rule, ve.Value)
	default:
		r.fail(path, err.Error(), nil)
	}
}
