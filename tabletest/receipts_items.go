package tabletest

import (
	"errors"
	"fmt"
	"slices"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func receiptItemChecks() []check {
	checks := []check{}
	for _, ic := range itemCases() {
		checks = append(checks, check{name: "receipt/items/" + ic.name, tx: ic.tx,
			run: receiptCheck(ic.run)})
	}
	return append(checks,
		check{name: "receipt/items/list-every-type", run: receiptCheck(checkListEveryType)},
		check{name: "receipt/items/add-many", tx: true, run: receiptCheck(checkAddMany)},
		check{name: "receipt/items/update-many", tx: true, run: receiptCheck(checkUpdateMany)},
		check{name: "receipt/items/delete-many", tx: true, run: receiptCheck(checkDeleteMany)},
		check{name: "receipt/items/tags-many", tx: true, run: receiptCheck(checkTagsMany)},
		check{name: "receipt/items/word-tags-managed", tx: true,
			run: receiptCheck(checkWordTagsManaged)},
		check{name: "receipt/items/invalid", run: receiptCheck(checkItemsInvalid)},
	)
}

// entityPtr is the pointer type of an entity, which decodes items.
type entityPtr[T any] interface {
	*T
	rd.ItemUnmarshaler
}

// itemCase is the single-item check of one OCR-side type.
type itemCase struct {
	name string
	tx   bool
	run  func(r *rc)
}

// itemCases returns one case per OCR-side type: the type's values, built
// from one small image, with a changed copy of the same key.
func itemCases() []itemCase {
	return []itemCase{
		crudCase("image", false, func(d rd.ImageData) (rd.Image, rd.Image) {
			v := d.Image
			v.Width, v.CDNS3Bucket = 1000, "cdn"
			return d.Image, v
		}, (*rd.Client).Images, nil),
		crudCase("line", false, func(d rd.ImageData) (rd.Line, rd.Line) {
			v := d.Lines[0]
			v.Text = "changed"
			return d.Lines[0], v
		}, (*rd.Client).Lines, nil),
		crudCase("word", false, func(d rd.ImageData) (rd.Word, rd.Word) {
			v := d.Words[0]
			v.Text, v.Confidence = "changed", 0.25
			return d.Words[0], v
		}, (*rd.Client).Words, nil),
		crudCase("letter", false, func(d rd.ImageData) (rd.Letter, rd.Letter) {
			v := d.Letters[0]
			v.Text = "Z"
			return d.Letters[0], v
		}, (*rd.Client).Letters, nil),
		crudCase("word-tag", true, func(d rd.ImageData) (rd.WordTag, rd.WordTag) {
			v := rd.WordTag{ImageID: d.Image.ID, LineID: 1, WordID: 1, Tag: "TOTAL",
				TimestampAdded: ocrEpoch}
			w := v
			w.Flag, w.Validated = "checked", new(true)
			return v, w
		}, (*rd.Client).WordTags, func(r *rc, d rd.ImageData) {
			r.noErr(r.cl.Words().Add(r.Ctx, d.Words[0]), "add the tag's word")
		}),
		crudCase("receipt", false, func(d rd.ImageData) (rd.Receipt, rd.Receipt) {
			v := d.Receipts[0]
			v.Height, v.SHA256 = 99, "beef"
			return d.Receipts[0], v
		}, (*rd.Client).Receipts, nil),
		crudCase("receipt-line", false, func(d rd.ImageData) (rd.ReceiptLine, rd.ReceiptLine) {
			v := d.ReceiptLines[0]
			v.Text = "changed"
			return d.ReceiptLines[0], v
		}, (*rd.Client).ReceiptLines, nil),
		crudCase("receipt-word", false, func(d rd.ImageData) (rd.ReceiptWord, rd.ReceiptWord) {
			v := d.ReceiptWords[0]
			v.Text = "changed"
			return d.ReceiptWords[0], v
		}, (*rd.Client).ReceiptWords, nil),
		crudCase("receipt-letter", false,
			func(d rd.ImageData) (rd.ReceiptLetter, rd.ReceiptLetter) {
				v := d.ReceiptLetters[0]
				v.Text = "é"
				return d.ReceiptLetters[0], v
			}, (*rd.Client).ReceiptLetters, nil),
		crudCase("receipt-word-tag", true,
			func(d rd.ImageData) (rd.ReceiptWordTag, rd.ReceiptWordTag) {
				v := rd.ReceiptWordTag{ImageID: d.Image.ID, ReceiptID: 1, LineID: 1, WordID: 1,
					Tag: "DATE", TimestampAdded: ocrEpoch}
				w := v
				w.HumanValidated, w.TimestampHumanValidated = new(false), ocrEpoch
				return v, w
			}, (*rd.Client).ReceiptWordTags, func(r *rc, d rd.ImageData) {
				r.noErr(r.cl.ReceiptWords().Add(r.Ctx, d.ReceiptWords[0]), "add the tag's word")
			}),
		crudCase("receipt-window", false,
			func(d rd.ImageData) (rd.ReceiptWindow, rd.ReceiptWindow) {
				v := ocrWindow(d.Image.ID, 1, rd.CornerTopLeft)
				w := v
				w.GPTGuess = []float64{0.5, 0.25}
				return v, w
			}, (*rd.Client).ReceiptWindows, nil),
		crudCase("gpt-initial-tagging", false,
			func(d rd.ImageData) (rd.GPTInitialTagging, rd.GPTInitialTagging) {
				v := rd.GPTInitialTagging{ImageID: d.Image.ID, ReceiptID: 1, Query: "tag these",
					Response: `{"total": []}`, TimestampAdded: ocrEpoch}
				w := v
				w.Response = `{"total": [{"l": 3, "w": 1}]}`
				return v, w
			}, (*rd.Client).GPTInitialTaggings, nil),
		crudCase("gpt-validation", false,
			func(d rd.ImageData) (rd.GPTValidation, rd.GPTValidation) {
				v := rd.GPTValidation{ImageID: d.Image.ID, ReceiptID: 1, Query: "check these",
					Response: "ok", TimestampAdded: ocrEpoch}
				w := v
				w.Query = "check again"
				return v, w
			}, (*rd.Client).GPTValidations, nil),
	}
}

// ocrWindow returns a valid receipt window.
func ocrWindow(imageID string, receiptID int, corner rd.Corner) rd.ReceiptWindow {
	return rd.ReceiptWindow{ImageID: imageID, ReceiptID: receiptID, Corner: corner,
		CDNS3Bucket: "cdn", CDNS3Key: fmt.Sprintf("windows/%s_%d_%s.png", imageID, receiptID,
			corner), Width: 120, Height: 80, InnerCornerCoordinates: []float64{10, 20}}
}

// crudCase returns the case of one type: values builds the stored value and
// its change from an image; setup stores what the value needs first.
func crudCase[T rd.Entity, P entityPtr[T]](name string, tx bool,
	values func(rd.ImageData) (T, T), items func(*rd.Client) rd.ItemsOf[T, P],
	setup func(r *rc, d rd.ImageData)) itemCase {
	return itemCase{name: name, tx: tx, run: func(r *rc) {
		d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1, letters: 1, receipts: 1})
		v, changed := values(d)
		if setup != nil {
			setup(r, d)
		}
		checkCRUD(r, items(r.cl), v, changed)
	}}
}

