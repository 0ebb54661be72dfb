package tabletest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func receiptTagChecks() []check {
	return []check{
		{name: "receipt/tags/tag-word", tx: true, run: receiptCheck(checkTagWord)},
		{name: "receipt/tags/untag-word", tx: true, run: receiptCheck(checkUntagWord)},
		{name: "receipt/tags/validate-word-tag", run: receiptCheck(checkValidateWordTag)},
		{name: "receipt/tags/retag-word", tx: true, run: receiptCheck(checkRetagWord)},
		{name: "receipt/tags/retag-meets-a-change", tx: true,
			run: receiptCheck(checkRetagMeetsChange)},
		{name: "receipt/tags/receipt-words", tx: true, run: receiptCheck(checkReceiptWordTags)},
		{name: "receipt/tags/concurrent", tx: true, run: receiptCheck(checkConcurrentTagging)},
		{name: "receipt/tags/conflicts-retried", tx: true,
			run: receiptCheck(checkConflictsRetried)},
	}
}

// checkTagWord tags a word: the tag item and the word's set change
// together, and every refusal changes neither.
func checkTagWord(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 2, receipts: 1})
	r.load(d)
	w := d.Words[0].Ref()
	r.now = ocrEpoch.Add(time.Hour + 123456789*time.Nanosecond)
	tag, err := r.cl.TagWord(r.Ctx, w, "total")
	r.noErr(err, "tag word")
	if tag.Tag != "TOTAL" || !tag.TimestampAdded.Equal(r.now.Truncate(time.Microsecond)) {
		r.Errorf("tag word returned tag %q added %v, want TOTAL added %v", tag.Tag,
			tag.TimestampAdded, r.now)
	}
	wantEntity(r, r.cl.WordTags(), tag, "tag item")
	r.wantWordTags(w, "TOTAL")

	_, err = r.cl.TagWord(r.Ctx, w, "Total")
	r.wantErr(err, rd.ErrAlreadyExists, "tag a word with a tag it has")
	_, err = r.cl.TagWord(r.Ctx, w, "date")
	r.noErr(err, "tag word with a second tag")
	r.wantWordTags(w, "DATE", "TOTAL")

	missing := rd.WordRef{ImageID: d.Image.ID, LineID: 7, WordID: 7}
	_, err = r.cl.TagWord(r.Ctx, missing, "TOTAL")
	r.wantErr(err, rd.ErrNotFound, "tag a missing word")
	r.wantItem(rd.WordTagKey(missing.ImageID, 7, 7, "TOTAL"), nil)
	r.wantItem(rd.WordKey(missing.ImageID, 7, 7), nil)

	for _, bad := range []string{"", "_TOTAL", "A#B", string(make([]byte, 41))} {
		_, err = r.cl.TagWord(r.Ctx, w, bad)
		r.wantErr(err, rd.ErrInvalid, fmt.Sprintf("tag %q", bad))
	}
	_, err = r.cl.TagWord(r.Ctx, rd.WordRef{ImageID: "x", LineID: 1, WordID: 1}, "TOTAL")
	r.wantErr(err, rd.ErrInvalid, "tag a word of a bad image id")
	r.wantWordTags(w, "DATE", "TOTAL")
	r.wantWordTags(d.Words[1].Ref())
}

// checkUntagWord removes tags; a tag whose word is gone is removed alone.
func checkUntagWord(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 2})
	withTag(&d, 0, "TOTAL")
	withTag(&d, 0, "DATE")
	withTag(&d, 1, "TOTAL")
	r.load(d)
	w := d.Words[0].Ref()
	r.noErr(r.cl.UntagWord(r.Ctx, w, "total"), "untag word")
	r.wantWordTags(w, "DATE")
	r.wantErr(r.cl.UntagWord(r.Ctx, w, "TOTAL"), rd.ErrNotFound, "untag a removed tag")
	r.noErr(r.cl.UntagWord(r.Ctx, w, "DATE"), "untag the last tag")
	r.wantWordTags(w)
	word := must(r.cl.Words().Get(r.Ctx, d.Words[0].Key()))(r, "get word")
	if word.Tags != nil {
		r.Errorf("word without tags: Tags %q, want the attribute removed", word.Tags)
	}

	// The second word is deleted on its own; its tag item is left behind
	// and can still be removed, without bringing the word back.
	gone := d.Words[1]
	r.noErr(r.cl.Words().Delete(r.Ctx, gone.Key()), "delete the tagged word")
	r.noErr(r.cl.UntagWord(r.Ctx, gone.Ref(), "TOTAL"), "untag a deleted word")
	r.wantItem(rd.WordTagKey(gone.ImageID, gone.LineID, gone.ID, "TOTAL"), nil)
	r.wantItem(gone.Key(), nil)
}

