package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// dynaliteServer is the dynalite server of the run: one given by URL, or
// one that the run started and stops.
type dynaliteServer struct {
	url  string
	cmd  *exec.Cmd // nil when the server was given
	log  string    // the started server's log file
	note string    // how the server came to be, for the report
}

// dynaliteServer returns the run's dynalite server, starting it on first
// use when no URL was given.
func (b *bench) dynaliteServer(ctx context.Context) (*dynaliteServer, error) {
	if b.dynalite != nil {
		return b.dynalite, nil
	}
	if b.o.dynaliteURL != "" {
		b.dynalite = &dynaliteServer{url: b.o.dynaliteURL,
			note: "dynalite given by -dynalite or RD_DYNALITE_URL"}
		return b.dynalite, b.warmUp(ctx, b.dynalite)
	}
	if !b.o.startServers {
		return nil, errors.New("no dynalite server: give -dynalite URL or set RD_DYNALITE_URL " +
			"(scripts/bench.sh does)")
	}
	s, err := startDynalite(ctx, b.root, b.work)
	if err != nil {
		return nil, err
	}
	b.logf("started dynalite at %s", s.url)
	b.dynalite = s
	return s, b.warmUp(ctx, s)
}

// warmUp writes the items of a few receipts into a table of the server and
// drops it, so that the first measurement does not pay for the JavaScript
// engine's compiling dynalite's hot paths.
func (b *bench) warmUp(ctx context.Context, s *dynaliteServer) error {
	images, err := b.receiptItems(b.ids[:min(4, len(b.ids))])
	if err != nil {
		return err
	}
	tbl, err := newDDBTable(ctx, s.url, "warm-up")
	if err != nil {
		return fmt.Errorf("warm up dynalite: %w", err)
	}
	defer tbl.Drop(context.WithoutCancel(ctx))
	if _, err := rawLoop(ctx, sdkClient(s.url), tbl.Name(), images,
		rawShape{images: 2, writers: 2}); err != nil {
		return fmt.Errorf("warm up dynalite: %w", err)
	}
	return nil
}

// startDynalite starts .ci/node_modules/dynalite on a free port of
// 127.0.0.1, in memory, and waits until it answers.
func startDynalite(ctx context.Context, root, work string) (*dynaliteServer, error) {
	cli := filepath.Join(root, ".ci", "node_modules", "dynalite", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		return nil, fmt.Errorf("no dynalite in .ci/node_modules (run `npm ci` in .ci/ or "+
			"scripts/bench.sh, which installs it): %w", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("dynalite needs node: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &dynaliteServer{url: "http://127.0.0.1:" + strconv.Itoa(port),
		log:  filepath.Join(work, "dynalite.log"),
		note: "dynalite 4.0.0 in memory, started by rd-bench"}
	logf, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	// scripts/dynalite-guard.js keeps dynalite alive when a client hangs up
	// mid-request (as an interrupted run does); use it as test-servers.sh
	// does, when it is there.
	var args []string
	if guard := filepath.Join(root, "scripts", "dynalite-guard.js"); fileExists(guard) {
		args = append(args, "--require", guard)
	}
	args = append(args, cli, "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	s.cmd = exec.Command(node, args...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dynalite: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()

	client := sdkClient(s.url)
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{})
		if err == nil {
			return s, nil
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("dynalite exited before answering (%v); see %s", err, s.log)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("dynalite did not answer at %s within 30 s", s.url)
		}
	}
}

// stop ends a server that the run started.
func (s *dynaliteServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// sdkClient returns a DynamoDB client of the server at url, with dummy
// credentials, that never retries on its own.
func sdkClient(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("bench", "bench", ""),
		Retryer:      aws.NopRetryer{},
	})
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
