package receiptdynamo

import (
	"fmt"
	"math"
)

// This file is the geometry of lines, words and letters. Coordinates are
// those of Point: normalised, origin bottom-left, y up, so a positive angle
// turns counter-clockwise. Every method returns a new value and leaves its
// receiver as it was.
//
// A transformed Geometry keeps its confidence. Its corners are the
// transformed corners; its bounding box is the axis-aligned box around
// them; its angle is the direction of its text (cos a, sin a) carried
// through the transformation at the centroid, in (-180°, 180°], with
// AngleDegrees and AngleRadians always set together.

// ErrSingular is returned for a transformation that has no inverse, or
// that cannot be fitted to degenerate points. It matches ErrInvalid.
var ErrSingular = fmt.Errorf("geometry: singular transformation: %w", ErrInvalid)

// Corners returns the four corners in the order top-left, top-right,
// bottom-right, bottom-left.
func (g Geometry) Corners() [4]Point {
	return [4]Point{g.TopLeft, g.TopRight, g.BottomRight, g.BottomLeft}
}

// Centroid returns the mean of the four corners.
func (g Geometry) Centroid() Point {
	return Point{
		X: (g.TopLeft.X + g.TopRight.X + g.BottomRight.X + g.BottomLeft.X) / 4,
		Y: (g.TopLeft.Y + g.TopRight.Y + g.BottomRight.Y + g.BottomLeft.Y) / 4,
	}
}

// CornerBounds returns the smallest axis-aligned box that holds the four
// corners.
func (g Geometry) CornerBounds() Box { return boundsOf(g.Corners()) }

func boundsOf(pts [4]Point) Box {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	return Box{X: minX, Y: minY, Width: maxX - minX, Height: maxY - minY}
}

// Contains reports whether p lies in the box, edges included.
func (b Box) Contains(p Point) bool {
	return p.X >= b.X && p.X <= b.X+b.Width && p.Y >= b.Y && p.Y <= b.Y+b.Height
}

// Contains reports whether p lies inside the quadrilateral of the four
// corners, edges included. The corners must form a convex shape, as OCR
// boxes do.
func (g Geometry) Contains(p Point) bool {
	c := g.Corners()
	var pos, neg bool
	for i := range c {
		a, b := c[i], c[(i+1)%4]
		cross := (b.X-a.X)*(p.Y-a.Y) - (b.Y-a.Y)*(p.X-a.X)
		pos = pos || cross > 0
		neg = neg || cross < 0
	}
	return !(pos && neg)
}

// DistanceTo returns the distance between the centroids of g and o.
func (g Geometry) DistanceTo(o Geometry) float64 {
	a, b := g.Centroid(), o.Centroid()
	return math.Hypot(b.X-a.X, b.Y-a.Y)
}

// AngleTo returns the direction from g's centroid to o's, in radians in
// (-π, π], measured counter-clockwise from the x axis.
func (g Geometry) AngleTo(o Geometry) float64 {
	a, b := g.Centroid(), o.Centroid()
	return math.Atan2(b.Y-a.Y, b.X-a.X)
}

// AngleToDegrees is AngleTo in degrees.
func (g Geometry) AngleToDegrees(o Geometry) float64 { return degrees(g.AngleTo(o)) }

// Translate returns g moved by (dx, dy).
func (g Geometry) Translate(dx, dy float64) Geometry {
	return g.Warp(Affine{A: 1, C: dx, E: 1, F: dy})
}

// Scale returns g with every coordinate multiplied, x by sx and y by sy,
// as when going from normalised coordinates to pixels.
func (g Geometry) Scale(sx, sy float64) Geometry {
	return g.Warp(Affine{A: sx, E: sy})
}

// Rotate returns g rotated by theta radians counter-clockwise about pivot.
func (g Geometry) Rotate(theta float64, pivot Point) Geometry {
	sin, cos := math.Sincos(theta)
	return g.rotate(sin, cos, theta, pivot)
}

// RotateDegrees returns g rotated by deg degrees counter-clockwise about
// pivot. Multiples of 90° are exact.
func (g Geometry) RotateDegrees(deg float64, pivot Point) Geometry {
	sin, cos := sincosDegrees(deg)
	return g.rotate(sin, cos, radians(deg), pivot)
}

