package receiptdynamo

import (
	"io"
	"sort"
	"strings"
)

// Export is one image's entities in the shape that the older implementation
// writes its results and exports: one array per entity kind, each element an
// entity's fields by the attribute names of the item format.
type Export struct {
	Images             []Image
	Lines              []Line
	Words              []Word
	WordTags           []WordTag
	Letters            []Letter
	Receipts           []Receipt
	ReceiptLines       []ReceiptLine
	ReceiptWords       []ReceiptWord
	ReceiptWordTags    []ReceiptWordTag
	ReceiptLetters     []ReceiptLetter
	ReceiptWindows     []ReceiptWindow
	GPTInitialTaggings []GPTInitialTagging
	GPTValidations     []GPTValidation
}

// Entities returns every entity of x, parents before children.
func (x Export) Entities() []Entity {
	var out []Entity
	out = appendEntities(out, x.Images)
	out = appendEntities(out, x.Lines)
	out = appendEntities(out, x.Words)
	out = appendEntities(out, x.Letters)
	out = appendEntities(out, x.WordTags)
	out = appendEntities(out, x.Receipts)
	out = appendEntities(out, x.ReceiptLines)
	out = appendEntities(out, x.ReceiptWords)
	out = appendEntities(out, x.ReceiptLetters)
	out = appendEntities(out, x.ReceiptWordTags)
	out = appendEntities(out, x.ReceiptWindows)
	out = appendEntities(out, x.GPTInitialTaggings)
	out = appendEntities(out, x.GPTValidations)
	return out
}

func appendEntities[T Entity](out []Entity, v []T) []Entity {
	for _, e := range v {
		out = append(out, e)
	}
	return out
}

// exportSections are the arrays of an export, with the item type of their
// elements.
var exportSections = map[string]string{
	"images": TypeImage, "lines": TypeLine, "words": TypeWord, "letters": TypeLetter,
	"word_tags": TypeWordTag, "receipts": TypeReceipt, "receipt_lines": TypeReceiptLine,
	"receipt_words": TypeReceiptWord, "receipt_letters": TypeReceiptLetter,
	"receipt_word_tags": TypeReceiptWordTag, "receipt_windows": TypeReceiptWindow,
	"gpt_initial_taggings": TypeGPTInitialTagging, "gpt_validations": TypeGPTValidation,
}

// exportElement decodes m, at path p, as an entity of type typ, validates
// it and appends it to its array of x.
func (r *jsonReader) exportElement(x *Export, typ, p string, m map[string]any) {
	switch typ {
	case TypeImage:
		addEntity(r, &x.Images, p, r.image(m, p))
	case TypeLine:
		addEntity(r, &x.Lines, p, r.line(m, p))
	case TypeWord:
		addEntity(r, &x.Words, p, r.word(m, p))
	case TypeLetter:
		addEntity(r, &x.Letters, p, r.letter(m, p))
	case TypeWordTag:
		addEntity(r, &x.WordTags, p, r.wordTag(m, p))
	case TypeReceipt:
		addEntity(r, &x.Receipts, p, r.receipt(m, p))
	case TypeReceiptLine:
		addEntity(r, &x.ReceiptLines, p, r.receiptLine(m, p))
	case TypeReceiptWord:
		addEntity(r, &x.ReceiptWords, p, r.receiptWord(m, p))
	case TypeReceiptLetter:
		addEntity(r, &x.ReceiptLetters, p, r.receiptLetter(m, p))
	case TypeReceiptWordTag:
		addEntity(r, &x.ReceiptWordTags, p, r.receiptWordTag(m, p))
	case TypeReceiptWindow:
		addEntity(r, &x.ReceiptWindows, p, r.receiptWindow(m, p))
	case TypeGPTInitialTagging:
		addEntity(r, &x.GPTInitialTaggings, p, r.gptInitialTagging(m, p))
	case TypeGPTValidation:
		addEntity(r, &x.GPTValidations, p, r.gptValidation(m, p))
	default:
		r.fail(p, "unknown item type", typ)
	}
}

// addEntity validates e and appends it to dst. Two entities of one key
// would overwrite each other in the table, so the second is refused.
func addEntity[T Entity](r *jsonReader, dst *[]T, path string, e T) {
	r.valid(path, e)
	if r.err != nil {
		return
	}
	if r.seen == nil {
		r.seen = map[Key]string{}
	}
	k := e.Key()
	if first, dup := r.seen[k]; dup {
		r.fail(path, "has the same key as "+first, k.String())
		return
	}
	r.seen[k] = path
	*dst = append(*dst, e)
}

