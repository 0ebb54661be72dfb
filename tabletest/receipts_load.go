package tabletest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func receiptLoadChecks() []check {
	return append(fixtureChecks(),
		check{name: "receipt/load/rerun-after-failure", run: receiptCheck(checkLoadRerun)},
		check{name: "receipt/load/invalid", run: receiptCheck(checkLoadInvalid)},
		check{name: "receipt/load/refused-whole", run: receiptCheck(checkLoadRefusedWhole)},
		check{name: "receipt/delete-image/everything", run: receiptCheck(checkDeleteImage)},
		check{name: "receipt/delete-image/rerun-after-failure",
			run: receiptCheck(checkDeleteImageRerun)},
	)
}

// sharedDataDir returns the project's shared data directory: RD_SHARED_DATA,
// or ../shared/data next to the module root found by walking up from the
// working directory to go.mod.
func sharedDataDir() (string, error) {
	if dir := os.Getenv("RD_SHARED_DATA"); dir != "" {
		return dir, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data"), nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory; set RD_SHARED_DATA")
		}
		dir = up
	}
}

// fixtureFiles returns the results and export files of the shared OCR
// fixtures, or an error saying why there are none.
func fixtureFiles() ([]string, error) {
	dir, err := sharedDataDir()
	if err != nil {
		return nil, err
	}
	all, err := filepath.Glob(filepath.Join(dir, "ocr", "*.json"))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range all {
		base := filepath.Base(f)
		if !strings.HasSuffix(base, "_SWIFT_OCR.json") && !strings.HasSuffix(base, "_GPT.json") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no results or export JSON in %s", filepath.Join(dir, "ocr"))
	}
	return files, nil
}

// fixtureChecks returns one check per fixture file, each on its own table;
// when the fixtures cannot be found, one check that fails saying why.
func fixtureChecks() []check {
	files, err := fixtureFiles()
	if err != nil {
		return []check{{name: "receipt/load/fixtures", run: func(c *C) {
			c.Fatalf("fixtures: %v", err)
		}}}
	}
	var out []check
	for i, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if len(name) >= 36 && rd.IsUUIDv4(name[:36]) {
			// The image id's first group names the image well enough.
			name = name[:8] + strings.ReplaceAll(name[36:], "_", "-")
		}
		out = append(out, check{name: "receipt/load/fixture-" + strings.ToLower(name),
			run: receiptCheck(func(r *rc) { checkLoadFixture(r, f, i == 0) })})
	}
	return out
}

// fixtureImages decodes a fixture file with DecodeExport and splits it into
// images.
func (r *rc) fixtureImages(file string) []rd.ImageData {
	r.Helper()
	fh, err := os.Open(file)
	if err != nil {
		r.Fatalf("fixture: %v", err)
	}
	defer fh.Close()
	x, err := rd.DecodeExport(fh)
	if err != nil {
		r.Fatalf("fixture %s: %v", filepath.Base(file), err)
	}
	images, err := rd.ImagesOfExport(x)
	if err != nil {
		r.Fatalf("fixture %s: %v", filepath.Base(file), err)
	}
	if len(images) == 0 {
		r.Fatalf("fixture %s: no image", filepath.Base(file))
	}
	return images
}

// partitionSize returns the number of items stored under the image.
func (r *rc) partitionSize(imageID string) int {
	r.Helper()
	n, err := r.Table.Count(r.Ctx, rd.Query{PK: rd.ImageKey(imageID).PK})
	r.noErr(err, "count the image's items")
	return n
}

// entityCount returns the number of entities of d.
func entityCount(d rd.ImageData) int {
	items, _ := dataItems(d)
	return len(items)
}

