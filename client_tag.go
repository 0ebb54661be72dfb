package receiptdynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file holds the tag operations. A tag lives twice: as a tag item
// (WORD_TAG or RECEIPT_WORD_TAG) with its review state, and as a member of
// its word's tags set. Every operation that adds, removes or renames a tag
// changes both in one transaction, so that readers never see one without
// the other; the review operations change the tag item alone, as the set
// holds only names. Tags given to these operations go through NormalizeTag
// (uppercase); the older writer's lowercase tags are reached through
// [Client.WordTags] with their stored key.
//
// Concurrent taggers of one word meet in its item. A transaction cancelled
// only by such a conflict (DynamoDB's TransactionConflict) is sent again
// with the same token, a bounded number of times with backoff (transact);
// a tag, untag or retag that loses a race otherwise fails with the
// ErrAlreadyExists or ErrNotFound the winner's write implies. The embedded
// engine serialises transactions and never reports conflicts.

// WordRef addresses a word of an image.
type WordRef struct {
	ImageID string
	LineID  int
	WordID  int
}

// ReceiptWordRef addresses a word of a receipt.
type ReceiptWordRef struct {
	ImageID   string
	ReceiptID int
	LineID    int
	WordID    int
}

// Ref returns the address of the word.
func (v Word) Ref() WordRef { return WordRef{ImageID: v.ImageID, LineID: v.LineID, WordID: v.ID} }

// Ref returns the address of the receipt word.
func (v ReceiptWord) Ref() ReceiptWordRef {
	return ReceiptWordRef{ImageID: v.ImageID, ReceiptID: v.ReceiptID, LineID: v.LineID,
		WordID: v.ID}
}

// ModelValidation is a language model's verdict on a tag.
type ModelValidation struct {
	// Valid says whether the model agrees with the tag.
	Valid bool
	// Confidence is the model's confidence; 0 stores none (NULL).
	Confidence float64
	// Flag is a free-form remark, such as "needs_review"; "" stores none.
	Flag string
	// RevisedTag is the tag the model proposes instead; "" stores none.
	RevisedTag string
}

// check returns the word's rules as a *ValidationError, or nil.
func (w WordRef) check() error {
	c := ocrCheck{typ: "Word"}
	c.uuid("image_id", w.ImageID)
	c.id("line_id", w.LineID)
	c.id("word_id", w.WordID)
	return c.err
}

func (w ReceiptWordRef) check() error {
	c := ocrCheck{typ: "ReceiptWord"}
	c.uuid("image_id", w.ImageID)
	c.id("receipt_id", w.ReceiptID)
	c.id("line_id", w.LineID)
	c.id("word_id", w.WordID)
	return c.err
}

func (w WordRef) key() Key { return wordKeys(w.ImageID, w.LineID, w.WordID).Key() }

func (w ReceiptWordRef) key() Key {
	return receiptWordKeys(w.ImageID, w.ReceiptID, w.LineID, w.WordID).Key()
}

func (w WordRef) tag(tag string, added time.Time) WordTag {
	return WordTag{ImageID: w.ImageID, LineID: w.LineID, WordID: w.WordID, Tag: tag,
		TimestampAdded: added}
}

func (w ReceiptWordRef) tag(tag string, added time.Time) ReceiptWordTag {
	return ReceiptWordTag{ImageID: w.ImageID, ReceiptID: w.ReceiptID, LineID: w.LineID,
		WordID: w.WordID, Tag: tag, TimestampAdded: added}
}

// stamp returns the client's time as stored: UTC, whole microseconds.
func (c *Client) stamp() time.Time { return c.now().UTC().Truncate(time.Microsecond) }

// TagWord tags the word: it stores the tag item (added now, not yet
// reviewed) and adds the tag to the word's tags set, in one transaction.
// The tag is uppercased. It fails with an *ItemError matching
// ErrAlreadyExists when the word has the tag, and with one matching
// ErrNotFound (naming the word) when the word is not stored.
func (c *Client) TagWord(ctx context.Context, w WordRef, tag string) (WordTag, error) {
	return tagWord(ctx, c.WordTags(), w, tag, c.stamp())
}

// TagReceiptWord tags the receipt word as TagWord tags a word.
func (c *Client) TagReceiptWord(ctx context.Context, w ReceiptWordRef,
	tag string) (ReceiptWordTag, error) {
	return tagWord(ctx, c.ReceiptWordTags(), w, tag, c.stamp())
}