// checkCRUD checks add, get, update and delete of one item, and their
// refusals of a missing or existing item.
func checkCRUD[T rd.Entity, P entityPtr[T]](r *rc, s rd.ItemsOf[T, P], v, changed T) {
	k := v.Key()
	_, err := s.Get(r.Ctx, k)
	r.wantErr(err, rd.ErrNotFound, "get before add")
	r.wantErr(s.Update(r.Ctx, v), rd.ErrNotFound, "update before add")
	r.wantErr(s.Delete(r.Ctx, k), rd.ErrNotFound, "delete before add")
	r.wantItem(k, nil)

	r.noErr(s.Add(r.Ctx, v), "add")
	wantEntity(r, s, v, "after add")
	err = s.Add(r.Ctx, changed)
	r.wantErr(err, rd.ErrAlreadyExists, "second add")
	var ie *rd.ItemError
	if !errors.As(err, &ie) || ie.Key != k {
		r.Errorf("second add: got %v, want an *ItemError naming %s", err, k)
	}
	wantEntity(r, s, v, "after refused add")

	r.noErr(s.Update(r.Ctx, changed), "update")
	wantEntity(r, s, changed, "after update")

	// A key of another type is refused, not read as this type.
	other := rd.ImageKey(newImageID())
	if s.Type() == rd.TypeImage {
		other = rd.LineKey(newImageID(), 1)
	}
	_, err = s.Get(r.Ctx, other)
	r.wantErr(err, rd.ErrInvalid, "get with the key of another type")
	r.wantErr(s.Delete(r.Ctx, other), rd.ErrInvalid, "delete with the key of another type")

	r.noErr(s.Delete(r.Ctx, k), "delete")
	_, err = s.Get(r.Ctx, k)
	r.wantErr(err, rd.ErrNotFound, "get after delete")
	r.wantErr(s.Delete(r.Ctx, k), rd.ErrNotFound, "second delete")
}

