package receiptdynamo

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// LoadImage stores one OCR'd image: the image and every line, word,
// letter, word tag, receipt, receipt line, word, letter and word tag,
// window and GPT record that d holds. It validates all of d first (see
// [ImageData.Validate]) and writes nothing when anything is wrong.
//
// The items are written with batch writes, which replace items of the same
// keys; items stored earlier under the image that d lacks are left as they
// are (delete the image first to replace it whole). How a failure ends
// depends on the engine:
//
//   - On the embedded engine (package sqlite) one batch write is one SQLite
//     transaction: the image is stored whole or not at all.
//   - On DynamoDB the batches are not atomic: a failure (the returned error
//     is then a *BatchError saying how much was written) may leave part of
//     the image stored. Running LoadImage again with the same d completes it
//     without duplicates, since every write is an idempotent put of a fixed
//     key. The image item is the last request, so an image is rarely listed
//     before its OCR is stored, but chunks run concurrently and that order
//     is not guaranteed.
func (c *Client) LoadImage(ctx context.Context, d ImageData) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("load image: %w", err)
	}
	reqs := make([]WriteRequest, 0, d.count())
	for _, e := range d.entities() {
		if _, isImage := e.e.(Image); isImage {
			continue
		}
		item, err := e.e.MarshalItem()
		if err != nil {
			return fmt.Errorf("load image: %s: %w", e.where, err)
		}
		reqs = append(reqs, WriteRequest{Put: item})
	}
	image, err := d.Image.MarshalItem()
	if err != nil {
		return fmt.Errorf("load image: image: %w", err)
	}
	reqs = append(reqs, WriteRequest{Put: image})

	if err := c.table.BatchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("load image %s: %w", d.Image.ID, err)
	}
	return nil
}

// placed is an entity of an ImageData with where it stands, such as
// "words[12]".
type placed struct {
	where string
	e     Entity
}

// entities returns every entity of d, parents before children.
func (d ImageData) entities() []placed {
	out := make([]placed, 0, d.count())
	out = append(out, placed{"image", d.Image})
	out = appendPlaced(out, "lines", d.Lines)
	out = appendPlaced(out, "words", d.Words)
	out = appendPlaced(out, "letters", d.Letters)
	out = appendPlaced(out, "word_tags", d.WordTags)
	out = appendPlaced(out, "receipts", d.Receipts)
	out = appendPlaced(out, "receipt_lines", d.ReceiptLines)
	out = appendPlaced(out, "receipt_words", d.ReceiptWords)
	out = appendPlaced(out, "receipt_letters", d.ReceiptLetters)
	out = appendPlaced(out, "receipt_word_tags", d.ReceiptWordTags)
	out = appendPlaced(out, "receipt_windows", d.ReceiptWindows)
	out = appendPlaced(out, "gpt_initial_taggings", d.GPTInitialTaggings)
	out = appendPlaced(out, "gpt_validations", d.GPTValidations)
	return out
}

func appendPlaced[T Entity](out []placed, name string, v []T) []placed {
	for i, e := range v {
		out = append(out, placed{name + "[" + strconv.Itoa(i) + "]", e})
	}
	return out
}

// count returns the number of entities in d, the image included.
func (d ImageData) count() int {
	return 1 + len(d.Lines) + len(d.Words) + len(d.Letters) + len(d.WordTags) +
		len(d.Receipts) + len(d.ReceiptLines) + len(d.ReceiptWords) + len(d.ReceiptLetters) +
		len(d.ReceiptWordTags) + len(d.ReceiptWindows) + len(d.GPTInitialTaggings) +
		len(d.GPTValidations)
}

