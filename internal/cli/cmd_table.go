package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func (a *app) tableCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "table",
		Short: "Create or describe the table",
		Long: `Create the table with the full schema (the key, the indexes GSI1, GSI2, GSI3
and GSITYPE), or describe it.`,
		Example: `  receipt-dynamo table create
  receipt-dynamo --table receipts table create
  receipt-dynamo table describe --json`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(
		newTableCreateCmd(run(a, a.runTableCreate)),
		newTableDescribeCmd(run(a, a.runTableDescribe)),
	)
	return c
}

// tableOptions are the options of table create and table describe.
type tableOptions struct{}

func newTableCreateCmd(runF func(context.Context, *tableOptions) error) *cobra.Command {
	o := &tableOptions{}
	return command(&cobra.Command{
		Use:   "create",
		Short: "Create the table",
		Long: `Create the table: the embedded file (and its folder), or the DynamoDB
table, on demand billing, waiting until it is active. It fails if the table
exists.`,
		Example: `  receipt-dynamo table create
  receipt-dynamo --db ./receipts.db table create
  AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 receipt-dynamo --table receipts table create`,
		Args: cobra.NoArgs,
	}, o, nil, runF)
}

func newTableDescribeCmd(runF func(context.Context, *tableOptions) error) *cobra.Command {
	o := &tableOptions{}
	return command(&cobra.Command{
		Use:     "describe",
		Short:   "Show the table's name, status, indexes and item count",
		Example: `  receipt-dynamo table describe`,
		Args:    cobra.NoArgs,
	}, o, nil, runF)
}

func (a *app) runTableCreate(ctx context.Context, _ *tableOptions) error {
	st, err := a.openStore(ctx, noCheck)
	if err != nil {
		return err
	}
	if st.spec.embedded() {
		if err := os.MkdirAll(filepath.Dir(st.spec.Path), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", st.spec, err)
		}
	}
	if err := st.table.Create(ctx); err != nil {
		if errors.Is(err, rd.ErrTableExists) {
			return fmt.Errorf("%s already exists", st.spec)
		}
		return fmt.Errorf("create %s: %w", st.spec, err)
	}
	fmt.Fprintf(a.env.Stderr, "created %s\n", st.spec)
	return a.printTableInfo(ctx, st)
}

func (a *app) runTableDescribe(ctx context.Context, _ *tableOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	return a.printTableInfo(ctx, st)
}

// tableView is the JSON of a table.
type tableView struct {
	Engine    string   `json:"engine"`
	Name      string   `json:"name"`
	Status    string   `json:"status"`
	Indexes   []string `json:"indexes"`
	ItemCount int64    `json:"item_count"`
}

func (a *app) printTableInfo(ctx context.Context, st *store) error {
	info, err := st.table.Describe(ctx)
	if err != nil {
		return a.tableErr(err)
	}
	v := tableView{Engine: "dynamodb", Name: info.Name, Status: info.Status,
		Indexes: info.Indexes, ItemCount: info.ItemCount}
	if st.spec.embedded() {
		v.Engine = "embedded"
	}
	return a.out.record([]field{
		{"engine", v.Engine},
		{"name", v.Name},
		{"status", v.Status},
		{"indexes", strings.Join(v.Indexes, ", ")},
		{"items", strconv.FormatInt(v.ItemCount, 10)},
	}, v)
}
