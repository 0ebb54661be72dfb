package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/ddb"
	"github.com/receiptdynamo/receiptdynamo/sqlite"
)

// EnvDB names the environment variable that chooses the embedded file when
// --db is not given.
const EnvDB = "RECEIPT_DYNAMO_DB"

// Names of the default embedded file, under the per-user data folder.
const (
	appDir = "receipt-dynamo"
	dbFile = "receipt-dynamo.db"
)

// storeSpec says which store a command uses: an embedded file or a
// DynamoDB table.
type storeSpec struct {
	Path    string // the embedded file, when Table is ""
	Table   string // the DynamoDB table
	Default bool   // Path is the per-user default
}

// embedded reports whether the store is an embedded file.
func (s storeSpec) embedded() bool { return s.Table == "" }

func (s storeSpec) String() string {
	if s.embedded() {
		return "embedded store " + s.Path
	}
	return fmt.Sprintf("DynamoDB table %q", s.Table)
}

// resolveStore picks the store: --table, else --db, else RECEIPT_DYNAMO_DB,
// else the per-user default file.
func resolveStore(g globalOptions, getenv func(string) string, goos string) (storeSpec, error) {
	switch {
	case g.Table != "" && g.DB != "":
		return storeSpec{}, usagef("--db and --table choose different stores; give one")
	case g.Table != "":
		return storeSpec{Table: g.Table}, nil
	case g.DB != "":
		return storeSpec{Path: g.DB}, nil
	case getenv(EnvDB) != "":
		return storeSpec{Path: getenv(EnvDB)}, nil
	}
	dir, err := dataDir(getenv, goos)
	if err != nil {
		return storeSpec{}, err
	}
	return storeSpec{Path: filepath.Join(dir, appDir, dbFile), Default: true}, nil
}

// dataDir returns the per-user folder for application data: XDG_DATA_HOME
// if set, else ~/Library/Application Support on macOS, %LocalAppData% on
// Windows, and ~/.local/share elsewhere.
func dataDir(getenv func(string) string, goos string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return d, nil
	}
	if goos == "windows" {
		if d := getenv("LocalAppData"); d != "" {
			return d, nil
		}
	}
	home := getenv("HOME")
	if goos == "windows" && home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return "", errors.New("cannot find the per-user data folder: HOME is not set; " +
			"give --db FILE or set " + EnvDB)
	}
	if goos == "darwin" {
		return filepath.Join(home, "Library", "Application Support"), nil
	}
	return filepath.Join(home, ".local", "share"), nil
}

// store is the opened store of a run.
type store struct {
	spec   storeSpec
	table  rd.Table
	client *rd.Client
}

// openMode says what a command needs of the table.
type openMode int

const (
	// needTable fails when the table or file does not exist.
	needTable openMode = iota
	// createEmbedded creates a missing embedded file; a missing DynamoDB
	// table is still an error, since creating one is a decision with a cost.
	createEmbedded
	// noCheck opens without looking (table create).
	noCheck
)

// tableMissingError explains a store whose table does not exist. It
// matches rd.ErrTableNotFound.
type tableMissingError struct{ spec storeSpec }

func (e *tableMissingError) Error() string {
	if e.spec.embedded() {
		return fmt.Sprintf("no receipt table in %s (file missing or empty); "+
			"create it with \"receipt-dynamo table create\", or import something, "+
			"which creates it", e.spec.Path)
	}
	return fmt.Sprintf("DynamoDB table %q does not exist; create it with "+
		"\"receipt-dynamo --table %s table create\"", e.spec.Table, e.spec.Table)
}

func (e *tableMissingError) Is(target error) bool { return target == rd.ErrTableNotFound }

// openStore opens the store of the run once.
func (a *app) openStore(ctx context.Context, mode openMode) (*store, error) {
	if a.st != nil {
		return a.st, nil
	}
	spec, err := resolveStore(a.global, a.env.Getenv, a.env.GOOS)
	if err != nil {
		return nil, err
	}
	t, err := a.openTable(ctx, spec)
	if err != nil {
		return nil, err
	}
	st := &store{spec: spec, table: t, client: rd.NewClient(t,
		rd.WithClientLogger(a.log), rd.WithClock(a.env.Now))}
	if err := a.checkTable(ctx, st, mode); err != nil {
		t.Close()
		return nil, err
	}
	a.st = st
	return st, nil
}

func (a *app) openTable(ctx context.Context, spec storeSpec) (rd.Table, error) {
	if spec.embedded() {
		a.log.Debug("opening the embedded store", "path", spec.Path)
		return sqlite.Open(ctx, spec.Path, sqlite.WithLogger(a.log))
	}
	a.log.Debug("opening the DynamoDB table", "table", spec.Table)
	return ddb.Open(ctx, spec.Table, ddb.WithLogger(a.log))
}

// checkTable makes sure the table exists, creating a missing embedded one
// if mode allows.
func (a *app) checkTable(ctx context.Context, st *store, mode openMode) error {
	if mode == noCheck {
		return nil
	}
	_, err := st.table.Describe(ctx)
	if err == nil {
		return nil
	}
	if !errors.Is(err, rd.ErrTableNotFound) {
		return fmt.Errorf("open %s: %w", st.spec, err)
	}
	if mode != createEmbedded || !st.spec.embedded() {
		return &tableMissingError{spec: st.spec}
	}
	if err := os.MkdirAll(filepath.Dir(st.spec.Path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", st.spec, err)
	}
	if err := st.table.Create(ctx); err != nil && !errors.Is(err, rd.ErrTableExists) {
		return fmt.Errorf("create %s: %w", st.spec, err)
	}
	fmt.Fprintf(a.env.Stderr, "created %s\n", st.spec)
	return nil
}

// tableErr turns a missing table met during a command into the explaining
// error.
func (a *app) tableErr(err error) error {
	if errors.Is(err, rd.ErrTableNotFound) && a.st != nil {
		var tm *tableMissingError
		if !errors.As(err, &tm) {
			return &tableMissingError{spec: a.st.spec}
		}
	}
	return err
}

// notFound rewords a not-found error as what was looked for and where; any
// other error goes through tableErr.
func (a *app) notFound(err error, format string, args ...any) error {
	var tm *tableMissingError
	if errors.Is(err, rd.ErrNotFound) && !errors.As(err, &tm) && a.st != nil {
		return fmt.Errorf("%s: not found in %s: %w", fmt.Sprintf(format, args...), a.st.spec,
			rd.ErrNotFound)
	}
	return a.tableErr(err)
}

func (a *app) closeStore() error {
	if a.st == nil {
		return nil
	}
	err := a.st.table.Close()
	a.st = nil
	return err
}