// DecodeExport reads the older implementation's results or export JSON:
// an object of arrays "images", "lines", "words", "word_tags", "letters",
// "receipts", "receipt_lines", "receipt_words", "receipt_word_tags" and
// "receipt_letters" (and, when present, "receipt_windows",
// "gpt_initial_taggings" and "gpt_validations"). An entity's own id may be
// named by its attribute ("line_id") or "id", as the older export does, and
// timestamps without an offset are taken as UTC. Tags are taken as stored.
//
// Every entity is validated, and no two may have one key. A bad value, or
// an array of another name, fails with an *InputError naming its JSON path;
// the error matches ErrInvalid.
func DecodeExport(rd io.Reader) (Export, error) {
	doc, err := readJSON("export", rd)
	if err != nil {
		return Export{}, err
	}
	r := &jsonReader{format: "export"}
	top := r.object("", doc)
	if r.err != nil {
		return Export{}, r.err
	}

	// Read the sections in a fixed order, so that the first error reported
	// does not depend on map iteration.
	names := make([]string, 0, len(top))
	for name := range top {
		names = append(names, name)
	}
	sort.Strings(names)
	var x Export
	for _, name := range names {
		typ, ok := exportSections[name]
		if !ok {
			r.fail(name, "is not an array of the export format", nil)
			break
		}
		for i, v := range r.array(top, "", name, true) {
			p := jsonIndex(name, i)
			m := r.object(p, v)
			if r.err != nil {
				break
			}
			r.exportElement(&x, typ, p, m)
		}
		if r.err != nil {
			break
		}
	}
	if r.err != nil {
		return Export{}, r.err
	}
	return x, nil
}

// exportEntity decodes one element of an export as the item type typ.
func exportEntity(typ string, m map[string]any) (Entity, error) {
	r := &jsonReader{format: "export"}
	var x Export
	r.exportElement(&x, typ, strings.ToLower(typ), m)
	if r.err != nil {
		return nil, r.err
	}
	return x.Entities()[0], nil
}

// The decoders of one element of each array.

func (r *jsonReader) image(m map[string]any, p string) Image {
	return Image{
		ID:             r.strOf(m, p, "image_id", "id"),
		Width:          r.int(m, p, attrWidth),
		Height:         r.int(m, p, attrHeight),
		TimestampAdded: r.time(m, p, attrTimestampAdded),
		RawS3Bucket:    r.str(m, p, attrRawS3Bucket),
		RawS3Key:       r.str(m, p, attrRawS3Key),
		SHA256:         r.optStr(m, p, attrSHA256),
		CDNS3Bucket:    r.optStr(m, p, attrCDNS3Bucket),
		CDNS3Key:       r.optStr(m, p, attrCDNS3Key),
	}
}

func (r *jsonReader) line(m map[string]any, p string) Line {
	return Line{
		ImageID: r.str(m, p, "image_id"), ID: r.idOf(m, p, "line_id", "id"),
		Text: r.str(m, p, attrText), Geometry: r.geometry(m, p),
	}
}

func (r *jsonReader) word(m map[string]any, p string) Word {
	return Word{
		ImageID: r.str(m, p, "image_id"), LineID: r.int(m, p, "line_id"),
		ID:   r.idOf(m, p, "word_id", "id"),
		Text: r.str(m, p, attrText), Geometry: r.geometry(m, p),
		Tags: r.strList(m, p, attrTags),
	}
}

func (r *jsonReader) letter(m map[string]any, p string) Letter {
	return Letter{
		ImageID: r.str(m, p, "image_id"), LineID: r.int(m, p, "line_id"),
		WordID: r.int(m, p, "word_id"), ID: r.idOf(m, p, "letter_id", "id"),
		Text: r.str(m, p, attrText), Geometry: r.geometry(m, p),
	}
}

func (r *jsonReader) tagValidation(m map[string]any, p string) TagValidation {
	return TagValidation{
		Validated:               r.optBool(m, p, attrValidated),
		TimestampValidated:      r.optTime(m, p, attrTimestampValidated),
		GPTConfidence:           r.optNum(m, p, attrGPTConfidence),
		Flag:                    r.optStr(m, p, attrFlag),
		RevisedTag:              r.optStr(m, p, attrRevisedTag),
		HumanValidated:          r.optBool(m, p, attrHumanValidated),
		TimestampHumanValidated: r.optTime(m, p, attrTimestampHumanValidated),
	}
}

func (r *jsonReader) wordTag(m map[string]any, p string) WordTag {
	return WordTag{
		ImageID: r.str(m, p, "image_id"), LineID: r.int(m, p, "line_id"),
		WordID:         r.int(m, p, "word_id"),
		Tag:            r.strOf(m, p, "tag", attrTagName),
		TimestampAdded: r.time(m, p, attrTimestampAdded),
		TagValidation:  r.tagValidation(m, p),
	}
}

