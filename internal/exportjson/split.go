package exportjson

import (
	"fmt"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Split groups the entities of an export by image, in the order of its
// images array. An entity whose image is not in the images array is an
// error naming the array and the index.
func Split(x rd.Export) ([]rd.ImageData, error) {
	if len(x.Images) == 0 {
		return nil, fmt.Errorf("export: images: is empty; an export holds at least one image")
	}
	out := make([]rd.ImageData, len(x.Images))
	at := make(map[string]int, len(x.Images))
	for i, img := range x.Images {
		if _, dup := at[img.ID]; dup {
			return nil, fmt.Errorf("export: images[%d]: image %s is listed twice", i, img.ID)
		}
		at[img.ID] = i
		out[i].Image = img
	}
	s := splitter{at: at}
	group(&s, "lines", x.Lines, func(v rd.Line) string { return v.ImageID },
		func(d *rd.ImageData, v rd.Line) { d.Lines = append(d.Lines, v) }, out)
	group(&s, "words", x.Words, func(v rd.Word) string { return v.ImageID },
		func(d *rd.ImageData, v rd.Word) { d.Words = append(d.Words, v) }, out)
	group(&s, "letters", x.Letters, func(v rd.Letter) string { return v.ImageID },
		func(d *rd.ImageData, v rd.Letter) { d.Letters = append(d.Letters, v) }, out)
	group(&s, "word_tags", x.WordTags, func(v rd.WordTag) string { return v.ImageID },
		func(d *rd.ImageData, v rd.WordTag) { d.WordTags = append(d.WordTags, v) }, out)
	group(&s, "receipts", x.Receipts, func(v rd.Receipt) string { return v.ImageID },
		func(d *rd.ImageData, v rd.Receipt) { d.Receipts = append(d.Receipts, v) }, out)
	group(&s, "receipt_lines", x.ReceiptLines,
		func(v rd.ReceiptLine) string { return v.ImageID },
		func(d *rd.ImageData, v rd.ReceiptLine) { d.ReceiptLines = append(d.ReceiptLines, v) },
		out)
	group(&s, "receipt_words", x.ReceiptWords,
		func(v rd.ReceiptWord) string { return v.ImageID },
		func(d *rd.ImageData, v rd.ReceiptWord) { d.ReceiptWords = append(d.ReceiptWords, v) },
		out)
	group(&s, "receipt_letters", x.ReceiptLetters,
		func(v rd.ReceiptLetter) string { return v.ImageID },
		func(d *rd.ImageData, v rd.ReceiptLetter) {
			d.ReceiptLetters = append(d.ReceiptLetters, v)
		}, out)
	group(&s, "receipt_word_tags", x.ReceiptWordTags,
		func(v rd.ReceiptWordTag) string { return v.ImageID },
		func(d *rd.ImageData, v rd.ReceiptWordTag) {
			d.ReceiptWordTags = append(d.ReceiptWordTags, v)
		}, out)
	group(&s, "receipt_windows", x.ReceiptWindows,
		func(v rd.ReceiptWindow) string { return v.ImageID },
		func(d *rd.ImageData, v rd.ReceiptWindow) {
			d.ReceiptWindows = append(d.ReceiptWindows, v)
		}, out)
	group(&s, "gpt_initial_taggings", x.GPTInitialTaggings,
		func(v rd.GPTInitialTagging) string { return v.ImageID },
		func(d *rd.ImageData, v rd.GPTInitialTagging) {
			d.GPTInitialTaggings = append(d.GPTInitialTaggings, v)
		}, out)
	group(&s, "gpt_validations", x.GPTValidations,
		func(v rd.GPTValidation) string { return v.ImageID },
		func(d *rd.ImageData, v rd.GPTValidation) {
			d.GPTValidations = append(d.GPTValidations, v)
		}, out)
	if s.err != nil {
		return nil, s.err
	}
	return out, nil
}

// splitter keeps the first error of Split.
type splitter struct {
	at  map[string]int
	err error
}

func group[T any](s *splitter, name string, vs []T, imageOf func(T) string,
	add func(*rd.ImageData, T), out []rd.ImageData) {
	for i, v := range vs {
		if s.err != nil {
			return
		}
		j, ok := s.at[imageOf(v)]
		if !ok {
			s.err = fmt.Errorf("export: %s[%d].image_id: image %s is not in the images array",
				name, i, imageOf(v))
			return
		}
		add(&out[j], v)
	}
}
