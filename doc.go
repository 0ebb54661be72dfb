// Package receiptdynamo is the domain of Receipt Dynamo: the 24 item types
// of the receipt table (images and their OCR, receipts, word tags, GPT
// records, and the jobs, instances and queues of model training), their
// validation and geometry, the keys that place them in one DynamoDB table,
// and typed clients that read and write them through a [Table].
//
// The storage format is the one of the older Python implementation, item for
// item; ../shared/docs/item-format.md is its definition.
//
// # Engines
//
// A [Table] is implemented by package sqlite (an embedded single-file store,
// the default) and package ddb (DynamoDB through the AWS SDK for Go v2). Both
// pass the contract suite of package tabletest.
package receiptdynamo
