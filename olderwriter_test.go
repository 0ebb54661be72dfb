package receiptdynamo

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file is the shared helper for the cases of
// ../shared/data/items/older-writer-items.json: it loads them, converts
// their DynamoDB JSON into items and filters them by TYPE. The OCR-side and
// job-side tests use it each for their own types.

// sharedData is the fixture directory, relative to this package.
const sharedData = "../shared/data"

// olderCase is one case: an entity's fields and the item that the older
// writer stored for them.
type olderCase struct {
	TypeName  string          `json:"type_name"`
	Note      string          `json:"note"`
	RawFields json.RawMessage `json:"fields"`
	RawItem   json.RawMessage `json:"item"`

	Index  int            `json:"-"` // position in the file
	Type   string         `json:"-"` // the item's TYPE
	Fields map[string]any `json:"-"` // RawFields, numbers as float64
	Item   Item           `json:"-"` // RawItem as an item
}

// Name names the case in subtests: "07_Letter".
func (c olderCase) Name() string { return fmt.Sprintf("%02d_%s", c.Index, c.TypeName) }

// olderWriterCases returns the cases whose item TYPE is one of types, or
// every case when types is empty. It fails the test when none match.
func olderWriterCases(t testing.TB, itemTypes ...string) []olderCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedData, "items", "older-writer-items.json"))
	if err != nil {
		t.Fatalf("read older-writer items: %v", err)
	}
	var file struct {
		Cases []olderCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("parse older-writer items: %v", err)
	}
	want := map[string]bool{}
	for _, typ := range itemTypes {
		want[typ] = true
	}
	var out []olderCase
	for i, c := range file.Cases {
		c.Index = i
		if c.Item, err = itemFromDynamoJSON(c.RawItem); err != nil {
			t.Fatalf("case %d (%s): item: %v", i, c.TypeName, err)
		}
		tv, _ := c.Item[AttrType].(*types.AttributeValueMemberS)
		if tv == nil {
			t.Fatalf("case %d (%s): item has no TYPE", i, c.TypeName)
		}
		c.Type = tv.Value
		if len(want) > 0 && !want[c.Type] {
			continue
		}
		if err := json.Unmarshal(c.RawFields, &c.Fields); err != nil {
			t.Fatalf("case %d (%s): fields: %v", i, c.TypeName, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatalf("no older-writer case of types %v", itemTypes)
	}
	return out
}

// itemFromDynamoJSON converts an item in DynamoDB's JSON shape
// ({"PK": {"S": "…"}, …}) into an Item.
func itemFromDynamoJSON(data []byte) (Item, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	item := make(Item, len(raw))
	for name, v := range raw {
		av, err := attrFromDynamoJSON(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		item[name] = av
	}
	return item, nil
}

// attrFromDynamoJSON converts one attribute value in DynamoDB's JSON shape.
func attrFromDynamoJSON(data []byte) (types.AttributeValue, error) {
	var tagged map[string]json.RawMessage
	if err := json.Unmarshal(data, &tagged); err != nil {
		return nil, err
	}
	if len(tagged) != 1 {
		return nil, fmt.Errorf("want one type tag, got %d", len(tagged))
	}
	for tag, v := range tagged {
		switch tag {
		case "S":
			var s string
			err := json.Unmarshal(v, &s)
			return &types.AttributeValueMemberS{Value: s}, err
		case "N":
			var s string
			err := json.Unmarshal(v, &s)
			return &types.AttributeValueMemberN{Value: s}, err
		case "BOOL":
			var b bool
			err := json.Unmarshal(v, &b)
			return &types.AttributeValueMemberBOOL{Value: b}, err
		case "NULL":
			return &types.AttributeValueMemberNULL{Value: true}, nil
		case "SS", "NS":
			var ss []string
			if err := json.Unmarshal(v, &ss); err != nil {
				return nil, err
			}
			if tag == "SS" {
				return &types.AttributeValueMemberSS{Value: ss}, nil
			}
			return &types.AttributeValueMemberNS{Value: ss}, nil
		case "B":
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
			bs, err := base64.StdEncoding.DecodeString(s)
			return &types.AttributeValueMemberB{Value: bs}, err
		case "L":
			var raws []json.RawMessage
			if err := json.Unmarshal(v, &raws); err != nil {
				return nil, err
			}
			l := make([]types.AttributeValue, len(raws))
			for i, r := range raws {
				av, err := attrFromDynamoJSON(r)
				if err != nil {
					return nil, fmt.Errorf("[%d]: %w", i, err)
				}
				l[i] = av
			}
			return &types.AttributeValueMemberL{Value: l}, nil
		case "M":
			m, err := itemFromDynamoJSON(v)
			return &types.AttributeValueMemberM{Value: m}, err
		}
		return nil, fmt.Errorf("unknown type tag %q", tag)
	}
	return nil, fmt.Errorf("no type tag")
}

// itemAttrNames returns the sorted attribute names of item.
func itemAttrNames(item Item) []string {
	names := make([]string, 0, len(item))
	for k := range item {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// TestOlderWriterCasesCoverEveryType checks that the fixture has a case for
// each of the 24 item types, so that no type goes untested.
func TestOlderWriterCasesCoverEveryType(t *testing.T) {
	seen := map[string]int{}
	for _, c := range olderWriterCases(t) {
		seen[c.Type]++
	}
	for _, typ := range ItemTypes {
		if seen[typ] == 0 {
			t.Errorf("no older-writer case of %s", typ)
		}
	}
}
