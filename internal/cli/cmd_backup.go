package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/ddbjson"
)

// backupPage is the most items one page of a backup's scan holds; with the
// 1 MB page rule it bounds the memory a backup holds.
const backupPage = 500

// restoreChunk is the number of items a restore writes per batch write.
const restoreChunk = 500

// backupOptions are the options of backup.
type backupOptions struct {
	File string
}

func newBackupCmd(runF func(context.Context, *backupOptions) error) *cobra.Command {
	o := &backupOptions{}
	return command(&cobra.Command{
		Use:   "backup FILE",
		Short: "Write every item of the table to FILE as JSON lines",
		Long: `Write every item of the table to FILE, one item per line in DynamoDB's own
JSON shape, as DynamoDB's export to S3 writes them:

  {"Item":{"PK":{"S":"IMAGE#…"},"SK":{"S":"IMAGE"},"width":{"N":"2480"},…}}

Items are read with a strongly consistent scan of the whole table, a page
at a time, so a backup holds every write completed before it began and
memory stays bounded whatever the table's size.
The file is written under a temporary name and renamed when complete, so
FILE never holds half a backup. "-" writes to stdout. The summary (items
per type) goes to stdout, or to stderr when the backup does.`,
		Example: `  receipt-dynamo backup receipts.jsonl
  receipt-dynamo --table receipts backup - | gzip > receipts.jsonl.gz`,
		Args: exactArgs(1, "FILE"),
	}, o, func(args []string) error {
		o.File = args[0]
		return nil
	}, runF)
}

// restoreOptions are the options of restore.
type restoreOptions struct {
	File  string
	Merge bool
}

func newRestoreCmd(runF func(context.Context, *restoreOptions) error) *cobra.Command {
	o := &restoreOptions{}
	c := &cobra.Command{
		Use:   "restore FILE",
		Short: "Write the items of a backup into the table",
		Long: `Write the items of FILE, JSON lines as backup writes them, into the table.

FILE is read twice: first every line is checked (valid DynamoDB JSON, an
item of a known TYPE that decodes as its type), then the items are written
in batches. A bad line is reported with its number and nothing is written.
The table must be empty unless --merge is given, in which case items of the
same key are replaced and others kept. The embedded file is created when it
does not exist. On DynamoDB a write failure can leave part of the backup
written; restoring again with --merge completes it.`,
		Example: `  receipt-dynamo --db copy.db restore receipts.jsonl
  receipt-dynamo --table receipts restore --merge receipts.jsonl`,
		Args: exactArgs(1, "FILE"),
	}
	c.Flags().BoolVar(&o.Merge, "merge", false, "write into a table that holds items")
	return command(c, o, func(args []string) error {
		o.File = args[0]
		if o.File == "-" {
			return usagef("restore reads FILE twice and cannot read stdin; save it to a file")
		}
		return nil
	}, runF)
}

// backupView is what backup and restore print with --json.
type backupView struct {
	File  string         `json:"file"`
	Store string         `json:"store"`
	Items int            `json:"items"`
	Types map[string]int `json:"types"`
}

func (a *app) runBackup(ctx context.Context, o *backupOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	w, commit, err := createAtomic(o.File, a.env.Stdout)
	if err != nil {
		return err
	}
	defer commit(false)

	total := -1
	if info, err := st.table.Describe(ctx); err == nil {
		total = int(info.ItemCount)
	}
	bar := a.progress(total, "backing up", "items")
	jw := ddbjson.NewWriter(w)
	view := backupView{File: o.File, Store: st.spec.String(), Types: map[string]int{}}
	if err := backupItems(ctx, st.table, jw, bar, &view); err != nil {
		return a.tableErr(fmt.Errorf("backup after %d items: %w", view.Items, err))
	}
	if err := jw.Flush(); err != nil {
		return err
	}
	bar.finish()
	if err := commit(true); err != nil {
		return err
	}
	if o.File == "-" {
		out := *a.out
		out.w, out.tty = a.env.Stderr, a.env.StderrTTY
		return printBackup(&out, view)
	}
	return printBackup(a.out, view)
}

// backupItems writes every item of the table, scanning it page by page,
// and counts them in view, in all and per type.
func backupItems(ctx context.Context, t rd.Table, w *ddbjson.Writer, bar *progress,
	view *backupView) error {
	in := rd.ScanInput{Limit: backupPage}
	for {
		page, err := t.Scan(ctx, in)
		if err != nil {
			return err
		}
		for _, item := range page.Items {
			if err := w.Write(item); err != nil {
				return err
			}
			typ := ""
			if v, ok := item[rd.AttrType].(*types.AttributeValueMemberS); ok {
				typ = v.Value
			}
			view.Types[typ]++
		}
		view.Items += len(page.Items)
		bar.add(len(page.Items))
		if page.Next == "" {
			return nil
		}
		in.Cursor = page.Next
	}
}

