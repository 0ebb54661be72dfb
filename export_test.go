package receiptdynamo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// exportFiles returns every results or export file of ../shared/data/ocr.
func exportFiles(t testing.TB) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join(sharedData, "ocr", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range all {
		base := filepath.Base(f)
		if strings.HasSuffix(base, "_SWIFT_OCR.json") || strings.HasSuffix(base, "_GPT.json") {
			continue
		}
		out = append(out, f)
	}
	if len(out) != 4 {
		t.Fatalf("found %d results/export files, want 4: %v", len(out), out)
	}
	return out
}

func decodeExportFile(t testing.TB, path string) Export {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := DecodeExport(f)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return x
}

// TestExportGolden decodes every results and export file, checks the counts
// of ../shared/data/README.md, encodes every entity into an item whose keys
// are those of item-format.md's table, and decodes each item back equal.
func TestExportGolden(t *testing.T) {
	counts := map[string][3]int{ // lines, words, letters
		"02aa1d34": {41, 101, 535}, "27e58027": {40, 104, 525},
		"2f05267d": {40, 104, 525}, "5119873a": {40, 104, 525},
	}
	for _, path := range exportFiles(t) {
		base := filepath.Base(path)
		t.Run(base[:8], func(t *testing.T) {
			x := decodeExportFile(t, path)
			want := counts[base[:8]]
			got := [3]int{len(x.Lines), len(x.Words), len(x.Letters)}
			if got != want || len(x.ReceiptLines) != want[0] ||
				len(x.ReceiptWords) != want[1] || len(x.ReceiptLetters) != want[2] {
				t.Errorf("lines, words, letters = %v (receipt %d %d %d), want %v", got,
					len(x.ReceiptLines), len(x.ReceiptWords), len(x.ReceiptLetters), want)
			}
			if len(x.Images) != 1 || len(x.Receipts) != 1 {
				t.Fatalf("%d images, %d receipts; want 1 each", len(x.Images), len(x.Receipts))
			}
			if x.Images[0].ID != base[:36] || x.Receipts[0].ImageID != base[:36] {
				t.Errorf("image id %q, want %q", x.Images[0].ID, base[:36])
			}
			ents := x.Entities()
			if len(ents) != 2+2*(want[0]+want[1]+want[2]) {
				t.Errorf("Entities() has %d entities", len(ents))
			}
			seen := map[Key]bool{}
			for _, e := range ents {
				checkEntityItem(t, e)
				if seen[e.Key()] {
					t.Errorf("key %s appears twice", e.Key())
				}
				seen[e.Key()] = true
			}
		})
	}
}

// checkEntityItem encodes e, compares the item's keys with the table of
// item-format.md, and decodes the item back equal.
func checkEntityItem(t *testing.T, e Entity) {
	t.Helper()
	item, err := e.MarshalItem()
	if err != nil {
		t.Fatalf("%T %v: %v", e, e.Key(), err)
	}
	want := tableKeys(e)
	for _, a := range []string{AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK, AttrGSI2PK, AttrGSI2SK,
		AttrGSI3PK, AttrGSI3SK, AttrType} {
		var got string
		if v, ok := item[a].(*types.AttributeValueMemberS); ok {
			got = v.Value
		}
		if got != want[a] {
			t.Errorf("%T %s = %q, table says %q", e, a, got, want[a])
		}
	}
	back, err := UnmarshalAny(item)
	if err != nil {
		t.Fatalf("%T %v: decode: %v", e, e.Key(), err)
	}
	if !reflect.DeepEqual(back, e) {
		t.Errorf("%T decodes back as\n %+v\nwant %+v", e, back, e)
	}
}

// tableKeys spells the key attributes of e as the table of item-format.md
// does, independently of keys.go.
func tableKeys(e Entity) map[string]string {
	id := func(n int) string { return fmt.Sprintf("%05d", n) }
	pad := func(tag string) string { return strings.Repeat("_", 40-len(tag)) + tag }
	k := map[string]string{AttrType: e.ItemType()}
	set := func(pk, sk string, gsi ...string) {
		k[AttrPK], k[AttrSK] = pk, sk
		names := []string{AttrGSI1PK, AttrGSI1SK, AttrGSI2PK, AttrGSI2SK, AttrGSI3PK,
			AttrGSI3SK}
		for i, v := range gsi {
			k[names[i]] = v
		}
	}
	switch v := e.(type) {
	case Image:
		i := "IMAGE#" + v.ID
		set(i, "IMAGE", "IMAGE", i, i, "IMAGE")
	case Line:
		i := "IMAGE#" + v.ImageID
		set(i, "LINE#"+id(v.ID), "IMAGE", i+"#LINE#"+id(v.ID))
	case Word:
		i := "IMAGE#" + v.ImageID
		sk := "LINE#" + id(v.LineID) + "#WORD#" + id(v.ID)
		set(i, sk, "", "", i, sk)
	case Letter:
		set("IMAGE#"+v.ImageID, "LINE#"+id(v.LineID)+"#WORD#"+id(v.WordID)+"#LETTER#"+id(v.ID))
	case WordTag:
		i := "IMAGE#" + v.ImageID
		w := "LINE#" + id(v.LineID) + "#WORD#" + id(v.WordID)
		set(i, w+"#TAG#"+pad(v.Tag), "TAG#"+pad(v.Tag), i+"#"+w, i, w+"#TAG#"+pad(v.Tag))
	case Receipt:
		i := "IMAGE#" + v.ImageID
		r := "RECEIPT#" + id(v.ID)
		set(i, r, "IMAGE", i+"#"+r, "RECEIPT", i+"#"+r, "RECEIPT", r)
	case ReceiptLine:
		set("IMAGE#"+v.ImageID, "RECEIPT#"+id(v.ReceiptID)+"#LINE#"+id(v.ID))
	case ReceiptWord:
		i := "IMAGE#" + v.ImageID
		sk := "RECEIPT#" + id(v.ReceiptID) + "#LINE#" + id(v.LineID) + "#WORD#" + id(v.ID)
		set(i, sk, "", "", "RECEIPT", i+"#"+sk)
	case ReceiptLetter:
		set("IMAGE#"+v.ImageID, "RECEIPT#"+id(v.ReceiptID)+"#LINE#"+id(v.LineID)+
			"#WORD#"+id(v.WordID)+"#LETTER#"+id(v.ID))
	case ReceiptWordTag:
		i := "IMAGE#" + v.ImageID
		w := "RECEIPT#" + id(v.ReceiptID) + "#LINE#" + id(v.LineID) + "#WORD#" + id(v.WordID)
		tg := w + "#TAG#" + pad(v.Tag)
		set(i, tg, "TAG#"+pad(v.Tag), i+"#"+w, "RECEIPT", i+"#"+tg)
	case ReceiptWindow:
		sk := "RECEIPT#" + id(v.ReceiptID) + "#RECEIPT_WINDOW#" + strings.ToUpper(string(v.Corner))
		set("IMAGE#"+v.ImageID, sk, "", "", "", "", "RECEIPT", sk)
	case GPTInitialTagging:
		set("IMAGE#"+v.ImageID, "RECEIPT#"+id(v.ReceiptID)+"#QUERY#INITIAL_TAGGING")
	case GPTValidation:
		set("IMAGE#"+v.ImageID, "RECEIPT#"+id(v.ReceiptID)+"#QUERY#VALIDATION")
	}
	return k
}

