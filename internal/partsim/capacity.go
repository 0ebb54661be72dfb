package partsim

import (
	"fmt"
	"slices"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// KeyAttr names the partition key attribute of the table or of one index.
// Each distinct value of it is one partition with its own capacity.
type KeyAttr struct {
	// Index is the index's name, or "" for the table.
	Index string
	// Attr is the partition (hash) key attribute.
	Attr string
	// CountOnly makes the partitions of this attribute count the units
	// written to them without ever refusing a write.
	CountOnly bool
}

// DefaultKeyAttrs returns the partition key attributes of the table of
// item-format.md, all enforced: PK for the table, then the hash key of each
// index (GSI1PK, GSI2PK, GSI3PK and TYPE).
func DefaultKeyAttrs() []KeyAttr {
	attrs := []KeyAttr{{Attr: rd.AttrPK}}
	for _, ix := range rd.Indexes {
		attrs = append(attrs, KeyAttr{Index: ix.Name, Attr: ix.Hash})
	}
	return attrs
}

// TableOnly returns [DefaultKeyAttrs] with only the table's partitions
// enforced; the index partitions count their units but never refuse.
func TableOnly() []KeyAttr {
	attrs := DefaultKeyAttrs()
	for i := range attrs {
		attrs[i].CountOnly = attrs[i].Index != ""
	}
	return attrs
}

// PartitionKey identifies one partition: a value of the partition key
// attribute of a table or of one of its indexes.
type PartitionKey struct {
	Table string
	Index string // "" for the table itself
	Value string
}

func (k PartitionKey) String() string {
	if k.Index == "" {
		return k.Table + " " + k.Value
	}
	return k.Table + "/" + k.Index + " " + k.Value
}

// PartitionStats counts what one partition took.
type PartitionStats struct {
	PartitionKey
	Units     float64   // write units admitted
	Writes    int       // writes admitted (items of batches count one each)
	Throttled int       // writes refused because this partition was short
	First     time.Time // first admitted write
	Last      time.Time // last admitted write
}

// charge is the cost of one write on one partition.
type charge struct {
	part      PartitionKey
	units     float64
	countOnly bool
}

// partition is the state of one partition: its bucket and its counters.
type partition struct {
	bucket *bucket
	stats  PartitionStats
}

// keyString returns the value of a key attribute as a string, and false
// when the attribute is missing or not a scalar.
func keyString(v attrValue) (string, bool) {
	switch {
	case v.S != nil:
		return *v.S, true
	case v.N != nil:
		return *v.N, true
	case v.B != nil:
		return *v.B, true // base64, as it travels
	}
	return "", false
}

// putCharges returns what writing item costs: its write units, times
// factor, on the table's partition and on the partition of every index
// whose key the item has (the indexes project every attribute, so an index
// write costs what the table write costs).
func (p *Proxy) putCharges(table string, item map[string]attrValue,
	factor float64) ([]charge, error) {
	size, err := itemSize(item)
	if err != nil {
		return nil, err
	}
	units := writeUnits(size) * factor
	var out []charge
	for _, ka := range p.keyAttrs {
		v, ok := item[ka.Attr]
		if !ok {
			continue // a sparse index does not hold the item
		}
		s, ok := keyString(v)
		if !ok {
			return nil, fmt.Errorf("key attribute %q is not a scalar", ka.Attr)
		}
		out = append(out, charge{
			part:      PartitionKey{Table: table, Index: ka.Index, Value: s},
			units:     units,
			countOnly: ka.CountOnly,
		})
	}
	return out, nil
}

// keyCharges returns what a write known only by its key costs (a delete,
// an update or a condition check): one unit, times factor, on the table's
// partition. The proxy does not read the stored item, so it knows neither
// the item's size nor its index keys; see the package documentation.
func (p *Proxy) keyCharges(table string, key map[string]attrValue, factor float64) []charge {
	for _, ka := range p.keyAttrs {
		if ka.Index != "" {
			continue
		}
		if s, ok := keyString(key[ka.Attr]); ok {
			return []charge{{
				part:      PartitionKey{Table: table, Value: s},
				units:     factor,
				countOnly: ka.CountOnly,
			}}
		}
	}
	return nil
}

// admit decides which of the writes fit the capacity of their partitions
// now, taking the writes in order so that earlier ones use capacity first;
// fit[i] reports write i. Without all, the writes that fit are admitted;
// with all, every write is admitted if every one fits, and none otherwise.
// Admitted writes take their units and are counted; refused ones count
// against the partitions that were short. It reports whether any write was
// admitted.
func (p *Proxy) admit(writes [][]charge, all bool) (fit []bool, admitted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()

	// Decide on the units each partition would hold after the writes
	// before, without taking them yet.
	used := map[PartitionKey]float64{}
	fit = make([]bool, len(writes))
	nfit := 0
	for i, w := range writes {
		fit[i] = true
		for _, c := range w {
			if c.countOnly {
				continue
			}
			part := p.lookup(c.part, now)
			part.bucket.refill(now, p.rate, p.burst)
			b := bucket{tokens: part.bucket.tokens - used[c.part]}
			if !b.fits(c.units, p.burst) {
				fit[i] = false
				part.stats.Throttled++
			}
		}
		if !fit[i] {
			continue
		}
		nfit++
		for _, c := range w {
			used[c.part] += c.units
		}
	}
	if nfit < len(writes) && (all || nfit == 0) {
		return fit, false
	}

	// Take the units of the admitted writes.
	for i, w := range writes {
		if !fit[i] {
			continue
		}
		for _, c := range w {
			part := p.lookup(c.part, now)
			if !c.countOnly {
				part.bucket.take(c.units)
			}
			part.stats.Units += c.units
			part.stats.Writes++
			if part.stats.First.IsZero() {
				part.stats.First = now
			}
			part.stats.Last = now
		}
	}
	return fit, true
}

// lookup returns the state of the partition k, creating it with a full
// bucket. p.mu must be held.
func (p *Proxy) lookup(k PartitionKey, now time.Time) *partition {
	part, ok := p.parts[k]
	if !ok {
		part = &partition{bucket: newBucket(p.burst, now), stats: PartitionStats{PartitionKey: k}}
		p.parts[k] = part
	}
	return part
}

// partitionStats returns the counters of every partition, the most units
// first. p.mu must be held.
func (p *Proxy) partitionStats() []PartitionStats {
	out := make([]PartitionStats, 0, len(p.parts))
	for _, part := range p.parts {
		out = append(out, part.stats)
	}
	slices.SortFunc(out, func(a, b PartitionStats) int {
		switch {
		case a.Units > b.Units:
			return -1
		case a.Units < b.Units:
			return 1
		}
		return cmpKeys(a.PartitionKey, b.PartitionKey)
	})
	return out
}

func cmpKeys(a, b PartitionKey) int {
	for _, c := range [][2]string{{a.Table, b.Table}, {a.Index, b.Index}, {a.Value, b.Value}} {
		if c[0] != c[1] {
			if c[0] < c[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}
