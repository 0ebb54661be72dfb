package receiptdynamo

import (
	"context"
	"encoding/base64"
	"fmt"
)

// This file holds the relations of an image: its lines, words, letters and
// receipts, the overview of every image, and the counts. A relation under one
// image reads that image's partition, strongly consistent, under the
// narrowest sort-key prefix that holds what it wants; where that prefix also
// holds other types (LINE# holds words, letters and tags too), the query
// keeps only the wanted TYPE, so that no other item is ever decoded or
// returned. Each relation follows the query's pages to the end.

// children returns every item of type T under prefix in the partition of
// image imageID, in sort-key order.
//
// TODO(receipts): LinesOfImage and ReceiptsOfImage read (and pay for) every
// word, letter and receipt item under LINE# and RECEIPT# to return a few
// dozen items; the GSI1 partition IMAGE holds exactly the lines and
// receipts, but is eventually consistent. Offer it as an option once a
// caller needs the cheaper read.
func children[T Entity, P entityPtr[T]](ctx context.Context, c *Client, op, imageID,
	prefix string) ([]T, error) {
	if !IsUUIDv4(imageID) {
		return nil, fmt.Errorf("%s: %w", op, Invalid("Image", "image_id",
			"must be a UUID version 4", imageID))
	}
	var zero T
	q := Query{
		PK:   imagePK(imageID),
		SK:   KeyCondition{Op: SKBeginsWith, Value: prefix},
		Type: zero.ItemType(),
	}
	items, err := queryAll[T, P](ctx, c, q)
	if err != nil {
		return nil, fmt.Errorf("%s of image %s: %w", op, imageID, err)
	}
	return items, nil
}

// LinesOfImage returns the image's lines, in line order, and nothing else
// (the words, letters and tags that share their sort-key prefix are not
// returned).
func (c *Client) LinesOfImage(ctx context.Context, imageID string) ([]Line, error) {
	return children[Line](ctx, c, "lines", imageID, linesPrefix())
}

// WordsOfLine returns the words of a line, in word order, without their
// letters or tags.
func (c *Client) WordsOfLine(ctx context.Context, imageID string, lineID int) ([]Word, error) {
	if err := checkID("Line", "line_id", lineID); err != nil {
		return nil, fmt.Errorf("words of line: %w", err)
	}
	return children[Word](ctx, c, "words of line", imageID, lineChildrenPrefix(lineID))
}

// WordsOfImage returns every word of the image, in line and word order.
func (c *Client) WordsOfImage(ctx context.Context, imageID string) ([]Word, error) {
	return children[Word](ctx, c, "words", imageID, linesPrefix())
}

// LettersOfWord returns the letters of a word, in letter order.
func (c *Client) LettersOfWord(ctx context.Context, w WordRef) ([]Letter, error) {
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("letters of word: %w", err)
	}
	return children[Letter](ctx, c, "letters of word", w.ImageID,
		wordLettersPrefix(w.LineID, w.WordID))
}

// ReceiptsOfImage returns the image's receipts, in receipt order, without
// anything stored under them.
func (c *Client) ReceiptsOfImage(ctx context.Context, imageID string) ([]Receipt, error) {
	return children[Receipt](ctx, c, "receipts", imageID, receiptsPrefix())
}

// checkID checks an integer id given as field of the entity typ.
func checkID(typ, field string, id int) error {
	c := ocrCheck{typ: typ}
	c.id(field, id)
	return c.err
}

// CountImages returns the number of images, counted by the engine from the
// GSITYPE index without returning the items (DynamoDB still reads them:
// about one read unit per 8 KB of images).
func (c *Client) CountImages(ctx context.Context) (int, error) {
	return c.countType(ctx, TypeImage)
}

// CountReceipts returns the number of receipts, as CountImages counts
// images.
func (c *Client) CountReceipts(ctx context.Context) (int, error) {
	return c.countType(ctx, TypeReceipt)
}

func (c *Client) countType(ctx context.Context, typ string) (int, error) {
	n, err := c.table.Count(ctx, Query{Index: IndexGSIType, PK: typ})
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", typ, err)
	}
	return n, nil
}

// AllReceipts returns one page of every receipt, ordered by image id and
// receipt id, from the GSI2 partition RECEIPT (which also holds receipt
// words and their tags; they are read and skipped). The index is eventually
// consistent on DynamoDB.
func (c *Client) AllReceipts(ctx context.Context, opts ListOptions) (PageOf[Receipt], error) {
	q := Query{
		Index: IndexGSI2, PK: receiptIndexPK(),
		SK:   KeyCondition{Op: SKBeginsWith, Value: receiptIndexPrefix()},
		Type: TypeReceipt,
	}
	page, err := listPage[Receipt](ctx, c, q, opts)
	if err != nil {
		return PageOf[Receipt]{}, fmt.Errorf("all receipts: %w", err)
	}
	return page, nil
}

