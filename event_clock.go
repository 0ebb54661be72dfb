package receiptdynamo

import (
	"sync/atomic"
	"time"
)

// EventClock hands out timestamps for the time-ordered sort keys of job
// status entries, metrics, logs and checkpoints. Its times are UTC at
// microsecond resolution, the resolution of stored timestamps, and each is
// strictly later than the one before, even for events within one
// microsecond: the clock then moves its result one microsecond past the
// last one. If the wall clock steps back, results keep increasing from the
// last one until the wall clock catches up.
//
// Distinctness holds within one EventClock. Processes (or clocks) that
// write for the same job may still produce the same timestamp; the keys
// stay well formed, and a writer that adds with IfNotExists sees
// ErrAlreadyExists and can take the next time.
//
// The zero EventClock reads time.Now. An EventClock is safe for concurrent
// use and must not be copied after first use.
type EventClock struct {
	now  func() time.Time
	last atomic.Int64 // the last time handed out, in Unix microseconds
}

// NewEventClock returns a clock that reads the time from now, or from
// time.Now when now is nil.
func NewEventClock(now func() time.Time) *EventClock {
	return &EventClock{now: now}
}

// Next returns a time later than every time c returned before.
func (c *EventClock) Next() time.Time {
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	wall := now().UnixMicro()
	for {
		last := c.last.Load()
		next := max(wall, last+1)
		if c.last.CompareAndSwap(last, next) {
			return time.UnixMicro(next).UTC()
		}
	}
}

// Observe makes later results of c later than t as well, so that a clock
// can continue after a timestamp read back from the table.
func (c *EventClock) Observe(t time.Time) {
	v := t.UnixMicro()
	for {
		last := c.last.Load()
		if v <= last || c.last.CompareAndSwap(last, v) {
			return
		}
	}
}

// processClock is the clock of NextEventTime.
var processClock EventClock

// NextEventTime returns a time from the process-wide EventClock: distinct
// from, and later than, every other time it returns in this process.
func NextEventTime() time.Time { return processClock.Next() }
