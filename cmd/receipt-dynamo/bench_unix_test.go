//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkImportSROIE imports the first 100 and then all 626 SROIE
// receipts into a new embedded store, each in a child process of the built
// command, and reports the items stored per second and the child's peak
// resident memory (its rusage maxrss). The two sizes run in the same
// benchmark, so the peaks compare directly: the import holds a bounded
// number of receipts in memory at once, so the peak must not grow with the
// number of receipts.
//
//	go test -run '^$' -bench ImportSROIE -benchtime 1x ./cmd/receipt-dynamo
func BenchmarkImportSROIE(b *testing.B) {
	for _, n := range []int{100, 626} {
		b.Run("receipts="+strconv.Itoa(n), func(b *testing.B) {
			var items int
			var elapsed time.Duration
			var peak int64
			for range b.N {
				db := filepath.Join(b.TempDir(), "bench.db")
				cmd := exec.Command(binary, "--db", db, "import", "--sroie", sroieDir,
					"--limit", strconv.Itoa(n), "--json")
				var out, errOut bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errOut
				start := time.Now()
				if err := cmd.Run(); err != nil {
					b.Fatalf("import: %v\n%s", err, errOut.String())
				}
				elapsed += time.Since(start)
				var res struct {
					Images []json.RawMessage `json:"images"`
					Items  int               `json:"items"`
				}
				if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res.Images) != n {
					b.Fatalf("import printed %d images (%v)", len(res.Images), err)
				}
				items += res.Items
				peak = max(peak, maxRSS(cmd))
			}
			b.ReportMetric(float64(items)/elapsed.Seconds(), "items/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(items/b.N), "items")
			b.Logf("%d receipts: %d items in %v, peak RSS %.1f MiB", n, items/b.N,
				(elapsed / time.Duration(b.N)).Round(time.Millisecond), float64(peak)/(1<<20))
		})
	}
}

// maxRSS returns the peak resident memory of the finished command in bytes.
func maxRSS(cmd *exec.Cmd) int64 {
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		panic(fmt.Sprintf("no rusage on %s", runtime.GOOS))
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss // bytes on macOS
	}
	return ru.Maxrss << 10 // kilobytes elsewhere
}
