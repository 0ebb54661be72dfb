package partsim

import (
	"strings"
	"testing"
	"time"
)

func TestBucketRefillCapsAtBurst(t *testing.T) {
	t0 := time.Unix(1000, 0)
	b := newBucket(100, t0)
	b.take(100)
	if b.fits(1, 100) {
		t.Fatal("an empty bucket admits a unit")
	}

	b.refill(t0.Add(10*time.Millisecond), 1000, 100)
	if got := b.tokens; got < 9.999 || got > 10.001 {
		t.Fatalf("after 10 ms at 1000/s the bucket holds %v units, want 10", got)
	}
	if !b.fits(10, 100) || b.fits(11, 100) {
		t.Fatalf("a bucket of %v units must admit 10 and refuse 11", b.tokens)
	}

	b.refill(t0.Add(time.Hour), 1000, 100)
	if b.tokens != 100 {
		t.Fatalf("after an hour the bucket holds %v units, want the burst of 100", b.tokens)
	}
}

func TestBucketLargeRequestPassesWhenFullAndLeavesDebt(t *testing.T) {
	t0 := time.Unix(1000, 0)
	b := newBucket(10, t0)
	if !b.fits(25, 10) {
		t.Fatal("a full bucket refuses a request larger than the burst")
	}
	b.take(25)
	b.refill(t0.Add(10*time.Millisecond), 1000, 10) // +10 units: -15 + 10 = -5
	if b.fits(1, 10) {
		t.Fatalf("a bucket in debt (%v units) admits a unit", b.tokens)
	}
	b.refill(t0.Add(16*time.Millisecond), 1000, 10) // +6 units: 1
	if !b.fits(1, 10) {
		t.Fatalf("a bucket that paid its debt (%v units) refuses a unit", b.tokens)
	}
}

// TestBucketSteadyRate offers far more than the rate for ten simulated
// seconds and checks that what passes is the rate plus one burst.
func TestBucketSteadyRate(t *testing.T) {
	t0 := time.Unix(1000, 0)
	const rate, burst = 1000, 50
	b := newBucket(burst, t0)
	admitted := 0
	for step := range 100_000 { // one request of 1 unit every 100 µs: 10,000/s
		now := t0.Add(time.Duration(step) * 100 * time.Microsecond)
		b.refill(now, rate, burst)
		if b.fits(1, burst) {
			b.take(1)
			admitted++
		}
	}
	// 10 s at 1,000/s, plus the initial burst, give or take one request.
	if want := 10*rate + burst; admitted < want-1 || admitted > want+1 {
		t.Fatalf("admitted %d units in 10 s, want %d", admitted, want)
	}
}

func TestWriteUnits(t *testing.T) {
	for _, tc := range []struct {
		size  int
		units float64
	}{{0, 1}, {1, 1}, {1024, 1}, {1025, 2}, {2048, 2}, {400 * 1024, 400}} {
		if got := writeUnits(tc.size); got != tc.units {
			t.Errorf("writeUnits(%d) = %v, want %v", tc.size, got, tc.units)
		}
	}
}

func TestNumberSize(t *testing.T) {
	for _, tc := range []struct {
		n    string
		size int
	}{
		{"0", 1},
		{"7", 2},
		{"12", 2},
		{"123", 3},
		{"-1000", 2},                   // trailing zeros are not significant
		{"0.00012", 2},                 // nor are leading ones
		{"0.12345678901234567890", 11}, // 20 digits
		{"1.5E10", 2},
	} {
		if got := numberSize(tc.n); got != tc.size {
			t.Errorf("numberSize(%q) = %d, want %d", tc.n, got, tc.size)
		}
	}
}

func TestItemSize(t *testing.T) {
	s := func(v string) *string { return &v }
	yes := true
	item := map[string]attrValue{
		"PK":   {S: s("abc")},                                // 2 + 3
		"n":    {N: s("12.5")},                               // 1 + 3
		"ok":   {BOOL: &yes},                                 // 2 + 1
		"tags": {SS: []string{"A", "BC"}},                    // 4 + 3
		"bin":  {B: s("AAEC")},                               // 3 + 3 (3 bytes)
		"box":  {M: map[string]attrValue{"x": {N: s("1")}}},  // 3 + 3 + (1+1+2)
		"l":    {L: []attrValue{{S: s("xy")}, {NULL: &yes}}}, // 1 + 3 + (1+2) + (1+1)
	}
	want := 5 + 4 + 3 + 7 + 6 + 10 + 9
	got, err := itemSize(item)
	if err != nil || got != want {
		t.Fatalf("itemSize = %d, %v; want %d", got, err, want)
	}

	big := map[string]attrValue{"t": {S: s(strings.Repeat("x", 2000))}}
	if size, _ := itemSize(big); writeUnits(size) != 2 {
		t.Fatalf("an item of %d bytes costs %v units, want 2", size, writeUnits(size))
	}
	if _, err := itemSize(map[string]attrValue{"bad": {}}); err == nil {
		t.Fatal("a value of no type was sized without error")
	}
}
