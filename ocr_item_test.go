package receiptdynamo

import (
	"errors"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ocrItemTypes are the 13 OCR-side item types.
var ocrItemTypes = []string{
	TypeImage, TypeLine, TypeWord, TypeLetter, TypeWordTag, TypeReceipt,
	TypeReceiptLine, TypeReceiptWord, TypeReceiptLetter, TypeReceiptWordTag,
	TypeReceiptWindow, TypeGPTInitialTagging, TypeGPTValidation,
}

// olderOnlyAttrs are attributes the older writer stores and we ignore.
var olderOnlyAttrs = map[string]bool{"histogram": true, "num_chars": true}

// TestOlderWriterOCRItems decodes each OCR-side item of the older writer
// into the fields listed with it, then checks that encoding those fields
// gives the same keys and attributes and decodes to the same entity.
func TestOlderWriterOCRItems(t *testing.T) {
	for _, c := range olderWriterCases(t, ocrItemTypes...) {
		t.Run(c.Name(), func(t *testing.T) {
			want, err := exportEntity(c.Type, c.Fields)
			if err != nil {
				t.Fatalf("fields: %v", err)
			}
			got, err := UnmarshalAny(c.Item)
			if err != nil {
				t.Fatalf("decode older item: %v", err)
			}
			// The older writer rounded confidence to two decimals.
			g, w := normalizeForCompare(got, want), normalizeForCompare(want, want)
			if !reflect.DeepEqual(g, w) {
				t.Errorf("decoded older item\n got %+v\nwant %+v", got, want)
			}

			item, err := want.MarshalItem()
			if err != nil {
				t.Fatalf("encode fields: %v", err)
			}
			for _, k := range []string{AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK, AttrGSI2PK,
				AttrGSI2SK, AttrGSI3PK, AttrGSI3SK, AttrType} {
				if !reflect.DeepEqual(item[k], c.Item[k]) {
					t.Errorf("key %s = %v, older writer %v", k, item[k], c.Item[k])
				}
			}
			for name, old := range c.Item {
				if olderOnlyAttrs[name] {
					if _, ok := item[name]; ok {
						t.Errorf("%s is written; it must not be", name)
					}
					continue
				}
				if typeName(item[name]) != typeName(old) {
					t.Errorf("%s is %s, older writer %s", name, typeName(item[name]),
						typeName(old))
				}
			}
			for name := range item {
				if _, ok := c.Item[name]; !ok {
					t.Errorf("%s is written; the older writer has no such attribute", name)
				}
			}
			again, err := UnmarshalAny(item)
			if err != nil {
				t.Fatalf("decode re-encoded item: %v", err)
			}
			if !reflect.DeepEqual(again, want) {
				t.Errorf("re-encoded item decodes to\n %+v\nwant %+v", again, want)
			}
		})
	}
}

// normalizeForCompare returns e with its confidence replaced by ref's when
// they differ by no more than the older writer's rounding, and its tags
// sorted.
func normalizeForCompare(e, ref Entity) Entity {
	fix := func(g *Geometry, r Geometry) {
		if math.Abs(g.Confidence-r.Confidence) <= 0.005 {
			g.Confidence = r.Confidence
		}
	}
	sorted := func(v []string) []string {
		v = append([]string(nil), v...)
		sort.Strings(v)
		return v
	}
	switch v := e.(type) {
	case Line:
		fix(&v.Geometry, ref.(Line).Geometry)
		return v
	case Word:
		fix(&v.Geometry, ref.(Word).Geometry)
		v.Tags = sorted(v.Tags)
		return v
	case Letter:
		fix(&v.Geometry, ref.(Letter).Geometry)
		return v
	case ReceiptLine:
		fix(&v.Geometry, ref.(ReceiptLine).Geometry)
		return v
	case ReceiptWord:
		fix(&v.Geometry, ref.(ReceiptWord).Geometry)
		v.Tags = sorted(v.Tags)
		return v
	case ReceiptLetter:
		fix(&v.Geometry, ref.(ReceiptLetter).Geometry)
		return v
	}
	return e
}

// TestOlderWriterVariants pins the variants that the older writer's items
// show, by value.
func TestOlderWriterVariants(t *testing.T) {
	byNote := map[string]olderCase{}
	for _, c := range olderWriterCases(t, ocrItemTypes...) {
		byNote[c.TypeName+"|"+c.Note] = c
	}
	decode := func(key string) Entity {
		t.Helper()
		c, ok := byNote[key]
		if !ok {
			t.Fatalf("no case %q", key)
		}
		e, err := UnmarshalAny(c.Item)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return e
	}

	w := decode("Word|tags as the older writer stored them (lowercase)").(Word)
	if got := strings.Join(w.Tags, ","); got != "total,date" {
		t.Errorf("lowercase tags: got %q, want them as stored", got)
	}
	if w.BoundingBox.Height != 0.016705986031648745 {
		t.Errorf("fixed-decimal height read as %v", w.BoundingBox.Height)
	}
	l := decode("Letter|confidence 0.987 stored rounded to 0.99 by the older writer").(Letter)
	if l.Confidence != 0.99 {
		t.Errorf("confidence = %v, want 0.99 as stored", l.Confidence)
	}
	const lowerTag = "WordTag|lowercase tag as stored by the older writer; validation fields NULL"
	wt := decode(lowerTag).(WordTag)
	if wt.Tag != "total" || wt.Validated != nil || wt.GPTConfidence != nil ||
		!wt.TimestampValidated.IsZero() {
		t.Errorf("NULL validation fields: got %+v", wt)
	}
	if k := wt.Key(); !strings.HasSuffix(k.SK, "TAG#"+strings.Repeat("_", 35)+"total") {
		t.Errorf("key of a lowercase tag = %s", k.SK)
	}
	img := decode("Image|optional fields absent: written as NULL").(Image)
	want := time.Date(2025, 2, 27, 14, 3, 9, 512000000, time.UTC)
	if img.SHA256 != "" || img.CDNS3Key != "" || !img.TimestampAdded.Equal(want) {
		t.Errorf("NULL optionals: got %+v", img)
	}
}

// validWord returns a word that passes Validate, for tests to break.
func validWord() Word {
	return Word{
		ImageID: "2f05267d-86df-42b3-8a14-e29c5ea567b3", LineID: 1, ID: 2, Text: "3135",
		Geometry: Geometry{
			BoundingBox: Box{X: 0.1, Y: 0.2, Width: 0.3, Height: 0.05},
			TopLeft:     Point{X: 0.1, Y: 0.25}, TopRight: Point{X: 0.4, Y: 0.25},
			BottomLeft: Point{X: 0.1, Y: 0.2}, BottomRight: Point{X: 0.4, Y: 0.2},
			AngleDegrees: 0, AngleRadians: 0, Confidence: 0.5,
		},
		Tags: []string{"TOTAL"},
	}
}

// validEntities returns one valid entity of each OCR-side type.
func validEntities() []Entity {
	const img = "2f05267d-86df-42b3-8a14-e29c5ea567b3"
	ts := time.Date(2025, 2, 27, 14, 3, 9, 512000000, time.UTC)
	w := validWord()
	yes, conf := true, 0.75
	return []Entity{
		Image{ID: img, Width: 2480, Height: 3508, TimestampAdded: ts,
			RawS3Bucket: "raw", RawS3Key: "raw/a.png", SHA256: "ab"},
		Line{ImageID: img, ID: 1, Text: "Store 3135", Geometry: w.Geometry},
		w,
		Letter{ImageID: img, LineID: 1, WordID: 2, ID: 3, Text: "é", Geometry: w.Geometry},
		WordTag{ImageID: img, LineID: 1, WordID: 2, Tag: "TOTAL", TimestampAdded: ts,
			TagValidation: TagValidation{Validated: &yes, GPTConfidence: &conf}},
		Receipt{ImageID: img, ID: 1, Width: 883, Height: 2162, TimestampAdded: ts,
			RawS3Bucket: "raw", RawS3Key: "raw/r.png", TopLeft: Point{0, 1},
			TopRight: Point{1, 1}, BottomLeft: Point{0, 0}, BottomRight: Point{1, 0}},
		ReceiptLine{ImageID: img, ReceiptID: 1, ID: 1, Text: "Store", Geometry: w.Geometry},
		ReceiptWord{ImageID: img, ReceiptID: 1, LineID: 1, ID: 2, Text: "Store",
			Geometry: w.Geometry},
		ReceiptLetter{ImageID: img, ReceiptID: 1, LineID: 1, WordID: 2, ID: 1, Text: "S",
			Geometry: w.Geometry},
		ReceiptWordTag{ImageID: img, ReceiptID: 1, LineID: 1, WordID: 2, Tag: "DATE",
			TimestampAdded: ts},
		ReceiptWindow{ImageID: img, ReceiptID: 1, Corner: CornerTopLeft, CDNS3Bucket: "cdn",
			CDNS3Key: "k", Width: 200, Height: 150, InnerCornerCoordinates: []float64{12.5, 40}},
		GPTInitialTagging{ImageID: img, ReceiptID: 1, Query: "q", Response: "{}",
			TimestampAdded: ts},
		GPTValidation{ImageID: img, ReceiptID: 1, Query: "q", Response: "[]",
			TimestampAdded: ts},
	}
}

// TestOCREntitiesRoundTrip encodes one entity of each type and decodes it
// back equal, through UnmarshalAny and through Decode.
func TestOCREntitiesRoundTrip(t *testing.T) {
	for _, e := range validEntities() {
		t.Run(e.ItemType(), func(t *testing.T) {
			item, err := e.MarshalItem()
			if err != nil {
				t.Fatal(err)
			}
			if item[AttrPK].(*types.AttributeValueMemberS).Value != e.Key().PK ||
				item[AttrSK].(*types.AttributeValueMemberS).Value != e.Key().SK {
				t.Errorf("item key differs from Key() %v", e.Key())
			}
			got, err := UnmarshalAny(item)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, e) {
				t.Errorf("round trip\n got %+v\nwant %+v", got, e)
			}
		})
	}
	w, err := Decode[Word](mustItem(t, validWord()))
	if err != nil || !reflect.DeepEqual(w, validWord()) {
		t.Errorf("Decode[Word] = %+v, %v", w, err)
	}
}