// UntagWord removes the tag from the word: it deletes the tag item and
// removes the tag from the word's tags set, in one transaction. It fails
// with an *ItemError matching ErrNotFound when the word has no such tag
// item. A tag item whose word is gone is deleted alone.
func (c *Client) UntagWord(ctx context.Context, w WordRef, tag string) error {
	return untagWord(ctx, c.WordTags(), w, tag)
}

// UntagReceiptWord removes the tag from the receipt word as UntagWord does.
func (c *Client) UntagReceiptWord(ctx context.Context, w ReceiptWordRef, tag string) error {
	return untagWord(ctx, c.ReceiptWordTags(), w, tag)
}

// ValidateWordTag records a model's verdict on the word's tag: validated,
// gpt_confidence, flag and revised_tag as v says, timestamp_validated now.
// It returns the tag as stored afterwards, and fails with an *ItemError
// matching ErrNotFound when the word has no such tag. The word's tags set
// is not changed: a revised tag is a proposal, applied with RetagWord.
func (c *Client) ValidateWordTag(ctx context.Context, w WordRef, tag string,
	v ModelValidation) (WordTag, error) {
	upd, err := c.modelReview(v)
	return reviewTag(ctx, c.WordTags(), w, tag, upd, err)
}

// ValidateReceiptWordTag records a model's verdict on the receipt word's
// tag as ValidateWordTag does.
func (c *Client) ValidateReceiptWordTag(ctx context.Context, w ReceiptWordRef, tag string,
	v ModelValidation) (ReceiptWordTag, error) {
	upd, err := c.modelReview(v)
	return reviewTag(ctx, c.ReceiptWordTags(), w, tag, upd, err)
}

// ConfirmWordTag records a person's verdict on the word's tag:
// human_validated is valid, timestamp_human_validated now. It returns the
// tag as stored afterwards, and fails with an *ItemError matching
// ErrNotFound when the word has no such tag.
func (c *Client) ConfirmWordTag(ctx context.Context, w WordRef, tag string,
	valid bool) (WordTag, error) {
	return reviewTag(ctx, c.WordTags(), w, tag, c.humanReview(valid), nil)
}

// ConfirmReceiptWordTag records a person's verdict on the receipt word's tag
// as ConfirmWordTag does.
func (c *Client) ConfirmReceiptWordTag(ctx context.Context, w ReceiptWordRef, tag string,
	valid bool) (ReceiptWordTag, error) {
	return reviewTag(ctx, c.ReceiptWordTags(), w, tag, c.humanReview(valid), nil)
}

// RetagWord changes the word's tag from into to: in one transaction it
// deletes the tag item of from, stores one of to (added now, not yet
// reviewed) and replaces from by to in the word's tags set. It fails with
// an *ItemError matching ErrNotFound when the word or its tag from is not
// stored, and with one matching ErrAlreadyExists when the word has the tag
// to. The word's set is read first and the write requires it unchanged; a
// concurrent change of the word's tags makes RetagWord read and try again,
// a bounded number of times.
func (c *Client) RetagWord(ctx context.Context, w WordRef, from, to string) (WordTag, error) {
	return retagWord(ctx, c.WordTags(), w, from, to, c.stamp())
}

// RetagReceiptWord changes the receipt word's tag as RetagWord does.
func (c *Client) RetagReceiptWord(ctx context.Context, w ReceiptWordRef,
	from, to string) (ReceiptWordTag, error) {
	return retagWord(ctx, c.ReceiptWordTags(), w, from, to, c.stamp())
}

// TagsOfWord returns the word's tag items, in tag order. It reads only the
// word's tags (LINE#l#WORD#w#TAG#…), never the word or its letters.
func (c *Client) TagsOfWord(ctx context.Context, w WordRef) ([]WordTag, error) {
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("tags of word: %w", err)
	}
	return children[WordTag](ctx, c, "tags of word", w.ImageID,
		wordTagsPrefix(w.LineID, w.WordID))
}

// TagsOfReceiptWord returns the receipt word's tag items, in tag order.
func (c *Client) TagsOfReceiptWord(ctx context.Context,
	w ReceiptWordRef) ([]ReceiptWordTag, error) {
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("tags of receipt word: %w", err)
	}
	return children[ReceiptWordTag](ctx, c, "tags of receipt word", w.ImageID,
		receiptWordTagsPrefix(w.ReceiptID, w.LineID, w.WordID))
}

// WordsWithTag returns one page of the words that carry the tag (uppercased),
// in image and word order: the WORD_TAG items of the tag's GSI1 partition
// (never its receipt word tags), and their words read by key. A tag item
// whose word is gone is skipped. The index is eventually consistent on
// DynamoDB.
func (c *Client) WordsWithTag(ctx context.Context, tag string,
	opts ListOptions) (PageOf[Word], error) {
	return wordsWithTag[Word, *Word, WordTag](ctx, c, TypeWordTag, tag, opts,
		func(t WordTag) Key { return wordKeys(t.ImageID, t.LineID, t.WordID).Key() })
}

