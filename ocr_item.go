package receiptdynamo

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file encodes and decodes the image-level OCR items: Image, Line,
// Word, Letter and WordTag. Ids live in the keys; the attributes are those of
// item-format.md. The older writer's histogram and num_chars are not written
// and are ignored on read.

// shapeValues holds every attribute value of a line, word or letter item
// (or a receipt twin) but the text of its numbers: fifteen numbers, five
// geometry maps, up to ten strings and a tag set. An import encodes
// millions of such items, so each is built from one allocation of values,
// one of number text and the maps the format requires.
type shapeValues struct {
	n    [15]types.AttributeValueMemberN
	m    [5]types.AttributeValueMemberM
	s    [10]types.AttributeValueMemberS
	tags types.AttributeValueMemberSS
}

// shapeItem returns the item of a line, word or letter (or a receipt twin)
// with keys k, its text, its geometry and its tags, omitted when empty. It
// writes what keySet.put, s, n, boxAV, pointAV and stringSetAV would.
func shapeItem(k keySet, text string, g Geometry, tags []string) Item {
	size := 12 // keys, TYPE, text and eight geometry attributes
	for _, pk := range []string{k.GSI1PK, k.GSI2PK, k.GSI3PK} {
		if pk != "" {
			size += 2
		}
	}
	if len(tags) > 0 {
		size++
	}
	item := make(Item, size)
	vs := new(shapeValues)

	put := func(i int, attr, v string) {
		vs.s[i].Value = v
		item[attr] = &vs.s[i]
	}
	put(0, AttrPK, k.PK)
	put(1, AttrSK, k.SK)
	put(2, AttrType, k.Type)
	put(3, attrText, text)
	if k.GSI1PK != "" {
		put(4, AttrGSI1PK, k.GSI1PK)
		put(5, AttrGSI1SK, k.GSI1SK)
	}
	if k.GSI2PK != "" {
		put(6, AttrGSI2PK, k.GSI2PK)
		put(7, AttrGSI2SK, k.GSI2SK)
	}
	if k.GSI3PK != "" {
		put(8, AttrGSI3PK, k.GSI3PK)
		put(9, AttrGSI3SK, k.GSI3SK)
	}

	// The fifteen numbers are formatted into one string and sliced. A box
	// is made from its corners, and the corners of an upright box share
	// their coordinates, so a value met before reuses its text.
	bb := g.BoundingBox
	nums := [15]float64{
		bb.X, bb.Y, bb.Width, bb.Height,
		g.TopLeft.X, g.TopLeft.Y, g.TopRight.X, g.TopRight.Y,
		g.BottomLeft.X, g.BottomLeft.Y, g.BottomRight.X, g.BottomRight.Y,
		g.AngleDegrees, g.AngleRadians, g.Confidence,
	}
	var buf [15 * 24]byte
	var starts, ends [15]int
	b := buf[:0]
	for i, v := range nums {
		j := 0
		for j < i && math.Float64bits(nums[j]) != math.Float64bits(v) {
			j++
		}
		if j < i {
			starts[i], ends[i] = starts[j], ends[j]
			continue
		}
		starts[i] = len(b)
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
		ends[i] = len(b)
	}
	texts := string(b)
	for i := range vs.n {
		vs.n[i].Value = texts[starts[i]:ends[i]]
	}

	ns, ms := &vs.n, &vs.m
	ms[0].Value = Item{"x": &ns[0], "y": &ns[1], "width": &ns[2], "height": &ns[3]}
	ms[1].Value = Item{"x": &ns[4], "y": &ns[5]}
	ms[2].Value = Item{"x": &ns[6], "y": &ns[7]}
	ms[3].Value = Item{"x": &ns[8], "y": &ns[9]}
	ms[4].Value = Item{"x": &ns[10], "y": &ns[11]}
	item[attrBoundingBox] = &ms[0]
	item[attrTopLeft] = &ms[1]
	item[attrTopRight] = &ms[2]
	item[attrBottomLeft] = &ms[3]
	item[attrBottomRight] = &ms[4]
	item[attrAngleDegrees] = &ns[12]
	item[attrAngleRadians] = &ns[13]
	item[attrConfidence] = &ns[14]

	if len(tags) > 0 {
		vs.tags.Value = append([]string(nil), tags...)
		item[attrTags] = &vs.tags
	}
	return item
}

// geometry reads the shape attributes of a line, word or letter.
func (d *decoder) geometry() Geometry {
	return Geometry{
		BoundingBox:  d.box(attrBoundingBox),
		TopLeft:      d.point(attrTopLeft),
		TopRight:     d.point(attrTopRight),
		BottomLeft:   d.point(attrBottomLeft),
		BottomRight:  d.point(attrBottomRight),
		AngleDegrees: d.num(attrAngleDegrees),
		AngleRadians: d.num(attrAngleRadians),
		Confidence:   d.num(attrConfidence),
	}
}