func printBackup(p *printer, v backupView) error {
	rows := make([][]string, 0, len(v.Types)+1)
	for _, typ := range rd.ItemTypes {
		if n, ok := v.Types[typ]; ok {
			rows = append(rows, []string{typ, itoa(n)})
		}
	}
	// Items of types this version does not know, or without TYPE, which a
	// scan finds too.
	var other []string
	for typ := range v.Types {
		if !slices.Contains(rd.ItemTypes, typ) {
			other = append(other, typ)
		}
	}
	slices.Sort(other)
	for _, typ := range other {
		name := typ
		if name == "" {
			name = "(no TYPE)"
		}
		rows = append(rows, []string{name, itoa(v.Types[typ])})
	}
	rows = append(rows, []string{"total", itoa(v.Items)})
	return p.list([]string{"TYPE", "ITEMS"}, rows, v)
}

// createAtomic opens a temporary file beside path; commit(true) renames it
// to path, commit(false) removes it (after a successful commit it does
// nothing). "-" writes to stdout.
func createAtomic(path string, stdout io.Writer) (io.Writer, func(bool) error, error) {
	if path == "-" {
		return stdout, func(bool) error { return nil }, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, nil, fmt.Errorf("backup: %w", err)
	}
	done := false
	commit := func(ok bool) error {
		if done {
			return nil
		}
		done = true
		if !ok {
			f.Close()
			os.Remove(f.Name())
			return nil
		}
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(f.Name())
			return fmt.Errorf("backup: %w", err)
		}
		if err := f.Close(); err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("backup: %w", err)
		}
		if err := os.Rename(f.Name(), path); err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("backup: %w", err)
		}
		return nil
	}
	return f, commit, nil
}

func (a *app) runRestore(ctx context.Context, o *restoreOptions) error {
	// Check the whole file before touching the store.
	counts, total, err := checkBackup(o.File)
	if err != nil {
		return err
	}
	st, err := a.openStore(ctx, createEmbedded)
	if err != nil {
		return err
	}
	if !o.Merge {
		if typ, err := firstType(ctx, st.table); err != nil {
			return a.tableErr(err)
		} else if typ != "" {
			return fmt.Errorf("restore: %s holds items (%s and maybe others); restore into "+
				"an empty table, or give --merge to replace items of the same keys", st.spec, typ)
		}
	}

	written, err := a.writeBackup(ctx, st.table, o.File, total)
	if err != nil {
		var be *rd.BatchError
		if errors.As(err, &be) {
			written += be.Done
		}
		return a.tableErr(fmt.Errorf("restore: %d of %d items written, then: %w; "+
			"restore again with --merge to complete", written, total, err))
	}
	return printBackup(a.out, backupView{File: o.File, Store: st.spec.String(),
		Items: total, Types: counts})
}

// checkBackup reads every line of the file and checks that it holds an
// item that decodes as its type. It returns the items per type.
func checkBackup(path string) (map[string]int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	r := ddbjson.NewReader(f)
	counts := map[string]int{}
	total := 0
	for {
		item, err := r.Read()
		if errors.Is(err, io.EOF) {
			return counts, total, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("restore: %s: %w", path, err)
		}
		e, err := checkItem(item)
		if err != nil {
			return nil, 0, fmt.Errorf("restore: %s: line %d: %w", path, r.Line(), err)
		}
		counts[e.ItemType()]++
		total++
	}
}

// checkItem checks one item of a backup.
func checkItem(item rd.Item) (rd.Entity, error) {
	for _, attr := range []string{rd.AttrPK, rd.AttrSK} {
		if _, ok := item[attr].(*types.AttributeValueMemberS); !ok {
			return nil, fmt.Errorf("%s: missing or not a string", attr)
		}
	}
	return rd.UnmarshalAny(item)
}

// writeBackup writes the items of the file in chunks and returns how many
// it wrote.
func (a *app) writeBackup(ctx context.Context, t rd.Table, path string, total int) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	bar := a.progress(total, "restoring", "items")
	defer bar.finish()
	r := ddbjson.NewReader(f)
	chunk := make([]rd.WriteRequest, 0, restoreChunk)
	written := 0
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := t.BatchWrite(ctx, chunk); err != nil {
			return err
		}
		written += len(chunk)
		bar.add(len(chunk))
		chunk = chunk[:0]
		return nil
	}
	for {
		item, err := r.Read()
		if errors.Is(err, io.EOF) {
			return written, flush()
		}
		if err != nil {
			return written, fmt.Errorf("%s changed since it was checked: %w", path, err)
		}
		chunk = append(chunk, rd.WriteRequest{Put: item})
		if len(chunk) == restoreChunk {
			if err := flush(); err != nil {
				return written, err
			}
		}
	}
}

// firstType returns the type of an item that the table holds ("an item
// without TYPE" for one that has none), or "" for an empty table. It scans
// the table, which is strongly consistent, rather than query the GSITYPE
// index, which is not.
func firstType(ctx context.Context, t rd.Table) (string, error) {
	in := rd.ScanInput{Limit: 1}
	for {
		page, err := t.Scan(ctx, in)
		if err != nil {
			return "", err
		}
		if len(page.Items) > 0 {
			if v, ok := page.Items[0][rd.AttrType].(*types.AttributeValueMemberS); ok {
				return v.Value, nil
			}
			return "an item without TYPE", nil
		}
		if page.Next == "" {
			return "", nil
		}
		in.Cursor = page.Next
	}
}
