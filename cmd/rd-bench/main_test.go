package main

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		check   func(o options) bool
		wantErr string
	}{
		{name: "defaults", args: nil, check: func(o options) bool {
			return slices.Equal(o.sections, allSections) &&
				slices.Equal(o.sizes, []int{10, 100, 626}) && o.out == "BENCHMARKS.md" &&
				o.simTuning.policy.MaxAttempts > 0
		}},
		{name: "sections and sizes", args: []string{"-sections", "codec, sim", "-sizes", "5,7"},
			check: func(o options) bool {
				return slices.Equal(o.sections, []string{"codec", "sim"}) &&
					slices.Equal(o.sizes, []int{5, 7}) && o.has("sim") && !o.has("reads")
			}},
		{name: "no report", args: []string{"-out", ""}, check: func(o options) bool {
			return o.out == ""
		}},
		{name: "unknown section", args: []string{"-sections", "codec,speed"},
			wantErr: `unknown section "speed"`},
		{name: "bad size", args: []string{"-sizes", "10,x"},
			wantErr: `-sizes: "x" is not a positive integer`},
		{name: "zero size", args: []string{"-sim-images", "0"},
			wantErr: `-sim-images: "0" is not a positive integer`},
		{name: "zero repeats", args: []string{"-read-repeats", "0"},
			wantErr: "-read-repeats: must be at least 1"},
		{name: "stray argument", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
		{name: "unknown flag", args: []string{"-fast"}, wantErr: "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(tc.args, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(o) {
				t.Fatalf("options %+v", o)
			}
		})
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000",
		931216: "931,216", 1234567.6: "1,234,568", -4500: "-4,500"} {
		if got := fmtCount(n); got != want {
			t.Errorf("fmtCount(%v) = %q, want %q", n, got, want)
		}
	}
	got := wrap("one two three four five six", 9)
	if want := "one two\nthree\nfour five\nsix"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := commandLine([]string{"-out", "", "-sizes", "1,2"}); !strings.HasSuffix(got,
		` -out "" -sizes 1,2`) {
		t.Errorf("commandLine = %q", got)
	}
}

func TestMeasureSpread(t *testing.T) {
	calls := 0
	lat, err := measure(10, func() error { calls++; return nil })
	if err != nil || calls != 11 {
		t.Fatalf("measure made %d calls (%v), want 11 (one warm-up)", calls, err)
	}
	if lat.min > lat.p50 || lat.p50 > lat.p90 {
		t.Fatalf("spread out of order: %+v", lat)
	}
}
