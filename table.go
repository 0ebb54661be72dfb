package receiptdynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Item is one stored item: attribute names mapped to DynamoDB attribute
// values. It is the unit that every [Table] reads and writes.
type Item = map[string]types.AttributeValue

// Key is the primary key of an item: its partition key PK and sort key SK.
type Key struct {
	PK string
	SK string
}

// String returns the key as "PK SK", for messages.
func (k Key) String() string { return k.PK + " " + k.SK }

// Names of the key attributes and of the table's indexes. See
// ../shared/docs/item-format.md for what each index holds.
const (
	AttrPK     = "PK"
	AttrSK     = "SK"
	AttrGSI1PK = "GSI1PK"
	AttrGSI1SK = "GSI1SK"
	AttrGSI2PK = "GSI2PK"
	AttrGSI2SK = "GSI2SK"
	AttrGSI3PK = "GSI3PK"
	AttrGSI3SK = "GSI3SK"
	AttrType   = "TYPE"

	// IndexGSI1, IndexGSI2 and IndexGSI3 have a hash and a range key;
	// IndexGSIType has the hash key TYPE only.
	IndexGSI1    = "GSI1"
	IndexGSI2    = "GSI2"
	IndexGSI3    = "GSI3"
	IndexGSIType = "GSITYPE"
)

// Indexes lists the table's global secondary indexes with their key
// attributes. A range attribute of "" means the index has a hash key only.
var Indexes = []IndexSchema{
	{Name: IndexGSI1, Hash: AttrGSI1PK, Range: AttrGSI1SK},
	{Name: IndexGSI2, Hash: AttrGSI2PK, Range: AttrGSI2SK},
	{Name: IndexGSI3, Hash: AttrGSI3PK, Range: AttrGSI3SK},
	{Name: IndexGSIType, Hash: AttrType},
}

// IndexSchema names an index and its key attributes.
type IndexSchema struct {
	Name  string
	Hash  string
	Range string
}

// IndexByName returns the schema of the named index, or false if the table
// has no such index.
func IndexByName(name string) (IndexSchema, bool) {
	for _, ix := range Indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return IndexSchema{}, false
}

// Table is one DynamoDB-style table holding every item type, seen at the
// level of DynamoDB's data plane. The typed clients of this package are
// written against it once; each engine (package sqlite, package ddb)
// implements it with the same behaviour, checked by package tabletest.
//
// Every method is safe for concurrent use. Errors are classified with the
// sentinels of errors.go: a failed condition is [ErrConditionFailed], a
// cancelled transaction a [*TxCanceledError], bad requests (item too large,
// too many actions, duplicate keys in one batch, empty key values)
// [ErrInvalid], and a missing table [ErrTableNotFound].
type Table interface {
	// Get returns the item with the key, or an error matching ErrNotFound.
	Get(ctx context.Context, key Key) (Item, error)

	// Put writes the item, replacing any item with the same key, if cond
	// holds on the stored item (an empty cond always holds).
	Put(ctx context.Context, item Item, cond Condition) error

	// Delete removes the item with the key if cond holds. Deleting a missing
	// item with an empty cond is not an error.
	Delete(ctx context.Context, key Key, cond Condition) error

	// Update changes attributes of the item with the key if cond holds and
	// returns the item as it is afterwards. As in DynamoDB, an update of a
	// missing item creates it unless cond refuses; key attributes PK and SK
	// cannot be changed.
	Update(ctx context.Context, key Key, upd Update, cond Condition) (Item, error)

	// Query returns one page of the items whose keys match q, in sort key
	// order (reversed if q.Reverse).
	Query(ctx context.Context, q Query) (Page, error)

	// Count returns the number of items matching q without returning them.
	// q.Limit and q.Cursor are ignored.
	Count(ctx context.Context, q Query) (int, error)

	// Scan returns one page of every item of the table, of every partition,
	// in an order the engine chooses but keeps, so that a cursor resumes
	// where its page ended; each item is returned once across the pages of
	// a scan of an unchanged table. Reads are strongly consistent where the
	// engine allows (DynamoDB's ConsistentRead), so a scan sees every write
	// that completed before it began, unlike a query of an index. Pages
	// follow the Limit and 1 MB rules of Query.
	Scan(ctx context.Context, s ScanInput) (Page, error)

	// BatchWrite performs the puts and deletes, each unconditionally,
	// replacing existing items. Any number of requests may be given; the
	// engine sends them in chunks of at most 25 and 16 MB. Two requests for
	// one key are refused with ErrInvalid before anything is written. When
	// requests remain unwritten after the engine's retries, it returns a
	// [*BatchError] listing them.
	BatchWrite(ctx context.Context, reqs []WriteRequest) error

	// BatchGet returns the items with the keys, in the order of keys, with
	// nil where no item exists. Any number of keys may be given (chunks of
	// 100); duplicate keys are refused with ErrInvalid.
	BatchGet(ctx context.Context, keys []Key) ([]Item, error)

	// TransactWrite performs all actions or none. At most 100 actions of 4 MB
	// in all, one per item. A cancelled transaction returns a
	// [*TxCanceledError] with one reason per action in request order.
	TransactWrite(ctx context.Context, tx Transaction) error

	// TransactGet reads up to 100 items as of one point in time, in the order
	// of keys, with nil where no item exists.
	TransactGet(ctx context.Context, keys []Key) ([]Item, error)

	// Create creates the table with the schema of item-format.md. It fails
	// with ErrTableExists if the table exists.
	Create(ctx context.Context) error

	// Describe reports the table's name, status, indexes and approximate item
	// count, or ErrTableNotFound.
	Describe(ctx context.Context) (TableInfo, error)

	// Drop deletes the table and all its items.
	Drop(ctx context.Context) error

	// Close releases the engine's resources. The table stays as it is.
	Close() error
}

