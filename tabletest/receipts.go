package tabletest

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// RunReceiptClient runs the checks of the receipt client (the OCR side of
// [receiptdynamo.Client]: images, OCR, receipts, tags, GPT records, the
// loader) against the engine, each as a subtest of t on its own table, as
// [Run] does for the table interface. Checks that need transactions are
// skipped with [SkipTransactions]. It prints a summary line such as
//
//	tabletest: 50 receipt client checks passed on sqlite
//
// One check per fixture file loads the images of ../shared/data/ocr/ (its
// *_RESULTS.json and export files), found by walking up from the working
// directory to the module root (the directory holding go.mod);
// RD_SHARED_DATA names another data directory. Missing fixtures fail a
// check rather than skip it.
func RunReceiptClient(t *testing.T, newTable func(t *testing.T) rd.Table,
	opts ...Option) Summary {
	t.Helper()
	return runSuite(t, "receipt client checks", receiptChecks(), newTable, opts)
}

// ReceiptChecks returns the names of the receipt client checks in the order
// RunReceiptClient runs them.
func ReceiptChecks() []string {
	names := make([]string, 0, len(receiptChecks()))
	for _, c := range receiptChecks() {
		names = append(names, c.name)
	}
	return names
}

func receiptChecks() []check {
	return slices.Concat(receiptItemChecks(), receiptRelationChecks(), receiptTagChecks(),
		receiptLoadChecks())
}

// rc is what a receipt client check works with: the check and a client of
// its table whose clock the check controls.
type rc struct {
	*C
	cl  *rd.Client
	now time.Time
}

// receiptCheck adapts a receipt client check to the suite.
func receiptCheck(run func(r *rc)) func(c *C) {
	return func(c *C) {
		r := &rc{C: c, now: ocrEpoch}
		r.cl = rd.NewClient(c.Table, rd.WithClock(func() time.Time { return r.now }))
		run(r)
	}
}

// ocrEpoch is the time of the fixtures that the checks build.
var ocrEpoch = time.Date(2025, 2, 27, 14, 3, 9, 512000000, time.UTC)

// newImageID returns a random UUID version 4.
func newImageID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // never fails; see crypto/rand.Read
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// ocrShape says how much an image built by ocrImage holds.
type ocrShape struct {
	lines, words, letters int // per image, per line, per word
	receipts              int // each with the same lines, words and letters
	text                  int // bytes of each line's and word's text; 0 for short text
}

// ocrGeometry returns a valid shape that differs with n.
func ocrGeometry(n int) rd.Geometry {
	f := float64(n%997+1) / 1000
	return rd.Geometry{
		BoundingBox:  rd.Box{X: f / 2, Y: f / 3, Width: 0.1, Height: 0.02},
		TopLeft:      rd.Point{X: f / 2, Y: f/3 + 0.02},
		TopRight:     rd.Point{X: f/2 + 0.1, Y: f/3 + 0.02},
		BottomLeft:   rd.Point{X: f / 2, Y: f / 3},
		BottomRight:  rd.Point{X: f/2 + 0.1, Y: f / 3},
		AngleDegrees: f, AngleRadians: f * 0.017453292519943295,
		Confidence: 0.5 + f/2,
	}
}

// ocrText returns text of about size bytes naming what it belongs to.
func ocrText(what string, size int) string {
	if size <= len(what) {
		return what
	}
	return what + " " + strings.Repeat("x", size-len(what)-1)
}

// ocrImage builds an image with lines, words and letters, and receipts
// with the same lines, words and letters in receipt coordinates.
func ocrImage(id string, sh ocrShape) rd.ImageData {
	d := rd.ImageData{Image: rd.Image{
		ID: id, Width: 2480, Height: 3508, TimestampAdded: ocrEpoch,
		RawS3Bucket: "raw-bucket", RawS3Key: "raw/" + id + ".png", SHA256: "abc123",
	}}
	n := 0
	for l := 1; l <= sh.lines; l++ {
		n++
		d.Lines = append(d.Lines, rd.Line{ImageID: id, ID: l,
			Text: ocrText(fmt.Sprintf("line %d", l), sh.text), Geometry: ocrGeometry(n)})
		for w := 1; w <= sh.words; w++ {
			n++
			d.Words = append(d.Words, rd.Word{ImageID: id, LineID: l, ID: w,
				Text: ocrText(fmt.Sprintf("w%d.%d", l, w), sh.text), Geometry: ocrGeometry(n)})
			for c := 1; c <= sh.letters; c++ {
				n++
				d.Letters = append(d.Letters, rd.Letter{ImageID: id, LineID: l, WordID: w, ID: c,
					Text: string(rune('a' + (c-1)%26)), Geometry: ocrGeometry(n)})
			}
		}
	}
	for r := 1; r <= sh.receipts; r++ {
		d.Receipts = append(d.Receipts, rd.Receipt{ImageID: id, ID: r, Width: 600, Height: 1400,
			TimestampAdded: ocrEpoch, RawS3Bucket: "raw-bucket",
			RawS3Key: fmt.Sprintf("raw/%s_RECEIPT_%05d.png", id, r),
			TopLeft:  rd.Point{X: 0.1, Y: 0.9}, TopRight: rd.Point{X: 0.9, Y: 0.9},
			BottomLeft: rd.Point{X: 0.1, Y: 0.1}, BottomRight: rd.Point{X: 0.9, Y: 0.1}})
		for _, line := range d.Lines {
			d.ReceiptLines = append(d.ReceiptLines, rd.ReceiptLine{ImageID: id, ReceiptID: r,
				ID: line.ID, Text: line.Text, Geometry: line.Geometry})
		}
		for _, w := range d.Words {
			d.ReceiptWords = append(d.ReceiptWords, rd.ReceiptWord{ImageID: id, ReceiptID: r,
				LineID: w.LineID, ID: w.ID, Text: w.Text, Geometry: w.Geometry})
		}
		for _, c := range d.Letters {
			d.ReceiptLetters = append(d.ReceiptLetters, rd.ReceiptLetter{ImageID: id,
				ReceiptID: r, LineID: c.LineID, WordID: c.WordID, ID: c.ID, Text: c.Text,
				Geometry: c.Geometry})
		}
	}
	return d
}

