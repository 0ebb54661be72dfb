package ddb

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// backendError is an error of DynamoDB classified as one of the sentinels of
// package receiptdynamo. It matches both the sentinel and the SDK's error.
type backendError struct {
	kind error // a sentinel such as rd.ErrConditionFailed
	err  error // the SDK's error
}

func (e *backendError) Error() string {
	var api smithy.APIError
	if errors.As(e.err, &api) {
		return fmt.Sprintf("%v (%s: %s)", e.kind, api.ErrorCode(), api.ErrorMessage())
	}
	return fmt.Sprintf("%v (%v)", e.kind, e.err)
}

func (e *backendError) Unwrap() []error { return []error{e.kind, e.err} }

// Error codes that DynamoDB reports without a modeled type of their own.
const (
	codeValidation          = "ValidationException"
	codeUnknownOperation    = "UnknownOperationException"
	codeTransactionCanceled = "TransactionCanceledException"
)

// throttleCodes are the codes of errors that mean "not now, try later".
var throttleCodes = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"ThrottlingException":                    true,
	"RequestLimitExceeded":                   true,
	"TransactionInProgressException":         true,
	"LimitExceededException":                 true,
}

// classify maps an error of the SDK to the sentinels of package
// receiptdynamo, by modeled type or error code, never by message text. A
// cancelled transaction becomes a *TxCanceledError (see txCanceled); errors
// of no known class are returned unchanged.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) {
		return txCanceled(canceled)
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return err
	}
	code := api.ErrorCode()
	switch {
	case code == "ConditionalCheckFailedException":
		return &backendError{kind: rd.ErrConditionFailed, err: err}
	case code == "ResourceNotFoundException":
		return &backendError{kind: rd.ErrTableNotFound, err: err}
	case code == "ResourceInUseException":
		return &backendError{kind: rd.ErrTableExists, err: err}
	case code == codeValidation, code == "IdempotentParameterMismatchException",
		code == "ItemCollectionSizeLimitExceededException":
		return &backendError{kind: rd.ErrInvalid, err: err}
	case throttleCodes[code]:
		return &backendError{kind: rd.ErrThrottled, err: err}
	}
	return err
}

// txCanceled decodes DynamoDB's cancellation reasons, one per action in
// request order, into the module's error.
func txCanceled(e *types.TransactionCanceledException) *rd.TxCanceledError {
	reasons := make([]rd.TxReason, len(e.CancellationReasons))
	for i, r := range e.CancellationReasons {
		reasons[i] = rd.TxReason{
			Code:    deref(r.Code),
			Message: deref(r.Message),
			Item:    nilIfEmpty(r.Item),
		}
		if reasons[i].Code == "" {
			reasons[i].Code = rd.ReasonNone
		}
	}
	return &rd.TxCanceledError{Reasons: reasons}
}

// isCode reports whether err is an API error with the code.
func isCode(err error, code string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == code
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nilIfEmpty(item rd.Item) rd.Item {
	if len(item) == 0 {
		return nil
	}
	return item
}
