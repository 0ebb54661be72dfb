package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/photo"
	"github.com/receiptdynamo/receiptdynamo/internal/sroie"
)

const importLong = `Import receipt data. Each FILE is one of:

  Apple Vision OCR JSON (*_SWIFT_OCR.json, {"lines": [...]}) of a photo. The
    photo (PNG or JPEG) gives the image's width, height and SHA-256: give it
    with --image, once per OCR file in the same order, or put it beside the
    OCR file with the same name before _SWIFT_OCR (ID.png, ID.jpg). The image
    id is the UUID that starts the file name, else --image-id, else one
    derived from the photo's SHA-256. The image is recorded with
    raw_s3_bucket "local" and raw_s3_key the photo's file name.
  The older implementation's results or export JSON (*_RESULTS.json, or an
    object of arrays "images", "lines", …): every image it holds.
  A SROIE folder (with box/, key/ and manifest.tsv), or one box file of it
    (sroie/box/NNN.csv); --sroie DIR imports a folder too, --limit N only
    its first N receipts. SROIE gives lines only: words and letters are
    split from each line in proportion to character counts, so their boxes
    are approximate, and they are stored with confidence 0.5 (lines with 1)
    to say so. The key fields become COMPANY, DATE, ADDRESS and TOTAL tags
    on the words that carry them, on the image's words and on those of the
    receipt that covers the whole scan. A receipt's image id is derived from
    its SROIE id.

Every input is read and validated whole before anything of it is written,
and each image is stored whole or not at all on the embedded store (on
DynamoDB a failed write may leave part of an image, which importing again
completes). A bad input is reported with its path and the line or JSON path
at fault; the others are still imported, and the exit code is then 4.
Importing an image again replaces its items. Images are imported in
parallel (--workers). The embedded file is created when it does not exist.`

const importExample = `  # Apple Vision OCR with its photo
  receipt-dynamo import testdata/sample/27e58027-edd6-45af-9038-3a778feda954_SWIFT_OCR.json \
      --image testdata/sample/27e58027-edd6-45af-9038-3a778feda954.png

  # Several OCR files, each with the photo beside it, and an older export
  receipt-dynamo import ocr/*_SWIFT_OCR.json
  receipt-dynamo import ocr/5119873a-5401-4dd1-9669-878dff8b5bd5.json

  # The first 50 SROIE receipts, then one more by its box file
  receipt-dynamo import --sroie ../shared/data/sroie --limit 50
  receipt-dynamo import ../shared/data/sroie/box/100.csv --json`

// importOptions are the options of import.
type importOptions struct {
	Files   []string
	Images  []string // photos, one per OCR file
	ImageID string
	SROIE   string
	Limit   int
	Workers int
}

func newImportCmd(runF func(context.Context, *importOptions) error) *cobra.Command {
	o := &importOptions{}
	c := &cobra.Command{
		Use:     "import FILE... [--image PHOTO]... | import --sroie DIR [--limit N]",
		Short:   "Import OCR JSON with its photo, older exports and SROIE receipts",
		Long:    importLong,
		Example: importExample,
	}
	f := c.Flags()
	f.StringArrayVar(&o.Images, "image", nil,
		"the `PHOTO` (PNG or JPEG) of an OCR file; once per OCR file, in order")
	f.StringVar(&o.ImageID, "image-id", "", "the image `ID` of a single OCR file")
	f.StringVar(&o.SROIE, "sroie", "", "import the SROIE folder `DIR`")
	f.IntVar(&o.Limit, "limit", 0, "import only the first `N` SROIE receipts (0: all)")
	f.IntVar(&o.Workers, "workers", defaultWorkers(), "images imported at once")
	return command(c, o, func(args []string) error {
		if len(args) > 0 {
			o.Files = args
		}
		return o.check()
	}, runF)
}

func defaultWorkers() int { return min(4, runtime.NumCPU()) }