// wantEntity fails the check unless the stored item of want's key decodes
// to want.
func wantEntity[T rd.Entity, P entityPtr[T]](r *rc, s rd.ItemsOf[T, P], want T, what string) {
	r.Helper()
	got, err := s.Get(r.Ctx, want.Key())
	if err != nil {
		r.Errorf("%s: get %s: %v", what, want.Key(), err)
		return
	}
	if d := diffEntities(want, got); d != "" {
		r.Errorf("%s: %s: %s", what, want.Key(), d)
	}
}

// diffEntities compares two entities by the items they encode to.
func diffEntities(want, got rd.Entity) string {
	wi, err := want.MarshalItem()
	if err != nil {
		return "want: " + err.Error()
	}
	gi, err := got.MarshalItem()
	if err != nil {
		return "got: " + err.Error()
	}
	return diffItems(wi, gi)
}

// ocrFull returns an image with two receipts, tags on words and receipt
// words, windows and GPT records: every OCR-side type.
func ocrFull(id string) rd.ImageData {
	d := ocrImage(id, ocrShape{lines: 3, words: 2, letters: 2, receipts: 2})
	withTag(&d, 0, "TOTAL")
	withTag(&d, 0, "DATE")
	withTag(&d, 3, "TOTAL")
	for _, r := range d.Receipts {
		for _, corner := range []rd.Corner{rd.CornerTopLeft, rd.CornerBottomRight} {
			d.ReceiptWindows = append(d.ReceiptWindows, ocrWindow(id, r.ID, corner))
		}
		d.GPTInitialTaggings = append(d.GPTInitialTaggings, rd.GPTInitialTagging{ImageID: id,
			ReceiptID: r.ID, Query: "q", Response: "r", TimestampAdded: ocrEpoch})
		d.GPTValidations = append(d.GPTValidations, rd.GPTValidation{ImageID: id,
			ReceiptID: r.ID, Query: "q", Response: "r", TimestampAdded: ocrEpoch})
	}
	return d
}

