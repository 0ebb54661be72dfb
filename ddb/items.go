package ddb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// Get returns the item with the key, read strongly consistently, or an
// error matching ErrNotFound.
func (t *Table) Get(ctx context.Context, key rd.Key) (rd.Item, error) {
	if err := checkKey(key, "Get", "key"); err != nil {
		return nil, fmt.Errorf("ddb: get: %w", err)
	}
	out, err := t.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &t.name,
		Key:            keyAttrs(key),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("ddb: get %v: %w", key, classify(err))
	}
	if len(out.Item) == 0 {
		return nil, fmt.Errorf("ddb: get %v: %w", key, rd.ErrNotFound)
	}
	return out.Item, nil
}

// Put writes the item if cond holds on the stored item.
//
// A put whose condition fails on a retry of the request by the SDK, with
// the stored item exactly the one being put, succeeds: the earlier attempt
// wrote it and had its answer lost (see the package documentation).
//
// TODO(ddb): that inference is wrong when the identical item was stored
// before the first attempt and the condition was false all along; a retry
// could tell the cases apart with a version attribute the condition checks.
func (t *Table) Put(ctx context.Context, item rd.Item, cond rd.Condition) error {
	key, _, err := checkItem(item, "Put", "item")
	if err != nil {
		return fmt.Errorf("ddb: put: %w", err)
	}
	var b exprBuilder
	condExpr, err := b.condition(cond, "Put")
	if err != nil {
		return fmt.Errorf("ddb: put %v: %w", key, err)
	}
	in := &dynamodb.PutItemInput{
		TableName:                 &t.name,
		Item:                      item,
		ConditionExpression:       condExpr,
		ExpressionAttributeNames:  b.attrNames(),
		ExpressionAttributeValues: b.attrValues(),
	}
	if condExpr != nil {
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	rctx, retries := countRetries(ctx)
	_, err = t.client.PutItem(rctx, in)
	if err != nil && retries.Load() > 0 && t.storedByRetry(ctx, err, key, item) {
		// An earlier attempt wrote the item and its answer was lost (a 5xx
		// or a broken connection); the retry then met the item it wrote.
		t.log.LogAttrs(ctx, slog.LevelWarn,
			"ddb: conditional put found its own item after a retry",
			slog.Int("retries", int(retries.Load())))
		return nil
	}
	if err != nil {
		return fmt.Errorf("ddb: put %v: %w", key, classify(err))
	}
	return nil
}

// storedByRetry reports whether err is a failed condition and the stored
// item is item itself, attribute for attribute. The stored item is the one
// DynamoDB returns with the error; servers that return none (dynalite) are
// asked for it.
func (t *Table) storedByRetry(ctx context.Context, err error, key rd.Key, item rd.Item) bool {
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return false
	}
	stored := ccf.Item
	if len(stored) == 0 {
		var getErr error
		if stored, getErr = t.Get(ctx, key); getErr != nil {
			return false
		}
	}
	return expr.EqualItems(stored, item)
}

// Delete removes the item with the key if cond holds.
func (t *Table) Delete(ctx context.Context, key rd.Key, cond rd.Condition) error {
	if err := checkKey(key, "Delete", "key"); err != nil {
		return fmt.Errorf("ddb: delete: %w", err)
	}
	var b exprBuilder
	condExpr, err := b.condition(cond, "Delete")
	if err != nil {
		return fmt.Errorf("ddb: delete %v: %w", key, err)
	}
	_, err = t.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 &t.name,
		Key:                       keyAttrs(key),
		ConditionExpression:       condExpr,
		ExpressionAttributeNames:  b.attrNames(),
		ExpressionAttributeValues: b.attrValues(),
	})
	if err != nil {
		return fmt.Errorf("ddb: delete %v: %w", key, classify(err))
	}
	return nil
}

// Update applies upd to the item with the key if cond holds, creating the
// item if it is missing and cond allows, and returns the item afterwards.
func (t *Table) Update(ctx context.Context, key rd.Key, upd rd.Update,
	cond rd.Condition) (rd.Item, error) {
	if err := checkKey(key, "Update", "key"); err != nil {
		return nil, fmt.Errorf("ddb: update: %w", err)
	}
	var b exprBuilder
	updExpr, err := b.update(upd, "Update")
	if err != nil {
		return nil, fmt.Errorf("ddb: update %v: %w", key, err)
	}
	condExpr, err := b.condition(cond, "Update")
	if err != nil {
		return nil, fmt.Errorf("ddb: update %v: %w", key, err)
	}
	out, err := t.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &t.name,
		Key:                       keyAttrs(key),
		UpdateExpression:          updExpr,
		ConditionExpression:       condExpr,
		ExpressionAttributeNames:  b.attrNames(),
		ExpressionAttributeValues: b.attrValues(),
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		return nil, fmt.Errorf("ddb: update %v: %w", key, classify(err))
	}
	if len(out.Attributes) == 0 {
		// An update that sets nothing on a missing item returns no
		// attributes; the item then holds only its key.
		return keyAttrs(key), nil
	}
	return out.Attributes, nil
}
