package main

import (
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// avPoint, avBox and avWord mirror the item of a Word for the SDK's
// reflection-based codec, the reference of the codec figures. The struct
// tags name the attributes of item-format.md; measureCodec checks that both
// codecs write the same attributes.
type avPoint struct {
	X float64 `dynamodbav:"x"`
	Y float64 `dynamodbav:"y"`
}

type avBox struct {
	X      float64 `dynamodbav:"x"`
	Y      float64 `dynamodbav:"y"`
	Width  float64 `dynamodbav:"width"`
	Height float64 `dynamodbav:"height"`
}

type avWord struct {
	PK           string   `dynamodbav:"PK"`
	SK           string   `dynamodbav:"SK"`
	GSI2PK       string   `dynamodbav:"GSI2PK"`
	GSI2SK       string   `dynamodbav:"GSI2SK"`
	Type         string   `dynamodbav:"TYPE"`
	Text         string   `dynamodbav:"text"`
	BoundingBox  avBox    `dynamodbav:"bounding_box"`
	TopLeft      avPoint  `dynamodbav:"top_left"`
	TopRight     avPoint  `dynamodbav:"top_right"`
	BottomLeft   avPoint  `dynamodbav:"bottom_left"`
	BottomRight  avPoint  `dynamodbav:"bottom_right"`
	AngleDegrees float64  `dynamodbav:"angle_degrees"`
	AngleRadians float64  `dynamodbav:"angle_radians"`
	Confidence   float64  `dynamodbav:"confidence"`
	Tags         []string `dynamodbav:"tags,stringset,omitempty"`
}

// codecResult is the timing of one codec operation.
type codecResult struct {
	nsPerOp     float64
	allocsPerOp int64
}

// codecRounds and codecRound set how long each side of a comparison runs:
// the two sides alternate round by round, and each side's fastest round
// counts, since other work on the machine only ever adds time.
const (
	codecRounds = 5
	codecRound  = 200 * time.Millisecond
)

// compareCodec times a and b in alternating rounds and returns the fastest
// round of each.
func compareCodec(a, b func() error) (ra, rb codecResult, err error) {
	ra.nsPerOp, rb.nsPerOp = math.Inf(1), math.Inf(1)
	for range codecRounds {
		for _, side := range []struct {
			fn  func() error
			res *codecResult
		}{{a, &ra}, {b, &rb}} {
			r, err := timeRound(side.fn)
			if err != nil {
				return ra, rb, err
			}
			if r.nsPerOp < side.res.nsPerOp {
				*side.res = r
			}
		}
	}
	return ra, rb, nil
}

// timeRound calls fn for about codecRound and returns the time and the
// allocations per call.
func timeRound(fn func() error) (codecResult, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	start := time.Now()
	for time.Since(start) < codecRound {
		for range 100 {
			if err := fn(); err != nil {
				return codecResult{}, err
			}
		}
		n += 100
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return codecResult{nsPerOp: float64(elapsed.Nanoseconds()) / float64(n),
		allocsPerOp: int64(after.Mallocs-before.Mallocs) / int64(n)}, nil
}

// measureCodec measures the encoding and decoding of a word item by the
// package's own codec and by attributevalue.MarshalMap / UnmarshalMap on an
// equivalent struct, in the same run.
func measureCodec(rep *report, w rd.Word) error {
	item, err := w.MarshalItem()
	if err != nil {
		return fmt.Errorf("codec: encode the sample word: %w", err)
	}
	var av avWord
	if err := attributevalue.UnmarshalMap(item, &av); err != nil {
		return fmt.Errorf("codec: decode the sample word by reflection: %w", err)
	}
	avItem, err := attributevalue.MarshalMap(av)
	if err != nil {
		return fmt.Errorf("codec: encode the sample word by reflection: %w", err)
	}
	ours, theirs := slices.Sorted(maps.Keys(item)), slices.Sorted(maps.Keys(avItem))
	if !slices.Equal(ours, theirs) {
		return fmt.Errorf("codec: the reference struct writes %v, the codec %v", theirs, ours)
	}

	encode, refEncode, err := compareCodec(
		func() error { _, err := w.MarshalItem(); return err },
		func() error { _, err := attributevalue.MarshalMap(av); return err })
	if err != nil {
		return err
	}
	formatNumbers, distinct := formatNumbersOf(w)
	mapsFloor, numbersFloor, err := compareCodec(buildMapsOf(item), formatNumbers)
	if err != nil {
		return err
	}
	decode, refDecode, err := compareCodec(
		func() error { var v rd.Word; return v.UnmarshalItem(item) },
		func() error { var v avWord; return attributevalue.UnmarshalMap(item, &v) })
	if err != nil {
		return err
	}

	add := func(what string, r, ref codecResult, refName string) {
		speedup := ref.nsPerOp / r.nsPerOp
		verdict := "met"
		if speedup < 3 {
			verdict = "MISSED"
			rep.miss(fmt.Sprintf("codec: %s only %.2fx faster than %s (target 3x)", what,
				speedup, refName))
		}
		rep.add(row{
			Section: "codec",
			Figure:  what,
			Result:  fmt.Sprintf("%s/op, %d allocs", fmtDur(r.nsPerOp), r.allocsPerOp),
			Reference: fmt.Sprintf("%s: %s/op, %d allocs", refName, fmtDur(ref.nsPerOp),
				ref.allocsPerOp),
			Compare: fmt.Sprintf("%.2fx faster (target 3x: %s)", speedup, verdict),
		})
	}
	add(fmt.Sprintf("encode a word item (%d attributes)", len(item)), encode, refEncode,
		"attributevalue.MarshalMap")
	floor := mapsFloor.nsPerOp + numbersFloor.nsPerOp
	rep.add(row{
		Section: "codec",
		Figure:  "the floor of any encoder of a word item",
		Result: fmt.Sprintf("%s/op: its maps from ready values %s (%d allocs) and the "+
			"shortest decimals of its %d distinct numbers %s", fmtDur(floor),
			fmtDur(mapsFloor.nsPerOp), mapsFloor.allocsPerOp, distinct,
			fmtDur(numbersFloor.nsPerOp)),
		Reference: fmt.Sprintf("attributevalue.MarshalMap / 3: %s/op",
			fmtDur(refEncode.nsPerOp/3)),
		Compare: fmt.Sprintf("the floor alone takes %.2fx a third of the reference; "+
			"the codec takes %.2fx the floor", floor/(refEncode.nsPerOp/3),
			encode.nsPerOp/floor),
	})
	add("decode a word item", decode, refDecode, "attributevalue.UnmarshalMap")
	rep.note("codec", fmt.Sprintf("The sample is word %q of SROIE receipt 000, with tags %v.",
		w.Text, w.Tags))
	return nil
}

// buildMapsOf returns a function that builds the maps of item, and only
// them, from values made beforehand: the cost that every encoder into an
// item of the SDK's types pays, whatever it does besides. The M values that
// hold the inner maps come in one allocation, as the codec makes them.
func buildMapsOf(item rd.Item) func() error {
	type attr struct {
		name  string
		value types.AttributeValue
		inner rd.Item // the map of an M value
	}
	var attrs []attr
	inner := 0
	for _, name := range slices.Sorted(maps.Keys(item)) {
		a := attr{name: name, value: item[name]}
		if m, ok := a.value.(*types.AttributeValueMemberM); ok {
			a.inner = m.Value
			inner++
		}
		attrs = append(attrs, a)
	}
	return func() error {
		out := make(rd.Item, len(attrs))
		ms := make([]types.AttributeValueMemberM, inner)
		n := 0
		for _, a := range attrs {
			if a.inner == nil {
				out[a.name] = a.value
				continue
			}
			c := make(rd.Item, len(a.inner))
			for k, v := range a.inner {
				c[k] = v
			}
			ms[n].Value = c
			out[a.name] = &ms[n]
			n++
		}
		floorSink = out
		return nil
	}
}

// formatNumbersOf returns a function that writes the distinct numbers of
// w, each once, as the shortest decimals that read back the same: the text
// that every encoder of the format must make, by strconv, the fastest way
// the standard library has. It also returns how many there are.
func formatNumbersOf(w rd.Word) (func() error, int) {
	g := w.Geometry
	var nums []float64
	for _, v := range []float64{
		g.BoundingBox.X, g.BoundingBox.Y, g.BoundingBox.Width, g.BoundingBox.Height,
		g.TopLeft.X, g.TopLeft.Y, g.TopRight.X, g.TopRight.Y,
		g.BottomLeft.X, g.BottomLeft.Y, g.BottomRight.X, g.BottomRight.Y,
		g.AngleDegrees, g.AngleRadians, g.Confidence,
	} {
		if !slices.ContainsFunc(nums, func(x float64) bool {
			return math.Float64bits(x) == math.Float64bits(v)
		}) {
			nums = append(nums, v)
		}
	}
	return func() error {
		var buf [15 * 24]byte
		out := buf[:0]
		for _, v := range nums {
			out = strconv.AppendFloat(out, v, 'f', -1, 64)
		}
		floorSink = string(out)
		return nil
	}, len(nums)
}

// floorSink keeps the results of the floor measurements alive.
var floorSink any
