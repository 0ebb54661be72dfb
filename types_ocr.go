package receiptdynamo

import "time"

// Point is a position normalised to 0..1 of the image (or of the receipt,
// for receipt items), origin bottom-left, y up, as Apple Vision reports it.
type Point struct {
	X, Y float64
}

// Box is an axis-aligned rectangle in the coordinates of Point: X and Y
// are its lower-left corner.
type Box struct {
	X, Y, Width, Height float64
}

// Geometry is the shape that OCR reports for a line, word or letter: its
// bounding box, its four corners, its angle (degrees and radians kept in
// step) and the OCR confidence in (0, 1].
type Geometry struct {
	BoundingBox  Box
	TopLeft      Point
	TopRight     Point
	BottomLeft   Point
	BottomRight  Point
	AngleDegrees float64
	AngleRadians float64
	Confidence   float64
}

// Image is one photographed or scanned image. SHA256, CDNS3Bucket and
// CDNS3Key are optional ("" is stored as NULL).
type Image struct {
	ID             string // UUID v4
	Width          int    // pixels, > 0
	Height         int    // pixels, > 0
	TimestampAdded time.Time
	RawS3Bucket    string
	RawS3Key       string
	SHA256         string
	CDNS3Bucket    string
	CDNS3Key       string
}

// Line is one OCR line of an image.
type Line struct {
	ImageID string
	ID      int // 1..99999
	Text    string
	Geometry
}

// Word is one OCR word of a line. Tags are the word's tags, uppercased; the
// set is omitted from the item when empty.
type Word struct {
	ImageID string
	LineID  int
	ID      int
	Text    string
	Geometry
	Tags []string
}

// Letter is one character of a word; Text is exactly one character.
type Letter struct {
	ImageID string
	LineID  int
	WordID  int
	ID      int
	Text    string
	Geometry
}

// TagValidation is the review state of a word tag, by a model and by a
// person. Every field is optional and stored as NULL when unset.
type TagValidation struct {
	Validated               *bool
	TimestampValidated      time.Time
	GPTConfidence           *float64
	Flag                    string
	RevisedTag              string
	HumanValidated          *bool
	TimestampHumanValidated time.Time
}

// WordTag is a tag (TOTAL, DATE, …) on a word of an image.
type WordTag struct {
	ImageID        string
	LineID         int
	WordID         int
	Tag            string // stored uppercase; 1..40 characters, not starting with _
	TimestampAdded time.Time
	TagValidation
}

// Receipt is one receipt found in an image: its crop's size in pixels and
// its four corners normalised to the image. SHA256, CDNS3Bucket and CDNS3Key
// are optional.
type Receipt struct {
	ImageID        string
	ID             int
	Width          int
	Height         int
	TimestampAdded time.Time
	RawS3Bucket    string
	RawS3Key       string
	TopLeft        Point
	TopRight       Point
	BottomLeft     Point
	BottomRight    Point
	SHA256         string
	CDNS3Bucket    string
	CDNS3Key       string
}

// ReceiptLine is a line of a receipt, in the receipt's coordinates.
type ReceiptLine struct {
	ImageID   string
	ReceiptID int
	ID        int
	Text      string
	Geometry
}

// ReceiptWord is a word of a receipt line, in the receipt's coordinates.
type ReceiptWord struct {
	ImageID   string
	ReceiptID int
	LineID    int
	ID        int
	Text      string
	Geometry
	Tags []string
}

// ReceiptLetter is a character of a receipt word.
type ReceiptLetter struct {
	ImageID   string
	ReceiptID int
	LineID    int
	WordID    int
	ID        int
	Text      string
	Geometry
}

// ReceiptWordTag is a tag on a word of a receipt.
type ReceiptWordTag struct {
	ImageID        string
	ReceiptID      int
	LineID         int
	WordID         int
	Tag            string
	TimestampAdded time.Time
	TagValidation
}

// Corner names a corner of a receipt.
type Corner string

// The corners of a receipt window.
const (
	CornerTopLeft     Corner = "TOP_LEFT"
	CornerTopRight    Corner = "TOP_RIGHT"
	CornerBottomRight Corner = "BOTTOM_RIGHT"
	CornerBottomLeft  Corner = "BOTTOM_LEFT"
)

// ReceiptWindow is a crop of one corner of a receipt. GPTGuess is optional
// (nil is stored as NULL).
type ReceiptWindow struct {
	ImageID                string
	ReceiptID              int
	Corner                 Corner
	CDNS3Bucket            string
	CDNS3Key               string
	Width                  int
	Height                 int
	InnerCornerCoordinates []float64
	GPTGuess               []float64
}

// GPTInitialTagging is the question put to a language model to tag a
// receipt's words, and its answer. A receipt has at most one.
type GPTInitialTagging struct {
	ImageID        string
	ReceiptID      int
	Query          string
	Response       string
	TimestampAdded time.Time
}

// GPTValidation is the question put to a language model to validate a
// receipt's tags, and its answer. A receipt has at most one.
type GPTValidation struct {
	ImageID        string
	ReceiptID      int
	Query          string
	Response       string
	TimestampAdded time.Time
}
