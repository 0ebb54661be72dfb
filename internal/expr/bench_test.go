package expr

import "testing"

// benchNumbers are the shapes of numbers the clients write: integers,
// decimals, small fractions and exponents.
var benchNumbers = []struct{ name, in string }{
	{"int", "1234567"},
	{"int_trailing_zeros", "1500000"},
	{"fraction", "0.000123"},
	{"exponent", "12E+3"},
	{"decimal", "3.75"},
	{"decimal_long", "0.98765432109876"},
}

// BenchmarkParseNumber measures ParseNumber;
// BenchmarkParseDecimalCopying measures the parser it replaced.
func BenchmarkParseNumber(b *testing.B) {
	for _, bc := range benchNumbers {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := ParseNumber(bc.in); !ok {
					b.Fatal("refused")
				}
			}
		})
	}
}

// BenchmarkParseDecimalCopying measures the former, copying parser on the
// same numbers, for comparison with BenchmarkParseNumber.
func BenchmarkParseDecimalCopying(b *testing.B) {
	for _, bc := range benchNumbers {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if d, ok := parseDecimalCopying(bc.in); !ok || !d.inRange() {
					b.Fatal("refused")
				}
			}
		})
	}
}
