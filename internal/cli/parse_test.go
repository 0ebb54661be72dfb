package cli

import (
	"context"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// Flag parsing is tested without running anything: each command is built
// with a run function that only records the options it was given.

// parse runs the command built by newCmd on args and returns the options
// its run function received (nil if it was not called).
func parse[O any](newCmd func(func(context.Context, *O) error) *cobra.Command,
	args ...string) (*O, error) {
	var got *O
	cmd := newCmd(func(_ context.Context, o *O) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return got, err
}

// parseCase is one command line and what parsing must give: the options,
// or an error containing wantErr.
type parseCase[O any] struct {
	name    string
	args    []string
	want    *O
	wantErr string
}

func runParseCases[O any](t *testing.T, newCmd func(func(context.Context, *O) error) *cobra.Command,
	cases []parseCase[O]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parse(newCmd, tc.args...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if got != nil {
					t.Error("the command ran despite the error")
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("options =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

const (
	img  = "27e58027-edd6-45af-9038-3a778feda954"
	job1 = "0b8e5c1e-3f52-4d7a-9a51-6c2f0e4b7d10"
	inst = "7d0f3a2b-8c4e-4f1a-b6d2-9e5c3a1b0f47"
)

func TestParseImport(t *testing.T) {
	w := defaultWorkers()
	runParseCases(t, newImportCmd, []parseCase[importOptions]{
		{name: "files", args: []string{"a.json", "b.json"},
			want: &importOptions{Files: []string{"a.json", "b.json"}, Workers: w}},
		{name: "photos in order", args: []string{"a.json", "b.json", "--image", "a.png",
			"--image", "b.jpg", "--workers", "2"},
			want: &importOptions{Files: []string{"a.json", "b.json"},
				Images: []string{"a.png", "b.jpg"}, Workers: 2}},
		{name: "sroie", args: []string{"--sroie", "data/sroie", "--limit", "50"},
			want: &importOptions{SROIE: "data/sroie", Limit: 50, Workers: w}},
		{name: "image id", args: []string{"x.json", "--image-id", strings.ToUpper(img)},
			want: &importOptions{Files: []string{"x.json"}, ImageID: strings.ToUpper(img),
				Workers: w}},
		{name: "nothing", args: nil, wantErr: "nothing to import"},
		{name: "photo count", args: []string{"a.json", "b.json", "--image", "a.png"},
			wantErr: "give --image once per OCR file: 1 photos for 2 files"},
		{name: "negative limit", args: []string{"--sroie", "d", "--limit", "-1"},
			wantErr: "--limit must be 0 or more"},
		{name: "no workers", args: []string{"a.json", "--workers", "0"},
			wantErr: "--workers must be 1 or more"},
		{name: "image id of many", args: []string{"a.json", "b.json", "--image-id", img},
			wantErr: "names the image of one OCR file"},
		{name: "image id not a uuid", args: []string{"a.json", "--image-id", "x"},
			wantErr: "--image-id must be a UUID version 4"},
		{name: "limit not a number", args: []string{"--sroie", "d", "--limit", "ten"},
			wantErr: `invalid argument "ten"`},
	})
}

func TestParseQueries(t *testing.T) {
	runParseCases(t, newImagesCmd, []parseCase[listOptions]{
		{name: "all", want: &listOptions{}},
		{name: "page", args: []string{"--limit", "5", "--cursor", "abc"},
			want: &listOptions{Limit: 5, Cursor: "abc"}},
		{name: "argument", args: []string{"x"}, wantErr: `unknown command "x"`},
		{name: "negative", args: []string{"--limit", "-2"}, wantErr: "--limit must be 0 or more"},
	})
	runParseCases(t, newImageCmd, []parseCase[imageOptions]{
		{name: "lower-cased", args: []string{strings.ToUpper(img)},
			want: &imageOptions{ImageID: img}},
		{name: "not a uuid", args: []string{"42"}, wantErr: "IMAGE_ID must be a UUID version 4"},
		{name: "missing", args: nil, wantErr: "takes 1 argument(s), IMAGE_ID; got 0"},
	})
	runParseCases(t, newReceiptCmd, []parseCase[receiptOptions]{
		{name: "ok", args: []string{img, "2"}, want: &receiptOptions{ImageID: img, ReceiptID: 2}},
		{name: "zero", args: []string{img, "0"}, wantErr: "RECEIPT_ID must be a number from 1"},
		{name: "too big", args: []string{img, "100000"}, wantErr: "from 1 to 99999"},
	})
	runParseCases(t, newWordsCmd, []parseCase[wordsOptions]{
		{name: "tag", args: []string{"--tag", "total", "--receipt", "--limit", "3"},
			want: &wordsOptions{Tag: "total", Receipt: true, listOptions: listOptions{Limit: 3}}},
		{name: "no tag", args: nil, wantErr: "give the tag: words --tag TAG"},
	})
	runParseCases(t, newExportImageCmd, []parseCase[exportOptions]{
		{name: "stdout", args: []string{img}, want: &exportOptions{ImageID: img}},
		{name: "file", args: []string{img, "-o", "x.json"},
			want: &exportOptions{ImageID: img, Output: "x.json"}},
	})
	runParseCases(t, newTagsCmd, []parseCase[tagsOptions]{
		{name: "word", args: []string{img, "--receipt", "1", "--line", "3", "--word", "2"},
			want: &tagsOptions{ImageID: img, Receipt: 1, Line: 3, Word: 2}},
		{name: "word without line", args: []string{img, "--word", "2"},
			wantErr: "--word needs --line"},
	})
}

func TestParseBackupRestore(t *testing.T) {
	runParseCases(t, newBackupCmd, []parseCase[backupOptions]{
		{name: "file", args: []string{"all.jsonl"}, want: &backupOptions{File: "all.jsonl"}},
		{name: "stdout", args: []string{"-"}, want: &backupOptions{File: "-"}},
		{name: "no file", args: nil, wantErr: "takes 1 argument(s), FILE"},
	})
	runParseCases(t, newRestoreCmd, []parseCase[restoreOptions]{
		{name: "merge", args: []string{"all.jsonl", "--merge"},
			want: &restoreOptions{File: "all.jsonl", Merge: true}},
		{name: "stdin", args: []string{"-"}, wantErr: "cannot read stdin"},
	})
}

func TestParseTag(t *testing.T) {
	word := wordAddress{ImageID: img, Line: 3, Word: 1}
	rword := wordAddress{ImageID: img, Receipt: 2, Line: 3, Word: 1}
	runParseCases(t, newTagAddCmd, []parseCase[tagOptions]{
		{name: "upper-cased", args: []string{img, "3", "1", "total"},
			want: &tagOptions{Word: word, Tag: "TOTAL"}},
		{name: "receipt", args: []string{img, "3", "1", "Date", "--receipt", "2"},
			want: &tagOptions{Word: rword, Tag: "DATE"}},
		{name: "bad line", args: []string{img, "x", "1", "TOTAL"},
			wantErr: `LINE must be a number from 1 to 99999, got "x"`},
		{name: "underscore", args: []string{img, "3", "1", "_TOTAL"}, wantErr: `TAG "_TOTAL"`},
		{name: "too few", args: []string{img, "3", "1"},
			wantErr: "takes 4 argument(s), IMAGE_ID LINE WORD TAG"},
	})
	runParseCases(t, newTagValidateCmd, []parseCase[tagOptions]{
		{name: "model", args: []string{img, "3", "1", "TOTAL", "--confidence", "0.75",
			"--flag", "ok", "--revised-tag", "subtotal"},
			want: &tagOptions{Word: word, Tag: "TOTAL", Confidence: 0.75, Flag: "ok",
				RevisedTag: "SUBTOTAL"}},
		{name: "human, wrong", args: []string{img, "3", "1", "TOTAL", "--human", "--invalid"},
			want: &tagOptions{Word: word, Tag: "TOTAL", Human: true, Invalid: true}},
		{name: "confidence range", args: []string{img, "3", "1", "TOTAL", "--confidence", "2"},
			wantErr: "--confidence must be a number in (0, 1]"},
		{name: "human with confidence", args: []string{img, "3", "1", "TOTAL", "--human",
			"--confidence", "0.5"}, wantErr: "do not go with --human"},
	})
}

func TestParseJob(t *testing.T) {
	got, err := parse(newJobCreateCmd, "train", "--created-by", "alice", "--priority", "HIGH",
		"--config", `{"lr": 0.001, "layers": [1, 2]}`, "--label", "team=ml", "--label", "x=",
		"--estimated-duration", "3600", "--id", strings.ToUpper(job1))
	if err != nil {
		t.Fatal(err)
	}
	want := rd.Job{ID: job1, Name: "train", CreatedBy: "alice", Status: rd.JobPending,
		Priority: rd.PriorityHigh, EstimatedDuration: 3600,
		Config: map[string]any{"lr": json.Number("0.001"),
			"layers": []any{json.Number("1"), json.Number("2")}},
		Tags: map[string]string{"team": "ml", "x": ""}}
	if !reflect.DeepEqual(got.Job, want) {
		t.Errorf("job create options = %+v, want %+v", got.Job, want)
	}
	if got, err := parse(newJobCreateCmd, "train", "--created-by", "a"); err != nil ||
		!rd.IsUUIDv4(got.Job.ID) || got.Job.Priority != rd.PriorityMedium {
		t.Errorf("job create without --id: %+v, %v; want a new UUID, medium", got, err)
	}
	runParseCases(t, newJobCreateCmd, []parseCase[jobCreateOptions]{
		{name: "no user", args: []string{"train"}, wantErr: "give --created-by USER"},
		{name: "priority", args: []string{"t", "--created-by", "a", "--priority", "urgent"},
			wantErr: "--priority"},
		{name: "config", args: []string{"t", "--created-by", "a", "--config", "[1]"},
			wantErr: "--config must be a JSON object"},
		{name: "label", args: []string{"t", "--created-by", "a", "--label", "team"},
			wantErr: `--label must be KEY=VALUE, got "team"`},
	})

	p := 12.5
	runParseCases(t, newJobStatusCmd, []parseCase[jobStatusOptions]{
		{name: "running", args: []string{job1, "Running", "--progress", "12.5", "--message",
			"epoch 1", "--by", "w3", "--instance", inst},
			want: &jobStatusOptions{Status: rd.JobStatus{JobID: job1, Status: rd.JobRunning,
				Progress: &p, Message: "epoch 1", UpdatedBy: "w3", InstanceID: inst}}},
		{name: "bad status", args: []string{job1, "done"}, wantErr: "STATUS"},
		{name: "progress", args: []string{job1, "running", "--progress", "101"},
			wantErr: "--progress must be a number from 0 to 100"},
		{name: "job id", args: []string{"job-1", "running"},
			wantErr: `JOB_ID must be a UUID version 4, got "job-1"`},
	})
	runParseCases(t, newJobListCmd, []parseCase[jobListOptions]{
		{name: "status", args: []string{"--status", "FAILED"},
			want: &jobListOptions{Status: rd.JobFailed}},
		{name: "both", args: []string{"--status", "failed", "--user", "a"},
			wantErr: "give one"},
	})
	runParseCases(t, newJobLogCmd, []parseCase[jobLogOptions]{
		{name: "record", args: []string{job1, "hello", "--level", "warning", "--source", "s"},
			want: &jobLogOptions{Log: rd.JobLog{JobID: job1, Message: "hello",
				Level: rd.LogWarning, Source: "s"}}},
		{name: "list", args: []string{job1, "--min-level", "error"},
			want: &jobLogOptions{Log: rd.JobLog{JobID: job1}, MinLevel: rd.LogError}},
		{name: "level", args: []string{job1, "x", "--level", "loud"}, wantErr: "--level"},
	})
	step := 3
	runParseCases(t, newJobMetricCmd, []parseCase[jobMetricOptions]{
		{name: "number", args: []string{job1, "loss", "0.25", "--step", "3"},
			want: &jobMetricOptions{Record: true, Metric: rd.JobMetric{JobID: job1,
				Name: "loss", Value: 0.25, Step: &step}}},
		{name: "object", args: []string{job1, "f1", `{"total": 0.9}`},
			want: &jobMetricOptions{Record: true, Metric: rd.JobMetric{JobID: job1,
				Name: "f1", Value: map[string]any{"total": json.Number("0.9")}}}},
		{name: "list", args: []string{job1, "loss"},
			want: &jobMetricOptions{Metric: rd.JobMetric{JobID: job1, Name: "loss"}}},
		{name: "every", args: []string{job1},
			want: &jobMetricOptions{Metric: rd.JobMetric{JobID: job1}}},
		{name: "empty name", args: []string{job1, ""}, wantErr: "NAME must not be empty"},
		{name: "value", args: []string{job1, "loss", "low"},
			wantErr: "VALUE must be a number or a JSON object"},
	})
	runParseCases(t, newJobCheckpointCmd, []parseCase[jobCheckpointOptions]{
		{name: "record", args: []string{job1, "--s3", "s3://models/a/b.pt", "--size", "10",
			"--best"}, want: &jobCheckpointOptions{Record: true, Checkpoint: rd.JobCheckpoint{
			JobID: job1, S3Bucket: "models", S3Key: "a/b.pt", SizeBytes: 10, ModelState: true,
			IsBest: true}}},
		{name: "list", args: []string{job1},
			want: &jobCheckpointOptions{Checkpoint: rd.JobCheckpoint{JobID: job1,
				ModelState: true}}},
		{name: "s3", args: []string{job1, "--s3", "models/a.pt"}, wantErr: "s3://BUCKET/KEY"},
	})
	runParseCases(t, newJobDependencyCmd, []parseCase[jobDependencyOptions]{
		{name: "add", args: []string{job1, inst, "--type", "success"},
			want: &jobDependencyOptions{Dependency: rd.JobDependency{DependentJobID: job1,
				DependencyJobID: inst, Type: rd.DependsOnSuccess}}},
		{name: "list", args: []string{job1},
			want: &jobDependencyOptions{Dependency: rd.JobDependency{DependentJobID: job1}}},
		{name: "itself", args: []string{job1, job1}, wantErr: "cannot depend on itself"},
	})
}

func TestParseQueueAndInstance(t *testing.T) {
	runParseCases(t, newQueueCreateCmd, []parseCase[queueCreateOptions]{
		{name: "ok", args: []string{"training", "--max-concurrent", "2", "--priority", "low"},
			want: &queueCreateOptions{Queue: rd.Queue{Name: "training", MaxConcurrentJobs: 2,
				Priority: rd.PriorityLow}}},
		{name: "no max", args: []string{"training"}, wantErr: "give --max-concurrent N"},
	})
	runParseCases(t, newQueueEnqueueCmd, []parseCase[queueEnqueueOptions]{
		{name: "ok", args: []string{"training", job1},
			want: &queueEnqueueOptions{Entry: rd.QueueJob{QueueName: "training", JobID: job1}}},
		{name: "job", args: []string{"training", "x"}, wantErr: "JOB_ID must be a UUID"},
	})
	runParseCases(t, newQueueClaimCmd, []parseCase[queueClaimOptions]{
		{name: "ok", args: []string{"training", "--instance", inst},
			want: &queueClaimOptions{Queue: "training", InstanceID: inst}},
		{name: "no instance", args: []string{"training"}, wantErr: "give --instance"},
	})
	runParseCases(t, newQueueFinishCmd, []parseCase[queueFinishOptions]{
		{name: "ok", args: []string{"training", job1, "--instance", inst, "--status", "failed",
			"--message", "oom"}, want: &queueFinishOptions{claimRef: claimRef{Queue: "training",
			JobID: job1, InstanceID: inst, Message: "oom"}, Outcome: rd.JobFailed}},
		{name: "not final", args: []string{"training", job1, "--instance", inst, "--status",
			"running"}, wantErr: "--status must be succeeded, failed or cancelled"},
	})
	runParseCases(t, newQueueReleaseCmd, []parseCase[queueReleaseOptions]{
		{name: "ok", args: []string{"training", job1, "--instance", inst, "--message", "spot"},
			want: &queueReleaseOptions{claimRef{Queue: "training", JobID: job1,
				InstanceID: inst, Message: "spot"}}},
		{name: "no instance", args: []string{"training", job1}, wantErr: "give --instance"},
		{name: "bad job", args: []string{"training", "x", "--instance", inst},
			wantErr: "JOB_ID"},
	})
	got, err := parse(newInstanceRegisterCmd, "--type", "g5", "--zone", "z", "--gpus", "4",
		"--spot", "--id", inst)
	want := rd.Instance{ID: inst, InstanceType: "g5", AvailabilityZone: "z", GPUCount: 4,
		IsSpot: true, Status: rd.InstanceRunning, HealthStatus: rd.HealthHealthy}
	if err != nil || !reflect.DeepEqual(got.Instance, want) {
		t.Errorf("instance register = %+v, %v; want %+v", got, err, want)
	}
	runParseCases(t, newInstanceRegisterCmd, []parseCase[instanceRegisterOptions]{
		{name: "no zone", args: []string{"--type", "g5"}, wantErr: "give --type TYPE and --zone"},
	})
	runParseCases(t, newInstanceStatusCmd, []parseCase[instanceStatusOptions]{
		{name: "set", args: []string{inst, "stopped", "--health", "unknown"},
			want: &instanceStatusOptions{InstanceID: inst, Status: rd.InstanceStopped,
				Health: rd.HealthUnknown}},
		{name: "show", args: []string{inst}, want: &instanceStatusOptions{InstanceID: inst}},
		{name: "bad", args: []string{inst, "asleep"}, wantErr: "STATUS"},
	})
}

func TestResolveStore(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		name    string
		g       globalOptions
		getenv  func(string) string
		goos    string
		want    storeSpec
		wantErr string
	}{
		{"table", globalOptions{Table: "receipts"}, env(EnvDB, "/x.db"), "linux",
			storeSpec{Table: "receipts"}, ""},
		{"flag", globalOptions{DB: "a.db"}, env(EnvDB, "/x.db"), "linux",
			storeSpec{Path: "a.db"}, ""},
		{"env", globalOptions{}, env(EnvDB, "/x.db", "HOME", "/h"), "linux",
			storeSpec{Path: "/x.db"}, ""},
		{"xdg", globalOptions{}, env("XDG_DATA_HOME", "/d", "HOME", "/h"), "linux",
			storeSpec{Path: "/d/receipt-dynamo/receipt-dynamo.db", Default: true}, ""},
		{"home", globalOptions{}, env("HOME", "/h"), "linux",
			storeSpec{Path: "/h/.local/share/receipt-dynamo/receipt-dynamo.db", Default: true}, ""},
		{"macos", globalOptions{}, env("HOME", "/Users/a"), "darwin",
			storeSpec{Path: "/Users/a/Library/Application Support/receipt-dynamo/receipt-dynamo.db",
				Default: true}, ""},
		{"no home", globalOptions{}, env(), "linux", storeSpec{}, "HOME is not set"},
		{"both", globalOptions{DB: "a", Table: "b"}, env(), "linux", storeSpec{},
			"--db and --table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveStore(tc.g, tc.getenv, tc.goos)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("resolveStore = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestPrinter(t *testing.T) {
	rows := [][]string{{"a", "1"}, {"long\tvalue", "22"}}
	v := []map[string]int{{"n": 1}}
	var b strings.Builder
	(&printer{w: &b, tty: true}).list([]string{"NAME", "N"}, rows, v)
	if want := "NAME        N\na           1\nlong value  22\n"; b.String() != want {
		t.Errorf("terminal table =\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	(&printer{w: &b}).list([]string{"NAME", "N"}, rows, v)
	if want := "a\t1\nlong value\t22\n"; b.String() != want {
		t.Errorf("piped table = %q, want %q", b.String(), want)
	}
	b.Reset()
	(&printer{w: &b, json: true, tty: true}).list([]string{"NAME", "N"}, rows, v)
	if want := "[\n  {\n    \"n\": 1\n  }\n]\n"; b.String() != want {
		t.Errorf("JSON = %q, want %q", b.String(), want)
	}
	b.Reset()
	(&printer{w: &b, tty: true}).record([]field{{"id", "x"}, {"status", "ok"}}, nil)
	if want := "id:      x\nstatus:  ok\n"; b.String() != want {
		t.Errorf("terminal record = %q, want %q", b.String(), want)
	}
}

// runMain runs the command in this process with a clean environment.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	home := t.TempDir()
	env := Env{Stdout: &out, Stderr: &errOut, GOOS: "linux",
		Getenv: func(k string) string {
			if k == "HOME" {
				return home
			}
			return ""
		}}
	code = Main(context.Background(), args, env)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	db := t.TempDir() + "/x.db"
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, ExitOK, ""},
		{[]string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{[]string{"images", "--nope"}, ExitUsage, "unknown flag: --nope"},
		{[]string{"job", "create"}, ExitUsage, "takes 1 argument(s), NAME"},
		{[]string{"--db", db, "images"}, ExitNotFound, "no receipt table in " + db},
		{[]string{"--db", db, "job", "show", job1}, ExitNotFound, "no receipt table"},
	} {
		code, _, stderr := runMain(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code,
				tc.want)
		}
	}

	// Errors of the store are classified too.
	runMain(t, "--db", db, "table", "create")
	code, _, stderr := runMain(t, "--db", db, "job", "show", job1)
	if code != ExitNotFound || !strings.Contains(stderr, "job "+job1+": not found in") {
		t.Errorf("job show of a missing job: exit %d, %q", code, stderr)
	}
	code, _, _ = runMain(t, "--db", db, "queue", "claim", "q", "--instance", inst)
	if code != ExitNotFound {
		t.Errorf("claim from a missing queue: exit %d, want %d", code, ExitNotFound)
	}
}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	a := newApp(Env{Stdout: io.Discard, Stderr: io.Discard})
	root := a.rootCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && c.Example == "" {
			t.Errorf("%s has no examples in its help", c.CommandPath())
		}
		if c.Short == "" {
			t.Errorf("%s has no short help", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			if !sub.Hidden && sub.Name() != "help" {
				walk(sub)
			}
		}
	}
	walk(root)
	for _, code := range []string{"0 ", "1 ", "2 ", "3 ", "4 "} {
		if !strings.Contains(root.Long, "\n  "+code) {
			t.Errorf("the root help does not document exit code %s", code)
		}
	}
}

func TestImportInParallel(t *testing.T) {
	// Several workers store receipts at once (run with -race); the result
	// lists them in input order, whatever order they finished in.
	db := t.TempDir() + "/x.db"
	code, stdout, stderr := runMain(t, "--db", db, "import", "--sroie",
		"../../../shared/data/sroie", "--limit", "8", "--workers", "4", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Images []struct {
			Source string `json:"source"`
			Items  int    `json:"items"`
		} `json:"images"`
		Items int `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for i, im := range res.Images {
		if want := "box/00" + string(rune('0'+i)) + ".csv"; !strings.HasSuffix(im.Source, want) {
			t.Errorf("row %d is %s, want %s", i, im.Source, want)
		}
		sum += im.Items
	}
	if len(res.Images) != 8 || sum != res.Items {
		t.Errorf("%d images, items %d (rows add up to %d)", len(res.Images), res.Items, sum)
	}
	code, stdout, _ = runMain(t, "--db", db, "table", "describe", "--json")
	var info tableView
	if code != ExitOK || json.Unmarshal([]byte(stdout), &info) != nil ||
		info.ItemCount != int64(res.Items) {
		t.Errorf("the table holds %d items, the import stored %d", info.ItemCount, res.Items)
	}
}
