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

// Scan returns one page of every item of the table (of type in.Type if it
// is not ""), read with DynamoDB's Scan and ConsistentRead, in DynamoDB's
// order: by a hash of the partition key, then by sort key.
//
// Pages are filled as those of [Table.Query] are, by fillPage: after the
// Type filter, asking DynamoDB for what the page lacks (at least
// [filterReadAhead] items with a filter), cut at in.Limit, and ended when
// DynamoDB ends a page of its own short (it read 1 MB) or the items
// returned reach 1 MB.
func (t *Table) Scan(ctx context.Context, in rd.ScanInput) (rd.Page, error) {
	req, err := t.scanInput(in)
	if err != nil {
		return rd.Page{}, fmt.Errorf("ddb: scan: %w", err)
	}
	if req.ExclusiveStartKey, err = decodeScanCursor(in.Cursor); err != nil {
		return rd.Page{}, fmt.Errorf("ddb: scan: %w", err)
	}

	page, err := fillPage(in.Limit, req.FilterExpression != nil, "",
		func(limit *int32, start rd.Item) (pageRead, error) {
			req.Limit, req.ExclusiveStartKey = limit, start
			out, err := t.client.Scan(ctx, req)
			if err != nil {
				return pageRead{}, err
			}
			return pageRead{out.Items, out.LastEvaluatedKey, int(out.ScannedCount)}, nil
		}, req.ExclusiveStartKey)
	if err != nil {
		return rd.Page{}, fmt.Errorf("ddb: scan: %w", err)
	}
	return page, nil
}

// scanInput checks and translates in, but for its cursor.
func (t *Table) scanInput(in rd.ScanInput) (*dynamodb.ScanInput, error) {
	if in.Limit < 0 || in.Limit > math.MaxInt32 {
		return nil, rd.Invalid("Scan", "Limit", "must be 0 (no limit) or positive", in.Limit)
	}
	req := &dynamodb.ScanInput{
		TableName:      &t.name,
		ConsistentRead: aws.Bool(true),
	}
	if in.Type != "" {
		var b exprBuilder
		filter := b.name(rd.AttrType) + " = " +
			b.value(&types.AttributeValueMemberS{Value: in.Type})
		req.FilterExpression = &filter
		req.ExpressionAttributeNames = b.attrNames()
		req.ExpressionAttributeValues = b.attrValues()
	}
	return req, nil
}

// decodeScanCursor returns the ExclusiveStartKey of a scan's cursor, a
// cursor as [encodeCursor] writes it that holds the table's key and nothing
// else.
func decodeScanCursor(cursor string) (rd.Item, error) {
	if cursor == "" {
		return nil, nil
	}
	bad := rd.Invalid("Scan", "Cursor", "must come from a page of a scan", cursor)
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, bad
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, bad
	}
	if len(m) != 2 || m[rd.AttrPK] == "" || m[rd.AttrSK] == "" {
		return nil, bad
	}
	return rd.Item{
		rd.AttrPK: &types.AttributeValueMemberS{Value: m[rd.AttrPK]},
		rd.AttrSK: &types.AttributeValueMemberS{Value: m[rd.AttrSK]},
	}, nil
}
