package expr

import (
	"strings"
	"testing"
)

// dec builds a Decimal for expectations.
func dec(neg bool, digits string, exp int) Decimal {
	return Decimal{Neg: neg, Digits: digits, Exp: exp}
}

func TestParseNumber(t *testing.T) {
	max38 := strings.Repeat("9", 38)
	zeros36 := strings.Repeat("0", 36)
	tests := []struct {
		in   string
		want Decimal
		ok   bool
	}{
		// Signs.
		{"1", dec(false, "1", 0), true},
		{"+1", dec(false, "1", 0), true},
		{"-1", dec(true, "1", 0), true},
		{"-0", Decimal{}, true},
		{"+0", Decimal{}, true},
		{"0", Decimal{}, true},
		{"-0.000", Decimal{}, true},
		{"0E+5", Decimal{}, true},
		{"--1", Decimal{}, false},
		{"+-1", Decimal{}, false},
		{"-", Decimal{}, false},
		{"+", Decimal{}, false},

		// Decimal points.
		{"1.5", dec(false, "15", -1), true},
		{"-1.5", dec(true, "15", -1), true},
		{".5", dec(false, "5", -1), true},
		{"5.", dec(false, "5", 0), true},
		{".", Decimal{}, false},
		{"-.", Decimal{}, false},
		{"1.2.3", Decimal{}, false},

		// Leading and trailing zeros are trimmed.
		{"007", dec(false, "7", 0), true},
		{"100", dec(false, "1", 2), true},
		{"1.500", dec(false, "15", -1), true},
		{"000.00100", dec(false, "1", -3), true},
		{"-0012.3400", dec(true, "1234", -2), true},

		// Exponents.
		{"1E3", dec(false, "1", 3), true},
		{"1e3", dec(false, "1", 3), true},
		{"1E+3", dec(false, "1", 3), true},
		{"1E-3", dec(false, "1", -3), true},
		{"1.5E-3", dec(false, "15", -4), true},
		{"150E-3", dec(false, "15", -2), true},
		{"1E007", dec(false, "1", 7), true},
		{".5e1", dec(false, "5", 0), true},
		{"1E", Decimal{}, false},
		{"1E+", Decimal{}, false},
		{"1E-", Decimal{}, false},
		{"E5", Decimal{}, false},
		{"1E++5", Decimal{}, false},
		{"1E+-5", Decimal{}, false},
		{"1E--5", Decimal{}, false},
		{"1E5.0", Decimal{}, false},
		{"1E5x", Decimal{}, false},
		{"1E 5", Decimal{}, false},
		{"1E99999999999999999999", Decimal{}, false},

		// 38 significant digits at most; zeros around them do not count.
		{max38, dec(false, max38, 0), true},
		{max38 + "9", Decimal{}, false},
		{"0.000" + max38, dec(false, max38, -41), true},
		{max38 + "000", dec(false, max38, 3), true},
		{"1" + zeros36 + "1", dec(false, "1"+zeros36+"1", 0), true},
		{"1" + zeros36 + "01", Decimal{}, false},
		{"1." + zeros36 + "1", dec(false, "1"+zeros36+"1", -37), true},
		{"1." + strings.Repeat("0", 37) + "1", Decimal{}, false},

		// Range: 1E-130 to 9.99…E+125 in magnitude.
		{"1E-130", dec(false, "1", -130), true},
		{"-1E-130", dec(true, "1", -130), true},
		{"9.9E-131", Decimal{}, false},
		{"1E-131", Decimal{}, false},
		{"10E-131", dec(false, "1", -130), true},
		{"1E+125", dec(false, "1", 125), true},
		{"9." + strings.Repeat("9", 37) + "E+125", dec(false, max38, 88), true},
		{"-9.99E+125", dec(true, "999", 123), true},
		{"1E+126", Decimal{}, false},
		{"-1E+126", Decimal{}, false},
		{"0.1E+127", Decimal{}, false},
		{"0.1E+126", dec(false, "1", 125), true},

		// Junk.
		{"", Decimal{}, false},
		{" 1", Decimal{}, false},
		{"1 ", Decimal{}, false},
		{"1,5", Decimal{}, false},
		{"0x10", Decimal{}, false},
		{"1_000", Decimal{}, false},
		{"NaN", Decimal{}, false},
		{"Infinity", Decimal{}, false},
		{"-Inf", Decimal{}, false},
		{"١", Decimal{}, false}, // an Arabic-Indic digit
	}
	for _, tt := range tests {
		got, ok := ParseNumber(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseNumber(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDecimalString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"},
		{"-0.0", "0"},
		{"1", "1"},
		{"-1", "-1"},
		{"+42", "42"},
		{"1E2", "100"},
		{"-1.00E+2", "-100"},
		{"3.750", "3.75"},
		{"0.001", "0.001"},
		{"1E-3", "0.001"},
		{".5", "0.5"},
		{"-0.05", "-0.05"},
		{"12.5E-1", "1.25"},
		{"12345E-2", "123.45"},
		{"007.100", "7.1"},
		{"1E-130", "0." + strings.Repeat("0", 129) + "1"},
		{"1E+125", "1" + strings.Repeat("0", 125)},
	}
	for _, tt := range tests {
		d, ok := ParseNumber(tt.in)
		if !ok {
			t.Fatalf("ParseNumber(%q) failed", tt.in)
		}
		if got := d.String(); got != tt.want {
			t.Errorf("ParseNumber(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func mustParse(t *testing.T, s string) Decimal {
	t.Helper()
	d, ok := ParseNumber(s)
	if !ok {
		t.Fatalf("ParseNumber(%q) failed", s)
	}
	return d
}

func TestDecimalCmp(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"0", "0", 0},
		{"0", "-0", 0},
		{"0", "0.000E5", 0},
		{"1", "1.0", 0},
		{"100", "1E2", 0},
		{"0.3", "3E-1", 0},
		{"1", "2", -1},
		{"2", "1", 1},
		{"-1", "1", -1},
		{"-1", "0", -1},
		{"0", "-1", 1},
		{"0", "1E-130", -1},
		{"-2", "-1", -1},
		{"-1", "-2", 1},
		{"9", "10", -1},
		{"0.9", "0.10", 1},
		{"0.12", "0.121", -1},
		{"0.121", "0.12", 1},
		{"-0.12", "-0.121", 1},
		{"99", "100", -1},
		{"1.5", "1.49999999999999999999999999999999999", 1},
		{"1E+125", "9.99E+124", 1},
		{"1E-130", "1.1E-130", -1},
		{"123456789012345678901234567890123456.78",
			"123456789012345678901234567890123456.79", -1},
	}
	for _, tt := range tests {
		a, b := mustParse(t, tt.a), mustParse(t, tt.b)
		if got := a.Cmp(b); got != tt.want {
			t.Errorf("%s.Cmp(%s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := b.Cmp(a); got != -tt.want {
			t.Errorf("%s.Cmp(%s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestDecimalAdd(t *testing.T) {
	tests := []struct {
		a, b, want string
		inRange    bool
	}{
		{"0.1", "0.2", "0.3", true},
		{"0.1", "-0.1", "0", true},
		{"1", "-1", "0", true},
		{"0", "5", "5", true},
		{"5", "0", "5", true},
		{"0", "0", "0", true},
		{"-0.5", "0.25", "-0.25", true},
		{"0.25", "-0.5", "-0.25", true},
		{"999", "1", "1000", true},
		{"1E+3", "1E-3", "1000.001", true},
		{"-1E+3", "-1E-3", "-1000.001", true},
		{"1.05", "1.95", "3", true},
		{"12345678901234567890", "98765432109876543210", "111111111011111111100", true},
		// Exact sums beyond DynamoDB's precision or range are returned but
		// out of range.
		{"1E+100", "1", "1" + strings.Repeat("0", 99) + "1", false},
		{strings.Repeat("9", 38), "1", "1" + strings.Repeat("0", 38), true},
		{"9.9E+125", "0.9E+125", "1.08" + "E+126", false},
		{"1E-130", "-1.1E-130", "-1E-131", false},
	}
	for _, tt := range tests {
		a, b := mustParse(t, tt.a), mustParse(t, tt.b)
		want, ok := parseDecimal(tt.want)
		if !ok {
			t.Fatalf("parseDecimal(%q) failed", tt.want)
		}
		got := a.Add(b)
		if got != want {
			t.Errorf("%s + %s = %+v (%s), want %+v", tt.a, tt.b, got, got, want)
		}
		if got.InRange() != tt.inRange {
			t.Errorf("(%s + %s).InRange() = %v, want %v", tt.a, tt.b, got.InRange(), tt.inRange)
		}
		if back := b.Add(a); back != got {
			t.Errorf("%s + %s = %+v but %s + %s = %+v", tt.a, tt.b, got, tt.b, tt.a, back)
		}
	}
}

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		a, b string
		want int
		ok   bool
	}{
		{"1", "1.0", 0, true},
		{"-3", "2", -1, true},
		{"10", "9", 1, true},
		{"1E+200", "1", 1, true}, // beyond DynamoDB's range, still ordered
		{"x", "1", 0, false},
		{"1", "", 0, false},
		{"1E++2", "1", 0, false},
	}
	for _, tt := range tests {
		got, ok := CompareNumbers(tt.a, tt.b)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CompareNumbers(%q, %q) = %d, %v; want %d, %v",
				tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
}

// TestNumberSize checks DynamoDB's documented size of a number: one byte
// per two significant digits (leading and trailing zeros trimmed), plus one.
func TestNumberSize(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"0", 1},
		{"-0.0", 1},
		{"1", 2},
		{"-1", 2},
		{"12", 2},
		{"123", 3},
		{"1234", 3},
		{"100000", 2},
		{"0.00001", 2},
		{"1.5", 2},
		{"-12.345", 4},
		{"1E+125", 2},
		{strings.Repeat("9", 38), 20},
		{strings.Repeat("9", 37), 20},
		{"00012300", 3},
		{"not a number", 12}, // counted as its text
	}
	for _, tt := range tests {
		if got := NumberSize(tt.in); got != tt.want {
			t.Errorf("NumberSize(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestParseDecimalMatchesReference runs the inputs of the other tests
// through parseDecimal and the copying reference it replaced.
func TestParseDecimalMatchesReference(t *testing.T) {
	inputs := []string{
		"0", "-0", "00.000", "1", "-1", "10", "100", "1.5", "3.75", "03.7500", ".5", "5.",
		"0.001", "100.001", "1000.0", "0.0100", "1.0E2", "120E-1", "-0.05E+3", "1E++5",
		"1.2.3", ".", "", "E5", "1E", "9" + strings.Repeat("0", 50) + ".0009",
	}
	for _, tt := range []string{"1E-130", "9.99E+125", strings.Repeat("9", 38)} {
		inputs = append(inputs, tt, "-"+tt, "0"+tt)
	}
	for _, s := range inputs {
		got, ok := parseDecimal(s)
		want, wantOK := parseDecimalCopying(s)
		if got != want || ok != wantOK {
			t.Errorf("parseDecimal(%q) = %+v, %v; reference %+v, %v", s, got, ok, want, wantOK)
		}
	}
}