func (o *importOptions) check() error {
	switch {
	case len(o.Files) == 0 && o.SROIE == "":
		return usagef("nothing to import: give FILE... or --sroie DIR")
	case o.Limit < 0:
		return usagef("--limit must be 0 or more, got %d", o.Limit)
	case o.Workers < 1:
		return usagef("--workers must be 1 or more, got %d", o.Workers)
	case len(o.Images) > 0 && len(o.Images) != len(o.Files):
		return usagef("give --image once per OCR file: %d photos for %d files",
			len(o.Images), len(o.Files))
	case o.ImageID != "" && len(o.Files) != 1:
		return usagef("--image-id names the image of one OCR file; %d files given",
			len(o.Files))
	case o.ImageID != "" && !rd.IsUUIDv4(o.ImageID):
		return usagef("--image-id must be a UUID version 4, got %q", o.ImageID)
	}
	return nil
}

// importUnit is one input of an import: it reads and validates its images,
// writing nothing.
type importUnit struct {
	source string // the path shown in messages
	kind   string // "ocr", "export" or "sroie"
	read   func() ([]rd.ImageData, []string, error)
}

// importRow is one stored image, as import prints it.
type importRow struct {
	Source   string   `json:"source"`
	Kind     string   `json:"kind"`
	ImageID  string   `json:"image_id"`
	Lines    int      `json:"lines"`
	Words    int      `json:"words"`
	Letters  int      `json:"letters"`
	Receipts int      `json:"receipts"`
	Tags     int      `json:"tags"`
	Items    int      `json:"items"`
	Untagged []string `json:"untagged_fields,omitempty"`
	Approx   bool     `json:"approximate_words"`
}

// importFailure is an input that was not imported.
type importFailure struct {
	Source string `json:"source"`
	Error  string `json:"error"`
	index  int
}

// importResult is what import prints with --json.
type importResult struct {
	Images []importRow     `json:"images"`
	Failed []importFailure `json:"failed"`
	Items  int             `json:"items"`
	Store  string          `json:"store"`
	Note   string          `json:"note,omitempty"`
	byUnit map[int][]importRow
}

func (a *app) runImport(ctx context.Context, o *importOptions) error {
	now := a.now()
	units, err := importUnits(o, now)
	if err != nil {
		return err
	}
	st, err := a.openStore(ctx, createEmbedded)
	if err != nil {
		return err
	}

	res := a.importAll(ctx, st, units, o.Workers)
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, f := range res.Failed {
		fmt.Fprintf(a.env.Stderr, "receipt-dynamo: import %s: %s\n", f.Source, f.Error)
	}
	if res.Note != "" {
		fmt.Fprintf(a.env.Stderr, "note: %s\n", res.Note)
	}
	if err := a.printImport(res); err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		return &partialError{failed: len(res.Failed), total: len(units), what: "inputs"}
	}
	return nil
}

// importUnits lists the inputs of an import, in the order given.
func importUnits(o *importOptions, now time.Time) ([]importUnit, error) {
	var units []importUnit
	if o.SROIE != "" {
		u, err := sroieUnits(o.SROIE, o.Limit, now)
		if err != nil {
			return nil, err
		}
		units = append(units, u...)
	}
	for i, path := range o.Files {
		var photoPath string
		if len(o.Images) > 0 {
			photoPath = o.Images[i]
		}
		u, err := fileUnits(path, photoPath, o, now)
		if err != nil {
			return nil, err
		}
		units = append(units, u...)
	}
	return units, nil
}

// fileUnits classifies one FILE argument.
func fileUnits(path, photoPath string, o *importOptions, now time.Time) ([]importUnit, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	switch {
	case st.IsDir() && sroie.IsDataset(path):
		return sroieUnits(path, o.Limit, now)
	case st.IsDir():
		return nil, fmt.Errorf("import: %s is a folder but not a SROIE folder "+
			"(box/ and %s); give the files in it", path, sroie.ManifestName)
	}
	if dir, id, ok := sroie.BoxFileDataset(path); ok && photoPath == "" {
		d, err := sroie.Open(dir)
		if err != nil {
			return nil, err
		}
		return []importUnit{sroieUnit(d, id, now)}, nil
	}
	if photoPath != "" || strings.HasSuffix(path, ocrSuffix) || o.ImageID != "" {
		return []importUnit{ocrUnit(path, photoPath, o.ImageID, now)}, nil
	}
	return []importUnit{exportUnit(path)}, nil
}