// TableInfo describes a table.
type TableInfo struct {
	Name      string
	Status    string // "ACTIVE" once usable
	Indexes   []string
	ItemCount int64 // approximate on DynamoDB, exact on the embedded engine
}

// Op is a comparison in a [Check].
type Op int

// The comparisons of a [Check].
const (
	OpExists    Op = iota + 1 // attribute_exists(Attr)
	OpNotExists               // attribute_not_exists(Attr)
	OpEq                      // Attr = Value
	OpNe                      // Attr <> Value
	OpLt                      // Attr < Value
	OpLe                      // Attr <= Value
	OpGt                      // Attr > Value
	OpGe                      // Attr >= Value
	OpContains                // contains(Attr, Value): set member or substring
)

// Check is one test of a top-level attribute of the stored item.
// Comparisons follow DynamoDB: numbers compare numerically, strings and
// binaries byte-wise, and a comparison with a missing attribute or one of
// another type is false.
type Check struct {
	Attr  string
	Op    Op
	Value types.AttributeValue // unused by OpExists and OpNotExists
}

// Condition is a conjunction of checks on the stored item; it holds when
// every check holds. An empty Condition always holds.
type Condition []Check

// Conditions used throughout the clients.
var (
	// IfExists holds when an item with the key is stored.
	IfExists = Condition{{Attr: AttrPK, Op: OpExists}}
	// IfNotExists holds when no item with the key is stored.
	IfNotExists = Condition{{Attr: AttrPK, Op: OpNotExists}}
)

// AttrEquals returns the check Attr = v.
func AttrEquals(attr string, v types.AttributeValue) Check {
	return Check{Attr: attr, Op: OpEq, Value: v}
}

// Update lists the changes of an update, applied as one DynamoDB
// UpdateExpression: SET, then REMOVE, then ADD, then DELETE. Each attribute
// may appear in only one of them.
type Update struct {
	// Set assigns values to attributes.
	Set map[string]types.AttributeValue
	// Remove deletes attributes.
	Remove []string
	// Add adds a number to a number attribute (missing counts as 0) or the
	// members of a set to a set attribute (missing counts as empty).
	Add map[string]types.AttributeValue
	// Delete removes the members of a set from a set attribute; a set left
	// empty is removed, as DynamoDB has no empty sets.
	Delete map[string]types.AttributeValue
}

// IsZero reports whether the update changes nothing.
func (u Update) IsZero() bool {
	return len(u.Set) == 0 && len(u.Remove) == 0 && len(u.Add) == 0 && len(u.Delete) == 0
}

// KeyOp is a comparison of the sort key in a [Query].
type KeyOp int

