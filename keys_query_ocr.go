package receiptdynamo

// This file spells the keys that the OCR side of the client reads by: the
// primary keys of single items, given their ids, and the sort-key prefixes
// and index partitions of its queries. Every prefix that selects the
// children of an item ends with the separator, so that it never matches a
// sibling whose id merely starts with the same digits, nor (for a prefix of
// one type's children) an item of the parent's own type.

// ImageKey returns the primary key of the image.
func ImageKey(imageID string) Key { return imageKeys(imageID).Key() }

// LineKey returns the primary key of a line of an image.
func LineKey(imageID string, lineID int) Key { return lineKeys(imageID, lineID).Key() }

// WordKey returns the primary key of a word of an image.
func WordKey(imageID string, lineID, wordID int) Key {
	return wordKeys(imageID, lineID, wordID).Key()
}

// LetterKey returns the primary key of a letter of an image.
func LetterKey(imageID string, lineID, wordID, letterID int) Key {
	return letterKeys(imageID, lineID, wordID, letterID).Key()
}

// WordTagKey returns the primary key of a tag of a word; the tag is used as
// given (tags this package writes are uppercase, see NormalizeTag).
func WordTagKey(imageID string, lineID, wordID int, tag string) Key {
	return wordTagKeys(imageID, lineID, wordID, tag).Key()
}

// ReceiptKey returns the primary key of a receipt of an image.
func ReceiptKey(imageID string, receiptID int) Key {
	return receiptKeys(imageID, receiptID).Key()
}

// ReceiptLineKey returns the primary key of a line of a receipt.
func ReceiptLineKey(imageID string, receiptID, lineID int) Key {
	return receiptLineKeys(imageID, receiptID, lineID).Key()
}

// ReceiptWordKey returns the primary key of a word of a receipt.
func ReceiptWordKey(imageID string, receiptID, lineID, wordID int) Key {
	return receiptWordKeys(imageID, receiptID, lineID, wordID).Key()
}

// ReceiptLetterKey returns the primary key of a letter of a receipt.
func ReceiptLetterKey(imageID string, receiptID, lineID, wordID, letterID int) Key {
	return receiptLetterKeys(imageID, receiptID, lineID, wordID, letterID).Key()
}

// ReceiptWordTagKey returns the primary key of a tag of a receipt word; the
// tag is used as given.
func ReceiptWordTagKey(imageID string, receiptID, lineID, wordID int, tag string) Key {
	return receiptWordTagKeys(imageID, receiptID, lineID, wordID, tag).Key()
}

// ReceiptWindowKey returns the primary key of a corner window of a receipt.
func ReceiptWindowKey(imageID string, receiptID int, corner Corner) Key {
	return ReceiptWindow{ImageID: imageID, ReceiptID: receiptID, Corner: corner}.Key()
}

// GPTInitialTaggingKey returns the primary key of a receipt's initial
// tagging record.
func GPTInitialTaggingKey(imageID string, receiptID int) Key {
	return gptInitialTaggingKeys(imageID, receiptID).Key()
}

// GPTValidationKey returns the primary key of a receipt's validation record.
func GPTValidationKey(imageID string, receiptID int) Key {
	return gptValidationKeys(imageID, receiptID).Key()
}

// Sort-key prefixes inside an image's partition (PK = IMAGE#i).

// linesPrefix selects the lines of an image, and with them every word,
// letter and tag under them: a query on it must filter by TYPE.
func linesPrefix() string { return pfxLine }

// lineChildrenPrefix selects the words of line l (with their letters and
// tags): LINE#00007#WORD#.
func lineChildrenPrefix(l int) string { return lineSK(l) + pfxWord }

// wordLettersPrefix selects the letters of a word: LINE#l#WORD#w#LETTER#.
func wordLettersPrefix(l, w int) string { return wordSK(l, w) + pfxLetter }

// wordTagsPrefix selects the tags of a word: LINE#l#WORD#w#TAG#.
func wordTagsPrefix(l, w int) string { return wordSK(l, w) + sep + pfxTag }

// receiptsPrefix selects the receipts of an image and everything under
// them: a query on it must filter by TYPE.
func receiptsPrefix() string { return pfxReceipt }

// receiptTreePrefix selects receipt r itself and everything under it. Ids
// have five digits, so RECEIPT#00001 is a prefix of RECEIPT#00001#… but not
// of RECEIPT#00010.
func receiptTreePrefix(r int) string { return receiptSK(r) }

// receiptLinesPrefix selects the lines of receipt r and everything under
// them: RECEIPT#r#LINE#.
func receiptLinesPrefix(r int) string { return receiptSK(r) + sep + pfxLine }

// receiptLineChildrenPrefix selects the words of a receipt line (with their
// letters and tags).
func receiptLineChildrenPrefix(r, l int) string {
	return receiptSK(r) + sep + lineChildrenPrefix(l)
}

// receiptWordLettersPrefix selects the letters of a receipt word.
func receiptWordLettersPrefix(r, l, w int) string {
	return receiptSK(r) + sep + wordLettersPrefix(l, w)
}

// receiptWordTagsPrefix selects the tags of a receipt word.
func receiptWordTagsPrefix(r, l, w int) string {
	return receiptSK(r) + sep + wordTagsPrefix(l, w)
}

// Index partitions.

// tagIndexPK is the GSI1 partition of every word and receipt word tag of a
// tag: TAG#<tag padded to 40>.
func tagIndexPK(tag string) string { return pfxTag + PadTag(tag) }

// overviewIndexPK is the GSI1 partition holding every image with its lines
// and receipts, sorted by image: IMAGE#i, IMAGE#i#LINE#…, IMAGE#i#RECEIPT#….
func overviewIndexPK() string { return gsiImage }

// overviewPrefix selects every image's group in overviewIndexPK.
func overviewPrefix() string { return pfxImage }

// overviewAfter is the least GSI1 sort key after every key of image i's
// group: "$" is the byte after the separator "#", and image ids have one
// length, so IMAGE#i$ sorts after IMAGE#i#… and before the next image.
func overviewAfter(i string) string { return imagePK(i) + "$" }

// receiptIndexPK is the GSI2 partition holding every receipt (with receipt
// words and receipt word tags), sorted by image then receipt id.
func receiptIndexPK() string { return gsiReceipt }

// receiptIndexPrefix selects the whole of receiptIndexPK.
func receiptIndexPrefix() string { return pfxImage }
