package tabletest

import (
	"fmt"
	"slices"
	"strings"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func scanChecks() []check {
	return []check{
		{name: "scan/empty-table", run: checkScanEmpty},
		{name: "scan/every-item-once", run: checkScanEveryItem},
		{name: "scan/type-filter", run: checkScanTypeFilter},
		{name: "scan/cursor-resumes", run: checkScanCursor},
		{name: "scan/one-megabyte-pages", run: checkScanMegabytePages},
		{name: "scan/invalid", run: checkScanInvalid},
		{name: "scan/missing-table", run: checkScanMissingTable},
	}
}

// scanAll follows the cursor of a scan to the end and returns the items of
// every page and the pages' lengths.
func (c *C) scanAll(in rd.ScanInput) (items []rd.Item, pages []int) {
	c.Helper()
	return c.allPages(fmt.Sprintf("scan %+v", in), in.Cursor,
		func(cursor string) (rd.Page, error) {
			in.Cursor = cursor
			return c.Table.Scan(c.Ctx, in)
		})
}

// scanFixture stores 40 items in 8 partitions, of the types A (every
// other item), B and C, some with index keys, and returns them by key.
func (c *C) scanFixture() map[rd.Key]rd.Item {
	c.Helper()
	want := map[rd.Key]rd.Item{}
	for i := range 40 {
		typ := []string{"A", "B", "A", "C"}[i%4]
		it := mk(fmt.Sprintf("P#%d", i%8), fmt.Sprintf("S#%02d", i),
			rd.AttrType, s(typ), "n", n(fmt.Sprint(i)))
		if i%3 == 0 {
			it[rd.AttrGSI1PK] = s("G")
			it[rd.AttrGSI1SK] = s(fmt.Sprintf("%02d", i))
		}
		c.put(it)
		want[itemKey(it)] = it
	}
	return want
}

// wantScanned fails the check unless items hold each item of want exactly
// once, as stored, and nothing else.
func (c *C) wantScanned(what string, items []rd.Item, want map[rd.Key]rd.Item) {
	c.Helper()
	seen := map[rd.Key]bool{}
	for _, it := range items {
		k := itemKey(it)
		if seen[k] {
			c.Errorf("%s: item %s returned twice", what, k)
			continue
		}
		seen[k] = true
		w, ok := want[k]
		if !ok {
			c.Errorf("%s: unexpected item %s", what, k)
			continue
		}
		if diff := diffItems(w, it); diff != "" {
			c.Errorf("%s: item %s: %s", what, k, diff)
		}
	}
	for k := range want {
		if !seen[k] {
			c.Errorf("%s: item %s missing", what, k)
		}
	}
}

func checkScanEmpty(c *C) {
	for _, in := range []rd.ScanInput{{}, {Limit: 1}, {Type: "A", Limit: 5}} {
		p, err := c.Table.Scan(c.Ctx, in)
		c.noErr(err, fmt.Sprintf("scan %+v of an empty table", in))
		if len(p.Items) != 0 || p.Next != "" {
			c.Errorf("scan %+v of an empty table: %d items, next %q; want none and no "+
				"cursor", in, len(p.Items), p.Next)
		}
	}
}

// checkScanEveryItem checks that a scan, with or without a limit, returns
// every item of every partition exactly once, including those written just
// before it (a scan is strongly consistent), and pages of at most Limit
// items.
func checkScanEveryItem(c *C) {
	want := c.scanFixture()
	for _, limit := range []int{0, 1, 3, 7, 40, 100} {
		in := rd.ScanInput{Limit: limit}
		items, pages := c.scanAll(in)
		c.wantScanned(fmt.Sprintf("scan %+v", in), items, want)
		for i, n := range pages {
			if limit > 0 && n > limit {
				c.Errorf("scan %+v: page %d holds %d items", in, i, n)
			}
		}
		if limit > 0 && len(pages) < len(want)/limit {
			c.Errorf("scan %+v: %d pages %v for %d items", in, len(pages), pages, len(want))
		}
	}

	// An item written or deleted now is seen by the next scan.
	c.put(mk("P#new", "S#new", rd.AttrType, s("A")))
	want[key("P#new", "S#new")] = mk("P#new", "S#new", rd.AttrType, s("A"))
	c.noErr(c.Table.Delete(c.Ctx, key("P#0", "S#00"), nil), "delete")
	delete(want, key("P#0", "S#00"))
	items, _ := c.scanAll(rd.ScanInput{Limit: 6})
	c.wantScanned("scan after a put and a delete", items, want)
}

// checkScanTypeFilter checks that a scan with Type returns only the items
// of that type, each once, and fills its pages up to Limit.
func checkScanTypeFilter(c *C) {
	all := c.scanFixture()
	for _, typ := range []string{"A", "B", "C"} {
		want := map[rd.Key]rd.Item{}
		for k, it := range all {
			if str(it[rd.AttrType]) == typ {
				want[k] = it
			}
		}
		for _, limit := range []int{0, 1, 4, 50} {
			in := rd.ScanInput{Type: typ, Limit: limit}
			items, pages := c.scanAll(in)
			c.wantScanned(fmt.Sprintf("scan %+v", in), items, want)
			for i, n := range pages {
				if limit > 0 && n > limit {
					c.Errorf("scan %+v: page %d holds %d items", in, i, n)
				}
				// The table is far below 1 MB: only the last page may be
				// short.
				if limit > 0 && i < len(pages)-1 && n < limit {
					c.Errorf("scan %+v: page %d of %v holds %d items, want %d", in, i,
						pages, n, limit)
				}
			}
		}
	}
	items, _ := c.scanAll(rd.ScanInput{Type: "NONE", Limit: 3})
	if len(items) != 0 {
		c.Errorf("scan of a type with no items returned %d items", len(items))
	}
}

// checkScanCursor checks that a cursor resumes where its page ended: twice
// from the same cursor gives the same page, and the rest of the scan
// follows even when the item at the cursor was deleted meanwhile.
func checkScanCursor(c *C) {
	want := c.scanFixture()
	first, err := c.Table.Scan(c.Ctx, rd.ScanInput{Limit: 5})
	c.noErr(err, "first page")
	if len(first.Items) != 5 || first.Next == "" {
		c.Fatalf("first page of 40 items with limit 5: %d items, next %q", len(first.Items),
			first.Next)
	}
	a, err := c.Table.Scan(c.Ctx, rd.ScanInput{Limit: 5, Cursor: first.Next})
	c.noErr(err, "second page")
	b, err := c.Table.Scan(c.Ctx, rd.ScanInput{Limit: 5, Cursor: first.Next})
	c.noErr(err, "second page again")
	if ka, kb := keysOf(a.Items), keysOf(b.Items); !slices.Equal(ka, kb) || a.Next != b.Next {
		c.Errorf("one cursor resumed twice: %q then %q", ka, kb)
	}
	if overlap := intersect(keysOf(first.Items), keysOf(a.Items)); len(overlap) > 0 {
		c.Errorf("second page repeats items of the first: %q", overlap)
	}

	// Delete the item the cursor points after; the scan goes on from there.
	last := itemKey(first.Items[len(first.Items)-1])
	c.noErr(c.Table.Delete(c.Ctx, last, nil), "delete the cursor's item")
	rest, _ := c.scanAll(rd.ScanInput{Limit: 7, Cursor: first.Next})
	got := append(slices.Clone(first.Items), rest...)
	c.wantScanned("scan resumed after deleting the cursor's item", got, want)

	// A different limit may resume a cursor.
	rest, _ = c.scanAll(rd.ScanInput{Cursor: first.Next})
	got = append(slices.Clone(first.Items), rest...)
	c.wantScanned("scan resumed without a limit", got, want)
}

// intersect returns the strings of a that are also in b.
func intersect(a, b []string) []string {
	var out []string
	for _, v := range a {
		if slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// checkScanMegabytePages checks that a table larger than 1 MB comes in
// several pages, each cut after about 1 MB read, which together hold every
// item once; with a Type filter the items of other types count towards the
// megabyte.
func checkScanMegabytePages(c *C) {
	const count, size = 16, 250_000 // 4 MB in all
	want := map[rd.Key]rd.Item{}
	blobs := map[rd.Key]rd.Item{}
	for i := range count {
		typ := "BLOB"
		if i%4 == 3 {
			typ = "OTHER"
		}
		payload := strings.Repeat(string(rune('a'+i)), size)
		it := mk(fmt.Sprintf("P#%d", i%5), fmt.Sprintf("BIG#%02d", i),
			rd.AttrType, s(typ), "data", s(payload))
		c.put(it)
		want[itemKey(it)] = it
		if typ == "BLOB" {
			blobs[itemKey(it)] = it
		}
	}

	first, err := c.Table.Scan(c.Ctx, rd.ScanInput{})
	c.noErr(err, "first page")
	if n := len(first.Items); n == 0 || n > 5 || first.Next == "" {
		c.Errorf("first page of 4 MB: %d items of 250 KB, next %q; want 1 to 5 and a cursor",
			n, first.Next)
	}
	for _, tc := range []struct {
		in   rd.ScanInput
		want map[rd.Key]rd.Item
	}{
		{rd.ScanInput{}, want},
		{rd.ScanInput{Limit: 10}, want},
		{rd.ScanInput{Type: "BLOB", Limit: 10}, blobs},
		{rd.ScanInput{Type: "BLOB"}, blobs},
	} {
		items, pages := c.scanAll(tc.in)
		c.wantScanned(fmt.Sprintf("scan %+v", tc.in), items, tc.want)
		if len(pages) < 4 {
			c.Errorf("scan %+v: %d pages %v, want at least 4 for 4 MB", tc.in, len(pages),
				pages)
		}
	}
}

func checkScanInvalid(c *C) {
	c.scanFixture()
	q, err := c.Table.Query(c.Ctx, rd.Query{Index: rd.IndexGSI1, PK: "G", Limit: 2})
	c.noErr(err, "query of GSI1")
	if q.Next == "" {
		c.Fatalf("query of 14 items with limit 2 gave no cursor")
	}
	bad := map[string]rd.ScanInput{
		"malformed cursor":          {Cursor: "!!not a cursor"},
		"cursor of an index query":  {Cursor: q.Next},
		"negative limit":            {Limit: -1},
		"cursor that is not base64": {Cursor: "a b"},
	}
	for what, in := range bad {
		_, err := c.Table.Scan(c.Ctx, in)
		c.wantErr(err, rd.ErrInvalid, "scan with "+what)
	}
}

func checkScanMissingTable(c *C) {
	c.put(mk("P", "1"))
	c.noErr(c.Table.Drop(c.Ctx), "drop")
	_, err := c.Table.Scan(c.Ctx, rd.ScanInput{})
	c.wantErr(err, rd.ErrTableNotFound, "scan after drop")
	_, err = c.Table.Scan(c.Ctx, rd.ScanInput{Type: "A", Limit: 3})
	c.wantErr(err, rd.ErrTableNotFound, "filtered scan after drop")
}
