package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/tabletest"
)

// TestReceiptClient runs the receipt client's contract checks on the
// embedded engine, every one of them: it has transactions.
func TestReceiptClient(t *testing.T) {
	sum := tabletest.RunReceiptClient(t, newTable, tabletest.Name("sqlite"))
	if sum.Skipped != 0 {
		t.Errorf("%d receipt client checks skipped on sqlite, want none", sum.Skipped)
	}
}

// fixtureImage returns the image of one OCR fixture (1,355 items: 41 lines,
// 101 words, 535 letters and one receipt with the same).
func fixtureImage(b *testing.B) rd.ImageData {
	b.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "ocr",
		"02aa1d34-5c10-42b4-a463-c49b86214dd7_RESULTS.json"))
	if err != nil {
		b.Fatalf("fixture: %v", err)
	}
	defer f.Close()
	x, err := rd.DecodeExport(f)
	if err != nil {
		b.Fatalf("fixture: %v", err)
	}
	images, err := rd.ImagesOfExport(x)
	if err != nil || len(images) != 1 {
		b.Fatalf("fixture: %d images, %v", len(images), err)
	}
	return images[0]
}

// createdClient returns a client of a created table in a new file.
func createdClient(b *testing.B) *rd.Client {
	b.Helper()
	tbl, err := Open(context.Background(), filepath.Join(b.TempDir(), "table.db"))
	if err != nil {
		b.Fatalf("open: %v", err)
	}
	b.Cleanup(func() { tbl.Close() })
	if err := tbl.Create(context.Background()); err != nil {
		b.Fatalf("create: %v", err)
	}
	return rd.NewClient(tbl)
}

// BenchmarkLoadImage stores one fixture image per iteration, under a new
// image id each time: with the loader (one batch write, one SQLite
// transaction) and, for comparison, with AddMany of each type (transactions
// of 100 items).
func BenchmarkLoadImage(b *testing.B) {
	d := fixtureImage(b)
	b.Run("loader", func(b *testing.B) {
		cl := createdClient(b)
		for i := 0; b.Loop(); i++ {
			if err := cl.LoadImage(b.Context(), reID(d, i)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*itemCount(d)),
			"µs/item")
	})
	b.Run("add-many", func(b *testing.B) {
		cl := createdClient(b)
		for i := 0; b.Loop(); i++ {
			e := reID(d, i)
			err := cl.Images().Add(b.Context(), e.Image)
			for _, add := range []func() error{
				func() error { return cl.Lines().AddMany(b.Context(), e.Lines) },
				func() error { return cl.Words().AddMany(b.Context(), e.Words) },
				func() error { return cl.Letters().AddMany(b.Context(), e.Letters) },
				func() error { return cl.Receipts().AddMany(b.Context(), e.Receipts) },
				func() error { return cl.ReceiptLines().AddMany(b.Context(), e.ReceiptLines) },
				func() error { return cl.ReceiptWords().AddMany(b.Context(), e.ReceiptWords) },
				func() error { return cl.ReceiptLetters().AddMany(b.Context(), e.ReceiptLetters) },
			} {
				if err == nil {
					err = add()
				}
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*itemCount(d)),
			"µs/item")
	})
}

// BenchmarkImageDetails reads one fixture image back whole, from a table
// holding ten images.
func BenchmarkImageDetails(b *testing.B) {
	d := fixtureImage(b)
	cl := createdClient(b)
	for i := range 10 {
		if err := cl.LoadImage(b.Context(), reID(d, i)); err != nil {
			b.Fatal(err)
		}
	}
	id := reID(d, 3).Image.ID
	for b.Loop() {
		got, err := cl.ImageDetails(b.Context(), id)
		if err != nil || len(got.Letters) != len(d.Letters) {
			b.Fatalf("image details: %d letters, %v", len(got.Letters), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*itemCount(d)), "µs/item")
}

// itemCount returns the number of entities of d.
func itemCount(d rd.ImageData) int {
	return 1 + len(d.Lines) + len(d.Words) + len(d.Letters) + len(d.Receipts) +
		len(d.ReceiptLines) + len(d.ReceiptWords) + len(d.ReceiptLetters)
}

// reID returns d under the image id number i: the fixture's id with its
// last 8 hex digits replaced by i.
func reID(d rd.ImageData, i int) rd.ImageData {
	id := d.Image.ID[:28] + hex8(i)
	out := rd.ImageData{Image: d.Image}
	out.Image.ID = id
	out.Lines = setImage(d.Lines, id, func(v *rd.Line, id string) { v.ImageID = id })
	out.Words = setImage(d.Words, id, func(v *rd.Word, id string) { v.ImageID = id })
	out.Letters = setImage(d.Letters, id, func(v *rd.Letter, id string) { v.ImageID = id })
	out.Receipts = setImage(d.Receipts, id, func(v *rd.Receipt, id string) { v.ImageID = id })
	out.ReceiptLines = setImage(d.ReceiptLines, id,
		func(v *rd.ReceiptLine, id string) { v.ImageID = id })
	out.ReceiptWords = setImage(d.ReceiptWords, id,
		func(v *rd.ReceiptWord, id string) { v.ImageID = id })
	out.ReceiptLetters = setImage(d.ReceiptLetters, id,
		func(v *rd.ReceiptLetter, id string) { v.ImageID = id })
	return out
}

func setImage[T any](v []T, id string, set func(*T, string)) []T {
	out := make([]T, len(v))
	for i := range v {
		out[i] = v[i]
		set(&out[i], id)
	}
	return out
}

func hex8(i int) string {
	const digits = "0123456789abcdef"
	var b [8]byte
	for j := 7; j >= 0; j-- {
		b[j] = digits[i&15]
		i >>= 4
	}
	return string(b[:])
}
