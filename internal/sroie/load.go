package sroie

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Dataset is a SROIE folder: box/, key/ and manifest.tsv.
type Dataset struct {
	Dir   string
	Scans map[string]Scan
}

// ManifestName is the file of a SROIE folder that gives each scan's size
// and hash.
const ManifestName = "manifest.tsv"

// IsDataset reports whether dir looks like a SROIE folder: it has box/ and
// manifest.tsv.
func IsDataset(dir string) bool {
	if st, err := os.Stat(filepath.Join(dir, "box")); err != nil || !st.IsDir() {
		return false
	}
	_, err := os.Stat(filepath.Join(dir, ManifestName))
	return err == nil
}

// BoxFileDataset returns the SROIE folder and receipt id of a box file path
// such as sroie/box/003.csv, or false if path is not a box file of a SROIE
// folder.
func BoxFileDataset(path string) (dir, id string, ok bool) {
	if filepath.Ext(path) != ".csv" || filepath.Base(filepath.Dir(path)) != "box" {
		return "", "", false
	}
	dir = filepath.Dir(filepath.Dir(path))
	if !IsDataset(dir) {
		return "", "", false
	}
	return dir, strings.TrimSuffix(filepath.Base(path), ".csv"), true
}

// Open reads the manifest of the SROIE folder dir.
func Open(dir string) (*Dataset, error) {
	path := filepath.Join(dir, ManifestName)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sroie: %w", err)
	}
	defer f.Close()
	scans, err := ReadManifest(f, path)
	if err != nil {
		return nil, err
	}
	return &Dataset{Dir: dir, Scans: scans}, nil
}

// IDs returns the ids of the receipts in box/, sorted.
func (d *Dataset) IDs() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(d.Dir, "box"))
	if err != nil {
		return nil, fmt.Errorf("sroie: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if name := e.Name(); !e.IsDir() && filepath.Ext(name) == ".csv" {
			ids = append(ids, strings.TrimSuffix(name, ".csv"))
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// BoxPath returns the path of receipt id's box file.
func (d *Dataset) BoxPath(id string) string {
	return filepath.Join(d.Dir, "box", id+".csv")
}

// KeyPath returns the path of receipt id's key file.
func (d *Dataset) KeyPath(id string) string {
	return filepath.Join(d.Dir, "key", id+".json")
}

// Load reads and builds receipt id, with now as the time its entities were
// added. Errors name the file and line at fault.
func (d *Dataset) Load(id string, now time.Time) (*Receipt, error) {
	scan, ok := d.Scans[id]
	if !ok {
		return nil, &InputError{File: filepath.Join(d.Dir, ManifestName),
			Err: fmt.Errorf("no scan with id %q", id)}
	}
	boxPath := d.BoxPath(id)
	lines, err := readFile(boxPath, func(f *os.File) ([]BoxLine, error) {
		return ParseBox(f, boxPath)
	})
	if err != nil {
		return nil, err
	}
	keyPath := d.KeyPath(id)
	key, err := readFile(keyPath, func(f *os.File) (Key, error) {
		return ParseKey(f, keyPath)
	})
	if err != nil {
		return nil, err
	}
	return Build(id, scan, lines, key, now, boxPath)
}

func readFile[T any](path string, parse func(*os.File) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		var pe *os.PathError
		if errors.As(err, &pe) {
			return zero, &InputError{File: path, Err: pe.Err}
		}
		return zero, &InputError{File: path, Err: err}
	}
	defer f.Close()
	return parse(f)
}
