package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/exportjson"
)

// wordAddress addresses a word of an image, or of a receipt when Receipt
// is not 0.
type wordAddress struct {
	ImageID string
	Receipt int
	Line    int
	Word    int
}

func (w wordAddress) ref() rd.WordRef {
	return rd.WordRef{ImageID: w.ImageID, LineID: w.Line, WordID: w.Word}
}

func (w wordAddress) receiptRef() rd.ReceiptWordRef {
	return rd.ReceiptWordRef{ImageID: w.ImageID, ReceiptID: w.Receipt, LineID: w.Line,
		WordID: w.Word}
}

func (w wordAddress) String() string {
	if w.Receipt != 0 {
		return fmt.Sprintf("word %d of line %d of receipt %d of image %s", w.Word, w.Line,
			w.Receipt, w.ImageID)
	}
	return fmt.Sprintf("word %d of line %d of image %s", w.Word, w.Line, w.ImageID)
}

// parseWordAddress parses IMAGE_ID LINE WORD; receipt comes from --receipt.
func parseWordAddress(args []string, receipt int) (wordAddress, error) {
	w := wordAddress{ImageID: strings.ToLower(args[0]), Receipt: receipt}
	if err := checkImageID(w.ImageID); err != nil {
		return w, err
	}
	if receipt < 0 || receipt > rd.MaxID {
		return w, usagef("--receipt must be a number from 1 to %d, got %d", rd.MaxID, receipt)
	}
	var err error
	if w.Line, err = parseID("LINE", args[1]); err != nil {
		return w, err
	}
	w.Word, err = parseID("WORD", args[2])
	return w, err
}

func parseTag(s string) (string, error) {
	tag, err := rd.NormalizeTag(s)
	if err != nil {
		return "", usagef("TAG %q: %v", s, err)
	}
	return tag, nil
}

// ---- tags IMAGE_ID

// tagsOptions are the options of tags.
type tagsOptions struct {
	ImageID string
	Receipt int
	Line    int
	Word    int
}

func newTagsCmd(runF func(context.Context, *tagsOptions) error) *cobra.Command {
	o := &tagsOptions{}
	c := &cobra.Command{
		Use:   "tags IMAGE_ID [--receipt R] [--line L [--word W]]",
		Short: "List the word tags of an image or of one of its receipts",
		Long: `List the word tags of an image (or, with --receipt, of one of its
receipts) with their review state: VALIDATED is a model's verdict and HUMAN a
person's ("-" for none). --line and --word narrow the list.`,
		Example: `  receipt-dynamo tags 27e58027-edd6-45af-9038-3a778feda954
  receipt-dynamo tags 27e58027-edd6-45af-9038-3a778feda954 --receipt 1 --line 3 --json`,
		Args: exactArgs(1, "IMAGE_ID"),
	}
	c.Flags().IntVar(&o.Receipt, "receipt", 0, "list the tags of receipt `R` of the image")
	c.Flags().IntVar(&o.Line, "line", 0, "only the tags of line `L`")
	c.Flags().IntVar(&o.Word, "word", 0, "only the tags of word `W` (with --line)")
	return command(c, o, func(args []string) error {
		o.ImageID = strings.ToLower(args[0])
		switch {
		case o.Receipt < 0 || o.Line < 0 || o.Word < 0:
			return usagef("--receipt, --line and --word must be positive")
		case o.Word > 0 && o.Line == 0:
			return usagef("--word needs --line")
		}
		return checkImageID(o.ImageID)
	}, runF)
}

func (a *app) runTags(ctx context.Context, o *tagsOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	keep := func(line, word int) bool {
		return (o.Line == 0 || line == o.Line) && (o.Word == 0 || word == o.Word)
	}
	if o.Receipt > 0 {
		d, err := st.client.ReceiptDetails(ctx, o.ImageID, o.Receipt)
		if err != nil {
			return a.notFound(err, "receipt %d of image %s", o.Receipt, o.ImageID)
		}
		words := map[[2]int]string{}
		for _, w := range d.Words {
			words[[2]int{w.LineID, w.ID}] = w.Text
		}
		var tags []rd.ReceiptWordTag
		for _, t := range d.WordTags {
			if keep(t.LineID, t.WordID) {
				tags = append(tags, t)
			}
		}
		return a.out.list(append(tagColumns, "ADDED"), mapRows(tags,
			func(t rd.ReceiptWordTag) []string {
				return append(tagRow(t.LineID, t.WordID, words[[2]int{t.LineID, t.WordID}],
					t.Tag, t.TagValidation), rd.FormatTime(t.TimestampAdded))
			}), mapSlice(tags, exportjson.FromReceiptWordTag))
	}
	d, err := st.client.ImageDetails(ctx, o.ImageID)
	if err != nil {
		return a.notFound(err, "image %s", o.ImageID)
	}
	words := wordTexts(d.Words)
	var tags []rd.WordTag
	for _, t := range d.WordTags {
		if keep(t.LineID, t.WordID) {
			tags = append(tags, t)
		}
	}
	return a.out.list(append(tagColumns, "ADDED"), mapRows(tags, func(t rd.WordTag) []string {
		return append(tagRow(t.LineID, t.WordID, words[[2]int{t.LineID, t.WordID}], t.Tag,
			t.TagValidation), rd.FormatTime(t.TimestampAdded))
	}), mapSlice(tags, exportjson.FromWordTag))
}

