package receiptdynamo

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// queryFixture is a small table of job-side items: three jobs, two
// instances and two queues, with neighbours chosen to catch loose prefixes
// (metrics "loss" and "lossy", queues "training" and "training2", jobs,
// status entries and instances sharing STATUS#running).
type queryFixture struct {
	items    []Item
	entities map[string]Entity // by a short name used in expectations
}

const (
	tJob3  = "5b8e6f1a-7c2d-4e3f-9a0b-1c2d3e4f5a6b"
	tInst2 = "d00dfeed-0000-4000-8000-000000000002"
	tRes2  = "b16b00b5-0000-4000-a000-000000000002"
)

func newQueryFixture(t *testing.T) queryFixture {
	t.Helper()
	at := func(min int) time.Time { return tT0.Add(time.Duration(min) * time.Minute) }
	job := func(id, user string, st JobState, min int) Job {
		return Job{ID: id, Name: "n", CreatedAt: at(min), CreatedBy: user, Status: st,
			Priority: PriorityLow}
	}
	res := func(j, r string) JobResource {
		return JobResource{JobID: j, ResourceID: r, InstanceID: tInst, InstanceType: "t",
			ResourceType: ResourceGPU, AllocatedAt: tT0, Status: ResourceAllocated}
	}
	metric := func(j, name string, min int) JobMetric {
		return JobMetric{JobID: j, Name: name, Timestamp: at(min), Value: 1.0}
	}
	cp := func(j string, min int) JobCheckpoint {
		return JobCheckpoint{JobID: j, Timestamp: at(min), S3Bucket: "b", S3Key: "k"}
	}
	log := func(j string, min int) JobLog {
		return JobLog{JobID: j, Timestamp: at(min), Level: LogInfo, Message: "m"}
	}
	inst := func(id string, st InstanceState) Instance {
		return Instance{ID: id, InstanceType: "t", Status: st, LaunchedAt: tT0,
			AvailabilityZone: "z", HealthStatus: HealthHealthy}
	}
	entities := map[string]Entity{
		"jobA":   job(tJob, "alice", JobRunning, 0),
		"jobB":   job(tJob2, "bob", JobRunning, 60),
		"jobC":   job(tJob3, "alice", JobPending, 120),
		"stA1":   JobStatus{JobID: tJob, Status: JobPending, UpdatedAt: at(0)},
		"stA2":   JobStatus{JobID: tJob, Status: JobRunning, UpdatedAt: at(5)},
		"stB1":   JobStatus{JobID: tJob2, Status: JobRunning, UpdatedAt: at(61)},
		"resA":   res(tJob, tRes),
		"resB":   res(tJob2, tRes2),
		"lossA1": metric(tJob, "loss", 10), "lossA2": metric(tJob, "loss", 20),
		"lossyA": metric(tJob, "lossy", 15), "lossB": metric(tJob2, "loss", 12),
		"cpA": cp(tJob, 10), "cpB": cp(tJob2, 10),
		"logA1": log(tJob, 10), "logA2": log(tJob, 20), "logB": log(tJob2, 10),
		"depAB": JobDependency{DependentJobID: tJob, DependencyJobID: tJob2,
			Type: DependsOnSuccess, CreatedAt: tT0},
		"depCA": JobDependency{DependentJobID: tJob3, DependencyJobID: tJob,
			Type: DependsOnCompletion, CreatedAt: tT0},
		"inst1": inst(tInst, InstanceRunning),
		"inst2": inst(tInst2, InstanceStopped),
		"ij1A": InstanceJob{InstanceID: tInst, JobID: tJob, AssignedAt: tT0,
			Status: AssignmentRunning},
		"ij1B": InstanceJob{InstanceID: tInst, JobID: tJob2, AssignedAt: tT0,
			Status: AssignmentRunning},
		"ij2A": InstanceJob{InstanceID: tInst2, JobID: tJob, AssignedAt: tT0,
			Status: AssignmentAssigned},
		"q1": Queue{Name: "training", CreatedAt: tT0, MaxConcurrentJobs: 1,
			Priority: PriorityLow},
		"q2": Queue{Name: "training2", CreatedAt: tT0, MaxConcurrentJobs: 1,
			Priority: PriorityLow},
		"q1A": QueueJob{QueueName: "training", JobID: tJob, EnqueuedAt: tT0,
			Priority: PriorityLow},
		"q1B": QueueJob{QueueName: "training", JobID: tJob2, EnqueuedAt: tT0,
			Priority: PriorityLow},
		"q2A": QueueJob{QueueName: "training2", JobID: tJob, EnqueuedAt: tT0,
			Priority: PriorityLow},
	}
	fx := queryFixture{entities: entities}
	for _, e := range entities {
		fx.items = append(fx.items, mustJobItem(t, e))
	}
	return fx
}

