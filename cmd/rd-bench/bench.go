package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/sroie"
)

// bench is one run: its options, the report, the data set and the servers.
type bench struct {
	o      options
	rep    *report
	log    io.Writer
	root   string // module root
	work   string // folder of the databases
	rmWork bool
	data   *sroie.Dataset
	ids    []string // receipt ids, sorted
	now    time.Time

	dynalite    *dynaliteServer // nil when no section needs it
	fullStore   string          // embedded store holding every receipt, if imported
	largestLive uint64          // peak live heap of the largest embedded import
}

// newBench opens the data set and prepares the work folder.
func newBench(ctx context.Context, o options, rep *report, log io.Writer) (*bench, error) {
	b := &bench{o: o, rep: rep, log: log, now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	var err error
	if b.root, err = moduleRoot(); err != nil && o.sroieDir == "" {
		return nil, err
	}
	if o.sroieDir == "" {
		o.sroieDir = filepath.Join(b.root, "..", "shared", "data", "sroie")
	}
	if b.data, err = sroie.Open(o.sroieDir); err != nil {
		return nil, fmt.Errorf("rd-bench: open the SROIE folder (see -sroie): %w", err)
	}
	if b.ids, err = b.data.IDs(); err != nil {
		return nil, fmt.Errorf("rd-bench: %w", err)
	}
	if o.workDir != "" {
		b.work = o.workDir
		err = os.MkdirAll(b.work, 0o755)
	} else {
		b.work, err = os.MkdirTemp("", "rd-bench-")
		b.rmWork = true
	}
	if err != nil {
		return nil, fmt.Errorf("rd-bench: work folder: %w", err)
	}
	if speed, err := diskWriteSpeed(b.work); err == nil {
		rep.disk = fmt.Sprintf("%.0f MB/s sequential write of 64 MiB with fsync", speed)
	}
	return b, nil
}

// close stops the servers that the run started and removes its temporary
// folder.
func (b *bench) close() {
	if b.dynalite != nil {
		b.dynalite.stop()
	}
	if b.rmWork {
		os.RemoveAll(b.work)
	}
}

// logf reports progress on stderr.
func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "rd-bench: "+format+"\n", args...)
}

// runAll runs the selected sections in order. A section that fails is
// reported and the others still run; it returns whether any failed.
func (b *bench) runAll(ctx context.Context) (failed bool) {
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"codec", b.runCodec},
		{"sqlite", b.runSQLite},
		{"embedded", b.runEmbedded},
		{"dynalite", b.runDynalite},
		{"sim", b.runSim},
		{"reads", b.runReads},
	}
	for _, s := range steps {
		if !b.o.has(s.name) {
			continue
		}
		if ctx.Err() != nil {
			b.rep.notMeasured(s.name, "interrupted")
			failed = true
			continue
		}
		b.logf("section %s", s.name)
		start := time.Now()
		if err := s.run(ctx); err != nil {
			b.logf("section %s failed: %v", s.name, err)
			b.rep.notMeasured(s.name, "failed: "+err.Error())
			failed = true
			continue
		}
		b.logf("section %s done in %s", s.name, time.Since(start).Round(time.Millisecond))
	}
	return failed
}

// load reads and builds one receipt.
func (b *bench) load(id string) (*sroie.Receipt, error) {
	r, err := b.data.Load(id, b.now)
	if err != nil {
		return nil, fmt.Errorf("rd-bench: %w", err)
	}
	return r, nil
}

// runCodec measures the codec on a word of receipt 000 that has tags.
func (b *bench) runCodec(context.Context) error {
	r, err := b.load(b.ids[0])
	if err != nil {
		return err
	}
	w := r.Words[0]
	for _, x := range r.Words {
		if len(x.Tags) > 0 {
			w = x
			break
		}
	}
	return measureCodec(b.rep, w)
}

// wordsAndLetters returns the items of the words and letters of the first
// receipts, n in all.
func (b *bench) wordsAndLetters(n int) ([]rd.Item, error) {
	items := make([]rd.Item, 0, n)
	for _, id := range b.ids {
		r, err := b.load(id)
		if err != nil {
			return nil, err
		}
		for _, e := range entitiesOf(r, false) {
			switch e.(type) {
			case rd.Word, rd.Letter:
			default:
				continue
			}
			it, err := e.MarshalItem()
			if err != nil {
				return nil, err
			}
			items = append(items, it)
			if len(items) == n {
				return items, nil
			}
		}
	}
	return nil, fmt.Errorf("rd-bench: the data set has fewer than %d words and letters", n)
}

// entitiesOf lists the entities of a receipt, image first. With receipt,
// the receipt side (the receipt, its lines, words, letters and tags) is
// included.
func entitiesOf(r *sroie.Receipt, receipt bool) []rd.Entity {
	out := []rd.Entity{r.Image}
	for _, v := range r.Lines {
		out = append(out, v)
	}
	for _, v := range r.Words {
		out = append(out, v)
	}
	for _, v := range r.Letters {
		out = append(out, v)
	}
	for _, v := range r.Tags {
		out = append(out, v)
	}
	if !receipt {
		return out
	}
	out = append(out, r.Receipt)
	for _, v := range r.ReceiptLines {
		out = append(out, v)
	}
	for _, v := range r.ReceiptWords {
		out = append(out, v)
	}
	for _, v := range r.ReceiptLetters {
		out = append(out, v)
	}
	for _, v := range r.ReceiptTags {
		out = append(out, v)
	}
	return out
}

// itemKey returns the primary key of an item.
func itemKey(it rd.Item) rd.Key {
	return rd.Key{PK: stringAttr(it, rd.AttrPK), SK: stringAttr(it, rd.AttrSK)}
}

// stringAttr returns the string attribute name of an item, or "".
func stringAttr(it rd.Item, name string) string {
	if s, ok := it[name].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
