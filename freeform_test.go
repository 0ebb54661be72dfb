package receiptdynamo

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestFreeformRoundTrip(t *testing.T) {
	in := map[string]any{
		"big":      json.Number("123456789012345678901234567890"), // beyond float64
		"neg":      json.Number("-0.000000000000000000012345"),
		"name":     "layoutlm",
		"empty":    "",
		"on":       true,
		"off":      false,
		"none":     nil,
		"list":     []any{json.Number("1"), "two", nil, true, []any{}, map[string]any{}},
		"nested":   map[string]any{"deeper": map[string]any{"l": []any{[]any{json.Number("3")}}}},
		"bytes":    []byte{0, 1, 2},
		"emptyMap": map[string]any{},
	}
	av, err := EncodeFreeform("config", in)
	if err != nil {
		t.Fatal(err)
	}
	m := av.(*types.AttributeValueMemberM).Value
	wantTypes := map[string]string{"big": "N", "neg": "N", "name": "S", "empty": "S",
		"on": "BOOL", "off": "BOOL", "none": "NULL", "list": "L", "nested": "M", "bytes": "B",
		"emptyMap": "M"}
	for k, want := range wantTypes {
		if got := typeName(m[k]); got != want {
			t.Errorf("%s encoded as %s, want %s", k, got, want)
		}
	}
	if v := m["big"].(*types.AttributeValueMemberN).Value; v != "123456789012345678901234567890" {
		t.Errorf("big integer written as %q", v)
	}
	out, err := DecodeFreeform("config", av)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip\n got %#v\nwant %#v", out, in)
	}
}

// TestFreeformGoValues checks the Go types that encode besides the decoded
// ones, and what they decode to.
func TestFreeformGoValues(t *testing.T) {
	type label string
	cases := []struct {
		in   any
		want any
	}{
		{int64(math.MaxInt64), json.Number("9223372036854775807")},
		{uint64(math.MaxUint64), json.Number("18446744073709551615")},
		{int8(-8), json.Number("-8")},
		{0.1, json.Number("0.1")},
		{float32(0.1), json.Number("0.1")},
		{1e20, json.Number("100000000000000000000")},
		{label("x"), "x"},
		{[]string{"a", "b"}, []any{"a", "b"}},
		{[2]int{1, 2}, []any{json.Number("1"), json.Number("2")}},
		{map[string]float64{"p": 0.5}, map[string]any{"p": json.Number("0.5")}},
		{map[string][]int{"l": {7}}, map[string]any{"l": []any{json.Number("7")}}},
		{ptr(3), json.Number("3")},
		{(*int)(nil), nil},
		{[]int(nil), nil},
	}
	for _, c := range cases {
		av, err := EncodeFreeform("v", c.in)
		if err != nil {
			t.Errorf("EncodeFreeform(%#v): %v", c.in, err)
			continue
		}
		got, err := DecodeFreeform("v", av)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%#v decodes as %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
}

func TestFreeformRefused(t *testing.T) {
	cases := []struct {
		in   any
		path string
	}{
		{map[string]any{"a": make(chan int)}, "m.a"},
		{map[string]any{"a": []any{1, func() {}}}, "m.a[1]"},
		{map[string]any{"nan": math.NaN()}, "m.nan"},
		{map[string]any{"inf": math.Inf(-1)}, "m.inf"},
		{map[string]any{"n": json.Number("twelve")}, "m.n"},
		{map[string]any{"n": json.Number("1e200")}, "m.n"},
		{map[string]any{"n": json.Number("1234567890123456789012345678901234567890")}, "m.n"},
		{map[string]any{"big": 1e300}, "m.big"},
		{map[string]any{"tiny": 1e-200}, "m.tiny"},
		{map[string]any{"k": map[int]string{1: "x"}}, "m.k"},
		{map[string]any{"s": struct{}{}}, "m.s"},
	}
	for _, c := range cases {
		_, err := EncodeFreeform("m", c.in)
		var ve *ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
			t.Errorf("EncodeFreeform(%v) = %v, want a *ValidationError", c.in, err)
			continue
		}
		if ve.Field != c.path || ve.Rule == "" {
			t.Errorf("EncodeFreeform(%v) names %q (%s), want %q", c.in, ve.Field, ve.Rule, c.path)
		}
	}
}

func TestDecodeFreeformSets(t *testing.T) {
	av := &types.AttributeValueMemberM{Value: Item{
		"ss": &types.AttributeValueMemberSS{Value: []string{"a"}},
		"ns": &types.AttributeValueMemberNS{Value: []string{"1.5"}},
		"bs": &types.AttributeValueMemberBS{Value: [][]byte{{9}}},
	}}
	got, err := DecodeFreeform("m", av)
	want := map[string]any{"ss": []any{"a"}, "ns": []any{json.Number("1.5")},
		"bs": []any{[]byte{9}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("sets decode as %#v, %v; want %#v", got, err, want)
	}
	_, err = DecodeFreeform("m", &types.AttributeValueMemberL{Value: []types.AttributeValue{nil}})
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "m[0]" {
		t.Errorf("a nil element = %v, want an error naming m[0]", err)
	}
}

func TestNumberRule(t *testing.T) {
	ok := []string{
		"0", "-0", "0.0", "42", "-0.5", "000123", "1e5", "1E+5", "2.5e-3",
		"1e-130", "9.9999999999999999999999999999999999999e125",
		"12345678901234567890123456789012345678",
		"1.0000000000000000000000000000000000000000000",
		"0.0000000000000000000000000000000000000000000001",
		"100000000000000000000000000000000000000000000000000",
	}
	bad := []string{
		"", "-", "+1", "1.", ".5", "1e", "1e+", "--1", "1-", "0x10", "NaN", "Infinity",
		" 1", "1,5", "1e-131", "1e126", "10e125", "1e99999999999999999999",
		"123456789012345678901234567890123456789", // 39 digits
		"1.23456789012345678901234567890123456789",
	}
	for _, v := range ok {
		if rule := numberRule(v); rule != "" {
			t.Errorf("numberRule(%q) = %q, want accepted", v, rule)
		}
	}
	for _, v := range bad {
		if numberRule(v) == "" {
			t.Errorf("numberRule(%q) accepted it", v)
		}
	}
}