// run evaluates a query the way DynamoDB selects items (partition, sort key
// condition, no TYPE filter) and returns the primary keys found, sorted.
func (fx queryFixture) run(t *testing.T, index, pk string, cond KeyCondition) []Key {
	t.Helper()
	hash, rng := AttrPK, AttrSK
	if index != "" {
		ix, ok := IndexByName(index)
		if !ok {
			t.Fatalf("no index %s", index)
		}
		hash, rng = ix.Hash, ix.Range
	}
	str := func(item Item, a string) (string, bool) {
		v, ok := item[a].(*types.AttributeValueMemberS)
		if !ok {
			return "", false
		}
		return v.Value, true
	}
	var out []Key
	for _, item := range fx.items {
		if h, ok := str(item, hash); !ok || h != pk {
			continue
		}
		sk, ok := str(item, rng)
		if !ok {
			continue
		}
		var hit bool
		switch cond.Op {
		case SKAny:
			hit = true
		case SKEq:
			hit = sk == cond.Value
		case SKBeginsWith:
			hit = strings.HasPrefix(sk, cond.Value)
		case SKBetween:
			hit = cond.Value <= sk && sk <= cond.Value2
		default:
			t.Fatalf("condition %v not evaluated by the test", cond.Op)
		}
		if hit {
			p, _ := str(item, AttrPK)
			s, _ := str(item, AttrSK)
			out = append(out, Key{PK: p, SK: s})
		}
	}
	sortKeys(out)
	return out
}

func (fx queryFixture) keys(names ...string) []Key {
	out := []Key{}
	for _, n := range names {
		out = append(out, fx.entities[n].Key())
	}
	sortKeys(out)
	return out
}

func sortKeys(ks []Key) {
	sort.Slice(ks, func(i, j int) bool { return ks[i].String() < ks[j].String() })
}

