package tabletest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// instanceChecks are the checks of instances and of jobs assigned to them.
func instanceChecks() []check {
	return []check{
		jobCheck("instance/lifecycle", false, checkInstances),
		jobCheck("instance/assign", false, checkAssignments),
	}
}

// queueChecks are the checks of queues and claims.
func queueChecks(claimJobs int) []check {
	return []check{
		jobCheck("queue/create-list-delete", false, checkQueues),
		jobCheck("queue/enqueue-order", true, checkEnqueue),
		jobCheck("queue/claim-finish-release", true, checkClaim),
		jobCheck("queue/claim-concurrent", true, func(j *jobC) {
			checkClaimConcurrent(j, claimJobs)
		}),
	}
}

func instanceID(in rd.Instance) string { return in.ID }

func checkInstances(j *jobC) {
	var ins []rd.Instance
	for i := range 5 {
		in := jtInstance()
		if i%2 == 1 {
			in.Status = rd.InstancePending
		}
		j.noErr(j.cl.RegisterInstance(j.Ctx, in), "register instance")
		ins = append(ins, in)
	}
	busy := jtJob(1, "alice")
	busy.Status = rd.JobRunning
	j.addJobs(busy) // shares the index partition STATUS#running

	j.wantItemErr(j.cl.RegisterInstance(j.Ctx, ins[0]), rd.ErrAlreadyExists,
		"register an instance twice")
	bad := jtInstance()
	bad.AvailabilityZone = ""
	j.wantInvalid(j.cl.RegisterInstance(j.Ctx, bad), "register an instance without a zone")
	_, err := j.cl.GetInstance(j.Ctx, bad.ID)
	j.wantItemErr(err, rd.ErrNotFound, "get a refused instance")
	got, err := j.cl.GetInstance(j.Ctx, ins[0].ID)
	j.noErr(err, "get instance")
	if got.InstanceType != "g5.xlarge" || got.GPUCount != 1 || got.IPAddress != "10.0.0.7" ||
		got.HealthStatus != rd.HealthHealthy || !got.LaunchedAt.Equal(ins[0].LaunchedAt) {
		j.Errorf("get instance: got %+v, want %+v", got, ins[0])
	}

	inState := func(st rd.InstanceState) []string {
		var ids []string
		for _, in := range ins {
			if in.Status == st {
				ids = append(ids, in.ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	listed := func(st rd.InstanceState) []string {
		got, _ := jtPages(j, "instances by status", 1,
			func(o rd.ListOptions) (rd.PageOf[rd.Instance], error) {
				return j.cl.ListInstancesByStatus(j.Ctx, st, o)
			})
		return jtMap(got, instanceID)
	}
	j.wantSeq("running instances (a running job shares the partition)",
		listed(rd.InstanceRunning), inState(rd.InstanceRunning))
	j.wantSeq("pending instances", listed(rd.InstancePending), inState(rd.InstancePending))

	up, err := j.cl.UpdateInstanceStatus(j.Ctx, ins[1].ID, "RUNNING", "unhealthy")
	j.noErr(err, "update instance status")
	if up.Status != rd.InstanceRunning || up.HealthStatus != rd.HealthUnhealthy {
		j.Errorf("updated instance: status %q health %q, want running unhealthy", up.Status,
			up.HealthStatus)
	}
	ins[1].Status = rd.InstanceRunning
	j.wantSeq("running instances after update", listed(rd.InstanceRunning),
		inState(rd.InstanceRunning))
	j.wantSeq("pending instances after update", listed(rd.InstancePending),
		inState(rd.InstancePending))
	up, err = j.cl.UpdateInstanceStatus(j.Ctx, ins[1].ID, "", rd.HealthHealthy)
	j.noErr(err, "update instance health only")
	if up.Status != rd.InstanceRunning || up.HealthStatus != rd.HealthHealthy {
		j.Errorf("instance after a health update: %q %q, want running healthy", up.Status,
			up.HealthStatus)
	}
	_, err = j.cl.UpdateInstanceStatus(j.Ctx, jtID(), rd.InstanceStopped, "")
	j.wantItemErr(err, rd.ErrNotFound, "update a missing instance")
	_, err = j.cl.UpdateInstanceStatus(j.Ctx, ins[0].ID, "asleep", "")
	j.wantInvalid(err, "update an instance to an unknown status")

	all, _ := jtPages(j, "all instances", 2,
		func(o rd.ListOptions) (rd.PageOf[rd.Instance], error) {
			return j.cl.ListInstances(j.Ctx, o)
		})
	ids := jtMap(all, instanceID)
	slices.Sort(ids)
	wantAll := jtMap(ins, instanceID)
	slices.Sort(wantAll)
	j.wantSeq("all instances", ids, wantAll)
	jobs, _ := jtPages(j, "running jobs", 0, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByStatus(j.Ctx, rd.JobRunning, o)
	})
	j.wantSeq("running jobs (instances share the partition)", jtMap(jobs, jtJobID),
		[]string{busy.ID})
}

func checkAssignments(j *jobC) {
	i1, i2 := jtInstance(), jtInstance()
	for _, in := range []rd.Instance{i1, i2} {
		j.noErr(j.cl.RegisterInstance(j.Ctx, in), "register instance")
	}
	j1, j2 := jtJob(1, "u"), jtJob(2, "u")
	j.addJobs(j1, j2)
	assign := func(in rd.Instance, job rd.Job) error {
		_, err := j.cl.AssignJob(j.Ctx, rd.InstanceJob{InstanceID: in.ID, JobID: job.ID,
			ResourceUtilization: map[string]any{"gpu": 0.5}})
		return err
	}
	j.noErr(assign(i1, j1), "assign")
	j.noErr(assign(i1, j2), "assign")
	j.noErr(assign(i2, j1), "assign")
	_, err := j.cl.GetClaim(j.Ctx, i1.ID, j1.ID)
	j.wantItemErr(err, rd.ErrNotFound, "get the claim of an assignment made by AssignJob")

	ij, err := j.cl.GetInstanceJob(j.Ctx, i1.ID, j1.ID)
	j.noErr(err, "get assignment")
	if ij.Status != rd.AssignmentAssigned || ij.AssignedAt.IsZero() ||
		fmt.Sprint(ij.ResourceUtilization) != "map[gpu:0.5]" {
		j.Errorf("assignment: got %+v, want assigned with utilisation", ij)
	}
	jobsOf, _ := jtPages(j, "jobs of an instance", 1,
		func(o rd.ListOptions) (rd.PageOf[rd.InstanceJob], error) {
			return j.cl.ListInstanceJobs(j.Ctx, i1.ID, o)
		})
	wantJobs := []string{j1.ID, j2.ID}
	slices.Sort(wantJobs)
	j.wantSeq("jobs of an instance", jtMap(jobsOf, func(x rd.InstanceJob) string {
		return x.JobID
	}), wantJobs)
	instancesOf, _ := jtPages(j, "instances of a job", 1,
		func(o rd.ListOptions) (rd.PageOf[rd.InstanceJob], error) {
			return j.cl.ListJobInstances(j.Ctx, j1.ID, o)
		})
	wantIns := []string{i1.ID, i2.ID}
	slices.Sort(wantIns)
	j.wantSeq("instances of a job", jtMap(instancesOf, func(x rd.InstanceJob) string {
		return x.InstanceID
	}), wantIns)

	j.wantItemErr(assign(i1, j1), rd.ErrAlreadyExists, "assign twice")
	j.wantItemErr(assign(jtInstance(), j1), rd.ErrNotFound, "assign to a missing instance")
	j.wantItemErr(assign(i1, jtJob(3, "u")), rd.ErrNotFound, "assign a missing job")
}

func queueName(q rd.Queue) string { return q.Name }

func jtQueue(name string, max int) rd.Queue {
	return rd.Queue{Name: name, Description: "fixture queue", MaxConcurrentJobs: max,
		Priority: rd.PriorityMedium, CreatedAt: jtAt(0)}
}

// wantLoad fails the check unless the queue's counters are as given.
func (j *jobC) wantLoad(what, queue string, waiting, running int) {
	j.Helper()
	load, err := j.cl.GetQueueLoad(j.Ctx, queue)
	j.noErr(err, "queue load")
	if load.Waiting != waiting || load.Running != running {
		j.Errorf("%s: queue %s has %d waiting and %d running, want %d and %d", what, queue,
			load.Waiting, load.Running, waiting, running)
	}
	q, err := j.cl.GetQueue(j.Ctx, queue)
	j.noErr(err, "get queue")
	entries, _ := jtPages(j, "queue entries", 0,
		func(o rd.ListOptions) (rd.PageOf[rd.QueueJob], error) {
			return j.cl.ListQueueJobs(j.Ctx, queue, o)
		})
	if q.JobCount != len(entries) {
		j.Errorf("%s: queue %s has job_count %d but %d entries", what, queue, q.JobCount,
			len(entries))
	}
}

func checkQueues(j *jobC) {
	for _, name := range []string{"train", "eval", "batch"} {
		j.noErr(j.cl.CreateQueue(j.Ctx, jtQueue(name, 2)), "create queue "+name)
	}
	j.wantItemErr(j.cl.CreateQueue(j.Ctx, jtQueue("train", 3)), rd.ErrAlreadyExists,
		"create a queue twice")
	counted := jtQueue("counted", 1)
	counted.JobCount = 3
	j.wantInvalid(j.cl.CreateQueue(j.Ctx, counted), "create a queue with jobs counted")
	j.wantInvalid(j.cl.CreateQueue(j.Ctx, jtQueue("none", 0)),
		"create a queue with max_concurrent_jobs 0")

	q, err := j.cl.GetQueue(j.Ctx, "train")
	j.noErr(err, "get queue")
	if q.MaxConcurrentJobs != 2 || q.JobCount != 0 || q.Priority != rd.PriorityMedium ||
		!q.CreatedAt.Equal(jtAt(0)) {
		j.Errorf("get queue: got %+v", q)
	}
	j.wantLoad("new queue", "train", 0, 0)
	list := func() []string {
		got, _ := jtPages(j, "queues", 1, func(o rd.ListOptions) (rd.PageOf[rd.Queue], error) {
			return j.cl.ListQueues(j.Ctx, o)
		})
		return jtMap(got, queueName)
	}
	j.wantSeq("queues", list(), []string{"batch", "eval", "train"})

	j.noErr(j.cl.DeleteQueue(j.Ctx, "eval"), "delete queue")
	_, err = j.cl.GetQueue(j.Ctx, "eval")
	j.wantItemErr(err, rd.ErrNotFound, "get a deleted queue")
	j.wantItemErr(j.cl.DeleteQueue(j.Ctx, "eval"), rd.ErrNotFound, "delete a queue twice")
	j.wantSeq("queues after a delete", list(), []string{"batch", "train"})
}

func entryID(e rd.QueueJob) string { return e.JobID }

// checkEnqueue enqueues jobs of every priority and reads the queue in claim
// order; a job in two queues and on an instance shows each link once.
func checkEnqueue(j *jobC) {
	for _, name := range []string{"train", "eval"} {
		j.noErr(j.cl.CreateQueue(j.Ctx, jtQueue(name, 2)), "create queue")
	}
	var jobs []rd.Job
	for i := range 9 {
		job := jtJob(i, "u")
		job.Priority = rd.Priorities[(i*3)%len(rd.Priorities)]
		jobs = append(jobs, job)
	}
	running := jtJob(20, "u")
	running.Status = rd.JobRunning
	j.addJobs(append(jobs, running)...)

	var entries []rd.QueueJob
	for i, job := range jobs {
		// Enqueue times out of creation order, two of them equal.
		e := rd.QueueJob{QueueName: "train", JobID: job.ID, EnqueuedAt: jtAt(100 - i%5),
			Priority: job.Priority}
		if i == 4 {
			e.Priority = "" // takes the job's priority
		}
		got, err := j.cl.Enqueue(j.Ctx, e)
		j.noErr(err, "enqueue")
		if got.Priority != job.Priority {
			j.Errorf("enqueued with priority %q, want the job's %q", got.Priority, job.Priority)
		}
		entries = append(entries, got)
	}
	j.wantLoad("after enqueuing 9", "train", 9, 0)

	claimOrder := slices.Clone(entries)
	slices.SortFunc(claimOrder, func(a, b rd.QueueJob) int {
		if c := b.Priority.Rank() - a.Priority.Rank(); c != 0 {
			return c
		}
		if c := a.EnqueuedAt.Compare(b.EnqueuedAt); c != 0 {
			return c
		}
		return cmpStrings(a.JobID, b.JobID)
	})
	for _, limit := range []int{0, 1, 4} {
		got, _ := jtPages(j, "queue entries", limit,
			func(o rd.ListOptions) (rd.PageOf[rd.QueueJob], error) {
				return j.cl.ListQueueJobs(j.Ctx, "train", o)
			})
		j.wantSeq(fmt.Sprintf("queue in claim order, limit %d", limit), jtMap(got, entryID),
			jtMap(claimOrder, entryID))
	}

	// Refused enqueues change nothing.
	_, err := j.cl.Enqueue(j.Ctx, entries[0])
	j.wantItemErr(err, rd.ErrAlreadyExists, "enqueue twice")
	_, err = j.cl.Enqueue(j.Ctx, rd.QueueJob{QueueName: "nowhere", JobID: jobs[0].ID,
		Priority: rd.PriorityLow})
	j.wantItemErr(err, rd.ErrNotFound, "enqueue into a missing queue")
	_, err = j.cl.Enqueue(j.Ctx, rd.QueueJob{QueueName: "train", JobID: jtID(),
		Priority: rd.PriorityLow})
	j.wantItemErr(err, rd.ErrNotFound, "enqueue a missing job")
	_, err = j.cl.Enqueue(j.Ctx, rd.QueueJob{QueueName: "train", JobID: running.ID,
		Priority: rd.PriorityLow})
	j.wantItemErr(err, rd.ErrConditionFailed, "enqueue a running job")
	j.wantLoad("after refused enqueues", "train", 9, 0)

	// A job in two queues and assigned to an instance.
	_, err = j.cl.Enqueue(j.Ctx, rd.QueueJob{QueueName: "eval", JobID: jobs[0].ID})
	j.noErr(err, "enqueue into a second queue")
	in := jtInstance()
	j.noErr(j.cl.RegisterInstance(j.Ctx, in), "register instance")
	_, err = j.cl.AssignJob(j.Ctx, rd.InstanceJob{InstanceID: in.ID, JobID: jobs[0].ID})
	j.noErr(err, "assign job")
	queuesOf := func() []string {
		got, _ := jtPages(j, "queues of a job", 1,
			func(o rd.ListOptions) (rd.PageOf[rd.QueueJob], error) {
				return j.cl.ListJobQueues(j.Ctx, jobs[0].ID, o)
			})
		return jtMap(got, func(e rd.QueueJob) string { return e.QueueName })
	}
	j.wantSeq("queues of a job (an assignment shares the partition)", queuesOf(),
		[]string{"eval", "train"})
	ofJob, err := j.cl.ListJobInstances(j.Ctx, jobs[0].ID, rd.ListOptions{})
	j.noErr(err, "instances of a job")
	if len(ofJob.Items) != 1 || ofJob.Items[0].InstanceID != in.ID {
		j.Errorf("instances of a job in two queues: got %d, want the one assignment",
			len(ofJob.Items))
	}

	j.noErr(j.cl.RemoveFromQueue(j.Ctx, "train", jobs[1].ID), "remove from queue")
	j.wantItemErr(j.cl.RemoveFromQueue(j.Ctx, "train", jobs[1].ID), rd.ErrNotFound,
		"remove from queue twice")
	j.wantLoad("after a removal", "train", 8, 0)

	j.noErr(j.cl.DeleteQueue(j.Ctx, "train"), "delete queue with entries")
	left, _ := j.queryAll(rd.Query{PK: rd.QueueKey("train").PK})
	if len(left) != 0 {
		j.Errorf("delete queue left %d items: %s", len(left), jtAbbrev(keysOf(left)))
	}
	j.wantSeq("queues of a job after a queue's delete", queuesOf(), []string{"eval"})
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkClaim walks one queue through claims, the capacity limit, finishes,
// a release, a stale entry, and the recovery of a dead instance's claims.
func checkClaim(j *jobC) {
	j.noErr(j.cl.CreateQueue(j.Ctx, jtQueue("gpu", 2)), "create queue")
	i1, i2 := jtInstance(), jtInstance()
	for _, in := range []rd.Instance{i1, i2} {
		j.noErr(j.cl.RegisterInstance(j.Ctx, in), "register instance")
	}
	prio := []rd.Priority{rd.PriorityHigh, rd.PriorityMedium, rd.PriorityLow,
		rd.PriorityCritical}
	var a, b, c, d rd.Job
	for i, p := range []*rd.Job{&a, &b, &c, &d} {
		*p = jtJob(i, "u")
		p.Priority = prio[i]
		j.addJobs(*p)
		_, err := j.cl.Enqueue(j.Ctx, rd.QueueJob{QueueName: "gpu", JobID: p.ID})
		j.noErr(err, "enqueue")
	}
	claim := func(in rd.Instance, want rd.Job) rd.Claim {
		j.Helper()
		cl, err := j.cl.Claim(j.Ctx, "gpu", in.ID)
		j.noErr(err, "claim")
		if cl.JobID != want.ID || cl.InstanceID != in.ID || cl.Queue != "gpu" {
			j.Errorf("claim: got job %s for %s, want %s (priority %s)", cl.JobID,
				cl.InstanceID, want.ID, want.Priority)
		}
		return cl
	}
	status := func(job rd.Job) rd.JobState {
		j.Helper()
		got, err := j.cl.GetJob(j.Ctx, job.ID)
		j.noErr(err, "get job")
		return got.Status
	}

	_, err := j.cl.Claim(j.Ctx, "gpu", jtID())
	j.wantItemErr(err, rd.ErrNotFound, "claim for an unregistered instance")
	_, err = j.cl.Claim(j.Ctx, "nowhere", i1.ID)
	j.wantItemErr(err, rd.ErrNotFound, "claim from a missing queue")
	j.wantLoad("after refused claims", "gpu", 4, 0)

	cd := claim(i1, d) // critical first
	ij, err := j.cl.GetInstanceJob(j.Ctx, i1.ID, d.ID)
	j.noErr(err, "get the claim's assignment")
	if ij.Status != rd.AssignmentRunning || !ij.AssignedAt.Equal(cd.ClaimedAt) ||
		status(d) != rd.JobRunning {
		j.Errorf("after a claim: assignment %+v, job %s; want running at the claim's time",
			ij, status(d))
	}
	ca := claim(i2, a)
	j.wantLoad("two claimed", "gpu", 2, 2)
	_, err = j.cl.Claim(j.Ctx, "gpu", i1.ID)
	if !errors.Is(err, rd.ErrQueueFull) {
		j.Errorf("claim beyond max_concurrent_jobs: got %v, want ErrQueueFull", err)
	}

	j.noErr(j.cl.FinishClaim(j.Ctx, cd, rd.JobSucceeded, "done"), "finish claim")
	if st := status(d); st != rd.JobSucceeded {
		j.Errorf("finished job is %s, want succeeded", st)
	}
	ij, _ = j.cl.GetInstanceJob(j.Ctx, i1.ID, d.ID)
	if ij.Status != rd.AssignmentCompleted {
		j.Errorf("finished assignment is %s, want completed", ij.Status)
	}
	j.wantItemErr(j.cl.FinishClaim(j.Ctx, cd, rd.JobSucceeded, "again"),
		rd.ErrConditionFailed, "finish a claim twice")
	j.wantInvalid(j.cl.FinishClaim(j.Ctx, ca, rd.JobPending, ""),
		"finish a claim as pending")
	j.wantLoad("one finished", "gpu", 2, 1)

	// Another process releases a's claim: GetClaim gives it back whole,
	// and the entry returns as it was taken.
	got, err := j.cl.GetClaim(j.Ctx, i2.ID, a.ID)
	j.noErr(err, "get the claim of a")
	if got.Queue != ca.Queue || got.InstanceID != ca.InstanceID || got.JobID != ca.JobID ||
		!got.ClaimedAt.Equal(ca.ClaimedAt) || got.Entry.Priority != ca.Entry.Priority ||
		!got.Entry.EnqueuedAt.Equal(ca.Entry.EnqueuedAt) {
		j.Errorf("GetClaim = %+v, want the claim %+v", got, ca)
	}
	_, err = j.cl.GetClaim(j.Ctx, i1.ID, a.ID)
	j.wantItemErr(err, rd.ErrNotFound, "get a claim the instance never made")
	j.noErr(j.cl.ReleaseClaim(j.Ctx, got, "preempted"), "release claim")
	if st := status(a); st != rd.JobPending {
		j.Errorf("released job is %s, want pending", st)
	}
	j.wantLoad("one released", "gpu", 3, 0)
	order, _ := j.cl.ListQueueJobs(j.Ctx, "gpu", rd.ListOptions{})
	j.wantSeq("queue after the release", jtMap(order.Items, entryID),
		[]string{a.ID, b.ID, c.ID})
	if e := order.Items[0]; len(order.Items) == 3 &&
		(e.Priority != ca.Entry.Priority || !e.EnqueuedAt.Equal(ca.Entry.EnqueuedAt)) {
		j.Errorf("released entry is %s enqueued at %s, want %s at %s", e.Priority,
			e.EnqueuedAt, ca.Entry.Priority, ca.Entry.EnqueuedAt)
	}

	// A job cancelled while it waits is dropped by the next claim.
	_, err = j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: a.ID, Status: rd.JobCancelled})
	j.noErr(err, "cancel a queued job")
	cb := claim(i1, b)
	j.wantLoad("stale entry dropped", "gpu", 1, 1)

	// i1 dies holding b: recovery puts b back, interrupted.
	rec, err := j.cl.RecoverInstance(j.Ctx, i1.ID, "instance lost")
	j.noErr(err, "recover instance")
	if len(rec) != 1 || rec[0].JobID != b.ID {
		j.Errorf("recovered %d claims, want the claim of b", len(rec))
	}
	if st := status(b); st != rd.JobInterrupted {
		j.Errorf("recovered job is %s, want interrupted", st)
	}
	j.wantLoad("after recovery", "gpu", 2, 0)
	j.wantItemErr(j.cl.FinishClaim(j.Ctx, cb, rd.JobSucceeded, "late"), rd.ErrConditionFailed,
		"finish a recovered claim")

	for _, want := range []rd.Job{b, c} {
		cl := claim(i2, want)
		j.noErr(j.cl.FinishClaim(j.Ctx, cl, rd.JobSucceeded, ""), "finish claim")
	}
	_, err = j.cl.Claim(j.Ctx, "gpu", i2.ID)
	if !errors.Is(err, rd.ErrQueueEmpty) {
		j.Errorf("claim from an empty queue: got %v, want ErrQueueEmpty", err)
	}
	j.wantLoad("all done", "gpu", 0, 0)

	_, history, err := j.cl.GetJobWithStatus(j.Ctx, b.ID)
	j.noErr(err, "history of b")
	j.wantSeq("history of the recovered job", jtMap(history, func(s rd.JobStatus) string {
		return string(s.Status)
	}), []string{"running", "interrupted", "running", "succeeded"})

	// Jobs cancelled while they run keep that status when their claims end,
	// and a release does not queue them again.
	for _, release := range []bool{false, true} {
		x := jtJob(50, "u")
		j.addJobs(x)
		_, err := j.cl.Enqueue(j.Ctx, rd.QueueJob{QueueName: "gpu", JobID: x.ID})
		j.noErr(err, "enqueue")
		cl := claim(i2, x)
		_, err = j.cl.RecordJobStatus(j.Ctx, rd.JobStatus{JobID: x.ID, Status: rd.JobCancelled})
		j.noErr(err, "cancel a running job")
		if release {
			j.noErr(j.cl.ReleaseClaim(j.Ctx, cl, "give back"), "release a cancelled job")
		} else {
			j.noErr(j.cl.FinishClaim(j.Ctx, cl, rd.JobSucceeded, "done"), "finish a cancelled job")
		}
		if st := status(x); st != rd.JobCancelled {
			j.Errorf("cancelled job after its claim ended (release %t): %s", release, st)
		}
		j.wantLoad(fmt.Sprintf("cancelled job's claim ended (release %t)", release), "gpu", 0, 0)
	}
}

// checkClaimConcurrent lets eight workers, each on its own instance, claim
// from one queue of jobs (200 by default) with max_concurrent_jobs 3 until
// it is empty.
// Every job must be claimed exactly once, job_count must end at zero, and
// neither the workers' own count of jobs in hand nor the stored running
// counter may ever exceed the maximum.
func checkClaimConcurrent(j *jobC, jobs int) {
	const (
		workers = 8
		max     = 3
	)
	j.noErr(j.cl.CreateQueue(j.Ctx, jtQueue("shared", max)), "create queue")
	var ids []string
	for i := range jobs {
		job := jtJob(i, "u")
		job.Priority = rd.Priorities[i%len(rd.Priorities)]
		j.addJobs(job)
		_, err := j.cl.Enqueue(j.Ctx, rd.QueueJob{QueueName: "shared", JobID: job.ID})
		j.noErr(err, "enqueue")
		ids = append(ids, job.ID)
	}
	var instances []rd.Instance
	for range workers {
		in := jtInstance()
		j.noErr(j.cl.RegisterInstance(j.Ctx, in), "register instance")
		instances = append(instances, in)
	}

	var (
		inHand, peak, full atomic.Int64
		mu                 sync.Mutex
		claimed            = map[string][]string{} // job -> instances
		problems           []string
		wg                 sync.WaitGroup
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	start := time.Now()
	for _, in := range instances {
		cl := rd.NewClient(j.Table) // one client per worker, as separate processes have
		wg.Go(func() {
			for j.Ctx.Err() == nil {
				claim, err := cl.Claim(j.Ctx, "shared", in.ID)
				switch {
				case errors.Is(err, rd.ErrQueueEmpty):
					return
				case errors.Is(err, rd.ErrQueueFull):
					full.Add(1)
					time.Sleep(time.Duration(1+rand.IntN(3)) * time.Millisecond)
					continue
				case err != nil:
					fail("claim: %v", err)
					return
				}
				n := inHand.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				if n > max {
					fail("%d jobs in hand at once, max_concurrent_jobs is %d", n, max)
				}
				if load, err := cl.GetQueueLoad(j.Ctx, "shared"); err != nil {
					fail("queue load: %v", err)
				} else if load.Running > max || load.Running < 1 {
					fail("stored running_jobs is %d with a claim in hand, max %d", load.Running,
						max)
				}
				mu.Lock()
				claimed[claim.JobID] = append(claimed[claim.JobID], in.ID)
				mu.Unlock()
				time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond) // the work
				inHand.Add(-1)
				if err := cl.FinishClaim(j.Ctx, claim, rd.JobSucceeded, "ok"); err != nil {
					fail("finish claim of %s: %v", claim.JobID, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, p := range problems[:min(len(problems), 10)] {
		j.Errorf("concurrent claims: %s", p)
	}

	for _, id := range ids {
		if got := claimed[id]; len(got) != 1 {
			j.Errorf("job %s was claimed %d times, want once (by %v)", id, len(got), got)
		}
	}
	if len(claimed) != jobs {
		j.Errorf("%d distinct jobs claimed, want %d", len(claimed), jobs)
	}
	j.wantLoad("after the workers", "shared", 0, 0)

	// The stored assignments agree: 200 completed ones, one per job.
	perJob := map[string]int{}
	for _, in := range instances {
		got, _ := jtPages(j, "jobs of an instance", 0,
			func(o rd.ListOptions) (rd.PageOf[rd.InstanceJob], error) {
				return j.cl.ListInstanceJobs(j.Ctx, in.ID, o)
			})
		for _, ij := range got {
			perJob[ij.JobID]++
			if ij.Status != rd.AssignmentCompleted {
				j.Errorf("assignment of %s on %s is %s, want completed", ij.JobID,
					ij.InstanceID, ij.Status)
			}
		}
	}
	if len(perJob) != jobs {
		j.Errorf("%d jobs have assignments, want %d", len(perJob), jobs)
	}
	done, _ := jtPages(j, "succeeded jobs", 0, func(o rd.ListOptions) (jobPage, error) {
		return j.cl.ListJobsByStatus(j.Ctx, rd.JobSucceeded, o)
	})
	if len(done) != jobs {
		j.Errorf("%d jobs succeeded, want %d", len(done), jobs)
	}
	j.Logf("%d workers claimed %d jobs in %v; at most %d in hand at once (max %d); "+
		"%d claims found the queue full", workers, len(claimed), elapsed.Round(time.Millisecond),
		peak.Load(), max, full.Load())
}
