package ddb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
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
	_, err = t.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 &t.name,
		Item:                      item,
		ConditionExpression:       condExpr,
		ExpressionAttributeNames:  b.attrNames(),
		ExpressionAttributeValues: b.attrValues(),
	})
	if err != nil {
		return fmt.Errorf("ddb: put %v: %w", key, classify(err))
	}
	return nil
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
