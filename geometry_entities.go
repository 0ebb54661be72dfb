package receiptdynamo

// The geometry methods of Geometry, in forms that return the whole line,
// word or letter: l.Rotate(θ, p) is a Line. Distances and angles between
// two of them use the promoted Geometry methods: w.DistanceTo(o.Geometry).

// WithGeometry returns the line with its geometry replaced by g.
func (v Line) WithGeometry(g Geometry) Line {
	v.Geometry = g
	return v
}

// Translate returns the line moved by (dx, dy); see Geometry.Translate.
func (v Line) Translate(dx, dy float64) Line {
	return v.WithGeometry(v.Geometry.Translate(dx, dy))
}

// Scale returns the line scaled; see Geometry.Scale.
func (v Line) Scale(sx, sy float64) Line { return v.WithGeometry(v.Geometry.Scale(sx, sy)) }

// Rotate returns the line rotated by theta radians about pivot.
func (v Line) Rotate(theta float64, pivot Point) Line {
	return v.WithGeometry(v.Geometry.Rotate(theta, pivot))
}

// RotateDegrees returns the line rotated by deg degrees about pivot.
func (v Line) RotateDegrees(deg float64, pivot Point) Line {
	return v.WithGeometry(v.Geometry.RotateDegrees(deg, pivot))
}

// Shear returns the line sheared about pivot; see Geometry.Shear.
func (v Line) Shear(shx, shy float64, pivot Point) Line {
	return v.WithGeometry(v.Geometry.Shear(shx, shy, pivot))
}

// Warp returns the line carried through the affine transformation m.
func (v Line) Warp(m Affine) Line { return v.WithGeometry(v.Geometry.Warp(m)) }

// WarpPerspective returns the line carried through h; see
// Geometry.WarpPerspective.
func (v Line) WarpPerspective(h Homography) (Line, error) {
	g, err := v.Geometry.WarpPerspective(h)
	if err != nil {
		return Line{}, err
	}
	return v.WithGeometry(g), nil
}

// UnwarpPerspective returns the line carried through the inverse of h.
func (v Line) UnwarpPerspective(h Homography) (Line, error) {
	g, err := v.Geometry.UnwarpPerspective(h)
	if err != nil {
		return Line{}, err
	}
	return v.WithGeometry(g), nil
}

// WithGeometry returns the word with its geometry replaced by g.
func (v Word) WithGeometry(g Geometry) Word {
	v.Geometry = g
	return v
}

// Translate returns the word moved by (dx, dy); see Geometry.Translate.
func (v Word) Translate(dx, dy float64) Word {
	return v.WithGeometry(v.Geometry.Translate(dx, dy))
}

// Scale returns the word scaled; see Geometry.Scale.
func (v Word) Scale(sx, sy float64) Word { return v.WithGeometry(v.Geometry.Scale(sx, sy)) }

// Rotate returns the word rotated by theta radians about pivot.
func (v Word) Rotate(theta float64, pivot Point) Word {
	return v.WithGeometry(v.Geometry.Rotate(theta, pivot))
}

// RotateDegrees returns the word rotated by deg degrees about pivot.
func (v Word) RotateDegrees(deg float64, pivot Point) Word {
	return v.WithGeometry(v.Geometry.RotateDegrees(deg, pivot))
}

// Shear returns the word sheared about pivot; see Geometry.Shear.
func (v Word) Shear(shx, shy float64, pivot Point) Word {
	return v.WithGeometry(v.Geometry.Shear(shx, shy, pivot))
}

// Warp returns the word carried through the affine transformation m.
func (v Word) Warp(m Affine) Word { return v.WithGeometry(v.Geometry.Warp(m)) }

// WarpPerspective returns the word carried through h; see
// Geometry.WarpPerspective.
func (v Word) WarpPerspective(h Homography) (Word, error) {
	g, err := v.Geometry.WarpPerspective(h)
	if err != nil {
		return Word{}, err
	}
	return v.WithGeometry(g), nil
}

// UnwarpPerspective returns the word carried through the inverse of h.
func (v Word) UnwarpPerspective(h Homography) (Word, error) {
	g, err := v.Geometry.UnwarpPerspective(h)
	if err != nil {
		return Word{}, err
	}
	return v.WithGeometry(g), nil
}

// WithGeometry returns the letter with its geometry replaced by g.
func (v Letter) WithGeometry(g Geometry) Letter {
	v.Geometry = g
	return v
}

