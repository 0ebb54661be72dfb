package receiptdynamo

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the validation rules of the OCR-side items: ids, tags,
// corners and geometry. A broken rule is reported as a *ValidationError
// naming the entity type, the attribute and the rule.

// MaxTagLen is the longest tag, in characters; tags are padded to this width
// inside keys.
const MaxTagLen = tagWidth

// IsUUIDv4 reports whether v is a UUID version 4 in its 8-4-4-4-12 hex form,
// in any case: the third group starts with 4, the fourth with 8, 9, a or b.
func IsUUIDv4(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
			continue
		}
		if !isHex(c) {
			return false
		}
	}
	if v[14] != '4' {
		return false
	}
	switch v[19] {
	case '8', '9', 'a', 'b', 'A', 'B':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// tagRule returns the rule that tag breaks, or "" if it is a valid tag as
// stored. Case is not checked: tags of the older writer may be lowercase.
func tagRule(tag string) string {
	switch {
	case tag == "":
		return "must not be empty"
	case len(tag) > MaxTagLen:
		// Keys pad tags by bytes, so the limit is in bytes of UTF-8.
		return "must be at most 40 characters (bytes of UTF-8)"
	case !utf8.ValidString(tag):
		return "must be valid UTF-8"
	case tag[0] == '_':
		return "must not start with _"
	case strings.Contains(tag, sep):
		return "must not contain # (the key separator)"
	}
	return ""
}

// NormalizeTag returns tag as it is stored: uppercased. It fails with an
// error matching ErrInvalid when the tag is empty, longer than 40
// characters, starts with an underscore or contains "#". Tags given as input
// go through NormalizeTag; tags read from the table are taken as stored.
func NormalizeTag(tag string) (string, error) {
	up := strings.ToUpper(tag)
	if rule := tagRule(up); rule != "" {
		return "", Invalid("Tag", "tag", rule, tag)
	}
	return up, nil
}

// ParseCorner reads a receipt corner in any case ("top_left", "TOP_LEFT").
func ParseCorner(v string) (Corner, error) {
	c := Corner(strings.ToUpper(v))
	switch c {
	case CornerTopLeft, CornerTopRight, CornerBottomRight, CornerBottomLeft:
		return c, nil
	}
	return "", Invalid("Corner", "corner_name",
		"must be one of TOP_LEFT, TOP_RIGHT, BOTTOM_RIGHT, BOTTOM_LEFT", v)
}

// ocrCheck checks the fields of one entity and keeps the first broken rule.
type ocrCheck struct {
	typ string
	err error
}

func (c *ocrCheck) fail(field, rule string, value any) {
	if c.err == nil {
		c.err = Invalid(c.typ, field, rule, value)
	}
}

func (c *ocrCheck) uuid(field, v string) {
	if !IsUUIDv4(v) {
		c.fail(field, "must be a UUID version 4", v)
	}
}

func (c *ocrCheck) id(field string, v int) {
	if v < 1 || v > MaxID {
		c.fail(field, "must be an integer in 1..99999", v)
	}
}

func (c *ocrCheck) nonEmpty(field, v string) {
	if v == "" {
		c.fail(field, "must not be empty", nil)
	}
}

func (c *ocrCheck) positive(field string, v int) {
	if v <= 0 {
		c.fail(field, "must be a positive integer", v)
	}
}

func (c *ocrCheck) finite(field string, v float64) {
	if !isFinite(v) {
		c.fail(field, "must be a finite number", v)
	}
}

func (c *ocrCheck) required(field string, t time.Time) {
	if t.IsZero() {
		c.fail(field, "must be set", nil)
	}
}

func (c *ocrCheck) tag(field, v string) {
	if rule := tagRule(v); rule != "" {
		c.fail(field, rule, v)
	}
}

func (c *ocrCheck) tags(field string, v []string) {
	for i, t := range v {
		c.tag(field, t)
		for _, u := range v[:i] {
			if u == t {
				c.fail(field, "must not repeat a tag", t)
			}
		}
	}
}

func (c *ocrCheck) point(field string, p Point) {
	// The field names are built only on failure.
	if !isFinite(p.X) {
		c.fail(field+".x", "must be a finite number", p.X)
	}
	if !isFinite(p.Y) {
		c.fail(field+".y", "must be a finite number", p.Y)
	}
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (c *ocrCheck) corners(tl, tr, bl, br Point) {
	c.point(attrTopLeft, tl)
	c.point(attrTopRight, tr)
	c.point(attrBottomLeft, bl)
	c.point(attrBottomRight, br)
}

// geometry checks a line's, word's or letter's shape: finite numbers, a box
// of non-negative size and a confidence in (0, 1].
func (c *ocrCheck) geometry(g Geometry) {
	bb := g.BoundingBox
	c.finite(attrBoundingBox+".x", bb.X)
	c.finite(attrBoundingBox+".y", bb.Y)
	c.finite(attrBoundingBox+".width", bb.Width)
	c.finite(attrBoundingBox+".height", bb.Height)
	if bb.Width < 0 || bb.Height < 0 {
		c.fail(attrBoundingBox, "must have a non-negative width and height", bb)
	}
	c.corners(g.TopLeft, g.TopRight, g.BottomLeft, g.BottomRight)
	c.finite(attrAngleDegrees, g.AngleDegrees)
	c.finite(attrAngleRadians, g.AngleRadians)
	if !(g.Confidence > 0 && g.Confidence <= 1) {
		c.fail(attrConfidence, "must be in (0, 1]", g.Confidence)
	}
}

// validation checks the optional review fields of a word tag.
func (c *ocrCheck) validation(v TagValidation) {
	if v.GPTConfidence != nil {
		c.finite(attrGPTConfidence, *v.GPTConfidence)
	}
	if v.RevisedTag != "" {
		c.tag(attrRevisedTag, v.RevisedTag)
	}
}

// Attribute names of the OCR-side items.
const (
	attrWidth          = "width"
	attrHeight         = "height"
	attrTimestampAdded = "timestamp_added"
	attrRawS3Bucket    = "raw_s3_bucket"
	attrRawS3Key       = "raw_s3_key"
	attrSHA256         = "sha256"
	attrCDNS3Bucket    = "cdn_s3_bucket"
	attrCDNS3Key       = "cdn_s3_key"
	attrText           = "text"
	attrBoundingBox    = "bounding_box"
	attrTopLeft        = "top_left"
	attrTopRight       = "top_right"
	attrBottomLeft     = "bottom_left"
	attrBottomRight    = "bottom_right"
	attrAngleDegrees   = "angle_degrees"
	attrAngleRadians   = "angle_radians"
	attrConfidence     = "confidence"
	attrTags           = "tags"
	attrTagName        = "tag_name"

	attrValidated               = "validated"
	attrTimestampValidated      = "timestamp_validated"
	attrGPTConfidence           = "gpt_confidence"
	attrFlag                    = "flag"
	attrRevisedTag              = "revised_tag"
	attrHumanValidated          = "human_validated"
	attrTimestampHumanValidated = "timestamp_human_validated"

	attrCornerName             = "corner_name"
	attrInnerCornerCoordinates = "inner_corner_coordinates"
	attrGPTGuess               = "gpt_guess"
	attrQuery                  = "query"
	attrResponse               = "response"
)
