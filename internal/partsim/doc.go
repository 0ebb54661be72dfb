// Package partsim is a partition-throughput simulator: an HTTP proxy for
// the DynamoDB JSON protocol, in front of a DynamoDB-compatible server
// (dynalite, moto_server), that enforces DynamoDB's write capacity per
// partition. Local servers accept writes as fast as they can take them;
// DynamoDB does not, and a bulk loader tuned against a local server alone
// would be tuned against the wrong limit.
//
// # The model
//
// Every value of a partition key attribute is one partition: each value of
// PK in the table, and separately each value of the hash key of every index
// (GSI1PK, GSI2PK, GSI3PK, TYPE). Each partition has a token bucket that
// gains [Config.WriteUnits] write units per second (1,000 by default, as in
// DynamoDB) and holds at most [Config.Burst] units. DynamoDB banks up to 300
// seconds of unused capacity for bursts; the simulator's default burst is a
// tenth of a second, so that a run of a few seconds meets the steady-state
// limit rather than the bank.
//
// Constant index keys are single partitions for the whole table: every
// image is in GSI1 partition IMAGE, every letter in GSITYPE partition
// LETTER. With [DefaultKeyAttrs] these partitions are enforced as DynamoDB
// enforces them, which caps all writes of one item type at 1,000 units per
// second however many images load at once. [TableOnly] enforces only the
// table's partitions (one per image) and merely counts the index units, to
// show the per-image limit.
//
// A write costs one unit per started kilobyte of the item, counted by
// DynamoDB's size rules (attribute names and values), at least one; the
// same units on the table's partition and on the partition of each index
// whose key the item has (every index projects all attributes). Writes in
// TransactWriteItems cost twice as much.
//
// A write is admitted when every enforced partition it touches holds its
// units (or holds a full bucket, so that items larger than the burst can
// pass, leaving the bucket in debt); otherwise nothing of it is taken and
// the proxy answers as DynamoDB does:
//
//   - PutItem, UpdateItem, DeleteItem: HTTP 400
//     ProvisionedThroughputExceededException.
//   - BatchWriteItem: the requests that fit are forwarded, in request order,
//     and the others returned as UnprocessedItems, after any the server left
//     itself. A batch of which nothing fits is answered with
//     ProvisionedThroughputExceededException.
//   - TransactWriteItems: all actions fit or the transaction is cancelled
//     with TransactionCanceledException, ThrottlingError for each action
//     that did not fit and None for the others.
//
// Reads and every other operation pass unchanged and unlimited.
//
// # Caveats
//
//   - Deletes, updates and condition checks are charged by key only: one
//     unit (two in a transaction) on the table's partition of their key. The
//     proxy does not read the stored item, so it knows neither its size nor
//     its index keys; the deletes from index partitions, and the larger of
//     the old and new sizes that DynamoDB charges an update, are not
//     counted. Puts that replace an item do not charge the delete of the old
//     item's index entries either. The loaders measured with this proxy
//     write new items with puts, which are charged in full.
//   - Capacity is taken when a write is admitted, whatever the server then
//     answers.
//   - Each partition key value has its own capacity. DynamoDB's physical
//     partitions may hold several values, and adaptive capacity may split a
//     hot value's items by sort key; neither is modelled. The table-wide
//     limits of an on-demand table (40,000 units per second by default) are
//     not enforced either.
package partsim
