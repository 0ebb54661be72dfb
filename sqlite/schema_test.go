package sqlite

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// rawDB opens the file with the driver alone, creating it if needed.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driverName, "file:"+path+"?mode=rwc")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func pragma(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func testItem(pk, sk string, attrs ...string) rd.Item {
	it := rd.Item{
		rd.AttrPK: &types.AttributeValueMemberS{Value: pk},
		rd.AttrSK: &types.AttributeValueMemberS{Value: sk},
	}
	for i := 0; i+1 < len(attrs); i += 2 {
		it[attrs[i]] = &types.AttributeValueMemberS{Value: attrs[i+1]}
	}
	return it
}

// TestMigrateVersion1 opens a file of schema version 1, as the first
// release wrote it (in rollback-journal mode, without the table of
// transaction tokens), and checks that Open brings it to the current
// version in WAL mode with its items intact.
func TestMigrateVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db := rawDB(t, path)
	mustExec(t, db, migrations[0])
	mustExec(t, db, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = 1",
		applicationID))
	old := testItem("IMAGE#1", "IMAGE", rd.AttrType, "IMAGE", "raw_s3_key", "a.png")
	r := encodeRow(old, nil)
	k := r.keys
	mustExec(t, db, sqlUpsert, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], 40, r.blob)
	if mode := pragma(t, db, "journal_mode"); mode != "delete" {
		t.Fatalf("the old file is in %s mode, want delete", mode)
	}
	db.Close()

	ctx := t.Context()
	var logged strings.Builder
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	tbl, err := Open(ctx, path, WithLogger(logger))
	if err != nil {
		t.Fatalf("open of a version 1 file: %v", err)
	}
	defer tbl.Close()
	want := fmt.Sprintf(`msg="sqlite: migrated schema" path=%s from=1 to=%d`, tbl.Path(),
		schemaVersion)
	if !strings.Contains(logged.String(), want) {
		t.Errorf("log of the migration: %q, want it to hold %q", logged.String(), want)
	}

	db = rawDB(t, path)
	if v := pragma(t, db, "user_version"); v != fmt.Sprint(schemaVersion) {
		t.Errorf("user_version after open: %s, want %d", v, schemaVersion)
	}
	if mode := pragma(t, db, "journal_mode"); mode != "wal" {
		t.Errorf("journal mode after open: %s, want wal", mode)
	}
	got, err := tbl.Get(ctx, rd.Key{PK: "IMAGE#1", SK: "IMAGE"})
	if err != nil {
		t.Fatalf("get of an item written before the migration: %v", err)
	}
	if !equalItems(got, old) {
		t.Errorf("item after migration: %v, want %v", got, old)
	}
	// Version 2 added the tokens of transactions.
	tx := rd.Transaction{Token: "after-migration", Actions: []rd.TxAction{
		rd.PutAction(testItem("IMAGE#1", "LINE#00001"), rd.IfNotExists)}}
	for range 2 {
		if err := tbl.TransactWrite(ctx, tx); err != nil {
			t.Fatalf("transaction with a token after migration: %v", err)
		}
	}
	info, err := tbl.Describe(ctx)
	if err != nil || info.ItemCount != 2 {
		t.Errorf("describe after migration: %+v, %v; want 2 items", info, err)
	}

	// A second open finds nothing to migrate.
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	again.Close()
}

// TestForeignFilesRefused checks that files that are not tables of this
// package are refused by Open and Create, and left byte for byte as they
// were.
func TestForeignFilesRefused(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	files := map[string]func(path string){
		"another application's database": func(path string) {
			db := rawDB(t, path)
			mustExec(t, db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
			mustExec(t, db, "INSERT INTO notes (body) VALUES ('keep me')")
			db.Close()
		},
		"a database with another application id": func(path string) {
			db := rawDB(t, path)
			mustExec(t, db, "PRAGMA application_id = 1234")
			db.Close()
		},
		"a text file": func(path string) {
			if err := os.WriteFile(path, bytes.Repeat([]byte("not a database\n"), 300),
				0o644); err != nil {
				t.Fatal(err)
			}
		},
	}
	for what, write := range files {
		path := filepath.Join(dir, what+".db")
		write(path)
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}

		_, err = Open(ctx, path)
		if !errors.Is(err, ErrForeignFile) {
			t.Errorf("open of %s: %v, want ErrForeignFile", what, err)
		}
		tbl, err := Open(ctx, filepath.Join(dir, "missing-"+what+".db"))
		if err != nil {
			t.Fatal(err)
		}
		tbl.path = path // a file that became foreign after Open
		if err := tbl.Create(ctx); !errors.Is(err, ErrForeignFile) {
			t.Errorf("create over %s: %v, want ErrForeignFile", what, err)
		}
		tbl.Close()

		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Errorf("%s was changed", what)
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			t.Errorf("%s got a write-ahead log", what)
		}
	}
}

// TestNewerSchemaRefused checks that a table of a newer schema version is
// refused rather than written with an older schema's rules.
func TestNewerSchemaRefused(t *testing.T) {
	path := createFile(t)
	db := rawDB(t, path)
	mustExec(t, db, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion+1))
	db.Close()
	_, err := Open(t.Context(), path)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

