package sroie

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// dataDir is the SROIE training set of ../shared/data.
const dataDir = "../../../shared/data/sroie"

var now = time.Date(2025, 2, 27, 14, 3, 9, 0, time.UTC)

func TestParseBox(t *testing.T) {
	in := "72,25,326,25,326,64,72,64,TAN WOON YANN\r\n" +
		"\r\n" +
		"110,144,383,144,383,163,110,163,NO.53 55,57 & 59, JALAN SAGU 18,\n"
	lines, err := ParseBox(strings.NewReader(in), "box/000.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2", len(lines))
	}
	if lines[0].Text != "TAN WOON YANN" || lines[0].Row != 1 {
		t.Errorf("line 1 = %+v", lines[0])
	}
	if lines[1].Text != "NO.53 55,57 & 59, JALAN SAGU 18," || lines[1].Row != 3 {
		t.Errorf("line 2 = %+v, want the text with its commas, row 3", lines[1])
	}
	if lines[1].Corners != [4][2]int{{110, 144}, {383, 144}, {383, 163}, {110, 163}} {
		t.Errorf("corners = %v", lines[1].Corners)
	}
}

func TestParseBoxErrors(t *testing.T) {
	good := "72,25,326,25,326,64,72,64,TAN WOON YANN\n"
	for _, tc := range []struct {
		name, row, want string
	}{
		{"seven coordinates", "72,25,326,25,326,64,72,TOTAL",
			"box/007.csv:2: want 8 coordinates and the text, found 8 fields"},
		{"seven coordinates, text with a comma", "72,25,326,25,326,64,72,TOTAL 9,00",
			`box/007.csv:2: coordinate 8 (y4): want an integer, got "TOTAL 9"`},
		{"a word for a number", "72,25,x,25,326,64,72,64,A",
			`box/007.csv:2: coordinate 3 (x2): want an integer, got "x"`},
		{"negative", "72,25,-1,25,326,64,72,64,A", "coordinate 3 (x2): want >= 0, got -1"},
		{"no text", "72,25,326,25,326,64,72,64,  ", "box/007.csv:2: empty text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBox(strings.NewReader(good+tc.row+"\n"), "box/007.csv")
			var ie *InputError
			if !errors.As(err, &ie) || ie.Line != 2 || ie.File != "box/007.csv" {
				t.Fatalf("err = %v, want an *InputError at box/007.csv:2", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
	if _, err := ParseBox(strings.NewReader("\n\n"), "box/x.csv"); err == nil {
		t.Error("an empty box file was accepted")
	}
}

func TestParseKey(t *testing.T) {
	k, err := ParseKey(strings.NewReader(`{"company": "A", "total": "9.00", "extra": 1}`), "k")
	if err != nil || k.Company != "A" || k.Total != "9.00" || k.Date != "" {
		t.Errorf("ParseKey = %+v, %v", k, err)
	}
	bad := "{\n\"company\": \"A\",\n\"total\": 9.00\n}"
	_, err = ParseKey(strings.NewReader(bad), "key/001.json")
	if err == nil || !strings.Contains(err.Error(), "key/001.json:3: total: want a string") {
		t.Errorf("err = %v, want one naming key/001.json:3 and total", err)
	}
	_, err = ParseKey(strings.NewReader(`{"company": "A"`), "key/002.json")
	if err == nil || !strings.Contains(err.Error(), "key/002.json:1:") {
		t.Errorf("err = %v, want one naming key/002.json:1", err)
	}
}

func TestImageID(t *testing.T) {
	a, b := ImageID("000"), ImageID("001")
	if a != ImageID("000") {
		t.Error("ImageID is not deterministic")
	}
	if a == b {
		t.Error("two receipts got one image id")
	}
	u, err := uuid.Parse(a)
	if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
		t.Errorf("ImageID = %s (version %d, variant %v), want a UUID v4", a, u.Version(),
			u.Variant())
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func nearPoint(p, q rd.Point) bool { return near(p.X, q.X) && near(p.Y, q.Y) }

func TestBuildGeometry(t *testing.T) {
	// A 100 x 200 image with one line "AB CD" from x 10 to 60 (5 characters
	// of 10 pixels each), y 20 to 40 from the top.
	scan := Scan{ID: "x", Width: 100, Height: 200, SHA256: strings.Repeat("a", 64)}
	lines := []BoxLine{{Row: 1, Corners: [4][2]int{{10, 20}, {60, 20}, {60, 40}, {10, 40}},
		Text: "AB CD"}}
	r, err := Build("x", scan, lines, Key{}, now, "box/x.csv")
	if err != nil {
		t.Fatal(err)
	}
	l := r.Lines[0]
	if !nearPoint(l.TopLeft, rd.Point{X: 0.1, Y: 0.9}) ||
		!nearPoint(l.BottomRight, rd.Point{X: 0.6, Y: 0.8}) {
		t.Errorf("line corners = %+v %+v, want (0.1,0.9) and (0.6,0.8)", l.TopLeft,
			l.BottomRight)
	}
	bb := l.BoundingBox
	if !near(bb.X, 0.1) || !near(bb.Y, 0.8) || !near(bb.Width, 0.5) || !near(bb.Height, 0.1) {
		t.Errorf("line box = %+v", bb)
	}
	if l.Confidence != 1 || l.AngleDegrees != 0 {
		t.Errorf("line confidence %v angle %v, want 1 and 0", l.Confidence, l.AngleDegrees)
	}

	// Words: "AB" is characters 0-2 (x 10..30), "CD" 3-5 (x 40..60).
	if len(r.Words) != 2 || r.Words[0].Text != "AB" || r.Words[1].Text != "CD" {
		t.Fatalf("words = %+v", r.Words)
	}
	w2 := r.Words[1]
	if w2.ID != 2 || !near(w2.BoundingBox.X, 0.4) || !near(w2.BoundingBox.Width, 0.2) {
		t.Errorf("word 2 = id %d box %+v, want x 0.4 width 0.2", w2.ID, w2.BoundingBox)
	}
	if w2.Confidence != ApproxConfidence {
		t.Errorf("word confidence = %v, want %v", w2.Confidence, ApproxConfidence)
	}

	// Letters: D is the second half of CD, x 50..60.
	if len(r.Letters) != 4 {
		t.Fatalf("got %d letters, want 4", len(r.Letters))
	}
	d := r.Letters[3]
	if d.Text != "D" || d.LineID != 1 || d.WordID != 2 || d.ID != 2 ||
		!near(d.BoundingBox.X, 0.5) || !near(d.BoundingBox.Width, 0.1) {
		t.Errorf("letter D = %+v", d)
	}

	// The receipt covers the image and repeats its lines, words and letters.
	if r.Receipt.Width != 100 || r.Receipt.TopLeft != (rd.Point{X: 0, Y: 1}) ||
		len(r.ReceiptLines) != 1 || len(r.ReceiptWords) != 2 || len(r.ReceiptLetters) != 4 {
		t.Errorf("receipt = %+v with %d lines %d words %d letters", r.Receipt,
			len(r.ReceiptLines), len(r.ReceiptWords), len(r.ReceiptLetters))
	}
	if r.ReceiptWords[1].Geometry != w2.Geometry {
		t.Error("receipt word geometry differs from the image word's")
	}
}

func TestBuildAngle(t *testing.T) {
	// A baseline rising 10 pixels over 100 in a square image: 5.71 degrees.
	scan := Scan{ID: "x", Width: 200, Height: 200, SHA256: strings.Repeat("a", 64)}
	lines := []BoxLine{{Row: 1, Corners: [4][2]int{{0, 40}, {100, 30}, {100, 50}, {0, 60}},
		Text: "A"}}
	r, err := Build("x", scan, lines, Key{}, now, "b")
	if err != nil {
		t.Fatal(err)
	}
	want := math.Atan2(10, 100)
	if g := r.Lines[0].Geometry; !near(g.AngleRadians, want) ||
		!near(g.AngleDegrees, want*180/math.Pi) {
		t.Errorf("angle = %v rad %v deg, want %v rad", g.AngleRadians, g.AngleDegrees, want)
	}
}

func TestBuildOutOfBounds(t *testing.T) {
	scan := Scan{ID: "x", Width: 100, Height: 100, SHA256: strings.Repeat("a", 64)}
	lines := []BoxLine{{Row: 4, Corners: [4][2]int{{0, 0}, {101, 0}, {101, 10}, {0, 10}},
		Text: "A"}}
	_, err := Build("x", scan, lines, Key{}, now, "box/x.csv")
	if err == nil || !strings.Contains(err.Error(), "box/x.csv:4: corner 2 (101,0) lies outside") {
		t.Errorf("err = %v", err)
	}
}

// tagsOf builds a receipt from text lines and returns word text -> tags.
func tagsOf(t *testing.T, key Key, texts ...string) (map[string][]string, *Receipt) {
	t.Helper()
	scan := Scan{ID: "t", Width: 1000, Height: 1000, SHA256: strings.Repeat("a", 64)}
	var lines []BoxLine
	for i, s := range texts {
		y := 10 + 20*i
		lines = append(lines, BoxLine{Row: i + 1,
			Corners: [4][2]int{{10, y}, {900, y}, {900, y + 15}, {10, y + 15}}, Text: s})
	}
	r, err := Build("t", scan, lines, key, now, "b")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, w := range r.Words {
		if len(w.Tags) > 0 {
			got[w.Text+"@"+string(rune('0'+w.LineID))] = w.Tags
		}
	}
	return got, r
}

func TestTagMatching(t *testing.T) {
	got, r := tagsOf(t, Key{Company: "MR D.I.Y. (JOHOR) SDN BHD",
		Address: "27, JALAN DEDAP 13, TAMAN JOHOR JAYA", Date: "19/10/2018", Total: "9.00"},
		"MR D.T.Y. (JOHOR) SDN BHD",
		"27,JALAN DEDAP 13,",
		"TAMAN JOHOR JAYA",
		"DATE:19/10/2018 PRICE 19.00",
		"ITEM 9.00",
		"TOTAL: RM9.00",
		"CASH 9.00")
	want := map[string]string{
		"MR@1": "COMPANY", "D.T.Y.@1": "COMPANY", "(JOHOR)@1": "COMPANY", "BHD@1": "COMPANY",
		"27,JALAN@2": "ADDRESS", "13,@2": "ADDRESS", "JAYA@3": "ADDRESS",
		"DATE:19/10/2018@4": "DATE", "TOTAL:@6": "", "RM9.00@6": "TOTAL",
	}
	for word, tag := range want {
		tags := got[word]
		if tag == "" {
			if len(tags) > 0 {
				t.Errorf("%s has tags %v, want none", word, tags)
			}
			continue
		}
		if len(tags) != 1 || tags[0] != tag {
			t.Errorf("%s has tags %v, want [%s]", word, tags, tag)
		}
	}
	for _, notTotal := range []string{"19.00@4", "9.00@5", "9.00@7"} {
		if len(got[notTotal]) > 0 {
			t.Errorf("%s is tagged %v; only the total line's 9.00 should be", notTotal,
				got[notTotal])
		}
	}
	if len(r.Tags) != len(r.ReceiptTags) || len(r.Tags) == 0 {
		t.Errorf("%d word tags, %d receipt word tags", len(r.Tags), len(r.ReceiptTags))
	}
	if len(r.Unmatched) != 0 {
		t.Errorf("unmatched = %v", r.Unmatched)
	}
}

func TestTagTotalWithoutTotalLine(t *testing.T) {
	got, _ := tagsOf(t, Key{Total: "5.50", Date: "01/01/2019"},
		"ITEM 5.50", "AMOUNT DUE 5.50", "THANK YOU")
	if len(got["5.50@1"]) > 0 || len(got["5.50@2"]) != 1 {
		t.Errorf("tags = %v, want only the last 5.50 (line 2) tagged", got)
	}
	_, r := tagsOf(t, Key{Total: "5.50", Date: "01/01/2019"}, "ITEM 5.50")
	if len(r.Unmatched) != 1 || r.Unmatched[0] != TagDate {
		t.Errorf("unmatched = %v, want [DATE]", r.Unmatched)
	}
}

func TestApproxTooFar(t *testing.T) {
	_, r := tagsOf(t, Key{Company: "COMPLETELY DIFFERENT NAME"}, "SOME SHOP SDN BHD")
	if len(r.Tags) != 0 || len(r.Unmatched) != 1 {
		t.Errorf("tags %v unmatched %v, want no tag", r.Tags, r.Unmatched)
	}
}

func TestDataset(t *testing.T) {
	d, err := Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := d.IDs()
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 626 || ids[0] != "000" {
		t.Fatalf("got %d ids from %s, want 626 from 000", len(ids), ids[0])
	}

	// Every receipt loads; count lines and the tags the doc promises.
	lines, tagged := 0, map[string]int{}
	for _, id := range ids {
		r, err := d.Load(id, now)
		if err != nil {
			t.Fatalf("receipt %s: %v", id, err)
		}
		lines += len(r.Lines)
		seen := map[string]bool{}
		for _, tg := range r.Tags {
			seen[tg.Tag] = true
		}
		for tag := range seen {
			tagged[tag]++
		}
	}
	if lines != 33626 {
		t.Errorf("%d lines in all, want 33,626", lines)
	}
	want := map[string]int{TagCompany: 623, TagDate: 623, TagAddress: 623, TagTotal: 624}
	for tag, n := range want {
		if tagged[tag] != n {
			t.Errorf("%d receipts have a %s tag, want %d (as the package doc says)",
				tagged[tag], tag, n)
		}
	}
}

func TestDatasetDetection(t *testing.T) {
	if !IsDataset(dataDir) {
		t.Errorf("IsDataset(%s) = false", dataDir)
	}
	if IsDataset(dataDir + "/box") {
		t.Error("IsDataset(box/) = true")
	}
	dir, id, ok := BoxFileDataset(dataDir + "/box/003.csv")
	if !ok || id != "003" || dir != dataDir {
		t.Errorf("BoxFileDataset = %q %q %v", dir, id, ok)
	}
	if _, _, ok := BoxFileDataset(dataDir + "/key/003.json"); ok {
		t.Error("a key file was taken for a box file")
	}
}

func TestTagDigitBoundaries(t *testing.T) {
	got, _ := tagsOf(t, Key{Date: "20180428", Total: "9.00"},
		": 20180428/191204", "TOTAL 9.000 19.00 9.00")
	if len(got[":@1"]) > 0 || len(got["20180428/191204@1"]) != 1 {
		t.Errorf("date tags = %v, want 20180428/191204 tagged", got)
	}
	if len(got["9.000@2"]) > 0 || len(got["19.00@2"]) > 0 || len(got["9.00@2"]) != 1 {
		t.Errorf("total tags = %v, want only 9.00 tagged", got)
	}
}

func TestImageDataValidates(t *testing.T) {
	// Every receipt of the first 20 makes image data that LoadImage accepts:
	// ids in range, parents present, tag sets agreeing with tag items.
	d, err := Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := d.IDs()
	for _, id := range ids[:20] {
		r, err := d.Load(id, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.ImageData().Validate(); err != nil {
			t.Errorf("receipt %s: %v", id, err)
		}
	}
}
