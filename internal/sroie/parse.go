package sroie

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// InputError reports a malformed input file: which file, which line (0 when
// the file as a whole is wrong) and what is wrong. Input errors are never
// worth retrying.
type InputError struct {
	File string
	Line int
	Err  error
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("sroie: %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("sroie: %s: %v", e.File, e.Err)
}

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }

// BoxLine is one row of a box file: the corners in pixels, origin top-left,
// clockwise from the top left, and the line's text.
type BoxLine struct {
	Row     int       // line number in the file, from 1
	Corners [4][2]int // top-left, top-right, bottom-right, bottom-left; x, y
	Text    string
}

// coordNames name the eight coordinates of a row, for messages.
var coordNames = [8]string{"x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4"}

// ParseBox reads a box file: rows of eight integer coordinates and the text,
// which may itself contain commas. Line ends may be LF or CRLF; blank lines
// are skipped. A malformed row is an *InputError naming file and line.
func ParseBox(r io.Reader, file string) ([]BoxLine, error) {
	sc := bufio.NewScanner(r)
	var lines []BoxLine
	for row := 1; sc.Scan(); row++ {
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		bl, err := parseRow(text)
		if err != nil {
			return nil, &InputError{File: file, Line: row, Err: err}
		}
		bl.Row = row
		lines = append(lines, bl)
	}
	if err := sc.Err(); err != nil {
		return nil, &InputError{File: file, Err: err}
	}
	if len(lines) == 0 {
		return nil, &InputError{File: file, Err: errors.New("no lines")}
	}
	return lines, nil
}

// parseRow parses "x1,y1,x2,y2,x3,y3,x4,y4,text".
func parseRow(row string) (BoxLine, error) {
	var bl BoxLine
	parts := strings.SplitN(row, ",", 9)
	for i := 0; i < 8; i++ {
		if i >= len(parts)-1 {
			return bl, fmt.Errorf("want 8 coordinates and the text, found %d fields: %q",
				len(parts), row)
		}
		v, err := strconv.Atoi(strings.TrimSpace(parts[i]))
		if err != nil {
			return bl, fmt.Errorf("coordinate %d (%s): want an integer, got %q",
				i+1, coordNames[i], parts[i])
		}
		if v < 0 {
			return bl, fmt.Errorf("coordinate %d (%s): want >= 0, got %d", i+1, coordNames[i], v)
		}
		bl.Corners[i/2][i%2] = v
	}
	bl.Text = strings.TrimSpace(parts[8])
	if bl.Text == "" {
		return bl, errors.New("empty text")
	}
	return bl, nil
}

// Key holds the key fields of a receipt. An absent field is "".
type Key struct {
	Company string `json:"company"`
	Date    string `json:"date"`
	Address string `json:"address"`
	Total   string `json:"total"`
}

// ParseKey reads a key file: a JSON object of strings. Unknown members are
// ignored; a member that is not a string is an *InputError naming it.
func ParseKey(r io.Reader, file string) (Key, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Key{}, &InputError{File: file, Err: err}
	}
	var k Key
	if err := json.Unmarshal(data, &k); err != nil {
		return Key{}, &InputError{File: file, Line: jsonLine(data, err), Err: jsonErr(err)}
	}
	return k, nil
}

// jsonErr rewords the errors of encoding/json for people.
func jsonErr(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: want a %s, got a JSON %s", te.Field, te.Type, te.Value)
	}
	return err
}

// jsonLine returns the line of the offset that a JSON error reports, or 0.
func jsonLine(data []byte, err error) int {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return 0
	}
	off = min(off, int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// Scan is what the manifest says of one receipt's scan.
type Scan struct {
	ID     string
	Width  int
	Height int
	Bytes  int64
	SHA256 string
}

// ReadManifest reads manifest.tsv: a header line naming the columns id,
// width, height, bytes and sha256 (in any order), then one row per scan.
func ReadManifest(r io.Reader, file string) (map[string]Scan, error) {
	sc := bufio.NewScanner(r)
	if !sc.Scan() {
		return nil, &InputError{File: file, Err: errors.New("empty, want a header line")}
	}
	col := map[string]int{}
	for i, name := range strings.Split(strings.TrimSuffix(sc.Text(), "\r"), "\t") {
		col[name] = i
	}
	for _, name := range []string{"id", "width", "height", "sha256"} {
		if _, ok := col[name]; !ok {
			return nil, &InputError{File: file, Line: 1, Err: fmt.Errorf("no column %q", name)}
		}
	}
	scans := map[string]Scan{}
	for row := 2; sc.Scan(); row++ {
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" {
			continue
		}
		s, err := parseScan(strings.Split(text, "\t"), col)
		if err != nil {
			return nil, &InputError{File: file, Line: row, Err: err}
		}
		scans[s.ID] = s
	}
	if err := sc.Err(); err != nil {
		return nil, &InputError{File: file, Err: err}
	}
	return scans, nil
}

func parseScan(fields []string, col map[string]int) (Scan, error) {
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(fields) {
			return fields[i]
		}
		return ""
	}
	s := Scan{ID: get("id"), SHA256: get("sha256")}
	var err error
	if s.Width, err = positive(get("width"), "width"); err != nil {
		return s, err
	}
	if s.Height, err = positive(get("height"), "height"); err != nil {
		return s, err
	}
	if b := get("bytes"); b != "" {
		s.Bytes, _ = strconv.ParseInt(b, 10, 64)
	}
	if s.ID == "" {
		return s, errors.New("id: empty")
	}
	if len(s.SHA256) != 64 {
		return s, fmt.Errorf("sha256: want 64 hex digits, got %q", s.SHA256)
	}
	return s, nil
}

func positive(v, name string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s: want a positive integer, got %q", name, v)
	}
	return n, nil
}
