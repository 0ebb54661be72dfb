package receiptdynamo

import (
	"context"
	"errors"
	"fmt"
)

// ItemsOf is the typed access to the stored items of one OCR-side entity
// type T: add, update, delete and get one item or many, and list them all.
// A Client hands one out per type, such as [Client.Words]:
//
//	err := c.Words().Add(ctx, w)
//	page, err := c.Words().List(ctx, rd.ListOptions{Limit: 500})
//
// The methods behave alike for every type, with two exceptions that keep a
// word's tags set and its tag items in step (the tag operations of
// [Client.TagWord] and its kin manage both):
//
//   - Adding a Word or ReceiptWord with Tags is refused with ErrInvalid, and
//     updating one leaves its stored tags set as it is, whatever v.Tags says.
//   - Adding a WordTag or ReceiptWordTag also adds the tag to its word's tags
//     set, in the same transaction, and is refused with ErrNotFound when the
//     word is not stored; deleting one also removes the tag from the word's
//     set (a tag whose word is gone is deleted alone). Both therefore need
//     transactions, also for one item.
//
// Single-item methods of the other types are plain conditional writes.
// Plural methods write in transactions of at most 100 actions: all or
// nothing for up to 100 items (fewer for tags, whose words take actions
// too); a longer slice is split into such chunks, written in order, and a
// failure leaves the chunks before it written, as the returned *ManyError
// says. Every plural method validates all of its input first and writes
// nothing when an item is invalid or two items share a key.
type ItemsOf[T Entity, P entityPtr[T]] struct {
	c   *Client
	typ string
}

func itemsOf[T Entity, P entityPtr[T]](c *Client) ItemsOf[T, P] {
	var zero T
	return ItemsOf[T, P]{c: c, typ: zero.ItemType()}
}

// Images returns the typed access to the IMAGE items.
func (c *Client) Images() ItemsOf[Image, *Image] { return itemsOf[Image](c) }

// Lines returns the typed access to the LINE items.
func (c *Client) Lines() ItemsOf[Line, *Line] { return itemsOf[Line](c) }

// Words returns the typed access to the WORD items.
func (c *Client) Words() ItemsOf[Word, *Word] { return itemsOf[Word](c) }

// Letters returns the typed access to the LETTER items.
func (c *Client) Letters() ItemsOf[Letter, *Letter] { return itemsOf[Letter](c) }

// WordTags returns the typed access to the WORD_TAG items.
func (c *Client) WordTags() ItemsOf[WordTag, *WordTag] { return itemsOf[WordTag](c) }

// Receipts returns the typed access to the RECEIPT items.
func (c *Client) Receipts() ItemsOf[Receipt, *Receipt] { return itemsOf[Receipt](c) }

// ReceiptLines returns the typed access to the RECEIPT_LINE items.
func (c *Client) ReceiptLines() ItemsOf[ReceiptLine, *ReceiptLine] {
	return itemsOf[ReceiptLine](c)
}

// ReceiptWords returns the typed access to the RECEIPT_WORD items.
func (c *Client) ReceiptWords() ItemsOf[ReceiptWord, *ReceiptWord] {
	return itemsOf[ReceiptWord](c)
}

// ReceiptLetters returns the typed access to the RECEIPT_LETTER items.
func (c *Client) ReceiptLetters() ItemsOf[ReceiptLetter, *ReceiptLetter] {
	return itemsOf[ReceiptLetter](c)
}

// ReceiptWordTags returns the typed access to the RECEIPT_WORD_TAG items.
func (c *Client) ReceiptWordTags() ItemsOf[ReceiptWordTag, *ReceiptWordTag] {
	return itemsOf[ReceiptWordTag](c)
}

// ReceiptWindows returns the typed access to the RECEIPT_WINDOW items.
func (c *Client) ReceiptWindows() ItemsOf[ReceiptWindow, *ReceiptWindow] {
	return itemsOf[ReceiptWindow](c)
}

// GPTInitialTaggings returns the typed access to the GPT_INITIAL_TAGGING
// items.
func (c *Client) GPTInitialTaggings() ItemsOf[GPTInitialTagging, *GPTInitialTagging] {
	return itemsOf[GPTInitialTagging](c)
}

// GPTValidations returns the typed access to the GPT_VALIDATION items.
func (c *Client) GPTValidations() ItemsOf[GPTValidation, *GPTValidation] {
	return itemsOf[GPTValidation](c)
}

// Type returns the item type, such as TypeWord.
func (s ItemsOf[T, P]) Type() string { return s.typ }

// Add stores v. It fails with an *ItemError matching ErrAlreadyExists when
// an item with v's key is stored, and with ErrInvalid when v breaks a rule.
func (s ItemsOf[T, P]) Add(ctx context.Context, v T) error {
	return writeSingle(ctx, s.c, "add", s.typ, v, s.planAdd)
}

