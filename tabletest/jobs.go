package tabletest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// RunJobClient runs the checks of the job side of [receiptdynamo.Client]
// against the engine, each as a subtest of t on a fresh table, the way
// [Run] checks the table interface: jobs and their status history,
// resources, metrics, checkpoints, logs, dependencies, instances, queues,
// and claims by concurrent workers. Checks that need transactions are
// skipped by [SkipTransactions]. RunJobClient prints a summary line such as
//
//	tabletest: 24 job client checks passed on sqlite
//
// and returns the counts.
func RunJobClient(t *testing.T, newTable func(t *testing.T) rd.Table,
	opts ...Option) Summary {
	t.Helper()
	cfg := config{skips: map[string]string{}}
	for _, o := range opts {
		o(&cfg)
	}
	return runSuite(t, "job client checks", jobChecks(cfg), newTable, opts)
}

// defaultClaimJobs is the number of jobs of the concurrent claim check.
const defaultClaimJobs = 200

// ClaimJobs sets how many jobs the concurrent claim check of RunJobClient
// queues for its eight workers; the default is 200. It is meant for servers
// too slow for the full check; the check logs the size it used.
func ClaimJobs(n int) Option {
	return func(c *config) { c.claimJobs = n }
}

// JobClientChecks returns the names of the checks of RunJobClient, in the
// order it runs them, for [Skip].
func JobClientChecks() []string {
	var names []string
	for _, c := range jobChecks(config{}) {
		names = append(names, c.name)
	}
	return names
}

// jobChecks lists the job client checks in the order RunJobClient runs
// them.
func jobChecks(cfg config) []check {
	claimJobs := cfg.claimJobs
	if claimJobs <= 0 {
		claimJobs = defaultClaimJobs
	}
	var all []check
	for _, group := range [][]check{
		jobItemChecks(),
		jobPartChecks(),
		instanceChecks(),
		queueChecks(claimJobs),
	} {
		all = append(all, group...)
	}
	return all
}

// jobPage is a page of jobs, short for the many list calls of the checks.
type jobPage = rd.PageOf[rd.Job]

// jobC is what a job client check works with: the check, and a client of its
// table.
type jobC struct {
	*C
	cl *rd.Client
}

// jobCheck adapts a job client check to a check.
func jobCheck(name string, tx bool, run func(j *jobC)) check {
	return check{name: name, tx: tx, run: func(c *C) {
		run(&jobC{C: c, cl: rd.NewClient(c.Table)})
	}}
}

// jtEpoch is the time of the first event of a check's fixtures; fixtures are
// spaced by whole seconds from it.
var jtEpoch = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func jtAt(sec int) time.Time { return jtEpoch.Add(time.Duration(sec) * time.Second) }

func jtID() string { return uuid.NewString() }

// jtJob returns a valid pending job created at jtAt(sec) by user.
func jtJob(sec int, user string) rd.Job {
	return rd.Job{
		ID: jtID(), Name: fmt.Sprintf("train-%d", sec), Description: "fixture",
		CreatedAt: jtAt(sec), CreatedBy: user, Status: rd.JobPending,
		Priority: rd.PriorityMedium, Config: map[string]any{"lr": 0.001, "layers": 4},
	}
}

// jtInstance returns a valid running instance.
func jtInstance() rd.Instance {
	return rd.Instance{
		ID: jtID(), InstanceType: "g5.xlarge", GPUCount: 1, Status: rd.InstanceRunning,
		LaunchedAt: jtAt(0), IPAddress: "10.0.0.7", AvailabilityZone: "us-east-1a",
		HealthStatus: rd.HealthHealthy,
	}
}

// addJobs stores the jobs or ends the check.
func (j *jobC) addJobs(jobs ...rd.Job) {
	j.Helper()
	for _, job := range jobs {
		j.noErr(j.cl.AddJob(j.Ctx, job), "add job "+job.Name)
	}
}

// wantItemErr fails the check unless err is an *ItemError matching target.
func (j *jobC) wantItemErr(err, target error, what string) {
	j.Helper()
	var ie *rd.ItemError
	if !errors.As(err, &ie) || !errors.Is(err, target) {
		j.Errorf("%s: got error %v, want an *ItemError matching %q", what, err, target)
	}
}

