package receiptdynamo

import (
	"reflect"
	"testing"
)

// FuzzUnmarshalJobItem decodes any item, given in DynamoDB's JSON shape, as
// every job-side type. Decoding must never panic; an item that decodes and
// re-encodes must decode again to an entity that encodes to the same item.
func FuzzUnmarshalJobItem(f *testing.F) {
	for _, c := range olderWriterCases(f, jobTypes...) {
		f.Add([]byte(c.RawItem))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"TYPE":{"S":"JOB"},"PK":{"S":"JOB#"},"SK":{"S":"JOB"}}`))
	f.Add([]byte(`{"TYPE":{"S":"JOB_METRIC"},"PK":{"S":"JOB#x"},"SK":{"S":"METRIC##"},` +
		`"value":{"M":{"a":{"L":[{"NULL":true},{"N":"1e400"}]}}}}`))
	f.Add([]byte(`{"TYPE":{"S":"JOB_STATUS"},"PK":{"S":"JOB#a"},` +
		`"SK":{"S":"STATUS#2025-01-01T00:00:00Z"},` +
		`"status":{"S":"RUNNING"},"progress":{"N":"NaN"}}`))
	f.Add([]byte(`{"TYPE":{"S":"JOB_LOG"},"PK":{"S":"JOB#3f52804b-2fad-4e00-92c8-b593da3a8ed3"},` +
		`"SK":{"S":"LOG#2025-01-01T00:00:00.123456789+01:00"},"log_level":{"S":"info"},` +
		`"message":{"S":"m"},"timestamp":{"S":"2025-01-01T00:00:00Z"}}`))
	f.Add([]byte(`{"TYPE":{"S":"QUEUE"},"PK":{"S":"QUEUE#q"},"SK":{"S":"QUEUE"},` +
		`"created_at":{"S":"2025-02-27 14:03:09+00:00"},"max_concurrent_jobs":{"N":"9e18"},` +
		`"priority":{"S":"Low"},"job_count":{"N":"-1"}}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		item, err := itemFromDynamoJSON(data)
		if err != nil {
			return
		}
		for _, typ := range jobTypes {
			item[AttrType] = s(typ)
			e, err := jobDecoders[typ](item)
			if err != nil {
				continue
			}
			first, err := e.MarshalItem()
			if err != nil {
				continue // decoding is tolerant; encoding validates
			}
			again, err := jobDecoders[typ](first)
			if err != nil {
				t.Fatalf("%s: re-encoded item does not decode: %v\nitem %v", typ, err, first)
			}
			second, err := again.MarshalItem()
			if err != nil {
				t.Fatalf("%s: re-decoded entity does not encode: %v", typ, err)
			}
			if !reflect.DeepEqual(first, second) {
				t.Fatalf("%s: encoding is not stable\nfirst  %v\nsecond %v", typ, first, second)
			}
		}
	})
}