// checkValidateWordTag records a model's and a person's verdicts; the
// word's set does not change.
func checkValidateWordTag(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1})
	withTag(&d, 0, "TOTAL")
	r.load(d)
	w := d.Words[0].Ref()
	r.now = ocrEpoch.Add(2 * time.Hour)
	got, err := r.cl.ValidateWordTag(r.Ctx, w, "total", rd.ModelValidation{
		Valid: false, Confidence: 0.87, Flag: "mismatch", RevisedTag: "subtotal"})
	r.noErr(err, "validate word tag")
	want := d.WordTags[0]
	want.Validated, want.GPTConfidence = new(false), new(0.87)
	want.Flag, want.RevisedTag, want.TimestampValidated = "mismatch", "SUBTOTAL", r.now
	if diff := diffEntities(want, got); diff != "" {
		r.Errorf("after model validation, returned tag: %s", diff)
	}
	wantEntity(r, r.cl.WordTags(), want, "after model validation")

	r.now = ocrEpoch.Add(3 * time.Hour)
	got, err = r.cl.ConfirmWordTag(r.Ctx, w, "TOTAL", true)
	r.noErr(err, "confirm word tag")
	want.HumanValidated, want.TimestampHumanValidated = new(true), r.now
	if diff := diffEntities(want, got); diff != "" {
		r.Errorf("after human validation, returned tag: %s", diff)
	}
	wantEntity(r, r.cl.WordTags(), want, "after human validation")
	r.wantWordTags(w, "TOTAL")

	_, err = r.cl.ValidateWordTag(r.Ctx, w, "DATE", rd.ModelValidation{Valid: true})
	r.wantErr(err, rd.ErrNotFound, "validate a missing tag")
	r.wantItem(rd.WordTagKey(w.ImageID, w.LineID, w.WordID, "DATE"), nil)
	_, err = r.cl.ConfirmWordTag(r.Ctx, w, "DATE", true)
	r.wantErr(err, rd.ErrNotFound, "confirm a missing tag")
	_, err = r.cl.ValidateWordTag(r.Ctx, w, "TOTAL", rd.ModelValidation{Confidence: 1.5})
	r.wantErr(err, rd.ErrInvalid, "validate with confidence 1.5")
	wantEntity(r, r.cl.WordTags(), want, "after refused validations")
}

// checkRetagWord changes a tag: old item gone, new item there, the word's
// set holding the new tag in place of the old, other tags kept.
func checkRetagWord(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1})
	withTag(&d, 0, "TOTAL")
	withTag(&d, 0, "DATE")
	r.load(d)
	w := d.Words[0].Ref()
	got, err := r.cl.RetagWord(r.Ctx, w, "total", "subtotal")
	r.noErr(err, "retag word")
	if got.Tag != "SUBTOTAL" {
		r.Errorf("retag returned tag %q, want SUBTOTAL", got.Tag)
	}
	r.wantWordTags(w, "DATE", "SUBTOTAL")

	_, err = r.cl.RetagWord(r.Ctx, w, "TOTAL", "TAX")
	r.wantErr(err, rd.ErrNotFound, "retag from a missing tag")
	_, err = r.cl.RetagWord(r.Ctx, w, "SUBTOTAL", "DATE")
	r.wantErr(err, rd.ErrAlreadyExists, "retag to a tag the word has")
	_, err = r.cl.RetagWord(r.Ctx, w, "DATE", "date")
	r.wantErr(err, rd.ErrInvalid, "retag to the same tag")
	_, err = r.cl.RetagWord(r.Ctx, rd.WordRef{ImageID: w.ImageID, LineID: 5, WordID: 5},
		"DATE", "TAX")
	r.wantErr(err, rd.ErrNotFound, "retag a missing word")
	r.wantWordTags(w, "DATE", "SUBTOTAL")
}

