package ddb

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// These tests need no server: they cover the engine's own logic.

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func put(pk, sk string, size int) rd.WriteRequest {
	return rd.WriteRequest{Put: rd.Item{rd.AttrPK: str(pk), rd.AttrSK: str(sk),
		"data": str(strings.Repeat("x", size))}}
}

func TestChunkWrites(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int
		want  []int // chunk lengths
	}{
		{"one", []int{10}, []int{1}},
		{"25 per chunk", make([]int, 60), []int{25, 25, 10}},
		{"exactly 25", make([]int, 25), []int{25}},
		{"16 MB per chunk", []int{9 << 20, 8 << 20, 8 << 20, 1}, []int{1, 2, 1}},
		{"exactly 16 MB", []int{8 << 20, 8 << 20, 1}, []int{2, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chunks := chunkWrites(tc.sizes)
			var got []int
			next := 0
			for _, c := range chunks {
				got = append(got, len(c))
				for _, i := range c {
					if i != next {
						t.Fatalf("chunks %v do not hold the indexes in order", chunks)
					}
					next++
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("chunk lengths %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCheckWrites(t *testing.T) {
	k := rd.Key{PK: "P", SK: "1"}
	tests := []struct {
		name  string
		reqs  []rd.WriteRequest
		field string // in the error; "" for no error
	}{
		{"puts and a delete", []rd.WriteRequest{put("P", "1", 1), put("P", "2", 1),
			{Delete: &rd.Key{PK: "P", SK: "3"}}}, ""},
		{"repeated put", []rd.WriteRequest{put("P", "1", 1), put("P", "2", 1),
			put("P", "1", 2)}, "reqs[2]"},
		{"put then delete of one key", []rd.WriteRequest{put("P", "1", 1), {Delete: &k}},
			"reqs[1]"},
		{"neither put nor delete", []rd.WriteRequest{put("P", "1", 1), {}}, "reqs[1]"},
		{"empty SK", []rd.WriteRequest{put("P", "", 1)}, "reqs[0].Put.SK"},
		{"too large", []rd.WriteRequest{put("P", "1", maxItemSize)}, "reqs[0].Put"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sizes, err := checkWrites(tc.reqs)
			if tc.field == "" {
				if err != nil || len(sizes) != len(tc.reqs) {
					t.Fatalf("checkWrites: %v, %d sizes", err, len(sizes))
				}
				return
			}
			var ve *rd.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, rd.ErrInvalid) {
				t.Fatalf("checkWrites: %v, want a *ValidationError", err)
			}
			if ve.Field != tc.field {
				t.Errorf("error %q names field %q, want %q", err, ve.Field, tc.field)
			}
		})
	}
}

func TestItemSize(t *testing.T) {
	item := rd.Item{
		"PK": str("abc"),                                                             // 2 + 3
		"n":  &types.AttributeValueMemberN{Value: "12345"},                           // 1 + 4
		"b":  &types.AttributeValueMemberBOOL{Value: true},                           // 1 + 1
		"l":  &types.AttributeValueMemberL{Value: []types.AttributeValue{str("xy")}}, // 1+3+1+2
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"k": str("v")}}, // 1 + 3 + 1 + 1 + 1
	}
	if got, err := itemSize(item); err != nil || got != 5+5+2+7+7 {
		t.Errorf("itemSize = %d, %v; want 26", got, err)
	}
	if _, err := itemSize(rd.Item{"x": nil}); err == nil {
		t.Errorf("itemSize of a nil value: no error")
	}
}

func TestNormalizeSK(t *testing.T) {
	tests := []struct {
		in   rd.KeyCondition
		want rd.KeyCondition
		none bool
	}{
		{rd.KeyCondition{Op: rd.SKBeginsWith, Value: ""}, rd.KeyCondition{}, false},
		{rd.KeyCondition{Op: rd.SKGe, Value: ""}, rd.KeyCondition{}, false},
		{rd.KeyCondition{Op: rd.SKLt, Value: ""}, rd.KeyCondition{Op: rd.SKLt}, true},
		{rd.KeyCondition{Op: rd.SKBetween, Value: "", Value2: "B"},
			rd.KeyCondition{Op: rd.SKLe, Value: "B"}, false},
		{rd.KeyCondition{Op: rd.SKEq, Value: "A"}, rd.KeyCondition{Op: rd.SKEq, Value: "A"},
			false},
	}
	for _, tc := range tests {
		got, none := normalizeSK(tc.in)
		if got != tc.want || none != tc.none {
			t.Errorf("normalizeSK(%+v) = %+v, %t; want %+v, %t", tc.in, got, none, tc.want,
				tc.none)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	item := rd.Item{rd.AttrPK: str("P#1"), rd.AttrSK: str("S#2"), rd.AttrGSI1PK: str("G"),
		rd.AttrGSI1SK: str("g/é"), "other": str("not a key")}
	lek := cursorKey(item, rd.IndexGSI1)
	if len(lek) != 4 || lek["other"] != nil {
		t.Fatalf("cursorKey = %v, want the four key attributes", lek)
	}
	cur, err := encodeCursor(lek)
	if err != nil {
		t.Fatal(err)
	}
	q := rd.Query{Index: rd.IndexGSI1, PK: "G", Cursor: cur}
	got, err := decodeCursor(q)
	if err != nil {
		t.Fatalf("decodeCursor: %v", err)
	}
	for name, v := range lek {
		if got[name].(*types.AttributeValueMemberS).Value != v.(*types.AttributeValueMemberS).Value {
			t.Errorf("attribute %s: %v, want %v", name, got[name], v)
		}
	}

	for what, q := range map[string]rd.Query{
		"another partition": {Index: rd.IndexGSI1, PK: "H", Cursor: cur},
		"another index":     {Index: rd.IndexGSI2, PK: "G", Cursor: cur},
		"not base64":        {PK: "P#1", Cursor: "?"},
		"not JSON":          {PK: "P#1", Cursor: "bm90IGpzb24"},
	} {
		if _, err := decodeCursor(q); !errors.Is(err, rd.ErrInvalid) {
			t.Errorf("cursor of %s: %v, want ErrInvalid", what, err)
		}
	}
}

// TestDelay checks full jitter: every delay lies in (0, min(MaxDelay,
// BaseDelay * 2^(n-1))], and the delays spread over that range.
func TestDelay(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Millisecond,
		MaxDelay: 100 * time.Millisecond}
	for n, ceiling := range map[int]time.Duration{1: 10 * time.Millisecond,
		2: 20 * time.Millisecond, 4: 80 * time.Millisecond, 5: 100 * time.Millisecond,
		60: 100 * time.Millisecond} {
		lo, hi := ceiling, time.Duration(0)
		for range 2000 {
			d := p.delay(n)
			if d <= 0 || d > ceiling {
				t.Fatalf("delay(%d) = %v, want in (0, %v]", n, d, ceiling)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo > ceiling/10 || hi < ceiling*9/10 {
			t.Errorf("delay(%d) ranged over [%v, %v], want most of (0, %v]", n, lo, hi, ceiling)
		}
	}
}

func TestWithDefaults(t *testing.T) {
	p := RetryPolicy{BaseDelay: time.Second}.withDefaults()
	if p.MaxAttempts != DefaultRetryPolicy.MaxAttempts || p.MaxDelay != DefaultRetryPolicy.MaxDelay {
		t.Errorf("zero fields not defaulted: %+v", p)
	}
	if p := (RetryPolicy{BaseDelay: time.Minute}).withDefaults(); p.MaxDelay != time.Minute {
		t.Errorf("MaxDelay below BaseDelay not raised: %+v", p)
	}
}

func TestClassify(t *testing.T) {
	tests := map[string]error{
		"ConditionalCheckFailedException":        rd.ErrConditionFailed,
		"ResourceNotFoundException":              rd.ErrTableNotFound,
		"ResourceInUseException":                 rd.ErrTableExists,
		"ValidationException":                    rd.ErrInvalid,
		"IdempotentParameterMismatchException":   rd.ErrInvalid,
		"ProvisionedThroughputExceededException": rd.ErrThrottled,
		"ThrottlingException":                    rd.ErrThrottled,
		"RequestLimitExceeded":                   rd.ErrThrottled,
	}
	for code, want := range tests {
		api := &smithy.GenericAPIError{Code: code, Message: "some text"}
		err := classify(fmt.Errorf("operation: %w", api))
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want it to match %v", code, err, want)
		}
		var got smithy.APIError
		if !errors.As(err, &got) || got.ErrorCode() != code {
			t.Errorf("%s: the SDK's error is lost: %v", code, err)
		}
	}
	other := &smithy.GenericAPIError{Code: "SomethingElse"}
	if err := classify(other); err != other {
		t.Errorf("unknown code: %v, want the error unchanged", err)
	}

	canceled := &types.TransactionCanceledException{CancellationReasons: []types.CancellationReason{
		{Code: strp("None")}, {Code: strp("ConditionalCheckFailed"), Message: strp("m"),
			Item: rd.Item{rd.AttrPK: str("P")}}, {},
	}}
	var tce *rd.TxCanceledError
	if err := classify(canceled); !errors.As(err, &tce) {
		t.Fatalf("cancellation: %v, want a *TxCanceledError", err)
	}
	if len(tce.Reasons) != 3 || tce.Reasons[0].Code != rd.ReasonNone ||
		tce.Reasons[1].Code != rd.ReasonConditionalCheckFailed || tce.Reasons[1].Item == nil ||
		tce.Reasons[2].Code != rd.ReasonNone || tce.Reasons[0].Item != nil {
		t.Errorf("reasons %+v", tce.Reasons)
	}
}

func TestTransient(t *testing.T) {
	r := func(codes ...string) *rd.TxCanceledError {
		e := &rd.TxCanceledError{}
		for _, c := range codes {
			e.Reasons = append(e.Reasons, rd.TxReason{Code: c})
		}
		return e
	}
	tests := []struct {
		e    *rd.TxCanceledError
		want bool
	}{
		{r("None", "TransactionConflict"), true},
		{r("ThrottlingError", "None"), true},
		{r("TransactionConflict", "ConditionalCheckFailed"), false},
		{r("None", "None"), false},
		{r("ValidationError"), false},
	}
	for _, tc := range tests {
		if got := transient(tc.e); got != tc.want {
			t.Errorf("transient(%v) = %t, want %t", tc.e, got, tc.want)
		}
	}
}

func strp(s string) *string { return &s }