// Translate returns the letter moved by (dx, dy); see Geometry.Translate.
func (v Letter) Translate(dx, dy float64) Letter {
	return v.WithGeometry(v.Geometry.Translate(dx, dy))
}

// Scale returns the letter scaled; see Geometry.Scale.
func (v Letter) Scale(sx, sy float64) Letter { return v.WithGeometry(v.Geometry.Scale(sx, sy)) }

// Rotate returns the letter rotated by theta radians about pivot.
func (v Letter) Rotate(theta float64, pivot Point) Letter {
	return v.WithGeometry(v.Geometry.Rotate(theta, pivot))
}

// RotateDegrees returns the letter rotated by deg degrees about pivot.
func (v Letter) RotateDegrees(deg float64, pivot Point) Letter {
	return v.WithGeometry(v.Geometry.RotateDegrees(deg, pivot))
}

// Shear returns the letter sheared about pivot; see Geometry.Shear.
func (v Letter) Shear(shx, shy float64, pivot Point) Letter {
	return v.WithGeometry(v.Geometry.Shear(shx, shy, pivot))
}

// Warp returns the letter carried through the affine transformation m.
func (v Letter) Warp(m Affine) Letter { return v.WithGeometry(v.Geometry.Warp(m)) }

// WarpPerspective returns the letter carried through h; see
// Geometry.WarpPerspective.
func (v Letter) WarpPerspective(h Homography) (Letter, error) {
	g, err := v.Geometry.WarpPerspective(h)
	if err != nil {
		return Letter{}, err
	}
	return v.WithGeometry(g), nil
}

// UnwarpPerspective returns the letter carried through the inverse of h.
func (v Letter) UnwarpPerspective(h Homography) (Letter, error) {
	g, err := v.Geometry.UnwarpPerspective(h)
	if err != nil {
		return Letter{}, err
	}
	return v.WithGeometry(g), nil
}

// WithGeometry returns the receipt line with its geometry replaced by g.
func (v ReceiptLine) WithGeometry(g Geometry) ReceiptLine {
	v.Geometry = g
	return v
}

// Translate returns the receipt line moved by (dx, dy); see Geometry.Translate.
func (v ReceiptLine) Translate(dx, dy float64) ReceiptLine {
	return v.WithGeometry(v.Geometry.Translate(dx, dy))
}

// Scale returns the receipt line scaled; see Geometry.Scale.
func (v ReceiptLine) Scale(sx, sy float64) ReceiptLine {
	return v.WithGeometry(v.Geometry.Scale(sx, sy))
}

// Rotate returns the receipt line rotated by theta radians about pivot.
func (v ReceiptLine) Rotate(theta float64, pivot Point) ReceiptLine {
	return v.WithGeometry(v.Geometry.Rotate(theta, pivot))
}

// RotateDegrees returns the receipt line rotated by deg degrees about pivot.
func (v ReceiptLine) RotateDegrees(deg float64, pivot Point) ReceiptLine {
	return v.WithGeometry(v.Geometry.RotateDegrees(deg, pivot))
}

// Shear returns the receipt line sheared about pivot; see Geometry.Shear.
func (v ReceiptLine) Shear(shx, shy float64, pivot Point) ReceiptLine {
	return v.WithGeometry(v.Geometry.Shear(shx, shy, pivot))
}

// Warp returns the receipt line carried through the affine transformation m.
func (v ReceiptLine) Warp(m Affine) ReceiptLine { return v.WithGeometry(v.Geometry.Warp(m)) }

// WarpPerspective returns the receipt line carried through h; see
// Geometry.WarpPerspective.
func (v ReceiptLine) WarpPerspective(h Homography) (ReceiptLine, error) {
	g, err := v.Geometry.WarpPerspective(h)
	if err != nil {
		return ReceiptLine{}, err
	}
	return v.WithGeometry(g), nil
}

// UnwarpPerspective returns the receipt line carried through the inverse of h.
func (v ReceiptLine) UnwarpPerspective(h Homography) (ReceiptLine, error) {
	g, err := v.Geometry.UnwarpPerspective(h)
	if err != nil {
		return ReceiptLine{}, err
	}
	return v.WithGeometry(g), nil
}

// WithGeometry returns the receipt word with its geometry replaced by g.
func (v ReceiptWord) WithGeometry(g Geometry) ReceiptWord {
	v.Geometry = g
	return v
}

