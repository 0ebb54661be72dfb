package receiptdynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ImageData is everything stored for one image: the image, its OCR (lines,
// words, letters and word tags) and its receipts with their OCR, corner
// windows and GPT records. [Client.ImageDetails] returns it, each slice in
// sort-key order; [Client.LoadImage] stores one.
type ImageData struct {
	Image              Image
	Lines              []Line
	Words              []Word
	Letters            []Letter
	WordTags           []WordTag
	Receipts           []Receipt
	ReceiptLines       []ReceiptLine
	ReceiptWords       []ReceiptWord
	ReceiptLetters     []ReceiptLetter
	ReceiptWordTags    []ReceiptWordTag
	ReceiptWindows     []ReceiptWindow
	GPTInitialTaggings []GPTInitialTagging
	GPTValidations     []GPTValidation
}

// ocrTypes are the item types stored under an image.
var ocrTypes = map[string]bool{
	TypeImage: true, TypeLine: true, TypeWord: true, TypeLetter: true, TypeWordTag: true,
	TypeReceipt: true, TypeReceiptLine: true, TypeReceiptWord: true,
	TypeReceiptLetter: true, TypeReceiptWordTag: true, TypeReceiptWindow: true,
	TypeGPTInitialTagging: true, TypeGPTValidation: true,
}

// add decodes item by its TYPE into its slice. An item of a type not stored
// under images is skipped, so that items a newer writer adds to the
// partition never break the reader; one that does not decode as its type
// is an error.
func (d *ImageData) add(item Item) error {
	tv, _ := item[AttrType].(*types.AttributeValueMemberS)
	if tv == nil || !ocrTypes[tv.Value] {
		return nil
	}
	e, err := UnmarshalAny(item)
	if err != nil {
		return err
	}
	d.put(e)
	return nil
}

// put appends e to its slice (or sets the image); other types are ignored.
func (d *ImageData) put(e Entity) {
	switch v := e.(type) {
	case Image:
		d.Image = v
	case Line:
		d.Lines = append(d.Lines, v)
	case Word:
		d.Words = append(d.Words, v)
	case Letter:
		d.Letters = append(d.Letters, v)
	case WordTag:
		d.WordTags = append(d.WordTags, v)
	case Receipt:
		d.Receipts = append(d.Receipts, v)
	case ReceiptLine:
		d.ReceiptLines = append(d.ReceiptLines, v)
	case ReceiptWord:
		d.ReceiptWords = append(d.ReceiptWords, v)
	case ReceiptLetter:
		d.ReceiptLetters = append(d.ReceiptLetters, v)
	case ReceiptWordTag:
		d.ReceiptWordTags = append(d.ReceiptWordTags, v)
	case ReceiptWindow:
		d.ReceiptWindows = append(d.ReceiptWindows, v)
	case GPTInitialTagging:
		d.GPTInitialTaggings = append(d.GPTInitialTaggings, v)
	case GPTValidation:
		d.GPTValidations = append(d.GPTValidations, v)
	}
}

// partition reads every item of image imageID's partition whose sort key
// begins with prefix ("" for all), following the pages to the end, into d.
func (c *Client) partition(ctx context.Context, imageID, prefix string) (ImageData, error) {
	var d ImageData
	q := Query{PK: imagePK(imageID)}
	if prefix != "" {
		q.SK = KeyCondition{Op: SKBeginsWith, Value: prefix}
	}
	for {
		page, err := c.table.Query(ctx, q)
		if err != nil {
			return ImageData{}, err
		}
		for _, item := range page.Items {
			if err := d.add(item); err != nil {
				return ImageData{}, err
			}
		}
		if page.Next == "" {
			return d, nil
		}
		q.Cursor = page.Next
	}
}

// ImageDetails returns everything stored for the image, read by one query
// of its partition (PK IMAGE#id, followed across pages) and sorted into
// types by each item's TYPE. It fails with an *ItemError matching
// ErrNotFound when the image item is not stored.
func (c *Client) ImageDetails(ctx context.Context, imageID string) (ImageData, error) {
	if !IsUUIDv4(imageID) {
		return ImageData{}, fmt.Errorf("image details: %w",
			Invalid("Image", "image_id", "must be a UUID version 4", imageID))
	}
	d, err := c.partition(ctx, imageID, "")
	if err != nil {
		return ImageData{}, fmt.Errorf("image details %s: %w", imageID, err)
	}
	if d.Image.ID == "" {
		return ImageData{}, &ItemError{Op: "image details", Type: TypeImage,
			Key: ImageKey(imageID), Err: ErrNotFound}
	}
	return d, nil
}

// ReceiptData is everything stored for one receipt: the receipt, its lines,
// words, letters and word tags, its corner windows and its GPT records
// (nil when not stored).
type ReceiptData struct {
	Receipt        Receipt
	Lines          []ReceiptLine
	Words          []ReceiptWord
	Letters        []ReceiptLetter
	WordTags       []ReceiptWordTag
	Windows        []ReceiptWindow
	InitialTagging *GPTInitialTagging
	Validation     *GPTValidation
}

// ReceiptDetails returns everything stored for the receipt, read by one
// query of its image's partition under the receipt's sort key
// (RECEIPT#00001 and RECEIPT#00001#…, never RECEIPT#00010…). It fails with
// an *ItemError matching ErrNotFound when the receipt item is not stored.
func (c *Client) ReceiptDetails(ctx context.Context, imageID string,
	receiptID int) (ReceiptData, error) {
	if err := checkReceipt(imageID, receiptID); err != nil {
		return ReceiptData{}, fmt.Errorf("receipt details: %w", err)
	}
	d, err := c.partition(ctx, imageID, receiptTreePrefix(receiptID))
	if err != nil {
		return ReceiptData{}, fmt.Errorf("receipt details %s %d: %w", imageID, receiptID, err)
	}
	if len(d.Receipts) != 1 || d.Receipts[0].ID != receiptID {
		return ReceiptData{}, &ItemError{Op: "receipt details", Type: TypeReceipt,
			Key: ReceiptKey(imageID, receiptID), Err: ErrNotFound}
	}
	r := ReceiptData{
		Receipt: d.Receipts[0], Lines: d.ReceiptLines, Words: d.ReceiptWords,
		Letters: d.ReceiptLetters, WordTags: d.ReceiptWordTags, Windows: d.ReceiptWindows,
	}
	if len(d.GPTInitialTaggings) > 0 {
		r.InitialTagging = &d.GPTInitialTaggings[0]
	}
	if len(d.GPTValidations) > 0 {
		r.Validation = &d.GPTValidations[0]
	}
	return r, nil
}

// checkReceipt checks the ids that address a receipt.
func checkReceipt(imageID string, receiptID int) error {
	c := ocrCheck{typ: "Receipt"}
	c.uuid("image_id", imageID)
	c.id("receipt_id", receiptID)
	return c.err
}

// DeleteImage deletes the image and everything stored under it: its OCR,
// tags, receipts and their OCR, windows and GPT records. It reads the keys
// of the image's partition, then deletes every item but the image item in
// batch writes, and the image item last. It fails with an *ItemError
// matching ErrNotFound when nothing is stored under the image.
//
// The deletion is not one transaction (an image holds far more than 100
// items). When it fails halfway, some items are deleted and the image item
// is still stored, so the image stays visible; calling DeleteImage again
// deletes what is left. Items written under the image while it runs may
// survive it.
func (c *Client) DeleteImage(ctx context.Context, imageID string) error {
	if !IsUUIDv4(imageID) {
		return fmt.Errorf("delete image: %w",
			Invalid("Image", "image_id", "must be a UUID version 4", imageID))
	}
	image := ImageKey(imageID)
	var reqs []WriteRequest
	found := false
	q := Query{PK: imagePK(imageID)}
	for {
		page, err := c.table.Query(ctx, q)
		if err != nil {
			return fmt.Errorf("delete image %s: %w", imageID, err)
		}
		for _, item := range page.Items {
			k := Key{PK: stringAttr(item, AttrPK), SK: stringAttr(item, AttrSK)}
			found = true
			if k != image {
				reqs = append(reqs, WriteRequest{Delete: &k})
			}
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	if !found {
		return &ItemError{Op: "delete image", Type: TypeImage, Key: image, Err: ErrNotFound}
	}

	if len(reqs) > 0 {
		if err := c.table.BatchWrite(ctx, reqs); err != nil {
			return fmt.Errorf("delete image %s: %w", imageID, err)
		}
	}
	if err := c.table.Delete(ctx, image, nil); err != nil {
		return fmt.Errorf("delete image %s: %w", imageID, err)
	}
	return nil
}