// checkLoadFixture loads each image of a fixture file and reads it back
// through the image details, equal to what was loaded. With again, it
// loads the images a second time and checks that no duplicate was written
// (once is enough: moto_server takes seconds to read such an image).
func checkLoadFixture(r *rc, file string, again bool) {
	for _, d := range r.fixtureImages(file) {
		id := d.Image.ID
		if len(d.Lines) == 0 || len(d.Letters) == 0 || len(d.ReceiptWords) == 0 {
			r.Errorf("fixture %s: %d lines, %d letters, %d receipt words: not a full image",
				id, len(d.Lines), len(d.Letters), len(d.ReceiptWords))
		}
		r.load(d)
		got, err := r.cl.ImageDetails(r.Ctx, id)
		if err != nil {
			r.Errorf("image details of fixture %s: %v", id, err)
			continue
		}
		if diff := diffData(d, got); diff != "" {
			r.Errorf("fixture %s read back differs:\n%s", id, diff)
		}
		if !again {
			continue
		}
		r.load(d)
		if n, want := r.partitionSize(id), entityCount(d); n != want {
			r.Errorf("fixture %s loaded twice: %d items stored, want %d", id, n, want)
		}
	}
}

// flakyTable fails the next fails batch writes halfway: it writes the first
// half of the requests and reports the rest unprocessed, as an engine does
// when its retries run out.
type flakyTable struct {
	rd.Table
	fails atomic.Int32
}

func (f *flakyTable) BatchWrite(ctx context.Context, reqs []rd.WriteRequest) error {
	if f.fails.Add(-1) < 0 {
		return f.Table.BatchWrite(ctx, reqs)
	}
	half := reqs[:len(reqs)/2]
	if err := f.Table.BatchWrite(ctx, half); err != nil {
		return err
	}
	return &rd.BatchError{Op: "batch write", Done: len(half), Unprocessed: reqs[len(half):],
		Err: rd.ErrThrottled}
}

// flaky makes the check's client write through a flakyTable and returns it.
func (r *rc) flaky() *flakyTable {
	f := &flakyTable{Table: r.Table}
	r.cl = rd.NewClient(f, rd.WithClock(func() time.Time { return r.now }))
	return f
}

// checkLoadRerun: a load that fails halfway, as one on DynamoDB can, is
// completed without duplicates by loading again.
func checkLoadRerun(r *rc) {
	d := ocrFull(newImageID())
	f := r.flaky()
	f.fails.Store(1)
	err := r.cl.LoadImage(r.Ctx, d)
	r.wantErr(err, rd.ErrThrottled, "load that fails halfway")
	var be *rd.BatchError
	if !errors.As(err, &be) || be.Done == 0 || len(be.Unprocessed) == 0 {
		r.Fatalf("load that fails halfway: got %v, want a *BatchError with both parts", err)
	}
	if n := r.partitionSize(d.Image.ID); n == 0 || n >= entityCount(d) {
		r.Fatalf("after the failed load: %d items stored, want part of %d", n, entityCount(d))
	}

	r.load(d)
	got := must(r.cl.ImageDetails(r.Ctx, d.Image.ID))(r, "image details")
	if diff := diffData(d, got); diff != "" {
		r.Errorf("after loading again:\n%s", diff)
	}
	if n, want := r.partitionSize(d.Image.ID), entityCount(d); n != want {
		r.Errorf("after loading again: %d items stored, want %d", n, want)
	}
}

