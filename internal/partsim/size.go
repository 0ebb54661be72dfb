package partsim

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// attrValue is one attribute value in the JSON form of the DynamoDB
// protocol, e.g. {"S": "text"} or {"M": {"x": {"N": "0.5"}}}.
type attrValue struct {
	S    *string              `json:"S,omitempty"`
	N    *string              `json:"N,omitempty"`
	B    *string              `json:"B,omitempty"` // base64
	BOOL *bool                `json:"BOOL,omitempty"`
	NULL *bool                `json:"NULL,omitempty"`
	SS   []string             `json:"SS,omitempty"`
	NS   []string             `json:"NS,omitempty"`
	BS   []string             `json:"BS,omitempty"`
	M    map[string]attrValue `json:"M,omitempty"`
	L    []attrValue          `json:"L,omitempty"`
}

// unitBytes is the size that one write unit writes.
const unitBytes = 1024

// writeUnits returns the write units of writing an item of size bytes: one
// per started kilobyte, at least one.
func writeUnits(size int) float64 {
	return float64(max(1, (size+unitBytes-1)/unitBytes))
}

// itemSize returns the size of an item by DynamoDB's rules: each attribute
// counts its name and its value.
func itemSize(item map[string]attrValue) (int, error) {
	n := 0
	for name, v := range item {
		s, err := valueSize(v)
		if err != nil {
			return 0, fmt.Errorf("attribute %q: %w", name, err)
		}
		n += len(name) + s
	}
	return n, nil
}

// valueSize returns the size of a value: strings and binaries their bytes,
// a number one byte per two significant digits plus one, a boolean or null
// one byte, a set the sum of its elements, and a list or map three bytes
// plus one per element plus the elements (and, for a map, their names).
func valueSize(v attrValue) (int, error) {
	switch {
	case v.S != nil:
		return len(*v.S), nil
	case v.N != nil:
		return numberSize(*v.N), nil
	case v.B != nil:
		return binarySize(*v.B)
	case v.BOOL != nil, v.NULL != nil:
		return 1, nil
	case v.SS != nil:
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n, nil
	case v.NS != nil:
		n := 0
		for _, s := range v.NS {
			n += numberSize(s)
		}
		return n, nil
	case v.BS != nil:
		n := 0
		for _, b := range v.BS {
			s, err := binarySize(b)
			if err != nil {
				return 0, err
			}
			n += s
		}
		return n, nil
	case v.M != nil:
		n := 3
		for name, e := range v.M {
			s, err := valueSize(e)
			if err != nil {
				return 0, fmt.Errorf("key %q: %w", name, err)
			}
			n += 1 + len(name) + s
		}
		return n, nil
	case v.L != nil:
		n := 3
		for i, e := range v.L {
			s, err := valueSize(e)
			if err != nil {
				return 0, fmt.Errorf("element %d: %w", i, err)
			}
			n += 1 + s
		}
		return n, nil
	}
	return 0, fmt.Errorf("no known type in the value")
}

// numberSize is about one byte per two significant digits, plus one.
// Leading and trailing zeros are not significant; the sign, the point and
// an exponent are not digits.
func numberSize(n string) int {
	if i := strings.IndexAny(n, "eE"); i >= 0 {
		n = n[:i]
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, n)
	digits = strings.Trim(digits, "0")
	return (len(digits)+1)/2 + 1
}

// binarySize decodes the base64 of a binary value to count its bytes.
func binarySize(b64 string) (int, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return 0, fmt.Errorf("binary value is not base64: %w", err)
	}
	return len(raw), nil
}
