// Package ddb is the DynamoDB engine of Receipt Dynamo: a
// [receiptdynamo.Table] over the AWS SDK for Go v2.
//
// [Open] loads the standard AWS configuration chain (environment variables,
// shared config and credentials files, AWS_ENDPOINT_URL_DYNAMODB for a local
// server); [New] wraps a client that the caller built. Either way the engine
// talks to DynamoDB through a client of its own whose retry policy it sets.
//
// # Retries
//
// Every request is retried by the SDK's standard retryer with the attempts
// and backoff of the engine's [RetryPolicy], and without the SDK's
// client-wide retry quota. That quota is a token bucket shared by every
// request of a client; under sustained throttling it empties, and requests
// then fail with "retry quota exceeded" however many attempts were allowed.
// A bulk load meets exactly that, so the engine turns the quota off and
// bounds retries per request instead.
//
// Unprocessed items of a batch write and unprocessed keys of a batch get are
// not errors in DynamoDB; the engine re-sends them with capped exponential
// backoff and full jitter, under the same policy. The attempts count the
// rounds in a row that get nothing through: a chunk throttled by a
// partition's steady limit, which gets some items through every round, keeps
// going at the partition's pace. When the attempts run out or the context
// ends, the batch returns a [*receiptdynamo.BatchError] saying how much was
// done and listing what was not.
//
// A transaction cancelled only by conflicts with other transactions (or by
// throttling) is re-sent with the same ClientRequestToken, so that a retry
// can never apply it twice; any other cancellation is reported at once as a
// [*receiptdynamo.TxCanceledError]. A TransactGet cancelled so is read
// again.
//
// # Batches
//
// BatchWrite sends chunks of at most 25 requests and 16 MB, BatchGet chunks
// of at most 100 keys. Up to four chunks are in flight at once (see
// [WithBatchConcurrency]): items of different partitions then load in
// parallel, while one chunk's retries never hold up the others. When a chunk
// fails for good, no further chunk is started and the chunks in flight are
// allowed to finish, so that the error reports a settled state. A BatchGet
// that fails so returns the items it read along with the error.
//
// # Queries
//
// A page holds up to Query.Limit items after the Type filter. The engine
// reads on while the page lacks items and DynamoDB has more, unless
// DynamoDB ended its own page early because it had read 1 MB; a filtered
// query reads at least 100 items at a time and cuts the page at its limit.
// Cursors are DynamoDB's LastEvaluatedKey in unpadded base64url JSON.
//
// # Caveats
//
//   - Get, BatchGet and queries of the table are strongly consistent; queries
//     of an index are eventually consistent, as DynamoDB allows no other.
//   - A request in flight when the context ends may have been applied by
//     DynamoDB although the engine could not see its answer. BatchError
//     lists such requests as unprocessed; puts and deletes are idempotent, so
//     sending them again is safe.
//   - The SDK retries a request that failed with a 5xx error or a broken
//     connection, which DynamoDB may have applied nonetheless. Puts, deletes
//     and SETs are idempotent, and so are transactions (their token). A
//     conditional Put whose retry fails its condition on the very item it
//     puts succeeds, as its first attempt wrote it. A conditional Delete or
//     Update retried so reports ErrConditionFailed, and an Update with Add
//     may count twice.
//   - Describe reports DynamoDB's item count, which is refreshed about every
//     six hours.
package ddb
