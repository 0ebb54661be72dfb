package tabletest

import (
	"fmt"
	"slices"
	"strings"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func queryChecks() []check {
	return []check{
		{name: "query/table-key-conditions", run: checkQueryTableOps},
		{name: "query/gsi1-key-conditions", run: indexOpsCheck(rd.IndexGSI1)},
		{name: "query/gsi2-key-conditions", run: indexOpsCheck(rd.IndexGSI2)},
		{name: "query/gsi3-key-conditions", run: indexOpsCheck(rd.IndexGSI3)},
		{name: "query/type-index", run: checkQueryTypeIndex},
		{name: "query/sparse-index", run: checkSparseIndex},
		{name: "query/byte-order", run: checkByteOrder},
		{name: "query/limit-cursor", run: checkLimitCursor},
		{name: "query/index-cursor-ties", run: checkIndexCursorTies},
		{name: "query/type-filter-fills-pages", run: checkTypeFilterPages},
		{name: "query/one-megabyte-pages", run: checkMegabytePages},
		{name: "query/count", run: checkCount},
		{name: "query/invalid", run: checkQueryInvalid},
	}
}

// opSortKeys are the sort keys that the key-condition checks query; "B$"
// sorts right after the "B#" prefix and must not match it.
var opSortKeys = []string{"A", "B", "B#1", "B#2", "B#3", "B$", "C"}

// opCases are key conditions with the sort keys each selects, in order.
var opCases = []struct {
	cond rd.KeyCondition
	want []string
}{
	{rd.KeyCondition{}, opSortKeys},
	{rd.KeyCondition{Op: rd.SKEq, Value: "B#2"}, []string{"B#2"}},
	{rd.KeyCondition{Op: rd.SKEq, Value: "B#9"}, nil},
	{rd.KeyCondition{Op: rd.SKBeginsWith, Value: "B#"}, []string{"B#1", "B#2", "B#3"}},
	{rd.KeyCondition{Op: rd.SKBetween, Value: "B", Value2: "B#2"}, []string{"B", "B#1", "B#2"}},
	{rd.KeyCondition{Op: rd.SKLt, Value: "B#1"}, []string{"A", "B"}},
	{rd.KeyCondition{Op: rd.SKLe, Value: "B#1"}, []string{"A", "B", "B#1"}},
	{rd.KeyCondition{Op: rd.SKGt, Value: "B#3"}, []string{"B$", "C"}},
	{rd.KeyCondition{Op: rd.SKGe, Value: "B#3"}, []string{"B#3", "B$", "C"}},
}

var keyOpNames = map[rd.KeyOp]string{
	rd.SKAny: "any", rd.SKEq: "=", rd.SKBeginsWith: "begins_with", rd.SKBetween: "between",
	rd.SKLt: "<", rd.SKLe: "<=", rd.SKGt: ">", rd.SKGe: ">=",
}

func formatKeyCond(k rd.KeyCondition) string {
	if k.Op == rd.SKBetween {
		return fmt.Sprintf("between %q and %q", k.Value, k.Value2)
	}
	if k.Op == rd.SKAny {
		return "any sort key"
	}
	return fmt.Sprintf("%s %q", keyOpNames[k.Op], k.Value)
}

// checkOps queries with every key condition, forwards and backwards, and
// compares the sort keys that rangeOf reads from the items.
func (c *C) checkOps(index, pk string, rangeOf func(rd.Item) string) {
	c.Helper()
	for _, tc := range opCases {
		for _, reverse := range []bool{false, true} {
			q := rd.Query{Index: index, PK: pk, SK: tc.cond, Reverse: reverse}
			items, _ := c.queryAll(q)
			got := make([]string, len(items))
			for i, it := range items {
				got[i] = rangeOf(it)
			}
			want := slices.Clone(tc.want)
			if reverse {
				slices.Reverse(want)
			}
			if !slices.Equal(got, want) {
				c.Errorf("query %s %q %s reverse=%t: got %q, want %q",
					indexLabel(index), pk, formatKeyCond(tc.cond), reverse, got, want)
			}
		}
	}
}

func indexLabel(index string) string {
	if index == "" {
		return "table"
	}
	return index
}

func checkQueryTableOps(c *C) {
	for _, sk := range opSortKeys {
		c.put(mk("Q", sk), mk("Q-other", sk), mk("R", sk))
	}
	c.checkOps("", "Q", func(it rd.Item) string { return str(it[rd.AttrSK]) })
}

// indexOpsCheck returns a check of the key conditions on one index whose
// items live in several table partitions.
func indexOpsCheck(index string) func(c *C) {
	return func(c *C) {
		ix, _ := rd.IndexByName(index)
		for i, sk := range opSortKeys {
			c.put(mk(fmt.Sprintf("P%d", i), "item", ix.Hash, s("G"), ix.Range, s(sk)))
			c.put(mk(fmt.Sprintf("P%d", i), "other", ix.Hash, s("H"), ix.Range, s(sk)))
		}
		c.eventually(func() bool {
			items, _ := c.queryAll(rd.Query{Index: index, PK: "G"})
			return len(items) == len(opSortKeys)
		}, "items in "+index)
		c.checkOps(index, "G", func(it rd.Item) string { return str(it[ix.Range]) })
	}
}

func checkQueryTypeIndex(c *C) {
	var want []string
	for i := range 5 {
		it := mk(fmt.Sprintf("P%d", i), "w", rd.AttrType, s("WIDGET"))
		c.put(it, mk(fmt.Sprintf("P%d", i), "g", rd.AttrType, s("GADGET")))
		want = append(want, itemKey(it).String())
	}
	var got []string
	c.eventually(func() bool {
		items, _ := c.queryAll(rd.Query{Index: rd.IndexGSIType, PK: "WIDGET"})
		got = sortedCopy(keysOf(items))
		return len(got) == len(want)
	}, "items in GSITYPE")
	if !slices.Equal(got, sortedCopy(want)) {
		c.Errorf("query GSITYPE WIDGET: got %q, want %q", got, want)
	}
}

// checkSparseIndex checks that an item lacking either key attribute of an
// index is not in it.
func checkSparseIndex(c *C) {
	c.put(
		mk("P", "both", rd.AttrGSI3PK, s("G3"), rd.AttrGSI3SK, s("1")),
		mk("P", "hash-only", rd.AttrGSI3PK, s("G3")),
		mk("P", "range-only", rd.AttrGSI3SK, s("2")),
		mk("P", "none", rd.AttrGSI1PK, s("G3"), rd.AttrGSI1SK, s("3")),
	)
	var got []string
	c.eventually(func() bool {
		items, _ := c.queryAll(rd.Query{Index: rd.IndexGSI3, PK: "G3"})
		got = sortKeys(items)
		return len(got) > 0
	}, "items in GSI3")
	if !slices.Equal(got, []string{"both"}) {
		c.Errorf("query GSI3 G3: got %q, want [both]", got)
	}
	n, err := c.Table.Count(c.Ctx, rd.Query{Index: rd.IndexGSI3, PK: "G3"})
	c.noErr(err, "count GSI3")
	if n != 1 {
		c.Errorf("count GSI3 G3: %d, want 1", n)
	}
}

// checkByteOrder checks that sort keys order as unsigned UTF-8 bytes, in
// the table and in an index.
func checkByteOrder(c *C) {
	sks := []string{"a", "Z", "é", "10", "9", "A", "_", "~", "ä", "a#", "a$", "z", "中"}
	for _, sk := range sks {
		c.put(mk("P", sk, rd.AttrGSI2PK, s("G"), rd.AttrGSI2SK, s(sk)))
	}
	want := sortedCopy(sks) // Go compares strings byte-wise
	items, _ := c.queryAll(rd.Query{PK: "P"})
	if got := sortKeys(items); !slices.Equal(got, want) {
		c.Errorf("table order: got %q, want %q", got, want)
	}
	items, _ = c.queryAll(rd.Query{PK: "P", Reverse: true})
	slices.Reverse(want)
	if got := sortKeys(items); !slices.Equal(got, want) {
		c.Errorf("reverse table order: got %q, want %q", got, want)
	}
	slices.Reverse(want)
	c.eventually(func() bool {
		items, _ = c.queryAll(rd.Query{Index: rd.IndexGSI2, PK: "G"})
		return len(items) == len(sks)
	}, "items in GSI2")
	if got := sortKeys(items); !slices.Equal(got, want) {
		c.Errorf("GSI2 order: got %q, want %q", got, want)
	}
}

// checkLimitCursor pages through a partition with a limit, forwards and
// backwards, with and without a key condition, and checks that the pages
// are full and together hold every item once, in order.
func checkLimitCursor(c *C) {
	var all []string
	for i := range 25 {
		sk := fmt.Sprintf("I#%02d", i)
		c.put(mk("P", sk))
		all = append(all, sk)
	}
	cases := []struct {
		q    rd.Query
		want []string
	}{
		{rd.Query{PK: "P", Limit: 7}, all},
		{rd.Query{PK: "P", Limit: 7, Reverse: true}, reversed(all)},
		{rd.Query{PK: "P", Limit: 1}, all},
		{rd.Query{PK: "P", Limit: 25}, all},
		{rd.Query{PK: "P", Limit: 100}, all},
		{rd.Query{PK: "P", Limit: 4, SK: rd.KeyCondition{Op: rd.SKBeginsWith, Value: "I#1"}},
			all[10:20]},
		{rd.Query{PK: "P", Limit: 3, Reverse: true,
			SK: rd.KeyCondition{Op: rd.SKBetween, Value: "I#05", Value2: "I#12"}},
			reversed(all[5:13])},
	}
	for _, tc := range cases {
		items, pages := c.queryAll(tc.q)
		if got := sortKeys(items); !slices.Equal(got, tc.want) {
			c.Errorf("query %+v: got %q, want %q", tc.q, got, tc.want)
		}
		c.wantFullPages(tc.q, pages, len(tc.want))
	}

	p, err := c.Table.Query(c.Ctx, rd.Query{PK: "P", Limit: 5})
	c.noErr(err, "query with limit 5")
	if len(p.Items) != 5 || p.Next == "" {
		c.Errorf("first page of 25 items with limit 5: %d items, next %q", len(p.Items), p.Next)
	}
}

// wantFullPages checks that every page but the last non-empty one holds
// exactly q.Limit items.
func (c *C) wantFullPages(q rd.Query, pages []int, total int) {
	c.Helper()
	sum := 0
	for i, n := range pages {
		sum += n
		if sum < total && n != q.Limit {
			c.Errorf("query %+v: page %d holds %d items before the end, want %d (pages %v)",
				q, i, n, q.Limit, pages)
			return
		}
		if n > q.Limit {
			c.Errorf("query %+v: page %d holds %d items, over the limit", q, i, n)
		}
	}
}

func reversed(v []string) []string {
	out := slices.Clone(v)
	slices.Reverse(out)
	return out
}

// checkIndexCursorTies pages through an index partition whose items share
// one index sort key: the cursor must resume between items of equal index
// keys without skipping or repeating any.
func checkIndexCursorTies(c *C) {
	var want []string
	for i := range 10 {
		it := mk(fmt.Sprintf("P%02d", i), "x", rd.AttrGSI1PK, s("T"), rd.AttrGSI1SK, s("SAME"))
		c.put(it)
		want = append(want, itemKey(it).String())
	}
	for i := range 3 {
		it := mk(fmt.Sprintf("Q%02d", i), "x", rd.AttrGSI1PK, s("T"), rd.AttrGSI1SK, s("EARLY"))
		c.put(it)
		want = append(want, itemKey(it).String())
	}
	c.eventually(func() bool {
		items, _ := c.queryAll(rd.Query{Index: rd.IndexGSI1, PK: "T"})
		return len(items) == len(want)
	}, "items in GSI1")

	for _, reverse := range []bool{false, true} {
		q := rd.Query{Index: rd.IndexGSI1, PK: "T", Limit: 3, Reverse: reverse}
		items, pages := c.queryAll(q)
		if got := sortedCopy(keysOf(items)); !slices.Equal(got, sortedCopy(want)) {
			c.Errorf("query %+v: got %q, want each of %q once", q, got, want)
		}
		c.wantFullPages(q, pages, len(want))
		order := make([]string, len(items))
		for i, it := range items {
			order[i] = str(it[rd.AttrGSI1SK])
		}
		sorted := slices.IsSorted(order)
		if reverse {
			sorted = slices.IsSorted(reversed(order))
		}
		if !sorted {
			c.Errorf("query %+v: index sort keys out of order: %q", q, order)
		}
	}
}

// checkTypeFilterPages checks that the Type filter never returns another
// type and that a page with a limit is filled with items of the type.
func checkTypeFilterPages(c *C) {
	var want []string
	for i := range 30 {
		typ := "A"
		if i%2 == 1 {
			typ = "B"
		}
		sk := fmt.Sprintf("I#%02d", i)
		c.put(mk("P", sk, rd.AttrType, s(typ)))
		if typ == "A" {
			want = append(want, sk)
		}
	}
	q := rd.Query{PK: "P", Type: "A", Limit: 4}
	items, pages := c.queryAll(q)
	if got := sortKeys(items); !slices.Equal(got, want) {
		c.Errorf("query type A: got %q, want %q", got, want)
	}
	for _, it := range items {
		if t := str(it[rd.AttrType]); t != "A" {
			c.Errorf("query type A returned %s of type %s", itemKey(it), t)
		}
	}
	c.wantFullPages(q, pages, len(want))

	items, _ = c.queryAll(rd.Query{PK: "P", Type: "NONE", Limit: 4})
	if len(items) != 0 {
		c.Errorf("query of a type with no items returned %d items", len(items))
	}
}

// checkMegabytePages checks that a partition larger than 1 MB comes in
// several pages, each cut after about 1 MB read, which together hold every
// item once.
func checkMegabytePages(c *C) {
	const count, size = 16, 250_000 // 4 MB in all
	var want []string
	for i := range count {
		sk := fmt.Sprintf("BIG#%02d", i)
		payload := strings.Repeat(string(rune('a'+i)), size)
		c.put(mk("P", sk, rd.AttrType, s("BLOB"), "data", s(payload)))
		want = append(want, sk)
	}

	first, err := c.Table.Query(c.Ctx, rd.Query{PK: "P"})
	c.noErr(err, "first page")
	if n := len(first.Items); n == 0 || n > 5 || first.Next == "" {
		c.Errorf("first page of 4 MB: %d items of 250 KB, next %q; want 1 to 5 and a cursor",
			n, first.Next)
	}
	for _, q := range []rd.Query{{PK: "P"}, {PK: "P", Type: "BLOB", Limit: 10}} {
		items, pages := c.queryAll(q)
		if got := sortKeys(items); !slices.Equal(got, want) {
			c.Errorf("query %+v: got %q, want %q", q, got, want)
		}
		if len(pages) < 4 {
			c.Errorf("query %+v: %d pages %v, want at least 4 for 4 MB", q, len(pages), pages)
		}
		for _, it := range items {
			if len(str(it["data"])) != size {
				c.Errorf("item %s came back with %d bytes of data", itemKey(it),
					len(str(it["data"])))
			}
		}
	}

	n, err := c.Table.Count(c.Ctx, rd.Query{PK: "P"})
	c.noErr(err, "count of 4 MB")
	if n != count {
		c.Errorf("count of a 4 MB partition: %d, want %d", n, count)
	}
}

func checkCount(c *C) {
	for i := range 10 {
		typ := "A"
		if i >= 6 {
			typ = "B"
		}
		c.put(mk("P", fmt.Sprintf("I#%d", i), rd.AttrType, s(typ),
			rd.AttrGSI1PK, s("G"), rd.AttrGSI1SK, s(fmt.Sprintf("%d", i))))
	}
	c.put(mk("Q", "I#0", rd.AttrType, s("A")))
	cases := []struct {
		q    rd.Query
		want int
	}{
		{rd.Query{PK: "P"}, 10},
		{rd.Query{PK: "P", Type: "A"}, 6},
		{rd.Query{PK: "P", Type: "B"}, 4},
		{rd.Query{PK: "P", SK: rd.KeyCondition{Op: rd.SKGe, Value: "I#5"}}, 5},
		{rd.Query{PK: "P", SK: rd.KeyCondition{Op: rd.SKGe, Value: "I#5"}, Type: "A"}, 1},
		{rd.Query{PK: "P", Limit: 2, Reverse: true}, 10},
		{rd.Query{PK: "nothing"}, 0},
		{rd.Query{Index: rd.IndexGSI1, PK: "G"}, 10},
		{rd.Query{Index: rd.IndexGSIType, PK: "A"}, 7},
	}
	c.eventually(func() bool {
		n, err := c.Table.Count(c.Ctx, rd.Query{Index: rd.IndexGSIType, PK: "A"})
		return err == nil && n == 7
	}, "items in GSITYPE")
	for _, tc := range cases {
		n, err := c.Table.Count(c.Ctx, tc.q)
		c.noErr(err, fmt.Sprintf("count %+v", tc.q))
		if n != tc.want {
			c.Errorf("count %+v: %d, want %d", tc.q, n, tc.want)
		}
	}
}

func checkQueryInvalid(c *C) {
	c.put(mk("P", "1"))
	bad := map[string]rd.Query{
		"unknown index": {Index: "NOPE", PK: "P"},
		"sort key condition on GSITYPE": {Index: rd.IndexGSIType, PK: "T",
			SK: rd.KeyCondition{Op: rd.SKEq, Value: "x"}},
		"malformed cursor": {PK: "P", Cursor: "!!not a cursor"},
		"negative limit":   {PK: "P", Limit: -1},
	}
	for what, q := range bad {
		_, err := c.Table.Query(c.Ctx, q)
		c.wantErr(err, rd.ErrInvalid, "query with "+what)
	}
}
