package receiptdynamo

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
)

// The SDK's reflection-based codec on a struct equivalent to a Word item,
// for comparison. Its keys are filled in beforehand and it validates
// nothing, which only favours it.

type sdkPoint struct {
	X float64 `dynamodbav:"x"`
	Y float64 `dynamodbav:"y"`
}

type sdkBox struct {
	X      float64 `dynamodbav:"x"`
	Y      float64 `dynamodbav:"y"`
	Width  float64 `dynamodbav:"width"`
	Height float64 `dynamodbav:"height"`
}

type sdkWord struct {
	PK           string   `dynamodbav:"PK"`
	SK           string   `dynamodbav:"SK"`
	GSI2PK       string   `dynamodbav:"GSI2PK"`
	GSI2SK       string   `dynamodbav:"GSI2SK"`
	Type         string   `dynamodbav:"TYPE"`
	Text         string   `dynamodbav:"text"`
	BoundingBox  sdkBox   `dynamodbav:"bounding_box"`
	TopLeft      sdkPoint `dynamodbav:"top_left"`
	TopRight     sdkPoint `dynamodbav:"top_right"`
	BottomLeft   sdkPoint `dynamodbav:"bottom_left"`
	BottomRight  sdkPoint `dynamodbav:"bottom_right"`
	AngleDegrees float64  `dynamodbav:"angle_degrees"`
	AngleRadians float64  `dynamodbav:"angle_radians"`
	Confidence   float64  `dynamodbav:"confidence"`
	Tags         []string `dynamodbav:"tags,stringset,omitempty"`
}

func toSDKWord(w Word) sdkWord {
	k := wordKeys(w.ImageID, w.LineID, w.ID)
	pt := func(p Point) sdkPoint { return sdkPoint(p) }
	return sdkWord{
		PK: k.PK, SK: k.SK, GSI2PK: k.GSI2PK, GSI2SK: k.GSI2SK, Type: k.Type,
		Text: w.Text, BoundingBox: sdkBox(w.BoundingBox),
		TopLeft: pt(w.TopLeft), TopRight: pt(w.TopRight),
		BottomLeft: pt(w.BottomLeft), BottomRight: pt(w.BottomRight),
		AngleDegrees: w.AngleDegrees, AngleRadians: w.AngleRadians,
		Confidence: w.Confidence, Tags: w.Tags,
	}
}

// benchWord is a real word of the fixtures with two tags.
func benchWord(tb testing.TB) Word {
	w := Word{
		ImageID: "2f05267d-86df-42b3-8a14-e29c5ea567b3", LineID: 1, ID: 1, Text: "Store",
		Geometry: Geometry{
			BoundingBox: Box{X: 0.39823213481666514, Y: 0.7711186463421649,
				Width: 0.04457895832677039, Height: 0.016705986031648745},
			TopLeft:      Point{X: 0.4011776994558489, Y: 0.7878246323738136},
			TopRight:     Point{X: 0.44281109314343553, Y: 0.782383989450391},
			BottomLeft:   Point{X: 0.39823213481666514, Y: 0.7765592892655875},
			BottomRight:  Point{X: 0.4398655269660674, Y: 0.7711186463421649},
			AngleDegrees: -7.4452105, AngleRadians: -0.12994343, Confidence: 1,
		},
		Tags: []string{"TOTAL", "DATE"},
	}
	if err := w.Validate(); err != nil {
		tb.Fatal(err)
	}
	return w
}

// TestSDKWordIsEquivalent checks that the comparison struct encodes the
// same item as Word.MarshalItem, so that the benchmark compares like with
// like.
func TestSDKWordIsEquivalent(t *testing.T) {
	w := benchWord(t)
	ours, err := w.MarshalItem()
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := attributevalue.MarshalMap(toSDKWord(w))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ours, theirs) {
		t.Errorf("items differ\n ours   %v\n theirs %v", ours, theirs)
	}
	var back sdkWord
	if err := attributevalue.UnmarshalMap(ours, &back); err != nil ||
		!reflect.DeepEqual(back, toSDKWord(w)) {
		t.Errorf("SDK decodes our item as %+v, %v", back, err)
	}
}

// BenchmarkWordEncode compares MarshalItem with attributevalue.MarshalMap;
// cmd/rd-bench also measures the floor of any encoder of the item, in the
// same run, for BENCHMARKS.md.
func BenchmarkWordEncode(b *testing.B) {
	w := benchWord(b)
	b.Run("receiptdynamo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := w.MarshalItem(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk-attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		sw := toSDKWord(w)
		for b.Loop() {
			if _, err := attributevalue.MarshalMap(sw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkWordDecode(b *testing.B) {
	item := mustItem(b, benchWord(b))
	b.Run("receiptdynamo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w Word
			if err := w.UnmarshalItem(item); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk-attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w sdkWord
			if err := attributevalue.UnmarshalMap(item, &w); err != nil {
				b.Fatal(err)
			}
		}
	})
}
