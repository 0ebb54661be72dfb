package sroie

import (
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// ApproxConfidence is the confidence given to words and letters, whose
// boxes are divided from their line's box rather than observed. Lines,
// whose boxes are ground truth, have confidence 1.
const ApproxConfidence = 0.5

// imageIDSalt starts the text hashed into an image id.
const imageIDSalt = "receipt-dynamo sroie "

// ImageID returns the image id of the SROIE receipt id: the first 16 bytes
// of SHA-256("receipt-dynamo sroie " + id), with the version nibble set to 4
// and the variant bits to RFC 4122's, written as a UUID. The same receipt
// always gets the same id, so importing it again finds it already stored.
func ImageID(id string) string {
	sum := sha256.Sum256([]byte(imageIDSalt + id))
	var u uuid.UUID
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

// Receipt is one SROIE receipt as entities of the receipt table.
type Receipt struct {
	ID      string // the SROIE id, such as "000"
	Image   rd.Image
	Lines   []rd.Line
	Words   []rd.Word
	Letters []rd.Letter
	Tags    []rd.WordTag

	Receipt        rd.Receipt
	ReceiptLines   []rd.ReceiptLine
	ReceiptWords   []rd.ReceiptWord
	ReceiptLetters []rd.ReceiptLetter
	ReceiptTags    []rd.ReceiptWordTag

	// Unmatched lists the key fields that were given but matched no words.
	Unmatched []string
}

// Build makes the entities of receipt id from its parsed files, with now as
// the time they were added. File names the box file in errors.
func Build(id string, scan Scan, lines []BoxLine, key Key, now time.Time, file string) (
	*Receipt, error) {
	now = now.UTC()
	r := &Receipt{ID: id}
	imageID := ImageID(id)
	r.Image = rd.Image{
		ID: imageID, Width: scan.Width, Height: scan.Height, TimestampAdded: now,
		RawS3Bucket: rawBucket, RawS3Key: "img/" + id + ".jpg", SHA256: scan.SHA256,
	}

	// Lines, then the words and letters split from each.
	var words []splitWord
	for i, bl := range lines {
		if err := checkBounds(bl, scan); err != nil {
			return nil, &InputError{File: file, Line: bl.Row, Err: err}
		}
		lineID := i + 1
		if lineID > rd.MaxID {
			return nil, &InputError{File: file, Line: bl.Row,
				Err: fmt.Errorf("more than %d lines", rd.MaxID)}
		}
		q := normalise(bl, scan)
		r.Lines = append(r.Lines, rd.Line{ImageID: imageID, ID: lineID, Text: bl.Text,
			Geometry: q.geometry(1)})
		words = append(words, r.addWords(imageID, lineID, bl.Text, q)...)
	}

	// Tags, then the receipt-level twins of everything.
	r.tag(words, key, now)
	r.addReceipt(now)
	return r, nil
}

// rawBucket is the raw_s3_bucket of SROIE images: the scans are not in S3,
// so it names the data set, and raw_s3_key is the scan's path inside it.
const rawBucket = "sroie"

func checkBounds(bl BoxLine, scan Scan) error {
	for i, c := range bl.Corners {
		if c[0] > scan.Width || c[1] > scan.Height {
			return fmt.Errorf("corner %d (%d,%d) lies outside the %dx%d image",
				i+1, c[0], c[1], scan.Width, scan.Height)
		}
	}
	return nil
}

// quad is a line's, word's or letter's corners in normalised coordinates.
type quad struct {
	tl, tr, br, bl rd.Point
}

// normalise maps pixel corners (origin top-left) to the table's coordinates
// (0..1, origin bottom-left).
func normalise(bl BoxLine, scan Scan) quad {
	w, h := float64(scan.Width), float64(scan.Height)
	p := func(c [2]int) rd.Point {
		return rd.Point{X: float64(c[0]) / w, Y: 1 - float64(c[1])/h}
	}
	return quad{tl: p(bl.Corners[0]), tr: p(bl.Corners[1]), br: p(bl.Corners[2]),
		bl: p(bl.Corners[3])}
}

// slice returns the part of q between fractions t0 and t1 of its length,
// measured along its top and bottom edges.
func (q quad) slice(t0, t1 float64) quad {
	return quad{
		tl: lerp(q.tl, q.tr, t0), tr: lerp(q.tl, q.tr, t1),
		bl: lerp(q.bl, q.br, t0), br: lerp(q.bl, q.br, t1),
	}
}

func lerp(a, b rd.Point, t float64) rd.Point {
	return rd.Point{X: a.X + (b.X-a.X)*t, Y: a.Y + (b.Y-a.Y)*t}
}

// geometry returns q's geometry with the given confidence.
func (q quad) geometry(confidence float64) rd.Geometry {
	xs := []float64{q.tl.X, q.tr.X, q.br.X, q.bl.X}
	ys := []float64{q.tl.Y, q.tr.Y, q.br.Y, q.bl.Y}
	x0, x1 := slices.Min(xs), slices.Max(xs)
	y0, y1 := slices.Min(ys), slices.Max(ys)
	rad := math.Atan2(q.br.Y-q.bl.Y, q.br.X-q.bl.X)
	return rd.Geometry{
		BoundingBox: rd.Box{X: x0, Y: y0, Width: x1 - x0, Height: y1 - y0},
		TopLeft:     q.tl, TopRight: q.tr, BottomLeft: q.bl, BottomRight: q.br,
		AngleDegrees: rad * 180 / math.Pi,
		AngleRadians: rad,
		Confidence:   confidence,
	}
}

// splitWord is a word with its place in the receipt, for tagging.
type splitWord struct {
	line, word int    // ids
	text       string // the word's text
	lineText   string
}

// addWords splits the line's text on spaces and adds the words and their
// letters, each character (spaces included) taking an equal share of the
// line's length.
func (r *Receipt) addWords(imageID string, lineID int, text string, q quad) []splitWord {
	n := float64(utf8.RuneCountInString(text))
	var out []splitWord
	pos := 0 // rune offset in text
	wordID := 0
	for _, field := range strings.SplitAfter(text, " ") {
		w := strings.TrimRight(field, " ")
		width := utf8.RuneCountInString(w)
		if width > 0 {
			wordID++
			wq := q.slice(float64(pos)/n, float64(pos+width)/n)
			r.Words = append(r.Words, rd.Word{ImageID: imageID, LineID: lineID, ID: wordID,
				Text: w, Geometry: wq.geometry(ApproxConfidence)})
			r.addLetters(imageID, lineID, wordID, w, wq)
			out = append(out, splitWord{line: lineID, word: wordID, text: w, lineText: text})
		}
		pos += utf8.RuneCountInString(field)
	}
	return out
}

func (r *Receipt) addLetters(imageID string, lineID, wordID int, w string, q quad) {
	n := float64(utf8.RuneCountInString(w))
	i := 0
	for _, c := range w {
		lq := q.slice(float64(i)/n, float64(i+1)/n)
		i++
		r.Letters = append(r.Letters, rd.Letter{ImageID: imageID, LineID: lineID,
			WordID: wordID, ID: i, Text: string(c), Geometry: lq.geometry(ApproxConfidence)})
	}
}

// addReceipt adds receipt 1, covering the whole image, and copies of the
// lines, words, letters and tags in its coordinates, which are the image's.
func (r *Receipt) addReceipt(now time.Time) {
	img := r.Image
	r.Receipt = rd.Receipt{
		ImageID: img.ID, ID: 1, Width: img.Width, Height: img.Height, TimestampAdded: now,
		RawS3Bucket: img.RawS3Bucket, RawS3Key: img.RawS3Key,
		TopLeft: rd.Point{X: 0, Y: 1}, TopRight: rd.Point{X: 1, Y: 1},
		BottomLeft: rd.Point{X: 0, Y: 0}, BottomRight: rd.Point{X: 1, Y: 0},
		SHA256: img.SHA256,
	}
	for _, l := range r.Lines {
		r.ReceiptLines = append(r.ReceiptLines, rd.ReceiptLine{ImageID: l.ImageID,
			ReceiptID: 1, ID: l.ID, Text: l.Text, Geometry: l.Geometry})
	}
	for _, w := range r.Words {
		r.ReceiptWords = append(r.ReceiptWords, rd.ReceiptWord{ImageID: w.ImageID,
			ReceiptID: 1, LineID: w.LineID, ID: w.ID, Text: w.Text, Geometry: w.Geometry,
			Tags: slices.Clone(w.Tags)})
	}
	for _, c := range r.Letters {
		r.ReceiptLetters = append(r.ReceiptLetters, rd.ReceiptLetter{ImageID: c.ImageID,
			ReceiptID: 1, LineID: c.LineID, WordID: c.WordID, ID: c.ID, Text: c.Text,
			Geometry: c.Geometry})
	}
	for _, t := range r.Tags {
		r.ReceiptTags = append(r.ReceiptTags, rd.ReceiptWordTag{ImageID: t.ImageID,
			ReceiptID: 1, LineID: t.LineID, WordID: t.WordID, Tag: t.Tag,
			TimestampAdded: t.TimestampAdded})
	}
}

// Count returns the number of entities of the receipt.
func (r *Receipt) Count() int {
	return 2 + len(r.Lines) + len(r.Words) + len(r.Letters) + len(r.Tags) +
		len(r.ReceiptLines) + len(r.ReceiptWords) + len(r.ReceiptLetters) +
		len(r.ReceiptTags)
}

// ImageData returns the receipt's entities as one image's data, as
// receiptdynamo.Client.LoadImage stores it.
func (r *Receipt) ImageData() rd.ImageData {
	return rd.ImageData{
		Image: r.Image, Lines: r.Lines, Words: r.Words, Letters: r.Letters,
		WordTags: r.Tags, Receipts: []rd.Receipt{r.Receipt},
		ReceiptLines: r.ReceiptLines, ReceiptWords: r.ReceiptWords,
		ReceiptLetters: r.ReceiptLetters, ReceiptWordTags: r.ReceiptTags,
	}
}