// checkListEveryType lists each type, in pages of two, and wants exactly
// the items of that type of two loaded images.
func checkListEveryType(r *rc) {
	a, b := ocrFull(newImageID()), ocrFull(newImageID())
	r.load(a)
	r.load(b)
	listAll(r, 2, r.cl.Images(), concat([]rd.Image{a.Image}, []rd.Image{b.Image}))
	listAll(r, 2, r.cl.Lines(), concat(a.Lines, b.Lines))
	listAll(r, 2, r.cl.Words(), concat(a.Words, b.Words))
	listAll(r, 2, r.cl.Letters(), concat(a.Letters, b.Letters))
	listAll(r, 2, r.cl.WordTags(), concat(a.WordTags, b.WordTags))
	listAll(r, 2, r.cl.Receipts(), concat(a.Receipts, b.Receipts))
	listAll(r, 2, r.cl.ReceiptLines(), concat(a.ReceiptLines, b.ReceiptLines))
	listAll(r, 2, r.cl.ReceiptWords(), concat(a.ReceiptWords, b.ReceiptWords))
	listAll(r, 2, r.cl.ReceiptLetters(), concat(a.ReceiptLetters, b.ReceiptLetters))
	listAll(r, 2, r.cl.ReceiptWordTags(), concat(a.ReceiptWordTags, b.ReceiptWordTags))
	listAll(r, 2, r.cl.ReceiptWindows(), concat(a.ReceiptWindows, b.ReceiptWindows))
	listAll(r, 2, r.cl.GPTInitialTaggings(), concat(a.GPTInitialTaggings, b.GPTInitialTaggings))
	listAll(r, 2, r.cl.GPTValidations(), concat(a.GPTValidations, b.GPTValidations))
}

func concat[T any](a, b []T) []T { return append(slices.Clone(a), b...) }

// listAll lists every item of s's type in pages of limit and wants the items
// of want, in any order, each equal to the one loaded.
func listAll[T rd.Entity, P entityPtr[T]](r *rc, limit int, s rd.ItemsOf[T, P], want []T) {
	r.Helper()
	var got []T
	r.eventually(func() bool {
		got = listPages(r, "list "+s.Type(), limit, func(o rd.ListOptions) (rd.PageOf[T], error) {
			return s.List(r.Ctx, o)
		})
		return slices.Equal(sortedKeys(got), sortedKeys(want))
	}, fmt.Sprintf("list %s: %d items %v, want %d", s.Type(), len(got), abbrev(sortedKeys(got)),
		len(want)))
	byKey := map[rd.Key]T{}
	for _, v := range got {
		byKey[v.Key()] = v
	}
	for _, w := range want {
		if g, ok := byKey[w.Key()]; ok {
			if d := diffEntities(w, g); d != "" {
				r.Errorf("list %s: %s: %s", s.Type(), w.Key(), d)
			}
		}
	}
}

