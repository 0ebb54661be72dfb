package ddb_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"os"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/receiptdynamo/receiptdynamo/ddb"
)

// The tests of this package run against DynamoDB-compatible servers whose
// base URLs come from the environment; scripts/test-servers.sh starts them
// and sets these variables. Without a URL a server test is skipped, unless
// RD_REQUIRE_SERVERS=1 (as in scripts/test.sh and CI), where it fails.
const (
	envDynalite = "RD_DYNALITE_URL"
	envMoto     = "RD_MOTO_URL"
	envRequire  = "RD_REQUIRE_SERVERS"
)

// serverURL returns the base URL of the server named by the variable env,
// or skips (fails, when servers are required) the test.
func serverURL(t *testing.T, env string) string {
	t.Helper()
	url := os.Getenv(env)
	switch {
	case url != "":
		return url
	case os.Getenv(envRequire) == "1":
		t.Fatalf("%s is not set but %s=1: start the servers with scripts/test-servers.sh",
			env, envRequire)
	default:
		t.Skipf("%s is not set: no server to test against (run scripts/test.sh)", env)
	}
	return ""
}

// testPolicy retries as often as the default policy but waits far less, so
// that the fault tests, which meet hundreds of retries, stay quick.
var testPolicy = ddb.RetryPolicy{
	MaxAttempts: 10,
	BaseDelay:   2 * time.Millisecond,
	MaxDelay:    50 * time.Millisecond,
}

// newClient returns a DynamoDB client for the server at url, with dummy
// credentials, which both servers accept.
func newClient(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   &http.Client{Timeout: 2 * time.Minute},
	})
}

var tableSeq atomic.Int64

// namePart keeps the characters of a test name that a table name allows.
var namePart = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// tableName returns a table name not used before by this process, nor, but
// for a clock going backwards, by an earlier run against the same server.
func tableName(t *testing.T) string {
	h := fnv.New32a()
	h.Write([]byte(t.Name()))
	name := namePart.ReplaceAllString(t.Name(), "-")
	if len(name) > 150 {
		name = name[:150]
	}
	return fmt.Sprintf("rd-%s-%08x-%d-%d", name, h.Sum32(), time.Now().UnixNano(),
		tableSeq.Add(1))
}

// newTable returns an engine on a table of a fresh name, not yet created,
// reached through client.
func newTable(t *testing.T, client *dynamodb.Client, opts ...ddb.Option) *ddb.Table {
	t.Helper()
	opts = append([]ddb.Option{ddb.WithRetryPolicy(testPolicy)}, opts...)
	tbl, err := ddb.New(client, tableName(t), opts...)
	if err != nil {
		t.Fatalf("ddb.New: %v", err)
	}
	return tbl
}

// createTable returns an engine on a created table of a fresh name, dropped
// when the test ends.
func createTable(t *testing.T, client *dynamodb.Client, opts ...ddb.Option) *ddb.Table {
	t.Helper()
	tbl := newTable(t, client, opts...)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := tbl.Create(ctx); err != nil {
		t.Fatalf("create table %s: %v", tbl.Name(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := tbl.Drop(ctx); err != nil {
			t.Errorf("drop table %s: %v", tbl.Name(), err)
		}
	})
	return tbl
}
