package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// These tests build the command and run it as a person or a script would:
// a fresh process per command, a clean environment, and the store given by
// --db or --table.

// The data of ../shared/data, from this folder.
const (
	ocrDir   = "../../../shared/data/ocr"
	sroieDir = "../../../shared/data/sroie"
)

// The three Apple Vision OCR fixtures and their photos; 2f05267d is the same
// photo as 27e58027 and has no PNG of its own.
var ocrFixtures = []fixture{
	{"02aa1d34-5c10-42b4-a463-c49b86214dd7", "02aa1d34-5c10-42b4-a463-c49b86214dd7_SWIFT_OCR.json",
		"02aa1d34-5c10-42b4-a463-c49b86214dd7.png", 41, 101, 535},
	{"27e58027-edd6-45af-9038-3a778feda954", "27e58027-edd6-45af-9038-3a778feda954_SWIFT_OCR.json",
		"27e58027-edd6-45af-9038-3a778feda954.png", 40, 104, 525},
	{"2f05267d-86df-42b3-8a14-e29c5ea567b3", "2f05267d-86df-42b3-8a14-e29c5ea567b3_SWIFT_OCR.json",
		"27e58027-edd6-45af-9038-3a778feda954.png", 40, 104, 525},
}

// fixture is an OCR file, its photo and what it holds.
type fixture struct {
	id, ocr, photo        string
	lines, words, letters int
}

// binary is the command built once for all tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "receipt-dynamo-test-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "receipt-dynamo")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		panic("go build: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runner runs the command against one store.
type runner struct {
	t     *testing.T
	env   []string
	store []string // --db FILE or --table NAME
	home  string   // $HOME of the command
	dir   string   // the working folder; "" for this one
}

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// newRunner returns a runner with a clean environment whose home is a new
// folder; extra adds variables.
func newRunner(t *testing.T, store []string, extra ...string) *runner {
	home := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + os.TempDir()}
	return &runner{t: t, env: append(env, extra...), store: store, home: home}
}

// embedded returns a runner on a new embedded file.
func embedded(t *testing.T) *runner {
	return newRunner(t, []string{"--db", filepath.Join(t.TempDir(), "receipts.db")})
}

func (r *runner) run(args ...string) result {
	r.t.Helper()
	cmd := exec.Command(binary, append(slices.Clone(r.store), args...)...)
	cmd.Env = r.env
	cmd.Dir = r.dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	res := result{stdout: out.String(), stderr: errOut.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		r.t.Fatalf("run %v: %v", args, err)
	}
	return res
}

// ok runs the command, requires exit code 0 and returns stdout.
func (r *runner) ok(args ...string) string {
	r.t.Helper()
	res := r.run(args...)
	if res.code != 0 {
		r.t.Fatalf("receipt-dynamo %s: exit %d\nstdout: %s\nstderr: %s",
			strings.Join(args, " "), res.code, res.stdout, res.stderr)
	}
	return res.stdout
}

