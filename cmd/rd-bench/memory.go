package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// memPeak follows the memory of a run: the peak of live heap objects,
// sampled, and the peak resident set size of the process as the kernel
// counts it (VmHWM), reset when the run starts where the kernel allows.
type memPeak struct {
	stop    chan struct{}
	done    sync.WaitGroup
	heap    uint64
	rssSafe bool // the RSS peak was reset for this run
}

const heapMetric = "/memory/classes/heap/objects:bytes"

// startMemPeak returns the memory to the system, resets the kernel's peak
// and starts sampling the heap every few milliseconds.
func startMemPeak() *memPeak {
	debug.FreeOSMemory()
	m := &memPeak{stop: make(chan struct{})}
	m.rssSafe = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	sample := []metrics.Sample{{Name: heapMetric}}
	m.done.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > m.heap {
				m.heap = v
			}
			select {
			case <-m.stop:
				return
			case <-tick.C:
			}
		}
	})
	return m
}

// Stop ends the sampling and returns the peak heap and the peak RSS in
// bytes; rss is 0 when the kernel's peak could not be reset or read.
func (m *memPeak) Stop() (heap, rss uint64) {
	close(m.stop)
	m.done.Wait()
	if m.rssSafe {
		rss = procKB("/proc/self/status", "VmHWM") * 1024
	}
	return m.heap, rss
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
