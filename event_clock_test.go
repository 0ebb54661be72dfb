package receiptdynamo

import (
	"sync"
	"testing"
	"time"
)

func TestEventClockStrictlyIncreasing(t *testing.T) {
	// A clock that never moves: every call still gets a later time, one
	// microsecond apart, in UTC.
	fixed := time.Date(2025, 2, 27, 14, 5, 0, 999, time.FixedZone("X", 3600))
	c := NewEventClock(func() time.Time { return fixed })
	prev := c.Next()
	if !prev.Equal(fixed.Truncate(time.Microsecond)) || prev.Location() != time.UTC {
		t.Fatalf("first time = %v, want %v in UTC", prev, fixed.Truncate(time.Microsecond))
	}
	for i := 0; i < 1000; i++ {
		next := c.Next()
		if next.Sub(prev) != time.Microsecond {
			t.Fatalf("call %d: %v after %v, want one microsecond later", i, next, prev)
		}
		prev = next
	}
}

func TestEventClockBackwards(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 10, 0, time.UTC)
	c := NewEventClock(func() time.Time { return now })
	first := c.Next()
	now = now.Add(-5 * time.Second) // the wall clock steps back
	if second := c.Next(); !second.After(first) {
		t.Errorf("after a step back: %v, not after %v", second, first)
	}
	now = now.Add(time.Minute) // and forward again
	if third := c.Next(); !third.Equal(now) {
		t.Errorf("after catching up: %v, want the wall clock %v", third, now)
	}
}

func TestEventClockObserve(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewEventClock(func() time.Time { return now })
	stored := now.Add(time.Second)
	c.Observe(stored)
	if got := c.Next(); !got.After(stored) {
		t.Errorf("Next after Observe(%v) = %v", stored, got)
	}
	c.Observe(now) // an earlier time changes nothing
	if got := c.Next(); !got.After(stored.Add(time.Microsecond)) {
		t.Errorf("Observe of an earlier time moved the clock back: %v", got)
	}
}

// TestEventClockConcurrent runs many goroutines on one clock (and on the
// process clock): every time is distinct, each goroutine's times increase,
// and every time has microsecond resolution. Run with -race.
func TestEventClockConcurrent(t *testing.T) {
	const workers, calls = 8, 2000
	var zero EventClock // the zero clock reads time.Now
	for name, next := range map[string]func() time.Time{
		"zero clock":    zero.Next,
		"process clock": NextEventTime,
	} {
		t.Run(name, func(t *testing.T) {
			results := make([][]time.Time, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out := make([]time.Time, calls)
					for i := range out {
						out[i] = next()
					}
					results[w] = out
				}()
			}
			wg.Wait()

			seen := make(map[int64]bool, workers*calls)
			for w, out := range results {
				for i, tm := range out {
					if i > 0 && !tm.After(out[i-1]) {
						t.Fatalf("worker %d: %v not after %v", w, tm, out[i-1])
					}
					if tm.Nanosecond()%1000 != 0 {
						t.Fatalf("%v has a fraction below a microsecond", tm)
					}
					if seen[tm.UnixMicro()] {
						t.Fatalf("time %v handed out twice", tm)
					}
					seen[tm.UnixMicro()] = true
				}
			}
			// Distinct times give distinct, time-ordered key text.
			keys := map[string]bool{}
			for _, out := range results {
				for _, tm := range out {
					keys[FormatTime(tm)] = true
				}
			}
			if len(keys) != workers*calls {
				t.Errorf("%d distinct key texts for %d times", len(keys), workers*calls)
			}
		})
	}
}
