// Package sqlite is the embedded engine of Receipt Dynamo: a
// [receiptdynamo.Table] stored in one SQLite database file, through the pure
// Go driver modernc.org/sqlite (no cgo). It behaves as the DynamoDB table of
// ../shared/docs/item-format.md does, limits and errors included, and passes
// the contract suite of package tabletest, so that the clients run on a
// laptop exactly as they run on DynamoDB.
//
// # Files and tables
//
// [Open] never creates a file. A file that does not exist, or whose table
// was dropped, opens all the same; every operation then fails with an error
// matching ErrTableNotFound until [Table.Create] creates the file and its
// table. A file that exists is checked on Open: a SQLite database of another
// application, or a file that is not a database, is refused with
// [ErrForeignFile] and left unchanged; a table written by a newer version
// of this package is refused with [ErrSchemaTooNew]; a table of an older
// schema is migrated. The file's header says what it holds: its
// application_id marks a Receipt Dynamo table, its user_version counts the
// migrations applied. [Table.Drop] drops the table but keeps the file, so
// that other processes that have it open find no table rather than writing
// to a deleted file.
//
// # Items
//
// Every item is one row of a table whose primary key is (PK, SK). The key
// attributes of the table and of the four indexes are columns, so that
// each index of item-format.md is a SQLite index; the other attributes are
// encoded together in a compact binary form. Each index is partial, as
// DynamoDB's are sparse: an item without the key attributes of an index is
// not in it. Strings compare as UTF-8 bytes, DynamoDB's order.
//
// The engine enforces DynamoDB's rules with package internal/expr: items of
// at most 400 KB counted as DynamoDB counts them, key values of 1 to 2048
// (partition) and 1 to 1024 (sort) bytes, index keys that are non-empty
// strings, numbers of at most 38 digits, and conditions and updates
// evaluated as DynamoDB evaluates them, exact decimal arithmetic included.
//
// # Queries
//
// A query reads one partition of the table or of an index in key order. A
// page ends after Limit items of the requested Type, or once the items read
// reach 1 MB, those the Type filter drops included, as in DynamoDB. Its
// cursor is the key of the last item read, with the keys of the index, and
// a digest of the query: a cursor resumes only the query that returned it
// and is refused with ErrInvalid by any other. Count counts in SQL without
// reading items.
//
// # Writes and concurrency
//
// The file is in WAL mode: reads never wait for writes, and every write
// runs in one SQLite transaction begun with BEGIN IMMEDIATE, which takes the
// file's write lock at once so that a read-modify-write (a conditional put,
// an update, a transaction) never meets a conflict half-way. The writes of
// one process take turns on one connection; those of several processes wait
// for each other up to the busy timeout ([WithBusyTimeout]), after which a
// write fails with an error matching ErrThrottled, nothing of it written.
// Several processes may open one file at once.
//
// [Table.BatchWrite] writes any number of requests all or nothing, in one
// SQLite transaction; a large batch is checked and encoded by one goroutine
// while another writes it, and an invalid item rolls it back whole.
// [Table.BatchGet] reads chunks of 100 keys, each chunk in one read
// transaction. [Table.TransactWrite] takes up to 100 actions and 4 MB,
// evaluates every condition before writing anything, and reports a
// cancellation with one reason per action; a ClientRequestToken makes it
// idempotent for 10 minutes, recorded in the file, so across processes too.
//
// # Caveats
//
//   - Only one process writes at a time. A long BatchWrite (one to two
//     seconds per 100,000 items) holds the write lock that long; a writer of
//     another process waits up to its busy timeout, 10 seconds by default.
//     Load very large batches in several calls if other processes write too.
//   - Commits are synchronised as WAL mode's NORMAL level does: a crash of
//     the process or of the program loses nothing committed, but a power
//     loss may undo the last commits (never half of one). [WithFullSync]
//     syncs every commit, for a price in write speed.
//   - The file must be on a local file system: SQLite's locks, and the
//     shared memory of WAL mode, do not work over network file systems.
//   - Deleting or replacing the file while a process has it open is not
//     seen by that process, which goes on with the file it opened; drop the
//     table with Drop instead.
//   - Queries of an index see every committed write at once, where
//     DynamoDB's indexes are eventually consistent: code that passes here
//     may still need to tolerate the delay on DynamoDB.
//   - DynamoDB's throughput limits per partition are not simulated, and
//     neither are throttling, unprocessed batch items or transaction
//     conflicts, which this engine never produces.
//   - A query of GSITYPE returns the items of a type in table key order;
//     DynamoDB promises no order for an index without a range key.
package sqlite
