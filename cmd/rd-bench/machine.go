package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes the computer a run measured.
type machine struct {
	CPU    string // model name
	Cores  int    // logical CPUs the Go runtime sees
	Memory string // total memory
	Go     string // Go version
	OS     string // GOOS/GOARCH and kernel
	Load   string // load averages over 1, 5 and 15 minutes when the run began
}

// describeMachine reads the machine's description from /proc where it can;
// what it cannot read is "unknown".
func describeMachine() machine {
	m := machine{
		CPU:    "unknown",
		Cores:  runtime.NumCPU(),
		Memory: "unknown",
		Go:     runtime.Version(),
		OS:     runtime.GOOS + "/" + runtime.GOARCH,
	}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		if kb, err := strconv.ParseFloat(strings.TrimSuffix(v, " kB"), 64); err == nil {
			m.Memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
		}
	}
	m.Load = loadAverage()
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// procField returns the value of the first "name: value" line of a /proc
// file, or "" if there is none.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadAverage returns the 1, 5 and 15 minute load averages, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// diskWriteSpeed writes 64 MiB into a file of dir, syncs it and returns the
// rate in MB/s; the embedded engine's figures depend on it.
func diskWriteSpeed(dir string) (float64, error) {
	f, err := os.CreateTemp(dir, "disk-speed-")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	start := time.Now()
	for range 64 {
		if _, err := f.Write(buf); err != nil {
			return 0, err
		}
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	return 64 * (1 << 20) / 1e6 / time.Since(start).Seconds(), nil
}
