package expr

import "strings"

// parseDecimalCopying is the former parseDecimal, which collected the
// digits into a new string: the reference the faster one must agree with.
func parseDecimalCopying(s string) (Decimal, bool) {
	var d Decimal
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		d.Neg = s[i] == '-'
		i++
	}

	// Mantissa: collect digits, remembering where the point was.
	var digits []byte
	seenDigit, seenPoint := false, false
	fracDigits := 0
mantissa:
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
			digits = append(digits, c)
			if seenPoint {
				fracDigits++
			}
		case c == '.' && !seenPoint:
			seenPoint = true
		default:
			break mantissa
		}
	}
	if !seenDigit {
		return Decimal{}, false
	}
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

	// Normalise: strip leading zeros, move trailing zeros into Exp.
	str := strings.TrimLeft(string(digits), "0")
	exp -= fracDigits
	trimmed := strings.TrimRight(str, "0")
	exp += len(str) - len(trimmed)
	if trimmed == "" {
		return Decimal{}, true // zero, of either sign
	}
	d.Digits, d.Exp = trimmed, exp
	return d, true
}