// ocrSuffix ends the names of Apple Vision OCR files.
const ocrSuffix = "_SWIFT_OCR.json"

func sroieUnits(dir string, limit int, now time.Time) ([]importUnit, error) {
	d, err := sroie.Open(dir)
	if err != nil {
		return nil, err
	}
	ids, err := d.IDs()
	if err != nil {
		return nil, err
	}
	if limit > 0 && limit < len(ids) {
		ids = ids[:limit]
	}
	units := make([]importUnit, len(ids))
	for i, id := range ids {
		units[i] = sroieUnit(d, id, now)
	}
	return units, nil
}

func sroieUnit(d *sroie.Dataset, id string, now time.Time) importUnit {
	return importUnit{source: d.BoxPath(id), kind: "sroie",
		read: func() ([]rd.ImageData, []string, error) {
			r, err := d.Load(id, now)
			if err != nil {
				return nil, nil, err
			}
			return []rd.ImageData{r.ImageData()}, r.Unmatched, nil
		}}
}

func exportUnit(path string) importUnit {
	return importUnit{source: path, kind: "export",
		read: func() ([]rd.ImageData, []string, error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, nil, err
			}
			defer f.Close()
			x, err := rd.DecodeExport(f)
			if err != nil {
				return nil, nil, err
			}
			images, err := rd.ImagesOfExport(x)
			if err != nil {
				return nil, nil, err
			}
			if len(images) == 0 {
				return nil, nil, errors.New("export: images: holds no image")
			}
			return images, nil, nil
		}}
}

func ocrUnit(path, photoPath, imageID string, now time.Time) importUnit {
	return importUnit{source: path, kind: "ocr",
		read: func() ([]rd.ImageData, []string, error) {
			d, err := readOCR(path, photoPath, imageID, now)
			if err != nil {
				return nil, nil, err
			}
			return []rd.ImageData{d}, nil, nil
		}}
}

// localBucket is the raw_s3_bucket of images imported from local files.
const localBucket = "local"

// readOCR reads an Apple Vision OCR file and its photo into image data.
func readOCR(path, photoPath, imageID string, now time.Time) (rd.ImageData, error) {
	if photoPath == "" {
		var err error
		if photoPath, err = photoBeside(path); err != nil {
			return rd.ImageData{}, err
		}
	}
	info, err := photo.Read(photoPath)
	if err != nil {
		return rd.ImageData{}, err
	}
	if imageID == "" {
		imageID = imageIDOf(path, info.SHA256)
	}
	f, err := os.Open(path)
	if err != nil {
		return rd.ImageData{}, err
	}
	defer f.Close()
	ocr, err := rd.DecodeOCR(f, imageID)
	if err != nil {
		return rd.ImageData{}, err
	}
	return rd.ImageData{
		Image: rd.Image{ID: imageID, Width: info.Width, Height: info.Height,
			TimestampAdded: now, RawS3Bucket: localBucket,
			RawS3Key: filepath.Base(photoPath), SHA256: info.SHA256},
		Lines: ocr.Lines, Words: ocr.Words, Letters: ocr.Letters,
	}, nil
}

// photoBeside finds the photo of an OCR file: the same name without
// _SWIFT_OCR.json (or .json), ending .png, .jpg or .jpeg.
func photoBeside(path string) (string, error) {
	base := strings.TrimSuffix(path, ocrSuffix)
	if base == path {
		base = strings.TrimSuffix(path, filepath.Ext(path))
	}
	for _, ext := range []string{".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"} {
		if _, err := os.Stat(base + ext); err == nil {
			return base + ext, nil
		}
	}
	return "", fmt.Errorf("no photo for this OCR file: give --image PHOTO, or put %s "+
		"(or .jpg) beside it", filepath.Base(base)+".png")
}

