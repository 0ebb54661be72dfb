package tabletest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// jobPartChecks are the checks of what is stored under a job: resources,
// metrics, checkpoints, logs and dependencies.
func jobPartChecks() []check {
	return []check{
		jobCheck("resource/lifecycle", false, checkResources),
		jobCheck("metric/ranges-and-pages", false, checkMetrics),
		jobCheck("checkpoint/list-newest-first", false, checkCheckpointList),
		jobCheck("checkpoint/one-best", true, checkBestCheckpoint),
		jobCheck("log/levels-and-pages", false, checkLogs),
		jobCheck("dependency/graph", true, checkDependencyGraph),
		jobCheck("dependency/met", true, checkDependenciesMet),
		jobCheck("dependency/concurrent-cycle", true, checkDependencyRace),
		jobCheck("dependency/long-chain", true, checkDependencyChain),
	}
}

func resourceID(r rd.JobResource) string { return r.ResourceID }

// checkResources adds resources of several types to two jobs, with more
// resources than one filtered page reads, and lists them by job, by type
// and by id.
func checkResources(j *jobC) {
	a, b := jtJob(1, "alice"), jtJob(2, "bob")
	j.addJobs(a, b)
	var all []rd.JobResource
	for i := range 130 {
		owner := []string{a.ID, b.ID}[i%2]
		r := jtResource(owner, rd.ResourceTypes[i%len(rd.ResourceTypes)], i)
		j.noErr(j.cl.AddJobResource(j.Ctx, r), "add resource")
		all = append(all, r)
	}
	first := all[0]
	got, err := j.cl.GetJobResource(j.Ctx, a.ID, first.ResourceID)
	j.noErr(err, "get resource")
	if got.ResourceType != first.ResourceType || got.InstanceID != first.InstanceID ||
		got.GPUCount == nil || *got.GPUCount != 1 || !got.AllocatedAt.Equal(first.AllocatedAt) {
		j.Errorf("get resource: got %+v, want %+v", got, first)
	}
	j.wantItemErr(j.cl.AddJobResource(j.Ctx, first), rd.ErrAlreadyExists, "add resource twice")
	_, err = j.cl.GetJobResource(j.Ctx, a.ID, jtID())
	j.wantItemErr(err, rd.ErrNotFound, "get missing resource")

	want := func(keep func(rd.JobResource) bool) []string {
		var ids []string
		for _, r := range all {
			if keep(r) {
				ids = append(ids, r.ResourceID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	ofA, _ := jtPages(j, "resources of a job", 9,
		func(o rd.ListOptions) (rd.PageOf[rd.JobResource], error) {
			return j.cl.ListJobResources(j.Ctx, a.ID, o)
		})
	j.wantSeq("resources of a job", jtMap(ofA, resourceID),
		want(func(r rd.JobResource) bool { return r.JobID == a.ID }))
	for _, limit := range []int{0, 1, 5} {
		gpus, _ := jtPages(j, "gpu resources", limit,
			func(o rd.ListOptions) (rd.PageOf[rd.JobResource], error) {
				return j.cl.ListResourcesByType(j.Ctx, "GPU", o)
			})
		j.wantSeq(fmt.Sprintf("gpu resources, limit %d", limit), jtMap(gpus, resourceID),
			want(func(r rd.JobResource) bool { return r.ResourceType == rd.ResourceGPU }))
	}
	_, err = j.cl.ListResourcesByType(j.Ctx, "tpu", rd.ListOptions{})
	j.wantInvalid(err, "list resources of an unknown type")

	found, err := j.cl.FindResource(j.Ctx, all[1].ResourceID)
	j.noErr(err, "find resource")
	if found.JobID != b.ID {
		j.Errorf("find resource: job %s, want %s", found.JobID, b.ID)
	}
	_, err = j.cl.FindResource(j.Ctx, jtID())
	j.wantItemErr(err, rd.ErrNotFound, "find missing resource")

	released, err := j.cl.ReleaseJobResource(j.Ctx, a.ID, first.ResourceID, jtAt(500))
	j.noErr(err, "release resource")
	stored, err := j.cl.GetJobResource(j.Ctx, a.ID, first.ResourceID)
	j.noErr(err, "get released resource")
	for _, r := range []rd.JobResource{released, stored} {
		if r.Status != rd.ResourceReleased || !r.ReleasedAt.Equal(jtAt(500)) {
			j.Errorf("released resource: status %q released at %v, want released at %v",
				r.Status, r.ReleasedAt, jtAt(500))
		}
	}
	_, err = j.cl.ReleaseJobResource(j.Ctx, a.ID, first.ResourceID, time.Time{})
	j.wantItemErr(err, rd.ErrConditionFailed, "release a released resource")
	_, err = j.cl.ReleaseJobResource(j.Ctx, a.ID, jtID(), time.Time{})
	j.wantItemErr(err, rd.ErrNotFound, "release a missing resource")
}

func metricText(m rd.JobMetric) string {
	return fmt.Sprintf("%s %s %v", m.JobID[:8], jtTS(m.Timestamp), m.Value)
}

// checkMetrics records two metrics of one job and one of another, and reads
// them back by job and name, across jobs, within time ranges and across
// page boundaries.
func checkMetrics(j *jobC) {
	a, b := jtJob(1, "alice"), jtJob(2, "alice")
	j.addJobs(a, b)
	var ms []rd.JobMetric
	for i := range 150 {
		ms = append(ms, jtMetric(a.ID, "loss", i))
	}
	for i := range 50 {
		ms = append(ms, jtMetric(a.ID, "accuracy", i))
	}
	for i := range 40 {
		m := jtMetric(b.ID, "loss", i)
		m.Timestamp = m.Timestamp.Add(500 * time.Millisecond)
		ms = append(ms, m)
	}
	_, err := j.cl.RecordMetrics(j.Ctx, ms)
	j.noErr(err, "record metrics")

	want := func(keep func(rd.JobMetric) bool) []string {
		var sel []rd.JobMetric
		for _, m := range ms {
			if keep(m) {
				sel = append(sel, m)
			}
		}
		slices.SortFunc(sel, func(x, y rd.JobMetric) int {
			return x.Timestamp.Compare(y.Timestamp)
		})
		return jtMap(sel, metricText)
	}
	lossOfA := func(from, to int) func(rd.JobMetric) bool {
		return func(m rd.JobMetric) bool {
			return m.JobID == a.ID && m.Name == "loss" && !m.Timestamp.Before(jtAt(from)) &&
				!m.Timestamp.After(jtAt(to))
		}
	}
	ranges := []struct {
		r        rd.TimeRange
		from, to int
	}{
		{rd.TimeRange{}, 0, 1000},
		{rd.TimeRange{From: jtAt(20), To: jtAt(59)}, 20, 59},
		{rd.TimeRange{To: jtAt(9)}, 0, 9},
		{rd.TimeRange{From: jtAt(140)}, 140, 1000},
	}
	for _, tc := range ranges {
		got, _ := jtPages(j, "loss of a job", 13,
			func(o rd.ListOptions) (rd.PageOf[rd.JobMetric], error) {
				return j.cl.ListJobMetrics(j.Ctx, a.ID, "loss", tc.r, o)
			})
		j.wantSeq(fmt.Sprintf("loss of a job from %d to %d", tc.from, tc.to),
			jtMap(got, metricText), want(lossOfA(tc.from, tc.to)))
	}

	across, _ := jtPages(j, "loss across jobs", 3,
		func(o rd.ListOptions) (rd.PageOf[rd.JobMetric], error) {
			return j.cl.ListMetric(j.Ctx, "loss", rd.TimeRange{From: jtAt(10), To: jtAt(20)}, o)
		})
	j.wantSeq("loss across jobs from 10 s to 20 s", jtMap(across, metricText),
		want(func(m rd.JobMetric) bool {
			return m.Name == "loss" && !m.Timestamp.Before(jtAt(10)) &&
				!m.Timestamp.After(jtAt(20))
		}))
	_, err = j.cl.ListJobMetrics(j.Ctx, a.ID, "loss", rd.TimeRange{From: jtAt(5), To: jtAt(4)},
		rd.ListOptions{})
	j.wantInvalid(err, "list metrics of a range that ends before it starts")

	// Every metric of a job: by name, then time, and none of another job.
	// ms holds each metric's measurements oldest first.
	of := func(name string) []string {
		var out []string
		for _, m := range ms {
			if m.JobID == a.ID && m.Name == name {
				out = append(out, name+" "+metricText(m))
			}
		}
		return out
	}
	every, _ := jtPages(j, "every metric of a job", 17,
		func(o rd.ListOptions) (rd.PageOf[rd.JobMetric], error) {
			return j.cl.ListJobMetrics(j.Ctx, a.ID, "", rd.TimeRange{}, o)
		})
	j.wantSeq("every metric of a job", jtMap(every, func(m rd.JobMetric) string {
		return m.Name + " " + metricText(m)
	}), append(of("accuracy"), of("loss")...))
	_, err = j.cl.ListJobMetrics(j.Ctx, a.ID, "", rd.TimeRange{From: jtAt(5)}, rd.ListOptions{})
	j.wantInvalid(err, "list every metric of a job within a time range")

	// A batch with one bad measurement writes none of them.
	good := jtMetric(a.ID, "lr", 1)
	bad := jtMetric(a.ID, "", 2)
	_, err = j.cl.RecordMetrics(j.Ctx, []rd.JobMetric{good, bad})
	j.wantInvalid(err, "record a batch with a nameless metric")
	dup := []rd.JobMetric{jtMetric(a.ID, "lr", 3), jtMetric(a.ID, "lr", 3)}
	_, err = j.cl.RecordMetrics(j.Ctx, dup)
	j.wantInvalid(err, "record a batch with one measurement twice")
	lr, _ := j.cl.ListJobMetrics(j.Ctx, a.ID, "lr", rd.TimeRange{}, rd.ListOptions{})
	if len(lr.Items) != 0 {
		j.Errorf("refused batches wrote %d measurements", len(lr.Items))
	}

	// One measurement with a structured value and the event clock's time.
	m, err := j.cl.RecordMetric(j.Ctx, rd.JobMetric{JobID: b.ID, Name: "confusion",
		Value: map[string]any{"tp": 12, "fp": 3}})
	j.noErr(err, "record a structured metric")
	got, err := j.cl.ListJobMetrics(j.Ctx, b.ID, "confusion", rd.TimeRange{}, rd.ListOptions{})
	j.noErr(err, "list the structured metric")
	if len(got.Items) != 1 || m.Timestamp.IsZero() ||
		fmt.Sprint(got.Items[0].Value) != "map[fp:3 tp:12]" {
		j.Errorf("structured metric: got %+v, want one with value map[fp:3 tp:12]", got.Items)
	}
}

func checkpointText(cp rd.JobCheckpoint) string {
	return fmt.Sprintf("%s best=%t", jtTS(cp.Timestamp), cp.IsBest)
}

func checkCheckpointList(j *jobC) {
	job := jtJob(1, "alice")
	j.addJobs(job)
	var want []string
	for i := range 5 {
		cp, err := j.cl.AddCheckpoint(j.Ctx, jtCheckpoint(job.ID, i))
		j.noErr(err, "add checkpoint")
		want = append([]string{checkpointText(cp)}, want...)
	}
	got, _ := jtPages(j, "checkpoints", 2,
		func(o rd.ListOptions) (rd.PageOf[rd.JobCheckpoint], error) {
			return j.cl.ListCheckpoints(j.Ctx, job.ID, o)
		})
	j.wantSeq("checkpoints newest first", jtMap(got, checkpointText), want)
	if len(got) > 0 && (got[0].S3Key != "ckpt/4.pt" || got[0].Step != 400 || !got[0].ModelState) {
		j.Errorf("newest checkpoint: got %+v", got[0])
	}
	_, err := j.cl.AddCheckpoint(j.Ctx, jtCheckpoint(job.ID, 0))
	j.wantItemErr(err, rd.ErrAlreadyExists, "add a checkpoint twice")
	_, err = j.cl.BestCheckpoint(j.Ctx, job.ID)
	j.wantItemErr(err, rd.ErrNotFound, "best checkpoint before any is marked")
}

// checkBestCheckpoint switches the best checkpoint one call at a time and
// from eight goroutines at once, while a reader checks in consistent reads
// that exactly one checkpoint is best at every moment.
func checkBestCheckpoint(j *jobC) {
	job := jtJob(1, "alice")
	j.addJobs(job)
	var cps []rd.JobCheckpoint
	for i := range 7 {
		cp, err := j.cl.AddCheckpoint(j.Ctx, jtCheckpoint(job.ID, i))
		j.noErr(err, "add checkpoint")
		cps = append(cps, cp)
	}
	keys := make([]rd.Key, len(cps))
	for i, cp := range cps {
		keys[i] = cp.Key()
	}
	bests := func() []int {
		j.Helper()
		items, err := j.Table.TransactGet(j.Ctx, keys)
		j.noErr(err, "read checkpoints")
		var idx []int
		for i, it := range items {
			cp, err := rd.Decode[rd.JobCheckpoint](it)
			j.noErr(err, "decode checkpoint")
			if cp.IsBest {
				idx = append(idx, i)
			}
		}
		return idx
	}
	wantBest := func(what string, i int) {
		j.Helper()
		if got := bests(); !slices.Equal(got, []int{i}) {
			j.Errorf("%s: best checkpoints %v, want only %d", what, got, i)
		}
		best, err := j.cl.BestCheckpoint(j.Ctx, job.ID)
		j.noErr(err, "best checkpoint")
		if !best.Timestamp.Equal(cps[i].Timestamp) {
			j.Errorf("%s: best checkpoint at %s, want %s", what, jtTS(best.Timestamp),
				jtTS(cps[i].Timestamp))
		}
	}

	j.noErr(j.cl.MarkBestCheckpoint(j.Ctx, cps[2]), "mark best")
	wantBest("after marking 2", 2)
	j.noErr(j.cl.MarkBestCheckpoint(j.Ctx, cps[4]), "mark best")
	wantBest("after marking 4", 4)

	// A new best checkpoint takes over in its own transaction.
	added := jtCheckpoint(job.ID, 7)
	added.IsBest = true
	cp, err := j.cl.AddCheckpoint(j.Ctx, added)
	j.noErr(err, "add best checkpoint")
	cps, keys = append(cps, cp), append(keys, cp.Key())
	wantBest("after adding a best one", 7)

	// UpdateJob keeps the job's guard of the best checkpoint.
	job.Name = "renamed"
	j.noErr(j.cl.UpdateJob(j.Ctx, job), "update job")
	j.noErr(j.cl.MarkBestCheckpoint(j.Ctx, cps[1]), "mark best after update")
	wantBest("after an update of the job", 1)

	// Eight goroutines switch the best while a reader watches.
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	stop := make(chan struct{})
	var seen [][]int
	var readerWG sync.WaitGroup
	readerWG.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			items, err := j.Table.TransactGet(j.Ctx, keys)
			if err != nil {
				continue // a read may lose to a writer's transaction
			}
			var idx []int
			for i, it := range items {
				if c, err := rd.Decode[rd.JobCheckpoint](it); err == nil && c.IsBest {
					idx = append(idx, i)
				}
			}
			if len(idx) != 1 {
				seen = append(seen, idx)
			}
		}
	})
	for w := range 8 {
		wg.Go(func() {
			for k := range 3 {
				if err := j.cl.MarkBestCheckpoint(j.Ctx, cps[(w+k)%len(cps)]); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readerWG.Wait()
	close(errs)
	for err := range errs {
		j.Errorf("concurrent mark best: %v", err)
	}
	if len(seen) > 0 {
		j.Errorf("a consistent read saw best checkpoints %v, want exactly one each time", seen)
	}
	final := bests()
	if len(final) != 1 {
		j.Fatalf("after concurrent marks: best checkpoints %v, want exactly one", final)
	}
	wantBest("after concurrent marks", final[0])

	err = j.cl.MarkBestCheckpoint(j.Ctx, jtCheckpoint(job.ID, 99))
	j.wantItemErr(err, rd.ErrNotFound, "mark a missing checkpoint best")
	err = j.cl.MarkBestCheckpoint(j.Ctx, jtCheckpoint(jtID(), 1))
	j.wantItemErr(err, rd.ErrNotFound, "mark a checkpoint of a missing job best")
	wantBest("after refused marks", final[0])
}

func logText(l rd.JobLog) string { return fmt.Sprintf("%s %s", jtTS(l.Timestamp), l.Level) }

// checkLogs writes 120 log entries of every level and reads them from a
// minimum level, within time ranges, across page boundaries.
func checkLogs(j *jobC) {
	job := jtJob(1, "alice")
	j.addJobs(job)
	var logs []rd.JobLog
	for i := range 120 {
		logs = append(logs, jtLog(job.ID, i))
	}
	_, err := j.cl.RecordJobLogs(j.Ctx, logs)
	j.noErr(err, "record logs")

	rank := func(l rd.LogLevel) int {
		p, err := rd.ParseLogLevel(string(l))
		j.noErr(err, "parse level")
		return slices.Index(rd.LogLevels, p)
	}
	want := func(min rd.LogLevel, from, to int) []string {
		var out []string
		for i, l := range logs {
			if rank(l.Level) >= rank(min) && i >= from && i <= to {
				out = append(out, logText(l))
			}
		}
		return out
	}
	cases := []struct {
		min      string
		r        rd.TimeRange
		from, to int
		limit    int
	}{
		{"", rd.TimeRange{}, 0, 200, 0},
		{"WARNING", rd.TimeRange{}, 0, 200, 7},
		{"error", rd.TimeRange{From: jtAt(50), To: jtAt(69)}, 50, 69, 3},
		{"critical", rd.TimeRange{From: jtAt(100)}, 100, 200, 1},
		{"debug", rd.TimeRange{To: jtAt(30)}, 0, 30, 11},
	}
	for _, tc := range cases {
		min := rd.LogLevel(tc.min)
		if tc.min == "" {
			min = rd.LogDebug
		}
		got, _ := jtPages(j, "logs", tc.limit,
			func(o rd.ListOptions) (rd.PageOf[rd.JobLog], error) {
				return j.cl.ListJobLogs(j.Ctx, job.ID, tc.r, rd.LogLevel(tc.min), o)
			})
		j.wantSeq(fmt.Sprintf("logs from %q, %d..%d s, limit %d", tc.min, tc.from, tc.to,
			tc.limit), jtMap(got, logText), want(min, tc.from, tc.to))
	}
	_, err = j.cl.ListJobLogs(j.Ctx, job.ID, rd.TimeRange{}, "LOUD", rd.ListOptions{})
	j.wantInvalid(err, "list logs from an unknown level")

	// A batch with one bad entry writes none of them.
	bad := rd.JobLog{JobID: job.ID, Timestamp: jtAt(500), Level: rd.LogInfo}
	_, err = j.cl.RecordJobLogs(j.Ctx, []rd.JobLog{jtLog(job.ID, 400), bad})
	j.wantInvalid(err, "record logs with an empty message")
	late, _ := j.cl.ListJobLogs(j.Ctx, job.ID, rd.TimeRange{From: jtAt(300)}, "",
		rd.ListOptions{})
	if len(late.Items) != 0 {
		j.Errorf("a refused batch wrote %d log entries", len(late.Items))
	}
	one, err := j.cl.RecordJobLog(j.Ctx, rd.JobLog{JobID: job.ID, Level: "info",
		Message: "now"})
	j.noErr(err, "record one log entry")
	if one.Timestamp.IsZero() || one.Level != rd.LogInfo {
		j.Errorf("recorded log entry: got %+v, want a time and level INFO", one)
	}
}

func dependencyText(d rd.JobDependency) string {
	return d.DependentJobID[:8] + "->" + d.DependencyJobID[:8]
}

// checkDependencyGraph adds dependencies, refuses a self-dependency and a
// cycle, and lists the graph both ways.
func checkDependencyGraph(j *jobC) {
	a, b, c, d := jtJob(1, "u"), jtJob(2, "u"), jtJob(3, "u"), jtJob(4, "u")
	j.addJobs(a, b, c, d)
	dep := func(x, y rd.Job, t rd.DependencyType) rd.JobDependency {
		return rd.JobDependency{DependentJobID: x.ID, DependencyJobID: y.ID, Type: t}
	}
	for _, x := range []rd.JobDependency{
		dep(a, b, rd.DependsOnSuccess), dep(b, c, "completion"), dep(a, d, rd.DependsOnFailure),
		dep(c, d, rd.DependsOnArtifact),
	} {
		j.noErr(j.cl.AddDependency(j.Ctx, x), "add dependency "+dependencyText(x))
	}

	sorted := func(ds ...rd.JobDependency) []string {
		slices.SortFunc(ds, func(x, y rd.JobDependency) int {
			return cmp.Or(cmp.Compare(x.DependentJobID, y.DependentJobID),
				cmp.Compare(x.DependencyJobID, y.DependencyJobID))
		})
		return jtMap(ds, dependencyText)
	}
	got, _ := jtPages(j, "dependencies of a", 1,
		func(o rd.ListOptions) (rd.PageOf[rd.JobDependency], error) {
			return j.cl.ListDependencies(j.Ctx, a.ID, o)
		})
	j.wantSeq("dependencies of a", jtMap(got, dependencyText),
		sorted(dep(a, b, ""), dep(a, d, "")))
	if len(got) == 2 && got[0].Type == "" {
		j.Errorf("dependency without a type: %+v", got[0])
	}
	got, _ = jtPages(j, "dependents of d", 1,
		func(o rd.ListOptions) (rd.PageOf[rd.JobDependency], error) {
			return j.cl.ListDependents(j.Ctx, d.ID, o)
		})
	j.wantSeq("dependents of d", jtMap(got, dependencyText),
		sorted(dep(a, d, ""), dep(c, d, "")))

	j.wantInvalid(j.cl.AddDependency(j.Ctx, dep(a, a, rd.DependsOnSuccess)),
		"add a self-dependency")
	j.wantInvalid(j.cl.AddDependency(j.Ctx, dep(d, a, rd.DependsOnSuccess)),
		"add d->a, closing a->d")
	j.wantInvalid(j.cl.AddDependency(j.Ctx, dep(c, a, rd.DependsOnSuccess)),
		"add c->a, closing a->b->c")
	j.wantItemErr(j.cl.AddDependency(j.Ctx, dep(a, b, rd.DependsOnSuccess)),
		rd.ErrAlreadyExists, "add a dependency twice")
	j.wantItemErr(j.cl.AddDependency(j.Ctx, dep(a, jtJob(9, "u"), rd.DependsOnSuccess)),
		rd.ErrNotFound, "add a dependency on a missing job")
	for _, x := range []rd.Job{c, d} {
		p, err := j.cl.ListDependencies(j.Ctx, x.ID, rd.ListOptions{})
		j.noErr(err, "list dependencies")
		if x.ID == d.ID && len(p.Items) != 0 {
			j.Errorf("refused dependencies were stored: %v", jtMap(p.Items, dependencyText))
		}
		if x.ID == c.ID && len(p.Items) != 1 {
			j.Errorf("c has %d dependencies, want 1", len(p.Items))
		}
	}
}

// checkDependenciesMet evaluates dependencies of each type against jobs in
// each state, and a dependency on a deleted job.
func checkDependenciesMet(j *jobC) {
	jobIn := func(sec int, st rd.JobState) rd.Job {
		x := jtJob(sec, "u")
		x.Status = st
		return x
	}
	x := jobIn(0, rd.JobPending)
	failed, running := jobIn(1, rd.JobFailed), jobIn(2, rd.JobRunning)
	succeeded, cancelled := jobIn(3, rd.JobSucceeded), jobIn(4, rd.JobCancelled)
	interrupted, gone := jobIn(5, rd.JobInterrupted), jobIn(6, rd.JobSucceeded)
	j.addJobs(x, failed, running, succeeded, cancelled, interrupted, gone)

	type want int
	const (
		met want = iota
		waiting
		broken
	)
	cases := []struct {
		on  rd.Job
		typ rd.DependencyType
		out want
	}{
		{failed, rd.DependsOnCompletion, met},
		{cancelled, rd.DependsOnCompletion, met},
		{running, rd.DependsOnCompletion, waiting},
		{succeeded, rd.DependsOnSuccess, met},
		{failed, rd.DependsOnSuccess, broken},
		{interrupted, rd.DependsOnSuccess, waiting},
		{failed, rd.DependsOnFailure, met},
		{succeeded, rd.DependsOnFailure, broken},
		{succeeded, rd.DependsOnArtifact, met},
		{cancelled, rd.DependsOnArtifact, broken},
	}
	for i, tc := range cases {
		dependent := jobIn(100+i, rd.JobPending)
		j.addJobs(dependent)
		d := rd.JobDependency{DependentJobID: dependent.ID, DependencyJobID: tc.on.ID,
			Type: tc.typ}
		j.noErr(j.cl.AddDependency(j.Ctx, d), "add dependency")
		rep, err := j.cl.CheckDependencies(j.Ctx, dependent.ID)
		j.noErr(err, "check dependencies")
		got := met
		switch {
		case len(rep.Waiting) == 1 && len(rep.Broken) == 0 && !rep.Met:
			got = waiting
		case len(rep.Broken) == 1 && len(rep.Waiting) == 0 && !rep.Met:
			got = broken
		case !rep.Met || len(rep.Waiting)+len(rep.Broken) != 0:
			got = -1
		}
		if got != tc.out {
			j.Errorf("%s on a %s job: report %+v, want outcome %d (0 met, 1 waiting, 2 broken)",
				tc.typ, tc.on.Status, rep, tc.out)
		}
	}

	// Several dependencies: met only when all are; none at all is met.
	for _, on := range []rd.Job{succeeded, running, gone} {
		j.noErr(j.cl.AddDependency(j.Ctx, rd.JobDependency{DependentJobID: x.ID,
			DependencyJobID: on.ID, Type: rd.DependsOnCompletion}), "add dependency of x")
	}
	j.noErr(j.cl.DeleteJob(j.Ctx, gone.ID), "delete a job depended on")
	rep, err := j.cl.CheckDependencies(j.Ctx, x.ID)
	j.noErr(err, "check dependencies of x")
	if rep.Met || len(rep.Waiting) != 1 || rep.Waiting[0].DependencyJobID != running.ID ||
		len(rep.Broken) != 1 || rep.Broken[0].DependencyJobID != gone.ID {
		j.Errorf("x: report %+v, want waiting for the running job and broken by the deleted one",
			rep)
	}
	rep, err = j.cl.CheckDependencies(j.Ctx, succeeded.ID)
	j.noErr(err, "check dependencies of a job without any")
	if !rep.Met {
		j.Errorf("a job without dependencies: report %+v, want met", rep)
	}
}

// checkDependencyRace makes, at the same moment, two AddDependency calls
// that would together close a cycle, in rounds: of the direct pair a -> b
// and b -> a, and of a -> b and c -> a beside b -> c. Exactly one of each
// pair may be stored; the other is refused as closing the cycle.
func checkDependencyRace(j *jobC) {
	dep := func(x, y rd.Job) rd.JobDependency {
		return rd.JobDependency{DependentJobID: x.ID, DependencyJobID: y.ID,
			Type: rd.DependsOnSuccess}
	}
	for round := range 8 {
		a, b, c := jtJob(1, "u"), jtJob(2, "u"), jtJob(3, "u")
		j.addJobs(a, b, c)
		pair := []rd.JobDependency{dep(a, b), dep(b, a)}
		if round%2 == 1 {
			j.noErr(j.cl.AddDependency(j.Ctx, dep(b, c)), "add dependency b -> c")
			pair[1] = dep(c, a)
		}
		var errs [2]error
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, d := range pair {
			wg.Go(func() {
				<-start
				errs[i] = j.cl.AddDependency(j.Ctx, d)
			})
		}
		close(start)
		wg.Wait()
		stored := 0
		for i, err := range errs {
			switch {
			case err == nil:
				stored++
			case !errors.Is(err, rd.ErrInvalid):
				j.Errorf("round %d: add dependency %s at once: %v", round,
					dependencyText(pair[i]), err)
			}
		}
		if stored != 1 {
			j.Errorf("round %d: %d of the two dependencies %s and %s, made at once, were "+
				"stored; want exactly one (the other closes a cycle)", round, stored,
				dependencyText(pair[0]), dependencyText(pair[1]))
		}
	}
}

// checkDependencyChain adds a dependency on a chain of 120 jobs, more than
// one transaction can check, and then refuses the one that would close the
// chain into a cycle.
func checkDependencyChain(j *jobC) {
	chain := make([]rd.Job, 120)
	for i := range chain {
		chain[i] = jtJob(i, "u")
		j.addJobs(chain[i])
	}
	dep := func(x, y rd.Job) rd.JobDependency {
		return rd.JobDependency{DependentJobID: x.ID, DependencyJobID: y.ID,
			Type: rd.DependsOnCompletion}
	}
	for i := range len(chain) - 1 {
		j.noErr(j.cl.AddDependency(j.Ctx, dep(chain[i], chain[i+1])), "add a link of the chain")
	}
	head := jtJob(200, "u")
	j.addJobs(head)
	j.noErr(j.cl.AddDependency(j.Ctx, dep(head, chain[0])),
		"add a dependency on the whole chain")
	err := j.cl.AddDependency(j.Ctx, dep(chain[len(chain)-1], head))
	if !errors.Is(err, rd.ErrInvalid) {
		j.Errorf("closing the chain into a cycle: got %v, want ErrInvalid", err)
	}
	j.wantItemErr(j.cl.AddDependency(j.Ctx, dep(chain[0], chain[1])), rd.ErrAlreadyExists,
		"add a link of the chain again")
	got, _ := jtPages(j, "dependencies of the head", 0,
		func(o rd.ListOptions) (rd.PageOf[rd.JobDependency], error) {
			return j.cl.ListDependencies(j.Ctx, head.ID, o)
		})
	if len(got) != 1 || got[0].DependencyJobID != chain[0].ID {
		j.Errorf("dependencies of the head: %v, want the chain's first job", got)
	}
}
