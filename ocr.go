package receiptdynamo

import "io"

// OCRResult is an image's OCR as lines, words and letters, in the order of
// the OCR output (line order, word order within a line, letter order within
// a word).
type OCRResult struct {
	Lines   []Line
	Words   []Word
	Letters []Letter
}

// DecodeOCR reads the JSON that the Apple Vision OCR step writes
// ({"lines": [...]}, each line with its words and each word with its
// letters) into the lines, words and letters of image imageID. Ids are the
// 1-based positions: a line's place in the file, a word's place in its line,
// a letter's place in its word.
//
// Every entity is validated. A bad value fails with an *InputError naming
// its JSON path, such as "lines[3].words[0].confidence: must be a number";
// the error matches ErrInvalid. Keys the decoder does not know are ignored.
func DecodeOCR(r io.Reader, imageID string) (OCRResult, error) {
	if !IsUUIDv4(imageID) {
		return OCRResult{}, &InputError{Format: "ocr", Path: "image_id",
			Rule: "must be a UUID version 4", Value: imageID}
	}
	doc, err := readJSON("ocr", r)
	if err != nil {
		return OCRResult{}, err
	}
	jr := &jsonReader{format: "ocr"}
	res := jr.ocr(doc, imageID)
	if jr.err != nil {
		return OCRResult{}, jr.err
	}
	return res, nil
}

// ocr reads the whole OCR document.
func (r *jsonReader) ocr(doc any, imageID string) OCRResult {
	var res OCRResult
	top := r.object("", doc)
	if top == nil {
		return res
	}
	for i, v := range r.array(top, "", "lines", false) {
		if r.ocrLine(&res, imageID, i, v); r.err != nil {
			break
		}
	}
	return res
}

// ocrLine reads line i (0-based) with its words.
func (r *jsonReader) ocrLine(res *OCRResult, imageID string, i int, v any) {
	p := jsonIndex("lines", i)
	m := r.object(p, v)
	if m == nil {
		return
	}
	line := Line{ImageID: imageID, ID: i + 1, Text: r.str(m, p, attrText),
		Geometry: r.geometry(m, p)}
	r.valid(p, line)
	res.Lines = append(res.Lines, line)
	for j, wv := range r.array(m, p, "words", false) {
		if r.ocrWord(res, line, jsonIndex(jsonJoin(p, "words"), j), j, wv); r.err != nil {
			return
		}
	}
}

// ocrWord reads word j (0-based) of line, at path p, with its letters.
func (r *jsonReader) ocrWord(res *OCRResult, line Line, p string, j int, v any) {
	m := r.object(p, v)
	if m == nil {
		return
	}
	word := Word{ImageID: line.ImageID, LineID: line.ID, ID: j + 1,
		Text: r.str(m, p, attrText), Geometry: r.geometry(m, p)}
	r.valid(p, word)
	res.Words = append(res.Words, word)
	for k, cv := range r.array(m, p, "letters", false) {
		cp := jsonIndex(jsonJoin(p, "letters"), k)
		cm := r.object(cp, cv)
		if cm == nil {
			return
		}
		letter := Letter{ImageID: line.ImageID, LineID: line.ID, WordID: word.ID, ID: k + 1,
			Text: r.str(cm, cp, attrText), Geometry: r.geometry(cm, cp)}
		r.valid(cp, letter)
		res.Letters = append(res.Letters, letter)
		if r.err != nil {
			return
		}
	}
}