// The sort key comparisons of a query.
const (
	SKAny        KeyOp = iota // no sort key condition
	SKEq                      // sort key = Value
	SKBeginsWith              // begins_with(sort key, Value)
	SKBetween                 // Value <= sort key <= Value2
	SKLt                      // sort key < Value
	SKLe                      // sort key <= Value
	SKGt                      // sort key > Value
	SKGe                      // sort key >= Value
)

// KeyCondition restricts the sort key of a query. String sort keys compare as
// unsigned bytes (UTF-8 byte order).
type KeyCondition struct {
	Op     KeyOp
	Value  string
	Value2 string // upper bound of SKBetween
}

// Query selects items of one partition of the table or of an index.
type Query struct {
	// Index is "" for the table, or one of IndexGSI1, IndexGSI2, IndexGSI3,
	// IndexGSIType. Queries of an index are eventually consistent.
	Index string
	// PK is the partition key value that items must have (of the index's
	// hash attribute; for IndexGSIType the item type).
	PK string
	// SK restricts the sort key (of the index's range attribute).
	SK KeyCondition
	// Type, when not "", keeps only items with this TYPE. It is a filter:
	// items of other types are read and skipped, never returned.
	Type string
	// Reverse returns items in descending sort key order.
	Reverse bool
	// Limit is the most items a page holds after the Type filter; 0 means no
	// limit. A page also ends when the items read reach 1 MB, as in DynamoDB,
	// so a page may hold fewer items than Limit while more follow.
	Limit int
	// Cursor resumes a query after the page that returned it. It must come
	// from the same query on the same engine.
	Cursor string
}

// ScanInput selects the items of a [Table.Scan]: all of them, or those of
// one type.
type ScanInput struct {
	// Type, when not "", keeps only items with this TYPE. As in Query it is
	// a filter: items of other types are read and count towards the 1 MB of
	// a page, but are never returned.
	Type string
	// Limit is the most items a page holds after the Type filter; 0 means no
	// limit. A page also ends when the items read reach 1 MB, so a page may
	// hold fewer items than Limit, or none, while more follow.
	Limit int
	// Cursor resumes a scan after the page that returned it. It must come
	// from a scan with the same Type on the same engine.
	Cursor string
}

// Page is one page of query or scan results.
type Page struct {
	Items []Item
	// Next resumes the query after this page; "" when no items follow. It may
	// be non-empty at the end of the results, in which case the next page is
	// empty.
	Next string
}

// WriteRequest is one put or delete of a batch write. Exactly one of Put and
// Delete is set.
type WriteRequest struct {
	Put    Item
	Delete *Key
}

// TxKind is the kind of a transaction action.
type TxKind int

// The kinds of transaction actions.
const (
	TxPut TxKind = iota + 1
	TxUpdate
	TxDelete
	TxCheck // a condition on an item that the transaction does not change
)

// TxAction is one action of a [Transaction].
type TxAction struct {
	Kind   TxKind
	Item   Item      // TxPut
	Key    Key       // TxUpdate, TxDelete, TxCheck
	Update Update    // TxUpdate
	Cond   Condition // optional for TxPut, TxUpdate, TxDelete; required for TxCheck
}

// PutAction returns a transaction action that puts item if cond holds.
func PutAction(item Item, cond Condition) TxAction {
	return TxAction{Kind: TxPut, Item: item, Cond: cond}
}

// UpdateAction returns a transaction action that applies upd to the item
// with the key if cond holds.
func UpdateAction(key Key, upd Update, cond Condition) TxAction {
	return TxAction{Kind: TxUpdate, Key: key, Update: upd, Cond: cond}
}

// DeleteAction returns a transaction action that deletes the item with the
// key if cond holds.
func DeleteAction(key Key, cond Condition) TxAction {
	return TxAction{Kind: TxDelete, Key: key, Cond: cond}
}

// CheckAction returns a transaction action that only requires cond to hold
// on the item with the key.
func CheckAction(key Key, cond Condition) TxAction {
	return TxAction{Kind: TxCheck, Key: key, Cond: cond}
}

// Transaction is an all-or-nothing group of at most 100 actions.
type Transaction struct {
	// Token makes the transaction idempotent for 10 minutes (DynamoDB's
	// ClientRequestToken). Engines generate one when it is empty; a retry of
	// the same transaction must reuse it.
	Token   string
	Actions []TxAction
}
