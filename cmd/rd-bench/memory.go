package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// memPeak follows the memory of a run: the peak of heap objects, sampled,
// which counts garbage not yet collected; the peak of the heap that the
// garbage collector found live when it last marked, which is what the run
// holds on to; and the peak resident set size of the process as the kernel
// counts it (VmHWM), reset when the run starts where the kernel allows.
type memPeak struct {
	stop    chan struct{}
	done    sync.WaitGroup
	heap    uint64
	live    uint64
	rssSafe bool // the RSS peak was reset for this run
}

const (
	heapMetric = "/memory/classes/heap/objects:bytes"
	liveMetric = "/gc/heap/live:bytes"
)

// startMemPeak returns the memory to the system, resets the kernel's peak
// and starts sampling the heap every few milliseconds.
func startMemPeak() *memPeak {
	debug.FreeOSMemory()
	m := &memPeak{stop: make(chan struct{})}
	m.rssSafe = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	sample := []metrics.Sample{{Name: heapMetric}, {Name: liveMetric}}
	// The live heap of the collection before the run is not the run's.
	runtime.GC()
	metrics.Read(sample)
	m.live = sample[1].Value.Uint64()
	m.done.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			m.heap = max(m.heap, sample[0].Value.Uint64())
			m.live = max(m.live, sample[1].Value.Uint64())
			select {
			case <-m.stop:
				return
			case <-tick.C:
			}
		}
	})
	return m
}

// memUse is what memPeak saw of a run, in bytes.
type memUse struct {
	heap  uint64 // peak of heap objects, garbage included
	live  uint64 // peak of the heap found live by the collector
	after uint64 // the heap live at the end, after a collection
	rss   uint64 // peak resident set, 0 when unknown
}

// Stop ends the sampling, collects the garbage to see what the run still
// holds, and returns the figures.
func (m *memPeak) Stop() memUse {
	close(m.stop)
	m.done.Wait()
	u := memUse{heap: m.heap, live: m.live}
	if m.rssSafe {
		u.rss = procKB("/proc/self/status", "VmHWM") * 1024
	}
	runtime.GC()
	sample := []metrics.Sample{{Name: liveMetric}}
	metrics.Read(sample)
	u.after = sample[0].Value.Uint64()
	return u
}

// procKB reads a "name: N kB" field of a /proc file; 0 when absent.
func procKB(path, name string) uint64 {
	v := procField(path, name)
	kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
	if err != nil {
		return 0
	}
	return kb
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
