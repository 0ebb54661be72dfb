package tabletest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// jobItemChecks are the checks of jobs and their status history.
func jobItemChecks() []check {
	return []check{
		jobCheck("job/add-get", false, checkJobAddGet),
		jobCheck("job/update", false, checkJobUpdate),
		jobCheck("job/lists-newest-first", false, checkJobLists),
		jobCheck("job/delete-cascade", false, checkJobDelete),
		jobCheck("job/record-status", true, checkJobRecordStatus),
		jobCheck("job/status-history-pages", true, checkStatusHistoryPages),
	}
}

func checkJobAddGet(j *jobC) {
	job := jtJob(1, "alice")
	job.Tags = map[string]string{"team": "vision"}
	job.EstimatedDuration = 3600
	job.Status = "PENDING" // enumerations are read in any case
	j.noErr(j.cl.AddJob(j.Ctx, job), "add job")

	got, err := j.cl.GetJob(j.Ctx, job.ID)
	j.noErr(err, "get job")
	switch {
	case got.ID != job.ID || got.Name != job.Name || got.CreatedBy != "alice":
		j.Errorf("get job: got %+v, want the job added", got)
	case !got.CreatedAt.Equal(job.CreatedAt) || got.Status != rd.JobPending:
		j.Errorf("get job: created %v status %q, want %v pending", got.CreatedAt,
			got.Status, job.CreatedAt)
	case got.EstimatedDuration != 3600 || !maps.Equal(got.Tags, job.Tags):
		j.Errorf("get job: duration %d tags %v, want 3600 %v", got.EstimatedDuration,
			got.Tags, job.Tags)
	case got.Config["layers"] != json.Number("4") || got.Config["lr"] != json.Number("0.001"):
		j.Errorf("get job: config %v, want layers 4 and lr 0.001", got.Config)
	}

	j.wantItemErr(j.cl.AddJob(j.Ctx, job), rd.ErrAlreadyExists, "add job twice")
	_, err = j.cl.GetJob(j.Ctx, jtID())
	j.wantItemErr(err, rd.ErrNotFound, "get missing job")

	bad := jtJob(2, "")
	j.wantInvalid(j.cl.AddJob(j.Ctx, bad), "add job without creator")
	_, err = j.cl.GetJob(j.Ctx, bad.ID)
	j.wantItemErr(err, rd.ErrNotFound, "get job refused as invalid")
}

func checkJobUpdate(j *jobC) {
	job := jtJob(1, "alice")
	job.Tags = map[string]string{"team": "vision"}
	j.addJobs(job)

	// Change what may change; an empty status keeps the stored one.
	job.Name, job.CreatedBy, job.Tags, job.Status = "renamed", "carol", nil, ""
	j.noErr(j.cl.UpdateJob(j.Ctx, job), "update job")
	got, err := j.cl.GetJob(j.Ctx, job.ID)
	j.noErr(err, "get job")
	if got.Name != "renamed" || got.CreatedBy != "carol" || got.Tags != nil ||
		got.Status != rd.JobPending {
		j.Errorf("after update: got %+v, want renamed, by carol, no tags, pending", got)
	}
	byCarol, _ := jtPages(j, "jobs of carol", 0, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByUser(j.Ctx, "carol", o)
	})
	byAlice, _ := jtPages(j, "jobs of alice", 0, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByUser(j.Ctx, "alice", o)
	})
	if len(byCarol) != 1 || len(byAlice) != 0 {
		j.Errorf("after changing the creator: %d jobs of carol, %d of alice; want 1 and 0",
			len(byCarol), len(byAlice))
	}

	// The status changes only with RecordJobStatus, which keeps the history.
	job.Status = rd.JobRunning
	j.wantInvalid(j.cl.UpdateJob(j.Ctx, job), "update job to another status")
	if got, _ := j.cl.GetJob(j.Ctx, job.ID); got.Status != rd.JobPending {
		j.Errorf("refused update changed the status to %q", got.Status)
	}
	j.wantItemErr(j.cl.UpdateJob(j.Ctx, jtJob(2, "bob")), rd.ErrNotFound, "update missing job")
}