// ---- tag add|remove|validate

// tagOptions are the options of tag add, tag remove and tag validate.
type tagOptions struct {
	Word wordAddress
	Tag  string

	// tag validate
	Invalid    bool
	Human      bool
	Confidence float64
	Flag       string
	RevisedTag string
}

func (a *app) tagCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "tag",
		Short: "Add, remove or validate a tag on a word",
		Long: `Add, remove or validate a tag on a word of an image, or with --receipt R on
a word of receipt R. A word is addressed by its image id, line id and word
id. Tags are stored uppercase. The word's tags set and its tag item change
together, in one transaction.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(
		newTagAddCmd(run(a, a.runTagAdd)),
		newTagRemoveCmd(run(a, a.runTagRemove)),
		newTagValidateCmd(run(a, a.runTagValidate)),
	)
	return c
}

func tagCommand(c *cobra.Command, o *tagOptions, extra func() error,
	runF func(context.Context, *tagOptions) error) *cobra.Command {
	var receipt int
	c.Flags().IntVar(&receipt, "receipt", 0, "the word is of receipt `R` of the image")
	c.Args = exactArgs(4, "IMAGE_ID LINE WORD TAG")
	return command(c, o, func(args []string) error {
		var err error
		if o.Word, err = parseWordAddress(args, receipt); err != nil {
			return err
		}
		if o.Tag, err = parseTag(args[3]); err != nil {
			return err
		}
		if extra != nil {
			return extra()
		}
		return nil
	}, runF)
}

func newTagAddCmd(runF func(context.Context, *tagOptions) error) *cobra.Command {
	o := &tagOptions{}
	return tagCommand(&cobra.Command{
		Use:   "add IMAGE_ID LINE WORD TAG [--receipt R]",
		Short: "Tag a word",
		Long:  `Tag a word. It fails if the word does not exist or already has the tag.`,
		Example: `  receipt-dynamo tag add 27e58027-edd6-45af-9038-3a778feda954 40 2 TOTAL
  receipt-dynamo tag add 27e58027-edd6-45af-9038-3a778feda954 3 1 date --receipt 1`,
	}, o, nil, runF)
}

func newTagRemoveCmd(runF func(context.Context, *tagOptions) error) *cobra.Command {
	o := &tagOptions{}
	return tagCommand(&cobra.Command{
		Use:     "remove IMAGE_ID LINE WORD TAG [--receipt R]",
		Short:   "Remove a tag from a word",
		Example: `  receipt-dynamo tag remove 27e58027-edd6-45af-9038-3a778feda954 40 2 TOTAL`,
	}, o, nil, runF)
}

func newTagValidateCmd(runF func(context.Context, *tagOptions) error) *cobra.Command {
	o := &tagOptions{}
	var confidence string
	c := &cobra.Command{
		Use:   "validate IMAGE_ID LINE WORD TAG [--receipt R] [--invalid] [--human]",
		Short: "Record a model's or a person's verdict on a tag",
		Long: `Record a verdict on a tag: by default a model's (validated, with the time,
and optionally --confidence, --flag and --revised-tag); with --human a
person's (human_validated). --invalid records that the tag is wrong.`,
		Example: `  receipt-dynamo tag validate "$IMAGE" 40 2 TOTAL --confidence 0.93
  receipt-dynamo tag validate 27e58027-edd6-45af-9038-3a778feda954 40 2 TOTAL --human --invalid`,
	}
	f := c.Flags()
	f.BoolVar(&o.Invalid, "invalid", false, "the tag is wrong")
	f.BoolVar(&o.Human, "human", false, "a person's verdict rather than a model's")
	f.StringVar(&confidence, "confidence", "", "the model's confidence, in (0, 1]")
	f.StringVar(&o.Flag, "flag", "", "a remark of the model, such as needs_review")
	f.StringVar(&o.RevisedTag, "revised-tag", "", "the tag the model proposes instead")
	return tagCommand(c, o, func() error {
		if confidence != "" {
			v, err := strconv.ParseFloat(confidence, 64)
			if err != nil || v <= 0 || v > 1 {
				return usagef("--confidence must be a number in (0, 1], got %q", confidence)
			}
			o.Confidence = v
		}
		if o.RevisedTag != "" {
			t, err := parseTag(o.RevisedTag)
			if err != nil {
				return err
			}
			o.RevisedTag = t
		}
		if o.Human && (o.Confidence != 0 || o.Flag != "" || o.RevisedTag != "") {
			return usagef("--confidence, --flag and --revised-tag are a model's; " +
				"they do not go with --human")
		}
		return nil
	}, runF)
}

