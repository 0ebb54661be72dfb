package receiptdynamo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// checkNumber fails unless parseNumber reads v as strconv.ParseFloat does,
// bit for bit, and parseDecimal takes the text when fast is true.
func checkNumber(t *testing.T, v string, fast bool) {
	t.Helper()
	want, err := strconv.ParseFloat(v, 64)
	got, ok := parseDecimal(v)
	if ok != fast {
		t.Errorf("parseDecimal(%q) took the text: %v, want %v", v, ok, fast)
	}
	if ok && (err != nil || math.Float64bits(got) != math.Float64bits(want)) {
		t.Errorf("parseDecimal(%q) = %v (%#x), strconv: %v (%#x), %v",
			v, got, math.Float64bits(got), want, math.Float64bits(want), err)
	}
	got, ok = parseNumber(v)
	if err == nil && (!ok || math.Float64bits(got) != math.Float64bits(want)) {
		t.Errorf("parseNumber(%q) = %v, %v; want %v", v, got, ok, want)
	}
}

func TestParseDecimalCases(t *testing.T) {
	for _, c := range []struct {
		v    string
		fast bool
	}{
		{"0", true}, {"-0", true}, {"1", true}, {"2480", true}, {".5", true},
		{"0.39823213481666514", true}, {"0.7711186463421649", true},
		{"-7.4452105", true}, {"-0.12994343", true}, {"0.000123", true},
		{"1234567890123456789", true}, {"9999999999999999999", true},
		{"0.1234567890123456789", true}, {"0.0000000000000000001", true},
		// Integers above 2^53 and exact ties between two float64s: ties
		// go to the even mantissa.
		{"9007199254740993", true}, {"9007199254740995", true},
		{"9007199254740993.0", true}, {"9007199254740995.000", true},
		{"18014398509481986", true}, {"18014398509481990", true},
		{"9007199254740993.0000000001", false},
		// Left to strconv: exponents, signs, too many digits, odd shapes.
		{"1e5", false}, {"1E-7", false}, {"+1", false}, {"1.", false},
		{"12345678901234567890", false}, {"0.12345678901234567890", false},
		{"0.00000000000000000001", false}, {" 1", false}, {"NaN", false},
		{"Inf", false}, {"", false}, {"-", false}, {".", false}, {"1.2.3", false},
		{"1_000", false}, {"0x10", false},
	} {
		checkNumber(t, c.v, c.fast)
	}
	if f, ok := parseNumber(" 0.25 "); !ok || f != 0.25 {
		t.Errorf(`parseNumber(" 0.25 ") = %v, %v; want 0.25`, f, ok)
	}
	if _, ok := parseNumber("0.2.5"); ok {
		t.Error(`parseNumber("0.2.5") accepted the text`)
	}
}

// TestParseDecimalAgainstStrconv reads a million numbers of the shapes the
// format holds, as the writer formats them and as random digit strings.
func TestParseDecimalAgainstStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	var buf []byte
	for i := range n {
		var v string
		switch i % 4 {
		case 0: // a coordinate or confidence
			v = FormatFloat(rng.Float64())
		case 1: // any magnitude the fast path covers
			v = FormatFloat(math.Ldexp(rng.Float64()+0.5, rng.IntN(120)-60))
		case 2: // an angle
			v = FormatFloat((rng.Float64() - 0.5) * 360)
		default: // up to 19 random digits with the point anywhere
			buf = buf[:0]
			d := 1 + rng.IntN(19)
			for range d {
				buf = append(buf, byte('0'+rng.IntN(10)))
			}
			if p := rng.IntN(d + 1); p < d {
				buf = append(buf[:p], append([]byte{'.'}, buf[p:]...)...)
			}
			v = string(buf)
			if v[0] == '.' && len(v) == 1 {
				continue
			}
		}
		want, err := strconv.ParseFloat(v, 64)
		got, ok := parseDecimal(v)
		if ok && (err != nil || math.Float64bits(got) != math.Float64bits(want)) {
			t.Fatalf("parseDecimal(%q) = %v, strconv: %v, %v", v, got, want, err)
		}
		if !ok && !strings.ContainsAny(v, "e") && i%4 != 3 && len(v) < 20 {
			t.Fatalf("parseDecimal(%q) left a writer's number to strconv", v)
		}
	}
}

// FuzzParseNumber checks that whatever text parseDecimal takes, it reads
// as strconv does.
func FuzzParseNumber(f *testing.F) {
	for _, v := range []string{"0.39823213481666514", "-7.4452105", "9007199254740993.0",
		"1e5", "12345678901234567890", ".5", "-0", "00012.50"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, ok := parseDecimal(v)
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(v, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseDecimal(%q) = %v, strconv: %v, %v", v, got, want, err)
		}
	})
}
