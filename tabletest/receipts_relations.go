package tabletest

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func receiptRelationChecks() []check {
	return []check{
		{name: "receipt/relations/lines-of-image", run: receiptCheck(checkLinesOfImage)},
		{name: "receipt/relations/words-of-line", run: receiptCheck(checkWordsOfLine)},
		{name: "receipt/relations/tags-of-word", run: receiptCheck(checkTagsOfWord)},
		{name: "receipt/relations/receipts-of-image", run: receiptCheck(checkReceiptsOfImage)},
		{name: "receipt/relations/receipt-prefix", run: receiptCheck(checkReceiptPrefix)},
		{name: "receipt/relations/words-with-tag", run: receiptCheck(checkWordsWithTag)},
		{name: "receipt/relations/all-receipts", run: receiptCheck(checkAllReceipts)},
		{name: "receipt/relations/image-overviews", run: receiptCheck(checkImageOverviews)},
		{name: "receipt/relations/counts", run: receiptCheck(checkCounts)},
		{name: "receipt/details/image", run: receiptCheck(checkImageDetails)},
		{name: "receipt/details/receipt", run: receiptCheck(checkReceiptDetails)},
		{name: "receipt/details/missing", run: receiptCheck(checkDetailsMissing)},
		{name: "receipt/pagination/large-image", run: receiptCheck(checkLargeImage)},
	}
}

// bySK returns v sorted by key, as queries of a partition return items.
func bySK[T rd.Entity](v []T) []T {
	out := slices.Clone(v)
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(a.Key().SK, b.Key().SK) })
	return out
}