// imageIDOf returns the UUID v4 that starts the file's name, or else one
// derived from the photo's SHA-256 (its first 16 bytes hashed again, with
// the version and variant bits of a UUID v4).
func imageIDOf(path, photoSHA string) string {
	name := filepath.Base(path)
	if len(name) >= 36 && rd.IsUUIDv4(name[:36]) {
		return strings.ToLower(name[:36])
	}
	sum := sha256.Sum256([]byte("receipt-dynamo photo " + photoSHA))
	var u uuid.UUID
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

// importAll reads and stores the units with workers goroutines.
func (a *app) importAll(ctx context.Context, st *store, units []importUnit,
	workers int) importResult {
	res := importResult{Store: st.spec.String(), Images: []importRow{},
		Failed: []importFailure{}, byUnit: map[int][]importRow{}}
	bar := a.progress(len(units), "importing", "images")
	var mu sync.Mutex
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(1, len(units))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				rows, err := importOne(ctx, st, units[i])
				mu.Lock()
				// An export of several images lists those stored before a
				// failure as well as the failure.
				res.byUnit[i] = rows
				if err != nil {
					res.Failed = append(res.Failed, importFailure{Source: units[i].source,
						Error: err.Error(), index: i})
				}
				mu.Unlock()
				bar.add(1)
			}
		}()
	}
	for i := range units {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	bar.finish()

	// Rows and failures in the order of the inputs.
	for i := range units {
		for _, r := range res.byUnit[i] {
			res.Images = append(res.Images, r)
			res.Items += r.Items
			if r.Approx {
				res.Note = fmt.Sprintf("SROIE words and letters are split from their lines; "+
					"their boxes are approximate (stored with confidence %v)",
					sroie.ApproxConfidence)
			}
		}
	}
	sortFailures(res.Failed)
	return res
}

func sortFailures(fs []importFailure) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].index < fs[j-1].index; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// importOne reads and validates a unit whole, then stores its images.
func importOne(ctx context.Context, st *store, u importUnit) ([]importRow, error) {
	images, untagged, err := u.read()
	if err != nil {
		return nil, err
	}
	// LoadImage validates its image; an input of several images is
	// validated whole first, so that a bad one stores none of them.
	if len(images) > 1 {
		for i := range images {
			if err := images[i].Validate(); err != nil {
				return nil, fmt.Errorf("image %s: %w", images[i].Image.ID, err)
			}
		}
	}
	rows := make([]importRow, 0, len(images))
	for _, d := range images {
		if err := st.client.LoadImage(ctx, d); err != nil {
			var be *rd.BatchError
			if errors.As(err, &be) {
				err = fmt.Errorf("%w; part of image %s may be stored: importing again "+
					"completes it", err, d.Image.ID)
			}
			return rows, err
		}
		rows = append(rows, importRow{
			Source: u.source, Kind: u.kind, ImageID: d.Image.ID,
			Lines: len(d.Lines), Words: len(d.Words), Letters: len(d.Letters),
			Receipts: len(d.Receipts), Tags: len(d.WordTags) + len(d.ReceiptWordTags),
			Items: itemCount(d), Untagged: untagged, Approx: u.kind == "sroie",
		})
	}
	return rows, nil
}

// itemCount returns the number of items of one image's data.
func itemCount(d rd.ImageData) int {
	return 1 + len(d.Lines) + len(d.Words) + len(d.Letters) + len(d.WordTags) +
		len(d.Receipts) + len(d.ReceiptLines) + len(d.ReceiptWords) + len(d.ReceiptLetters) +
		len(d.ReceiptWordTags) + len(d.ReceiptWindows) + len(d.GPTInitialTaggings) +
		len(d.GPTValidations)
}

func (a *app) printImport(res importResult) error {
	rows := make([][]string, len(res.Images))
	for i, r := range res.Images {
		rows[i] = []string{r.Source, r.Kind, r.ImageID, itoa(r.Lines), itoa(r.Words),
			itoa(r.Letters), itoa(r.Receipts), itoa(r.Tags), itoa(r.Items)}
	}
	err := a.out.list([]string{"SOURCE", "KIND", "IMAGE_ID", "LINES", "WORDS", "LETTERS",
		"RECEIPTS", "TAGS", "ITEMS"}, rows, res)
	if err == nil && a.out.tty && !a.out.json {
		fmt.Fprintf(a.out.w, "\n%d images, %d items stored in %s\n", len(res.Images),
			res.Items, res.Store)
	}
	return err
}