// checkJobLists lists jobs of every state, by state and by creator, newest
// first, in pages small enough to put ties of creation time on page
// boundaries. An instance and jobs share the index partition of a state.
func checkJobLists(j *jobC) {
	var jobs []rd.Job
	for i := range 30 {
		job := jtJob(i, []string{"alice", "bob"}[i%2])
		job.Status = rd.JobStates[i%len(rd.JobStates)]
		jobs = append(jobs, job)
	}
	// Three jobs created in the same microsecond, in different states.
	for i := range 3 {
		job := jtJob(15, "alice")
		job.Status = rd.JobStates[i]
		jobs = append(jobs, job)
	}
	j.addJobs(jobs...)
	in := jtInstance()
	j.noErr(j.cl.RegisterInstance(j.Ctx, in), "register instance")

	newest := func(a, b rd.Job) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	}
	want := func(keep func(rd.Job) bool) []string {
		var sel []rd.Job
		for _, job := range jobs {
			if keep(job) {
				sel = append(sel, job)
			}
		}
		slices.SortFunc(sel, newest)
		return jtMap(sel, jtJobID)
	}
	all := want(func(rd.Job) bool { return true })
	for _, limit := range []int{0, 1, 7} {
		got, _ := jtPages(j, "list jobs", limit, func(o rd.ListOptions) (jobPage, error) {
			return j.cl.ListJobs(j.Ctx, o)
		})
		j.wantSeq(fmt.Sprintf("list jobs, limit %d", limit), jtMap(got, jtJobID), all)
	}

	// One index partition orders jobs created at the same instant as the
	// engine likes; the merged list above breaks such ties by id.
	running := want(func(x rd.Job) bool { return x.Status == rd.JobRunning })
	got, _ := jtPages(j, "running jobs", 2, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByStatus(j.Ctx, "RUNNING", o)
	})
	j.wantNewest("running jobs (an instance shares the partition)", got, running)

	alice := want(func(x rd.Job) bool { return x.CreatedBy == "alice" })
	got, _ = jtPages(j, "jobs of alice", 4, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByUser(j.Ctx, "alice", o)
	})
	j.wantNewest("jobs of alice", got, alice)

	_, err := j.cl.ListJobsByStatus(j.Ctx, "done", rd.ListOptions{})
	j.wantInvalid(err, "list jobs of an unknown state")
	_, err = j.cl.ListJobs(j.Ctx, rd.ListOptions{Cursor: "not a cursor"})
	j.wantInvalid(err, "list jobs with a bad cursor")
}

// wantNewest fails the check unless got lists the jobs with the ids want
// (sorted newest first, ties by id descending) newest first, ties in any
// order.
func (j *jobC) wantNewest(what string, got []rd.Job, want []string) {
	j.Helper()
	for i := 1; i < len(got); i++ {
		if got[i].CreatedAt.After(got[i-1].CreatedAt) {
			j.Errorf("%s: job %d was created after job %d", what, i, i-1)
			return
		}
	}
	j.wantSeq(what, sortedNewest(got...), want)
}

// checkJobDelete deletes a job with items of every kind under it and leaves
// another job alone.
func checkJobDelete(j *jobC) {
	a, other := jtJob(1, "alice"), jtJob(2, "alice")
	j.addJobs(a, other)
	for i := range 3 {
		j.noErr(j.cl.AddJobResource(j.Ctx, jtResource(a.ID, rd.ResourceGPU, i)), "add resource")
	}
	var ms []rd.JobMetric
	var logs []rd.JobLog
	for i := range 30 {
		ms = append(ms, jtMetric(a.ID, "loss", i))
		logs = append(logs, jtLog(a.ID, i))
	}
	ms = append(ms, jtMetric(other.ID, "loss", 0))
	_, err := j.cl.RecordMetrics(j.Ctx, ms)
	j.noErr(err, "record metrics")
	_, err = j.cl.RecordJobLogs(j.Ctx, logs)
	j.noErr(err, "record logs")
	for i := range 3 {
		_, err := j.cl.AddCheckpoint(j.Ctx, jtCheckpoint(a.ID, i))
		j.noErr(err, "add checkpoint")
	}
	// The dependency is written as an item: AddDependency needs transactions,
	// which not every engine has, and DeleteJob is what is checked here.
	dependency, err := rd.JobDependency{DependentJobID: a.ID, DependencyJobID: other.ID,
		Type: rd.DependsOnSuccess, CreatedAt: jtAt(1)}.MarshalItem()
	j.noErr(err, "encode a dependency")
	j.noErr(j.Table.Put(j.Ctx, dependency, rd.IfNotExists), "store a dependency")

	j.noErr(j.cl.DeleteJob(j.Ctx, a.ID), "delete job")
	_, err = j.cl.GetJob(j.Ctx, a.ID)
	j.wantItemErr(err, rd.ErrNotFound, "get deleted job")
	left, _ := j.queryAll(rd.Query{PK: rd.JobKey(a.ID).PK})
	if len(left) != 0 {
		j.Errorf("delete job left %d items under it: %s", len(left), jtAbbrev(keysOf(left)))
	}
	if _, err := j.cl.GetJob(j.Ctx, other.ID); err != nil {
		j.Errorf("get the other job: %v", err)
	}
	kept, _ := jtPages(j, "metrics of the other job", 0,
		func(o rd.ListOptions) (rd.PageOf[rd.JobMetric], error) {
			return j.cl.ListJobMetrics(j.Ctx, other.ID, "loss", rd.TimeRange{}, o)
		})
	if len(kept) != 1 {
		j.Errorf("the other job has %d metrics after the delete, want 1", len(kept))
	}
	j.wantItemErr(j.cl.DeleteJob(j.Ctx, a.ID), rd.ErrNotFound, "delete job twice")
}