// TestTableKeysOfEveryType runs the key check on one entity of each type,
// including those the fixtures have none of.
func TestTableKeysOfEveryType(t *testing.T) {
	for _, e := range validEntities() {
		checkEntityItem(t, e)
	}
}

// TestDecodeExportErrors checks that bad input names its JSON path.
func TestDecodeExportErrors(t *testing.T) {
	const img = `"image_id": "2f05267d-86df-42b3-8a14-e29c5ea567b3"`
	geom := `"bounding_box": {"x": 0, "y": 0, "width": 0.1, "height": 0.1},
		"top_left": {"x": 0, "y": 0.1}, "top_right": {"x": 0.1, "y": 0.1},
		"bottom_left": {"x": 0, "y": 0}, "bottom_right": {"x": 0.1, "y": 0},
		"angle_degrees": 0, "angle_radians": 0`
	tests := []struct{ name, in, want string }{
		{"not json", `{"lines": [`, "export: invalid JSON at line 1, column 11"},
		{"not object", `[]`, "export: must be an object"},
		{"unknown section", `{"pages": []}`, "export: pages: is not an array"},
		{"section not array", `{"lines": {}}`, "export: lines: must be an array"},
		{"confidence string", `{"lines": [{` + img + `, "line_id": 1, "text": "a", ` + geom +
			`, "confidence": "high"}]}`, "export: lines[0].confidence: must be a number"},
		{"confidence zero", `{"lines": [{` + img + `, "line_id": 1, "text": "a", ` + geom +
			`, "confidence": 0}]}`, "export: lines[0].confidence: must be in (0, 1]"},
		{"missing point", `{"letters": [{` + img + `, "line_id": 1, "word_id": 1,
			"letter_id": 1, "text": "a", "confidence": 1,
			"bounding_box": {"x": 0, "y": 0, "width": 0.1, "height": 0.1},
			"angle_degrees": 0, "angle_radians": 0}]}`, "export: letters[0].top_left: is missing"},
		{"bad id", `{"words": [{` + img + `, "line_id": 1.5, "id": 1, "text": "a", ` + geom +
			`, "confidence": 1}]}`, "export: words[0].line_id: must be an integer"},
		{"bad tag", `{"words": [{` + img + `, "line_id": 1, "id": 1, "text": "a", ` + geom +
			`, "confidence": 1, "tags": ["ok", 3]}]}`,
			"export: words[0].tags[1]: must be a string"},
		{"same key twice", `{"receipt_lines": [{` + img + `, "receipt_id": 1, "id": 2,
			"text": "a", ` + geom + `, "confidence": 1}, {` + img + `, "receipt_id": 1,
			"line_id": 2, "text": "b", ` + geom + `, "confidence": 1}]}`,
			"export: receipt_lines[1]: has the same key as receipt_lines[0]"},
		{"bad time", `{"images": [{` + img + `, "width": 1, "height": 1, "timestamp_added":
			"yesterday", "raw_s3_bucket": "b", "raw_s3_key": "k"}]}`,
			"export: images[0].timestamp_added: must be an ISO 8601 timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeExport(strings.NewReader(tt.in))
			var ie *InputError
			if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want an *InputError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %q, want prefix %q", err, tt.want)
			}
		})
	}
}

// TestDecodeExportNaiveTime checks that a timestamp without an offset, as
// the older export writes it, is taken as UTC.
func TestDecodeExportNaiveTime(t *testing.T) {
	x := decodeExportFile(t, filepath.Join(sharedData, "ocr",
		"5119873a-5401-4dd1-9669-878dff8b5bd5.json"))
	if got := FormatTime(x.Images[0].TimestampAdded); got != "2021-01-01T00:00:00.000000+00:00" {
		t.Errorf("timestamp_added = %s", got)
	}
}
