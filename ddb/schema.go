package ddb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Create creates the table with the schema of item-format.md: string keys PK
// and SK, the indexes of [receiptdynamo.Indexes] projecting all attributes,
// on-demand billing. It returns once the table and its indexes are ACTIVE,
// or fails with ErrTableExists if the table exists.
func (t *Table) Create(ctx context.Context) error {
	_, err := t.client.CreateTable(ctx, createTableInput(t.name))
	if err != nil {
		return fmt.Errorf("ddb: create table %s: %w", t.name, classify(err))
	}
	if err := t.waitActive(ctx); err != nil {
		return fmt.Errorf("ddb: create table %s: %w", t.name, err)
	}
	return nil
}

func createTableInput(name string) *dynamodb.CreateTableInput {
	str := types.ScalarAttributeTypeS
	defs := []types.AttributeDefinition{
		{AttributeName: aws.String(rd.AttrPK), AttributeType: str},
		{AttributeName: aws.String(rd.AttrSK), AttributeType: str},
	}
	var gsis []types.GlobalSecondaryIndex
	for _, ix := range rd.Indexes {
		keys := []types.KeySchemaElement{{AttributeName: aws.String(ix.Hash),
			KeyType: types.KeyTypeHash}}
		defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(ix.Hash),
			AttributeType: str})
		if ix.Range != "" {
			keys = append(keys, types.KeySchemaElement{AttributeName: aws.String(ix.Range),
				KeyType: types.KeyTypeRange})
			defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(ix.Range),
				AttributeType: str})
		}
		gsis = append(gsis, types.GlobalSecondaryIndex{
			IndexName:  aws.String(ix.Name),
			KeySchema:  keys,
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: defs,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(rd.AttrPK), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(rd.AttrSK), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: gsis,
		BillingMode:            types.BillingModePayPerRequest,
	}
}

// waitActive polls the table until it and all its indexes are ACTIVE.
func (t *Table) waitActive(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		out, err := t.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{
			TableName: &t.name,
		})
		if err != nil && !errors.Is(classify(err), rd.ErrTableNotFound) {
			return fmt.Errorf("wait until active: %w", callError(ctx, err))
		}
		if err == nil && active(out.Table) {
			return nil
		}
		if err := sleep(ctx, pollDelay(attempt)); err != nil {
			return fmt.Errorf("wait until active: %w", err)
		}
	}
}

func active(d *types.TableDescription) bool {
	if d == nil || d.TableStatus != types.TableStatusActive {
		return false
	}
	for _, ix := range d.GlobalSecondaryIndexes {
		if ix.IndexStatus != "" && ix.IndexStatus != types.IndexStatusActive {
			return false
		}
	}
	return true
}

// pollDelay spaces the checks of a table's status: quick at first for
// local servers, every two seconds at most for DynamoDB, which takes tens of
// seconds.
func pollDelay(attempt int) time.Duration {
	return min(50*time.Millisecond<<min(attempt, 6), 2*time.Second)
}

// Describe reports the table's name, status, index names (sorted) and
// DynamoDB's approximate item count.
func (t *Table) Describe(ctx context.Context) (rd.TableInfo, error) {
	out, err := t.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &t.name})
	if err != nil {
		return rd.TableInfo{}, fmt.Errorf("ddb: describe table %s: %w", t.name, classify(err))
	}
	d := out.Table
	info := rd.TableInfo{
		Name:      aws.ToString(d.TableName),
		Status:    string(d.TableStatus),
		ItemCount: aws.ToInt64(d.ItemCount),
	}
	for _, ix := range d.GlobalSecondaryIndexes {
		info.Indexes = append(info.Indexes, aws.ToString(ix.IndexName))
	}
	slices.Sort(info.Indexes)
	return info, nil
}

// Drop deletes the table and all its items, and returns once DynamoDB no
// longer knows the table, so that a table of the same name can be created
// at once. A missing table is ErrTableNotFound.
func (t *Table) Drop(ctx context.Context) error {
	_, err := t.client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &t.name})
	if err != nil {
		return fmt.Errorf("ddb: drop table %s: %w", t.name, classify(err))
	}
	for attempt := 1; ; attempt++ {
		_, err := t.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{
			TableName: &t.name,
		})
		if errors.Is(classify(err), rd.ErrTableNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ddb: drop table %s: wait until gone: %w", t.name,
				callError(ctx, err))
		}
		if err := sleep(ctx, pollDelay(attempt)); err != nil {
			return fmt.Errorf("ddb: drop table %s: wait until gone: %w", t.name, err)
		}
	}
}