// listPages follows a typed list's cursor to the end with the page limit.
func listPages[T any](r *rc, what string, limit int,
	list func(rd.ListOptions) (rd.PageOf[T], error)) []T {
	r.Helper()
	var all []T
	opts := rd.ListOptions{Limit: limit}
	for range 100_000 {
		page, err := list(opts)
		if err != nil {
			r.Fatalf("%s: %v", what, err)
		}
		if limit > 0 && len(page.Items) > limit {
			r.Errorf("%s: page of %d items, limit %d", what, len(page.Items), limit)
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		if page.Next == opts.Cursor {
			r.Fatalf("%s: cursor did not advance", what)
		}
		opts.Cursor = page.Next
	}
	r.Fatalf("%s: too many pages", what)
	return nil
}

// letters returns n letters of one image, spread over words of ten.
func ocrLetters(id string, n int) []rd.Letter {
	out := make([]rd.Letter, n)
	for i := range out {
		out[i] = rd.Letter{ImageID: id, LineID: 1, WordID: i/10 + 1, ID: i%10 + 1, Text: "q",
			Geometry: ocrGeometry(i)}
	}
	return out
}

// storedLetters returns the keys of the image's stored letters.
func (r *rc) storedLetters(id string) []string {
	r.Helper()
	items, _ := r.queryAll(rd.Query{PK: rd.ImageKey(id).PK, Type: rd.TypeLetter})
	return keysOf(items)
}

// wantMany fails the check unless err is a *ManyError with done of total
// written whose cause matches target and names the item with key k.
func (r *rc) wantMany(err error, done, total int, target error, k rd.Key, what string) {
	r.Helper()
	var me *rd.ManyError
	if !errors.As(err, &me) {
		r.Errorf("%s: got %v, want a *ManyError", what, err)
		return
	}
	if me.Done != done || me.Total != total {
		r.Errorf("%s: %d of %d written, want %d of %d", what, me.Done, me.Total, done, total)
	}
	r.wantErr(err, target, what)
	var ie *rd.ItemError
	if !errors.As(err, &ie) || ie.Key != k {
		r.Errorf("%s: got %v, want an *ItemError naming %s", what, err, k)
	}
}

// checkAddMany adds letters in chunks, and checks that a chunk with an
// existing letter writes nothing while the chunks before it stay.
func checkAddMany(r *rc) {
	id := newImageID()
	all := ocrLetters(id, 120)
	r.noErr(r.cl.Letters().AddMany(r.Ctx, all), "add 120 letters")
	if got := r.storedLetters(id); !slices.Equal(got, sortedKeys(all)) {
		r.Errorf("after adding 120 letters: %d stored, want 120", len(got))
	}

	// 110 letters, of which number 105 is already stored: the first chunk
	// of 100 is written, the second refused whole.
	id = newImageID()
	batch := ocrLetters(id, 110)
	r.noErr(r.cl.Letters().Add(r.Ctx, batch[105]), "add letter 105")
	err := r.cl.Letters().AddMany(r.Ctx, batch)
	r.wantMany(err, 100, 110, rd.ErrAlreadyExists, batch[105].Key(), "add many with a stored item")
	want := sortedKeys(append(slices.Clone(batch[:100]), batch[105]))
	if got := r.storedLetters(id); !slices.Equal(got, want) {
		r.Errorf("after the refused chunk: %d letters stored, want the first 100 and number 105",
			len(got))
	}

	// Invalid input writes nothing.
	id = newImageID()
	bad := ocrLetters(id, 10)
	bad[5].Text = "two"
	err = r.cl.Letters().AddMany(r.Ctx, bad)
	r.wantErr(err, rd.ErrInvalid, "add many with an invalid letter")
	dup := ocrLetters(id, 10)
	dup[7] = dup[2]
	r.wantErr(r.cl.Letters().AddMany(r.Ctx, dup), rd.ErrInvalid, "add many with a repeated key")
	if got := r.storedLetters(id); len(got) != 0 {
		r.Errorf("refused add many stored %d letters", len(got))
	}
	r.noErr(r.cl.Letters().AddMany(r.Ctx, nil), "add many of nothing")
}

// checkUpdateMany updates letters in chunks; a chunk with a missing letter
// changes nothing.
func checkUpdateMany(r *rc) {
	id := newImageID()
	all := ocrLetters(id, 110)
	r.noErr(r.cl.Letters().AddMany(r.Ctx, all[:105]), "add 105 letters")
	changed := slices.Clone(all)
	for i := range changed {
		changed[i].Text = "u"
	}
	err := r.cl.Letters().UpdateMany(r.Ctx, changed)
	r.wantMany(err, 100, 110, rd.ErrNotFound, all[105].Key(), "update many with missing items")
	for i, want := range []rd.Letter{changed[0], changed[99], all[100], all[104]} {
		wantEntity(r, r.cl.Letters(), want, fmt.Sprintf("after partial update (%d)", i))
	}
	r.wantItem(all[105].Key(), nil)

	r.noErr(r.cl.Letters().UpdateMany(r.Ctx, changed[100:105]), "update 5 letters")
	wantEntity(r, r.cl.Letters(), changed[104], "after update many")
}

// checkDeleteMany deletes letters in chunks; a chunk with a missing letter
// deletes nothing.
func checkDeleteMany(r *rc) {
	id := newImageID()
	all := ocrLetters(id, 110)
	r.noErr(r.cl.Letters().AddMany(r.Ctx, all), "add 110 letters")
	keys := keysOfLetters(all)
	r.noErr(r.cl.Letters().Delete(r.Ctx, keys[105]), "delete letter 105")
	err := r.cl.Letters().DeleteMany(r.Ctx, keys)
	r.wantMany(err, 100, 110, rd.ErrNotFound, keys[105], "delete many with a missing item")
	want := sortedKeys(append(slices.Clone(all[100:105]), all[106:]...))
	if got := r.storedLetters(id); !slices.Equal(got, want) {
		r.Errorf("after partial delete many: %d letters stored, want %d", len(got), len(want))
	}
	rest := slices.Concat(keys[100:105], keys[106:])
	r.noErr(r.cl.Letters().DeleteMany(r.Ctx, rest), "delete the rest")
	if got := r.storedLetters(id); len(got) != 0 {
		r.Errorf("after delete many: %d letters stored, want none", len(got))
	}
	r.wantErr(r.cl.Letters().DeleteMany(r.Ctx, []rd.Key{keys[0], keys[0]}), rd.ErrInvalid,
		"delete many with a repeated key")
}

func keysOfLetters(v []rd.Letter) []rd.Key {
	out := make([]rd.Key, len(v))
	for i, e := range v {
		out[i] = e.Key()
	}
	return out
}

// checkTagsMany adds and deletes many word tags, several per word, across
// transaction chunks, and checks each word's tags set.
func checkTagsMany(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 3, words: 10})
	r.load(d)
	var tags []rd.WordTag
	for _, w := range d.Words {
		for _, tag := range []string{"A", "B", "C"} {
			tags = append(tags, rd.WordTag{ImageID: w.ImageID, LineID: w.LineID, WordID: w.ID,
				Tag: tag, TimestampAdded: ocrEpoch})
		}
	}
	r.noErr(r.cl.WordTags().AddMany(r.Ctx, tags), "add 90 tags of 30 words (120 actions)")
	for _, w := range d.Words {
		r.wantWordTags(w.Ref(), "A", "B", "C")
	}

	// Remove every tag but the first word's A: 89 tags and 30 words, two
	// chunks.
	var keys []rd.Key
	for _, t := range tags[1:] {
		keys = append(keys, t.Key())
	}
	r.noErr(r.cl.WordTags().DeleteMany(r.Ctx, keys), "delete 89 tags")
	r.wantWordTags(d.Words[0].Ref(), "A")
	for _, w := range d.Words[1:] {
		r.wantWordTags(w.Ref())
	}

	// A tag of a word that is not stored is refused whole.
	orphan := rd.WordTag{ImageID: d.Image.ID, LineID: 9, WordID: 9, Tag: "A",
		TimestampAdded: ocrEpoch}
	err := r.cl.WordTags().AddMany(r.Ctx, []rd.WordTag{orphan})
	r.wantErr(err, rd.ErrNotFound, "add many with a tag of a missing word")
	r.wantItem(orphan.Key(), nil)
	r.wantItem(rd.WordKey(d.Image.ID, 9, 9), nil)
}

