// Package expr holds the engine-independent rules of DynamoDB items that
// an engine evaluating them itself needs: exact decimal numbers, item
// sizes, validation of items, keys, conditions and updates, evaluation of
// a [receiptdynamo.Condition] and application of a [receiptdynamo.Update].
//
// The embedded engine evaluates conditions and updates with it; the
// DynamoDB engine may use the validation to refuse bad input before
// sending it.
package expr