// AddMany stores vs, refusing any item whose key is stored, as Add does. Up
// to 100 items are added all or nothing (50 to 99 tags, as each tag's word
// takes an action too); a longer slice is added in chunks of that size, in
// order. When an item exists, its chunk writes
// nothing and the call stops there: it returns a *ManyError whose Done
// counts the items of the chunks before (those stay added) and whose cause
// is an *ItemError matching ErrAlreadyExists naming the item.
func (s ItemsOf[T, P]) AddMany(ctx context.Context, vs []T) error {
	return writeMany(ctx, s.c, "add many", s.typ, vs, s.planAdd)
}

// Update replaces the stored item with v's key by v. It fails with an
// *ItemError matching ErrNotFound when no such item is stored.
func (s ItemsOf[T, P]) Update(ctx context.Context, v T) error {
	return writeSingle(ctx, s.c, "update", s.typ, v, s.planUpdate)
}

// UpdateMany replaces the stored items with the keys of vs, refusing any
// item that is not stored, as Update does. Chunks of up to 100 items are
// all or nothing and written in order; when an item is missing, its chunk
// writes nothing and the call returns a *ManyError whose Done counts the
// items updated by the chunks before and whose cause is an *ItemError
// matching ErrNotFound.
func (s ItemsOf[T, P]) UpdateMany(ctx context.Context, vs []T) error {
	return writeMany(ctx, s.c, "update many", s.typ, vs, s.planUpdate)
}

// Delete deletes the item with the key. It fails with an *ItemError
// matching ErrNotFound when no item of this type is stored there, and with
// ErrInvalid when k is not the key of an item of this type.
func (s ItemsOf[T, P]) Delete(ctx context.Context, k Key) error {
	return writeSingle(ctx, s.c, "delete", s.typ, k, s.planDelete)
}

// DeleteMany deletes the items with the keys, refusing any key with no item
// of this type, as Delete does. Chunks of up to 100 keys (50 to 99 tags) are all
// or nothing and written in order; when an item is missing, its chunk
// deletes nothing and the call returns a *ManyError whose Done counts the
// items deleted by the chunks before and whose cause is an *ItemError
// matching ErrNotFound.
func (s ItemsOf[T, P]) DeleteMany(ctx context.Context, keys []Key) error {
	return writeMany(ctx, s.c, "delete many", s.typ, keys, s.planDelete)
}

// Get returns the item with the key. It fails with an *ItemError matching
// ErrNotFound when none is stored, and with ErrInvalid when k is not the key
// of an item of this type.
func (s ItemsOf[T, P]) Get(ctx context.Context, k Key) (T, error) {
	if _, err := ParseKey(s.typ, k); err != nil {
		var zero T
		return zero, fmt.Errorf("get %s: %w", s.typ, err)
	}
	return getEntity[T, P](ctx, s.c, k)
}

// List returns one page of every item of this type, from the GSITYPE
// index, in no particular order. Pass the page's Next as opts.Cursor to
// read the next page. The index is eventually consistent on DynamoDB.
func (s ItemsOf[T, P]) List(ctx context.Context, opts ListOptions) (PageOf[T], error) {
	page, err := listPage[T, P](ctx, s.c, Query{Index: IndexGSIType, PK: s.typ}, opts)
	if err != nil {
		return PageOf[T]{}, fmt.Errorf("list %s: %w", s.typ, err)
	}
	return page, nil
}

// The kinds of item writes that plan builds; deletes have planDelete.
type writeKind int

const (
	writeAdd writeKind = iota + 1
	writeUpdate
)

// itemWrite is one item write of the client, as a transaction action and
// what a failure of its condition means.
type itemWrite struct {
	action  TxAction
	op      string // "add", "update" or "delete"
	typ     string
	key     Key
	refused error // ErrAlreadyExists or ErrNotFound
	// link is the word whose tags set moves with this tag item, or nil.
	link *tagLink
}

// tagLink names the word that carries a tag item's tag.
type tagLink struct {
	word     Key
	wordType string
	tag      string
}

// taggedWord is implemented by the entities that carry a tags set managed
// by the tag operations.
type taggedWord interface{ tagSet() []string }

func (v Word) tagSet() []string        { return v.Tags }
func (v ReceiptWord) tagSet() []string { return v.Tags }

// isType holds when an item of type typ is stored: an update or delete with
// it refuses a missing item, and an item of another type, alike.
func isType(typ string) Condition { return Condition{AttrEquals(AttrType, s(typ))} }

func (s ItemsOf[T, P]) planAdd(v T) (itemWrite, error)    { return s.plan(writeAdd, v) }
func (s ItemsOf[T, P]) planUpdate(v T) (itemWrite, error) { return s.plan(writeUpdate, v) }

