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

// exportSections maps each array of an export to the decoder of one of its
// elements and the place where the decoded entity goes.
var exportSections = map[string]func(r *jsonReader, x *Export, path string, m map[string]any){
	"images":   func(r *jsonReader, x *Export, p string, m map[string]any) { add(r, &x.Images, p, r.image(m, p)) },
	"lines":    func(r *jsonReader, x *Export, p string, m map[string]any) { add(r, &x.Lines, p, r.line(m, p)) },
	"words":    func(r *jsonReader, x *Export, p string, m map[string]any) { add(r, &x.Words, p, r.word(m, p)) },
	"letters":  func(r *jsonReader, x *Export, p string, m map[string]any) { add(r, &x.Letters, p, r.letter(m, p)) },
	"receipts": func(r *jsonReader, x *Export, p string, m map[string]any) { add(r, &x.Receipts, p, r.receipt(m, p)) },
	"word_tags": func(r *jsonReader, x *Export, p string, m map[string]any) {
		add(r, &x.WordTags, p, r.wordTag(m, p))
	},
	"receipt_lines": func(r *jsonReader, x *Export, p string, m map[string]any) {
		add(r, &x.ReceiptLines, p, r.receiptLine(m, p))
	},
	"receipt_words": func(r *jsonReader, x *Export, p string, m map[string]any) {
		add(r, &x.ReceiptWords, p, r.receiptWord(m, p))
	},
	"receipt_letters": func(r *jsonReader, x *Export, p string, m map[string]any) {
		add(r, &x.ReceiptLetters, p, r.receiptLetter(m, p))
	},
	"receipt_word_tags": func(r *jsonReader, x *Export, p string, m map[string]any) {
		add(r, &x.ReceiptWordTags, p, r.receiptWordTag(m, p))
	},
	"receipt_windows": func(r *jsonReader, x *Export, p string, m map[string]any) {
		add(r, &x.ReceiptWindows, p, r.receiptWindow(m, p))
	},
	"gpt_initial_taggings": func(r *jsonReader, x *Export, p string, m map[string]any) {
		add(r, &x.GPTInitialTaggings, p, r.gptInitialTagging(m, p))
	},
	"gpt_validations": func(r *jsonReader, x *Export, p string, m map[string]any) {
		add(r, &x.GPTValidations, p, r.gptValidation(m, p))
	},
}

// add validates e and appends it to dst.
func add[T Entity](r *jsonReader, dst *[]T, path string, e T) {
	r.valid(path, e)
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
// Every entity is validated. A bad value, or an array of another name,
// fails with an *InputError naming its JSON path; the error matches
// ErrInvalid.
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
		section, ok := exportSections[name]
		if !ok {
			r.fail(name, "is not an array of the export format", nil)
			break
		}
		for i, v := range r.array(top, "", name, true) {
			p := index(name, i)
			m := r.object(p, v)
			if r.err != nil {
				break
			}
			section(r, &x, p, m)
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
	p := strings.ToLower(typ)
	var e Entity
	switch typ {
	case TypeImage:
		e = r.image(m, p)
	case TypeLine:
		e = r.line(m, p)
	case TypeWord:
		e = r.word(m, p)
	case TypeLetter:
		e = r.letter(m, p)
	case TypeWordTag:
		e = r.wordTag(m, p)
	case TypeReceipt:
		e = r.receipt(m, p)
	case TypeReceiptLine:
		e = r.receiptLine(m, p)
	case TypeReceiptWord:
		e = r.receiptWord(m, p)
	case TypeReceiptLetter:
		e = r.receiptLetter(m, p)
	case TypeReceiptWordTag:
		e = r.receiptWordTag(m, p)
	case TypeReceiptWindow:
		e = r.receiptWindow(m, p)
	case TypeGPTInitialTagging:
		e = r.gptInitialTagging(m, p)
	case TypeGPTValidation:
		e = r.gptValidation(m, p)
	default:
		return nil, &InputError{Format: "export", Rule: "unknown item type", Value: typ}
	}
	r.valid(p, e)
	if r.err != nil {
		return nil, r.err
	}
	return e, nil
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
