package receiptdynamo

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file holds the rules shared by the job-side validators and decoders.
// jobCheck collects the first broken rule of one entity; the decoding
// helpers read enumerations, free-form maps and key timestamps.

// jobCheck validates the fields of one entity of type typ (such as "Job")
// and keeps the first broken rule.
type jobCheck struct {
	typ string
	err error
}

func (c *jobCheck) fail(field, rule string, value any) {
	if c.err == nil {
		c.err = Invalid(c.typ, field, rule, value)
	}
}

// uuid requires v to be a UUID version 4.
func (c *jobCheck) uuid(field, v string) {
	switch {
	case v == "":
		c.fail(field, "must not be empty", nil)
	case !IsUUIDv4(v):
		c.fail(field, "must be a UUID version 4", strconv.Quote(v))
	}
}

// optUUID requires v, when set, to be a UUID version 4.
func (c *jobCheck) optUUID(field, v string) {
	if v != "" {
		c.uuid(field, v)
	}
}

// nonEmpty requires a string to have at least one character.
func (c *jobCheck) nonEmpty(field, v string) {
	if v == "" {
		c.fail(field, "must not be empty", nil)
	}
}

// noHash requires v to be free of "#", which separates the parts of keys.
func (c *jobCheck) noHash(field, v string) {
	if strings.Contains(v, sep) {
		c.fail(field, "must not contain "+sep+", which separates key parts",
			strconv.Quote(v))
	}
}

// time requires a timestamp that FormatTime can write: set, and within the
// years 1..9999.
func (c *jobCheck) time(field string, t time.Time) {
	if t.IsZero() {
		c.fail(field, "must be set", nil)
		return
	}
	c.optTime(field, t)
}

// optTime requires a timestamp, when set, to be within the years 1..9999.
func (c *jobCheck) optTime(field string, t time.Time) {
	if y := t.UTC().Year(); !t.IsZero() && (y < 1 || y > 9999) {
		c.fail(field, "must be within the years 1 to 9999", t)
	}
}

// atLeast requires v >= min.
func (c *jobCheck) atLeast(field string, v, min int64) {
	if v < min {
		c.fail(field, "must be at least "+strconv.FormatInt(min, 10), v)
	}
}

// optAtLeast requires *v >= min when v is set.
func (c *jobCheck) optAtLeast(field string, v *int, min int64) {
	if v != nil {
		c.atLeast(field, int64(*v), min)
	}
}

// jobEnum records the error of parsing an enumeration field, renamed to the
// entity and field, and returns the parsed value.
func jobEnum[T ~string](c *jobCheck, field string, v T, parse func(string) (T, error)) T {
	p, err := parse(string(v))
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			c.fail(field, ve.Rule, ve.Value)
		} else {
			c.fail(field, err.Error(), nil)
		}
	}
	return p
}

// freeform encodes a free-form map field, recording the first error;
// nil when m is empty.
func (c *jobCheck) freeform(field string, m map[string]any) types.AttributeValue {
	if len(m) == 0 {
		return nil
	}
	av, err := EncodeFreeform(field, m)
	if err != nil {
		c.fail(ruleOf(err, field))
	}
	return av
}

// finite requires a number that DynamoDB can store.
func (c *jobCheck) finite(field string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		c.fail(field, "must be a finite number", v)
	}
}

// Decoding helpers.

// readJobEnum reads the string attribute attr and parses it with parse.
// A missing attribute is an error when required; otherwise it gives "".
func readJobEnum[T ~string](d *decoder, attr string, required bool,
	parse func(string) (T, error)) T {
	var v string
	if required {
		v = d.str(attr)
	} else {
		v = d.optStr(attr)
	}
	if v == "" || d.err != nil {
		return ""
	}
	p, err := parse(v)
	if err != nil {
		rule := "is not known"
		var ve *ValidationError
		if errors.As(err, &ve) {
			rule = ve.Rule
		}
		d.fail(attr, rule, strconv.Quote(v))
	}
	return p
}

// jobTime reads a timestamp attribute in UTC; the zero time when it is
// missing and not required.
func jobTime(d *decoder, attr string, required bool) time.Time {
	var t time.Time
	if required {
		t = d.time(attr)
	} else {
		t = d.optTime(attr)
	}
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// storedTime is the timestamp text of the keys of an item as read, kept
// when it differs from FormatTime of the entity's time: the older writer
// wrote timestamps without microseconds ("…T14:05:00+00:00"), and its items
// must be addressed by their stored keys. at is the entity's time when the
// item was read; once the entity's time changes, its keys follow the new
// time.
type storedTime struct {
	text string
	at   time.Time
}

// jobKeyTime returns the time of a timestamp attribute, or of the key's
// timestamp text ts when the attribute is missing, and the key text to keep
// (see storedTime). The attribute is the truth when both are present.
func jobKeyTime(d *decoder, attr, ts string) (time.Time, storedTime) {
	t := jobTime(d, attr, false)
	kt, err := ParseTime(ts)
	if err != nil {
		d.fail(AttrSK, "must end in an ISO 8601 timestamp with an offset", strconv.Quote(ts))
		return t, storedTime{}
	}
	if t.IsZero() {
		t = kt.UTC()
	}
	if FormatTime(t) == ts {
		return t, storedTime{}
	}
	return t, storedTime{text: ts, at: t}
}

// keyTimeText returns the timestamp text used in keys for t: the stored
// text while t is the time the item was read with, FormatTime(t) otherwise.
func keyTimeText(t time.Time, stored storedTime) string {
	if stored.text != "" && stored.at.Equal(t) {
		return stored.text
	}
	return FormatTime(t)
}

// jobSameID fails when the attribute attr is present and differs from the id
// that the key spells.
func jobSameID(d *decoder, attr, fromKey string) {
	if v := d.optStr(attr); v != "" && v != fromKey {
		d.fail(attr, "must match the id in the key "+strconv.Quote(fromKey), strconv.Quote(v))
	}
}

// jobIntPtr reads an optional integer attribute as *int.
func jobIntPtr(d *decoder, attr string) *int {
	v, ok := d.optInt(attr)
	if !ok {
		return nil
	}
	i := int(v)
	return &i
}

// ruleOf splits err into the field, rule and value of a *ValidationError;
// another error gives field, its text and nil.
func ruleOf(err error, field string) (string, string, any) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Field, ve.Rule, ve.Value
	}
	return field, err.Error(), nil
}