// Translate returns the receipt word moved by (dx, dy); see Geometry.Translate.
func (v ReceiptWord) Translate(dx, dy float64) ReceiptWord {
	return v.WithGeometry(v.Geometry.Translate(dx, dy))
}

// Scale returns the receipt word scaled; see Geometry.Scale.
func (v ReceiptWord) Scale(sx, sy float64) ReceiptWord {
	return v.WithGeometry(v.Geometry.Scale(sx, sy))
}

// Rotate returns the receipt word rotated by theta radians about pivot.
func (v ReceiptWord) Rotate(theta float64, pivot Point) ReceiptWord {
	return v.WithGeometry(v.Geometry.Rotate(theta, pivot))
}

// RotateDegrees returns the receipt word rotated by deg degrees about pivot.
func (v ReceiptWord) RotateDegrees(deg float64, pivot Point) ReceiptWord {
	return v.WithGeometry(v.Geometry.RotateDegrees(deg, pivot))
}

// Shear returns the receipt word sheared about pivot; see Geometry.Shear.
func (v ReceiptWord) Shear(shx, shy float64, pivot Point) ReceiptWord {
	return v.WithGeometry(v.Geometry.Shear(shx, shy, pivot))
}

// Warp returns the receipt word carried through the affine transformation m.
func (v ReceiptWord) Warp(m Affine) ReceiptWord { return v.WithGeometry(v.Geometry.Warp(m)) }

// WarpPerspective returns the receipt word carried through h; see
// Geometry.WarpPerspective.
func (v ReceiptWord) WarpPerspective(h Homography) (ReceiptWord, error) {
	g, err := v.Geometry.WarpPerspective(h)
	if err != nil {
		return ReceiptWord{}, err
	}
	return v.WithGeometry(g), nil
}

// UnwarpPerspective returns the receipt word carried through the inverse of h.
func (v ReceiptWord) UnwarpPerspective(h Homography) (ReceiptWord, error) {
	g, err := v.Geometry.UnwarpPerspective(h)
	if err != nil {
		return ReceiptWord{}, err
	}
	return v.WithGeometry(g), nil
}

// WithGeometry returns the receipt letter with its geometry replaced by g.
func (v ReceiptLetter) WithGeometry(g Geometry) ReceiptLetter {
	v.Geometry = g
	return v
}

// Translate returns the receipt letter moved by (dx, dy); see Geometry.Translate.
func (v ReceiptLetter) Translate(dx, dy float64) ReceiptLetter {
	return v.WithGeometry(v.Geometry.Translate(dx, dy))
}

// Scale returns the receipt letter scaled; see Geometry.Scale.
func (v ReceiptLetter) Scale(sx, sy float64) ReceiptLetter {
	return v.WithGeometry(v.Geometry.Scale(sx, sy))
}

// Rotate returns the receipt letter rotated by theta radians about pivot.
func (v ReceiptLetter) Rotate(theta float64, pivot Point) ReceiptLetter {
	return v.WithGeometry(v.Geometry.Rotate(theta, pivot))
}

// RotateDegrees returns the receipt letter rotated by deg degrees about pivot.
func (v ReceiptLetter) RotateDegrees(deg float64, pivot Point) ReceiptLetter {
	return v.WithGeometry(v.Geometry.RotateDegrees(deg, pivot))
}

// Shear returns the receipt letter sheared about pivot; see Geometry.Shear.
func (v ReceiptLetter) Shear(shx, shy float64, pivot Point) ReceiptLetter {
	return v.WithGeometry(v.Geometry.Shear(shx, shy, pivot))
}

// Warp returns the receipt letter carried through the affine transformation m.
func (v ReceiptLetter) Warp(m Affine) ReceiptLetter { return v.WithGeometry(v.Geometry.Warp(m)) }

// WarpPerspective returns the receipt letter carried through h; see
// Geometry.WarpPerspective.
func (v ReceiptLetter) WarpPerspective(h Homography) (ReceiptLetter, error) {
	g, err := v.Geometry.WarpPerspective(h)
	if err != nil {
		return ReceiptLetter{}, err
	}
	return v.WithGeometry(g), nil
}

// UnwarpPerspective returns the receipt letter carried through the inverse of h.
func (v ReceiptLetter) UnwarpPerspective(h Homography) (ReceiptLetter, error) {
	g, err := v.Geometry.UnwarpPerspective(h)
	if err != nil {
		return ReceiptLetter{}, err
	}
	return v.WithGeometry(g), nil
}
