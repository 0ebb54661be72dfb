package photo

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sroieDir holds the SROIE scans, whose sizes and hashes the manifest gives.
const sroieDir = "../../../shared/data/sroie"

func TestReadSROIEScanMatchesManifest(t *testing.T) {
	// 000.jpg is listed as 463 x 1013 with this hash in manifest.tsv.
	info, err := Read(filepath.Join(sroieDir, "img", "000.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Format: "jpeg", Width: 463, Height: 1013,
		SHA256: "8b85d2c325c68579b53446177602709a8f8faeeec710912f62b6ad369234887c"}
	if info != want {
		t.Errorf("Read = %+v, want %+v", info, want)
	}
}

func TestDecodeGeneratedImages(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 7, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var pngBuf, jpgBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgBuf, img, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, format string
		data         []byte
	}{
		{"png", "png", pngBuf.Bytes()},
		{"jpeg", "jpeg", jpgBuf.Bytes()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Decode(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tc.format || info.Width != 7 || info.Height != 3 {
				t.Errorf("Decode = %+v, want %s 7x3", info, tc.format)
			}
			if len(info.SHA256) != 64 {
				t.Errorf("SHA256 = %q, want 64 hex digits", info.SHA256)
			}
		})
	}
}

func TestDecodeHashesWholeFile(t *testing.T) {
	// Two PNGs with the same header but different pixels differ in hash:
	// the hash covers the whole file, not only what the header read.
	a := image.NewGray(image.Rect(0, 0, 64, 64))
	b := image.NewGray(image.Rect(0, 0, 64, 64))
	b.SetGray(63, 63, color.Gray{Y: 255})
	var ba, bb bytes.Buffer
	png.Encode(&ba, a)
	png.Encode(&bb, b)
	ia, err := Decode(&ba)
	if err != nil {
		t.Fatal(err)
	}
	ib, err := Decode(&bb)
	if err != nil {
		t.Fatal(err)
	}
	if ia.SHA256 == ib.SHA256 {
		t.Error("different files gave the same hash")
	}
}

func TestNotAnImage(t *testing.T) {
	pngHead := []byte("\x89PNG\r\n\x1a\n\x00\x00")
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"text", []byte(`{"lines": []}`), "unknown format"},
		{"empty", nil, "the file is empty"},
		{"truncated png", pngHead, "damaged header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tc.data))
			if !errors.Is(err, ErrNotImage) {
				t.Fatalf("Decode err = %v, want ErrNotImage", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decode err = %q, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestReadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "receipt.png")
	if err := os.WriteFile(path, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(path)
	if !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), path) {
		t.Errorf("Read err = %v, want ErrNotImage naming %s", err, path)
	}
	_, err = Read(filepath.Join(t.TempDir(), "missing.png"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read of a missing file: err = %v, want os.ErrNotExist", err)
	}
}
