package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// printer writes the data a command prints: an aligned table with a header
// on a terminal, tab-separated values without a header when piped (one row
// a line, tabs and line breaks inside values replaced by spaces), or JSON
// with --json.
type printer struct {
	w    io.Writer
	tty  bool
	json bool
}

// list prints rows under the column names; with --json it prints v, which
// should be a slice (an empty one prints []).
func (p *printer) list(columns []string, rows [][]string, v any) error {
	if p.json {
		return p.printJSON(v)
	}
	if !p.tty {
		return p.tsv(rows)
	}
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(columns, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(clean(r), "\t"))
	}
	return tw.Flush()
}

// field is one name and value of a record.
type field struct {
	name, value string
}

// record prints one thing as "name  value" lines (name<TAB>value when
// piped); with --json it prints v.
func (p *printer) record(fields []field, v any) error {
	if p.json {
		return p.printJSON(v)
	}
	rows := make([][]string, len(fields))
	for i, f := range fields {
		rows[i] = []string{f.name, f.value}
	}
	if !p.tty {
		return p.tsv(rows)
	}
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, r[0]+":\t"+clean(r[1:])[0])
	}
	return tw.Flush()
}

// section prints a heading between the parts of a longer report, on a
// terminal only; piped output and JSON have none.
func (p *printer) section(title string) {
	if p.tty && !p.json {
		fmt.Fprintf(p.w, "\n%s\n", title)
	}
}

func (p *printer) tsv(rows [][]string) error {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(clean(r), "\t"))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(p.w, b.String())
	return err
}

func (p *printer) printJSON(v any) error {
	enc := json.NewEncoder(p.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// clean replaces tabs and line breaks inside values, which would break the
// columns, by spaces.
func clean(r []string) []string {
	out := make([]string, len(r))
	for i, s := range r {
		out[i] = strings.Map(func(c rune) rune {
			if c == '\t' || c == '\n' || c == '\r' {
				return ' '
			}
			return c
		}, s)
	}
	return out
}
