package receiptdynamo

import (
	"errors"
	"testing"
)

// TestUnmarshalAnyCoversEveryType checks that UnmarshalAny knows all 24
// item types and decodes each older-writer item into a value of its TYPE.
func TestUnmarshalAnyCoversEveryType(t *testing.T) {
	for _, typ := range ItemTypes {
		if decoders[typ] == nil {
			t.Errorf("UnmarshalAny has no decoder for %s", typ)
		}
	}
	if len(decoders) != len(ItemTypes) {
		t.Errorf("%d decoders for %d item types", len(decoders), len(ItemTypes))
	}
	for _, c := range olderWriterCases(t) {
		e, err := UnmarshalAny(c.Item)
		if err != nil {
			t.Errorf("%s: %v", c.Name(), err)
			continue
		}
		if e.ItemType() != c.Type {
			t.Errorf("%s: decoded as %T (%s)", c.Name(), e, e.ItemType())
		}
		if _, ok := e.(interface{ UnmarshalItem(Item) error }); ok {
			t.Errorf("%s: decoded as a pointer %T, want a value", c.Name(), e)
		}
	}
	for _, item := range []Item{{}, {AttrType: n(1)}, {AttrType: s("")}, {AttrType: s("word")}} {
		if _, err := UnmarshalAny(item); !errors.Is(err, ErrInvalid) {
			t.Errorf("UnmarshalAny(%v) = %v, want ErrInvalid", item, err)
		}
	}
}