// checkLoadInvalid: data that breaks a rule is refused with an error naming
// the entity, and nothing is written.
func checkLoadInvalid(r *rc) {
	cases := []struct {
		where string
		spoil func(d *rd.ImageData)
	}{
		{"letters[0]", func(d *rd.ImageData) { d.Letters[0].WordID = 9 }},
		{"words[1]", func(d *rd.ImageData) { d.Words[1].Confidence = 2 }},
		{"lines[2]", func(d *rd.ImageData) { d.Lines[2].ImageID = newImageID() }},
		{"receipt_words[0]", func(d *rd.ImageData) { d.ReceiptWords[0].LineID = 40 }},
		{"word_tags[3]", func(d *rd.ImageData) {
			d.WordTags = append(d.WordTags, rd.WordTag{ImageID: d.Image.ID, LineID: 1, WordID: 2,
				Tag: "OTHER", TimestampAdded: ocrEpoch})
		}},
		{"words[3].tags", func(d *rd.ImageData) { d.Words[3].Tags = []string{"TOTAL", "X"} }},
		{"receipt_windows[1]", func(d *rd.ImageData) {
			d.ReceiptWindows[1] = d.ReceiptWindows[0]
		}},
		{"gpt_validations[0]", func(d *rd.ImageData) { d.GPTValidations[0].ReceiptID = 3 }},
		{"image", func(d *rd.ImageData) { d.Image.Width = 0 }},
	}
	for _, tc := range cases {
		d := ocrFull(newImageID())
		tc.spoil(&d)
		err := r.cl.LoadImage(r.Ctx, d)
		r.wantErr(err, rd.ErrInvalid, "load with a spoiled "+tc.where)
		if err != nil && !strings.Contains(err.Error(), tc.where) {
			r.Errorf("load with a spoiled %s: error %q does not name it", tc.where, err)
		}
		if n := r.partitionSize(d.Image.ID); n != 0 {
			r.Errorf("load with a spoiled %s stored %d items", tc.where, n)
		}
	}
}

// checkLoadRefusedWhole: an item the engine refuses (too large) fails the
// load before anything is written.
func checkLoadRefusedWhole(r *rc) {
	d := ocrFull(newImageID())
	d.Words[4].Text = strings.Repeat("w", 410*1024)
	d.ReceiptWords[4].Text = d.Words[4].Text
	err := r.cl.LoadImage(r.Ctx, d)
	r.wantErr(err, rd.ErrInvalid, "load with an item over 400 KB")
	if n := r.partitionSize(d.Image.ID); n != 0 {
		r.Errorf("refused load stored %d items", n)
	}
}

// checkDeleteImage deletes an image with every type under it and leaves
// another image alone.
func checkDeleteImage(r *rc) {
	d, other := ocrFull(newImageID()), ocrFull(newImageID())
	r.load(d)
	r.load(other)
	r.noErr(r.cl.DeleteImage(r.Ctx, d.Image.ID), "delete image")
	if n := r.partitionSize(d.Image.ID); n != 0 {
		r.Errorf("after delete image: %d items left", n)
	}
	_, err := r.cl.ImageDetails(r.Ctx, d.Image.ID)
	r.wantErr(err, rd.ErrNotFound, "details of the deleted image")
	r.wantErr(r.cl.DeleteImage(r.Ctx, d.Image.ID), rd.ErrNotFound, "delete it again")
	got := must(r.cl.ImageDetails(r.Ctx, other.Image.ID))(r, "details of the other image")
	if diff := diffData(other, got); diff != "" {
		r.Errorf("the other image changed:\n%s", diff)
	}
}

// checkDeleteImageRerun: a deletion that fails halfway leaves the image
// item, and deleting again finishes the job.
func checkDeleteImageRerun(r *rc) {
	d := ocrFull(newImageID())
	r.load(d)
	f := r.flaky()
	f.fails.Store(1)
	err := r.cl.DeleteImage(r.Ctx, d.Image.ID)
	r.wantErr(err, rd.ErrThrottled, "delete that fails halfway")
	n := r.partitionSize(d.Image.ID)
	if n == 0 || n >= entityCount(d) {
		r.Fatalf("after the failed delete: %d items left, want part of %d", n, entityCount(d))
	}
	left := must(r.cl.ImageDetails(r.Ctx, d.Image.ID))(r, "details after the failed delete")
	if left.Image.ID != d.Image.ID {
		r.Errorf("after the failed delete the image item is gone")
	}
	r.noErr(r.cl.DeleteImage(r.Ctx, d.Image.ID), "delete again")
	if n := r.partitionSize(d.Image.ID); n != 0 {
		r.Errorf("after deleting again: %d items left", n)
	}
}