// hookTable runs before once, ahead of the first transaction it is asked
// to write.
type hookTable struct {
	rd.Table
	once   sync.Once
	before func()
}

func (h *hookTable) TransactWrite(ctx context.Context, tx rd.Transaction) error {
	h.once.Do(h.before)
	return h.Table.TransactWrite(ctx, tx)
}

// checkRetagMeetsChange: a word tagged by another writer between RetagWord's
// read of the word and its write keeps that tag; RetagWord notices the
// change and reads again.
func checkRetagMeetsChange(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1})
	withTag(&d, 0, "TOTAL")
	r.load(d)
	w := d.Words[0].Ref()
	other := rd.NewClient(r.Table)
	hooked := rd.NewClient(&hookTable{Table: r.Table, before: func() {
		_, err := other.TagWord(r.Ctx, w, "DATE")
		r.noErr(err, "tag the word from another client")
	}})
	_, err := hooked.RetagWord(r.Ctx, w, "TOTAL", "SUBTOTAL")
	r.noErr(err, "retag while another client tags the word")
	r.wantWordTags(w, "DATE", "SUBTOTAL")
}

// checkReceiptWordTags runs the tag operations on a receipt word whose
// image word twin (same line and word ids) stays untouched.
func checkReceiptWordTags(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1, receipts: 1})
	r.load(d)
	rw := d.ReceiptWords[0].Ref()
	_, err := r.cl.TagReceiptWord(r.Ctx, rw, "total")
	r.noErr(err, "tag receipt word")
	_, err = r.cl.TagReceiptWord(r.Ctx, rw, "date")
	r.noErr(err, "tag receipt word again")
	r.wantReceiptWordTags(rw, "DATE", "TOTAL")
	_, err = r.cl.TagReceiptWord(r.Ctx, rw, "TOTAL")
	r.wantErr(err, rd.ErrAlreadyExists, "tag a receipt word with a tag it has")

	v, err := r.cl.ValidateReceiptWordTag(r.Ctx, rw, "TOTAL", rd.ModelValidation{Valid: true,
		Confidence: 0.5})
	r.noErr(err, "validate receipt word tag")
	if v.Validated == nil || !*v.Validated || v.GPTConfidence == nil || *v.GPTConfidence != 0.5 {
		r.Errorf("validated receipt word tag: %+v", v.TagValidation)
	}
	v, err = r.cl.ConfirmReceiptWordTag(r.Ctx, rw, "TOTAL", false)
	r.noErr(err, "confirm receipt word tag")
	if v.HumanValidated == nil || *v.HumanValidated || v.Validated == nil || !*v.Validated {
		r.Errorf("confirmed receipt word tag: %+v", v.TagValidation)
	}
	_, err = r.cl.RetagReceiptWord(r.Ctx, rw, "DATE", "TIME")
	r.noErr(err, "retag receipt word")
	r.wantReceiptWordTags(rw, "TIME", "TOTAL")
	r.noErr(r.cl.UntagReceiptWord(r.Ctx, rw, "TOTAL"), "untag receipt word")
	r.wantReceiptWordTags(rw, "TIME")
	r.wantErr(r.cl.UntagReceiptWord(r.Ctx, rw, "TOTAL"), rd.ErrNotFound, "untag it again")

	// The image word with the same line and word ids has no tags.
	r.wantWordTags(d.Words[0].Ref())
	page, err := r.cl.WordTags().List(r.Ctx, rd.ListOptions{})
	r.noErr(err, "list word tags")
	if len(page.Items) != 0 {
		r.Errorf("word tags listed: %d, want none (receipt word tags only)", len(page.Items))
	}
}