func (r *jsonReader) receipt(m map[string]any, p string) Receipt {
	return Receipt{
		ImageID:        r.str(m, p, "image_id"),
		ID:             r.idOf(m, p, "receipt_id", "id"),
		Width:          r.int(m, p, attrWidth),
		Height:         r.int(m, p, attrHeight),
		TimestampAdded: r.time(m, p, attrTimestampAdded),
		RawS3Bucket:    r.str(m, p, attrRawS3Bucket),
		RawS3Key:       r.str(m, p, attrRawS3Key),
		TopLeft:        r.point(m, p, attrTopLeft),
		TopRight:       r.point(m, p, attrTopRight),
		BottomLeft:     r.point(m, p, attrBottomLeft),
		BottomRight:    r.point(m, p, attrBottomRight),
		SHA256:         r.optStr(m, p, attrSHA256),
		CDNS3Bucket:    r.optStr(m, p, attrCDNS3Bucket),
		CDNS3Key:       r.optStr(m, p, attrCDNS3Key),
	}
}

func (r *jsonReader) receiptLine(m map[string]any, p string) ReceiptLine {
	return ReceiptLine{
		ImageID: r.str(m, p, "image_id"), ReceiptID: r.int(m, p, "receipt_id"),
		ID:   r.idOf(m, p, "line_id", "id"),
		Text: r.str(m, p, attrText), Geometry: r.geometry(m, p),
	}
}

func (r *jsonReader) receiptWord(m map[string]any, p string) ReceiptWord {
	return ReceiptWord{
		ImageID: r.str(m, p, "image_id"), ReceiptID: r.int(m, p, "receipt_id"),
		LineID: r.int(m, p, "line_id"), ID: r.idOf(m, p, "word_id", "id"),
		Text: r.str(m, p, attrText), Geometry: r.geometry(m, p),
		Tags: r.strList(m, p, attrTags),
	}
}

func (r *jsonReader) receiptLetter(m map[string]any, p string) ReceiptLetter {
	return ReceiptLetter{
		ImageID: r.str(m, p, "image_id"), ReceiptID: r.int(m, p, "receipt_id"),
		LineID: r.int(m, p, "line_id"), WordID: r.int(m, p, "word_id"),
		ID:   r.idOf(m, p, "letter_id", "id"),
		Text: r.str(m, p, attrText), Geometry: r.geometry(m, p),
	}
}

func (r *jsonReader) receiptWordTag(m map[string]any, p string) ReceiptWordTag {
	return ReceiptWordTag{
		ImageID: r.str(m, p, "image_id"), ReceiptID: r.int(m, p, "receipt_id"),
		LineID: r.int(m, p, "line_id"), WordID: r.int(m, p, "word_id"),
		Tag:            r.strOf(m, p, "tag", attrTagName),
		TimestampAdded: r.time(m, p, attrTimestampAdded),
		TagValidation:  r.tagValidation(m, p),
	}
}

func (r *jsonReader) receiptWindow(m map[string]any, p string) ReceiptWindow {
	w := ReceiptWindow{
		ImageID: r.str(m, p, "image_id"), ReceiptID: r.int(m, p, "receipt_id"),
		Corner:                 Corner(r.str(m, p, attrCornerName)),
		CDNS3Bucket:            r.str(m, p, attrCDNS3Bucket),
		CDNS3Key:               r.str(m, p, attrCDNS3Key),
		Width:                  r.int(m, p, attrWidth),
		Height:                 r.int(m, p, attrHeight),
		InnerCornerCoordinates: r.numList(m, p, attrInnerCornerCoordinates, true),
		GPTGuess:               r.numList(m, p, attrGPTGuess, false),
	}
	if c, err := ParseCorner(string(w.Corner)); err == nil {
		w.Corner = c
	}
	return w
}

func (r *jsonReader) gptInitialTagging(m map[string]any, p string) GPTInitialTagging {
	return GPTInitialTagging{
		ImageID: r.str(m, p, "image_id"), ReceiptID: r.int(m, p, "receipt_id"),
		Query: r.str(m, p, attrQuery), Response: r.str(m, p, attrResponse),
		TimestampAdded: r.time(m, p, attrTimestampAdded),
	}
}

func (r *jsonReader) gptValidation(m map[string]any, p string) GPTValidation {
	return GPTValidation{
		ImageID: r.str(m, p, "image_id"), ReceiptID: r.int(m, p, "receipt_id"),
		Query: r.str(m, p, attrQuery), Response: r.str(m, p, attrResponse),
		TimestampAdded: r.time(m, p, attrTimestampAdded),
	}
}