// where returns the items of v that keep accepts.
func where[T any](v []T, keep func(T) bool) []T {
	var out []T
	for _, e := range v {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// must ends the check when err is not nil and returns v.
func must[T any](v T, err error) func(r *rc, what string) T {
	return func(r *rc, what string) T {
		r.Helper()
		if err != nil {
			r.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// checkLinesOfImage: the lines of an image never include the words,
// letters and tags that share their prefix, nor the receipt lines.
func checkLinesOfImage(r *rc) {
	d, other := ocrFull(newImageID()), ocrFull(newImageID())
	r.load(d)
	r.load(other)
	lines := must(r.cl.LinesOfImage(r.Ctx, d.Image.ID))(r, "lines of image")
	wantKeys(r.C, "lines of image", lines, d.Lines)
	words := must(r.cl.WordsOfImage(r.Ctx, d.Image.ID))(r, "words of image")
	wantKeys(r.C, "words of image", words, d.Words)
	for i := range lines {
		if i < len(d.Lines) {
			if diff := diffEntities(d.Lines[i], lines[i]); diff != "" {
				r.Errorf("line %d: %s", i, diff)
			}
		}
	}
	none := must(r.cl.LinesOfImage(r.Ctx, newImageID()))(r, "lines of an unknown image")
	if len(none) != 0 {
		r.Errorf("lines of an unknown image: %d, want none", len(none))
	}
}

// checkWordsOfLine: the words of a line never include its letters or tags;
// the letters of a word are exactly its letters.
func checkWordsOfLine(r *rc) {
	d := ocrFull(newImageID())
	r.load(d)
	for l := 1; l <= len(d.Lines); l++ {
		got := must(r.cl.WordsOfLine(r.Ctx, d.Image.ID, l))(r, fmt.Sprintf("words of line %d", l))
		wantKeys(r.C, fmt.Sprintf("words of line %d", l), got,
			where(d.Words, func(w rd.Word) bool { return w.LineID == l }))
	}
	first := d.Words[0]
	got := must(r.cl.WordsOfLine(r.Ctx, d.Image.ID, first.LineID))(r, "words of line")
	if len(got) > 0 && !slices.Equal(sortedCopy(got[0].Tags), sortedCopy(first.Tags)) {
		r.Errorf("tags of the first word: %q, want %q", got[0].Tags, first.Tags)
	}
	letters := must(r.cl.LettersOfWord(r.Ctx, first.Ref()))(r, "letters of word")
	wantKeys(r.C, "letters of word", letters, where(d.Letters, func(c rd.Letter) bool {
		return c.LineID == first.LineID && c.WordID == first.ID
	}))
	rw := d.ReceiptWords[0]
	rLetters := must(r.cl.LettersOfReceiptWord(r.Ctx, rw.Ref()))(r, "letters of receipt word")
	wantKeys(r.C, "letters of receipt word", rLetters, where(d.ReceiptLetters,
		func(c rd.ReceiptLetter) bool {
			return c.ReceiptID == rw.ReceiptID && c.LineID == rw.LineID && c.WordID == rw.ID
		}))
}

// checkTagsOfWord: a receipt word tag never comes back as a word tag, nor
// the other way round, though both share the word's line and word ids.
func checkTagsOfWord(r *rc) {
	d := ocrFull(newImageID())
	r.load(d)
	w, rw := d.Words[0], d.ReceiptWords[0]
	if w.LineID != rw.LineID || w.ID != rw.ID {
		r.Fatalf("fixture: receipt word %d/%d is not the twin of word %d/%d",
			rw.LineID, rw.ID, w.LineID, w.ID)
	}
	tags := must(r.cl.TagsOfWord(r.Ctx, w.Ref()))(r, "tags of word")
	wantKeys(r.C, "tags of word", tags, bySK(where(d.WordTags, func(t rd.WordTag) bool {
		return t.LineID == w.LineID && t.WordID == w.ID
	})))
	rtags := must(r.cl.TagsOfReceiptWord(r.Ctx, rw.Ref()))(r, "tags of receipt word")
	wantKeys(r.C, "tags of receipt word", rtags, bySK(where(d.ReceiptWordTags,
		func(t rd.ReceiptWordTag) bool {
			return t.ReceiptID == rw.ReceiptID && t.LineID == rw.LineID && t.WordID == rw.ID
		})))
	untagged := must(r.cl.TagsOfWord(r.Ctx, d.Words[1].Ref()))(r, "tags of an untagged word")
	if len(untagged) != 0 {
		r.Errorf("tags of an untagged word: %d, want none", len(untagged))
	}
}

// checkReceiptsOfImage: the receipts of an image never include their
// lines, words, letters, tags, windows or GPT records.
func checkReceiptsOfImage(r *rc) {
	d := ocrFull(newImageID())
	r.load(d)
	got := must(r.cl.ReceiptsOfImage(r.Ctx, d.Image.ID))(r, "receipts of image")
	wantKeys(r.C, "receipts of image", got, d.Receipts)
	for rid := 1; rid <= 2; rid++ {
		mine := func(id int) bool { return id == rid }
		lines := must(r.cl.LinesOfReceipt(r.Ctx, d.Image.ID, rid))(r, "lines of receipt")
		wantKeys(r.C, "lines of receipt", lines, where(d.ReceiptLines,
			func(v rd.ReceiptLine) bool { return mine(v.ReceiptID) }))
		words := must(r.cl.WordsOfReceipt(r.Ctx, d.Image.ID, rid))(r, "words of receipt")
		wantKeys(r.C, "words of receipt", words, where(d.ReceiptWords,
			func(v rd.ReceiptWord) bool { return mine(v.ReceiptID) }))
		letters := must(r.cl.LettersOfReceipt(r.Ctx, d.Image.ID, rid))(r, "letters of receipt")
		wantKeys(r.C, "letters of receipt", letters, where(d.ReceiptLetters,
			func(v rd.ReceiptLetter) bool { return mine(v.ReceiptID) }))
		lineWords := must(r.cl.WordsOfReceiptLine(r.Ctx, d.Image.ID, rid, 2))(r,
			"words of receipt line")
		wantKeys(r.C, "words of receipt line", lineWords, where(d.ReceiptWords,
			func(v rd.ReceiptWord) bool { return mine(v.ReceiptID) && v.LineID == 2 }))
	}
}

// checkReceiptPrefix: receipt 1 is a prefix of receipt 1's children only,
// never of receipt 10's.
func checkReceiptPrefix(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1, letters: 1, receipts: 12})
	r.load(d)
	for _, rid := range []int{1, 10, 11} {
		got := must(r.cl.ReceiptDetails(r.Ctx, d.Image.ID, rid))(r,
			fmt.Sprintf("details of receipt %d", rid))
		if got.Receipt.ID != rid {
			r.Errorf("details of receipt %d: receipt %d", rid, got.Receipt.ID)
		}
		wantKeys(r.C, fmt.Sprintf("lines of receipt %d", rid), got.Lines,
			where(d.ReceiptLines, func(v rd.ReceiptLine) bool { return v.ReceiptID == rid }))
		wantKeys(r.C, fmt.Sprintf("letters of receipt %d", rid), got.Letters,
			where(d.ReceiptLetters, func(v rd.ReceiptLetter) bool { return v.ReceiptID == rid }))
		lines := must(r.cl.LinesOfReceipt(r.Ctx, d.Image.ID, rid))(r, "lines of receipt")
		wantKeys(r.C, fmt.Sprintf("lines of receipt %d", rid), lines,
			where(d.ReceiptLines, func(v rd.ReceiptLine) bool { return v.ReceiptID == rid }))
	}
}

// checkWordsWithTag lists the words carrying a tag across images, in pages
// of one: never a receipt word, and the receipt words alike.
func checkWordsWithTag(r *rc) {
	a, b := ocrFull(newImageID()), ocrFull(newImageID())
	r.load(a)
	r.load(b)
	tagged := func(w rd.Word) bool { return slices.Contains(w.Tags, "TOTAL") }
	wantWords := bySK(concat(where(a.Words, tagged), where(b.Words, tagged)))
	rtagged := func(w rd.ReceiptWord) bool { return slices.Contains(w.Tags, "TOTAL") }
	wantReceiptWords := concat(where(a.ReceiptWords, rtagged), where(b.ReceiptWords, rtagged))
	var words []rd.Word
	var rwords []rd.ReceiptWord
	r.eventually(func() bool {
		words = listPages(r, "words with tag", 1,
			func(o rd.ListOptions) (rd.PageOf[rd.Word], error) {
				return r.cl.WordsWithTag(r.Ctx, "total", o)
			})
		rwords = listPages(r, "receipt words with tag", 1,
			func(o rd.ListOptions) (rd.PageOf[rd.ReceiptWord], error) {
				return r.cl.ReceiptWordsWithTag(r.Ctx, "Total", o)
			})
		return len(words) == len(wantWords) && len(rwords) == len(wantReceiptWords)
	}, "words with tag TOTAL")
	if !slices.Equal(sortedKeys(words), sortedKeys(wantWords)) {
		r.Errorf("words with tag: %v, want %v", sortedKeys(words), sortedKeys(wantWords))
	}
	if !slices.Equal(sortedKeys(rwords), sortedKeys(wantReceiptWords)) {
		r.Errorf("receipt words with tag: %v, want %v", sortedKeys(rwords),
			sortedKeys(wantReceiptWords))
	}
	none, err := r.cl.WordsWithTag(r.Ctx, "NO_SUCH_TAG", rd.ListOptions{})
	r.noErr(err, "words with an unused tag")
	if len(none.Items) != 0 {
		r.Errorf("words with an unused tag: %d, want none", len(none.Items))
	}
	_, err = r.cl.WordsWithTag(r.Ctx, "_BAD", rd.ListOptions{})
	r.wantErr(err, rd.ErrInvalid, "words with a tag starting with _")
}

// checkAllReceipts lists every receipt, in image and receipt order, in
// pages of two: never a receipt word or tag of the same index partition.
func checkAllReceipts(r *rc) {
	var want []rd.Receipt
	for range 3 {
		d := ocrFull(newImageID())
		r.load(d)
		want = append(want, d.Receipts...)
	}
	slices.SortFunc(want, func(a, b rd.Receipt) int {
		return strings.Compare(a.Key().String(), b.Key().String())
	})
	var got []rd.Receipt
	r.eventually(func() bool {
		got = listPages(r, "all receipts", 2,
			func(o rd.ListOptions) (rd.PageOf[rd.Receipt], error) {
				return r.cl.AllReceipts(r.Ctx, o)
			})
		return len(got) == len(want)
	}, "all receipts")
	wantKeys(r.C, "all receipts", got, want)
}

// checkImageOverviews lists images with their lines and receipts with
// several page sizes: every image once, whole, in id order; items of an
// image whose image item is missing are skipped.
func checkImageOverviews(r *rc) {
	var images []rd.ImageData
	for range 3 {
		d := ocrFull(newImageID())
		r.load(d)
		images = append(images, d)
	}
	slices.SortFunc(images, func(a, b rd.ImageData) int {
		return strings.Compare(a.Image.ID, b.Image.ID)
	})
	orphan := ocrImage(newImageID(), ocrShape{lines: 2})
	for _, l := range orphan.Lines {
		r.noErr(r.cl.Lines().Add(r.Ctx, l), "add a line without its image")
	}

	for _, limit := range []int{1, 2, 0} {
		what := fmt.Sprintf("image overviews, limit %d", limit)
		var got []rd.ImageOverview
		r.eventually(func() bool {
			got = listPages(r, what, limit,
				func(o rd.ListOptions) (rd.PageOf[rd.ImageOverview], error) {
					return r.cl.ImageOverviews(r.Ctx, o)
				})
			return len(got) == len(images)
		}, what)
		for i, ov := range got {
			if i >= len(images) {
				break
			}
			want := images[i]
			if ov.Image.ID != want.Image.ID {
				r.Errorf("%s: image %d is %s, want %s", what, i, ov.Image.ID, want.Image.ID)
				continue
			}
			wantKeys(r.C, what+": lines", ov.Lines, want.Lines)
			wantKeys(r.C, what+": receipts", ov.Receipts, want.Receipts)
		}
	}
}

// checkCounts counts images and receipts.
func checkCounts(r *rc) {
	for range 3 {
		r.load(ocrFull(newImageID()))
	}
	r.load(ocrImage(newImageID(), ocrShape{lines: 1}))
	var images, receipts int
	r.eventually(func() bool {
		images = must(r.cl.CountImages(r.Ctx))(r, "count images")
		receipts = must(r.cl.CountReceipts(r.Ctx))(r, "count receipts")
		return images == 4 && receipts == 6
	}, "counts")
	if images != 4 || receipts != 6 {
		r.Errorf("counted %d images and %d receipts, want 4 and 6", images, receipts)
	}
}

// checkImageDetails reads back everything of an image with every type, and
// nothing of another image nor of an item type it does not know.
func checkImageDetails(r *rc) {
	d, other := ocrFull(newImageID()), ocrFull(newImageID())
	r.load(d)
	r.load(other)
	// A newer writer's item type in the partition is passed over.
	pk := rd.ImageKey(d.Image.ID).PK
	r.put(mk(pk, "RECEIPT#00001#LINE#00001#WORD#00001#LABEL#TOTAL",
		rd.AttrType, s("RECEIPT_WORD_LABEL"), "label", s("TOTAL")))
	got := must(r.cl.ImageDetails(r.Ctx, d.Image.ID))(r, "image details")
	if diff := diffData(d, got); diff != "" {
		r.Errorf("image details differ from what was loaded:\n%s", diff)
	}
	wantKeys(r.C, "image details: words in order", got.Words, bySK(d.Words))
}

// checkReceiptDetails reads back everything of one receipt.
func checkReceiptDetails(r *rc) {
	d := ocrFull(newImageID())
	r.load(d)
	got := must(r.cl.ReceiptDetails(r.Ctx, d.Image.ID, 2))(r, "receipt details")
	two := func(id int) bool { return id == 2 }
	want := rd.ImageData{Image: d.Image,
		Receipts: where(d.Receipts, func(v rd.Receipt) bool { return two(v.ID) }),
		ReceiptLines: where(d.ReceiptLines,
			func(v rd.ReceiptLine) bool { return two(v.ReceiptID) }),
		ReceiptWords: where(d.ReceiptWords,
			func(v rd.ReceiptWord) bool { return two(v.ReceiptID) }),
		ReceiptLetters: where(d.ReceiptLetters,
			func(v rd.ReceiptLetter) bool { return two(v.ReceiptID) }),
		ReceiptWordTags: where(d.ReceiptWordTags,
			func(v rd.ReceiptWordTag) bool { return two(v.ReceiptID) }),
		ReceiptWindows: where(d.ReceiptWindows,
			func(v rd.ReceiptWindow) bool { return two(v.ReceiptID) }),
		GPTInitialTaggings: where(d.GPTInitialTaggings,
			func(v rd.GPTInitialTagging) bool { return two(v.ReceiptID) }),
		GPTValidations: where(d.GPTValidations,
			func(v rd.GPTValidation) bool { return two(v.ReceiptID) }),
	}
	back := rd.ImageData{Image: d.Image, Receipts: []rd.Receipt{got.Receipt},
		ReceiptLines: got.Lines, ReceiptWords: got.Words, ReceiptLetters: got.Letters,
		ReceiptWordTags: got.WordTags, ReceiptWindows: got.Windows}
	if got.InitialTagging == nil || got.Validation == nil {
		r.Errorf("receipt details: GPT records %v and %v, want both", got.InitialTagging,
			got.Validation)
	} else {
		back.GPTInitialTaggings = []rd.GPTInitialTagging{*got.InitialTagging}
		back.GPTValidations = []rd.GPTValidation{*got.Validation}
	}
	if diff := diffData(want, back); diff != "" {
		r.Errorf("receipt details differ from what was loaded:\n%s", diff)
	}
}

// checkDetailsMissing: details of what is not stored are ErrNotFound.
func checkDetailsMissing(r *rc) {
	d := ocrFull(newImageID())
	r.load(d)
	_, err := r.cl.ImageDetails(r.Ctx, newImageID())
	r.wantErr(err, rd.ErrNotFound, "details of an unknown image")
	var ie *rd.ItemError
	if !errors.As(err, &ie) {
		r.Errorf("details of an unknown image: got %v, want an *ItemError", err)
	}
	_, err = r.cl.ReceiptDetails(r.Ctx, d.Image.ID, 3)
	r.wantErr(err, rd.ErrNotFound, "details of an unknown receipt")
	_, err = r.cl.ReceiptDetails(r.Ctx, d.Image.ID, 0)
	r.wantErr(err, rd.ErrInvalid, "details of receipt 0")
}

// checkLargeImage loads an image of about 600 items with long text (1.5
// MB, more than one 1 MB query page), and reads it back whole through the
// details and every list. (Fewer, larger items cross the page boundary as
// surely as many small ones, and keep moto_server, which takes about a
// second per query of such a partition, within the time budget.)
func checkLargeImage(r *rc) {
	var d, other rd.ImageData
	for {
		d = ocrImage(newImageID(), ocrShape{lines: 12, words: 24, receipts: 1, text: 2000})
		other = ocrFull(newImageID())
		// About one in 400 draws would lose a word from dynalite's TYPE
		// index; see dynaliteIndexCollision.
		if !dynaliteIndexCollision(concat(d.Words, other.Words)) {
			break
		}
	}
	for i := 0; i < len(d.Words); i += 8 {
		withTag(&d, i, "TOTAL")
	}
	r.load(d)
	r.load(other)

	// The partition must need more than one page, or the check proves
	// nothing.
	first, err := r.Table.Query(r.Ctx, rd.Query{PK: rd.ImageKey(d.Image.ID).PK})
	r.noErr(err, "first page of the image's partition")
	if first.Next == "" {
		r.Fatalf("fixture: the image's %d items fit one query page", len(first.Items))
	}

	got := must(r.cl.ImageDetails(r.Ctx, d.Image.ID))(r, "image details")
	if diff := diffData(d, got); diff != "" {
		r.Errorf("image details of the large image:\n%s", diff)
	}
	lines := must(r.cl.LinesOfImage(r.Ctx, d.Image.ID))(r, "lines of image")
	wantKeys(r.C, "lines of the large image", lines, d.Lines)
	words := must(r.cl.WordsOfImage(r.Ctx, d.Image.ID))(r, "words of image")
	wantKeys(r.C, "words of the large image", words, d.Words)
	rwords := must(r.cl.WordsOfReceipt(r.Ctx, d.Image.ID, 1))(r, "words of receipt")
	wantKeys(r.C, "words of the large receipt", rwords, d.ReceiptWords)

	var all []rd.Word
	r.eventually(func() bool {
		all = listPages(r, "list words", 0, func(o rd.ListOptions) (rd.PageOf[rd.Word], error) {
			return r.cl.Words().List(r.Ctx, o)
		})
		return len(all) == len(d.Words)+len(other.Words)
	}, "list words in 1 MB pages")
	if !slices.Equal(sortedKeys(all), sortedKeys(concat(d.Words, other.Words))) {
		r.Errorf("list words: %d words, not those loaded", len(all))
	}
	var tagged []rd.Word
	r.eventually(func() bool {
		tagged = listPages(r, "words with tag", 0,
			func(o rd.ListOptions) (rd.PageOf[rd.Word], error) {
				return r.cl.WordsWithTag(r.Ctx, "TOTAL", o)
			})
		return len(tagged) == len(d.WordTags)+len(where(other.WordTags,
			func(t rd.WordTag) bool { return t.Tag == "TOTAL" }))
	}, "words with tag over the large image")
	var ovs []rd.ImageOverview
	r.eventually(func() bool {
		ovs = listPages(r, "image overviews", 1,
			func(o rd.ListOptions) (rd.PageOf[rd.ImageOverview], error) {
				return r.cl.ImageOverviews(r.Ctx, o)
			})
		return len(ovs) == 2
	}, "image overviews with the large image")
	for _, ov := range ovs {
		if ov.Image.ID == d.Image.ID {
			wantKeys(r.C, "overview lines of the large image", ov.Lines, d.Lines)
		}
	}
}