// wantWordTags fails the check unless the word's tags set and its tag items
// both hold exactly tags.
func (r *rc) wantWordTags(w rd.WordRef, tags ...string) {
	r.Helper()
	word, err := r.cl.Words().Get(r.Ctx, rd.WordKey(w.ImageID, w.LineID, w.WordID))
	if err != nil {
		r.Errorf("get word %+v: %v", w, err)
		return
	}
	items, err := r.cl.TagsOfWord(r.Ctx, w)
	if err != nil {
		r.Errorf("tags of word %+v: %v", w, err)
		return
	}
	var itemTags []string
	for _, t := range items {
		itemTags = append(itemTags, t.Tag)
	}
	want := sortedCopy(tags)
	if got := sortedCopy(word.Tags); !slices.Equal(got, want) {
		r.Errorf("word %d/%d tags set %q, want %q", w.LineID, w.WordID, got, want)
	}
	if got := sortedCopy(itemTags); !slices.Equal(got, want) {
		r.Errorf("word %d/%d tag items %q, want %q", w.LineID, w.WordID, got, want)
	}
}

// checkWordTagsManaged checks that adding a word with tags is refused and
// that updating a word keeps its stored tags.
func checkWordTagsManaged(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 2, receipts: 1})
	tagged := d.Words[0]
	tagged.Tags = []string{"TOTAL"}
	r.wantErr(r.cl.Words().Add(r.Ctx, tagged), rd.ErrInvalid, "add a word with tags")
	r.wantErr(r.cl.Words().AddMany(r.Ctx, []rd.Word{d.Words[1], tagged}), rd.ErrInvalid,
		"add many with a word with tags")
	r.wantItem(d.Words[1].Key(), nil)

	r.noErr(r.cl.Words().Add(r.Ctx, d.Words[0]), "add word")
	_, err := r.cl.TagWord(r.Ctx, d.Words[0].Ref(), "total")
	r.noErr(err, "tag word")
	changed := d.Words[0]
	changed.Text = "changed"
	r.noErr(r.cl.Words().Update(r.Ctx, changed), "update word without tags")
	got, err := r.cl.Words().Get(r.Ctx, changed.Key())
	r.noErr(err, "get word")
	if got.Text != "changed" || !slices.Equal(got.Tags, []string{"TOTAL"}) {
		r.Errorf("after update: text %q tags %q, want %q and [TOTAL]", got.Text, got.Tags,
			"changed")
	}
	changed.Text, changed.Tags = "again", []string{"OTHER"}
	r.noErr(r.cl.Words().UpdateMany(r.Ctx, []rd.Word{changed}), "update many with other tags")
	r.wantWordTags(changed.Ref(), "TOTAL")

	rw := d.ReceiptWords[0]
	rw.Tags = []string{"X"}
	r.wantErr(r.cl.ReceiptWords().Add(r.Ctx, rw), rd.ErrInvalid, "add a receipt word with tags")
}