// Validate checks d as LoadImage needs it: every entity keeps its own rules
// and belongs to d.Image; no two entities share a key; every entity's
// parent is in d (a word's line, a letter's word, a receipt line's receipt,
// …); and each word's Tags are exactly the tags of its word tags. An error
// names the entity by its place, such as "words[12]", and matches
// ErrInvalid.
func (d ImageData) Validate() error {
	all := d.entities()
	byKey := make(map[Key]placed, len(all))
	for _, p := range all {
		if err := p.e.Validate(); err != nil {
			return fmt.Errorf("%s: %w", p.where, err)
		}
		k := p.e.Key()
		if first, dup := byKey[k]; dup {
			return Invalid("ImageData", p.where, "must not repeat the key of "+first.where,
				k.String())
		}
		byKey[k] = p
	}

	for _, p := range all[1:] {
		ids, err := ParseKey(p.e.ItemType(), p.e.Key())
		if err != nil {
			return fmt.Errorf("%s: %w", p.where, err)
		}
		if ids.Image != d.Image.ID {
			return Invalid("ImageData", p.where+".image_id", "must be the image's id "+d.Image.ID,
				ids.Image)
		}
		parent, what := parentKey(ids)
		up, ok := byKey[parent]
		if !ok {
			return Invalid("ImageData", p.where, "has no "+what+" in the image data",
				parent.String())
		}
		if err := tagsAgree(p, ids, up, byKey); err != nil {
			return err
		}
	}
	return nil
}

// parentKey returns the key of the item that the item ids identify belongs
// to, and what that item is.
func parentKey(ids KeyIDs) (Key, string) {
	i, r := ids.Image, ids.Receipt
	switch ids.Type {
	case TypeWord:
		return LineKey(i, ids.Line), "line"
	case TypeLetter, TypeWordTag:
		return WordKey(i, ids.Line, ids.Word), "word"
	case TypeReceiptLine, TypeReceiptWindow, TypeGPTInitialTagging, TypeGPTValidation:
		return ReceiptKey(i, r), "receipt"
	case TypeReceiptWord:
		return ReceiptLineKey(i, r, ids.Line), "receipt line"
	case TypeReceiptLetter, TypeReceiptWordTag:
		return ReceiptWordKey(i, r, ids.Line, ids.Word), "receipt word"
	}
	return ImageKey(i), "image" // lines and receipts
}

// tagsAgree checks that a tag item's word carries its tag, and that every
// tag a word carries has its tag item.
func tagsAgree(p placed, ids KeyIDs, parent placed, byKey map[Key]placed) error {
	switch ids.Type {
	case TypeWordTag, TypeReceiptWordTag:
		word := parent.e.(taggedWord)
		if !slices.Contains(word.tagSet(), ids.Tag) {
			return Invalid("ImageData", p.where, "tag must be among the tags of "+parent.where,
				ids.Tag)
		}
	case TypeWord, TypeReceiptWord:
		for _, tag := range p.e.(taggedWord).tagSet() {
			k := WordTagKey(ids.Image, ids.Line, ids.Word, tag)
			if ids.Type == TypeReceiptWord {
				k = ReceiptWordTagKey(ids.Image, ids.Receipt, ids.Line, ids.Word, tag)
			}
			if _, ok := byKey[k]; !ok {
				return Invalid("ImageData", p.where+".tags", "must each have a word tag", tag)
			}
		}
	}
	return nil
}

// ImagesOfExport splits an export of the older implementation (see
// DecodeExport) into one ImageData per image, in the order of x.Images. An
// entity of an image that x does not hold, or two images of one id, fail
// with ErrInvalid.
func ImagesOfExport(x Export) ([]ImageData, error) {
	out := make([]ImageData, len(x.Images))
	at := make(map[string]int, len(x.Images))
	for i, im := range x.Images {
		if _, dup := at[im.ID]; dup {
			return nil, Invalid("Export", "images["+strconv.Itoa(i)+"]", "repeats an image id",
				im.ID)
		}
		at[im.ID] = i
		out[i].Image = im
	}
	for _, e := range x.Entities() {
		if _, isImage := e.(Image); isImage {
			continue
		}
		ids, err := ParseKey(e.ItemType(), e.Key())
		if err != nil {
			return nil, err
		}
		i, ok := at[ids.Image]
		if !ok {
			return nil, Invalid("Export", e.ItemType(), "belongs to an image not in the export",
				ids.Image)
		}
		out[i].put(e)
	}
	return out, nil
}