// ImageOverview is an image with its lines and receipts, as
// [Client.ImageOverviews] lists them.
type ImageOverview struct {
	Image    Image
	Lines    []Line
	Receipts []Receipt
}

// ImageOverviews returns one page of images, in image id order, each with
// its lines and receipts, read from the GSI1 partition IMAGE (which holds
// exactly those three types, grouped by image). opts.Limit counts images;
// with 0 a page holds the images whose items one query page reads (at least
// one image). An image is never split across pages, and items whose image
// item is not stored (an image whose loading has not finished) are
// skipped. The index is eventually consistent on DynamoDB.
func (c *Client) ImageOverviews(ctx context.Context,
	opts ListOptions) (PageOf[ImageOverview], error) {
	if opts.Limit < 0 {
		return PageOf[ImageOverview]{}, fmt.Errorf("image overviews: %w",
			Invalid("ListOptions", "Limit", "must not be negative", opts.Limit))
	}
	q := Query{Index: IndexGSI1, PK: overviewIndexPK(),
		SK: KeyCondition{Op: SKBeginsWith, Value: overviewPrefix()}}
	if opts.Cursor != "" {
		after, err := base64.RawURLEncoding.DecodeString(opts.Cursor)
		if err != nil || !IsUUIDv4(string(after)) {
			return PageOf[ImageOverview]{}, fmt.Errorf("image overviews: %w", Invalid(
				"ListOptions", "Cursor", "must be a cursor returned by ImageOverviews", nil))
		}
		// Every key of the image's group sorts below overviewAfter, and
		// every key of a later image at or above it; the partition holds
		// nothing but image groups.
		q.SK = KeyCondition{Op: SKGe, Value: overviewAfter(string(after))}
	}

	var g overviewGrouper
	for {
		page, err := c.table.Query(ctx, q)
		if err != nil {
			return PageOf[ImageOverview]{}, fmt.Errorf("image overviews: %w", err)
		}
		for _, item := range page.Items {
			if err := g.add(item); err != nil {
				return PageOf[ImageOverview]{}, fmt.Errorf("image overviews: %w", err)
			}
			// A group is complete once the next image's first item shows.
			if opts.Limit > 0 && g.complete() == opts.Limit {
				return g.page(true), nil
			}
		}
		if page.Next == "" {
			return g.page(false), nil
		}
		if opts.Limit == 0 && g.complete() > 0 {
			return g.page(true), nil
		}
		q.Cursor = page.Next
	}
}

// overviewGrouper gathers the items of the GSI1 partition IMAGE, which come
// grouped by image, into overviews.
type overviewGrouper struct {
	done    []ImageOverview // complete groups with an image item
	lastID  string          // image id of the last complete group
	cur     ImageOverview
	curID   string
	curSeen bool // cur.Image was found
	started bool
}

// add takes the next item; it completes the current group when the item
// belongs to another image.
func (g *overviewGrouper) add(item Item) error {
	e, err := UnmarshalAny(item)
	if err != nil {
		return err
	}
	var id string
	switch v := e.(type) {
	case Image:
		id = v.ID
	case Line:
		id = v.ImageID
	case Receipt:
		id = v.ImageID
	default:
		return nil // no other type is in this partition
	}
	if g.started && id != g.curID {
		g.finish()
	}
	if !g.started || id != g.curID {
		g.cur, g.curID, g.curSeen, g.started = ImageOverview{}, id, false, true
	}
	switch v := e.(type) {
	case Image:
		g.cur.Image, g.curSeen = v, true
	case Line:
		g.cur.Lines = append(g.cur.Lines, v)
	case Receipt:
		g.cur.Receipts = append(g.cur.Receipts, v)
	}
	return nil
}

func (g *overviewGrouper) finish() {
	if g.curSeen {
		g.done = append(g.done, g.cur)
	}
	g.lastID = g.curID
}

func (g *overviewGrouper) complete() int { return len(g.done) }

// page returns the complete groups; more says whether items follow them,
// and then the page's cursor resumes after the last complete group. At the
// end of the partition the current group is complete too.
func (g *overviewGrouper) page(more bool) PageOf[ImageOverview] {
	if !more && g.started {
		g.finish()
	}
	out := PageOf[ImageOverview]{Items: g.done}
	if more {
		out.Next = base64.RawURLEncoding.EncodeToString([]byte(g.lastID))
	}
	return out
}