// withTag tags word i of d and receipt word i (of the first receipt) with
// tag, as the loader wants them: the word's Tags and a tag item.
func withTag(d *rd.ImageData, i int, tag string) {
	w := &d.Words[i]
	w.Tags = append(w.Tags, tag)
	d.WordTags = append(d.WordTags, rd.WordTag{ImageID: w.ImageID, LineID: w.LineID,
		WordID: w.ID, Tag: tag, TimestampAdded: ocrEpoch})
	if len(d.ReceiptWords) > i {
		rw := &d.ReceiptWords[i]
		rw.Tags = append(rw.Tags, tag)
		d.ReceiptWordTags = append(d.ReceiptWordTags, rd.ReceiptWordTag{ImageID: rw.ImageID,
			ReceiptID: rw.ReceiptID, LineID: rw.LineID, WordID: rw.ID, Tag: tag,
			TimestampAdded: ocrEpoch})
	}
}

// load stores d with the loader or ends the check.
func (r *rc) load(d rd.ImageData) {
	r.Helper()
	r.noErr(r.cl.LoadImage(r.Ctx, d), "load image "+d.Image.ID)
}

// dataItems returns the items of every entity of d, by key.
func dataItems(d rd.ImageData) (map[rd.Key]rd.Item, error) {
	out := map[rd.Key]rd.Item{}
	add := func(e rd.Entity) error {
		item, err := e.MarshalItem()
		if err != nil {
			return err
		}
		if _, dup := out[e.Key()]; dup {
			return fmt.Errorf("two entities with key %s", e.Key())
		}
		out[e.Key()] = item
		return nil
	}
	var errs []error
	errs = append(errs, add(d.Image))
	errs = append(errs, addAll(add, d.Lines), addAll(add, d.Words), addAll(add, d.Letters),
		addAll(add, d.WordTags), addAll(add, d.Receipts), addAll(add, d.ReceiptLines),
		addAll(add, d.ReceiptWords), addAll(add, d.ReceiptLetters),
		addAll(add, d.ReceiptWordTags), addAll(add, d.ReceiptWindows),
		addAll(add, d.GPTInitialTaggings), addAll(add, d.GPTValidations))
	return out, errors.Join(errs...)
}

func addAll[T rd.Entity](add func(rd.Entity) error, v []T) error {
	for _, e := range v {
		if err := add(e); err != nil {
			return err
		}
	}
	return nil
}

// diffData describes how got differs from want, comparing the items the
// entities encode to (numbers by value, sets without order, times as
// stored), or returns "".
func diffData(want, got rd.ImageData) string {
	wi, err := dataItems(want)
	if err != nil {
		return "want: " + err.Error()
	}
	gi, err := dataItems(got)
	if err != nil {
		return "got: " + err.Error()
	}
	var diffs []string
	for k, w := range wi {
		if d := diffItems(w, gi[k]); d != "" {
			diffs = append(diffs, k.String()+": "+d)
		}
	}
	for k, g := range gi {
		if _, ok := wi[k]; !ok {
			diffs = append(diffs, k.String()+": unexpected "+formatItem(g))
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 5 {
		diffs = append(diffs[:5], fmt.Sprintf("… %d differences in all", len(diffs)))
	}
	return strings.Join(diffs, "\n")
}

// keysOfEntities returns the keys of v as strings, in order.
func keysOfEntities[T rd.Entity](v []T) []string {
	out := make([]string, len(v))
	for i, e := range v {
		out[i] = e.Key().String()
	}
	return out
}

// wantKeys fails the check unless got has exactly the keys of want, in the
// same order.
func wantKeys[T, U rd.Entity](c *C, what string, got []T, want []U) {
	c.Helper()
	g, w := keysOfEntities(got), keysOfEntities(want)
	if !slices.Equal(g, w) {
		c.Errorf("%s: got %d items %s, want %d items %s", what, len(g), abbrev(g), len(w),
			abbrev(w))
	}
}

// abbrev shortens a long list for messages.
func abbrev(v []string) string {
	if len(v) > 6 {
		return fmt.Sprintf("[%s … %s]", strings.Join(v[:3], ", "),
			strings.Join(v[len(v)-2:], ", "))
	}
	return "[" + strings.Join(v, ", ") + "]"
}

// sortedKeys returns keysOfEntities(v) sorted.
func sortedKeys[T rd.Entity](v []T) []string {
	k := keysOfEntities(v)
	slices.Sort(k)
	return k
}

// dynaliteIndexCollision reports whether two of the entities, all of one
// type, would share one entry of the TYPE index on dynalite. Dynalite 4
// files an entry of an index without a sort key under the index key and the
// first 24 bits of an MD5 of the table key (hashPrefix in its db/index.js),
// so of two items whose digests begin alike only one is found through the
// index; DynamoDB loses neither. Checks that list hundreds of items of one
// type draw their fixture again when it would meet this.
func dynaliteIndexCollision[T rd.Entity](v []T) bool {
	seen := make(map[string]bool, len(v))
	for _, e := range v {
		k := e.Key()
		sum := md5.Sum([]byte("Outliers" + k.PK + k.SK))
		prefix := hex.EncodeToString(sum[:3])
		if seen[prefix] {
			return true
		}
		seen[prefix] = true
	}
	return false
}
