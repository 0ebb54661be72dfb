package receiptdynamo

import (
	"context"
	"fmt"
)

// This file holds the relations of a receipt: its lines, words and letters,
// read from its image's partition under the receipt's prefix and kept to
// the wanted TYPE, as the relations of an image are (see client_image.go).

// receiptChildren checks the receipt's ids and returns the items of type T
// under prefix in its image's partition.
func receiptChildren[T Entity, P entityPtr[T]](ctx context.Context, c *Client, op,
	imageID string, receiptID int, prefix string) ([]T, error) {
	if err := checkReceipt(imageID, receiptID); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return children[T, P](ctx, c, op, imageID, prefix)
}

// LinesOfReceipt returns the receipt's lines, in line order, without the
// words, letters and tags under them.
func (c *Client) LinesOfReceipt(ctx context.Context, imageID string,
	receiptID int) ([]ReceiptLine, error) {
	return receiptChildren[ReceiptLine](ctx, c, "lines of receipt", imageID, receiptID,
		receiptLinesPrefix(receiptID))
}

// WordsOfReceipt returns every word of the receipt, in line and word order,
// without letters or tags.
func (c *Client) WordsOfReceipt(ctx context.Context, imageID string,
	receiptID int) ([]ReceiptWord, error) {
	return receiptChildren[ReceiptWord](ctx, c, "words of receipt", imageID, receiptID,
		receiptLinesPrefix(receiptID))
}

// LettersOfReceipt returns every letter of the receipt, in line, word and
// letter order.
func (c *Client) LettersOfReceipt(ctx context.Context, imageID string,
	receiptID int) ([]ReceiptLetter, error) {
	return receiptChildren[ReceiptLetter](ctx, c, "letters of receipt", imageID, receiptID,
		receiptLinesPrefix(receiptID))
}

// WordsOfReceiptLine returns the words of one receipt line, in word order,
// without letters or tags.
func (c *Client) WordsOfReceiptLine(ctx context.Context, imageID string,
	receiptID, lineID int) ([]ReceiptWord, error) {
	if err := checkID("ReceiptLine", "line_id", lineID); err != nil {
		return nil, fmt.Errorf("words of receipt line: %w", err)
	}
	return receiptChildren[ReceiptWord](ctx, c, "words of receipt line", imageID, receiptID,
		receiptLineChildrenPrefix(receiptID, lineID))
}

// LettersOfReceiptWord returns the letters of a receipt word, in letter
// order.
func (c *Client) LettersOfReceiptWord(ctx context.Context,
	w ReceiptWordRef) ([]ReceiptLetter, error) {
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("letters of receipt word: %w", err)
	}
	return children[ReceiptLetter](ctx, c, "letters of receipt word", w.ImageID,
		receiptWordLettersPrefix(w.ReceiptID, w.LineID, w.WordID))
}