// utcTime reads a required timestamp in UTC.
func (d *decoder) utcTime(attr string) time.Time { return d.time(attr).UTC() }

// optUTCTime reads an optional timestamp in UTC; zero when missing or NULL.
func (d *decoder) optUTCTime(attr string) time.Time {
	t := d.optTime(attr)
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// putValidation writes the review fields of a word tag, NULL when unset.
func putValidation(item Item, v TagValidation) {
	item[attrValidated] = boolOrNull(v.Validated)
	item[attrTimestampValidated] = timeOrNull(v.TimestampValidated)
	item[attrGPTConfidence] = numOrNull(v.GPTConfidence)
	item[attrFlag] = sOrNull(v.Flag)
	item[attrRevisedTag] = sOrNull(v.RevisedTag)
	item[attrHumanValidated] = boolOrNull(v.HumanValidated)
	item[attrTimestampHumanValidated] = timeOrNull(v.TimestampHumanValidated)
}

// validation reads the review fields of a word tag.
func (d *decoder) validation() TagValidation {
	return TagValidation{
		Validated:               d.optBool(attrValidated),
		TimestampValidated:      d.optUTCTime(attrTimestampValidated),
		GPTConfidence:           d.optNumPtr(attrGPTConfidence),
		Flag:                    d.optStr(attrFlag),
		RevisedTag:              d.optStr(attrRevisedTag),
		HumanValidated:          d.optBool(attrHumanValidated),
		TimestampHumanValidated: d.optUTCTime(attrTimestampHumanValidated),
	}
}

// tagName reads tag_name and checks it against the tag spelled by the key;
// the key's tag is used when the attribute is missing.
func (d *decoder) tagName(keyTag string) string {
	tag := d.optStr(attrTagName)
	switch {
	case tag == "":
		return keyTag
	case d.err == nil && tag != keyTag:
		d.fail(attrTagName, "must match the tag of SK", tag)
	}
	return tag
}

// done returns the decoder's first error, or the entity's first broken rule.
func (d *decoder) done(e Entity) error {
	if d.err != nil {
		return d.err
	}
	return e.Validate()
}

// Image

// ItemType returns TypeImage.
func (Image) ItemType() string { return TypeImage }

// Key returns the image's primary key.
func (v Image) Key() Key { return imageKeys(v.ID).Key() }

// Validate checks the image's rules.
func (v Image) Validate() error {
	c := ocrCheck{typ: "Image"}
	c.uuid("image_id", v.ID)
	c.positive(attrWidth, v.Width)
	c.positive(attrHeight, v.Height)
	c.required(attrTimestampAdded, v.TimestampAdded)
	c.nonEmpty(attrRawS3Bucket, v.RawS3Bucket)
	c.nonEmpty(attrRawS3Key, v.RawS3Key)
	return c.err
}

// MarshalItem returns the image's item.
func (v Image) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	item := make(Item, 16)
	imageKeys(v.ID).put(item)
	item[attrWidth] = ni(int64(v.Width))
	item[attrHeight] = ni(int64(v.Height))
	item[attrTimestampAdded] = s(FormatTime(v.TimestampAdded))
	item[attrRawS3Bucket] = s(v.RawS3Bucket)
	item[attrRawS3Key] = s(v.RawS3Key)
	item[attrSHA256] = sOrNull(v.SHA256)
	item[attrCDNS3Bucket] = sOrNull(v.CDNS3Bucket)
	item[attrCDNS3Key] = sOrNull(v.CDNS3Key)
	return item, nil
}

