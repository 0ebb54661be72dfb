package partsim

import "time"

// bucket is the token bucket of one partition. It holds up to burst write
// units and gains rate units per second. A request fits when the bucket
// holds its cost, or when the bucket is full: a request larger than the
// burst then passes and leaves the bucket in debt, which it pays back
// before anything else fits. Either way the units taken over a long run
// never exceed rate per second plus one burst.
type bucket struct {
	tokens float64
	last   time.Time
}

// newBucket returns a full bucket as of now.
func newBucket(burst float64, now time.Time) *bucket {
	return &bucket{tokens: burst, last: now}
}

// refill adds the units earned since the last refill, up to burst.
func (b *bucket) refill(now time.Time, rate, burst float64) {
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(burst, b.tokens+dt*rate)
		b.last = now
	}
}

// fits reports whether a request costing cost units may be admitted now.
// The bucket must have been refilled as of now.
func (b *bucket) fits(cost, burst float64) bool {
	return b.tokens >= cost || b.tokens >= burst
}

// take removes cost units.
func (b *bucket) take(cost float64) {
	b.tokens -= cost
}