// TestMissingFile checks the contract of a file that does not exist: Open
// succeeds without creating it, every operation reports ErrTableNotFound
// and leaves it missing, and Create makes it.
func TestMissingFile(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "later.db")
	tbl, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open of a missing file: %v", err)
	}
	defer tbl.Close()

	key := rd.Key{PK: "P", SK: "1"}
	calls := map[string]func() error{
		"describe": func() error { _, err := tbl.Describe(ctx); return err },
		"get":      func() error { _, err := tbl.Get(ctx, key); return err },
		"put":      func() error { return tbl.Put(ctx, testItem("P", "1"), nil) },
		"query":    func() error { _, err := tbl.Query(ctx, rd.Query{PK: "P"}); return err },
		"count":    func() error { _, err := tbl.Count(ctx, rd.Query{PK: "P"}); return err },
		"batch write": func() error {
			return tbl.BatchWrite(ctx, []rd.WriteRequest{{Put: testItem("P", "1")}})
		},
		"transact write": func() error {
			return tbl.TransactWrite(ctx, rd.Transaction{Actions: []rd.TxAction{
				rd.PutAction(testItem("P", "1"), nil)}})
		},
		"drop": func() error { return tbl.Drop(ctx) },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, rd.ErrTableNotFound) {
			t.Errorf("%s on a missing file: %v, want ErrTableNotFound", name, err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the missing file was created: %v", err)
	}

	if err := tbl.Create(ctx); err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := tbl.Put(ctx, testItem("P", "1"), nil); err != nil {
		t.Fatalf("put after create: %v", err)
	}
	db := rawDB(t, path)
	if mode := pragma(t, db, "journal_mode"); mode != "wal" {
		t.Errorf("journal mode of a created file: %s, want wal", mode)
	}
	if id := pragma(t, db, "application_id"); id != fmt.Sprint(applicationID) {
		t.Errorf("application_id of a created file: %s", id)
	}
}

// TestDropSeenByOtherHandles checks that a table dropped through one handle
// is missing for another handle on the same file, and back when created
// again.
func TestDropSeenByOtherHandles(t *testing.T) {
	ctx := t.Context()
	path := createFile(t)
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	// Let a prepare its statements before the drop.
	key := rd.Key{PK: "P", SK: "1"}
	if err := a.Put(ctx, testItem("P", "1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Query(ctx, rd.Query{PK: "P"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Drop(ctx); err != nil {
		t.Fatal(err)
	}

	_, err = a.Get(ctx, key)
	if !errors.Is(err, rd.ErrTableNotFound) {
		t.Errorf("get after another handle dropped the table: %v", err)
	}
	if _, err := a.Query(ctx, rd.Query{PK: "P"}); !errors.Is(err, rd.ErrTableNotFound) {
		t.Errorf("query after another handle dropped the table: %v", err)
	}
	if err := a.Put(ctx, testItem("P", "2"), nil); !errors.Is(err, rd.ErrTableNotFound) {
		t.Errorf("put after another handle dropped the table: %v", err)
	}
	if err := a.Create(ctx); err != nil {
		t.Fatalf("create through the first handle: %v", err)
	}
	if err := b.Create(ctx); !errors.Is(err, rd.ErrTableExists) {
		t.Errorf("second create: %v, want ErrTableExists", err)
	}
	if err := a.Put(ctx, testItem("P", "3"), nil); err != nil {
		t.Errorf("put after the table was created again: %v", err)
	}
	if _, err := b.Get(ctx, rd.Key{PK: "P", SK: "3"}); err != nil {
		t.Errorf("get through the other handle: %v", err)
	}
	if _, err := b.Get(ctx, key); !errors.Is(err, rd.ErrNotFound) {
		t.Errorf("an item from before the drop: %v, want ErrNotFound", err)
	}
}

// equalItems compares items through their canonical encoding.
func equalItems(a, b rd.Item) bool {
	return bytes.Equal(appendItem(nil, a, true), appendItem(nil, b, true))
}

// TestCreateInMissingDirectory checks that Create says what is wrong with
// a path it cannot create.
func TestCreateInMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no such dir", "t.db")
	tbl, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Close()
	err = tbl.Create(t.Context())
	if err == nil || errors.Is(err, rd.ErrTableNotFound) ||
		!strings.Contains(err.Error(), "directory") {
		t.Errorf("create in a missing directory: %v", err)
	}
}

// TestFullSync checks that WithFullSync makes the writer sync every commit.
func TestFullSync(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want int
	}{{nil, 1}, {[]Option{WithFullSync()}, 2}} {
		tbl := openTable(t, tc.opts...)
		var level int
		if err := tbl.writer.QueryRow("PRAGMA synchronous").Scan(&level); err != nil {
			t.Fatal(err)
		}
		if level != tc.want {
			t.Errorf("options %d: synchronous = %d, want %d", len(tc.opts), level, tc.want)
		}
	}
}

// TestPathWithURICharacters checks a file name that holds the characters
// of URI syntax.
func TestPathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a dir %20 #1")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "receipts?mode=ro&x=1#frag.db")
	tbl, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Close()
	if err := tbl.Create(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Put(t.Context(), testItem("P", "1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the file is not where its name says: %v", err)
	}
}