// checkJobRecordStatus records statuses and checks that the job moves
// between the index partitions of its states, that status entries, jobs and
// instances sharing a partition are told apart, and that refused records
// change nothing.
func checkJobRecordStatus(j *jobC) {
	job, busy := jtJob(1, "alice"), jtJob(2, "bob")
	busy.Status = rd.JobRunning
	j.addJobs(job, busy)
	in := jtInstance()
	j.noErr(j.cl.RegisterInstance(j.Ctx, in), "register instance")

	progress := 10.0
	st, err := j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: job.ID, Status: "Running",
		Progress: &progress, Message: "started", UpdatedBy: "scheduler", InstanceID: in.ID})
	j.noErr(err, "record running")
	if st.UpdatedAt.IsZero() || st.Status != rd.JobRunning {
		j.Errorf("recorded status: got %+v, want a time set and status running", st)
	}
	if got, _ := j.cl.GetJob(j.Ctx, job.ID); got.Status != rd.JobRunning {
		j.Errorf("job status after recording running: %q", got.Status)
	}
	running, _ := jtPages(j, "running jobs", 0, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByStatus(j.Ctx, rd.JobRunning, o)
	})
	j.wantSeq("running jobs", jtMap(running, jtJobID), sortedNewest(job, busy))
	instances, _ := jtPages(j, "running instances", 0,
		func(o rd.ListOptions) (rd.PageOf[rd.Instance], error) {
			return j.cl.ListInstancesByStatus(j.Ctx, rd.InstanceRunning, o)
		})
	if len(instances) != 1 || instances[0].ID != in.ID {
		j.Errorf("running instances: got %d, want only the instance (status entries and "+
			"jobs share the partition)", len(instances))
	}

	last, err := j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: job.ID,
		Status: rd.JobSucceeded, Message: "done"})
	j.noErr(err, "record succeeded")
	running, _ = jtPages(j, "running jobs", 0, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByStatus(j.Ctx, rd.JobRunning, o)
	})
	j.wantSeq("running jobs after success", jtMap(running, jtJobID), []string{busy.ID})
	done, _ := jtPages(j, "succeeded jobs", 0, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByStatus(j.Ctx, rd.JobSucceeded, o)
	})
	j.wantSeq("succeeded jobs", jtMap(done, jtJobID), []string{job.ID})
	latest, err := j.cl.LatestJobStatus(j.Ctx, job.ID)
	j.noErr(err, "latest status")
	if latest.Status != rd.JobSucceeded || !latest.UpdatedAt.Equal(last.UpdatedAt) {
		j.Errorf("latest status: got %s at %s, want succeeded at %s", latest.Status,
			jtTS(latest.UpdatedAt), jtTS(last.UpdatedAt))
	}

	// Refused records write neither the entry nor the job.
	_, err = j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: job.ID, Status: rd.JobFailed,
		UpdatedAt: st.UpdatedAt})
	j.wantItemErr(err, rd.ErrAlreadyExists, "record a status at the time of another")
	missing := jtID()
	_, err = j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: missing, Status: rd.JobFailed})
	j.wantItemErr(err, rd.ErrNotFound, "record a status of a missing job")
	_, err = j.cl.LatestJobStatus(j.Ctx, missing)
	j.wantItemErr(err, rd.ErrNotFound, "latest status of a missing job")
	_, err = j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: job.ID, Status: "done"})
	j.wantInvalid(err, "record an unknown status")
	_, history, err := j.cl.GetJobWithStatus(j.Ctx, job.ID)
	j.noErr(err, "get job with status")
	got := jtMap(history, func(s rd.JobStatus) string { return string(s.Status) })
	j.wantSeq("status history", got, []string{"running", "succeeded"})
	if g, _ := j.cl.GetJob(j.Ctx, job.ID); g.Status != rd.JobSucceeded {
		j.Errorf("refused records changed the job's status to %q", g.Status)
	}

	// Another writer whose clock runs an hour ahead records a status; a
	// status recorded after it must still come last.
	ahead := time.Now().Add(time.Hour)
	_, err = j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: busy.ID, Status: rd.JobFailed,
		UpdatedAt: ahead})
	j.noErr(err, "record a status from a clock ahead")
	next, err := j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: busy.ID,
		Status: rd.JobInterrupted})
	j.noErr(err, "record a status after it")
	if !next.UpdatedAt.After(ahead) {
		j.Errorf("status recorded after one at %s got the earlier time %s", jtTS(ahead),
			jtTS(next.UpdatedAt))
	}
	if latest, _ := j.cl.LatestJobStatus(j.Ctx, busy.ID); latest.Status != rd.JobInterrupted {
		j.Errorf("latest status %q, want the one recorded last, interrupted", latest.Status)
	}
}

