package ddb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Query returns one page of the items matching q.
//
// A page is filled after the Type filter: while it holds fewer than q.Limit
// items and DynamoDB has more, the engine reads on. Without a filter it asks
// each time for no more items than the page still lacks; with one it asks
// for at least [filterReadAhead] items, as most may be filtered out, and
// cuts the page at q.Limit, resuming after its last item. The page also
// ends as soon as DynamoDB ends one of its pages before the items asked for
// (it read 1 MB), or once the items returned reach 1 MB. Without a limit a
// page is one page of DynamoDB, up to 1 MB read.
func (t *Table) Query(ctx context.Context, q rd.Query) (rd.Page, error) {
	in, none, err := t.queryInput(q)
	if err != nil {
		return rd.Page{}, fmt.Errorf("ddb: query: %w", err)
	}
	if none {
		return rd.Page{}, nil
	}
	if in.ExclusiveStartKey, err = decodeCursor(q); err != nil {
		return rd.Page{}, fmt.Errorf("ddb: query: %w", err)
	}

	page, err := fillPage(q.Limit, in.FilterExpression != nil, q.Index,
		func(limit *int32, start rd.Item) (pageRead, error) {
			in.Limit, in.ExclusiveStartKey = limit, start
			out, err := t.client.Query(ctx, in)
			if err != nil {
				return pageRead{}, err
			}
			return pageRead{out.Items, out.LastEvaluatedKey, int(out.ScannedCount)}, nil
		}, in.ExclusiveStartKey)
	if err != nil {
		return rd.Page{}, fmt.Errorf("ddb: query: %w", err)
	}
	return page, nil
}

// pageRead is what one Query or Scan request of DynamoDB returned.
type pageRead struct {
	items   []rd.Item
	lek     rd.Item
	scanned int
}

// fillPage fills one page of a query or scan with the requests of read,
// starting after start: it asks for what the page lacks of limit (at least
// filterReadAhead items when a filter drops some), cuts the page at limit
// (the cursor then resumes after the last item kept, with the keys of the
// index), and ends it when DynamoDB ends its own page short (it read 1 MB),
// when nothing follows, or when the items kept reach 1 MB.
func fillPage(limit int, filtered bool, index string,
	read func(limit *int32, start rd.Item) (pageRead, error), start rd.Item) (rd.Page, error) {
	var page rd.Page
	size := 0
	for {
		// Ask for what the page lacks, or more when a filter drops items.
		ask := 0
		var askLimit *int32
		if limit > 0 {
			ask = limit - len(page.Items)
			if filtered {
				ask = max(ask, filterReadAhead)
			}
			askLimit = aws.Int32(int32(min(ask, math.MaxInt32)))
		}
		out, err := read(askLimit, start)
		if err != nil {
			return rd.Page{}, classify(err)
		}
		lek := out.lek

		// Keep what fits the limit; a cut page resumes after its last item.
		items := out.items
		if limit > 0 && len(page.Items)+len(items) > limit {
			items = items[:limit-len(page.Items)]
			lek = cursorKey(items[len(items)-1], index)
		}
		page.Items = append(page.Items, items...)
		for _, item := range items {
			n, _ := itemSize(item)
			size += n
		}

		// DynamoDB stopped short of the items asked for: it read 1 MB.
		readMB := ask == 0 || out.scanned < ask
		full := limit > 0 && len(page.Items) >= limit
		if len(lek) == 0 || full || readMB || size >= maxPageBytes {
			if page.Next, err = encodeCursor(lek); err != nil {
				return rd.Page{}, err
			}
			return page, nil
		}
		start = lek
	}
}

// filterReadAhead is the fewest items that a filtered query asks DynamoDB
// for at once, so that a rare type is found in a few requests rather than
// one request per item read.
const filterReadAhead = 100

// cursorKey returns the key from which a query of the table or of the
// index resumes after item: the table's key attributes and, for an index,
// the index's, as DynamoDB writes them in LastEvaluatedKey.
func cursorKey(item rd.Item, index string) rd.Item {
	attrs := []string{rd.AttrPK, rd.AttrSK}
	if ix, ok := rd.IndexByName(index); ok {
		attrs = append(attrs, ix.Hash)
		if ix.Range != "" {
			attrs = append(attrs, ix.Range)
		}
	}
	key := make(rd.Item, len(attrs))
	for _, attr := range attrs {
		key[attr] = item[attr]
	}
	return key
}