func TestJobQueryKeys(t *testing.T) {
	fx := newQueryFixture(t)
	min := func(m int) time.Time { return tT0.Add(time.Duration(m) * time.Minute) }
	cases := []struct {
		name  string
		index string
		pk    string
		cond  KeyCondition
		want  []string
	}{
		{"job's partition", "", jobPK(tJob), KeyCondition{},
			[]string{"jobA", "stA1", "stA2", "resA", "lossA1", "lossA2", "lossyA", "cpA",
				"logA1", "logA2", "depAB"}},
		{"job's statuses", "", jobPK(tJob), jobStatusPrefix(), []string{"stA1", "stA2"}},
		{"job's resources", "", jobPK(tJob), jobResourcesPrefix(), []string{"resA"}},
		{"job's metrics", "", jobPK(tJob), jobMetricsPrefix(),
			[]string{"lossA1", "lossA2", "lossyA"}},
		{"job's metric by name", "", jobPK(tJob), jobMetricPrefix("loss"),
			[]string{"lossA1", "lossA2"}},
		{"job's metric in a time range", "", jobPK(tJob),
			jobMetricBetween("loss", min(10), min(19)), []string{"lossA1"}},
		{"job's checkpoints", "", jobPK(tJob), jobCheckpointsPrefix(), []string{"cpA"}},
		{"job's logs", "", jobPK(tJob), jobLogsPrefix(), []string{"logA1", "logA2"}},
		{"job's logs in a time range", "", jobPK(tJob), jobLogsBetween(min(11), min(20)),
			[]string{"logA2"}},
		{"job's dependencies", "", jobPK(tJob), jobDependenciesPrefix(), []string{"depAB"}},
		{"jobs by status", IndexGSI1, statusGSI1PK(JobRunning), jobCreatedPrefix(),
			[]string{"jobA", "jobB"}},
		{"jobs by status up to a key", IndexGSI1, statusGSI1PK(JobRunning),
			jobCreatedUpTo(keyAttrs(mustJobItem(t, fx.entities["jobA"]))[AttrGSI1SK]),
			[]string{"jobA"}},
		{"jobs by status created in a range", IndexGSI1, statusGSI1PK(JobRunning),
			jobCreatedBetween(min(30), min(90)), []string{"jobB"}},
		{"status entries by status", IndexGSI1, statusGSI1PK(JobRunning),
			statusUpdatedPrefix(), []string{"stA2", "stB1"}},
		{"instances by status", IndexGSI1, statusGSI1PK(InstanceRunning),
			instanceStatusPrefix(), []string{"inst1"}},
		{"jobs by user", IndexGSI2, userGSI2PK("alice"), jobCreatedPrefix(),
			[]string{"jobA", "jobC"}},
		{"metric across jobs by time", IndexGSI1, metricIndexPK("loss"),
			metricTimeBetween(min(11), min(30)), []string{"lossB", "lossA2"}},
		{"metric across jobs", IndexGSI1, metricIndexPK("loss"), KeyCondition{},
			[]string{"lossA1", "lossA2", "lossB"}},
		{"metric of one job by index", IndexGSI2, metricIndexPK("loss"), metricJobPrefix(tJob),
			[]string{"lossA1", "lossA2"}},
		{"resource by id", IndexGSI1, resourceIndexPK(), resourceIndexSK(tRes2),
			[]string{"resB"}},
		{"checkpoints of a job by index", IndexGSI1, checkpointIndexPK(), jobIndexPrefix(tJob2),
			[]string{"cpB"}},
		{"logs of a job by index", IndexGSI1, logIndexPK(), jobIndexPrefix(tJob),
			[]string{"logA1", "logA2"}},
		{"dependencies of a job by index", IndexGSI1, dependencyIndexPK(),
			dependenciesOfPrefix(tJob), []string{"depAB"}},
		{"dependents of a job", IndexGSI2, dependencyIndexPK(), dependentsOfPrefix(tJob),
			[]string{"depCA"}},
		{"queues", IndexGSI1, queueIndexPK(), queuesPrefix(), []string{"q1", "q2"}},
		{"queue's jobs", "", queuePK("training"), queueJobsPrefix(), []string{"q1A", "q1B"}},
		{"job's queues", IndexGSI1, linkIndexPK(), jobQueuesPrefix(tJob),
			[]string{"q1A", "q2A"}},
		{"instance's jobs", "", instancePK(tInst), instanceJobsPrefix(),
			[]string{"ij1A", "ij1B"}},
		{"job's instances", IndexGSI1, linkIndexPK(), jobInstancesPrefix(tJob),
			[]string{"ij1A", "ij2A"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fx.run(t, c.index, c.pk, c.cond)
			if want := fx.keys(c.want...); !reflect.DeepEqual(got, want) {
				t.Errorf("selected\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestJobKeyFunctions(t *testing.T) {
	vs := validJobEntities()
	got := []Key{
		JobKey(tJob), JobStatusKey(tJob, tT1), JobResourceKey(tJob, tRes),
		JobMetricKey(tJob, "loss", tT1), JobMetricKey(tJob, "confusion", tT1),
		JobCheckpointKey(tJob, tT1), JobLogKey(tJob, tT1), JobDependencyKey(tJob, tJob2),
		InstanceKey(tInst), InstanceJobKey(tInst, tJob), QueueKey(tQueue),
		QueueJobKey(tQueue, tJob),
	}
	for i, e := range vs {
		if got[i] != e.Key() {
			t.Errorf("%s: key function gives %v, entity %v", e.ItemType(), got[i], e.Key())
		}
	}
}

// TestTimeBoundsIncludeOlderKeys checks that time ranges include items
// whose keys hold the older writer's whole-second form.
func TestTimeBoundsIncludeOlderKeys(t *testing.T) {
	second := time.Date(2025, 2, 27, 14, 5, 0, 0, time.UTC)
	older := "LOG#2025-02-27T14:05:00+00:00"
	ours := "LOG#" + FormatTime(second)
	in := func(c KeyCondition, sk string) bool { return c.Value <= sk && sk <= c.Value2 }
	for _, sk := range []string{older, ours} {
		if !in(jobLogsBetween(second, second.Add(time.Hour)), sk) {
			t.Errorf("range from %v excludes %q", second, sk)
		}
		if !in(jobLogsBetween(second.Add(-time.Hour), second), sk) {
			t.Errorf("range to %v excludes %q", second, sk)
		}
		if in(jobLogsBetween(second.Add(time.Microsecond), second.Add(time.Hour)), sk) {
			t.Errorf("range from just after %v includes %q", second, sk)
		}
		if in(jobLogsBetween(second.Add(-time.Hour), second.Add(-time.Microsecond)), sk) {
			t.Errorf("range to just before %v includes %q", second, sk)
		}
	}
}
