package expr

import (
	"math/big"
	"strings"
)

// Limits of DynamoDB numbers.
const (
	maxDigits   = 38   // significant digits
	maxExponent = 125  // of the leading digit: 9.99…E+125 is the largest
	minExponent = -130 // of the leading digit: 1E-130 is the smallest
)

// Decimal is a DynamoDB number held exactly: the integer Digits (no
// leading or trailing zeros; "" for zero) times ten to the power Exp,
// negative if Neg.
type Decimal struct {
	Neg    bool
	Digits string
	Exp    int
}

// ParseNumber reads a DynamoDB number: an optional sign, digits with an
// optional decimal point, and an optional exponent ("-1.5", "1E+3", ".5").
// It refuses more than 38 significant digits and magnitudes outside
// DynamoDB's range.
func ParseNumber(s string) (Decimal, bool) {
	d, ok := parseDecimal(s)
	if !ok || !d.inRange() {
		return Decimal{}, false
	}
	return d, true
}

// parseDecimal reads a number without checking its precision or range.
// Digits is a substring of s when no decimal point falls between the
// significant digits, so that the common shapes ("1200", "0.005", "12E3")
// cost no allocation.
func parseDecimal(s string) (Decimal, bool) {
	var d Decimal
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		d.Neg = s[i] == '-'
		i++
	}

	// Mantissa: find the first and last significant (non-zero) digits and
	// the decimal point, without copying.
	first, last, point := -1, -1, -1
	seenDigit := false
mantissa:
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '1' && c <= '9':
			if first < 0 {
				first = i
			}
			last = i
			seenDigit = true
		case c == '0':
			seenDigit = true
		case c == '.' && point < 0:
			point = i
		default:
			break mantissa
		}
	}
	if !seenDigit {
		return Decimal{}, false
	}
	end := i // of the mantissa
	// Exponent.
	exp := 0
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return Decimal{}, false
		}
		e, ok := parseExponent(s[i+1:])
		if !ok {
			return Decimal{}, false
		}
		exp = e
	}
	if first < 0 {
		return Decimal{}, true // zero, of either sign
	}

	// Normalise: Digits runs from the first to the last significant digit;
	// Exp moves the last one to the units place.
	if point < 0 {
		point = end
	}
	if last < point {
		d.Exp = exp + point - 1 - last
	} else {
		d.Exp = exp - (last - point)
	}
	if point < first || point > last {
		d.Digits = s[first : last+1] // contiguous: no copy
	} else {
		d.Digits = s[first:point] + s[point+1:last+1]
	}
	return d, true
}

// maxExpValue bounds the magnitude of an exponent: larger ones are far
// outside DynamoDB's range for any mantissa of sensible length.
const maxExpValue = 1_000_000

// parseExponent reads the exponent after the 'E': one optional sign, then
// decimal digits only ("+5", "-07", "12"), at most maxExpValue in
// magnitude.
func parseExponent(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	e := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if e <= maxExpValue { // beyond it, e only needs to stay too large
			e = e*10 + int(c-'0')
		}
	}
	if e > maxExpValue {
		return 0, false
	}
	if neg {
		e = -e
	}
	return e, true
}

// inRange reports whether d fits DynamoDB's precision and range.
func (d Decimal) inRange() bool {
	if d.Digits == "" {
		return true
	}
	lead := len(d.Digits) - 1 + d.Exp
	return len(d.Digits) <= maxDigits && lead >= minExponent && lead <= maxExponent
}

// Cmp compares d and e numerically: -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int {
	ds, es := d.sign(), e.sign()
	if ds != es {
		if ds < es {
			return -1
		}
		return 1
	}
	if ds == 0 {
		return 0
	}
	c := cmpMagnitude(d, e)
	if ds < 0 {
		return -c
	}
	return c
}

func (d Decimal) sign() int {
	switch {
	case d.Digits == "":
		return 0
	case d.Neg:
		return -1
	}
	return 1
}

// cmpMagnitude compares |d| and |e|, both non-zero.
func cmpMagnitude(d, e Decimal) int {
	dl, el := len(d.Digits)+d.Exp, len(e.Digits)+e.Exp
	if dl != el {
		if dl < el {
			return -1
		}
		return 1
	}
	// Same position of the leading digit: compare digit strings padded to
	// one length.
	a, b := d.Digits, e.Digits
	if len(a) < len(b) {
		a += strings.Repeat("0", len(b)-len(a))
	} else {
		b += strings.Repeat("0", len(a)-len(b))
	}
	return strings.Compare(a, b)
}

// Add returns d + e exactly. The result may exceed DynamoDB's precision;
// the caller checks with ParseNumber(sum.String()) or InRange.
func (d Decimal) Add(e Decimal) Decimal {
	if d.Digits == "" {
		return e
	}
	if e.Digits == "" {
		return d
	}
	exp := min(d.Exp, e.Exp)
	sum := new(big.Int).Add(d.scaled(exp), e.scaled(exp))
	out := Decimal{Neg: sum.Sign() < 0, Exp: exp}
	str := strings.TrimPrefix(sum.String(), "-")
	trimmed := strings.TrimRight(str, "0")
	if trimmed == "" {
		return Decimal{}
	}
	out.Digits = trimmed
	out.Exp += len(str) - len(trimmed)
	return out
}

// InRange reports whether d is a number DynamoDB can store.
func (d Decimal) InRange() bool { return d.inRange() }

// scaled returns d as an integer count of 10^exp, exp <= d.Exp.
func (d Decimal) scaled(exp int) *big.Int {
	v, _ := new(big.Int).SetString(d.Digits+strings.Repeat("0", d.Exp-exp), 10)
	if d.Neg {
		v.Neg(v)
	}
	return v
}

// String returns d in plain decimal notation, as DynamoDB returns numbers:
// "3.75", "-100", "0.001", "0".
func (d Decimal) String() string {
	if d.Digits == "" {
		return "0"
	}
	var b strings.Builder
	if d.Neg {
		b.WriteByte('-')
	}
	switch {
	case d.Exp >= 0:
		b.WriteString(d.Digits)
		b.WriteString(strings.Repeat("0", d.Exp))
	case -d.Exp < len(d.Digits):
		point := len(d.Digits) + d.Exp
		b.WriteString(d.Digits[:point])
		b.WriteByte('.')
		b.WriteString(d.Digits[point:])
	default:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -d.Exp-len(d.Digits)))
		b.WriteString(d.Digits)
	}
	return b.String()
}

// CompareNumbers compares two DynamoDB number strings numerically. ok is
// false if either is not a number.
func CompareNumbers(a, b string) (c int, ok bool) {
	x, okx := parseDecimal(a)
	y, oky := parseDecimal(b)
	if !okx || !oky {
		return 0, false
	}
	return x.Cmp(y), true
}

// NumberSize returns the bytes DynamoDB counts for a number: one per two
// significant digits, plus one.
func NumberSize(s string) int {
	d, ok := parseDecimal(s)
	if !ok {
		return len(s)
	}
	return (len(d.Digits)+1)/2 + 1
}
