package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/internal/expr"
)

// The benchmarks load the items of a receipt-scanning run: per image 250
// words and, for each word, three letters, as the OCR side stores them.
// The items are built here as plain maps, so that the benchmark measures
// the engine and not the encoding of the entity types.
const benchItemCount = 100_000

// benchItems returns benchItemCount word and letter items.
func benchItems() []rd.Item {
	rng := rand.New(rand.NewPCG(7, 11))
	items := make([]rd.Item, 0, benchItemCount)
	for img := 0; len(items) < benchItemCount; img++ {
		pk := fmt.Sprintf("IMAGE#%08x-5c1e-4a8b-9d2f-%012x", img, img*7919)
		for w := 1; w <= 250 && len(items) < benchItemCount; w++ {
			line, word := (w-1)/10+1, (w-1)%10+1
			sk := fmt.Sprintf("LINE#%05d#WORD#%05d", line, word)
			it := ocrItem(rng, pk, sk, "WORD", "Total")
			it[rd.AttrGSI2PK] = str(pk)
			it[rd.AttrGSI2SK] = str(sk)
			if w%5 == 0 {
				it["tags"] = &types.AttributeValueMemberSS{Value: []string{"TOTAL", "DATE"}}
			}
			items = append(items, it)
			for c := 1; c <= 3 && len(items) < benchItemCount; c++ {
				lsk := fmt.Sprintf("%s#LETTER#%05d", sk, c)
				items = append(items, ocrItem(rng, pk, lsk, "LETTER", "T"))
			}
		}
	}
	return items
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// ocrItem returns a word- or letter-shaped item: text, a bounding box,
// four corners, angles and a confidence, numbers written as the shortest
// decimal of a float64.
func ocrItem(rng *rand.Rand, pk, sk, typ, text string) rd.Item {
	num := func(f float64) types.AttributeValue {
		return &types.AttributeValueMemberN{Value: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	point := func() types.AttributeValue {
		return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"x": num(rng.Float64()), "y": num(rng.Float64()),
		}}
	}
	return rd.Item{
		rd.AttrPK:   str(pk),
		rd.AttrSK:   str(sk),
		rd.AttrType: str(typ),
		"text":      str(text),
		"bounding_box": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"x": num(rng.Float64()), "y": num(rng.Float64()),
			"width": num(rng.Float64() / 10), "height": num(rng.Float64() / 50),
		}},
		"top_left":      point(),
		"top_right":     point(),
		"bottom_left":   point(),
		"bottom_right":  point(),
		"angle_degrees": num(rng.NormFloat64() * 5),
		"angle_radians": num(rng.NormFloat64() / 10),
		"confidence":    num(0.5 + rng.Float64()/2),
	}
}

// benchTable creates an empty table in a new file.
func benchTable(b *testing.B, i int) *Table {
	b.Helper()
	ctx := context.Background()
	tbl, err := Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("bench-%d.db", i)))
	if err != nil {
		b.Fatal(err)
	}
	if err := tbl.Create(ctx); err != nil {
		b.Fatal(err)
	}
	return tbl
}

// reportSizes reports the average size of the items, as DynamoDB counts it
// and as the engine stores it.
func reportSizes(b *testing.B, items []rd.Item) {
	var dynamo, stored int
	var buf []byte
	for _, it := range items {
		dynamo += expr.Size(it)
		r := encodeRow(it, buf)
		buf = r.blob
		stored += len(r.blob)
		for _, k := range r.keys {
			if s, ok := k.(string); ok {
				stored += len(s)
			}
		}
	}
	b.ReportMetric(float64(dynamo)/float64(len(items)), "item-bytes")
	b.ReportMetric(float64(stored)/float64(len(items)), "row-bytes")
}

// loadEngine writes the requests with one BatchWrite into a new table and
// returns the wall and CPU time of the call.
func loadEngine(b *testing.B, i int, reqs []rd.WriteRequest) (wall, cpu time.Duration) {
	ctx := context.Background()
	tbl := benchTable(b, i)
	start, startCPU := time.Now(), cpuTime()

	if err := tbl.BatchWrite(ctx, reqs); err != nil {
		b.Fatal(err)
	}

	wall, cpu = time.Since(start), cpuTime()-startCPU
	if n, err := tbl.Count(ctx, rd.Query{Index: rd.IndexGSIType, PK: "LETTER"}); err != nil ||
		n != len(reqs)*3/4 {
		b.Fatalf("count of letters: %d, %v", n, err)
	}
	if err := tbl.Close(); err != nil {
		b.Fatal(err)
	}
	return wall, cpu
}