func mustItem(t testing.TB, e Entity) Item {
	t.Helper()
	item, err := e.MarshalItem()
	if err != nil {
		t.Fatal(err)
	}
	return item
}

// TestOCRItemFormat checks the attribute forms of the item format: NULL
// optionals, tags as SS omitted when empty, shortest decimals, UTC
// timestamps with six fractional digits, corners stored uppercase.
func TestOCRItemFormat(t *testing.T) {
	const img = "2f05267d-86df-42b3-8a14-e29c5ea567b3"
	local := time.FixedZone("UTC+2", 2*3600)
	image := Image{ID: img, Width: 1, Height: 1, RawS3Bucket: "b", RawS3Key: "k",
		TimestampAdded: time.Date(2025, 2, 27, 16, 3, 9, 0, local)}
	item := mustItem(t, image)
	for _, a := range []string{attrSHA256, attrCDNS3Bucket, attrCDNS3Key} {
		if _, ok := item[a].(*types.AttributeValueMemberNULL); !ok {
			t.Errorf("%s = %#v, want NULL", a, item[a])
		}
	}
	if got := item[attrTimestampAdded].(*types.AttributeValueMemberS).Value; got !=
		"2025-02-27T14:03:09.000000+00:00" {
		t.Errorf("timestamp_added = %q", got)
	}

	w := validWord()
	w.Tags = nil
	tenth, fifth := 0.1, 0.2
	w.Confidence = tenth + fifth // 0.30000000000000004 in float64
	item = mustItem(t, w)
	if _, ok := item[attrTags]; ok {
		t.Error("empty tags are written; they must be omitted")
	}
	if got := item[attrConfidence].(*types.AttributeValueMemberN).Value; got !=
		"0.30000000000000004" {
		t.Errorf("confidence = %q, want the shortest round-trip decimal", got)
	}
	w.Tags = []string{"TOTAL", "DATE"}
	if ss, ok := mustItem(t, w)[attrTags].(*types.AttributeValueMemberSS); !ok ||
		len(ss.Value) != 2 {
		t.Errorf("tags = %#v, want SS of 2", mustItem(t, w)[attrTags])
	}

	tag := WordTag{ImageID: img, LineID: 1, WordID: 1, Tag: "TOTAL",
		TimestampAdded: image.TimestampAdded}
	item = mustItem(t, tag)
	for _, a := range []string{attrValidated, attrTimestampValidated, attrGPTConfidence,
		attrFlag, attrRevisedTag, attrHumanValidated, attrTimestampHumanValidated} {
		if _, ok := item[a].(*types.AttributeValueMemberNULL); !ok {
			t.Errorf("%s = %#v, want NULL", a, item[a])
		}
	}

	win := ReceiptWindow{ImageID: img, ReceiptID: 1, Corner: "bottom_left", CDNS3Bucket: "c",
		CDNS3Key: "k", Width: 1, Height: 1, InnerCornerCoordinates: []float64{1, 2}}
	item = mustItem(t, win)
	if got := item[attrCornerName].(*types.AttributeValueMemberS).Value; got != "BOTTOM_LEFT" {
		t.Errorf("corner_name = %q, want BOTTOM_LEFT", got)
	}
	if got := item[AttrSK].(*types.AttributeValueMemberS).Value; got !=
		"RECEIPT#00001#RECEIPT_WINDOW#BOTTOM_LEFT" {
		t.Errorf("SK = %q", got)
	}
	if _, ok := item[attrGPTGuess].(*types.AttributeValueMemberNULL); !ok {
		t.Errorf("gpt_guess = %#v, want NULL", item[attrGPTGuess])
	}
}

