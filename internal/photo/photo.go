// Package photo reads what the receipt table records of an image file: its
// size in pixels and the SHA-256 of its bytes. It knows PNG and JPEG.
package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder for image.DecodeConfig
	_ "image/png"  // registers the PNG decoder for image.DecodeConfig
	"io"
	"os"
)

// ErrNotImage marks a file that is neither a PNG nor a JPEG image, or whose
// header is damaged.
var ErrNotImage = errors.New("not a PNG or JPEG image")

// Info is what the table records of an image file.
type Info struct {
	Format string // "png" or "jpeg"
	Width  int    // pixels
	Height int    // pixels
	SHA256 string // lower-case hex of the file's bytes
}

// Read reads the image file at path. A file that is not a PNG or JPEG image
// is an error matching [ErrNotImage] that names the file.
func Read(path string) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, fmt.Errorf("photo: %w", err)
	}
	defer f.Close()
	info, err := Decode(f)
	if err != nil {
		return Info{}, fmt.Errorf("photo: %s: %w", path, err)
	}
	return info, nil
}

// Decode reads an image from r to its end: the header gives the size, the
// bytes the hash. It reads the file once and keeps only the header in
// memory.
func Decode(r io.Reader) (Info, error) {
	h := sha256.New()
	var head bytes.Buffer
	tee := io.TeeReader(r, h)

	// DecodeConfig reads only as far as the header; keep what it read so a
	// damaged header can still be reported after hashing the rest.
	cfg, format, cfgErr := image.DecodeConfig(io.TeeReader(tee, &head))
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return Info{}, fmt.Errorf("read: %w", err)
	}
	if cfgErr != nil {
		return Info{}, notImage(head.Bytes(), cfgErr)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, fmt.Errorf("%w: %s header gives size %dx%d",
			ErrNotImage, format, cfg.Width, cfg.Height)
	}
	return Info{
		Format: format,
		Width:  cfg.Width,
		Height: cfg.Height,
		SHA256: hex.EncodeToString(h.Sum(nil)),
	}, nil
}

// notImage explains why the bytes are not a usable image: an unknown format,
// or a PNG or JPEG whose header does not decode.
func notImage(head []byte, err error) error {
	switch {
	case len(head) == 0:
		return fmt.Errorf("%w: the file is empty", ErrNotImage)
	case errors.Is(err, image.ErrFormat):
		return fmt.Errorf("%w: unknown format (starts with %q)", ErrNotImage, prefix(head, 8))
	}
	return fmt.Errorf("%w: damaged header: %v", ErrNotImage, err)
}

// prefix returns at most n leading bytes of b.
func prefix(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
