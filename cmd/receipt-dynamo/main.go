// Command receipt-dynamo imports, queries and changes the receipt table, on
// the embedded default store or on a DynamoDB table. Run it with --help for
// the commands, the choice of store and the exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/receiptdynamo/receiptdynamo/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
