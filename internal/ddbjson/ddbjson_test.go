package ddbjson

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func sampleItem() Item {
	return Item{
		"PK":    &types.AttributeValueMemberS{Value: "IMAGE#5119873a-5401-4dd1-9669-878dff8b5bd5"},
		"SK":    &types.AttributeValueMemberS{Value: `LINE#00001 "quoted" é`},
		"width": &types.AttributeValueMemberN{Value: "0.12345678901234567890"},
		"raw":   &types.AttributeValueMemberB{Value: []byte{0, 1, 254, 255}},
		"ok":    &types.AttributeValueMemberBOOL{Value: true},
		"cdn":   &types.AttributeValueMemberNULL{Value: true},
		"box": &types.AttributeValueMemberM{Value: Item{
			"x": &types.AttributeValueMemberN{Value: "1"},
			"nested": &types.AttributeValueMemberL{Value: []types.AttributeValue{
				&types.AttributeValueMemberS{Value: "a"},
				&types.AttributeValueMemberM{Value: Item{}},
			}},
		}},
		"empty": &types.AttributeValueMemberL{Value: []types.AttributeValue{}},
		"tags":  &types.AttributeValueMemberSS{Value: []string{"TOTAL", "DATE"}},
		"ns":    &types.AttributeValueMemberNS{Value: []string{"1", "-2.5e3"}},
		"bs":    &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}}},
	}
}

func TestRoundTrip(t *testing.T) {
	item := sampleItem()
	line, err := Marshal(item)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(line)
	if err != nil {
		t.Fatalf("Unmarshal(%s): %v", line, err)
	}
	if !reflect.DeepEqual(got, item) {
		t.Errorf("round trip changed the item:\n got %#v\nwant %#v", got, item)
	}
	again, _ := Marshal(got)
	if !bytes.Equal(again, line) {
		t.Errorf("Marshal is not deterministic:\n%s\n%s", line, again)
	}
}

func TestMarshalShape(t *testing.T) {
	item := Item{
		"SK": &types.AttributeValueMemberS{Value: "IMAGE"},
		"PK": &types.AttributeValueMemberS{Value: "IMAGE#x"},
		"n":  &types.AttributeValueMemberN{Value: "2480"},
		"c":  &types.AttributeValueMemberNULL{Value: true},
	}
	line, err := Marshal(item)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Item":{"PK":{"S":"IMAGE#x"},"SK":{"S":"IMAGE"},"c":{"NULL":true},"n":{"N":"2480"}}}`
	if string(line) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", line, want)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	for _, tc := range []struct {
		line, want string
	}{
		{`{"Item":{"PK":{"S":"a"}`, "not a JSON object"},
		{`{"Items":{}}`, `"Item"`},
		{`{"Item":{"PK":{"S":1}}}`, "Item.PK.S: want a string"},
		{`{"Item":{"PK":{"S":null}}}`, "Item.PK.S: want a value"},
		{`{"Item":{"w":{"N":"abc"}}}`, "Item.w.N: want a decimal number"},
		{`{"Item":{"w":{"N":12}}}`, "Item.w.N: want a decimal number"},
		{`{"Item":{"w":{"N":"NaN"}}}`, "Item.w.N: want a decimal number"},
		{`{"Item":{"b":{"M":{"x":{"X":"1"}}}}}`, `Item.b.x: unknown attribute type "X"`},
		{`{"Item":{"l":{"L":[{"S":"a"},{"N":"z"}]}}}`, "Item.l[1].N"},
		{`{"Item":{"s":{"SS":[]}}}`, "Item.s.SS: want a non-empty array"},
		{`{"Item":{"s":{"S":"a","N":"1"}}}`, "Item.s: want an object with one type member"},
		{`{"Item":{"s":{"NULL":false}}}`, "Item.s.NULL: want true"},
	} {
		_, err := Unmarshal([]byte(tc.line))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Unmarshal(%s) err = %v, want it to contain %q", tc.line, err, tc.want)
		}
	}
}

func TestReaderWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for i := 0; i < 3; i++ {
		if err := w.Write(sampleItem()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.Count() != 3 || strings.Count(buf.String(), "\n") != 3 {
		t.Fatalf("wrote %d items, %d lines", w.Count(), strings.Count(buf.String(), "\n"))
	}

	// CRLF line ends and blank lines are tolerated.
	text := strings.ReplaceAll(buf.String(), "\n", "\r\n\r\n")
	r := NewReader(strings.NewReader(text))
	n := 0
	for {
		item, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(item, sampleItem()) {
			t.Errorf("item %d differs", n)
		}
		n++
	}
	if n != 3 {
		t.Errorf("read %d items, want 3", n)
	}
}

func TestReaderNamesBadLine(t *testing.T) {
	text := `{"Item":{"PK":{"S":"a"}}}` + "\n\n" + `{"Item":{"PK":{"S":"a"}` + "\n"
	r := NewReader(strings.NewReader(text))
	if _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	_, err := r.Read()
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 {
		t.Fatalf("err = %v, want a *LineError for line 3", err)
	}
	if !strings.HasPrefix(err.Error(), "line 3: ") {
		t.Errorf("err = %q, want it to start with the line", err)
	}
}

func FuzzUnmarshal(f *testing.F) {
	line, _ := Marshal(sampleItem())
	f.Add(line)
	f.Add([]byte(`{"Item":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		item, err := Unmarshal(data)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same item.
		again, err := Marshal(item)
		if err != nil {
			t.Fatalf("Marshal of a decoded item: %v", err)
		}
		back, err := Unmarshal(again)
		if err != nil || !reflect.DeepEqual(back, item) {
			t.Fatalf("round trip of %s failed: %v", again, err)
		}
	})
}

func TestIsNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "-1": true, "+2.5": true, "0.12345678901234567890": true, ".5": true,
		"5.": true, "1e10": true, "1.5E-3": true, "-0.0": true,
		"": false, "-": false, ".": false, "e5": false, "1e": false, "NaN": false,
		"Inf": false, "0x10": false, "1.2.3": false, "1 ": false, "1e+": false,
	} {
		if got := isNumber(s); got != want {
			t.Errorf("isNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
