package receiptdynamo

import "time"

// This file encodes and decodes the receipt-level items: Receipt, its lines,
// words, letters and word tags (in the receipt's coordinates), its corner
// windows and its GPT records.

// Receipt

// ItemType returns TypeReceipt.
func (Receipt) ItemType() string { return TypeReceipt }

// Key returns the receipt's primary key.
func (v Receipt) Key() Key { return receiptKeys(v.ImageID, v.ID).Key() }

// Validate checks the receipt's rules.
func (v Receipt) Validate() error {
	c := ocrCheck{typ: "Receipt"}
	c.uuid("image_id", v.ImageID)
	c.id("receipt_id", v.ID)
	c.positive(attrWidth, v.Width)
	c.positive(attrHeight, v.Height)
	c.required(attrTimestampAdded, v.TimestampAdded)
	c.nonEmpty(attrRawS3Bucket, v.RawS3Bucket)
	c.nonEmpty(attrRawS3Key, v.RawS3Key)
	c.corners(v.TopLeft, v.TopRight, v.BottomLeft, v.BottomRight)
	return c.err
}

// MarshalItem returns the receipt's item; unset optionals are NULL.
func (v Receipt) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	item := make(Item, 22)
	receiptKeys(v.ImageID, v.ID).put(item)
	item[attrWidth] = ni(int64(v.Width))
	item[attrHeight] = ni(int64(v.Height))
	item[attrTimestampAdded] = s(FormatTime(v.TimestampAdded))
	item[attrRawS3Bucket] = s(v.RawS3Bucket)
	item[attrRawS3Key] = s(v.RawS3Key)
	item[attrTopLeft] = pointAV(v.TopLeft)
	item[attrTopRight] = pointAV(v.TopRight)
	item[attrBottomLeft] = pointAV(v.BottomLeft)
	item[attrBottomRight] = pointAV(v.BottomRight)
	item[attrSHA256] = sOrNull(v.SHA256)
	item[attrCDNS3Bucket] = sOrNull(v.CDNS3Bucket)
	item[attrCDNS3Key] = sOrNull(v.CDNS3Key)
	return item, nil
}

