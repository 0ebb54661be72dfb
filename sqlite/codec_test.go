package sqlite

import (
	"bytes"
	"database/sql"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// codecItem holds a value of every type, nested ones and key attributes
// included.
func codecItem() rd.Item {
	return rd.Item{
		rd.AttrPK:     &types.AttributeValueMemberS{Value: "IMAGE#1"},
		rd.AttrSK:     &types.AttributeValueMemberS{Value: "LINE#00001"},
		rd.AttrGSI1PK: &types.AttributeValueMemberS{Value: "IMAGE"},
		rd.AttrGSI1SK: &types.AttributeValueMemberS{Value: "IMAGE#1#LINE#00001"},
		rd.AttrType:   &types.AttributeValueMemberS{Value: "LINE"},
		"s":           &types.AttributeValueMemberS{Value: "ünïcode ✓ and \x00 a NUL"},
		"empty":       &types.AttributeValueMemberS{Value: ""},
		"n":           &types.AttributeValueMemberN{Value: "-0.000125"},
		"b":           &types.AttributeValueMemberB{Value: []byte{0, 255, 7}},
		"t":           &types.AttributeValueMemberBOOL{Value: true},
		"f":           &types.AttributeValueMemberBOOL{Value: false},
		"null":        &types.AttributeValueMemberNULL{Value: true},
		"ss":          &types.AttributeValueMemberSS{Value: []string{"a", "b"}},
		"ns":          &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}},
		"bs":          &types.AttributeValueMemberBS{Value: [][]byte{{1}, {}}},
		"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberS{Value: "x"},
			&types.AttributeValueMemberL{},
			&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}},
		}},
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"x": &types.AttributeValueMemberN{Value: "0.5"},
			"inner": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"deep": &types.AttributeValueMemberNULL{Value: true},
			}},
		}},
	}
}

// TestRowRoundTrip checks that an item split into its row and rebuilt is
// the item, and that key attributes live in the columns only.
func TestRowRoundTrip(t *testing.T) {
	item := codecItem()
	r := encodeRow(item, nil)
	var keys [numKeyColumns]sql.NullString
	for i, k := range r.keys {
		if s, ok := k.(string); ok {
			keys[i] = sql.NullString{String: s, Valid: true}
		}
	}
	if bytes.Contains(r.blob, []byte("IMAGE#1#LINE")) {
		t.Errorf("the blob holds a key attribute")
	}
	got, err := decodeRow(&keys, r.blob)
	if err != nil {
		t.Fatal(err)
	}
	if !equalItems(got, item) {
		t.Errorf("round trip:\n got %v\nwant %v", got, item)
	}
}

// TestRowManyAttributes checks the count of a row with more attributes
// than one byte of the count holds.
func TestRowManyAttributes(t *testing.T) {
	item := codecItem()
	for i := range 300 {
		item[fmt.Sprintf("a%03d", i)] = &types.AttributeValueMemberN{Value: fmt.Sprint(i)}
	}
	r := encodeRow(item, make([]byte, 0, 16))
	var keys [numKeyColumns]sql.NullString
	for i, k := range r.keys {
		if s, ok := k.(string); ok {
			keys[i] = sql.NullString{String: s, Valid: true}
		}
	}
	got, err := decodeRow(&keys, r.blob)
	if err != nil {
		t.Fatal(err)
	}
	if !equalItems(got, item) {
		t.Errorf("an item of %d attributes came back with %d", len(item), len(got))
	}
}

// TestDecodeCorrupt checks that cut and altered blobs fail with errCorrupt
// rather than panicking or decoding garbage silently.
func TestDecodeCorrupt(t *testing.T) {
	blob := appendItem(nil, codecItem(), true)
	for n := range len(blob) {
		if _, err := decodeItem(blob[:n]); err == nil {
			t.Errorf("a blob cut to %d of %d bytes decoded", n, len(blob))
		}
	}
	if _, err := decodeItem(append(blob, 0)); err == nil {
		t.Errorf("a blob with a trailing byte decoded")
	}
	// A list nested deeper than DynamoDB allows.
	var deep []byte
	deep = append(deep, 1, 1, 'x')
	for range maxDepth + 1 {
		deep = append(deep, tagL, 1)
	}
	deep = append(deep, tagNULL)
	if _, err := decodeItem(deep); err == nil {
		t.Errorf("a list nested %d deep decoded", maxDepth+1)
	}
}

// FuzzDecodeItem checks that no input makes the decoder panic, and that
// whatever decodes encodes back to a blob that decodes the same.
func FuzzDecodeItem(f *testing.F) {
	f.Add(appendItem(nil, codecItem(), true))
	f.Add([]byte{0})
	f.Add([]byte{1, 1, 'a', tagL, 2, tagS, 0, tagM, 0})
	f.Fuzz(func(t *testing.T, blob []byte) {
		item, err := decodeItem(blob)
		if err != nil {
			return
		}
		again, err := decodeItem(appendItem(nil, item, true))
		if err != nil {
			t.Fatalf("re-encoded item does not decode: %v", err)
		}
		if !bytes.Equal(appendItem(nil, item, true), appendItem(nil, again, true)) {
			t.Fatalf("re-encoded item decodes differently")
		}
	})
}
