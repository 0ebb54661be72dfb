package receiptdynamo

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParseKey checks that parsing a formatted key gives back the
// identifiers it was formatted from, for every item type.
func FuzzParseKey(f *testing.F) {
	f.Add(0, "2f05267d-86df-42b3-8a14-e29c5ea567b3", 1, 1, 1, 1, "TOTAL", "TOP_LEFT",
		"2025-02-27T14:03:09.512000+00:00")
	f.Add(9, "a", 99999, 99999, 99999, 99999, strings.Repeat("T", 40), "x", "t")
	f.Add(15, "job", 7, 0, -3, 123456, "total", "loss#top", "2021-01-01T00:00:00+00:00")
	f.Fuzz(func(t *testing.T, typ int, id string, r, l, w, c int, tag, name, ts string) {
		ids, ok := fuzzKeyIDs(typ, id, r, l, w, c, tag, name, ts)
		if !ok {
			t.Skip()
		}
		k, err := FormatKey(ids)
		if err != nil {
			t.Fatalf("FormatKey(%+v): %v", ids, err)
		}
		back, err := ParseKey(ids.Type, k)
		if err != nil {
			t.Fatalf("ParseKey(%s, %s): %v", ids.Type, k, err)
		}
		if !reflect.DeepEqual(back, ids) {
			t.Fatalf("ParseKey(FormatKey(%+v)) = %+v", ids, back)
		}
		if again, _ := FormatKey(back); again != k {
			t.Fatalf("key %s formats again as %s", k, again)
		}
	})
}

// fuzzKeyIDs builds the identifiers of an item of the type chosen by typ
// from fuzz values, fitting them to the rules that keys rely on; ok is false
// when the values cannot make a key.
func fuzzKeyIDs(typ int, id string, r, l, w, c int, tag, name, ts string) (KeyIDs, bool) {
	if typ < 0 {
		typ = -(typ + 1)
	}
	ids := KeyIDs{Type: ItemTypes[typ%len(ItemTypes)]}
	fit := func(n int) int { // into 1..99999
		if n < 0 {
			n = -(n + 1)
		}
		return n%MaxID + 1
	}
	plain := func(s string) bool { return s != "" && !strings.Contains(s, sep) }
	if !plain(id) || !plain(ts) || name == "" || tagRule(tag) != "" {
		return KeyIDs{}, false
	}
	switch ids.Type {
	case TypeImage:
		ids.Image = id
	case TypeLine, TypeReceiptLine:
		ids.Image, ids.Line = id, fit(l)
	case TypeWord, TypeReceiptWord:
		ids.Image, ids.Line, ids.Word = id, fit(l), fit(w)
	case TypeLetter, TypeReceiptLetter:
		ids.Image, ids.Line, ids.Word, ids.Letter = id, fit(l), fit(w), fit(c)
	case TypeWordTag, TypeReceiptWordTag:
		ids.Image, ids.Line, ids.Word, ids.Tag = id, fit(l), fit(w), tag
	case TypeReceipt, TypeGPTInitialTagging, TypeGPTValidation:
		ids.Image = id
	case TypeReceiptWindow:
		if !plain(name) {
			return KeyIDs{}, false
		}
		ids.Image, ids.Corner = id, name
	case TypeJob:
		ids.Job = id
	case TypeJobStatus, TypeJobCheckpoint, TypeJobLog:
		ids.Job, ids.Time = id, ts
	case TypeJobResource, TypeJobDependency:
		ids.Job, ids.Other = id, ts
	case TypeJobMetric:
		ids.Job, ids.Name, ids.Time = id, name, ts // a metric name may hold "#"
	case TypeInstance, TypeQueue:
		ids.Name = id
	case TypeInstanceJob, TypeQueueJob:
		ids.Name, ids.Other = id, ts
	}
	if strings.HasPrefix(ids.Type, "RECEIPT") || ids.Type == TypeGPTInitialTagging ||
		ids.Type == TypeGPTValidation {
		ids.Receipt = fit(r)
	}
	return ids, true
}

// FuzzSplitKey checks the allocation-free split of sort keys against
// strings.Split, across the boundary of its fixed buffer.
func FuzzSplitKey(f *testing.F) {
	for _, s := range []string{
		"", "#", "IMAGE", "LINE#00001#WORD#00002#LETTER#00003",
		"RECEIPT#00001#LINE#00001#WORD#00001#TAG#____TOTAL",
		"a#b#c#d#e#f#g#h", "a#b#c#d#e#f#g#h#i", "a#b#c#d#e#f#g#h#i#j##",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf [8]string
		got, want := splitKey(s, &buf), strings.Split(s, sep)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("splitKey(%q) = %q, want %q", s, got, want)
		}
	})
}