// TestOCRValidation checks every rule with a passing and a failing case.
func TestOCRValidation(t *testing.T) {
	ents := map[string]Entity{}
	for _, e := range validEntities() {
		ents[e.ItemType()] = e
	}
	img := ents[TypeImage].(Image)
	word := ents[TypeWord].(Word)
	letter := ents[TypeLetter].(Letter)
	tag := ents[TypeWordTag].(WordTag)
	rcpt := ents[TypeReceipt].(Receipt)
	win := ents[TypeReceiptWindow].(ReceiptWindow)
	gpt := ents[TypeGPTValidation].(GPTValidation)
	nan := math.NaN()

	tests := []struct {
		name  string
		field string // "" when the entity is valid
		e     Entity
	}{
		{"uuid v4 ok", "", withChange(img, func(v *Image) { v.ID = strings.ToUpper(v.ID) })},
		{"uuid not v4", "image_id", withChange(img, func(v *Image) {
			v.ID = "2f05267d-86df-12b3-8a14-e29c5ea567b3"
		})},
		{"uuid bad variant", "image_id", withChange(img, func(v *Image) {
			v.ID = "2f05267d-86df-42b3-7a14-e29c5ea567b3"
		})},
		{"uuid short", "image_id", withChange(img, func(v *Image) { v.ID = "2f05267d" })},
		{"width positive", "", withChange(img, func(v *Image) { v.Width = 1 })},
		{"width zero", "width", withChange(img, func(v *Image) { v.Width = 0 })},
		{"height negative", "height", withChange(img, func(v *Image) { v.Height = -3 })},
		{"timestamp missing", "timestamp_added", withChange(img, func(v *Image) {
			v.TimestampAdded = time.Time{}
		})},
		{"raw bucket empty", "raw_s3_bucket", withChange(img, func(v *Image) {
			v.RawS3Bucket = ""
		})},
		{"raw key empty", "raw_s3_key", withChange(img, func(v *Image) { v.RawS3Key = "" })},
		{"optionals empty", "", withChange(img, func(v *Image) { v.SHA256, v.CDNS3Key = "", "" })},

		{"id 1", "", withChange(word, func(v *Word) { v.ID = 1 })},
		{"id 99999", "", withChange(word, func(v *Word) { v.LineID = 99999 })},
		{"id 0", "word_id", withChange(word, func(v *Word) { v.ID = 0 })},
		{"id 100000", "line_id", withChange(word, func(v *Word) { v.LineID = 100000 })},
		{"text empty", "text", withChange(word, func(v *Word) { v.Text = "" })},
		{"confidence 1", "", withChange(word, func(v *Word) { v.Confidence = 1 })},
		{"confidence tiny", "", withChange(word, func(v *Word) { v.Confidence = 1e-9 })},
		{"confidence 0", "confidence", withChange(word, func(v *Word) { v.Confidence = 0 })},
		{"confidence above 1", "confidence", withChange(word, func(v *Word) {
			v.Confidence = 1.01
		})},
		{"confidence NaN", "confidence", withChange(word, func(v *Word) { v.Confidence = nan })},
		{"coordinate NaN", "top_left.x", withChange(word, func(v *Word) { v.TopLeft.X = nan })},
		{"angle infinite", "angle_degrees", withChange(word, func(v *Word) {
			v.AngleDegrees = math.Inf(1)
		})},
		{"box negative", "bounding_box", withChange(word, func(v *Word) {
			v.BoundingBox.Width = -0.1
		})},
		{"coordinate outside 0..1", "", withChange(word, func(v *Word) {
			v.BottomLeft.X = -0.14
		})},
		{"tag 1 char", "", withChange(word, func(v *Word) { v.Tags = []string{"T"} })},
		{"tag 40 chars", "", withChange(word, func(v *Word) {
			v.Tags = []string{strings.Repeat("T", 40)}
		})},
		{"tag 41 chars", "tags", withChange(word, func(v *Word) {
			v.Tags = []string{strings.Repeat("T", 41)}
		})},
		{"tag empty", "tags", withChange(word, func(v *Word) { v.Tags = []string{""} })},
		{"tag underscore", "tags", withChange(word, func(v *Word) {
			v.Tags = []string{"_TOTAL"}
		})},
		{"tag separator", "tags", withChange(word, func(v *Word) { v.Tags = []string{"A#B"} })},
		{"tag repeated", "tags", withChange(word, func(v *Word) { v.Tags = []string{"A", "A"} })},
		{"tag lowercase as stored", "", withChange(word, func(v *Word) {
			v.Tags = []string{"total"}
		})},

		{"letter one char", "", withChange(letter, func(v *Letter) { v.Text = "€" })},
		{"letter two chars", "text", withChange(letter, func(v *Letter) { v.Text = "ab" })},
		{"letter empty", "text", withChange(letter, func(v *Letter) { v.Text = "" })},
		{"letter id 0", "letter_id", withChange(letter, func(v *Letter) { v.ID = 0 })},

		{"word tag ok", "", withChange(tag, func(v *WordTag) { v.Tag = "T" })},
		{"word tag underscore", "tag_name", withChange(tag, func(v *WordTag) { v.Tag = "_X" })},
		{"word tag empty", "tag_name", withChange(tag, func(v *WordTag) { v.Tag = "" })},
		{"word tag no timestamp", "timestamp_added", withChange(tag, func(v *WordTag) {
			v.TimestampAdded = time.Time{}
		})},
		{"gpt confidence NaN", "gpt_confidence", withChange(tag, func(v *WordTag) {
			v.GPTConfidence = &nan
		})},
		{"revised tag ok", "", withChange(tag, func(v *WordTag) { v.RevisedTag = "DATE" })},
		{"revised tag bad", "revised_tag", withChange(tag, func(v *WordTag) {
			v.RevisedTag = "_DATE"
		})},

		{"receipt id 0", "receipt_id", withChange(rcpt, func(v *Receipt) { v.ID = 0 })},
		{"receipt width 0", "width", withChange(rcpt, func(v *Receipt) { v.Width = 0 })},
		{"receipt corner NaN", "bottom_right.y", withChange(rcpt, func(v *Receipt) {
			v.BottomRight.Y = nan
		})},

		{"corner any case", "", withChange(win, func(v *ReceiptWindow) {
			v.Corner = "Top_Right"
		})},
		{"corner unknown", "corner_name", withChange(win, func(v *ReceiptWindow) {
			v.Corner = "MIDDLE"
		})},
		{"window key empty", "cdn_s3_key", withChange(win, func(v *ReceiptWindow) {
			v.CDNS3Key = ""
		})},
		{"window height 0", "height", withChange(win, func(v *ReceiptWindow) { v.Height = 0 })},
		{"inner corner missing", "inner_corner_coordinates", withChange(win, func(
			v *ReceiptWindow) {
			v.InnerCornerCoordinates = nil
		})},
		{"gpt guess NaN", "gpt_guess", withChange(win, func(v *ReceiptWindow) {
			v.GPTGuess = []float64{nan}
		})},

		{"query empty", "query", withChange(gpt, func(v *GPTValidation) { v.Query = "" })},
		{"response empty", "response", withChange(gpt, func(v *GPTValidation) {
			v.Response = ""
		})},
		{"gpt no timestamp", "timestamp_added", withChange(gpt, func(v *GPTValidation) {
			v.TimestampAdded = time.Time{}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.e.Validate()
			_, merr := tt.e.MarshalItem()
			if tt.field == "" {
				if err != nil || merr != nil {
					t.Fatalf("Validate() = %v, MarshalItem: %v; want valid", err, merr)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want a *ValidationError", err)
			}
			if ve.Field != tt.field || ve.Type == "" || ve.Rule == "" {
				t.Errorf("error %q names field %q, want %q", err, ve.Field, tt.field)
			}
			if merr == nil {
				t.Error("MarshalItem accepted an invalid entity")
			}
		})
	}
}

// withChange returns a copy of v changed by f.
func withChange[T Entity](v T, f func(*T)) Entity {
	f(&v)
	return v
}

// TestNormalizeTag checks tags given as input: uppercased, 1..40
// characters, not starting with _.
func TestNormalizeTag(t *testing.T) {
	forty := strings.Repeat("a", 40)
	tests := []struct{ in, want string }{
		{"total", "TOTAL"},
		{"Merchant_Name", "MERCHANT_NAME"},
		{"x", "X"},
		{forty, strings.ToUpper(forty)},
		{"", ""},
		{forty + "a", ""},
		{"_total", ""},
		{"a#b", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeTag(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("NormalizeTag(%q) = %q, %v; want ErrInvalid", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeTag(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestParseCorner checks that corners parse in any case.
func TestParseCorner(t *testing.T) {
	for in, want := range map[string]Corner{
		"top_left": CornerTopLeft, "TOP_RIGHT": CornerTopRight,
		"Bottom_Right": CornerBottomRight, "bottom_LEFT": CornerBottomLeft,
	} {
		if got, err := ParseCorner(in); err != nil || got != want {
			t.Errorf("ParseCorner(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseCorner("TOP"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseCorner(TOP) = %v, want ErrInvalid", err)
	}
}

// TestOCRKeysAtEdges checks keys with ids 1 and 99999, tags of 1 and 40
// characters and a lowercase tag given as input.
func TestOCRKeysAtEdges(t *testing.T) {
	const img = "2f05267d-86df-42b3-8a14-e29c5ea567b3"
	ts := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	input, err := NormalizeTag("total")
	if err != nil {
		t.Fatal(err)
	}
	forty := strings.Repeat("T", 40)
	tests := []struct {
		e      Entity
		pk, sk string
	}{
		{Letter{ImageID: img, LineID: 1, WordID: 1, ID: 1}, "IMAGE#" + img,
			"LINE#00001#WORD#00001#LETTER#00001"},
		{Letter{ImageID: img, LineID: 99999, WordID: 99999, ID: 99999}, "IMAGE#" + img,
			"LINE#99999#WORD#99999#LETTER#99999"},
		{ReceiptLetter{ImageID: img, ReceiptID: 99999, LineID: 1, WordID: 99999, ID: 1},
			"IMAGE#" + img, "RECEIPT#99999#LINE#00001#WORD#99999#LETTER#00001"},
		{WordTag{ImageID: img, LineID: 1, WordID: 1, Tag: "T", TimestampAdded: ts},
			"IMAGE#" + img, "LINE#00001#WORD#00001#TAG#" + strings.Repeat("_", 39) + "T"},
		{WordTag{ImageID: img, LineID: 1, WordID: 1, Tag: forty, TimestampAdded: ts},
			"IMAGE#" + img, "LINE#00001#WORD#00001#TAG#" + forty},
		{ReceiptWordTag{ImageID: img, ReceiptID: 1, LineID: 2, WordID: 3, Tag: input,
			TimestampAdded: ts}, "IMAGE#" + img,
			"RECEIPT#00001#LINE#00002#WORD#00003#TAG#" + strings.Repeat("_", 35) + "TOTAL"},
	}
	for _, tt := range tests {
		k := tt.e.Key()
		if k.PK != tt.pk || k.SK != tt.sk {
			t.Errorf("%T key = %s, want %s %s", tt.e, k, tt.pk, tt.sk)
		}
		ids, err := ParseKey(tt.e.ItemType(), k)
		if err != nil {
			t.Errorf("ParseKey(%s): %v", k, err)
		}
		if back, err := FormatKey(ids); err != nil || back != k {
			t.Errorf("FormatKey(ParseKey(%s)) = %s, %v", k, back, err)
		}
	}
}

// TestOCRUnmarshalErrors checks that decoding names the item type and the
// missing or malformed attribute, and leaves the target unchanged.
func TestOCRUnmarshalErrors(t *testing.T) {
	good := mustItem(t, validWord())
	tests := []struct {
		name, attr string
		change     func(Item)
	}{
		{"wrong TYPE", AttrType, func(it Item) { it[AttrType] = s(TypeLine) }},
		{"no TYPE", AttrType, func(it Item) { delete(it, AttrType) }},
		{"bad SK", AttrSK, func(it Item) { it[AttrSK] = s("LINE#1#WORD#2") }},
		{"no PK", AttrPK, func(it Item) { delete(it, AttrPK) }},
		{"no text", attrText, func(it Item) { delete(it, attrText) }},
		{"text not S", attrText, func(it Item) { it[attrText] = n(3) }},
		{"bad number", attrConfidence, func(it Item) {
			it[attrConfidence] = &types.AttributeValueMemberN{Value: "x"}
		}},
		{"box not M", attrBoundingBox, func(it Item) { it[attrBoundingBox] = s("box") }},
		{"box width missing", "bounding_box.width", func(it Item) {
			it[attrBoundingBox] = &types.AttributeValueMemberM{Value: Item{"x": n(0), "y": n(0),
				"height": n(0)}}
		}},
		{"tags not SS", attrTags, func(it Item) { it[attrTags] = s("TOTAL") }},
		{"confidence 0", attrConfidence, func(it Item) { it[attrConfidence] = n(0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := mustItem(t, validWord())
			tt.change(item)
			before := Word{Text: "unchanged"}
			w := before
			err := w.UnmarshalItem(item)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("UnmarshalItem = %v, want a *ValidationError", err)
			}
			if ve.Field != tt.attr || (ve.Type != TypeWord && ve.Type != "Word") {
				t.Errorf("error %q names %s.%s, want WORD.%s", err, ve.Type, ve.Field, tt.attr)
			}
			if !reflect.DeepEqual(w, before) {
				t.Errorf("target changed on error: %+v", w)
			}
		})
	}
	if _, err := UnmarshalAny(Item{AttrType: s("NOPE")}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown TYPE: %v", err)
	}
	var w Word
	if err := w.UnmarshalItem(good); err != nil {
		t.Errorf("good item: %v", err)
	}
}

// TestOCRDecodeTolerance checks the older writer's variants on read:
// numbers with padding zeros, histogram and num_chars, a list of strings
// for tags, a timestamp with another offset.
func TestOCRDecodeTolerance(t *testing.T) {
	item := mustItem(t, validWord())
	item[attrConfidence] = &types.AttributeValueMemberN{Value: "0.50000000000000000000"}
	item["histogram"] = &types.AttributeValueMemberM{Value: Item{"a": n(1)}}
	item["num_chars"] = n(4)
	item[attrTags] = &types.AttributeValueMemberL{Value: []types.AttributeValue{s("TOTAL")}}
	got, err := Decode[Word](item)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, validWord()) {
		t.Errorf("got %+v", got)
	}

	tag := validEntities()[4].(WordTag)
	item = mustItem(t, tag)
	item[attrTimestampAdded] = s("2025-02-27T16:03:09.512+02:00")
	back, err := Decode[WordTag](item)
	if err != nil || !back.TimestampAdded.Equal(tag.TimestampAdded) ||
		back.TimestampAdded.Location() != time.UTC {
		t.Errorf("offset timestamp: %v, %v", back.TimestampAdded, err)
	}
}

// FuzzUnmarshalItem builds items from fuzz bytes and checks that no decoder
// panics, and that whatever decodes re-encodes and decodes the same.
func FuzzUnmarshalItem(f *testing.F) {
	for _, e := range validEntities() {
		f.Add(e.ItemType(), e.Key().PK, e.Key().SK, "text", "0.5", "x", []byte("S"))
	}
	f.Add(TypeWord, "IMAGE#x", "LINE#00001#WORD#0000A", "confidence", "1e400", "", []byte("N"))
	f.Add(TypeReceiptWindow, "IMAGE#2f05267d-86df-42b3-8a14-e29c5ea567b3",
		"RECEIPT#00001#RECEIPT_WINDOW#top_left", "corner_name", "Top_Left", "", []byte("S"))
	f.Fuzz(func(t *testing.T, typ, pk, sk, attr, value, extra string, kinds []byte) {
		// Start from a valid item of the type when there is one, so that the
		// fuzzer reaches the attribute decoders.
		item := Item{}
		for _, e := range validEntities() {
			if e.ItemType() == typ {
				item = mustItem(t, e)
			}
		}
		item[AttrType] = s(typ)
		item[AttrPK] = s(pk)
		item[AttrSK] = s(sk)
		for i, k := range kinds {
			item[attr] = fuzzAttr(k, value, extra, i)
			attr, value = value, extra+attr
		}
		e, err := UnmarshalAny(item)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		again, err := e.MarshalItem()
		if err != nil {
			t.Fatalf("decoded %+v does not re-encode: %v", e, err)
		}
		back, err := UnmarshalAny(again)
		if err != nil || !reflect.DeepEqual(back, e) {
			t.Fatalf("re-encoded %+v decodes to %+v, %v", e, back, err)
		}
	})
}

// fuzzAttr builds an attribute value of a kind chosen by k.
func fuzzAttr(k byte, v, extra string, depth int) types.AttributeValue {
	switch k % 9 {
	case 0:
		return s(v)
	case 1:
		return &types.AttributeValueMemberN{Value: v}
	case 2:
		return b(len(v)%2 == 0)
	case 3:
		return null()
	case 4:
		return &types.AttributeValueMemberSS{Value: []string{v, extra}}
	case 5:
		return &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberN{Value: v}, s(extra)}}
	case 6:
		return &types.AttributeValueMemberM{Value: Item{
			"x": &types.AttributeValueMemberN{Value: v}, "y": n(0.5), "width": s(extra),
			"height": n(0.1)}}
	case 7:
		return &types.AttributeValueMemberNS{Value: []string{v}}
	}
	if depth > 3 {
		return nil
	}
	return &types.AttributeValueMemberM{Value: Item{v: fuzzAttr(k/9, extra, v, depth+1)}}
}
