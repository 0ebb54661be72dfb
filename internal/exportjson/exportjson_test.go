package exportjson

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

const fixture = "../../../shared/data/ocr/5119873a-5401-4dd1-9669-878dff8b5bd5.json"

func decodeFile(t *testing.T, path string) rd.Export {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := rd.DecodeExport(f)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestRoundTripThroughDecodeExport(t *testing.T) {
	x := decodeFile(t, fixture)
	images, err := rd.ImagesOfExport(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(images) != 1 || len(images[0].Lines) != 40 || len(images[0].Letters) != 525 {
		t.Fatalf("split gave %d images, %d lines, %d letters", len(images),
			len(images[0].Lines), len(images[0].Letters))
	}
	var buf bytes.Buffer
	if err := Write(&buf, images[0]); err != nil {
		t.Fatal(err)
	}
	back, err := rd.DecodeExport(&buf)
	if err != nil {
		t.Fatalf("DecodeExport of what Write wrote: %v", err)
	}
	if !reflect.DeepEqual(normalise(back), normalise(x)) {
		t.Error("the export changed in a round trip through Write and DecodeExport")
	}
}

// normalise makes empty tag sets nil, as decoders may give either.
func normalise(x rd.Export) rd.Export {
	for i := range x.Words {
		if len(x.Words[i].Tags) == 0 {
			x.Words[i].Tags = nil
		}
	}
	for i := range x.ReceiptWords {
		if len(x.ReceiptWords[i].Tags) == 0 {
			x.ReceiptWords[i].Tags = nil
		}
	}
	return x
}

func TestWriteShape(t *testing.T) {
	at := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	id := "5119873a-5401-4dd1-9669-878dff8b5bd5"
	yes := true
	d := rd.ImageData{
		Image: rd.Image{ID: id, Width: 10, Height: 20, TimestampAdded: at,
			RawS3Bucket: "b", RawS3Key: "k"},
		WordTags: []rd.WordTag{{ImageID: id, LineID: 1, WordID: 2, Tag: "TOTAL",
			TimestampAdded: at, TagValidation: rd.TagValidation{Validated: &yes}}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"images", "lines", "words", "word_tags", "letters",
		"receipts", "receipt_lines", "receipt_words", "receipt_word_tags", "receipt_letters"} {
		if _, ok := doc[name].([]any); !ok {
			t.Errorf("%s: %T, want an array", name, doc[name])
		}
	}
	if _, ok := doc["receipt_windows"]; ok {
		t.Error("receipt_windows written though the image has none")
	}
	img := doc["images"].([]any)[0].(map[string]any)
	if img["sha256"] != nil || img["timestamp_added"] != "2021-01-01T00:00:00.000000+00:00" {
		t.Errorf("image = %v, want sha256 null and the time with its offset", img)
	}
	tag := doc["word_tags"].([]any)[0].(map[string]any)
	if tag["tag"] != "TOTAL" || tag["validated"] != true || tag["flag"] != nil {
		t.Errorf("word tag = %v", tag)
	}
}
