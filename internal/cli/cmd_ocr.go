package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/exportjson"
)

// listOptions are the paging flags of the list commands.
type listOptions struct {
	Limit  int
	Cursor string
}

func addListFlags(c *cobra.Command, o *listOptions) {
	c.Flags().IntVar(&o.Limit, "limit", 0, "list at most `N` (0: all)")
	c.Flags().StringVar(&o.Cursor, "cursor", "", "resume a list where --limit stopped it")
}

func (o *listOptions) check() error {
	if o.Limit < 0 {
		return usagef("--limit must be 0 or more, got %d", o.Limit)
	}
	return nil
}

// collect follows pages until the limit or the end, and returns the items
// and, when the limit stopped it, the cursor of the rest.
func collect[T any](ctx context.Context, o listOptions,
	page func(context.Context, rd.ListOptions) (rd.PageOf[T], error)) ([]T, string, error) {
	out := []T{}
	cursor := o.Cursor
	for {
		opts := rd.ListOptions{Cursor: cursor}
		if o.Limit > 0 {
			opts.Limit = o.Limit - len(out)
		}
		p, err := page(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		out = append(out, p.Items...)
		if p.Next == "" {
			return out, "", nil
		}
		if o.Limit > 0 && len(out) >= o.Limit {
			return out, p.Next, nil
		}
		cursor = p.Next
	}
}

// more tells on stderr how to get the rest of a list.
func (a *app) more(next string) {
	if next != "" {
		fmt.Fprintf(a.env.Stderr, "more follow: add --cursor %s\n", next)
	}
}

// ---- images

func newImagesCmd(runF func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{}
	c := &cobra.Command{
		Use:   "images",
		Short: "List the images with their line and receipt counts",
		Example: `  receipt-dynamo images
  receipt-dynamo images --limit 20 --json`,
		Args: cobra.NoArgs,
	}
	addListFlags(c, o)
	return command(c, o, func([]string) error { return o.check() }, runF)
}

// imageListView is an image as images prints it with --json.
type imageListView struct {
	exportjson.Image
	LineCount    int `json:"line_count"`
	ReceiptCount int `json:"receipt_count"`
}

func (a *app) runImages(ctx context.Context, o *listOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	images, next, err := collect(ctx, *o, st.client.ImageOverviews)
	if err != nil {
		return a.tableErr(err)
	}
	views := make([]imageListView, len(images))
	rows := make([][]string, len(images))
	for i, im := range images {
		views[i] = imageListView{Image: exportjson.FromImage(im.Image),
			LineCount: len(im.Lines), ReceiptCount: len(im.Receipts)}
		rows[i] = []string{im.Image.ID, itoa(im.Image.Width), itoa(im.Image.Height),
			itoa(len(im.Lines)), itoa(len(im.Receipts)), rd.FormatTime(im.Image.TimestampAdded),
			im.Image.RawS3Bucket + "/" + im.Image.RawS3Key}
	}
	a.more(next)
	return a.out.list([]string{"IMAGE_ID", "WIDTH", "HEIGHT", "LINES", "RECEIPTS", "ADDED",
		"RAW"}, rows, views)
}

// ---- image ID

// imageOptions address one image.
type imageOptions struct {
	ImageID string
}

func newImageCmd(runF func(context.Context, *imageOptions) error) *cobra.Command {
	o := &imageOptions{}
	return command(&cobra.Command{
		Use:   "image IMAGE_ID",
		Short: "Show an image: its fields, counts, lines, receipts and tags",
		Long: `Show an image: its fields and the counts of what is stored under it, then
its lines, receipts and word tags. With --json the same as one object; for
everything stored (words and letters too) use "export image".`,
		Example: `  receipt-dynamo image 27e58027-edd6-45af-9038-3a778feda954`,
		Args:    exactArgs(1, "IMAGE_ID"),
	}, o, func(args []string) error {
		o.ImageID = strings.ToLower(args[0])
		return checkImageID(o.ImageID)
	}, runF)
}

func checkImageID(id string) error {
	if !rd.IsUUIDv4(id) {
		return usagef("IMAGE_ID must be a UUID version 4, got %q", id)
	}
	return nil
}

// imageView is what image prints with --json.
type imageView struct {
	Image    exportjson.Image     `json:"image"`
	Counts   map[string]int       `json:"counts"`
	Lines    []exportjson.Line    `json:"lines"`
	Receipts []exportjson.Receipt `json:"receipts"`
	WordTags []exportjson.WordTag `json:"word_tags"`
}

func (a *app) runImage(ctx context.Context, o *imageOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	d, err := st.client.ImageDetails(ctx, o.ImageID)
	if err != nil {
		return a.notFound(err, "image %s", o.ImageID)
	}
	doc := exportjson.FromImageData(d)
	counts := map[string]int{
		"lines": len(d.Lines), "words": len(d.Words), "letters": len(d.Letters),
		"word_tags": len(d.WordTags), "receipts": len(d.Receipts),
		"receipt_lines": len(d.ReceiptLines), "receipt_words": len(d.ReceiptWords),
		"receipt_letters": len(d.ReceiptLetters), "receipt_word_tags": len(d.ReceiptWordTags),
	}
	if a.out.json {
		return a.out.printJSON(imageView{Image: doc.Images[0], Counts: counts,
			Lines: doc.Lines, Receipts: doc.Receipts, WordTags: doc.WordTags})
	}

	img := d.Image
	fields := []field{
		{"image_id", img.ID},
		{"size", fmt.Sprintf("%d x %d", img.Width, img.Height)},
		{"added", rd.FormatTime(img.TimestampAdded)},
		{"raw", img.RawS3Bucket + "/" + img.RawS3Key},
		{"sha256", img.SHA256},
		{"lines", itoa(len(d.Lines))}, {"words", itoa(len(d.Words))},
		{"letters", itoa(len(d.Letters))}, {"word_tags", itoa(len(d.WordTags))},
		{"receipts", itoa(len(d.Receipts))},
	}
	if img.CDNS3Key != "" {
		fields = append(fields, field{"cdn", img.CDNS3Bucket + "/" + img.CDNS3Key})
	}
	a.out.record(fields, nil)

	words := wordTexts(d.Words)
	a.details("Lines", []string{"LINE", "TEXT"}, "line", mapRows(d.Lines, func(l rd.Line) []string {
		return []string{itoa(l.ID), l.Text}
	}))
	a.details("Receipts", []string{"RECEIPT", "WIDTH", "HEIGHT", "ADDED"}, "receipt",
		mapRows(d.Receipts, func(r rd.Receipt) []string {
			return []string{itoa(r.ID), itoa(r.Width), itoa(r.Height),
				rd.FormatTime(r.TimestampAdded)}
		}))
	a.details("Word tags", tagColumns, "tag", mapRows(d.WordTags, func(t rd.WordTag) []string {
		return tagRow(t.LineID, t.WordID, words[[2]int{t.LineID, t.WordID}], t.Tag,
			t.TagValidation)
	}))
	return nil
}

// details prints one part of a detail view: a headed table on a terminal,
// rows led by kind when piped, nothing when empty.
func (a *app) details(title string, columns []string, kind string, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	if !a.out.tty {
		for i := range rows {
			rows[i] = append([]string{kind}, rows[i]...)
		}
		a.out.tsv(rows)
		return
	}
	a.out.section(title)
	a.out.list(columns, rows, nil)
}

func mapRows[T any](in []T, f func(T) []string) [][]string {
	out := make([][]string, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func wordTexts(ws []rd.Word) map[[2]int]string {
	m := make(map[[2]int]string, len(ws))
	for _, w := range ws {
		m[[2]int{w.LineID, w.ID}] = w.Text
	}
	return m
}

var tagColumns = []string{"LINE", "WORD", "TEXT", "TAG", "VALIDATED", "HUMAN"}

func tagRow(line, word int, text, tag string, v rd.TagValidation) []string {
	return []string{itoa(line), itoa(word), text, tag, optBool(v.Validated),
		optBool(v.HumanValidated)}
}

func optBool(b *bool) string {
	if b == nil {
		return "-"
	}
	return strconv.FormatBool(*b)
}

// ---- export image ID

// exportOptions are the options of export image.
type exportOptions struct {
	ImageID string
	Output  string
}

func (a *app) exportCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "export",
		Short: "Export stored data in the older implementation's formats",
		Args:  cobra.NoArgs,
	}
	c.AddCommand(newExportImageCmd(run(a, a.runExportImage)))
	return c
}

func newExportImageCmd(runF func(context.Context, *exportOptions) error) *cobra.Command {
	o := &exportOptions{}
	c := &cobra.Command{
		Use:   "image IMAGE_ID",
		Short: "Write everything stored for an image in the older export JSON",
		Long: `Write everything stored for an image (its OCR, tags, receipts and their OCR,
windows and GPT records) in the older implementation's export JSON: an object
of arrays "images", "lines", "words", "word_tags", "letters", "receipts",
"receipt_lines", "receipt_words", "receipt_word_tags", "receipt_letters"
(and receipt_windows, gpt_initial_taggings, gpt_validations when the image
has any). "import" reads it back. The output is JSON whether or not --json
is given.`,
		Example: `  receipt-dynamo export image 5119873a-5401-4dd1-9669-878dff8b5bd5 > image.json
  receipt-dynamo export image 5119873a-5401-4dd1-9669-878dff8b5bd5 -o image.json`,
		Args: exactArgs(1, "IMAGE_ID"),
	}
	c.Flags().StringVarP(&o.Output, "output", "o", "", "write to `FILE` instead of stdout")
	return command(c, o, func(args []string) error {
		o.ImageID = strings.ToLower(args[0])
		return checkImageID(o.ImageID)
	}, runF)
}

func (a *app) runExportImage(ctx context.Context, o *exportOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	d, err := st.client.ImageDetails(ctx, o.ImageID)
	if err != nil {
		return a.notFound(err, "image %s", o.ImageID)
	}
	if o.Output == "" {
		return exportjson.Write(a.env.Stdout, d)
	}
	w, commit, err := createAtomic(o.Output, nil)
	if err != nil {
		return err
	}
	if err := exportjson.Write(w, d); err != nil {
		commit(false)
		return err
	}
	if err := commit(true); err != nil {
		return err
	}
	fmt.Fprintf(a.env.Stderr, "wrote image %s to %s\n", o.ImageID, o.Output)
	return nil
}

// ---- receipts

func newReceiptsCmd(runF func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{}
	c := &cobra.Command{
		Use:     "receipts",
		Short:   "List the receipts of every image",
		Example: `  receipt-dynamo receipts --limit 10`,
		Args:    cobra.NoArgs,
	}
	addListFlags(c, o)
	return command(c, o, func([]string) error { return o.check() }, runF)
}

func (a *app) runReceipts(ctx context.Context, o *listOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	receipts, next, err := collect(ctx, *o, st.client.AllReceipts)
	if err != nil {
		return a.tableErr(err)
	}
	a.more(next)
	return a.out.list([]string{"IMAGE_ID", "RECEIPT", "WIDTH", "HEIGHT", "ADDED"},
		mapRows(receipts, func(r rd.Receipt) []string {
			return []string{r.ImageID, itoa(r.ID), itoa(r.Width), itoa(r.Height),
				rd.FormatTime(r.TimestampAdded)}
		}), mapSlice(receipts, exportjson.FromReceipt))
}

func mapSlice[T, V any](in []T, f func(T) V) []V {
	out := make([]V, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// ---- receipt IMAGE_ID RECEIPT_ID

// receiptOptions address one receipt.
type receiptOptions struct {
	ImageID   string
	ReceiptID int
}

func newReceiptCmd(runF func(context.Context, *receiptOptions) error) *cobra.Command {
	o := &receiptOptions{}
	return command(&cobra.Command{
		Use:     "receipt IMAGE_ID RECEIPT_ID",
		Short:   "Show a receipt: its fields, lines and word tags",
		Example: `  receipt-dynamo receipt 5119873a-5401-4dd1-9669-878dff8b5bd5 1 --json`,
		Args:    exactArgs(2, "IMAGE_ID and RECEIPT_ID"),
	}, o, func(args []string) error {
		o.ImageID = strings.ToLower(args[0])
		if err := checkImageID(o.ImageID); err != nil {
			return err
		}
		var err error
		o.ReceiptID, err = parseID("RECEIPT_ID", args[1])
		return err
	}, runF)
}

// parseID parses an integer id of 1..99999.
func parseID(name, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > rd.MaxID {
		return 0, usagef("%s must be a number from 1 to %d, got %q", name, rd.MaxID, s)
	}
	return n, nil
}

// receiptView is what receipt prints with --json.
type receiptView struct {
	Receipt  exportjson.Receipt          `json:"receipt"`
	Lines    []exportjson.ReceiptLine    `json:"lines"`
	Words    []exportjson.ReceiptWord    `json:"words"`
	WordTags []exportjson.ReceiptWordTag `json:"word_tags"`
	Letters  int                         `json:"letter_count"`
}

func (a *app) runReceipt(ctx context.Context, o *receiptOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	d, err := st.client.ReceiptDetails(ctx, o.ImageID, o.ReceiptID)
	if err != nil {
		return a.notFound(err, "receipt %d of image %s", o.ReceiptID, o.ImageID)
	}
	if a.out.json {
		return a.out.printJSON(receiptView{Receipt: exportjson.FromReceipt(d.Receipt),
			Lines:    mapSlice(d.Lines, exportjson.FromReceiptLine),
			Words:    mapSlice(d.Words, exportjson.FromReceiptWord),
			WordTags: mapSlice(d.WordTags, exportjson.FromReceiptWordTag),
			Letters:  len(d.Letters)})
	}
	r := d.Receipt
	a.out.record([]field{
		{"image_id", r.ImageID}, {"receipt_id", itoa(r.ID)},
		{"size", fmt.Sprintf("%d x %d", r.Width, r.Height)},
		{"added", rd.FormatTime(r.TimestampAdded)},
		{"raw", r.RawS3Bucket + "/" + r.RawS3Key},
		{"lines", itoa(len(d.Lines))}, {"words", itoa(len(d.Words))},
		{"letters", itoa(len(d.Letters))}, {"word_tags", itoa(len(d.WordTags))},
	}, nil)
	words := map[[2]int]string{}
	for _, w := range d.Words {
		words[[2]int{w.LineID, w.ID}] = w.Text
	}
	a.details("Lines", []string{"LINE", "TEXT"}, "line",
		mapRows(d.Lines, func(l rd.ReceiptLine) []string { return []string{itoa(l.ID), l.Text} }))
	a.details("Word tags", tagColumns, "tag",
		mapRows(d.WordTags, func(t rd.ReceiptWordTag) []string {
			return tagRow(t.LineID, t.WordID, words[[2]int{t.LineID, t.WordID}], t.Tag,
				t.TagValidation)
		}))
	return nil
}

// ---- words --tag TAG

// wordsOptions are the options of words.
type wordsOptions struct {
	listOptions
	Tag     string
	Receipt bool
}

func newWordsCmd(runF func(context.Context, *wordsOptions) error) *cobra.Command {
	o := &wordsOptions{}
	c := &cobra.Command{
		Use:   "words --tag TAG",
		Short: "List the words that carry a tag",
		Long: `List the words of images (or, with --receipt, of receipts) that carry the
tag, read from the tag's index partition. Tags are case-insensitive.`,
		Example: `  receipt-dynamo words --tag TOTAL
  receipt-dynamo words --tag date --receipt --limit 5 --json`,
		Args: cobra.NoArgs,
	}
	addListFlags(c, &o.listOptions)
	c.Flags().StringVar(&o.Tag, "tag", "", "the `TAG` (required)")
	c.Flags().BoolVar(&o.Receipt, "receipt", false, "list receipt words instead of image words")
	return command(c, o, func([]string) error {
		if o.Tag == "" {
			return usagef("give the tag: words --tag TAG")
		}
		return o.check()
	}, runF)
}

func (a *app) runWords(ctx context.Context, o *wordsOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	if o.Receipt {
		words, next, err := collect(ctx, o.listOptions,
			func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.ReceiptWord], error) {
				return st.client.ReceiptWordsWithTag(ctx, o.Tag, lo)
			})
		if err != nil {
			return a.tableErr(err)
		}
		a.more(next)
		return a.out.list([]string{"IMAGE_ID", "RECEIPT", "LINE", "WORD", "TEXT", "TAGS"},
			mapRows(words, func(w rd.ReceiptWord) []string {
				return []string{w.ImageID, itoa(w.ReceiptID), itoa(w.LineID), itoa(w.ID),
					w.Text, strings.Join(w.Tags, ",")}
			}), mapSlice(words, exportjson.FromReceiptWord))
	}
	words, next, err := collect(ctx, o.listOptions,
		func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.Word], error) {
			return st.client.WordsWithTag(ctx, o.Tag, lo)
		})
	if err != nil {
		return a.tableErr(err)
	}
	a.more(next)
	return a.out.list([]string{"IMAGE_ID", "LINE", "WORD", "TEXT", "TAGS"},
		mapRows(words, func(w rd.Word) []string {
			return []string{w.ImageID, itoa(w.LineID), itoa(w.ID), w.Text,
				strings.Join(w.Tags, ",")}
		}), mapSlice(words, exportjson.FromWord))
}
