package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Bad input: each case asserts the exit code and the message, and that the
// store holds exactly what it held before (a backup before and after).

// copyFile copies src to dst, changing the bytes with edit if not nil.
func copyFile(t *testing.T, src, dst string, edit func([]byte) []byte) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		data = edit(data)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editJSON decodes data, lets change alter it, and encodes it again.
func editJSON(t *testing.T, change func(doc map[string]any)) func([]byte) []byte {
	return func(data []byte) []byte {
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		change(doc)
		out, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
}

// badSROIE makes a SROIE folder of receipt 000 whose box file has row 3
// replaced by row.
func badSROIE(t *testing.T, row string) string {
	dir := t.TempDir()
	for _, sub := range []string{"box", "key"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, filepath.Join(sroieDir, "manifest.tsv"), filepath.Join(dir, "manifest.tsv"), nil)
	copyFile(t, filepath.Join(sroieDir, "key", "000.json"), filepath.Join(dir, "key", "000.json"),
		nil)
	copyFile(t, filepath.Join(sroieDir, "box", "000.csv"), filepath.Join(dir, "box", "000.csv"),
		func(b []byte) []byte {
			lines := strings.Split(string(b), "\n")
			lines[2] = row
			return []byte(strings.Join(lines, "\n"))
		})
	return dir
}

func TestBadInputLeavesTheStoreUnchanged(t *testing.T) {
	t.Parallel()
	r := embedded(t)
	f := ocrFixtures[0]
	photo := filepath.Join(ocrDir, f.photo)
	r.ok("import", filepath.Join(ocrDir, f.ocr), "--image", photo)
	before := r.backupLines("")
	dir := t.TempDir()

	truncated := filepath.Join(dir, "27e58027-edd6-45af-9038-3a778feda954_SWIFT_OCR.json")
	copyFile(t, filepath.Join(ocrDir, ocrFixtures[1].ocr), truncated,
		func(b []byte) []byte { return b[:len(b)/2] })

	numberText := filepath.Join(dir, "text-is-a-number_SWIFT_OCR.json")
	copyFile(t, filepath.Join(ocrDir, ocrFixtures[1].ocr), numberText,
		editJSON(t, func(doc map[string]any) {
			line := doc["lines"].([]any)[2].(map[string]any)
			line["words"].([]any)[1].(map[string]any)["text"] = 7
		}))

	badExport := filepath.Join(dir, "export.json")
	copyFile(t, filepath.Join(ocrDir, "5119873a-5401-4dd1-9669-878dff8b5bd5.json"), badExport,
		editJSON(t, func(doc map[string]any) {
			doc["receipts"].([]any)[0].(map[string]any)["width"] = "wide"
		}))

	notAnImage := filepath.Join(dir, "photo.png")
	copyFile(t, filepath.Join(ocrDir, ocrFixtures[1].ocr), notAnImage, nil)

	sevenCoords := badSROIE(t, "205,121,285,121,285,139,205,DATE")

	badBackup := filepath.Join(dir, "backup.jsonl")
	r.ok("backup", badBackup)
	copyFile(t, badBackup, badBackup, func(b []byte) []byte {
		lines := bytes.SplitAfter(b, []byte("\n"))
		lines[4] = []byte(`{"Item":{"PK":{"S":"IMAGE#x"},"SK":{"N":"one"}}}` + "\n")
		return bytes.Join(lines, nil)
	})
	other := embedded(t)

	for _, tc := range []struct {
		name string
		code int
		args []string
		want []string
	}{
		{"truncated JSON", 4, []string{"import", truncated, "--image", photo},
			[]string{"import " + truncated + ": ocr: invalid JSON at line", "column",
				"1 of 1 inputs failed"}},
		{"a number where text belongs", 4, []string{"import", numberText, "--image", photo},
			[]string{"import " + numberText, "lines[2].words[1].text: must be a string"}},
		{"a bad value in an export", 4, []string{"import", badExport},
			[]string{"import " + badExport, "receipts[0].width"}},
		{"a SROIE row with seven coordinates", 4, []string{"import", "--sroie", sevenCoords},
			[]string{filepath.Join(sevenCoords, "box", "000.csv") + ":3: want 8 coordinates " +
				"and the text, found 8 fields"}},
		{"a photo that is not an image", 4,
			[]string{"import", filepath.Join(ocrDir, ocrFixtures[1].ocr), "--image", notAnImage},
			[]string{notAnImage, "not a PNG or JPEG image", "unknown format"}},
		{"a photo missing", 4, []string{"import", numberText},
			[]string{"no photo for this OCR file: give --image PHOTO"}},
		{"unknown command", 2, []string{"imprt", "x.json"},
			[]string{`unknown command "imprt"`, "Run 'receipt-dynamo --help' for usage."}},
		{"unknown flag", 2, []string{"images", "--colour"},
			[]string{"unknown flag: --colour", "Run 'receipt-dynamo images --help'"}},
		{"a missing argument", 2, []string{"image"},
			[]string{"receipt-dynamo image takes 1 argument(s), IMAGE_ID; got 0"}},
		{"an image id that is not a UUID", 2, []string{"image", "42"},
			[]string{`IMAGE_ID must be a UUID version 4, got "42"`}},
		{"an image that does not exist", 3,
			[]string{"image", "27e58027-edd6-45af-9038-3a778feda954"},
			[]string{"image 27e58027-edd6-45af-9038-3a778feda954: not found"}},
		{"--image once per file", 2, []string{"import", truncated, numberText, "--image", photo},
			[]string{"give --image once per OCR file: 1 photos for 2 files"}},
		{"a bad line in a backup", 1, []string{"restore", "--merge", badBackup},
			[]string{badBackup + ": line 5: Item.SK.N: want a decimal number"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.t = t
			defer func() { r.t = nil }()
			r.fails(tc.code, tc.want, tc.args...)
			if after := r.backupLines(""); !slices.Equal(after, before) {
				t.Errorf("the store changed: %d items before, %d after", len(before), len(after))
			}
		})
	}

	// A bad backup writes nothing into an empty store either.
	other.fails(1, []string{"line 5"}, "restore", badBackup)
	other.fails(3, []string{"no receipt table"}, "images")
}

func TestPartialImportStoresTheGoodInputs(t *testing.T) {
	t.Parallel()
	r := embedded(t)
	dir := t.TempDir()
	truncated := filepath.Join(dir, "bad_SWIFT_OCR.json")
	copyFile(t, filepath.Join(ocrDir, ocrFixtures[1].ocr), truncated,
		func(b []byte) []byte { return b[:100] })
	good := filepath.Join(ocrDir, ocrFixtures[0].ocr)

	res := r.fails(4, []string{"import " + truncated, "1 of 2 inputs failed"},
		"import", truncated, good, "--image", filepath.Join(ocrDir, ocrFixtures[0].photo),
		"--image", filepath.Join(ocrDir, ocrFixtures[0].photo), "--json")
	var view importView
	if err := json.Unmarshal([]byte(res.stdout), &view); err != nil {
		t.Fatalf("import --json printed %q: %v", res.stdout, err)
	}
	if len(view.Images) != 1 || view.Images[0].ImageID != ocrFixtures[0].id ||
		len(view.Failed) != 1 || view.Failed[0].Source != truncated {
		t.Errorf("import --json = %+v", view)
	}
	var images []struct {
		ImageID string `json:"image_id"`
	}
	r.okJSON(&images, "images")
	if len(images) != 1 || images[0].ImageID != ocrFixtures[0].id {
		t.Errorf("images = %+v, want only the good image", images)
	}
}

func TestMissingStore(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nothing-here.db")
	r := newRunner(t, []string{"--db", path})
	for _, args := range [][]string{{"images"}, {"job", "list"}, {"backup", "x.jsonl"},
		{"table", "describe"}} {
		r.fails(3, []string{"no receipt table in " + path, `"receipt-dynamo table create"`},
			args...)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a command that only reads created %s", path)
	}
	r.ok("table", "create")
	r.fails(1, []string{"already exists"}, "table", "create")
	if out := r.ok("images"); out != "" {
		t.Errorf("images of a new store printed %q", out)
	}
}