// wantReceiptWordTags is wantWordTags for a receipt word.
func (r *rc) wantReceiptWordTags(w rd.ReceiptWordRef, tags ...string) {
	r.Helper()
	word := must(r.cl.ReceiptWords().Get(r.Ctx,
		rd.ReceiptWordKey(w.ImageID, w.ReceiptID, w.LineID, w.WordID)))(r, "get receipt word")
	items := must(r.cl.TagsOfReceiptWord(r.Ctx, w))(r, "tags of receipt word")
	var itemTags []string
	for _, t := range items {
		itemTags = append(itemTags, t.Tag)
	}
	want := sortedCopy(tags)
	if got := sortedCopy(word.Tags); !slices.Equal(got, want) {
		r.Errorf("receipt word tags set %q, want %q", got, want)
	}
	if got := sortedCopy(itemTags); !slices.Equal(got, want) {
		r.Errorf("receipt word tag items %q, want %q", got, want)
	}
}

// checkConcurrentTagging has eight goroutines tag, untag and retag one
// word at once; afterwards the word's set and its tag items agree.
func checkConcurrentTagging(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1})
	r.load(d)
	w := d.Words[0].Ref()
	tags := []string{"A", "B", "C", "D"}
	const workers, rounds = 8, 12

	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for g := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 42))
			for range rounds {
				tag, other := tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))]
				var err error
				switch rng.IntN(3) {
				case 0:
					_, err = r.cl.TagWord(r.Ctx, w, tag)
				case 1:
					err = r.cl.UntagWord(r.Ctx, w, tag)
				default:
					if tag != other {
						_, err = r.cl.RetagWord(r.Ctx, w, tag, other)
					}
				}
				// Tagging a tagged word, untagging an untagged one and
				// retagging either are refusals the race makes likely;
				// anything else is wrong.
				if err != nil && !errors.Is(err, rd.ErrAlreadyExists) &&
					!errors.Is(err, rd.ErrNotFound) {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		r.Errorf("concurrent tagging: %v", err)
	}

	word := must(r.cl.Words().Get(r.Ctx, d.Words[0].Key()))(r, "get word")
	items := must(r.cl.TagsOfWord(r.Ctx, w))(r, "tags of word")
	var itemTags []string
	for _, t := range items {
		itemTags = append(itemTags, t.Tag)
	}
	if set, it := sortedCopy(word.Tags), sortedCopy(itemTags); !slices.Equal(set, it) {
		r.Errorf("after concurrent tagging: tags set %q, tag items %q", set, it)
	}
}

// conflictTable cancels its next conflicts transactions with a
// TransactionConflict on every action, writing nothing, as DynamoDB does
// when another transaction holds an item.
type conflictTable struct {
	rd.Table
	conflicts atomic.Int32
	calls     atomic.Int32
}

func (c *conflictTable) TransactWrite(ctx context.Context, tx rd.Transaction) error {
	c.calls.Add(1)
	if c.conflicts.Add(-1) >= 0 {
		reasons := make([]rd.TxReason, len(tx.Actions))
		for i := range reasons {
			reasons[i].Code = rd.ReasonTransactionConflict
		}
		return &rd.TxCanceledError{Reasons: reasons}
	}
	return c.Table.TransactWrite(ctx, tx)
}

// checkConflictsRetried: a tag transaction cancelled by conflicts is sent
// again until it goes through; one that keeps conflicting fails after a
// bounded number of attempts and writes nothing.
func checkConflictsRetried(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1})
	r.load(d)
	w := d.Words[0].Ref()
	ct := &conflictTable{Table: r.Table}
	cl := rd.NewClient(ct)

	ct.conflicts.Store(3)
	_, err := cl.TagWord(r.Ctx, w, "TOTAL")
	r.noErr(err, "tag word after three conflicts")
	if n := ct.calls.Load(); n != 4 {
		r.Errorf("tag word after three conflicts: %d transactions sent, want 4", n)
	}
	r.wantWordTags(w, "TOTAL")

	ct.conflicts.Store(1000)
	ct.calls.Store(0)
	err = cl.UntagWord(r.Ctx, w, "TOTAL")
	r.wantErr(err, rd.ErrTransactionCanceled, "untag word that always conflicts")
	if n := ct.calls.Load(); n < 2 || n > 20 {
		r.Errorf("untag word that always conflicts: %d transactions sent, want a few", n)
	}
	r.wantWordTags(w, "TOTAL")
}