// plan validates v and returns its add or update.
func (s ItemsOf[T, P]) plan(kind writeKind, v T) (itemWrite, error) {
	item, err := v.MarshalItem()
	if err != nil {
		return itemWrite{}, err
	}
	k := v.Key()
	w := itemWrite{typ: s.typ, key: k}
	tw, tagged := any(v).(taggedWord)
	switch kind {
	case writeAdd:
		if tagged && len(tw.tagSet()) > 0 {
			return itemWrite{}, Invalid(s.typ, attrTags,
				"must be empty when adding a word; tag it with the tag operations", tw.tagSet())
		}
		w.op, w.refused = "add", ErrAlreadyExists
		w.action = PutAction(item, IfNotExists)
		w.link, err = tagLinkOf(s.typ, k)
	case writeUpdate:
		w.op, w.refused = "update", ErrNotFound
		w.action = PutAction(item, isType(s.typ))
		if tagged {
			// Keep the stored tags set: write every attribute but the keys
			// and tags.
			delete(item, AttrPK)
			delete(item, AttrSK)
			delete(item, attrTags)
			w.action = UpdateAction(k, Update{Set: item}, isType(s.typ))
		}
	}
	return w, err
}

// planDelete checks that k is a key of this type and returns its delete.
func (s ItemsOf[T, P]) planDelete(k Key) (itemWrite, error) {
	if _, err := ParseKey(s.typ, k); err != nil {
		return itemWrite{}, err
	}
	link, err := tagLinkOf(s.typ, k)
	if err != nil {
		return itemWrite{}, err
	}
	return itemWrite{
		action: DeleteAction(k, isType(s.typ)),
		op:     "delete", typ: s.typ, key: k, refused: ErrNotFound, link: link,
	}, nil
}

// tagLinkOf returns the word that carries the tag of the tag item with key
// k, or nil when typ is not a tag type.
func tagLinkOf(typ string, k Key) (*tagLink, error) {
	if typ != TypeWordTag && typ != TypeReceiptWordTag {
		return nil, nil
	}
	ids, err := ParseKey(typ, k)
	if err != nil {
		return nil, err
	}
	if typ == TypeWordTag {
		return &tagLink{word: wordKeys(ids.Image, ids.Line, ids.Word).Key(),
			wordType: TypeWord, tag: ids.Tag}, nil
	}
	return &tagLink{word: receiptWordKeys(ids.Image, ids.Receipt, ids.Line, ids.Word).Key(),
		wordType: TypeReceiptWord, tag: ids.Tag}, nil
}

// writeOne performs one item write: a conditional single-item write, or a
// transaction when the item is a tag whose word moves with it.
func (c *Client) writeOne(ctx context.Context, w itemWrite) error {
	if w.link != nil {
		return c.writeChunk(ctx, []itemWrite{w})
	}
	var err error
	a := w.action
	switch a.Kind {
	case TxPut:
		err = c.table.Put(ctx, a.Item, a.Cond)
	case TxUpdate:
		_, err = c.table.Update(ctx, a.Key, a.Update, a.Cond)
	case TxDelete:
		err = c.table.Delete(ctx, a.Key, a.Cond)
	}
	switch {
	case errors.Is(err, ErrConditionFailed):
		return &ItemError{Op: w.op, Type: w.typ, Key: w.key, Err: w.refused}
	case err != nil:
		return fmt.Errorf("%s %s %s: %w", w.op, w.typ, w.key, err)
	}
	return nil
}

// ManyError reports a plural write (AddMany, UpdateMany, DeleteMany) that
// stopped partway. Its chunks are all or nothing and written in order, so
// the first Done items of the Total given were written and the others were
// not. Err is the cause: an *ItemError for the item whose condition failed
// (matching ErrAlreadyExists or ErrNotFound), or the engine's error. The
// error matches its cause.
type ManyError struct {
	Op    string // "add many", "update many" or "delete many"
	Type  string // the item type
	Done  int
	Total int
	Err   error
}

func (e *ManyError) Error() string {
	return fmt.Sprintf("%s %s: %d of %d written: %v", e.Op, e.Type, e.Done, e.Total, e.Err)
}

// Unwrap returns the cause.
func (e *ManyError) Unwrap() error { return e.Err }

// maxTxActions is DynamoDB's limit of actions in one transaction.
const maxTxActions = 100

// writeSingle plans the write of one input and performs it.
func writeSingle[In any](ctx context.Context, c *Client, op, typ string, in In,
	plan func(In) (itemWrite, error)) error {
	w, err := plan(in)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, typ, err)
	}
	return c.writeOne(ctx, w)
}

