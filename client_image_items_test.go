package receiptdynamo

import (
	"errors"
	"slices"
	"testing"
)

// TestChunkWrites checks that chunks fit one transaction: one action per
// write and one per distinct word whose tags set moves.
func TestChunkWrites(t *testing.T) {
	const img = "02aa1d34-5c10-42b4-a463-c49b86214dd7"
	plain := func(n int) []itemWrite {
		ws := make([]itemWrite, n)
		for i := range ws {
			ws[i].key = LetterKey(img, 1, 1, i+1)
		}
		return ws
	}
	// tags returns n tags, perWord consecutive ones on each word.
	tags := func(n, perWord int) []itemWrite {
		ws := make([]itemWrite, n)
		for i := range ws {
			word := i/perWord + 1
			ws[i].link = &tagLink{word: WordKey(img, 1, word), tag: PadID(i)}
		}
		return ws
	}
	cases := []struct {
		name string
		ws   []itemWrite
		want []int // writes per chunk
	}{
		{"none", nil, nil},
		{"100 plain writes", plain(100), []int{100}},
		{"250 plain writes", plain(250), []int{100, 100, 50}},
		{"60 tags of 60 words", tags(60, 1), []int{50, 10}},
		{"120 tags, 3 a word", tags(120, 3), []int{75, 45}},
		{"99 tags of one word", tags(99, 99), []int{99}},
		{"100 tags of one word", tags(100, 100), []int{99, 1}},
	}
	for _, tc := range cases {
		var got []int
		for _, chunk := range chunkWrites(tc.ws) {
			got = append(got, len(chunk))
			tx, _ := chunkTx(chunk, nil)
			if len(tx.Actions) > maxTxActions {
				t.Errorf("%s: a chunk of %d actions", tc.name, len(tx.Actions))
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: chunks of %v writes, want %v", tc.name, got, tc.want)
		}
	}
}

// TestImagesOfExport checks that an export is split by image and that an
// entity of an unknown image is refused.
func TestImagesOfExport(t *testing.T) {
	const a, b = "02aa1d34-5c10-42b4-a463-c49b86214dd7", "27e58027-edd6-45af-9038-3a778feda954"
	x := Export{
		Images:   []Image{{ID: a}, {ID: b}},
		Lines:    []Line{{ImageID: b, ID: 1}, {ImageID: a, ID: 1}, {ImageID: b, ID: 2}},
		Receipts: []Receipt{{ImageID: a, ID: 1}},
	}
	got, err := ImagesOfExport(x)
	if err != nil {
		t.Fatalf("ImagesOfExport: %v", err)
	}
	if len(got) != 2 || got[0].Image.ID != a || got[1].Image.ID != b {
		t.Fatalf("images %+v, want a then b", got)
	}
	if len(got[0].Lines) != 1 || len(got[0].Receipts) != 1 || len(got[1].Lines) != 2 {
		t.Errorf("a has %d lines and %d receipts, b %d lines; want 1, 1 and 2",
			len(got[0].Lines), len(got[0].Receipts), len(got[1].Lines))
	}

	x.Words = []Word{{ImageID: "5119873a-5401-4dd1-9669-878dff8b5bd5", LineID: 1, ID: 1}}
	if _, err := ImagesOfExport(x); !errors.Is(err, ErrInvalid) {
		t.Errorf("word of an image not in the export: got %v, want ErrInvalid", err)
	}
	x.Words = nil
	x.Images = append(x.Images, Image{ID: a})
	if _, err := ImagesOfExport(x); !errors.Is(err, ErrInvalid) {
		t.Errorf("two images of one id: got %v, want ErrInvalid", err)
	}
}