// wantInvalid fails the check unless err is a *ValidationError.
func (j *jobC) wantInvalid(err error, what string) {
	j.Helper()
	var ve *rd.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, rd.ErrInvalid) {
		j.Errorf("%s: got error %v, want a *ValidationError", what, err)
	}
}

// jtPages follows a list to its end, one call of list per page, and returns
// the items and the page sizes. It fails the check if a page holds more
// than limit items or a cursor repeats.
func jtPages[T any](j *jobC, what string, limit int,
	list func(opts rd.ListOptions) (rd.PageOf[T], error)) ([]T, []int) {
	j.Helper()
	var all []T
	var sizes []int
	seen := map[string]bool{}
	opts := rd.ListOptions{Limit: limit}
	for range 10_000 {
		p, err := list(opts)
		if err != nil {
			j.Fatalf("%s: page %d: %v", what, len(sizes)+1, err)
		}
		if limit > 0 && len(p.Items) > limit {
			j.Errorf("%s: page %d holds %d items, more than the limit %d", what,
				len(sizes)+1, len(p.Items), limit)
		}
		all = append(all, p.Items...)
		sizes = append(sizes, len(p.Items))
		if p.Next == "" {
			return all, sizes
		}
		if seen[p.Next] {
			j.Fatalf("%s: cursor repeated after page %d", what, len(sizes))
		}
		seen[p.Next] = true
		opts.Cursor = p.Next
	}
	j.Fatalf("%s: more than 10,000 pages", what)
	return nil, nil
}

// wantSeq fails the check unless got equals want, naming the first
// difference.
func (j *jobC) wantSeq(what string, got, want []string) {
	j.Helper()
	if slices.Equal(got, want) {
		return
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			j.Errorf("%s: item %d is %s, want %s (got %d items, want %d)", what, i,
				got[i], want[i], len(got), len(want))
			return
		}
	}
	j.Errorf("%s: got %d items, want %d: got %s", what, len(got), len(want),
		jtAbbrev(got))
}

// jtAbbrev joins at most 12 strings for a message.
func jtAbbrev(v []string) string {
	if len(v) > 12 {
		return strings.Join(v[:12], ", ") + fmt.Sprintf(", … (%d more)", len(v)-12)
	}
	return strings.Join(v, ", ")
}

// jtMap returns f applied to each element of v.
func jtMap[T any](v []T, f func(T) string) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = f(x)
	}
	return out
}

func jtJobID(j rd.Job) string { return j.ID }

func jtTS(t time.Time) string { return rd.FormatTime(t) }

// jtResource returns a valid allocated resource of the job, allocated at
// jtAt(i).
func jtResource(jobID string, typ rd.ResourceType, i int) rd.JobResource {
	gpus := 1
	return rd.JobResource{
		JobID: jobID, ResourceID: jtID(), InstanceID: jtID(), InstanceType: "g5.xlarge",
		ResourceType: typ, AllocatedAt: jtAt(i), Status: rd.ResourceAllocated,
		GPUCount: &gpus, Config: map[string]any{"slot": i},
	}
}

// jtMetric returns the measurement of the metric at jtAt(i), with value
// i/10 and step i.
func jtMetric(jobID, name string, i int) rd.JobMetric {
	step := i
	return rd.JobMetric{JobID: jobID, Name: name, Timestamp: jtAt(i), Value: float64(i) / 10,
		Unit: "nats", Step: &step}
}

// jtLog returns the log entry at jtAt(i), of level LogLevels[i % 5].
func jtLog(jobID string, i int) rd.JobLog {
	return rd.JobLog{JobID: jobID, Timestamp: jtAt(i),
		Level: rd.LogLevels[i%len(rd.LogLevels)], Message: fmt.Sprintf("line %d", i),
		Source: "trainer.py"}
}

// jtCheckpoint returns a checkpoint of the job saved at jtAt(i), not best.
func jtCheckpoint(jobID string, i int) rd.JobCheckpoint {
	return rd.JobCheckpoint{JobID: jobID, Timestamp: jtAt(i), S3Bucket: "models",
		S3Key: fmt.Sprintf("ckpt/%d.pt", i), SizeBytes: 1 << 20, Step: i * 100, Epoch: i,
		ModelState: true, OptimizerState: true}
}