// ReceiptWordsWithTag returns one page of the receipt words that carry the
// tag, as WordsWithTag does for words.
func (c *Client) ReceiptWordsWithTag(ctx context.Context, tag string,
	opts ListOptions) (PageOf[ReceiptWord], error) {
	return wordsWithTag[ReceiptWord, *ReceiptWord, ReceiptWordTag](ctx, c,
		TypeReceiptWordTag, tag, opts, func(t ReceiptWordTag) Key {
			return receiptWordKeys(t.ImageID, t.ReceiptID, t.LineID, t.WordID).Key()
		})
}

// wordRef is WordRef or ReceiptWordRef, building tag entities of type TT.
type wordRef[TT any] interface {
	check() error
	key() Key
	tag(tag string, added time.Time) TT
}

// tagWord normalises the tag and adds its item, which moves the word's set.
func tagWord[TT Entity, P entityPtr[TT], R wordRef[TT]](ctx context.Context,
	tags ItemsOf[TT, P], w R, tag string, now time.Time) (TT, error) {
	var zero TT
	t, err := normalTag[TT](w, tag, now)
	if err != nil {
		return zero, fmt.Errorf("tag %s: %w", tags.typ, err)
	}
	if err := tags.Add(ctx, t); err != nil {
		return zero, err
	}
	return t, nil
}

func untagWord[TT Entity, P entityPtr[TT], R wordRef[TT]](ctx context.Context,
	tags ItemsOf[TT, P], w R, tag string) error {
	t, err := normalTag[TT](w, tag, time.Time{})
	if err != nil {
		return fmt.Errorf("untag %s: %w", tags.typ, err)
	}
	return tags.Delete(ctx, t.Key())
}

// normalTag checks the word's address and returns its tag entity with the
// tag uppercased.
func normalTag[TT any, R wordRef[TT]](w R, tag string, now time.Time) (TT, error) {
	var zero TT
	if err := w.check(); err != nil {
		return zero, err
	}
	norm, err := NormalizeTag(tag)
	if err != nil {
		return zero, err
	}
	return w.tag(norm, now), nil
}

// modelReview returns the update recording a model's verdict.
func (c *Client) modelReview(v ModelValidation) (Update, error) {
	conf := types.AttributeValue(null())
	if v.Confidence != 0 {
		if !(v.Confidence > 0 && v.Confidence <= 1) {
			return Update{}, Invalid("ModelValidation", "Confidence", "must be in (0, 1] or 0",
				v.Confidence)
		}
		conf = n(v.Confidence)
	}
	revised := ""
	if v.RevisedTag != "" {
		var err error
		if revised, err = NormalizeTag(v.RevisedTag); err != nil {
			return Update{}, err
		}
	}
	return Update{Set: Item{
		attrValidated:          b(v.Valid),
		attrTimestampValidated: s(FormatTime(c.stamp())),
		attrGPTConfidence:      conf,
		attrFlag:               sOrNull(v.Flag),
		attrRevisedTag:         sOrNull(revised),
	}}, nil
}

// humanReview returns the update recording a person's verdict.
func (c *Client) humanReview(valid bool) Update {
	return Update{Set: Item{
		attrHumanValidated:          b(valid),
		attrTimestampHumanValidated: s(FormatTime(c.stamp())),
	}}
}

// reviewTag applies a review update to an existing tag item and returns it
// as stored afterwards.
func reviewTag[TT Entity, P entityPtr[TT], R wordRef[TT]](ctx context.Context,
	tags ItemsOf[TT, P], w R, tag string, upd Update, err error) (TT, error) {
	var out TT
	if err != nil {
		return out, fmt.Errorf("review %s: %w", tags.typ, err)
	}
	t, err := normalTag[TT](w, tag, time.Time{})
	if err != nil {
		return out, fmt.Errorf("review %s: %w", tags.typ, err)
	}
	item, err := tags.c.table.Update(ctx, t.Key(), upd, isType(tags.typ))
	if errors.Is(err, ErrConditionFailed) {
		return out, &ItemError{Op: "review", Type: tags.typ, Key: t.Key(), Err: ErrNotFound}
	}
	if err == nil {
		err = P(&out).UnmarshalItem(item)
	}
	if err != nil {
		return out, fmt.Errorf("review %s %s: %w", tags.typ, t.Key(), err)
	}
	return out, nil
}

