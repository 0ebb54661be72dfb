package receiptdynamo

import (
	"errors"
	"fmt"
	"strings"
)

// Errors that callers branch on with [errors.Is]. Every error of this module
// that belongs to one of these classes matches the sentinel, whatever engine
// produced it.
var (
	// ErrInvalid marks input that breaks a rule of the item format or of
	// DynamoDB's limits. It is never retried.
	ErrInvalid = errors.New("invalid input")

	// ErrNotFound marks a read, update or delete of an item that is not
	// stored.
	ErrNotFound = errors.New("not found")

	// ErrAlreadyExists marks an add of an item that is already stored.
	ErrAlreadyExists = errors.New("already exists")

	// ErrConditionFailed marks a single-item write whose condition did not
	// hold. A cancelled transaction is ErrTransactionCanceled instead.
	ErrConditionFailed = errors.New("condition failed")

	// ErrTransactionCanceled marks a transaction that wrote nothing; the
	// error is a *TxCanceledError with one reason per action.
	ErrTransactionCanceled = errors.New("transaction canceled")

	// ErrThrottled marks work that the engine gave up after its retries
	// because the table kept refusing it for capacity. A *BatchError says
	// what was not written or read.
	ErrThrottled = errors.New("throttled")

	// ErrTableNotFound marks an operation on a table (or database file) that
	// does not exist.
	ErrTableNotFound = errors.New("table not found")

	// ErrTableExists marks the creation of a table that already exists.
	ErrTableExists = errors.New("table already exists")
)

// ValidationError says which rule a value broke. It matches [ErrInvalid].
type ValidationError struct {
	Type  string // the entity or request, e.g. "Word" or "BatchWrite"
	Field string // the attribute or field, e.g. "confidence"
	Rule  string // what was expected, e.g. "must be in (0, 1]"
	Value any    // the offending value, if it helps the reader
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid ")
	b.WriteString(e.Type)
	if e.Field != "" {
		b.WriteString(".")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Rule)
	if e.Value != nil {
		fmt.Fprintf(&b, " (got %v)", e.Value)
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns a *ValidationError for typ.field breaking rule.
func Invalid(typ, field, rule string, value any) error {
	return &ValidationError{Type: typ, Field: field, Rule: rule, Value: value}
}

// Cancellation reason codes of a transaction action, as DynamoDB spells
// them.
const (
	ReasonNone                   = "None"
	ReasonConditionalCheckFailed = "ConditionalCheckFailed"
	ReasonTransactionConflict    = "TransactionConflict"
	ReasonThrottlingError        = "ThrottlingError"
	ReasonValidationError        = "ValidationError"
	ReasonItemCollectionSize     = "ItemCollectionSizeLimitExceeded"
)

// TxReason is why one action of a cancelled transaction failed; Code is
// ReasonNone for actions that were not at fault.
type TxReason struct {
	Code    string
	Message string
	// Item is the stored item that failed the condition, when the engine
	// returns it (ReturnValuesOnConditionCheckFailure=ALL_OLD); nil if none
	// is stored.
	Item Item
}

// TxCanceledError reports a transaction that wrote nothing. Reasons holds one
// entry per action, in request order. It matches [ErrTransactionCanceled].
type TxCanceledError struct {
	Reasons []TxReason
}

func (e *TxCanceledError) Error() string {
	var codes []string
	for i, r := range e.Reasons {
		if r.Code != "" && r.Code != ReasonNone {
			codes = append(codes, fmt.Sprintf("action %d: %s", i, r.Code))
		}
	}
	if len(codes) == 0 {
		return "transaction canceled"
	}
	return "transaction canceled: " + strings.Join(codes, ", ")
}

// Is reports whether target is ErrTransactionCanceled.
func (e *TxCanceledError) Is(target error) bool { return target == ErrTransactionCanceled }

// Failed returns the indexes of the actions whose reason has code.
func (e *TxCanceledError) Failed(code string) []int {
	var idx []int
	for i, r := range e.Reasons {
		if r.Code == code {
			idx = append(idx, i)
		}
	}
	return idx
}

// BatchError reports a batch operation that finished only in part: the
// engine's retries ran out, or the context ended. Done counts what was
// written or read; Unprocessed and UnprocessedKeys list the rest. Err is the
// cause: ErrThrottled when the retry budget was spent, or the context's
// error.
type BatchError struct {
	Op              string // "batch write" or "batch get"
	Done            int
	Unprocessed     []WriteRequest
	UnprocessedKeys []Key
	Err             error
}

func (e *BatchError) Error() string {
	left := len(e.Unprocessed) + len(e.UnprocessedKeys)
	return fmt.Sprintf("%s: %d done, %d left: %v", e.Op, e.Done, left, e.Err)
}

// Unwrap returns the cause.
func (e *BatchError) Unwrap() error { return e.Err }
