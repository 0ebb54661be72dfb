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

// TestCanonicalNumbers checks that numbers come back as DynamoDB returns
// them, from every read and from Update.
func TestCanonicalNumbers(t *testing.T) {
	cases := map[string]string{
		"0": "0", "-0": "0", "0.0": "0", "1.50": "1.5", "+7": "7", "007": "7",
		"1E+3": "1000", "1e-3": "0.001", "-2.5e1": "-25", ".5": "0.5", "5.": "5",
		"123.456": "123.456", "-0.000125": "-0.000125", "100": "100",
		"0.41732025146484375000": "0.41732025146484375",
	}
	for in, want := range cases {
		if got := canonicalNumber(in); got != want {
			t.Errorf("canonicalNumber(%q) = %q, want %q", in, got, want)
		}
		if isCanonicalNumber(in) != (in == want) {
			t.Errorf("isCanonicalNumber(%q) = %t", in, !(in == want))
		}
	}

	tbl := openTable(t)
	ctx := t.Context()
	key := rd.Key{PK: "P", SK: "1"}
	item := testItem("P", "1")
	item["n"] = num("1.50")
	item["ns"] = &types.AttributeValueMemberNS{Value: []string{"1E+3", "-0.0"}}
	item["m"] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"x": num("0.250")}}
	putAll(t, tbl, item)
	got, err := tbl.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if n := got["n"].(*types.AttributeValueMemberN).Value; n != "1.5" {
		t.Errorf("get: n = %s, want 1.5", n)
	}
	if ns := got["ns"].(*types.AttributeValueMemberNS).Value; fmt.Sprint(ns) != "[1000 0]" {
		t.Errorf("get: ns = %v, want [1000 0]", ns)
	}
	x := got["m"].(*types.AttributeValueMemberM).Value["x"].(*types.AttributeValueMemberN)
	if x.Value != "0.25" {
		t.Errorf("get: m.x = %s, want 0.25", x.Value)
	}
	upd, err := tbl.Update(ctx, key, rd.Update{Set: map[string]types.AttributeValue{
		"n": num("2.500")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := upd["n"].(*types.AttributeValueMemberN).Value; n != "2.5" {
		t.Errorf("update returned n = %s, want 2.5", n)
	}
	if item["n"].(*types.AttributeValueMemberN).Value != "1.50" {
		t.Errorf("the caller's item was changed")
	}
}