// sortedNewest returns the ids of the jobs, newest first.
func sortedNewest(jobs ...rd.Job) []string {
	jobs = slices.Clone(jobs)
	slices.SortFunc(jobs, func(a, b rd.Job) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return jtMap(jobs, jtJobID)
}

// checkStatusHistoryPages records many statuses within one second of a
// stopped clock: the event clock must still give them distinct, increasing
// times, and the history must come back in that order across small pages.
func checkStatusHistoryPages(j *jobC) {
	frozen := jtAt(0)
	cl := rd.NewClient(j.Table, rd.WithClock(func() time.Time { return frozen }))
	job := jtJob(1, "alice")
	j.addJobs(job)

	const n = 45
	var want []string
	for i := range n {
		st := rd.JobRunning
		if i == n-1 {
			st = rd.JobSucceeded
		}
		progress := float64(i) * 100 / (n - 1)
		rec, err := cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: job.ID, Status: st,
			Progress: &progress, Message: fmt.Sprintf("step %d", i)})
		j.noErr(err, fmt.Sprintf("record status %d", i))
		want = append(want, fmt.Sprintf("%s %s", jtTS(rec.UpdatedAt), rec.Message))
	}
	format := func(s rd.JobStatus) string {
		return fmt.Sprintf("%s %s", jtTS(s.UpdatedAt), s.Message)
	}
	for _, limit := range []int{1, 4, 0} {
		got, _ := jtPages(j, "status history", limit,
			func(o rd.ListOptions) (rd.PageOf[rd.JobStatus], error) {
				return j.cl.ListJobStatuses(j.Ctx, job.ID, o)
			})
		j.wantSeq(fmt.Sprintf("status history, limit %d", limit), jtMap(got, format), want)
	}
	if !slices.IsSorted(want) || len(slices.Compact(slices.Clone(want))) != n {
		j.Errorf("event times are not distinct and increasing: %s", jtAbbrev(want))
	}
	if !strings.HasPrefix(want[0], jtTS(frozen)[:19]) {
		j.Errorf("first event time %s is not in the clock's second %s", want[0], jtTS(frozen))
	}
	got, history, err := j.cl.GetJobWithStatus(j.Ctx, job.ID)
	j.noErr(err, "get job with status")
	j.wantSeq("history of GetJobWithStatus", jtMap(history, format), want)
	if got.Status != rd.JobSucceeded {
		j.Errorf("job status %q, want succeeded", got.Status)
	}
	latest, err := j.cl.LatestJobStatus(j.Ctx, job.ID)
	j.noErr(err, "latest status")
	if format(latest) != want[n-1] {
		j.Errorf("latest status %q, want %q", format(latest), want[n-1])
	}
}
