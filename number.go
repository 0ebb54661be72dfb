package receiptdynamo

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Reading the text of N values.
//
// Every OCR item holds fifteen numbers written as plain shortest decimals
// ("0.39823213481666514"), and reading them is most of the cost of decoding
// an item. parseDecimal reads that common shape itself, exactly, and leaves
// everything else (exponents, more than nineteen digits, spaces, "NaN") to
// strconv.ParseFloat. Both give the float64 nearest to the decimal, ties to
// even, so the choice of path never shows in the result.

// parseNumber reads the text of an N value, trimming the spaces that some
// writers leave.
func parseNumber(v string) (float64, bool) {
	if f, ok := parseDecimal(v); ok {
		return f, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		f, err = strconv.ParseFloat(strings.TrimSpace(v), 64)
	}
	return f, err == nil
}

// exactPow10 holds the powers of ten that a float64 represents exactly.
var exactPow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// uintPow10 holds the powers of ten that fit in a uint64.
var uintPow10 = [...]uint64{
	1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// parseDecimal reads [-]digits[.digits] with at most nineteen significant
// digits and returns the nearest float64; ok is false for any other text,
// which the caller then gives to strconv.
func parseDecimal(v string) (f float64, ok bool) {
	i, neg := 0, false
	if i < len(v) && v[i] == '-' {
		neg = true
		i++
	}
	var man uint64
	digits, sig, frac := 0, 0, 0 // all digits, significant ones, those after '.'
	dot := false
	for ; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if dot {
				frac++
			}
			if man == 0 && c == '0' {
				continue // a leading zero adds no precision
			}
			sig++
			if sig > 19 {
				return 0, false
			}
			man = man*10 + uint64(c-'0')
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || (dot && frac == 0) || frac >= len(uintPow10) {
		// "", "-", ".", "1." and too many decimals go to strconv.
		return 0, false
	}
	switch {
	case man == 0:
		f = 0
	case frac == 0 && man < 1<<53:
		f = float64(man)
	case man < 1<<53 && frac < len(exactPow10):
		// Both operands are exact, and IEEE division rounds correctly.
		f = float64(man) / exactPow10[frac]
	case frac == 0:
		f = roundToFloat(man, false, 0)
	default:
		f = divPow10(man, uintPow10[frac])
	}
	if neg {
		f = -f
	}
	return f, true
}

// divPow10 returns the float64 nearest to man/d, for man > 0 and d a power
// of ten above one, by exact integer division. man is shifted left by s
// bits so that the quotient q has 63 or 64 bits: with m and k the bit
// lengths of man and d, s = 63+k-m puts man·2^s in [2^(62+k), 2^(63+k)) and
// d in [2^(k-1), 2^k). The remainder only says whether the exact value lies
// beyond q, which is all that rounding needs.
func divPow10(man, d uint64) float64 {
	s := 63 + bits.Len64(d) - bits.Len64(man) // at least 3, since d ≥ 10
	var hi, lo uint64
	if s >= 64 {
		hi = man << (s - 64)
	} else {
		hi, lo = man>>(64-s), man<<s
	}
	q, r := bits.Div64(hi, lo, d) // hi < d, since q < 2^64
	return roundToFloat(q, r != 0, -s)
}

// roundToFloat returns the float64 nearest to v·2^exp, ties to even, where
// sticky says that the exact value is a little more than v. v must be
// positive and the result normal, which holds for what parseDecimal reads.
func roundToFloat(v uint64, sticky bool, exp int) float64 {
	n := bits.Len64(v)
	if n <= 53 {
		return math.Ldexp(float64(v), exp) // exact: no bit is lost
	}
	shift := uint(n - 53)
	man := v >> shift
	rest, half := v&(1<<shift-1), uint64(1)<<(shift-1)
	if rest > half || (rest == half && (sticky || man&1 == 1)) {
		man++ // may reach 2^53, which float64 still holds exactly
	}
	return math.Ldexp(float64(man), exp+int(shift))
}