// UnmarshalItem decodes a RECEIPT item; v is unchanged on error.
func (v *Receipt) UnmarshalItem(item Item) error {
	d := newDecoder(TypeReceipt, item)
	ids := d.keyIDs()
	out := Receipt{
		ImageID:        ids.Image,
		ID:             ids.Receipt,
		Width:          d.int(attrWidth),
		Height:         d.int(attrHeight),
		TimestampAdded: d.utcTime(attrTimestampAdded),
		RawS3Bucket:    d.str(attrRawS3Bucket),
		RawS3Key:       d.str(attrRawS3Key),
		TopLeft:        d.point(attrTopLeft),
		TopRight:       d.point(attrTopRight),
		BottomLeft:     d.point(attrBottomLeft),
		BottomRight:    d.point(attrBottomRight),
		SHA256:         d.optStr(attrSHA256),
		CDNS3Bucket:    d.optStr(attrCDNS3Bucket),
		CDNS3Key:       d.optStr(attrCDNS3Key),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// ReceiptLine

// ItemType returns TypeReceiptLine.
func (ReceiptLine) ItemType() string { return TypeReceiptLine }

// Key returns the receipt line's primary key.
func (v ReceiptLine) Key() Key { return receiptLineKeys(v.ImageID, v.ReceiptID, v.ID).Key() }

// Validate checks the receipt line's rules.
func (v ReceiptLine) Validate() error {
	c := ocrCheck{typ: "ReceiptLine"}
	c.uuid("image_id", v.ImageID)
	c.id("receipt_id", v.ReceiptID)
	c.id("line_id", v.ID)
	c.nonEmpty(attrText, v.Text)
	c.geometry(v.Geometry)
	return c.err
}

// MarshalItem returns the receipt line's item.
func (v ReceiptLine) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	k := receiptLineKeys(v.ImageID, v.ReceiptID, v.ID)
	return shapeItem(k, v.Text, v.Geometry, nil), nil
}

// UnmarshalItem decodes a RECEIPT_LINE item; v is unchanged on error.
func (v *ReceiptLine) UnmarshalItem(item Item) error {
	d := newDecoder(TypeReceiptLine, item)
	ids := d.keyIDs()
	out := ReceiptLine{
		ImageID: ids.Image, ReceiptID: ids.Receipt, ID: ids.Line,
		Text: d.str(attrText), Geometry: d.geometry(),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// ReceiptWord

// ItemType returns TypeReceiptWord.
func (ReceiptWord) ItemType() string { return TypeReceiptWord }

// Key returns the receipt word's primary key.
func (v ReceiptWord) Key() Key {
	return receiptWordKeys(v.ImageID, v.ReceiptID, v.LineID, v.ID).Key()
}

// Validate checks the receipt word's rules.
func (v ReceiptWord) Validate() error {
	c := ocrCheck{typ: "ReceiptWord"}
	c.uuid("image_id", v.ImageID)
	c.id("receipt_id", v.ReceiptID)
	c.id("line_id", v.LineID)
	c.id("word_id", v.ID)
	c.nonEmpty(attrText, v.Text)
	c.geometry(v.Geometry)
	c.tags(attrTags, v.Tags)
	return c.err
}

// MarshalItem returns the receipt word's item; tags are omitted when empty.
func (v ReceiptWord) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	k := receiptWordKeys(v.ImageID, v.ReceiptID, v.LineID, v.ID)
	return shapeItem(k, v.Text, v.Geometry, v.Tags), nil
}

// UnmarshalItem decodes a RECEIPT_WORD item; v is unchanged on error.
func (v *ReceiptWord) UnmarshalItem(item Item) error {
	d := newDecoder(TypeReceiptWord, item)
	ids := d.keyIDs()
	out := ReceiptWord{
		ImageID: ids.Image, ReceiptID: ids.Receipt, LineID: ids.Line, ID: ids.Word,
		Text: d.str(attrText), Geometry: d.geometry(), Tags: d.stringSet(attrTags),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// ReceiptLetter

// ItemType returns TypeReceiptLetter.
func (ReceiptLetter) ItemType() string { return TypeReceiptLetter }

// Key returns the receipt letter's primary key.
func (v ReceiptLetter) Key() Key {
	return receiptLetterKeys(v.ImageID, v.ReceiptID, v.LineID, v.WordID, v.ID).Key()
}

// Validate checks the receipt letter's rules.
func (v ReceiptLetter) Validate() error {
	c := ocrCheck{typ: "ReceiptLetter"}
	c.uuid("image_id", v.ImageID)
	c.id("receipt_id", v.ReceiptID)
	c.id("line_id", v.LineID)
	c.id("word_id", v.WordID)
	c.id("letter_id", v.ID)
	c.letter(v.Text)
	c.geometry(v.Geometry)
	return c.err
}

// MarshalItem returns the receipt letter's item.
func (v ReceiptLetter) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	k := receiptLetterKeys(v.ImageID, v.ReceiptID, v.LineID, v.WordID, v.ID)
	return shapeItem(k, v.Text, v.Geometry, nil), nil
}

// UnmarshalItem decodes a RECEIPT_LETTER item; v is unchanged on error.
func (v *ReceiptLetter) UnmarshalItem(item Item) error {
	d := newDecoder(TypeReceiptLetter, item)
	ids := d.keyIDs()
	out := ReceiptLetter{
		ImageID: ids.Image, ReceiptID: ids.Receipt, LineID: ids.Line,
		WordID: ids.Word, ID: ids.Letter,
		Text: d.str(attrText), Geometry: d.geometry(),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// ReceiptWordTag

// ItemType returns TypeReceiptWordTag.
func (ReceiptWordTag) ItemType() string { return TypeReceiptWordTag }

// Key returns the receipt word tag's primary key; the tag is used as stored.
func (v ReceiptWordTag) Key() Key {
	return receiptWordTagKeys(v.ImageID, v.ReceiptID, v.LineID, v.WordID, v.Tag).Key()
}

// Validate checks the receipt word tag's rules, as WordTag.Validate does.
func (v ReceiptWordTag) Validate() error {
	c := ocrCheck{typ: "ReceiptWordTag"}
	c.uuid("image_id", v.ImageID)
	c.id("receipt_id", v.ReceiptID)
	c.id("line_id", v.LineID)
	c.id("word_id", v.WordID)
	c.tag(attrTagName, v.Tag)
	c.required(attrTimestampAdded, v.TimestampAdded)
	c.validation(v.TagValidation)
	return c.err
}

// MarshalItem returns the receipt word tag's item; unset review fields are
// NULL.
func (v ReceiptWordTag) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	item := make(Item, 20)
	receiptWordTagKeys(v.ImageID, v.ReceiptID, v.LineID, v.WordID, v.Tag).put(item)
	item[attrTagName] = s(v.Tag)
	item[attrTimestampAdded] = s(FormatTime(v.TimestampAdded))
	putValidation(item, v.TagValidation)
	return item, nil
}

// UnmarshalItem decodes a RECEIPT_WORD_TAG item; v is unchanged on error.
func (v *ReceiptWordTag) UnmarshalItem(item Item) error {
	d := newDecoder(TypeReceiptWordTag, item)
	ids := d.keyIDs()
	out := ReceiptWordTag{
		ImageID: ids.Image, ReceiptID: ids.Receipt, LineID: ids.Line, WordID: ids.Word,
		Tag:            d.tagName(ids.Tag),
		TimestampAdded: d.utcTime(attrTimestampAdded),
		TagValidation:  d.validation(),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// ReceiptWindow

// ItemType returns TypeReceiptWindow.
func (ReceiptWindow) ItemType() string { return TypeReceiptWindow }

// normCorner returns the stored form of the window's corner, or the corner
// as given when it is not one of the four.
func (v ReceiptWindow) normCorner() Corner {
	if c, err := ParseCorner(string(v.Corner)); err == nil {
		return c
	}
	return v.Corner
}

// Key returns the window's primary key, with the corner in stored form.
func (v ReceiptWindow) Key() Key {
	return receiptWindowKeys(v.ImageID, v.ReceiptID, string(v.normCorner())).Key()
}

// Validate checks the window's rules; the corner may be in any case.
func (v ReceiptWindow) Validate() error {
	c := ocrCheck{typ: "ReceiptWindow"}
	c.uuid("image_id", v.ImageID)
	c.id("receipt_id", v.ReceiptID)
	if _, err := ParseCorner(string(v.Corner)); err != nil {
		c.fail(attrCornerName, "must be one of TOP_LEFT, TOP_RIGHT, BOTTOM_RIGHT, BOTTOM_LEFT",
			string(v.Corner))
	}
	c.nonEmpty(attrCDNS3Bucket, v.CDNS3Bucket)
	c.nonEmpty(attrCDNS3Key, v.CDNS3Key)
	c.positive(attrWidth, v.Width)
	c.positive(attrHeight, v.Height)
	if v.InnerCornerCoordinates == nil {
		c.fail(attrInnerCornerCoordinates, "must be set", nil)
	}
	for _, f := range v.InnerCornerCoordinates {
		c.finite(attrInnerCornerCoordinates, f)
	}
	for _, f := range v.GPTGuess {
		c.finite(attrGPTGuess, f)
	}
	return c.err
}

// MarshalItem returns the window's item; the corner is stored uppercase and
// an unset GPTGuess is NULL.
func (v ReceiptWindow) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	corner := string(v.normCorner())
	item := make(Item, 14)
	receiptWindowKeys(v.ImageID, v.ReceiptID, corner).put(item)
	item[attrCDNS3Bucket] = s(v.CDNS3Bucket)
	item[attrCDNS3Key] = s(v.CDNS3Key)
	item[attrCornerName] = s(corner)
	item[attrWidth] = ni(int64(v.Width))
	item[attrHeight] = ni(int64(v.Height))
	item[attrInnerCornerCoordinates] = numListAV(v.InnerCornerCoordinates)
	item[attrGPTGuess] = numListOrNull(v.GPTGuess)
	return item, nil
}

// UnmarshalItem decodes a RECEIPT_WINDOW item; v is unchanged on error.
func (v *ReceiptWindow) UnmarshalItem(item Item) error {
	d := newDecoder(TypeReceiptWindow, item)
	ids := d.keyIDs()
	corner := d.optStr(attrCornerName)
	if corner == "" {
		corner = ids.Corner
	}
	if c, err := ParseCorner(corner); err != nil {
		d.fail(attrCornerName, "must be one of TOP_LEFT, TOP_RIGHT, BOTTOM_RIGHT, BOTTOM_LEFT",
			corner)
	} else {
		if k, _ := ParseCorner(ids.Corner); k != c {
			d.fail(attrCornerName, "must match the corner of SK", corner)
		}
		corner = string(c)
	}
	out := ReceiptWindow{
		ImageID:     ids.Image,
		ReceiptID:   ids.Receipt,
		Corner:      Corner(corner),
		CDNS3Bucket: d.str(attrCDNS3Bucket),
		CDNS3Key:    d.str(attrCDNS3Key),
		Width:       d.int(attrWidth),
		Height:      d.int(attrHeight),
		GPTGuess:    d.numList(attrGPTGuess),
	}
	if d.get(attrInnerCornerCoordinates) == nil {
		d.fail(attrInnerCornerCoordinates, "is missing", nil)
	}
	out.InnerCornerCoordinates = d.numList(attrInnerCornerCoordinates)
	if out.InnerCornerCoordinates == nil {
		out.InnerCornerCoordinates = []float64{}
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// GPTInitialTagging

// ItemType returns TypeGPTInitialTagging.
func (GPTInitialTagging) ItemType() string { return TypeGPTInitialTagging }

// Key returns the initial tagging's primary key.
func (v GPTInitialTagging) Key() Key { return gptInitialTaggingKeys(v.ImageID, v.ReceiptID).Key() }

// Validate checks the initial tagging's rules.
func (v GPTInitialTagging) Validate() error {
	return checkGPT("GPTInitialTagging", v.ImageID, v.ReceiptID, v.Query, v.Response,
		v.TimestampAdded)
}

// MarshalItem returns the initial tagging's item.
func (v GPTInitialTagging) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	item := gptItem(v.Query, v.Response, v.TimestampAdded)
	gptInitialTaggingKeys(v.ImageID, v.ReceiptID).put(item)
	return item, nil
}

// UnmarshalItem decodes a GPT_INITIAL_TAGGING item; v is unchanged on error.
func (v *GPTInitialTagging) UnmarshalItem(item Item) error {
	d := newDecoder(TypeGPTInitialTagging, item)
	ids := d.keyIDs()
	out := GPTInitialTagging{
		ImageID: ids.Image, ReceiptID: ids.Receipt,
		Query: d.str(attrQuery), Response: d.str(attrResponse),
		TimestampAdded: d.utcTime(attrTimestampAdded),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// GPTValidation

// ItemType returns TypeGPTValidation.
func (GPTValidation) ItemType() string { return TypeGPTValidation }

// Key returns the validation's primary key.
func (v GPTValidation) Key() Key { return gptValidationKeys(v.ImageID, v.ReceiptID).Key() }

// Validate checks the validation's rules.
func (v GPTValidation) Validate() error {
	return checkGPT("GPTValidation", v.ImageID, v.ReceiptID, v.Query, v.Response,
		v.TimestampAdded)
}

// MarshalItem returns the validation's item.
func (v GPTValidation) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	item := gptItem(v.Query, v.Response, v.TimestampAdded)
	gptValidationKeys(v.ImageID, v.ReceiptID).put(item)
	return item, nil
}

// UnmarshalItem decodes a GPT_VALIDATION item; v is unchanged on error.
func (v *GPTValidation) UnmarshalItem(item Item) error {
	d := newDecoder(TypeGPTValidation, item)
	ids := d.keyIDs()
	out := GPTValidation{
		ImageID: ids.Image, ReceiptID: ids.Receipt,
		Query: d.str(attrQuery), Response: d.str(attrResponse),
		TimestampAdded: d.utcTime(attrTimestampAdded),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// checkGPT checks the fields shared by both GPT records.
func checkGPT(typ, imageID string, receiptID int, query, response string,
	added time.Time) error {
	c := ocrCheck{typ: typ}
	c.uuid("image_id", imageID)
	c.id("receipt_id", receiptID)
	c.nonEmpty(attrQuery, query)
	c.nonEmpty(attrResponse, response)
	c.required(attrTimestampAdded, added)
	return c.err
}

// gptItem returns the attributes shared by both GPT records.
func gptItem(query, response string, added time.Time) Item {
	item := make(Item, 8)
	item[attrQuery] = s(query)
	item[attrResponse] = s(response)
	item[attrTimestampAdded] = s(FormatTime(added))
	return item
}
