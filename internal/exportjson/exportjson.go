// Package exportjson writes one image's entities in the older
// implementation's export JSON (the shape of its _RESULTS.json files): an
// object of arrays "images", "lines", "words", "word_tags", "letters",
// "receipts", "receipt_lines", "receipt_words", "receipt_word_tags" and
// "receipt_letters", and, when the image has any, "receipt_windows",
// "gpt_initial_taggings" and "gpt_validations". Each element holds an
// entity's fields by the attribute names of the item format, with its own
// id as "id" (the image's as "image_id", a receipt's as "receipt_id"), as
// the older export names them. Optional values that are absent are null.
// receiptdynamo.DecodeExport reads it back.
//
// The views of single entities ([Image], [Line], …) are also the JSON that
// the command prints with --json.
package exportjson

import (
	"encoding/json"
	"io"
	"slices"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Point is a corner, normalised, origin bottom-left.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Box is a bounding box.
type Box struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// Geometry is the shape fields of lines, words and letters.
type Geometry struct {
	BoundingBox  Box     `json:"bounding_box"`
	TopRight     Point   `json:"top_right"`
	TopLeft      Point   `json:"top_left"`
	BottomRight  Point   `json:"bottom_right"`
	BottomLeft   Point   `json:"bottom_left"`
	AngleDegrees float64 `json:"angle_degrees"`
	AngleRadians float64 `json:"angle_radians"`
	Confidence   float64 `json:"confidence"`
}

func point(p rd.Point) Point { return Point{X: p.X, Y: p.Y} }

func geometry(g rd.Geometry) Geometry {
	b := g.BoundingBox
	return Geometry{
		BoundingBox: Box{X: b.X, Y: b.Y, Width: b.Width, Height: b.Height},
		TopRight:    point(g.TopRight), TopLeft: point(g.TopLeft),
		BottomRight: point(g.BottomRight), BottomLeft: point(g.BottomLeft),
		AngleDegrees: g.AngleDegrees, AngleRadians: g.AngleRadians, Confidence: g.Confidence,
	}
}

// optString is a string that is null when empty.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optTime is a timestamp that is null when zero.
func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := rd.FormatTime(t)
	return &s
}

// tags returns the tag set as a JSON array, [] when empty.
func tags(t []string) []string {
	if t == nil {
		return []string{}
	}
	return slices.Clone(t)
}

// Image is the export view of an image.
type Image struct {
	ImageID        string  `json:"image_id"`
	Width          int     `json:"width"`
	Height         int     `json:"height"`
	TimestampAdded string  `json:"timestamp_added"`
	RawS3Bucket    string  `json:"raw_s3_bucket"`
	RawS3Key       string  `json:"raw_s3_key"`
	CDNS3Bucket    *string `json:"cdn_s3_bucket"`
	CDNS3Key       *string `json:"cdn_s3_key"`
	SHA256         *string `json:"sha256"`
}

// FromImage returns the view of v.
func FromImage(v rd.Image) Image {
	return Image{
		ImageID: v.ID, Width: v.Width, Height: v.Height,
		TimestampAdded: rd.FormatTime(v.TimestampAdded),
		RawS3Bucket:    v.RawS3Bucket, RawS3Key: v.RawS3Key,
		CDNS3Bucket: optString(v.CDNS3Bucket), CDNS3Key: optString(v.CDNS3Key),
		SHA256: optString(v.SHA256),
	}
}

// Line is the export view of a line.
type Line struct {
	ImageID string `json:"image_id"`
	ID      int    `json:"id"`
	Text    string `json:"text"`
	Geometry
}

// FromLine returns the view of v.
func FromLine(v rd.Line) Line {
	return Line{ImageID: v.ImageID, ID: v.ID, Text: v.Text, Geometry: geometry(v.Geometry)}
}

// Word is the export view of a word.
type Word struct {
	ImageID string `json:"image_id"`
	LineID  int    `json:"line_id"`
	ID      int    `json:"id"`
	Text    string `json:"text"`
	Geometry
	Tags []string `json:"tags"`
}

// FromWord returns the view of v.
func FromWord(v rd.Word) Word {
	return Word{ImageID: v.ImageID, LineID: v.LineID, ID: v.ID, Text: v.Text,
		Geometry: geometry(v.Geometry), Tags: tags(v.Tags)}
}

// Letter is the export view of a letter.
type Letter struct {
	ImageID string `json:"image_id"`
	WordID  int    `json:"word_id"`
	LineID  int    `json:"line_id"`
	ID      int    `json:"id"`
	Text    string `json:"text"`
	Geometry
}

// FromLetter returns the view of v.
func FromLetter(v rd.Letter) Letter {
	return Letter{ImageID: v.ImageID, WordID: v.WordID, LineID: v.LineID, ID: v.ID,
		Text: v.Text, Geometry: geometry(v.Geometry)}
}