// checkItemsInvalid checks that invalid entities are refused with errors
// naming the field, and nothing is written.
func checkItemsInvalid(r *rc) {
	d := ocrImage(newImageID(), ocrShape{lines: 1, words: 1})
	w := d.Words[0]
	w.Confidence = 0
	err := r.cl.Words().Add(r.Ctx, w)
	r.wantErr(err, rd.ErrInvalid, "add a word of confidence 0")
	var ve *rd.ValidationError
	if !errors.As(err, &ve) || ve.Field != "confidence" {
		r.Errorf("add a word of confidence 0: got %v, want a *ValidationError of confidence", err)
	}
	r.wantItem(w.Key(), nil)

	line := d.Lines[0]
	line.ImageID = "not-a-uuid"
	r.wantErr(r.cl.Lines().Add(r.Ctx, line), rd.ErrInvalid, "add a line of a bad image id")
	r.wantErr(r.cl.Lines().Update(r.Ctx, line), rd.ErrInvalid, "update a line of a bad image id")
	_, err = r.cl.Lines().List(r.Ctx, rd.ListOptions{Limit: -1})
	r.wantErr(err, rd.ErrInvalid, "list with a negative limit")
	_, err = r.cl.LinesOfImage(r.Ctx, "nope")
	r.wantErr(err, rd.ErrInvalid, "lines of an image with a bad id")
	_, err = r.cl.ImageDetails(r.Ctx, "nope")
	r.wantErr(err, rd.ErrInvalid, "details of an image with a bad id")
	_, err = r.cl.WordsOfLine(r.Ctx, d.Image.ID, 0)
	r.wantErr(err, rd.ErrInvalid, "words of line 0")
	_, err = r.cl.ImageOverviews(r.Ctx, rd.ListOptions{Cursor: "garbage"})
	r.wantErr(err, rd.ErrInvalid, "image overviews with a bad cursor")
}
