package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

const rootLong = `  receipt-dynamo [--db FILE | --table NAME] COMMAND [ARGS] [FLAGS]

receipt-dynamo keeps receipts in one table: the OCR of receipt photos
(images, lines, words, letters), the receipts found in them, tags on their
words, and the jobs, queues and instances that train models on them.

Store:
  The table is an embedded file by default, at
    $XDG_DATA_HOME/receipt-dynamo/receipt-dynamo.db
  (~/.local/share/receipt-dynamo/ when XDG_DATA_HOME is unset;
  ~/Library/Application Support/receipt-dynamo/ on macOS,
  %LocalAppData%\receipt-dynamo\ on Windows).
  --db FILE, or the environment variable RECEIPT_DYNAMO_DB, chooses another
  file. --table NAME uses the DynamoDB table NAME instead, reached through
  the standard AWS configuration (AWS_REGION, AWS_PROFILE, credentials;
  AWS_ENDPOINT_URL_DYNAMODB points at a local DynamoDB-compatible server).
  "table create" creates the table; "import" and "restore" create the
  embedded file when it is missing, never a DynamoDB table.

Output:
  Data goes to stdout: an aligned table on a terminal, tab-separated values
  without a header when piped, JSON with --json. Messages, warnings and
  progress bars go to stderr (progress only when stderr is a terminal).

Exit codes:
  0    success
  1    failure
  2    usage: unknown command or flag, wrong arguments
  3    not found: the item, or the table or file
  4    some inputs of an import failed; the others were stored
  130  interrupted`

const rootExample = `  # Import the sample that ships with the project and look at it
  receipt-dynamo import testdata/sample/*_SWIFT_OCR.json
  receipt-dynamo images

  # The same on a DynamoDB table
  receipt-dynamo --table receipts table create
  receipt-dynamo --table receipts import --sroie ../shared/data/sroie --limit 50`

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "receipt-dynamo [--db FILE | --table NAME] COMMAND [ARGS] [FLAGS]",
		Short:         "Import, query and change receipt data and training jobs",
		Long:          rootLong,
		Example:       rootExample,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRun: func(*cobra.Command, []string) {
			a.setup()
		},
	}
	root.SetOut(a.env.Stdout)
	root.SetErr(a.env.Stderr)
	root.SetIn(a.env.Stdin)
	root.CompletionOptions.DisableDefaultCmd = true

	f := root.PersistentFlags()
	f.StringVar(&a.global.DB, "db", "", "embedded store `FILE` (default: $"+EnvDB+
		", else the per-user file)")
	f.StringVar(&a.global.Table, "table", "", "use the DynamoDB table `NAME`")
	f.BoolVar(&a.global.JSON, "json", false, "print data as JSON")
	f.BoolVarP(&a.global.Verbose, "verbose", "v", false, "log debug messages to stderr")

	root.AddCommand(
		a.tableCmd(),
		newImportCmd(run(a, a.runImport)),
		newBackupCmd(run(a, a.runBackup)),
		newRestoreCmd(run(a, a.runRestore)),
		a.exportCmd(),
		newImagesCmd(run(a, a.runImages)),
		newImageCmd(run(a, a.runImage)),
		newReceiptsCmd(run(a, a.runReceipts)),
		newReceiptCmd(run(a, a.runReceipt)),
		newWordsCmd(run(a, a.runWords)),
		newTagsCmd(run(a, a.runTags)),
		a.tagCmd(),
		a.jobCmd(),
		a.queueCmd(),
		a.instanceCmd(),
	)
	return root
}

// command makes a cobra command whose RunE fills o from the arguments with
// parse (which reports usage errors) and then calls runF.
func command[O any](c *cobra.Command, o *O, parse func(args []string) error,
	runF func(context.Context, *O) error) *cobra.Command {
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if parse != nil {
			if err := parse(args); err != nil {
				return err
			}
		}
		return runF(cmd.Context(), o)
	}
	return c
}

// exactArgs requires n arguments, named in the message when they are
// missing or too many.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s takes %d argument(s), %s; got %d", cmd.CommandPath(), n,
				names, len(args))
		}
		return nil
	}
}

// rangeArgs requires from min to max arguments.
func rangeArgs(min, max int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return fmt.Errorf("%s takes %s; got %d argument(s)", cmd.CommandPath(), names,
				len(args))
		}
		return nil
	}
}