// TagValidation is the review fields of a tag.
type TagValidation struct {
	Validated               *bool    `json:"validated"`
	TimestampValidated      *string  `json:"timestamp_validated"`
	GPTConfidence           *float64 `json:"gpt_confidence"`
	Flag                    *string  `json:"flag"`
	RevisedTag              *string  `json:"revised_tag"`
	HumanValidated          *bool    `json:"human_validated"`
	TimestampHumanValidated *string  `json:"timestamp_human_validated"`
}

func tagValidation(v rd.TagValidation) TagValidation {
	return TagValidation{
		Validated: v.Validated, TimestampValidated: optTime(v.TimestampValidated),
		GPTConfidence: v.GPTConfidence, Flag: optString(v.Flag),
		RevisedTag: optString(v.RevisedTag), HumanValidated: v.HumanValidated,
		TimestampHumanValidated: optTime(v.TimestampHumanValidated),
	}
}

// WordTag is the export view of a word tag.
type WordTag struct {
	ImageID        string `json:"image_id"`
	LineID         int    `json:"line_id"`
	WordID         int    `json:"word_id"`
	Tag            string `json:"tag"`
	TimestampAdded string `json:"timestamp_added"`
	TagValidation
}

// FromWordTag returns the view of v.
func FromWordTag(v rd.WordTag) WordTag {
	return WordTag{ImageID: v.ImageID, LineID: v.LineID, WordID: v.WordID, Tag: v.Tag,
		TimestampAdded: rd.FormatTime(v.TimestampAdded),
		TagValidation:  tagValidation(v.TagValidation)}
}

// Receipt is the export view of a receipt.
type Receipt struct {
	ReceiptID      int     `json:"receipt_id"`
	ImageID        string  `json:"image_id"`
	Width          int     `json:"width"`
	Height         int     `json:"height"`
	TimestampAdded string  `json:"timestamp_added"`
	RawS3Bucket    string  `json:"raw_s3_bucket"`
	RawS3Key       string  `json:"raw_s3_key"`
	TopLeft        Point   `json:"top_left"`
	TopRight       Point   `json:"top_right"`
	BottomLeft     Point   `json:"bottom_left"`
	BottomRight    Point   `json:"bottom_right"`
	SHA256         *string `json:"sha256"`
	CDNS3Bucket    *string `json:"cdn_s3_bucket"`
	CDNS3Key       *string `json:"cdn_s3_key"`
}

// FromReceipt returns the view of v.
func FromReceipt(v rd.Receipt) Receipt {
	return Receipt{
		ReceiptID: v.ID, ImageID: v.ImageID, Width: v.Width, Height: v.Height,
		TimestampAdded: rd.FormatTime(v.TimestampAdded),
		RawS3Bucket:    v.RawS3Bucket, RawS3Key: v.RawS3Key,
		TopLeft: point(v.TopLeft), TopRight: point(v.TopRight),
		BottomLeft: point(v.BottomLeft), BottomRight: point(v.BottomRight),
		SHA256: optString(v.SHA256), CDNS3Bucket: optString(v.CDNS3Bucket),
		CDNS3Key: optString(v.CDNS3Key),
	}
}

// ReceiptLine is the export view of a receipt line.
type ReceiptLine struct {
	ImageID   string `json:"image_id"`
	ReceiptID int    `json:"receipt_id"`
	ID        int    `json:"id"`
	Text      string `json:"text"`
	Geometry
}

// FromReceiptLine returns the view of v.
func FromReceiptLine(v rd.ReceiptLine) ReceiptLine {
	return ReceiptLine{ImageID: v.ImageID, ReceiptID: v.ReceiptID, ID: v.ID, Text: v.Text,
		Geometry: geometry(v.Geometry)}
}

// ReceiptWord is the export view of a receipt word.
type ReceiptWord struct {
	ImageID   string `json:"image_id"`
	LineID    int    `json:"line_id"`
	ReceiptID int    `json:"receipt_id"`
	ID        int    `json:"id"`
	Text      string `json:"text"`
	Geometry
	Tags []string `json:"tags"`
}

// FromReceiptWord returns the view of v.
func FromReceiptWord(v rd.ReceiptWord) ReceiptWord {
	return ReceiptWord{ImageID: v.ImageID, LineID: v.LineID, ReceiptID: v.ReceiptID,
		ID: v.ID, Text: v.Text, Geometry: geometry(v.Geometry), Tags: tags(v.Tags)}
}

// ReceiptLetter is the export view of a receipt letter.
type ReceiptLetter struct {
	ImageID   string `json:"image_id"`
	LineID    int    `json:"line_id"`
	ReceiptID int    `json:"receipt_id"`
	WordID    int    `json:"word_id"`
	ID        int    `json:"id"`
	Text      string `json:"text"`
	Geometry
}

// FromReceiptLetter returns the view of v.
func FromReceiptLetter(v rd.ReceiptLetter) ReceiptLetter {
	return ReceiptLetter{ImageID: v.ImageID, LineID: v.LineID, ReceiptID: v.ReceiptID,
		WordID: v.WordID, ID: v.ID, Text: v.Text, Geometry: geometry(v.Geometry)}
}