// plainTxRows is the rows per transaction of the plain SQL reference. Past
// about a thousand rows a transaction's commit costs next to nothing of
// the whole, so the reference is as fast as plain SQL gets: committing
// every 25 rows, as DynamoDB's batch size would suggest, would slow the
// reference and flatter the engine, which commits a BatchWrite once.
const plainTxRows = 1000

// plainRow is a row of the items table encoded before the timer starts:
// the arguments of the INSERT.
type plainRow [11]any

func plainRows(items []rd.Item) []plainRow {
	rows := make([]plainRow, len(items))
	for i, it := range items {
		r := encodeRow(it, nil)
		copy(rows[i][:], r.keys[:])
		rows[i][9], rows[i][10] = expr.Size(it), r.blob
	}
	return rows
}

// loadPlain inserts the rows into a new table with a prepared INSERT
// through the same driver, with the same connection settings and schema as
// the engine, in transactions of plainTxRows rows, and returns the wall and
// CPU time of the inserts.
func loadPlain(b *testing.B, i int, rows []plainRow) (wall, cpu time.Duration) {
	ctx := context.Background()
	const insert = "INSERT INTO items (" + keyColumnList + ", size, item) " +
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	tbl := benchTable(b, i)
	path := tbl.Path()
	if err := tbl.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open(driverName, dsn(path, "rw", buildOptions(nil), true))
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	start, startCPU := time.Now(), cpuTime()

	for lo := 0; lo < len(rows); lo += plainTxRows {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.PrepareContext(ctx, insert)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows[lo:min(lo+plainTxRows, len(rows))] {
			if _, err := stmt.ExecContext(ctx, r[:]...); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}

	wall, cpu = time.Since(start), cpuTime()-startCPU
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	return wall, cpu
}

func writeRequests(items []rd.Item) []rd.WriteRequest {
	reqs := make([]rd.WriteRequest, len(items))
	for i, it := range items {
		reqs[i] = rd.WriteRequest{Put: it}
	}
	return reqs
}

// BenchmarkBatchWrite writes 100,000 items with one BatchWrite call into a
// new table; it reports the items written per second.
func BenchmarkBatchWrite(b *testing.B) {
	items := benchItems()
	reqs := writeRequests(items)
	var wall, cpu time.Duration
	for i := range b.N {
		w, c := loadEngine(b, i, reqs)
		wall, cpu = wall+w, cpu+c
	}
	reportRates(b, "", len(items)*b.N, wall, cpu)
	reportSizes(b, items)
}

// BenchmarkPlainSQLInsert inserts the rows of the same items, encoded
// before the timer starts, with plain SQL (see loadPlain). It is the
// reference that BenchmarkBatchWrite is measured against.
func BenchmarkPlainSQLInsert(b *testing.B) {
	items := benchItems()
	rows := plainRows(items)
	var wall, cpu time.Duration
	for i := range b.N {
		w, c := loadPlain(b, i, rows)
		wall, cpu = wall+w, cpu+c
	}
	reportRates(b, "", len(items)*b.N, wall, cpu)
	reportSizes(b, items)
}

// BenchmarkBatchWriteVsPlain runs the two loads in turn, so that both meet
// the same load of the machine, and reports the engine's rate as a
// fraction of the plain rate.
func BenchmarkBatchWriteVsPlain(b *testing.B) {
	items := benchItems()
	reqs, rows := writeRequests(items), plainRows(items)
	var engineWall, engineCPU, plainWall, plainCPU time.Duration
	for i := range b.N {
		w, c := loadEngine(b, 2*i, reqs)
		engineWall, engineCPU = engineWall+w, engineCPU+c
		w, c = loadPlain(b, 2*i+1, rows)
		plainWall, plainCPU = plainWall+w, plainCPU+c
	}
	reportRates(b, "engine-", len(items)*b.N, engineWall, engineCPU)
	reportRates(b, "plain-", len(items)*b.N, plainWall, plainCPU)
	b.ReportMetric(plainWall.Seconds()/engineWall.Seconds(), "engine/plain")
}

// reportRates reports items per second of wall time, and per second of CPU
// time of the process, all goroutines included, which the load of other
// processes on the machine disturbs less. The benchmark's own ns/op counts
// the creation of each new table too.
func reportRates(b *testing.B, prefix string, items int, wall, cpu time.Duration) {
	b.ReportMetric(float64(items)/wall.Seconds(), prefix+"items/s")
	b.ReportMetric(float64(items)/cpu.Seconds(), prefix+"items/cpu-s")
}

// cpuTime returns the CPU time the process has used, in user and system
// mode.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
