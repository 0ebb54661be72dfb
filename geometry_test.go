package receiptdynamo

import (
	"errors"
	"math"
	"testing"
)

// unitSquare is the square (0,0)-(1,1) with level text.
func unitSquare() Geometry {
	return Geometry{
		BoundingBox: Box{X: 0, Y: 0, Width: 1, Height: 1},
		TopLeft:     Point{0, 1}, TopRight: Point{1, 1},
		BottomLeft: Point{0, 0}, BottomRight: Point{1, 0},
		Confidence: 0.9,
	}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func nearPoint(t *testing.T, what string, got, want Point, tol float64) {
	t.Helper()
	if !near(got.X, want.X, tol) || !near(got.Y, want.Y, tol) {
		t.Errorf("%s = %v, want %v (±%g)", what, got, want, tol)
	}
}

func nearCorners(t *testing.T, got Geometry, want [4]Point, tol float64) {
	t.Helper()
	names := []string{"top_left", "top_right", "bottom_right", "bottom_left"}
	for i, p := range got.Corners() {
		nearPoint(t, names[i], p, want[i], tol)
	}
}

// checkAngleInStep checks that degrees and radians say the same angle.
func checkAngleInStep(t *testing.T, g Geometry) {
	t.Helper()
	if !near(g.AngleDegrees, g.AngleRadians*180/math.Pi, 1e-12) {
		t.Errorf("angle %v° and %v rad are out of step", g.AngleDegrees, g.AngleRadians)
	}
}

// TestRotateUnitSquare90 rotates the unit square 90° counter-clockwise about
// its centre: each corner moves one place on, and the text turns upright.
func TestRotateUnitSquare90(t *testing.T) {
	centre := Point{0.5, 0.5}
	// By hand: (x, y) -> (0.5 - (y - 0.5), 0.5 + (x - 0.5)) = (1 - y, x).
	want := [4]Point{{0, 0}, {0, 1}, {1, 1}, {1, 0}} // TL, TR, BR, BL

	g := unitSquare().RotateDegrees(90, centre)
	nearCorners(t, g, want, 0)
	if g.AngleDegrees != 90 || g.AngleRadians != math.Pi/2 {
		t.Errorf("angle = %v°, %v rad; want 90°, π/2", g.AngleDegrees, g.AngleRadians)
	}
	if g.BoundingBox != (Box{0, 0, 1, 1}) || g.Confidence != 0.9 {
		t.Errorf("box %v, confidence %v", g.BoundingBox, g.Confidence)
	}

	r := unitSquare().Rotate(math.Pi/2, centre)
	nearCorners(t, r, want, 1e-15)
	if !near(r.AngleDegrees, 90, 1e-12) {
		t.Errorf("Rotate(π/2) angle = %v°", r.AngleDegrees)
	}
	checkAngleInStep(t, r)

	if c := unitSquare().Centroid(); c != centre {
		t.Errorf("centroid = %v", c)
	}
	if unitSquare().RotateDegrees(90, centre).Centroid() != centre {
		t.Error("rotation about the centroid moved it")
	}
}

// TestRotateAnyAngle checks that rotating by any angle and back restores
// the corners, that the angle wraps into (-180, 180], and that a 45° turn
// puts a corner where a hand computation says.
func TestRotateAnyAngle(t *testing.T) {
	g := validWord().Geometry
	pivot := Point{0.3, 0.7}
	for _, deg := range []float64{-725, -180, -33.3, 1e-9, 17, 180, 270, 400} {
		r := g.RotateDegrees(deg, pivot)
		checkAngleInStep(t, r)
		if r.AngleRadians <= -math.Pi || r.AngleRadians > math.Pi {
			t.Errorf("%v°: angle %v out of (-π, π]", deg, r.AngleRadians)
		}
		back := r.RotateDegrees(-deg, pivot)
		nearCorners(t, back, g.Corners(), 1e-12)
		if !near(back.AngleDegrees, g.AngleDegrees, 1e-9) {
			t.Errorf("%v° and back: angle %v", deg, back.AngleDegrees)
		}
	}
	// (1, 0) about the origin by 45° is (√½, √½).
	r := unitSquare().RotateDegrees(45, Point{})
	nearPoint(t, "bottom_right", r.BottomRight, Point{math.Sqrt2 / 2, math.Sqrt2 / 2}, 1e-15)
	if !near(r.AngleDegrees, 45, 1e-12) {
		t.Errorf("angle = %v", r.AngleDegrees)
	}
	// The box grows to hold the turned square: x from -√½ to √½.
	bb := r.BoundingBox
	if !near(bb.X, -math.Sqrt2/2, 1e-15) || !near(bb.Width, math.Sqrt2, 1e-15) {
		t.Errorf("box = %v", r.BoundingBox)
	}
}

// TestTranslateScale checks moving and scaling to pixels by hand.
func TestTranslateScale(t *testing.T) {
	g := unitSquare().Translate(0.25, -0.5)
	nearCorners(t, g, [4]Point{{0.25, 0.5}, {1.25, 0.5}, {1.25, -0.5}, {0.25, -0.5}}, 0)
	if g.BoundingBox != (Box{0.25, -0.5, 1, 1}) || g.AngleDegrees != 0 {
		t.Errorf("translate: box %v angle %v", g.BoundingBox, g.AngleDegrees)
	}

	px := unitSquare().Scale(2480, 3508)
	if px.TopRight != (Point{2480, 3508}) || px.BoundingBox != (Box{0, 0, 2480, 3508}) {
		t.Errorf("scale: %v %v", px.TopRight, px.BoundingBox)
	}
	// A 45° text direction (1, 1) scaled by (1, 2) points along (1, 2).
	d := unitSquare().RotateDegrees(45, Point{}).Scale(1, 2)
	if !near(d.AngleRadians, math.Atan2(2, 1), 1e-12) {
		t.Errorf("scaled angle = %v, want atan(2)", d.AngleRadians)
	}
	checkAngleInStep(t, d)
	// Mirroring keeps a valid box.
	m := unitSquare().Scale(-1, 1)
	if m.BoundingBox != (Box{-1, 0, 1, 1}) || !near(m.AngleDegrees, 180, 1e-12) {
		t.Errorf("mirror: box %v angle %v", m.BoundingBox, m.AngleDegrees)
	}
}

// TestShear checks shears about a pivot by hand.
func TestShear(t *testing.T) {
	g := unitSquare().Shear(1, 0, Point{0, 0})
	nearCorners(t, g, [4]Point{{1, 1}, {2, 1}, {1, 0}, {0, 0}}, 0)
	if g.BoundingBox != (Box{0, 0, 2, 1}) || g.AngleDegrees != 0 {
		t.Errorf("shear x: box %v angle %v", g.BoundingBox, g.AngleDegrees)
	}
	// About the pivot (0, 1) the top edge stays and the bottom moves left.
	g = unitSquare().Shear(1, 0, Point{0, 1})
	nearCorners(t, g, [4]Point{{0, 1}, {1, 1}, {0, 0}, {-1, 0}}, 0)
	// A vertical shear tilts level text to 45°.
	g = unitSquare().Shear(0, 1, Point{0, 0})
	nearPoint(t, "bottom_right", g.BottomRight, Point{1, 1}, 0)
	if !near(g.AngleDegrees, 45, 1e-12) {
		t.Errorf("shear y angle = %v", g.AngleDegrees)
	}
}

// TestAffineWarpInverse warps by an affine transformation, checks a corner
// by hand, and warps back by the inverse to within 1e-12.
func TestAffineWarpInverse(t *testing.T) {
	m := Affine{A: 2, B: 0.5, C: 0.1, D: -0.3, E: 1.5, F: 0.2}
	// (1, 1) -> (2 + 0.5 + 0.1, -0.3 + 1.5 + 0.2).
	nearPoint(t, "Apply(1,1)", m.Apply(Point{1, 1}), Point{2.6, 1.4}, 1e-15)

	inv, err := m.Inverse()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []Geometry{unitSquare(), validWord().Geometry, fixtureWord(t).Geometry} {
		w := g.Warp(m)
		back := w.Warp(inv)
		nearCorners(t, back, g.Corners(), 1e-12)
		if !near(back.AngleRadians, g.AngleRadians, 1e-12) {
			t.Errorf("angle %v after warp and inverse, want %v", back.AngleRadians, g.AngleRadians)
		}
		checkAngleInStep(t, w)
	}
	if _, err := (Affine{A: 1, B: 2, D: 2, E: 4}).Inverse(); !errors.Is(err, ErrSingular) ||
		!errors.Is(err, ErrInvalid) {
		t.Errorf("singular inverse: %v", err)
	}
}

// TestPerspectiveOntoUnitSquare fits the perspective transformation of a
// known quadrilateral onto the unit square and checks it by hand.
func TestPerspectiveOntoUnitSquare(t *testing.T) {
	unit := [4]Point{{0, 1}, {1, 1}, {1, 0}, {0, 0}} // TL, TR, BR, BL

	// H = [[1 0 0] [0 1 0] [0.5 0 1]] sends (x, y) to (x, y) / (1 + x/2),
	// so the unit square goes to TL (0, 1), TR (2/3, 2/3), BR (2/3, 0),
	// BL (0, 0). Mapping that quadrilateral back onto the unit square must
	// be H's inverse, [[1 0 0] [0 1 0] [-0.5 0 1]].
	quad := [4]Point{{0, 1}, {2.0 / 3, 2.0 / 3}, {2.0 / 3, 0}, {0, 0}}
	h, err := PerspectiveFromQuads(quad, unit)
	if err != nil {
		t.Fatal(err)
	}
	want := Homography{{1, 0, 0}, {0, 1, 0}, {-0.5, 0, 1}}
	for r := range h {
		for c := range h[r] {
			if !near(h[r][c], want[r][c], 1e-12) {
				t.Fatalf("H = %v, want %v", h, want)
			}
		}
	}
	g := Geometry{TopLeft: quad[0], TopRight: quad[1], BottomRight: quad[2],
		BottomLeft: quad[3], Confidence: 1}
	w, err := g.WarpPerspective(h)
	if err != nil {
		t.Fatal(err)
	}
	nearCorners(t, w, unit, 1e-12)
	if !near(w.BoundingBox.Width, 1, 1e-12) || !near(w.BoundingBox.Height, 1, 1e-12) {
		t.Errorf("box = %v", w.BoundingBox)
	}
	back, err := w.UnwarpPerspective(h)
	if err != nil {
		t.Fatal(err)
	}
	nearCorners(t, back, quad, 1e-12)

	// A general quadrilateral (a receipt photographed at a slant): its
	// corners go to the square's, and the crossing of its diagonals to the
	// centre, since a perspective map keeps lines and their crossings.
	slant := [4]Point{{0.1, 0.9}, {0.8, 0.95}, {0.9, 0.1}, {0.2, 0.05}}
	h, err = PerspectiveFromQuads(slant, unit)
	if err != nil {
		t.Fatal(err)
	}
	for i := range slant {
		nearPoint(t, "corner", h.Apply(slant[i]), unit[i], 1e-12)
	}
	nearPoint(t, "diagonals' crossing", h.Apply(crossing(slant[0], slant[2], slant[1], slant[3])),
		Point{0.5, 0.5}, 1e-12)

	line := [4]Point{{0, 0}, {1, 1}, {2, 2}, {0, 1}}
	if _, err := PerspectiveFromQuads(line, unit); !errors.Is(err, ErrSingular) {
		t.Errorf("three points on a line: %v", err)
	}
	if _, err := g.WarpPerspective(Homography{{1, 0, 0}, {0, 1, 0}, {1, 0, 0}}); !errors.Is(err,
		ErrInvalid) {
		t.Errorf("corner at infinity: %v", err)
	}
}

// crossing returns where line a-b crosses line c-d.
func crossing(a, b, c, d Point) Point {
	den := (a.X-b.X)*(c.Y-d.Y) - (a.Y-b.Y)*(c.X-d.X)
	u := ((a.X-c.X)*(c.Y-d.Y) - (a.Y-c.Y)*(c.X-d.X)) / den
	return Point{a.X + u*(b.X-a.X), a.Y + u*(b.Y-a.Y)}
}

// TestContainsDistanceAngle checks point-in-box and the distance and angle
// between two words by hand.
func TestContainsDistanceAngle(t *testing.T) {
	b := Box{X: 0.1, Y: 0.2, Width: 0.3, Height: 0.4}
	for p, want := range map[Point]bool{
		{0.1, 0.2}: true, {0.4, 0.6}: true, {0.25, 0.3}: true,
		{0.05, 0.3}: false, {0.25, 0.61}: false,
	} {
		if b.Contains(p) != want {
			t.Errorf("%v.Contains(%v) = %v", b, p, !want)
		}
	}
	// A diamond: the corners of its bounding box are outside it.
	d := unitSquare().RotateDegrees(45, Point{0.5, 0.5})
	if !d.Contains(Point{0.5, 0.5}) || !d.Contains(Point{0.5, 1.2}) || d.Contains(Point{0, 0}) ||
		!d.BoundingBox.Contains(Point{-0.2, -0.2}) {
		t.Error("diamond containment is wrong")
	}

	a := validWord()
	o := a.Translate(0.3, 0.4)
	if !near(a.DistanceTo(o.Geometry), 0.5, 1e-15) {
		t.Errorf("distance = %v, want 0.5", a.DistanceTo(o.Geometry))
	}
	if !near(a.AngleTo(o.Geometry), math.Atan2(0.4, 0.3), 1e-15) ||
		!near(o.AngleToDegrees(a.Geometry), -180+math.Atan2(0.4, 0.3)*180/math.Pi, 1e-12) {
		t.Errorf("angles = %v, %v", a.AngleTo(o.Geometry), o.AngleToDegrees(a.Geometry))
	}
	c, bb := a.CornerBounds(), a.BoundingBox
	if !near(c.X, bb.X, 1e-15) || !near(c.Y, bb.Y, 1e-15) ||
		!near(c.Width, bb.Width, 1e-15) || !near(c.Height, bb.Height, 1e-15) {
		t.Errorf("bounds from corners = %v, want %v", c, bb)
	}
}

// TestEntityGeometryForms checks that the forms on entities keep their ids
// and text, and leave the receiver alone.
func TestEntityGeometryForms(t *testing.T) {
	w := validWord()
	r := w.RotateDegrees(90, w.Centroid())
	if r.ID != w.ID || r.Text != w.Text || len(r.Tags) != 1 || r.Geometry == w.Geometry {
		t.Errorf("rotated word = %+v", r)
	}
	if w.Geometry != validWord().Geometry {
		t.Error("receiver changed")
	}
	rl := ReceiptLetter{ID: 3, Text: "x", Geometry: unitSquare()}.Scale(2, 2)
	if rl.ID != 3 || rl.TopRight != (Point{2, 2}) {
		t.Errorf("scaled letter = %+v", rl)
	}
	h, _ := PerspectiveFromQuads(unitSquare().Corners(), unitSquare().Scale(2, 3).Corners())
	l, err := Line{ID: 4, Geometry: unitSquare()}.WarpPerspective(h)
	if err != nil || l.ID != 4 || !near(l.TopRight.X, 2, 1e-12) || !near(l.TopRight.Y, 3, 1e-12) {
		t.Errorf("warped line = %+v, %v", l, err)
	}
	back, err := l.UnwarpPerspective(h)
	if err != nil || !near(back.TopRight.Y, 1, 1e-12) {
		t.Errorf("unwarped line = %+v, %v", back, err)
	}
}

// fixtureWord returns the first word of a real OCR file.
func fixtureWord(t *testing.T) Word {
	t.Helper()
	x := decodeExportFile(t, sharedData+"/ocr/2f05267d-86df-42b3-8a14-e29c5ea567b3_RESULTS.json")
	return x.Words[0]
}