// ReceiptWordTag is the export view of a receipt word tag.
type ReceiptWordTag struct {
	ImageID        string `json:"image_id"`
	ReceiptID      int    `json:"receipt_id"`
	LineID         int    `json:"line_id"`
	WordID         int    `json:"word_id"`
	Tag            string `json:"tag"`
	TimestampAdded string `json:"timestamp_added"`
	TagValidation
}

// FromReceiptWordTag returns the view of v.
func FromReceiptWordTag(v rd.ReceiptWordTag) ReceiptWordTag {
	return ReceiptWordTag{ImageID: v.ImageID, ReceiptID: v.ReceiptID, LineID: v.LineID,
		WordID: v.WordID, Tag: v.Tag, TimestampAdded: rd.FormatTime(v.TimestampAdded),
		TagValidation: tagValidation(v.TagValidation)}
}

// ReceiptWindow is the export view of a receipt window.
type ReceiptWindow struct {
	ImageID                string    `json:"image_id"`
	ReceiptID              int       `json:"receipt_id"`
	CornerName             string    `json:"corner_name"`
	CDNS3Bucket            string    `json:"cdn_s3_bucket"`
	CDNS3Key               string    `json:"cdn_s3_key"`
	Width                  int       `json:"width"`
	Height                 int       `json:"height"`
	InnerCornerCoordinates []float64 `json:"inner_corner_coordinates"`
	GPTGuess               []float64 `json:"gpt_guess"`
}

// FromReceiptWindow returns the view of v.
func FromReceiptWindow(v rd.ReceiptWindow) ReceiptWindow {
	return ReceiptWindow{ImageID: v.ImageID, ReceiptID: v.ReceiptID,
		CornerName: string(v.Corner), CDNS3Bucket: v.CDNS3Bucket, CDNS3Key: v.CDNS3Key,
		Width: v.Width, Height: v.Height, InnerCornerCoordinates: v.InnerCornerCoordinates,
		GPTGuess: v.GPTGuess}
}

// GPTRecord is the export view of a GPT initial tagging or validation.
type GPTRecord struct {
	ImageID        string `json:"image_id"`
	ReceiptID      int    `json:"receipt_id"`
	Query          string `json:"query"`
	Response       string `json:"response"`
	TimestampAdded string `json:"timestamp_added"`
}

// Document is the export JSON of one image.
type Document struct {
	Images             []Image          `json:"images"`
	Lines              []Line           `json:"lines"`
	Words              []Word           `json:"words"`
	WordTags           []WordTag        `json:"word_tags"`
	Letters            []Letter         `json:"letters"`
	Receipts           []Receipt        `json:"receipts"`
	ReceiptLines       []ReceiptLine    `json:"receipt_lines"`
	ReceiptWords       []ReceiptWord    `json:"receipt_words"`
	ReceiptWordTags    []ReceiptWordTag `json:"receipt_word_tags"`
	ReceiptLetters     []ReceiptLetter  `json:"receipt_letters"`
	ReceiptWindows     []ReceiptWindow  `json:"receipt_windows,omitempty"`
	GPTInitialTaggings []GPTRecord      `json:"gpt_initial_taggings,omitempty"`
	GPTValidations     []GPTRecord      `json:"gpt_validations,omitempty"`
}

// mapSlice converts every element; the result is never nil, so that an
// empty array is written as [].
func mapSlice[T, V any](in []T, f func(T) V) []V {
	out := make([]V, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// FromImageData returns the export document of one image's data.
func FromImageData(d rd.ImageData) Document {
	return Document{
		Images:          []Image{FromImage(d.Image)},
		Lines:           mapSlice(d.Lines, FromLine),
		Words:           mapSlice(d.Words, FromWord),
		WordTags:        mapSlice(d.WordTags, FromWordTag),
		Letters:         mapSlice(d.Letters, FromLetter),
		Receipts:        mapSlice(d.Receipts, FromReceipt),
		ReceiptLines:    mapSlice(d.ReceiptLines, FromReceiptLine),
		ReceiptWords:    mapSlice(d.ReceiptWords, FromReceiptWord),
		ReceiptWordTags: mapSlice(d.ReceiptWordTags, FromReceiptWordTag),
		ReceiptLetters:  mapSlice(d.ReceiptLetters, FromReceiptLetter),
		ReceiptWindows:  mapSlice(d.ReceiptWindows, FromReceiptWindow),
		GPTInitialTaggings: mapSlice(d.GPTInitialTaggings, func(v rd.GPTInitialTagging) GPTRecord {
			return GPTRecord{ImageID: v.ImageID, ReceiptID: v.ReceiptID, Query: v.Query,
				Response: v.Response, TimestampAdded: rd.FormatTime(v.TimestampAdded)}
		}),
		GPTValidations: mapSlice(d.GPTValidations, func(v rd.GPTValidation) GPTRecord {
			return GPTRecord{ImageID: v.ImageID, ReceiptID: v.ReceiptID, Query: v.Query,
				Response: v.Response, TimestampAdded: rd.FormatTime(v.TimestampAdded)}
		}),
	}
}

// Write writes the export JSON of one image's data to w, indented.
func Write(w io.Writer, d rd.ImageData) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(FromImageData(d))
}
