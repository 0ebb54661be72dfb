package receiptdynamo

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeOCRGolden decodes each Apple Vision OCR file and checks that it
// gives exactly the lines, words and letters of its results file.
func TestDecodeOCRGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(sharedData, "ocr", "*_SWIFT_OCR.json"))
	if err != nil || len(files) != 3 {
		t.Fatalf("found %d OCR files (%v), want 3", len(files), err)
	}
	for _, path := range files {
		imageID := filepath.Base(path)[:36]
		t.Run(imageID[:8], func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := DecodeOCR(f, imageID)
			if err != nil {
				t.Fatal(err)
			}
			want := decodeExportFile(t, strings.TrimSuffix(path, "_SWIFT_OCR.json")+
				"_RESULTS.json")
			compareSlices(t, "lines", got.Lines, want.Lines)
			compareSlices(t, "words", got.Words, want.Words)
			compareSlices(t, "letters", got.Letters, want.Letters)
		})
	}
}

func compareSlices[T any](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d %s, want %d", len(got), what, len(want))
		return
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s[%d]\n got %+v\nwant %+v", what, i, got[i], want[i])
			return
		}
	}
}

// TestDecodeOCRErrors checks that bad OCR names the JSON path of the value.
func TestDecodeOCRErrors(t *testing.T) {
	const img = "2f05267d-86df-42b3-8a14-e29c5ea567b3"
	geom := `"bounding_box": {"x": 0, "y": 0, "width": 0.1, "height": 0.1},
		"top_left": {"x": 0, "y": 0.1}, "top_right": {"x": 0.1, "y": 0.1},
		"bottom_left": {"x": 0, "y": 0}, "bottom_right": {"x": 0.1, "y": 0},
		"angle_degrees": 0, "angle_radians": 0`
	letter := `{"text": "a", "confidence": 1, ` + geom + `}`
	word := func(conf, letters string) string {
		return `{"text": "a", "confidence": ` + conf + `, ` + geom + `, "letters": [` +
			letters + `]}`
	}
	line := func(words string) string {
		return `{"text": "a", "confidence": 1, ` + geom + `, "words": [` + words + `]}`
	}
	ok := line(word("1", letter))
	tests := []struct{ name, in, want string }{
		{"empty", ``, "ocr: invalid JSON"},
		{"syntax", "{\n  \"lines\": [}", "ocr: invalid JSON at line 2, column 13"},
		{"no lines", `{}`, "ocr: lines: is missing"},
		{"line not object", `{"lines": [3]}`, "ocr: lines[0]: must be an object"},
		{"word confidence", `{"lines": [` + ok + `,` + ok + `,` + ok + `,` +
			line(word(`"x"`, letter)) + `]}`,
			"ocr: lines[3].words[0].confidence: must be a number"},
		{"letter text", `{"lines": [` + line(word("1", letter+`,`+
			strings.Replace(letter, `"a"`, `"ab"`, 1))) + `]}`,
			"ocr: lines[0].words[0].letters[1].text: must be exactly one character"},
		{"missing words", `{"lines": [{"text": "a", "confidence": 1, ` + geom + `}]}`,
			"ocr: lines[0].words: is missing"},
		{"box field", `{"lines": [` + strings.Replace(ok, `"width": 0.1`, `"width": null`, 1) +
			`]}`, "ocr: lines[0].bounding_box.width: must be a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeOCR(strings.NewReader(tt.in), img)
			var ie *InputError
			if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want an *InputError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %q, want prefix %q", err, tt.want)
			}
		})
	}
	if _, err := DecodeOCR(strings.NewReader(`{"lines": []}`), "not-a-uuid"); !errors.Is(err,
		ErrInvalid) {
		t.Errorf("bad image id: %v", err)
	}
	res, err := DecodeOCR(strings.NewReader(`{"lines": [`+ok+`]}`), img)
	if err != nil || len(res.Lines) != 1 || len(res.Words) != 1 || len(res.Letters) != 1 ||
		res.Letters[0].LineID != 1 || res.Letters[0].WordID != 1 || res.Letters[0].ID != 1 {
		t.Errorf("minimal OCR = %+v, %v", res, err)
	}
}

// FuzzDecodeOCR checks that the OCR decoder never panics, and that what it
// accepts encodes into items.
func FuzzDecodeOCR(f *testing.F) {
	f.Add([]byte(`{"lines": []}`))
	f.Add([]byte(`{"lines": [{"text": "a", "words": [{"letters": [{}]}]}]}`))
	f.Add([]byte(`{"lines": [null, 1, "x", [], {"confidence": 1e999}]}`))
	f.Add([]byte("\xff\xfe{"))
	path := filepath.Join(sharedData, "ocr", "2f05267d-86df-42b3-8a14-e29c5ea567b3_SWIFT_OCR.json")
	if data, err := os.ReadFile(path); err == nil {
		// The first line of a real file: big seeds slow the fuzzer down.
		var doc struct{ Lines []json.RawMessage }
		if json.Unmarshal(data, &doc) == nil && len(doc.Lines) > 0 {
			f.Add(append(append([]byte(`{"lines": [`), doc.Lines[0]...), "]}"...))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := DecodeOCR(bytes.NewReader(data), "2f05267d-86df-42b3-8a14-e29c5ea567b3")
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		for _, w := range res.Words {
			if _, err := w.MarshalItem(); err != nil {
				t.Fatalf("accepted word does not encode: %v", err)
			}
		}
	})
}
