package expr

import (
	"errors"
	"testing"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// checkInvalid fails unless err matches rd.ErrInvalid and is a
// *rd.ValidationError naming op and field.
func checkInvalid(t *testing.T, name string, err error, op, field string) {
	t.Helper()
	if !errors.Is(err, rd.ErrInvalid) {
		t.Errorf("%s: err = %v, want one matching rd.ErrInvalid", name, err)
		return
	}
	var ve *rd.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("%s: err = %T, want *rd.ValidationError", name, err)
		return
	}
	if ve.Type != op || ve.Field != field {
		t.Errorf("%s: err names %s.%s, want %s.%s (%v)", name, ve.Type, ve.Field, op, field, err)
	}
}