// rotate rotates by the angle theta whose sine and cosine are given; the
// text angle is turned by theta itself rather than through atan2, so that
// it stays exact.
func (g Geometry) rotate(sin, cos, theta float64, pivot Point) Geometry {
	m := Affine{
		A: cos, B: -sin, C: pivot.X - cos*pivot.X + sin*pivot.Y,
		D: sin, E: cos, F: pivot.Y - sin*pivot.X - cos*pivot.Y,
	}
	out := g.Warp(m)
	out.setAngle(normalizeRadians(g.AngleRadians + theta))
	return out
}

// Shear returns g sheared about pivot: x gains shx·(y − pivot.y) and y
// gains shy·(x − pivot.x).
func (g Geometry) Shear(shx, shy float64, pivot Point) Geometry {
	return g.Warp(Affine{
		A: 1, B: shx, C: -shx * pivot.Y,
		D: shy, E: 1, F: -shy * pivot.X,
	})
}

// Warp returns g carried through the affine transformation m.
func (g Geometry) Warp(m Affine) Geometry {
	return g.mapped(m.Apply, func(Point) [4]float64 { return [4]float64{m.A, m.B, m.D, m.E} })
}

// WarpPerspective returns g carried through the perspective transformation
// h. It fails when a corner lands at infinity (on h's vanishing line).
func (g Geometry) WarpPerspective(h Homography) (Geometry, error) {
	out := g.mapped(h.Apply, h.jacobian)
	for _, p := range out.Corners() {
		if !finitePoint(p) {
			return Geometry{}, fmt.Errorf(
				"geometry: perspective warp sends a corner to infinity: %w", ErrInvalid)
		}
	}
	return out, nil
}

// UnwarpPerspective returns g carried through the inverse of h, undoing
// WarpPerspective.
func (g Geometry) UnwarpPerspective(h Homography) (Geometry, error) {
	inv, err := h.Inverse()
	if err != nil {
		return Geometry{}, err
	}
	return g.WarpPerspective(inv)
}

// mapped returns g with its corners moved by f and its angle carried
// through the Jacobian jac (row-major 2x2) at the centroid.
func (g Geometry) mapped(f func(Point) Point, jac func(Point) [4]float64) Geometry {
	out := g
	out.TopLeft, out.TopRight = f(g.TopLeft), f(g.TopRight)
	out.BottomLeft, out.BottomRight = f(g.BottomLeft), f(g.BottomRight)
	out.BoundingBox = out.CornerBounds()

	j := jac(g.Centroid())
	sin, cos := math.Sincos(g.AngleRadians)
	out.setAngle(math.Atan2(j[2]*cos+j[3]*sin, j[0]*cos+j[1]*sin))
	return out
}

// setAngle sets both angle fields from rad.
func (g *Geometry) setAngle(rad float64) {
	g.AngleRadians = rad
	g.AngleDegrees = degrees(rad)
}

func degrees(rad float64) float64 { return rad * 180 / math.Pi }
func radians(deg float64) float64 { return deg * math.Pi / 180 }

// normalizeRadians returns a in (-π, π].
func normalizeRadians(a float64) float64 {
	a = math.Mod(a, 2*math.Pi)
	switch {
	case a <= -math.Pi:
		a += 2 * math.Pi
	case a > math.Pi:
		a -= 2 * math.Pi
	}
	return a
}

// sincosDegrees returns the sine and cosine of deg degrees, exactly for
// multiples of 90°.
func sincosDegrees(deg float64) (sin, cos float64) {
	if q := deg / 90; q == math.Trunc(q) && math.Abs(q) < 1<<52 {
		switch int64(math.Mod(q, 4)+4) % 4 {
		case 0:
			return 0, 1
		case 1:
			return 1, 0
		case 2:
			return 0, -1
		case 3:
			return -1, 0
		}
	}
	return math.Sincos(radians(deg))
}

func finitePoint(p Point) bool {
	return !math.IsNaN(p.X) && !math.IsInf(p.X, 0) && !math.IsNaN(p.Y) && !math.IsInf(p.Y, 0)
}

// Affine is the transformation x' = A·x + B·y + C, y' = D·x + E·y + F.
type Affine struct {
	A, B, C float64
	D, E, F float64
}

