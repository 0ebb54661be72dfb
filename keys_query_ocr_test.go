package receiptdynamo

import (
	"strings"
	"testing"
)

// TestQueryPrefixes checks each relation's sort-key prefix against the keys
// of an image's items: it matches the children it is for and no sibling or
// parent whose id merely shares digits.
func TestQueryPrefixes(t *testing.T) {
	const img = "02aa1d34-5c10-42b4-a463-c49b86214dd7"
	keys := map[string]string{
		"line 1":                  LineKey(img, 1).SK,
		"line 10":                 LineKey(img, 10).SK,
		"word 1/1":                WordKey(img, 1, 1).SK,
		"word 1/10":               WordKey(img, 1, 10).SK,
		"word 10/1":               WordKey(img, 10, 1).SK,
		"letter 1/1/1":            LetterKey(img, 1, 1, 1).SK,
		"tag 1/1":                 WordTagKey(img, 1, 1, "TOTAL").SK,
		"receipt 1":               ReceiptKey(img, 1).SK,
		"receipt 10":              ReceiptKey(img, 10).SK,
		"receipt line 1/1":        ReceiptLineKey(img, 1, 1).SK,
		"receipt line 10/1":       ReceiptLineKey(img, 10, 1).SK,
		"receipt word 1/1/1":      ReceiptWordKey(img, 1, 1, 1).SK,
		"receipt word 1/1/10":     ReceiptWordKey(img, 1, 1, 10).SK,
		"receipt letter 1/1/1/1":  ReceiptLetterKey(img, 1, 1, 1, 1).SK,
		"receipt tag 1/1/1":       ReceiptWordTagKey(img, 1, 1, 1, "TOTAL").SK,
		"receipt window 1":        ReceiptWindowKey(img, 1, CornerTopLeft).SK,
		"receipt initial tagging": GPTInitialTaggingKey(img, 1).SK,
		"receipt validation":      GPTValidationKey(img, 1).SK,
	}
	cases := []struct {
		name   string
		prefix string
		want   []string
	}{
		{"words of line 1", lineChildrenPrefix(1),
			[]string{"word 1/1", "word 1/10", "letter 1/1/1", "tag 1/1"}},
		{"letters of word 1/1", wordLettersPrefix(1, 1), []string{"letter 1/1/1"}},
		{"tags of word 1/1", wordTagsPrefix(1, 1), []string{"tag 1/1"}},
		{"receipt 1", receiptTreePrefix(1), []string{"receipt 1", "receipt line 1/1",
			"receipt word 1/1/1", "receipt word 1/1/10", "receipt letter 1/1/1/1",
			"receipt tag 1/1/1", "receipt window 1", "receipt initial tagging",
			"receipt validation"}},
		{"lines of receipt 1", receiptLinesPrefix(1), []string{"receipt line 1/1",
			"receipt word 1/1/1", "receipt word 1/1/10", "receipt letter 1/1/1/1",
			"receipt tag 1/1/1"}},
		{"words of receipt line 1/1", receiptLineChildrenPrefix(1, 1),
			[]string{"receipt word 1/1/1", "receipt word 1/1/10", "receipt letter 1/1/1/1",
				"receipt tag 1/1/1"}},
		{"letters of receipt word 1/1/1", receiptWordLettersPrefix(1, 1, 1),
			[]string{"receipt letter 1/1/1/1"}},
		{"tags of receipt word 1/1/1", receiptWordTagsPrefix(1, 1, 1),
			[]string{"receipt tag 1/1/1"}},
	}
	for _, tc := range cases {
		want := map[string]bool{}
		for _, name := range tc.want {
			want[name] = true
		}
		for name, sk := range keys {
			if got := strings.HasPrefix(sk, tc.prefix); got != want[name] {
				t.Errorf("%s: prefix %q matches %s (%s): %t, want %t", tc.name, tc.prefix,
					name, sk, got, want[name])
			}
		}
	}
}

// TestOverviewAfter checks that the resume key of an image's overview
// group sorts after every key of the group and before the next image.
func TestOverviewAfter(t *testing.T) {
	const a, b = "02aa1d34-5c10-42b4-a463-c49b86214dd7", "02aa1d34-5c10-42b4-a463-c49b86214dd8"
	after := overviewAfter(a)
	for _, k := range []keySet{imageKeys(a), lineKeys(a, 99999), receiptKeys(a, 99999)} {
		if k.GSI1SK >= after {
			t.Errorf("GSI1SK %q of image a does not sort before %q", k.GSI1SK, after)
		}
	}
	if next := imageKeys(b).GSI1SK; next < after {
		t.Errorf("GSI1SK %q of the next image sorts before %q", next, after)
	}
}