// okJSON runs the command with --json and decodes its output into v.
func (r *runner) okJSON(v any, args ...string) {
	r.t.Helper()
	out := r.ok(append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		r.t.Fatalf("receipt-dynamo %s --json: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// fails runs the command and requires the exit code and a stderr that
// contains every one of wants.
func (r *runner) fails(code int, wants []string, args ...string) result {
	r.t.Helper()
	res := r.run(args...)
	if res.code != code {
		r.t.Errorf("receipt-dynamo %s: exit %d, want %d\nstderr: %s", strings.Join(args, " "),
			res.code, code, res.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(res.stderr, w) {
			r.t.Errorf("receipt-dynamo %s: stderr does not say %q:\n%s",
				strings.Join(args, " "), w, res.stderr)
		}
	}
	return res
}

// backupLines backs the store up to path (a new file if "") and returns its
// lines, sorted: the items in a canonical form (attribute names sorted),
// comparable item for item.
func (r *runner) backupLines(path string) []string {
	r.t.Helper()
	if path == "" {
		path = filepath.Join(r.t.TempDir(), "backup.jsonl")
	}
	r.ok("backup", path)
	f, err := os.Open(path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		r.t.Fatal(err)
	}
	slices.Sort(lines)
	return lines
}

// importOCRArgs returns the import arguments of OCR fixtures.
func importOCRArgs(fixtures []fixture) []string {
	args := []string{"import"}
	for _, f := range fixtures {
		args = append(args, filepath.Join(ocrDir, f.ocr))
	}
	for _, f := range fixtures {
		args = append(args, "--image", filepath.Join(ocrDir, f.photo))
	}
	return args
}

// importView is the part of import --json the tests read.
type importView struct {
	Images []struct {
		Source   string `json:"source"`
		Kind     string `json:"kind"`
		ImageID  string `json:"image_id"`
		Lines    int    `json:"lines"`
		Words    int    `json:"words"`
		Letters  int    `json:"letters"`
		Receipts int    `json:"receipts"`
		Tags     int    `json:"tags"`
		Items    int    `json:"items"`
		Approx   bool   `json:"approximate_words"`
	} `json:"images"`
	Failed []struct {
		Source, Error string
	} `json:"failed"`
	Items int `json:"items"`
}

// plan says how much a scenario imports and whether it uses transactions.
type plan struct {
	ocr   int      // OCR fixtures, 1 to 3
	sroie int      // SROIE receipts, at least 1: the first ones, or those of box
	box   []string // SROIE receipts by id, imported by their box files
	tx    bool     // tags, jobs and queues, which need transactions (dynalite has none)
	// exports compares a few images, exported from both stores, besides the
	// backups (slow on moto, which serves a few hundred items a second).
	exports bool
}

// scenario is what every store must do: import OCR fixtures and SROIE
// receipts, query them, export an image, back up, restore into the store of
// other and compare item for item.
func scenario(t *testing.T, r, other *runner, p plan) {
	sroieN, withTx := p.sroie, p.tx
	fixtures := ocrFixtures[:p.ocr]

	// Import the OCR fixtures with their photos.
	var imp importView
	r.okJSON(&imp, importOCRArgs(fixtures)...)
	if len(imp.Images) != len(fixtures) || len(imp.Failed) != 0 {
		t.Fatalf("import of the OCR fixtures: %+v", imp)
	}
	for i, f := range fixtures {
		got := imp.Images[i]
		if got.ImageID != f.id || got.Lines != f.lines || got.Words != f.words ||
			got.Letters != f.letters || got.Kind != "ocr" {
			t.Errorf("imported %+v, want %s with %d lines, %d words, %d letters", got, f.id,
				f.lines, f.words, f.letters)
		}
	}

	// Import SROIE receipts: each with a receipt, tags and approximate words.
	var simp importView
	if len(p.box) > 0 {
		args := []string{"import"}
		for _, id := range p.box {
			args = append(args, filepath.Join(sroieDir, "box", id+".csv"))
		}
		sroieN = len(p.box)
		r.okJSON(&simp, args...)
	} else {
		r.okJSON(&simp, "import", "--sroie", sroieDir, "--limit", strconv.Itoa(sroieN))
	}
	if len(simp.Images) != sroieN || len(simp.Failed) != 0 {
		t.Fatalf("import of %d SROIE receipts: %d images, failures %v", sroieN,
			len(simp.Images), simp.Failed)
	}
	tagged := 0
	for _, im := range simp.Images {
		if im.Kind != "sroie" || im.Receipts != 1 || !im.Approx {
			t.Errorf("SROIE import row %+v", im)
		}
		tagged += im.Tags
	}
	if tagged == 0 {
		t.Error("no SROIE key field became a tag")
	}

	// Query: images, one image, receipts, one receipt, words with a tag.
	var images []struct {
		ImageID   string `json:"image_id"`
		LineCount int    `json:"line_count"`
	}
	r.okJSON(&images, "images")
	if len(images) != len(fixtures)+sroieN {
		t.Errorf("images lists %d, want %d", len(images), len(fixtures)+sroieN)
	}
	var page []struct {
		ImageID string `json:"image_id"`
	}
	r.okJSON(&page, "images", "--limit", "2")
	if len(page) != 2 {
		t.Errorf("images --limit 2 lists %d", len(page))
	}

	var img struct {
		Image  struct{ Width, Height int } `json:"image"`
		Counts map[string]int              `json:"counts"`
	}
	r.okJSON(&img, "image", ocrFixtures[0].id)
	if img.Image.Width != 2480 || img.Image.Height != 3508 || img.Counts["lines"] != 41 ||
		img.Counts["words"] != 101 || img.Counts["letters"] != 535 {
		t.Errorf("image %s = %+v", ocrFixtures[0].id, img)
	}

	var receipts []struct {
		ImageID   string `json:"image_id"`
		ReceiptID int    `json:"receipt_id"`
	}
	r.okJSON(&receipts, "receipts")
	if len(receipts) != sroieN {
		t.Errorf("receipts lists %d, want %d", len(receipts), sroieN)
	}
	sroieImage := simp.Images[0]
	var rcpt struct {
		Lines    []struct{ Text string } `json:"lines"`
		WordTags []struct{ Tag string }  `json:"word_tags"`
	}
	r.okJSON(&rcpt, "receipt", sroieImage.ImageID, "1")
	if len(rcpt.Lines) != sroieImage.Lines || len(rcpt.WordTags) != sroieImage.Tags/2 {
		t.Errorf("receipt 1 of %s: %d lines, %d tags; imported %d lines, %d tags (half of "+
			"them on the receipt)", sroieImage.ImageID, len(rcpt.Lines), len(rcpt.WordTags),
			sroieImage.Lines, sroieImage.Tags)
	}

	var totals []struct {
		ImageID string   `json:"image_id"`
		Text    string   `json:"text"`
		Tags    []string `json:"tags"`
	}
	r.okJSON(&totals, "words", "--tag", "total")
	if len(totals) == 0 {
		t.Error("words --tag total found none")
	}
	for _, w := range totals {
		if !slices.Contains(w.Tags, "TOTAL") {
			t.Errorf("words --tag total lists %+v", w)
		}
	}
	piped := r.ok("words", "--tag", "TOTAL", "--receipt")
	if n := strings.Count(piped, "\n"); n != len(totals) {
		t.Errorf("words --tag TOTAL --receipt prints %d lines, want %d (one per word, "+
			"no header when piped)", n, len(totals))
	}

	if withTx {
		tagScenario(t, r)
		jobScenario(t, r)
	}

	// Export an image in the older export JSON and read it back.
	exportPath := filepath.Join(t.TempDir(), "export.json")
	r.ok("export", "image", ocrFixtures[0].id, "-o", exportPath)
	f, err := os.Open(exportPath)
	if err != nil {
		t.Fatal(err)
	}
	x, err := rd.DecodeExport(f)
	f.Close()
	if err != nil {
		t.Fatalf("the export does not decode: %v", err)
	}
	if len(x.Images) != 1 || len(x.Lines) != 41 || len(x.Words) != 101 || len(x.Letters) != 535 {
		t.Errorf("export holds %d images, %d lines, %d words, %d letters", len(x.Images),
			len(x.Lines), len(x.Words), len(x.Letters))
	}

	// Back up, restore into the other store, and compare item for item:
	// the backups, and each image as its partition holds it.
	backup := filepath.Join(t.TempDir(), "all.jsonl")
	before := r.backupLines(backup)
	other.ok("restore", backup)
	after := other.backupLines("")
	if len(before) != imp.Items+simp.Items+extraItems(withTx) {
		t.Errorf("the backup holds %d items, the imports stored %d and the scenarios %d",
			len(before), imp.Items+simp.Items, extraItems(withTx))
	}
	if !slices.Equal(before, after) {
		t.Errorf("the restored store differs: %d items backed up, %d after restore",
			len(before), len(after))
	}
	// The backups compare every item; exports of a few images also compare
	// what each image's partition holds, read without the GSITYPE index.
	if !p.exports {
		return
	}
	for _, im := range append(imp.Images, simp.Images[:min(3, sroieN)]...) {
		a := r.ok("export", "image", im.ImageID)
		b := other.ok("export", "image", im.ImageID)
		if a != b {
			t.Errorf("image %s differs after restore", im.ImageID)
		}
	}
}

// extraItems counts the items the transaction scenarios leave.
func extraItems(withTx bool) int {
	if !withTx {
		return 0
	}
	// jobScenario: instance, job, 4 status entries, queue, assignment and
	// 3 measurements.
	return 11
}

// tagScenario adds, validates and removes a tag on an OCR word.
func tagScenario(t *testing.T, r *runner) {
	id := ocrFixtures[0].id
	var tag struct {
		Tag       string `json:"tag"`
		Validated *bool  `json:"validated"`
	}
	r.okJSON(&tag, "tag", "add", id, "3", "1", "total")
	if tag.Tag != "TOTAL" || tag.Validated != nil {
		t.Errorf("tag add = %+v", tag)
	}
	r.fails(1, []string{"already has the tag TOTAL"}, "tag", "add", id, "3", "1", "TOTAL")
	r.okJSON(&tag, "tag", "validate", id, "3", "1", "TOTAL", "--confidence", "0.8")
	if tag.Validated == nil || !*tag.Validated {
		t.Errorf("tag validate = %+v", tag)
	}
	var tags []struct {
		LineID int    `json:"line_id"`
		Tag    string `json:"tag"`
	}
	r.okJSON(&tags, "tags", id)
	if len(tags) != 1 || tags[0].LineID != 3 || tags[0].Tag != "TOTAL" {
		t.Errorf("tags = %+v", tags)
	}
	r.ok("tag", "remove", id, "3", "1", "TOTAL")
	r.fails(3, []string{"not found"}, "tag", "remove", id, "3", "1", "TOTAL")
	r.okJSON(&tags, "tags", id)
	if len(tags) != 0 {
		t.Errorf("tags after remove = %+v", tags)
	}
}

// jobScenario runs a job through a queue: create, enqueue, claim, finish.
func jobScenario(t *testing.T, r *runner) {
	var in struct {
		InstanceID string `json:"instance_id"`
	}
	r.okJSON(&in, "instance", "register", "--type", "g5.xlarge", "--gpus", "1", "--zone",
		"us-east-1a")
	var job struct {
		JobID  string `json:"job_id"`
		Status string `json:"status"`
	}
	r.okJSON(&job, "job", "create", "train", "--created-by", "alice", "--priority", "high",
		"--config", `{"lr": 0.001}`)
	if job.Status != "pending" || !rd.IsUUIDv4(job.JobID) {
		t.Fatalf("job create = %+v", job)
	}
	r.ok("queue", "create", "training", "--max-concurrent", "1")
	r.ok("queue", "enqueue", "training", job.JobID)

	var claim struct {
		JobID string `json:"job_id"`
	}
	r.okJSON(&claim, "queue", "claim", "training", "--instance", in.InstanceID)
	if claim.JobID != job.JobID {
		t.Errorf("queue claim took %q, want %s", claim.JobID, job.JobID)
	}
	r.fails(3, []string{`queue "training"`}, "queue", "claim", "training", "--instance",
		in.InstanceID)

	// Released, the job waits again and the next claim takes it.
	var released struct {
		Status string `json:"status"`
	}
	r.okJSON(&released, "queue", "release", "training", job.JobID, "--instance",
		in.InstanceID, "--message", "preempted")
	if released.Status != "pending" {
		t.Errorf("queue release left the job %s", released.Status)
	}
	r.fails(1, []string{"the claim of job " + job.JobID, "has ended already"}, "queue",
		"release", "training", job.JobID, "--instance", in.InstanceID)
	r.okJSON(&claim, "queue", "claim", "training", "--instance", in.InstanceID)
	if claim.JobID != job.JobID {
		t.Errorf("queue claim after the release took %q, want %s", claim.JobID, job.JobID)
	}
	r.fails(3, []string{`claimed from queue "training"`}, "queue", "finish", "other",
		job.JobID, "--instance", in.InstanceID)
	r.ok("queue", "finish", "training", job.JobID, "--instance", in.InstanceID, "--status",
		"succeeded", "--message", "done")

	var show struct {
		Job     struct{ Status string } `json:"job"`
		History []struct {
			Status  string `json:"status"`
			Message string `json:"message"`
		} `json:"history"`
	}
	r.okJSON(&show, "job", "show", job.JobID)
	var history []string
	for _, h := range show.History {
		history = append(history, h.Status+" "+h.Message)
	}
	want := []string{"running claimed from queue training", "pending preempted",
		"running claimed from queue training", "succeeded done"}
	if show.Job.Status != "succeeded" || !slices.Equal(history, want) {
		t.Errorf("job show: %s with history %q, want succeeded with %q", show.Job.Status,
			history, want)
	}

	// Metrics: two of one, one of another, listed by name or all at once.
	r.ok("job", "metric", job.JobID, "loss", "0.5", "--step", "1")
	r.ok("job", "metric", job.JobID, "loss", "0.25", "--step", "2")
	r.ok("job", "metric", job.JobID, "f1", `{"total": 0.9}`)
	type metric struct {
		Name  string `json:"metric_name"`
		Value any    `json:"value"`
		Step  *int   `json:"step"`
	}
	var loss, every []metric
	r.okJSON(&loss, "job", "metric", job.JobID, "loss")
	r.okJSON(&every, "job", "metric", job.JobID)
	text := func(ms []metric) string {
		var b strings.Builder
		for _, m := range ms {
			fmt.Fprintf(&b, "%s=%v ", m.Name, m.Value)
		}
		return b.String()
	}
	if got := text(loss); got != "loss=0.5 loss=0.25 " {
		t.Errorf("job metric JOB loss lists %s", got)
	}
	if got := text(every); got != "f1=map[total:0.9] loss=0.5 loss=0.25 " {
		t.Errorf("job metric JOB lists %s", got)
	}
}

func TestEndToEndEmbedded(t *testing.T) {
	t.Parallel()
	// The embedded file does not exist yet: import creates it.
	r, other := embedded(t), embedded(t)
	scenario(t, r, other, plan{ocr: 3, sroie: 50, tx: true, exports: true})
}

// Servers: moto_server and dynalite, reached as the standard AWS
// configuration says. Dynalite runs the whole scenario but the
// transactions, which it lacks: the OCR fixtures and 50 SROIE receipts
// (74,728 items), in about a minute. Moto runs the transactions on one OCR
// fixture and the smallest SROIE receipt (047, 438 items): it slows down and
// grows as it fills (past 12 GB of memory, twenty minutes into an import of
// the 50 receipts). Neither lists items through GSITYPE here, whose entries
// dynalite tells apart by 24 bits of an MD5 only (BUG in dynalite 4.0.0,
// db/index.js hashPrefix: of two colliding items one is lost from the index).

const (
	envMoto     = "RD_MOTO_URL"
	envDynalite = "RD_DYNALITE_URL"
	envRequire  = "RD_REQUIRE_SERVERS"
)

// serverURL returns the server's URL from env, or skips the test (fails it
// when RD_REQUIRE_SERVERS=1, as scripts/test.sh sets it).
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

var tableSeq int

// onServer returns a runner on a new table name of the server at url, with
// dummy credentials and the endpoint in AWS_ENDPOINT_URL_DYNAMODB.
func onServer(t *testing.T, url string) *runner {
	tableSeq++
	name := fmt.Sprintf("rd-cli-%d-%d", time.Now().UnixNano(), tableSeq)
	return newRunner(t, []string{"--table", name},
		"AWS_ENDPOINT_URL_DYNAMODB="+url, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true")
}

func serverScenario(t *testing.T, env string, p plan) {
	t.Parallel()
	url := serverURL(t, env)
	r, other := onServer(t, url), onServer(t, url)

	// A table that does not exist is named, with the command that creates it;
	// import does not create DynamoDB tables.
	name := r.store[1]
	for _, args := range [][]string{{"images"}, {"import", "--sroie", sroieDir, "--limit", "1"}} {
		r.fails(3, []string{fmt.Sprintf("DynamoDB table %q does not exist", name),
			"--table " + name + " table create"}, args...)
	}
	r.ok("table", "create")
	other.ok("table", "create")
	scenario(t, r, other, p)
}

func TestEndToEndMoto(t *testing.T) {
	serverScenario(t, envMoto, plan{ocr: 1, box: []string{"047"}, tx: true})
}

func TestEndToEndDynalite(t *testing.T) {
	serverScenario(t, envDynalite, plan{ocr: 3, sroie: 50})
}
