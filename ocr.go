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
	for li, lv := range r.array(top, "", "lines", false) {
		lp := jsonIndex("lines", li)
		lm := r.object(lp, lv)
		if r.err != nil {
			return res
		}
		line := Line{ImageID: imageID, ID: li + 1, Text: r.str(lm, lp, attrText),
			Geometry: r.geometry(lm, lp)}
		r.valid(lp, line)
		res.Lines = append(res.Lines, line)

		for wi, wv := range r.array(lm, lp, "words", false) {
			wp := jsonIndex(jsonJoin(lp, "words"), wi)
			wm := r.object(wp, wv)
			if r.err != nil {
				return res
			}
			word := Word{ImageID: imageID, LineID: line.ID, ID: wi + 1,
				Text: r.str(wm, wp, attrText), Geometry: r.geometry(wm, wp)}
			r.valid(wp, word)
			res.Words = append(res.Words, word)

			for ci, cv := range r.array(wm, wp, "letters", false) {
				cp := jsonIndex(jsonJoin(wp, "letters"), ci)
				cm := r.object(cp, cv)
				if r.err != nil {
					return res
				}
				letter := Letter{ImageID: imageID, LineID: line.ID, WordID: word.ID,
					ID: ci + 1, Text: r.str(cm, cp, attrText), Geometry: r.geometry(cm, cp)}
				r.valid(cp, letter)
				res.Letters = append(res.Letters, letter)
			}
		}
		if r.err != nil {
			return res
		}
	}
	return res
}