// Apply returns p transformed.
func (m Affine) Apply(p Point) Point {
	return Point{X: m.A*p.X + m.B*p.Y + m.C, Y: m.D*p.X + m.E*p.Y + m.F}
}

// Inverse returns the transformation that undoes m, or ErrSingular.
func (m Affine) Inverse() (Affine, error) {
	det := m.A*m.E - m.B*m.D
	if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
		return Affine{}, ErrSingular
	}
	a, b, d, e := m.E/det, -m.B/det, -m.D/det, m.A/det
	return Affine{A: a, B: b, C: -(a*m.C + b*m.F), D: d, E: e, F: -(d*m.C + e*m.F)}, nil
}

// Homography is a perspective transformation as a 3x3 matrix H, row-major:
// a point (x, y) goes to (u/w, v/w) where (u, v, w) = H·(x, y, 1).
type Homography [3][3]float64

// Apply returns p transformed. A point on the vanishing line (w = 0) goes
// to infinity.
func (h Homography) Apply(p Point) Point {
	w := h[2][0]*p.X + h[2][1]*p.Y + h[2][2]
	return Point{
		X: (h[0][0]*p.X + h[0][1]*p.Y + h[0][2]) / w,
		Y: (h[1][0]*p.X + h[1][1]*p.Y + h[1][2]) / w,
	}
}

// jacobian returns the derivative of Apply at p, row-major.
func (h Homography) jacobian(p Point) [4]float64 {
	w := h[2][0]*p.X + h[2][1]*p.Y + h[2][2]
	q := h.Apply(p)
	return [4]float64{
		(h[0][0] - h[2][0]*q.X) / w, (h[0][1] - h[2][1]*q.X) / w,
		(h[1][0] - h[2][0]*q.Y) / w, (h[1][1] - h[2][1]*q.Y) / w,
	}
}

// Inverse returns the transformation that undoes h, or ErrSingular.
func (h Homography) Inverse() (Homography, error) {
	// The inverse is the adjugate divided by the determinant; a homography
	// is defined up to scale, so the division only keeps numbers tame.
	var adj Homography
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			r1, r2 := (c+1)%3, (c+2)%3
			c1, c2 := (r+1)%3, (r+2)%3
			adj[r][c] = h[r1][c1]*h[r2][c2] - h[r1][c2]*h[r2][c1]
		}
	}
	det := h[0][0]*adj[0][0] + h[0][1]*adj[1][0] + h[0][2]*adj[2][0]
	if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
		return Homography{}, ErrSingular
	}
	for r := range adj {
		for c := range adj[r] {
			adj[r][c] /= det
		}
	}
	return adj, nil
}

// PerspectiveFromQuads returns the perspective transformation that sends
// each of the four points src[i] to dst[i]. It fails with ErrSingular when
// three of the points are on one line.
func PerspectiveFromQuads(src, dst [4]Point) (Homography, error) {
	// Unknowns h00 h01 h02 h10 h11 h12 h20 h21, with h22 = 1. Each pair of
	// points gives two rows of the linear system.
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := src[i].X, src[i].Y, dst[i].X, dst[i].Y
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -x * u, -y * u, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -x * v, -y * v, v}
	}
	sol, err := solve8(a)
	if err != nil {
		return Homography{}, err
	}
	return Homography{
		{sol[0], sol[1], sol[2]},
		{sol[3], sol[4], sol[5]},
		{sol[6], sol[7], 1},
	}, nil
}

// solve8 solves the 8x8 system whose augmented matrix is a, by Gaussian
// elimination with partial pivoting.
func solve8(a [8][9]float64) ([8]float64, error) {
	const n = 8
	for col := 0; col < n; col++ {
		pivot := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[pivot][col]) {
				pivot = r
			}
		}
		if math.Abs(a[pivot][col]) < 1e-12 {
			return [8]float64{}, ErrSingular
		}
		a[col], a[pivot] = a[pivot], a[col]
		for r := col + 1; r < n; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c <= n; c++ {
				a[r][c] -= f * a[col][c]
			}
		}
	}
	var x [8]float64
	for r := n - 1; r >= 0; r-- {
		sum := a[r][n]
		for c := r + 1; c < n; c++ {
			sum -= a[r][c] * x[c]
		}
		x[r] = sum / a[r][r]
	}
	return x, nil
}
