package expr

import (
	"strings"
	"testing"
)

// FuzzParseNumber checks that ParseNumber never panics, that what it accepts
// is canonical and in DynamoDB's range, that the String of a parsed number
// parses back to an equal Decimal, and that parseDecimal agrees with the
// copying reference it replaced.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{
		"0", "-0", "+1", "1.5", "-1.5", ".5", "5.", "007.100", "1E3", "1e-3", "1E+3",
		"1E++5", "1E+-5", "1E", "E1", ".", "-", "", " 1", "1 ", "0x10", "NaN",
		"1E-130", "1E-131", "9.99E+125", "1E+126", "0.1E+127",
		strings.Repeat("9", 38), strings.Repeat("9", 39), strings.Repeat("9", 38) + "000",
		"0.000" + strings.Repeat("1", 38), "1E99999999999999999999", "1E-1000000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, okFast := parseDecimal(s)
		slow, okSlow := parseDecimalCopying(s)
		if fast != slow || okFast != okSlow {
			t.Fatalf("parseDecimal(%q) = %+v, %v; the reference gives %+v, %v",
				s, fast, okFast, slow, okSlow)
		}
		d, ok := ParseNumber(s)
		_ = NumberSize(s)
		_, _ = CompareNumbers(s, "1")
		if !ok {
			if d != (Decimal{}) {
				t.Fatalf("ParseNumber(%q) refused but returned %+v", s, d)
			}
			return
		}
		if !d.InRange() {
			t.Fatalf("ParseNumber(%q) = %+v, out of range", s, d)
		}
		if d.Digits == "" && (d.Neg || d.Exp != 0) {
			t.Fatalf("ParseNumber(%q) = %+v, a non-canonical zero", s, d)
		}
		if d.Digits != "" && (d.Digits[0] == '0' || d.Digits[len(d.Digits)-1] == '0') {
			t.Fatalf("ParseNumber(%q) = %+v, digits not trimmed", s, d)
		}
		str := d.String()
		back, ok := ParseNumber(str)
		if !ok || back != d {
			t.Fatalf("ParseNumber(%q) = %+v, String %q parses to %+v, %v", s, d, str, back, ok)
		}
		if d.Cmp(back) != 0 {
			t.Fatalf("%+v.Cmp(%+v) != 0", d, back)
		}
		if c, ok := CompareNumbers(s, str); !ok || c != 0 {
			t.Fatalf("CompareNumbers(%q, %q) = %d, %v", s, str, c, ok)
		}
		if sum := d.Add(Decimal{}); sum != d {
			t.Fatalf("%+v + 0 = %+v", d, sum)
		}
		neg := d
		neg.Neg = !d.Neg && d.Digits != ""
		if sum := d.Add(neg); sum != (Decimal{}) {
			t.Fatalf("%s + -%s = %+v, want 0", str, str, sum)
		}
	})
}
