// Package receiptdynamo is the domain of Receipt Dynamo: the 24 item types
// of the receipt table (images and their OCR, receipts, word tags, GPT
// records, and the jobs, instances and queues of model training), their
// validation and geometry, the keys that place them in one DynamoDB table,
// and the typed [Client] that reads and writes them through a [Table].
//
// The storage format is the one of the older Python implementation, item for
// item; ../shared/docs/item-format.md is its definition. Items written by
// that implementation decode here, and items written here decode there.
//
// # Entities and items
//
// Each item type is a Go struct (Image, Line, Word, …, QueueJob) that
// implements [Entity]: it knows its TYPE and key, validates itself and
// encodes itself with MarshalItem. Its pointer decodes an item with
// UnmarshalItem, tolerating the older writer's variants (fixed-decimal
// numbers, lowercase tags, NULL optionals, timestamps without
// microseconds). [Decode] decodes an item as a chosen type and
// [UnmarshalAny] as whatever its TYPE says. Every key is spelled in keys.go
// and keys_query_*.go, and nowhere else.
//
// # Engines
//
// A [Table] is one DynamoDB-style table seen at the level of DynamoDB's data
// plane. Package sqlite implements it on an embedded single-file store (the
// default) and package ddb on DynamoDB through the AWS SDK for Go v2. Both
// pass the contract suites of package tabletest, which also check the
// Client on each engine.
//
// # The client
//
// [NewClient] wraps a Table:
//
//	tbl, err := sqlite.Open(ctx, "receipts.db")
//	...
//	c := receiptdynamo.NewClient(tbl)
//	details, err := c.ImageDetails(ctx, imageID)
//
// The client is written once over the interface, so it behaves the same on
// every engine. Changes that touch several items (a tag and its word's tag
// set, a queue entry and the queue's job count, the best checkpoint) are
// single transactions; plural operations say in their doc comments what
// they do on a duplicate or missing item and what is left when they fail
// halfway.
//
// # Errors
//
// Errors are classified by the sentinels of errors.go, matched with
// [errors.Is]: [ErrInvalid] (a *ValidationError names the type, the field
// and the rule), [ErrNotFound], [ErrAlreadyExists], [ErrConditionFailed],
// [ErrTransactionCanceled] (a *TxCanceledError has one reason per action),
// [ErrThrottled] (a *BatchError lists what was not written or read) and
// [ErrTableNotFound].
package receiptdynamo