// writeMany plans one write per input, refusing the whole call before
// anything is written when an input is invalid or two share a key, and then
// writes them in all-or-nothing chunks, in order.
func writeMany[In any](ctx context.Context, c *Client, op, typ string, in []In,
	plan func(In) (itemWrite, error)) error {
	ws := make([]itemWrite, 0, len(in))
	seen := make(map[Key]int, len(in))
	for i, v := range in {
		w, err := plan(v)
		if err != nil {
			return fmt.Errorf("%s %s: item %d: %w", op, typ, i, err)
		}
		if j, dup := seen[w.key]; dup {
			return fmt.Errorf("%s %s: item %d: %w", op, typ, i, Invalid(typ, "key",
				fmt.Sprintf("must not repeat the key of item %d", j), w.key.String()))
		}
		seen[w.key] = i
		ws = append(ws, w)
	}

	done := 0
	for _, chunk := range chunkWrites(ws) {
		if err := c.writeChunk(ctx, chunk); err != nil {
			return &ManyError{Op: op, Type: typ, Done: done, Total: len(ws), Err: err}
		}
		done += len(chunk)
	}
	return nil
}

// chunkWrites splits ws, in order, into chunks that fit one transaction:
// one action per write, plus one per distinct word whose tags set moves
// with the chunk's tag items.
func chunkWrites(ws []itemWrite) [][]itemWrite {
	var chunks [][]itemWrite
	var cur []itemWrite
	words := map[Key]bool{}
	actions := 0
	for _, w := range ws {
		cost := 1
		if w.link != nil && !words[w.link.word] {
			cost++
		}
		if actions+cost > maxTxActions {
			chunks = append(chunks, cur)
			cur, actions = nil, 0
			clear(words)
			cost = 1
			if w.link != nil {
				cost++
			}
		}
		cur = append(cur, w)
		actions += cost
		if w.link != nil {
			words[w.link.word] = true
		}
	}
	if len(cur) > 0 {
		chunks = append(chunks, cur)
	}
	return chunks
}

// wordChange is the change of one word's tags set within a transaction.
type wordChange struct {
	key  Key
	typ  string
	tags []string
}

// chunkTx returns the transaction of a chunk: its writes, in order, then one
// update per word whose tags set moves, leaving out the words in skip.
func chunkTx(ws []itemWrite, skip map[Key]bool) (Transaction, []wordChange) {
	var tx Transaction
	var words []wordChange
	at := map[Key]int{}
	for _, w := range ws {
		tx.Actions = append(tx.Actions, w.action)
		if w.link == nil || skip[w.link.word] {
			continue
		}
		i, ok := at[w.link.word]
		if !ok {
			i = len(words)
			at[w.link.word] = i
			words = append(words, wordChange{key: w.link.word, typ: w.link.wordType})
		}
		words[i].tags = append(words[i].tags, w.link.tag)
	}
	deleting := len(ws) > 0 && ws[0].action.Kind == TxDelete
	for _, wc := range words {
		upd := Update{Add: Item{attrTags: stringSetAV(wc.tags)}}
		if deleting {
			upd = Update{Delete: Item{attrTags: stringSetAV(wc.tags)}}
		}
		tx.Actions = append(tx.Actions, UpdateAction(wc.key, upd, isType(wc.typ)))
	}
	return tx, words
}

// writeChunk performs the writes of one chunk as one transaction. A tag
// delete whose word is not stored is sent again without the word's update,
// so that a tag left behind by its word's deletion can still be removed.
func (c *Client) writeChunk(ctx context.Context, ws []itemWrite) error {
	skip := map[Key]bool{}
	for {
		tx, words := chunkTx(ws, skip)
		err := c.transact(ctx, ws[0].op+" "+ws[0].typ, tx)
		if err == nil {
			return nil
		}
		var tc *TxCanceledError
		if !errors.As(err, &tc) {
			return fmt.Errorf("%s %s: %w", ws[0].op, ws[0].typ, err)
		}
		first := -1
		for i, r := range tc.Reasons {
			if r.Code == ReasonConditionalCheckFailed {
				first = i
				break
			}
		}
		switch {
		case first < 0:
			return fmt.Errorf("%s %s: %w", ws[0].op, ws[0].typ, err)
		case first < len(ws):
			w := ws[first]
			return &ItemError{Op: w.op, Type: w.typ, Key: w.key, Err: w.refused}
		case ws[0].action.Kind != TxDelete:
			wc := words[first-len(ws)]
			return &ItemError{Op: "tag", Type: wc.typ, Key: wc.key, Err: ErrNotFound}
		}
		for i := first; i < len(tc.Reasons); i++ {
			if tc.Reasons[i].Code == ReasonConditionalCheckFailed {
				skip[words[i-len(ws)].key] = true
			}
		}
	}
}