// UnmarshalItem decodes an IMAGE item; v is unchanged on error.
func (v *Image) UnmarshalItem(item Item) error {
	d := newDecoder(TypeImage, item)
	ids := d.keyIDs()
	out := Image{
		ID:             ids.Image,
		Width:          d.int(attrWidth),
		Height:         d.int(attrHeight),
		TimestampAdded: d.utcTime(attrTimestampAdded),
		RawS3Bucket:    d.str(attrRawS3Bucket),
		RawS3Key:       d.str(attrRawS3Key),
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

// Line

// ItemType returns TypeLine.
func (Line) ItemType() string { return TypeLine }

// Key returns the line's primary key.
func (v Line) Key() Key { return lineKeys(v.ImageID, v.ID).Key() }

// Validate checks the line's rules.
func (v Line) Validate() error {
	c := ocrCheck{typ: "Line"}
	c.uuid("image_id", v.ImageID)
	c.id("line_id", v.ID)
	c.nonEmpty(attrText, v.Text)
	c.geometry(v.Geometry)
	return c.err
}

// MarshalItem returns the line's item.
func (v Line) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	return shapeItem(lineKeys(v.ImageID, v.ID), v.Text, v.Geometry, nil), nil
}

// UnmarshalItem decodes a LINE item; v is unchanged on error.
func (v *Line) UnmarshalItem(item Item) error {
	d := newDecoder(TypeLine, item)
	ids := d.keyIDs()
	out := Line{ImageID: ids.Image, ID: ids.Line, Text: d.str(attrText), Geometry: d.geometry()}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// Word

// ItemType returns TypeWord.
func (Word) ItemType() string { return TypeWord }

// Key returns the word's primary key.
func (v Word) Key() Key { return wordKeys(v.ImageID, v.LineID, v.ID).Key() }

// Validate checks the word's rules.
func (v Word) Validate() error {
	c := ocrCheck{typ: "Word"}
	c.uuid("image_id", v.ImageID)
	c.id("line_id", v.LineID)
	c.id("word_id", v.ID)
	c.nonEmpty(attrText, v.Text)
	c.geometry(v.Geometry)
	c.tags(attrTags, v.Tags)
	return c.err
}

// MarshalItem returns the word's item; tags are omitted when empty.
func (v Word) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	return shapeItem(wordKeys(v.ImageID, v.LineID, v.ID), v.Text, v.Geometry, v.Tags), nil
}

// UnmarshalItem decodes a WORD item; v is unchanged on error.
func (v *Word) UnmarshalItem(item Item) error {
	d := newDecoder(TypeWord, item)
	ids := d.keyIDs()
	out := Word{
		ImageID: ids.Image, LineID: ids.Line, ID: ids.Word,
		Text: d.str(attrText), Geometry: d.geometry(), Tags: d.stringSet(attrTags),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// Letter

// ItemType returns TypeLetter.
func (Letter) ItemType() string { return TypeLetter }

// Key returns the letter's primary key.
func (v Letter) Key() Key { return letterKeys(v.ImageID, v.LineID, v.WordID, v.ID).Key() }

// Validate checks the letter's rules.
func (v Letter) Validate() error {
	c := ocrCheck{typ: "Letter"}
	c.uuid("image_id", v.ImageID)
	c.id("line_id", v.LineID)
	c.id("word_id", v.WordID)
	c.id("letter_id", v.ID)
	c.letter(v.Text)
	c.geometry(v.Geometry)
	return c.err
}

// letter checks that text is exactly one character.
func (c *ocrCheck) letter(text string) {
	if utf8.RuneCountInString(text) != 1 || !utf8.ValidString(text) {
		c.fail(attrText, "must be exactly one character", text)
	}
}

// MarshalItem returns the letter's item.
func (v Letter) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	k := letterKeys(v.ImageID, v.LineID, v.WordID, v.ID)
	return shapeItem(k, v.Text, v.Geometry, nil), nil
}

// UnmarshalItem decodes a LETTER item; v is unchanged on error.
func (v *Letter) UnmarshalItem(item Item) error {
	d := newDecoder(TypeLetter, item)
	ids := d.keyIDs()
	out := Letter{
		ImageID: ids.Image, LineID: ids.Line, WordID: ids.Word, ID: ids.Letter,
		Text: d.str(attrText), Geometry: d.geometry(),
	}
	if err := d.done(out); err != nil {
		return err
	}
	*v = out
	return nil
}

// WordTag

// ItemType returns TypeWordTag.
func (WordTag) ItemType() string { return TypeWordTag }

// Key returns the word tag's primary key; the tag is used as stored.
func (v WordTag) Key() Key { return wordTagKeys(v.ImageID, v.LineID, v.WordID, v.Tag).Key() }

// Validate checks the word tag's rules. A lowercase tag of the older writer
// is accepted; new tags should come through NormalizeTag.
func (v WordTag) Validate() error {
	c := ocrCheck{typ: "WordTag"}
	c.uuid("image_id", v.ImageID)
	c.id("line_id", v.LineID)
	c.id("word_id", v.WordID)
	c.tag(attrTagName, v.Tag)
	c.required(attrTimestampAdded, v.TimestampAdded)
	c.validation(v.TagValidation)
	return c.err
}

// MarshalItem returns the word tag's item; unset review fields are NULL.
func (v WordTag) MarshalItem() (Item, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	item := make(Item, 20)
	wordTagKeys(v.ImageID, v.LineID, v.WordID, v.Tag).put(item)
	item[attrTagName] = s(v.Tag)
	item[attrTimestampAdded] = s(FormatTime(v.TimestampAdded))
	putValidation(item, v.TagValidation)
	return item, nil
}

// UnmarshalItem decodes a WORD_TAG item; v is unchanged on error.
func (v *WordTag) UnmarshalItem(item Item) error {
	d := newDecoder(TypeWordTag, item)
	ids := d.keyIDs()
	out := WordTag{
		ImageID: ids.Image, LineID: ids.Line, WordID: ids.Word,
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
