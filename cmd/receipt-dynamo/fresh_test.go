package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's first command, run from the project's root on a machine
// with no store: it imports the sample into the default embedded store and
// shows what it stored.
const readmeImport = "testdata/sample/02aa1d34-5c10-42b4-a463-c49b86214dd7_SWIFT_OCR.json"

func TestFreshMachineReadmeCommand(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "go run ./cmd/receipt-dynamo import "+readmeImport) {
		t.Fatalf("README.md no longer shows the command this test runs: import %s", readmeImport)
	}

	r := newRunner(t, nil)
	r.dir = "../.."
	res := r.run("import", readmeImport)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	want := filepath.Join(r.home, ".local", "share", "receipt-dynamo", "receipt-dynamo.db")
	if _, err := os.Stat(want); err != nil {
		t.Fatalf("the default store was not created: %v", err)
	}
	if !strings.Contains(res.stderr, "created embedded store "+want) {
		t.Errorf("stderr does not say the store was created: %s", res.stderr)
	}
	// Piped, the row is tab-separated: source, kind, image, lines, words,
	// letters, receipts, tags, items.
	row := strings.Split(strings.TrimSpace(res.stdout), "\t")
	if len(row) != 9 || row[2] != "02aa1d34-5c10-42b4-a463-c49b86214dd7" || row[3] != "41" ||
		row[4] != "101" || row[5] != "535" {
		t.Errorf("import printed %q", res.stdout)
	}
	want = "02aa1d34-5c10-42b4-a463-c49b86214dd7\t2480\t3508\t41\t0\t"
	if out := r.ok("images"); !strings.HasPrefix(out, want) {
		t.Errorf("images printed %q", out)
	}
}

func TestStoreSelection(t *testing.T) {
	t.Parallel()
	sample := filepath.Join("../..", readmeImport)
	data := t.TempDir()
	envDB := filepath.Join(t.TempDir(), "env.db")
	flagDB := filepath.Join(t.TempDir(), "flag.db")
	for _, tc := range []struct {
		name  string
		store []string
		env   []string
		want  string
	}{
		{"XDG_DATA_HOME", nil, []string{"XDG_DATA_HOME=" + data},
			filepath.Join(data, "receipt-dynamo", "receipt-dynamo.db")},
		{"RECEIPT_DYNAMO_DB", nil, []string{"RECEIPT_DYNAMO_DB=" + envDB}, envDB},
		{"--db beats RECEIPT_DYNAMO_DB", []string{"--db", flagDB},
			[]string{"RECEIPT_DYNAMO_DB=" + envDB}, flagDB},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRunner(t, tc.store, tc.env...)
			var out struct {
				Store string `json:"store"`
			}
			r.okJSON(&out, "import", sample)
			if out.Store != "embedded store "+tc.want {
				t.Errorf("imported into %q, want %s", out.Store, tc.want)
			}
			var info struct{ Name string }
			r.okJSON(&info, "table", "describe")
			if info.Name != tc.want {
				t.Errorf("table describe names %q, want %s", info.Name, tc.want)
			}
		})
	}

	// --db and --table together are a usage error.
	r := newRunner(t, []string{"--db", flagDB, "--table", "receipts"})
	r.fails(2, []string{"--db and --table choose different stores"}, "images")
}

func TestImportFindsSROIEByPath(t *testing.T) {
	t.Parallel()
	// A SROIE folder and a box file of it are recognised without --sroie;
	// the image id is derived from the receipt id, so both name one image.
	r := embedded(t)
	var one, again importView
	r.okJSON(&one, "import", filepath.Join(sroieDir, "box", "003.csv"))
	if len(one.Images) != 1 || one.Images[0].Kind != "sroie" {
		t.Fatalf("import of a box file = %+v", one)
	}
	r.okJSON(&again, "import", sroieDir, "--limit", "4")
	if len(again.Images) != 4 || again.Images[3].ImageID != one.Images[0].ImageID {
		t.Errorf("import of the folder = %+v, want receipt 003 as image %s", again,
			one.Images[0].ImageID)
	}
	var images []struct {
		ImageID string `json:"image_id"`
	}
	r.okJSON(&images, "images")
	if len(images) != 4 {
		t.Errorf("%d images stored, want 4 (importing 003 again replaces it)", len(images))
	}
}