func (a *app) runTagAdd(ctx context.Context, o *tagOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	if o.Word.Receipt > 0 {
		t, err := st.client.TagReceiptWord(ctx, o.Word.receiptRef(), o.Tag)
		if err != nil {
			return a.tagErr(err, o, true)
		}
		return a.printReceiptTag(t)
	}
	t, err := st.client.TagWord(ctx, o.Word.ref(), o.Tag)
	if err != nil {
		return a.tagErr(err, o, true)
	}
	return a.printTag(t)
}

func (a *app) runTagRemove(ctx context.Context, o *tagOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	if o.Word.Receipt > 0 {
		err = st.client.UntagReceiptWord(ctx, o.Word.receiptRef(), o.Tag)
	} else {
		err = st.client.UntagWord(ctx, o.Word.ref(), o.Tag)
	}
	if err != nil {
		return a.tagErr(err, o, false)
	}
	v := struct {
		Removed string `json:"removed"`
		Word    string `json:"word"`
	}{o.Tag, o.Word.String()}
	return a.out.record([]field{{"removed", o.Tag}, {"word", o.Word.String()}}, v)
}

func (a *app) runTagValidate(ctx context.Context, o *tagOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	mv := rd.ModelValidation{Valid: !o.Invalid, Confidence: o.Confidence, Flag: o.Flag,
		RevisedTag: o.RevisedTag}
	c := st.client
	if o.Word.Receipt > 0 {
		var t rd.ReceiptWordTag
		if o.Human {
			t, err = c.ConfirmReceiptWordTag(ctx, o.Word.receiptRef(), o.Tag, !o.Invalid)
		} else {
			t, err = c.ValidateReceiptWordTag(ctx, o.Word.receiptRef(), o.Tag, mv)
		}
		if err != nil {
			return a.tagErr(err, o, false)
		}
		return a.printReceiptTag(t)
	}
	var t rd.WordTag
	if o.Human {
		t, err = c.ConfirmWordTag(ctx, o.Word.ref(), o.Tag, !o.Invalid)
	} else {
		t, err = c.ValidateWordTag(ctx, o.Word.ref(), o.Tag, mv)
	}
	if err != nil {
		return a.tagErr(err, o, false)
	}
	return a.printTag(t)
}

// tagErr names the tag and the word in a failure: what is missing (the word
// for add, the tag otherwise) or that the tag exists.
func (a *app) tagErr(err error, o *tagOptions, adding bool) error {
	switch {
	case errors.Is(err, rd.ErrAlreadyExists):
		return fmt.Errorf("%s already has the tag %s: %w", o.Word, o.Tag, rd.ErrAlreadyExists)
	case adding:
		return a.notFound(err, "%s", o.Word)
	}
	return a.notFound(err, "tag %s on %s", o.Tag, o.Word)
}

func tagFields(tag string, added string, v rd.TagValidation) []field {
	fields := []field{{"tag", tag}, {"added", added}, {"validated", optBool(v.Validated)}}
	if !v.TimestampValidated.IsZero() {
		fields = append(fields, field{"validated_at", rd.FormatTime(v.TimestampValidated)})
	}
	if v.GPTConfidence != nil {
		fields = append(fields, field{"confidence", strconv.FormatFloat(*v.GPTConfidence,
			'f', -1, 64)})
	}
	if v.Flag != "" {
		fields = append(fields, field{"flag", v.Flag})
	}
	if v.RevisedTag != "" {
		fields = append(fields, field{"revised_tag", v.RevisedTag})
	}
	fields = append(fields, field{"human_validated", optBool(v.HumanValidated)})
	if !v.TimestampHumanValidated.IsZero() {
		fields = append(fields, field{"human_validated_at",
			rd.FormatTime(v.TimestampHumanValidated)})
	}
	return fields
}

func (a *app) printTag(t rd.WordTag) error {
	fields := append([]field{{"image_id", t.ImageID}, {"line", itoa(t.LineID)},
		{"word", itoa(t.WordID)}}, tagFields(t.Tag, rd.FormatTime(t.TimestampAdded),
		t.TagValidation)...)
	return a.out.record(fields, exportjson.FromWordTag(t))
}

func (a *app) printReceiptTag(t rd.ReceiptWordTag) error {
	fields := append([]field{{"image_id", t.ImageID}, {"receipt", itoa(t.ReceiptID)},
		{"line", itoa(t.LineID)}, {"word", itoa(t.WordID)}},
		tagFields(t.Tag, rd.FormatTime(t.TimestampAdded), t.TagValidation)...)
	return a.out.record(fields, exportjson.FromReceiptWordTag(t))
}