// retagRounds bounds how often RetagWord reads the word again after a
// concurrent change of its tags.
const retagRounds = 8

func retagWord[TT Entity, P entityPtr[TT], R wordRef[TT]](ctx context.Context,
	tags ItemsOf[TT, P], w R, from, to string, now time.Time) (TT, error) {
	var zero TT
	old, err := normalTag[TT](w, from, time.Time{})
	if err != nil {
		return zero, fmt.Errorf("retag %s: from: %w", tags.typ, err)
	}
	next, err := normalTag[TT](w, to, now)
	if err != nil {
		return zero, fmt.Errorf("retag %s: to: %w", tags.typ, err)
	}
	item, err := next.MarshalItem()
	if err != nil {
		return zero, fmt.Errorf("retag %s: %w", tags.typ, err)
	}
	link, _ := tagLinkOf(tags.typ, next.Key())
	oldLink, _ := tagLinkOf(tags.typ, old.Key())
	if old.Key() == next.Key() {
		return zero, fmt.Errorf("retag %s: %w", tags.typ,
			Invalid(tags.typ, attrTagName, "must differ from the tag it replaces", to))
	}

	for round := 1; ; round++ {
		// Read the word's set, and require it unchanged when writing.
		word, err := tags.c.table.Get(ctx, w.key())
		if errors.Is(err, ErrNotFound) {
			return zero, &ItemError{Op: "retag", Type: link.wordType, Key: w.key(),
				Err: ErrNotFound}
		}
		if err != nil {
			return zero, fmt.Errorf("retag %s: %w", tags.typ, err)
		}
		wordCond, set := isType(link.wordType), []string{link.tag}
		if cur, ok := word[attrTags].(*types.AttributeValueMemberSS); ok {
			wordCond = append(wordCond, AttrEquals(attrTags, stringSetAV(cur.Value)))
			for _, t := range cur.Value {
				if t != oldLink.tag && t != link.tag {
					set = append(set, t)
				}
			}
		} else {
			wordCond = append(wordCond, Check{Attr: attrTags, Op: OpNotExists})
		}
		slices.Sort(set)

		tx := Transaction{Actions: []TxAction{
			DeleteAction(old.Key(), isType(tags.typ)),
			PutAction(item, IfNotExists),
			UpdateAction(w.key(), Update{Set: Item{attrTags: stringSetAV(set)}}, wordCond),
		}}
		err = tags.c.transact(ctx, "retag "+tags.typ, tx)
		switch {
		case err == nil:
			return next, nil
		case failedAt(err, 0):
			return zero, &ItemError{Op: "retag", Type: tags.typ, Key: old.Key(), Err: ErrNotFound}
		case failedAt(err, 1):
			return zero, &ItemError{Op: "retag", Type: tags.typ, Key: next.Key(),
				Err: ErrAlreadyExists}
		case !failedAt(err, 2) || round >= retagRounds:
			return zero, fmt.Errorf("retag %s: %w", tags.typ, err)
		}
		if err := txBackoff(ctx, round); err != nil {
			return zero, err
		}
	}
}

// wordsWithTag reads one page of the tag items of type tagType in the tag's
// GSI1 partition and returns their words.
func wordsWithTag[W any, WP entityPtr[W], TT any, TP entityPtr[TT]](ctx context.Context,
	c *Client, tagType, tag string, opts ListOptions, wordKey func(TT) Key) (PageOf[W], error) {
	norm, err := NormalizeTag(tag)
	if err != nil {
		return PageOf[W]{}, fmt.Errorf("words with tag: %w", err)
	}
	q := Query{Index: IndexGSI1, PK: tagIndexPK(norm), Type: tagType}
	tagPage, err := listPage[TT, TP](ctx, c, q, opts)
	if err != nil {
		return PageOf[W]{}, fmt.Errorf("words with tag %s: %w", norm, err)
	}
	keys := make([]Key, len(tagPage.Items))
	for i, t := range tagPage.Items {
		keys[i] = wordKey(t)
	}
	var items []Item
	if len(keys) > 0 {
		items, err = c.table.BatchGet(ctx, keys)
	}
	if err != nil {
		return PageOf[W]{}, fmt.Errorf("words with tag %s: %w", norm, err)
	}
	out := PageOf[W]{Items: make([]W, 0, len(items)), Next: tagPage.Next}
	for _, it := range items {
		if it == nil {
			continue
		}
		var v W
		if err := WP(&v).UnmarshalItem(it); err != nil {
			return PageOf[W]{}, fmt.Errorf("words with tag %s: %w", norm, err)
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}
