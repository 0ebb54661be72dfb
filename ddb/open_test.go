package ddb_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	rd "github.com/receiptdynamo/receiptdynamo"
	"github.com/receiptdynamo/receiptdynamo/ddb"
)

// isolateAWSConfig points the AWS configuration chain at files that do not
// exist and clears the variables it reads, so that only what the test sets
// counts.
func isolateAWSConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, name := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(name, "")
	}
}

// TestOpenFromEnvironment opens the engine through the standard
// configuration chain, with the endpoint taken from
// AWS_ENDPOINT_URL_DYNAMODB, and uses it.
func TestOpenFromEnvironment(t *testing.T) {
	url := serverURL(t, envDynalite)
	isolateAWSConfig(t)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", url)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	ctx := t.Context()

	tbl, err := ddb.Open(ctx, tableName(t), ddb.WithRetryPolicy(testPolicy))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := tbl.Describe(ctx); !errors.Is(err, rd.ErrTableNotFound) {
		t.Errorf("describe before create: %v, want ErrTableNotFound", err)
	}
	if err := tbl.Create(ctx); err != nil {
		t.Fatalf("create: %v", err)
	}
	defer tbl.Drop(ctx)
	item := rd.Item{rd.AttrPK: &types.AttributeValueMemberS{Value: "P"},
		rd.AttrSK: &types.AttributeValueMemberS{Value: "1"}}
	if err := tbl.Put(ctx, item, nil); err != nil {
		t.Fatalf("put: %v", err)
	}

	// The item is on the server named by the variable.
	direct, err := ddb.New(newClient(url), tbl.Name())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := direct.Get(ctx, rd.Key{PK: "P", SK: "1"}); err != nil {
		t.Errorf("get past the configuration chain: %v", err)
	}
}

// TestOpenWithoutRegion needs no server: Open refuses a configuration
// without a region, naming it.
func TestOpenWithoutRegion(t *testing.T) {
	isolateAWSConfig(t)
	_, err := ddb.Open(t.Context(), "some-table")
	var ve *rd.ValidationError
	if !errors.As(err, &ve) || ve.Field != "region" {
		t.Errorf("open without a region: %v, want a ValidationError on the region", err)
	}
}

func TestNewRefusesBadNames(t *testing.T) {
	client := newClient("http://127.0.0.1:1")
	for _, name := range []string{"", "ab", "has space", "slash/name"} {
		if _, err := ddb.New(client, name); !errors.Is(err, rd.ErrInvalid) {
			t.Errorf("New(%q): %v, want ErrInvalid", name, err)
		}
	}
	if _, err := ddb.New(nil, "fine-name"); err == nil {
		t.Errorf("New with a nil client: no error")
	}
}