// Count returns the number of items matching q, summing DynamoDB's counts
// page by page; no item is returned over the wire.
func (t *Table) Count(ctx context.Context, q rd.Query) (int, error) {
	q.Limit, q.Cursor = 0, ""
	in, none, err := t.queryInput(q)
	if err != nil {
		return 0, fmt.Errorf("ddb: count: %w", err)
	}
	if none {
		return 0, nil
	}
	in.Select = types.SelectCount

	n := 0
	for {
		out, err := t.client.Query(ctx, in)
		if err != nil {
			return 0, fmt.Errorf("ddb: count: %w", classify(err))
		}
		n += int(out.Count)
		if len(out.LastEvaluatedKey) == 0 {
			return n, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// queryInput translates q. none reports a query that can match nothing (an
// empty sort key bound, or a Type filter contradicting a GSITYPE partition),
// which DynamoDB would refuse rather than answer empty.
func (t *Table) queryInput(q rd.Query) (in *dynamodb.QueryInput, none bool, err error) {
	hash, rng, err := queryKeys(q)
	if err != nil {
		return nil, false, err
	}
	if q.Limit < 0 || q.Limit > math.MaxInt32 {
		return nil, false, rd.Invalid("Query", "Limit", "must be 0 (no limit) or positive",
			q.Limit)
	}
	sk, none := normalizeSK(q.SK)
	filterType := q.Type
	if q.Index == rd.IndexGSIType && q.Type != "" {
		// TYPE is the key of GSITYPE, and DynamoDB refuses filters on keys.
		none = none || q.Type != q.PK
		filterType = ""
	}

	var b exprBuilder
	keyCond, err := b.keyCondition(hash, q.PK, rng, sk)
	if err != nil {
		return nil, false, err
	}
	in = &dynamodb.QueryInput{
		TableName:              &t.name,
		KeyConditionExpression: &keyCond,
		ScanIndexForward:       aws.Bool(!q.Reverse),
	}
	if q.Index != "" {
		in.IndexName = aws.String(q.Index)
	} else {
		in.ConsistentRead = aws.Bool(true)
	}
	if filterType != "" {
		filter := b.name(rd.AttrType) + " = " +
			b.value(&types.AttributeValueMemberS{Value: filterType})
		in.FilterExpression = &filter
	}
	in.ExpressionAttributeNames = b.attrNames()
	in.ExpressionAttributeValues = b.attrValues()
	return in, none, nil
}

// queryKeys returns the hash and range attributes that q selects on.
func queryKeys(q rd.Query) (hash, rng string, err error) {
	hash, rng = rd.AttrPK, rd.AttrSK
	if q.Index != "" {
		ix, ok := rd.IndexByName(q.Index)
		if !ok {
			return "", "", rd.Invalid("Query", "Index", "is not an index of the table", q.Index)
		}
		hash, rng = ix.Hash, ix.Range
	}
	if q.PK == "" {
		return "", "", rd.Invalid("Query", "PK", "must not be empty", nil)
	}
	return hash, rng, nil
}

// normalizeSK rewrites sort key conditions on the empty string, which
// DynamoDB refuses (no key value may be empty) although their meaning is
// plain: every sort key is > "", none is <= "". none reports a condition no
// item can meet.
func normalizeSK(sk rd.KeyCondition) (out rd.KeyCondition, none bool) {
	if sk.Op == rd.SKAny || sk.Value != "" {
		return sk, false
	}
	switch sk.Op {
	case rd.SKBeginsWith, rd.SKGt, rd.SKGe:
		return rd.KeyCondition{Op: rd.SKAny}, false
	case rd.SKBetween:
		if sk.Value2 == "" {
			return sk, true
		}
		return rd.KeyCondition{Op: rd.SKLe, Value: sk.Value2}, false
	case rd.SKEq, rd.SKLt, rd.SKLe:
		return sk, true
	}
	return sk, false // unknown operators are refused by keyCondition
}

// A cursor is DynamoDB's LastEvaluatedKey, whose attributes are all strings
// in this table's schema, as JSON in unpadded base64url: opaque to callers
// and safe in URLs.

func encodeCursor(lek rd.Item) (string, error) {
	if len(lek) == 0 {
		return "", nil
	}
	m := make(map[string]string, len(lek))
	for name, v := range lek {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			return "", fmt.Errorf("encode cursor: key attribute %s is %s, not S",
				name, rd.TypeName(v))
		}
		m[name] = s.Value
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode cursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// decodeCursor returns the ExclusiveStartKey of q.Cursor, checking that the
// cursor holds the keys of q's table or index and lies in q's partition.
func decodeCursor(q rd.Query) (rd.Item, error) {
	if q.Cursor == "" {
		return nil, nil
	}
	bad := rd.Invalid("Query", "Cursor", "must come from a page of the same query", q.Cursor)
	b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
	if err != nil {
		return nil, bad
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, bad
	}
	hash, rng, err := queryKeys(q)
	if err != nil {
		return nil, err
	}
	for _, attr := range []string{rd.AttrPK, rd.AttrSK, hash, rng} {
		if attr != "" && m[attr] == "" {
			return nil, bad
		}
	}
	if m[hash] != q.PK {
		return nil, bad
	}
	lek := make(rd.Item, len(m))
	for name, v := range m {
		lek[name] = &types.AttributeValueMemberS{Value: v}
	}
	return lek, nil
}
