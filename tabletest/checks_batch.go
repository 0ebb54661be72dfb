package tabletest

import (
	"fmt"
	"math/rand/v2"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func batchChecks() []check {
	return []check{
		{name: "batch/write-many", run: checkBatchWriteMany},
		{name: "batch/write-duplicates-refused", run: checkBatchWriteDuplicates},
		{name: "batch/write-invalid-refused", run: checkBatchWriteInvalid},
		{name: "batch/get-order-and-missing", run: checkBatchGet},
		{name: "batch/get-duplicates-refused", run: checkBatchGetDuplicates},
	}
}

// checkBatchWriteMany writes more requests than one DynamoDB batch holds,
// puts and deletes mixed, and reads every item back.
func checkBatchWriteMany(c *C) {
	var reqs []rd.WriteRequest
	for i := range 60 {
		reqs = append(reqs, rd.WriteRequest{Put: mk("P", fmt.Sprintf("I#%02d", i), "v", n("1"))})
	}
	c.noErr(c.Table.BatchWrite(c.Ctx, reqs), "batch write of 60 puts")
	for i := range 60 {
		c.wantItem(key("P", fmt.Sprintf("I#%02d", i)), reqs[i].Put)
	}

	reqs = nil
	for i := range 30 {
		k := key("P", fmt.Sprintf("I#%02d", i))
		reqs = append(reqs, rd.WriteRequest{Delete: &k})
	}
	for i := 30; i < 40; i++ {
		reqs = append(reqs, rd.WriteRequest{Put: mk("P", fmt.Sprintf("I#%02d", i), "v", n("2"))})
	}
	c.noErr(c.Table.BatchWrite(c.Ctx, reqs), "batch write of 30 deletes and 10 puts")
	items, _ := c.queryAll(rd.Query{PK: "P"})
	if len(items) != 30 {
		c.Errorf("after deleting 30 of 60: %d items", len(items))
	}
	c.wantItem(key("P", "I#00"), nil)
	c.wantItem(key("P", "I#29"), nil)
	c.wantItem(key("P", "I#35"), mk("P", "I#35", "v", n("2")))
	c.wantItem(key("P", "I#45"), mk("P", "I#45", "v", n("1")))

	c.noErr(c.Table.BatchWrite(c.Ctx, nil), "batch write of nothing")
}

// checkBatchWriteDuplicates checks that two requests for one key are refused
// before anything of the batch is written.
func checkBatchWriteDuplicates(c *C) {
	k := key("P", "dup")
	batches := map[string][]rd.WriteRequest{
		"two puts of one key": {
			{Put: mk("P", "a")}, {Put: mk("P", "dup", "v", n("1"))},
			{Put: mk("P", "dup", "v", n("2"))},
		},
		"a put and a delete of one key": {
			{Put: mk("P", "a")}, {Put: mk("P", "dup")}, {Delete: &k},
		},
	}
	for what, reqs := range batches {
		c.wantErr(c.Table.BatchWrite(c.Ctx, reqs), rd.ErrInvalid, "batch write with "+what)
		c.wantItem(key("P", "a"), nil)
		c.wantItem(k, nil)
	}

	var many []rd.WriteRequest
	for i := range 40 {
		many = append(many, rd.WriteRequest{Put: mk("P", fmt.Sprintf("I#%02d", i))})
	}
	many = append(many, rd.WriteRequest{Put: mk("P", "I#00")})
	c.wantErr(c.Table.BatchWrite(c.Ctx, many), rd.ErrInvalid,
		"batch write of 41 requests whose last repeats the first key")
	items, _ := c.queryAll(rd.Query{PK: "P"})
	if len(items) != 0 {
		c.Errorf("refused batch wrote %d items", len(items))
	}
}

func checkBatchWriteInvalid(c *C) {
	bad := map[string]rd.WriteRequest{
		"an empty request":         {},
		"both put and delete":      {Put: mk("P", "1"), Delete: &rd.Key{PK: "P", SK: "1"}},
		"an empty key in a put":    {Put: mk("P", "")},
		"an empty key in a delete": {Delete: &rd.Key{PK: "", SK: "1"}},
	}
	for what, req := range bad {
		err := c.Table.BatchWrite(c.Ctx, []rd.WriteRequest{req, {Put: mk("P", "ok")}})
		c.wantErr(err, rd.ErrInvalid, "batch write with "+what)
	}
}

// checkBatchGet reads more keys than one DynamoDB batch holds, in a shuffled
// order with missing keys among them.
func checkBatchGet(c *C) {
	var puts []rd.WriteRequest
	for i := range 120 {
		it := mk("P", fmt.Sprintf("I#%03d", i), "i", n(fmt.Sprint(i)))
		puts = append(puts, rd.WriteRequest{Put: it})
	}
	c.noErr(c.Table.BatchWrite(c.Ctx, puts), "batch write of 120 puts")

	var keys []rd.Key
	for i := range 150 { // 120..149 are missing
		keys = append(keys, key("P", fmt.Sprintf("I#%03d", i)))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })

	got, err := c.Table.BatchGet(c.Ctx, keys)
	c.noErr(err, "batch get of 150 keys")
	if len(got) != len(keys) {
		c.Fatalf("batch get of %d keys returned %d results", len(keys), len(got))
	}
	for i, k := range keys {
		var want rd.Item
		var idx int
		fmt.Sscanf(k.SK, "I#%03d", &idx)
		if idx < 120 {
			want = puts[idx].Put
		}
		if d := diffItems(want, got[i]); d != "" {
			c.Errorf("batch get result %d (key %s): %s", i, k, d)
		}
	}

	none, err := c.Table.BatchGet(c.Ctx, nil)
	c.noErr(err, "batch get of no keys")
	if len(none) != 0 {
		c.Errorf("batch get of no keys returned %d results", len(none))
	}
}

func checkBatchGetDuplicates(c *C) {
	c.put(mk("P", "1"))
	_, err := c.Table.BatchGet(c.Ctx, []rd.Key{key("P", "1"), key("P", "2"), key("P", "1")})
	c.wantErr(err, rd.ErrInvalid, "batch get with a repeated key")
	_, err = c.Table.BatchGet(c.Ctx, []rd.Key{key("P", "")})
	c.wantErr(err, rd.ErrInvalid, "batch get with an empty key")
}
