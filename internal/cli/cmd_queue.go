package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
)

func (a *app) queueCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "queue",
		Short: "Create queues of jobs, enqueue jobs, and claim and finish them",
		Long: `Queues hold pending jobs until an instance claims one. A claim takes the
waiting job of highest priority that has waited longest, and never more
than the queue's --max-concurrent jobs run at once; "queue finish" ends a
claim with the job's outcome and "queue release" gives the job back.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(
		newQueueCreateCmd(run(a, a.runQueueCreate)),
		newQueueListCmd(run(a, a.runQueueList)),
		newQueueJobsCmd(run(a, a.runQueueJobs)),
		newQueueEnqueueCmd(run(a, a.runQueueEnqueue)),
		newQueueClaimCmd(run(a, a.runQueueClaim)),
		newQueueFinishCmd(run(a, a.runQueueFinish)),
		newQueueReleaseCmd(run(a, a.runQueueRelease)),
	)
	return c
}

// ---- queue create

type queueCreateOptions struct {
	Queue rd.Queue
}

func newQueueCreateCmd(runF func(context.Context, *queueCreateOptions) error) *cobra.Command {
	o := &queueCreateOptions{}
	var priority string
	c := &cobra.Command{
		Use:     "create NAME --max-concurrent N",
		Short:   "Create a queue",
		Example: `  receipt-dynamo queue create training --max-concurrent 2 --priority high`,
		Args:    exactArgs(1, "NAME"),
	}
	f := c.Flags()
	f.IntVar(&o.Queue.MaxConcurrentJobs, "max-concurrent", 0,
		"the most jobs of the queue running at once (required)")
	f.StringVar(&o.Queue.Description, "description", "", "what the queue is for")
	f.StringVar(&priority, "priority", "medium", "low, medium, high or critical")
	return command(c, o, func(args []string) error {
		q := &o.Queue
		q.Name = args[0]
		if q.MaxConcurrentJobs < 1 {
			return usagef("give --max-concurrent N, at least 1")
		}
		var err error
		q.Priority, err = parseEnum("--priority", priority, rd.ParsePriority)
		return err
	}, runF)
}

func (a *app) runQueueCreate(ctx context.Context, o *queueCreateOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	q := o.Queue
	q.CreatedAt = a.now()
	if err := st.client.CreateQueue(ctx, q); err != nil {
		if errors.Is(err, rd.ErrAlreadyExists) {
			return fmt.Errorf("queue %q already exists", q.Name)
		}
		return a.tableErr(fmt.Errorf("queue create: %w", err))
	}
	return a.printQueues([]queueView{viewQueue(q)})
}

func (a *app) printQueues(qs []queueView) error {
	return a.out.list([]string{"QUEUE", "MAX_CONCURRENT", "WAITING", "RUNNING", "PRIORITY",
		"CREATED", "DESCRIPTION"}, mapRows(qs, func(q queueView) []string {
		return []string{q.QueueName, itoa(q.MaxConcurrentJobs), itoa(q.JobCount),
			optInt(q.RunningJobs), q.Priority, q.CreatedAt, q.Description}
	}), qs)
}

// ---- queue list

func newQueueListCmd(runF func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List the queues with their waiting and running jobs",
		Example: `  receipt-dynamo queue list --json`,
		Args:    cobra.NoArgs,
	}
	addListFlags(c, o)
	return command(c, o, func([]string) error { return o.check() }, runF)
}

func (a *app) runQueueList(ctx context.Context, o *listOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	qs, next, err := collect(ctx, *o, st.client.ListQueues)
	if err != nil {
		return a.tableErr(err)
	}
	views := make([]queueView, len(qs))
	for i, q := range qs {
		views[i] = viewQueue(q)
		load, err := st.client.GetQueueLoad(ctx, q.Name)
		if err != nil {
			return a.tableErr(err)
		}
		views[i].RunningJobs = &load.Running
		views[i].JobCount = load.Waiting
	}
	a.more(next)
	return a.printQueues(views)
}

// ---- queue jobs

type queueJobsOptions struct {
	listOptions
	Queue string
}

func newQueueJobsCmd(runF func(context.Context, *queueJobsOptions) error) *cobra.Command {
	o := &queueJobsOptions{}
	c := &cobra.Command{
		Use:     "jobs QUEUE",
		Short:   "List the jobs waiting in a queue, in the order claims take them",
		Example: `  receipt-dynamo queue jobs training`,
		Args:    exactArgs(1, "QUEUE"),
	}
	addListFlags(c, &o.listOptions)
	return command(c, o, func(args []string) error {
		o.Queue = args[0]
		return o.check()
	}, runF)
}

var queueJobColumns = []string{"QUEUE", "JOB_ID", "PRIORITY", "POSITION", "ENQUEUED"}

func queueJobRow(q rd.QueueJob) []string {
	return []string{q.QueueName, q.JobID, string(q.Priority), itoa(q.Position), ts(q.EnqueuedAt)}
}

func (a *app) runQueueJobs(ctx context.Context, o *queueJobsOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	if _, err := st.client.GetQueue(ctx, o.Queue); err != nil {
		return a.notFound(err, "queue %q", o.Queue)
	}
	qjs, next, err := collect(ctx, o.listOptions,
		func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.QueueJob], error) {
			return st.client.ListQueueJobs(ctx, o.Queue, lo)
		})
	if err != nil {
		return a.tableErr(err)
	}
	a.more(next)
	return a.out.list(queueJobColumns, mapRows(qjs, queueJobRow), mapSlice(qjs, viewQueueJob))
}

// ---- queue enqueue

type queueEnqueueOptions struct {
	Entry rd.QueueJob
}

func newQueueEnqueueCmd(runF func(context.Context, *queueEnqueueOptions) error) *cobra.Command {
	o := &queueEnqueueOptions{}
	var priority string
	c := &cobra.Command{
		Use:   "enqueue QUEUE JOB_ID",
		Short: "Put a pending job into a queue",
		Long: `Put a pending (or interrupted) job into a queue, with the job's priority
unless --priority gives another.`,
		Example: `  receipt-dynamo queue enqueue training 0b8e5c1e-3f52-4d7a-9a51-6c2f0e4b7d10`,
		Args:    exactArgs(2, "QUEUE and JOB_ID"),
	}
	c.Flags().StringVar(&priority, "priority", "", "the entry's priority (default: the job's)")
	c.Flags().IntVar(&o.Entry.Position, "position", 0, "the entry's position, recorded as given")
	return command(c, o, func(args []string) error {
		e := &o.Entry
		e.QueueName = args[0]
		var err error
		if e.JobID, err = parseUUID("JOB_ID", args[1]); err != nil {
			return err
		}
		if e.Position < 0 {
			return usagef("--position must be 0 or more")
		}
		if priority != "" {
			e.Priority, err = parseEnum("--priority", priority, rd.ParsePriority)
		}
		return err
	}, runF)
}

func (a *app) runQueueEnqueue(ctx context.Context, o *queueEnqueueOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	e := o.Entry
	e.EnqueuedAt = a.now()
	qj, err := st.client.Enqueue(ctx, e)
	if err != nil {
		return a.notFound(err, "queue %q or job %s", e.QueueName, e.JobID)
	}
	return a.out.list(queueJobColumns, [][]string{queueJobRow(qj)}, viewQueueJob(qj))
}

// ---- queue claim

type queueClaimOptions struct {
	Queue      string
	InstanceID string
}

func newQueueClaimCmd(runF func(context.Context, *queueClaimOptions) error) *cobra.Command {
	o := &queueClaimOptions{}
	var instance string
	c := &cobra.Command{
		Use:   "claim QUEUE --instance INSTANCE_ID",
		Short: "Take the next job of a queue for an instance",
		Long: `Take the next job of the queue for the registered instance: the job
becomes running, assigned to the instance, and leaves the queue, all in one
transaction, so two claims never take the same job. It prints the claim;
with --json, job_id is the claimed job's id. It exits with 3 when the queue
has no job to claim or already runs --max-concurrent jobs.`,
		Example: `  receipt-dynamo queue claim training --instance "$INSTANCE"
  JOB=$(receipt-dynamo queue claim training --instance "$INSTANCE" --json | jq -r .job_id)`,
		Args: exactArgs(1, "QUEUE"),
	}
	c.Flags().StringVar(&instance, "instance", "", "the claiming `INSTANCE_ID` (required)")
	return command(c, o, func(args []string) error {
		o.Queue = args[0]
		if instance == "" {
			return usagef("give --instance INSTANCE_ID")
		}
		var err error
		o.InstanceID, err = parseUUID("--instance", instance)
		return err
	}, runF)
}

func (a *app) runQueueClaim(ctx context.Context, o *queueClaimOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	cl, err := st.client.Claim(ctx, o.Queue, o.InstanceID)
	switch {
	case errors.Is(err, rd.ErrQueueEmpty):
		return &codedError{ExitNotFound, fmt.Errorf("queue %q has no job to claim", o.Queue)}
	case errors.Is(err, rd.ErrQueueFull):
		return &codedError{ExitNotFound, fmt.Errorf("queue %q already runs its maximum "+
			"of concurrent jobs", o.Queue)}
	case err != nil:
		return a.notFound(err, "queue %q or instance %s", o.Queue, o.InstanceID)
	}
	v := claimView{QueueName: cl.Queue, InstanceID: cl.InstanceID, JobID: cl.JobID,
		ClaimedAt: ts(cl.ClaimedAt), Priority: string(cl.Entry.Priority),
		EnqueuedAt: ts(cl.Entry.EnqueuedAt)}
	return a.out.record([]field{{"job_id", v.JobID}, {"queue", v.QueueName},
		{"instance_id", v.InstanceID}, {"claimed_at", v.ClaimedAt}, {"priority", v.Priority},
		{"enqueued_at", v.EnqueuedAt}}, v)
}

// ---- queue finish and release

// claimRef names a claim, as finish and release take it: QUEUE JOB_ID
// --instance INSTANCE_ID, with a message for the job's status history.
type claimRef struct {
	Queue      string
	JobID      string
	InstanceID string
	Message    string
}

// addClaimFlags adds the flags of a claimRef to c and returns the parser of
// its arguments.
func addClaimFlags(c *cobra.Command, r *claimRef) func(args []string) error {
	var instance string
	c.Flags().StringVar(&instance, "instance", "", "the `INSTANCE_ID` that claimed the job")
	c.Flags().StringVar(&r.Message, "message", "", "a message for the status history")
	return func(args []string) error {
		r.Queue = args[0]
		var err error
		if r.JobID, err = parseUUID("JOB_ID", args[1]); err != nil {
			return err
		}
		if instance == "" {
			return usagef("give --instance INSTANCE_ID")
		}
		r.InstanceID, err = parseUUID("--instance", instance)
		return err
	}
}

// endClaim reads the claim back from its assignment, ends it with end and
// prints the job as it is afterwards.
func (a *app) endClaim(ctx context.Context, r claimRef,
	end func(*rd.Client, rd.Claim) error) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	cl, err := st.client.GetClaim(ctx, r.InstanceID, r.JobID)
	if err != nil {
		return a.notFound(err, "claim of job %s by instance %s", r.JobID, r.InstanceID)
	}
	if cl.Queue != r.Queue {
		return fmt.Errorf("claim of job %s from queue %q: the job was claimed from queue %q: %w",
			r.JobID, r.Queue, cl.Queue, rd.ErrNotFound)
	}
	if err := end(st.client, cl); err != nil {
		if errors.Is(err, rd.ErrConditionFailed) {
			return fmt.Errorf("the claim of job %s by instance %s, made at %s, has ended "+
				"already (finished, released or recovered): %w", cl.JobID, cl.InstanceID,
				rd.FormatTime(cl.ClaimedAt), err)
		}
		return a.tableErr(err)
	}
	j, err := st.client.GetJob(ctx, r.JobID)
	if err != nil {
		return a.tableErr(err)
	}
	return a.printJob(j)
}

type queueFinishOptions struct {
	claimRef
	Outcome rd.JobState
}

func newQueueFinishCmd(runF func(context.Context, *queueFinishOptions) error) *cobra.Command {
	o := &queueFinishOptions{}
	var status string
	c := &cobra.Command{
		Use:   "finish QUEUE JOB_ID --instance INSTANCE_ID --status STATUS",
		Short: "End a claim with the job's outcome",
		Long: `End the instance's claim of the job with its outcome (succeeded, failed or
cancelled): the job gets the status and its history entry, the assignment
ends and the queue runs one job fewer, in one transaction.`,
		Example: `  receipt-dynamo queue finish training "$JOB" --instance "$INSTANCE"
  receipt-dynamo queue finish training "$JOB" --instance "$INSTANCE" --status failed`,
		Args: exactArgs(2, "QUEUE and JOB_ID"),
	}
	parseRef := addClaimFlags(c, &o.claimRef)
	c.Flags().StringVar(&status, "status", "succeeded", "succeeded, failed or cancelled")
	return command(c, o, func(args []string) error {
		if err := parseRef(args); err != nil {
			return err
		}
		var err error
		if o.Outcome, err = parseEnum("--status", status, rd.ParseJobState); err != nil {
			return err
		}
		if !o.Outcome.Terminal() {
			return usagef("--status must be succeeded, failed or cancelled, got %s", o.Outcome)
		}
		return nil
	}, runF)
}

func (a *app) runQueueFinish(ctx context.Context, o *queueFinishOptions) error {
	return a.endClaim(ctx, o.claimRef, func(c *rd.Client, cl rd.Claim) error {
		return c.FinishClaim(ctx, cl, o.Outcome, o.Message)
	})
}

type queueReleaseOptions struct {
	claimRef
}

func newQueueReleaseCmd(runF func(context.Context, *queueReleaseOptions) error) *cobra.Command {
	o := &queueReleaseOptions{}
	c := &cobra.Command{
		Use:   "release QUEUE JOB_ID --instance INSTANCE_ID",
		Short: "Give a claimed job back to its queue",
		Long: `Give the instance's claim of the job back to the queue, as if it had not been
claimed: the entry returns with its priority and enqueue time, the job is
pending again (with a status entry holding the message), the assignment is
cancelled and the queue runs one job fewer, in one transaction.`,
		Example: `  receipt-dynamo queue release training "$JOB" --instance "$INSTANCE" --message spot`,
		Args:    exactArgs(2, "QUEUE and JOB_ID"),
	}
	return command(c, o, addClaimFlags(c, &o.claimRef), runF)
}

func (a *app) runQueueRelease(ctx context.Context, o *queueReleaseOptions) error {
	return a.endClaim(ctx, o.claimRef, func(c *rd.Client, cl rd.Claim) error {
		return c.ReleaseClaim(ctx, cl, o.Message)
	})
}

// ---- instances

func (a *app) instanceCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "instance",
		Short: "Register compute instances and follow their status",
		Args:  cobra.NoArgs,
	}
	c.AddCommand(
		newInstanceRegisterCmd(run(a, a.runInstanceRegister)),
		newInstanceListCmd(run(a, a.runInstanceList)),
		newInstanceStatusCmd(run(a, a.runInstanceStatus)),
	)
	return c
}

type instanceRegisterOptions struct {
	Instance rd.Instance
}

func newInstanceRegisterCmd(
	runF func(context.Context, *instanceRegisterOptions) error) *cobra.Command {
	o := &instanceRegisterOptions{}
	var id, status, health string
	c := &cobra.Command{
		Use:   "register --type TYPE --zone ZONE",
		Short: "Register a compute instance",
		Long: `Register a compute instance that claims jobs; its id is new unless --id
gives one. It prints the instance; with --json, instance_id is its id.`,
		Example: `  receipt-dynamo instance register --type g5.xlarge --gpus 1 --zone us-east-1a \
      --ip 10.0.3.17 --spot --json | jq -r .instance_id`,
		Args: cobra.NoArgs,
	}
	in := &o.Instance
	f := c.Flags()
	f.StringVar(&in.InstanceType, "type", "", "the instance type, such as g5.xlarge (required)")
	f.IntVar(&in.GPUCount, "gpus", 0, "its number of GPUs")
	f.StringVar(&in.AvailabilityZone, "zone", "", "its availability zone (required)")
	f.StringVar(&in.IPAddress, "ip", "", "its IP address")
	f.BoolVar(&in.IsSpot, "spot", false, "it is a spot instance")
	f.StringVar(&status, "status", "running", "pending, running, stopped or terminated")
	f.StringVar(&health, "health", "healthy", "healthy, unhealthy or unknown")
	f.StringVar(&id, "id", "", "the instance's id (default: a new UUID)")
	return command(c, o, func([]string) error {
		if in.InstanceType == "" || in.AvailabilityZone == "" {
			return usagef("give --type TYPE and --zone ZONE")
		}
		if in.GPUCount < 0 {
			return usagef("--gpus must be 0 or more")
		}
		var err error
		if in.Status, err = parseEnum("--status", status, rd.ParseInstanceState); err != nil {
			return err
		}
		if in.HealthStatus, err = parseEnum("--health", health, rd.ParseHealth); err != nil {
			return err
		}
		in.ID = uuid.NewString()
		if id != "" {
			in.ID, err = parseUUID("--id", id)
		}
		return err
	}, runF)
}

var instanceColumns = []string{"INSTANCE_ID", "TYPE", "GPUS", "STATUS", "HEALTH", "ZONE",
	"IP", "SPOT", "LAUNCHED"}

func instanceRow(in rd.Instance) []string {
	return []string{in.ID, in.InstanceType, itoa(in.GPUCount), string(in.Status),
		string(in.HealthStatus), in.AvailabilityZone, in.IPAddress,
		strconv.FormatBool(in.IsSpot), ts(in.LaunchedAt)}
}

func (a *app) runInstanceRegister(ctx context.Context, o *instanceRegisterOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	in := o.Instance
	in.LaunchedAt = a.now()
	if err := st.client.RegisterInstance(ctx, in); err != nil {
		return a.tableErr(fmt.Errorf("instance register: %w", err))
	}
	return a.out.list(instanceColumns, [][]string{instanceRow(in)}, viewInstance(in))
}

type instanceListOptions struct {
	listOptions
	Status rd.InstanceState
}

func newInstanceListCmd(runF func(context.Context, *instanceListOptions) error) *cobra.Command {
	o := &instanceListOptions{}
	var status string
	c := &cobra.Command{
		Use:     "list [--status S]",
		Short:   "List the instances",
		Example: `  receipt-dynamo instance list --status running`,
		Args:    cobra.NoArgs,
	}
	addListFlags(c, &o.listOptions)
	c.Flags().StringVar(&status, "status", "", "only instances in this state")
	return command(c, o, func([]string) error {
		if status != "" {
			var err error
			if o.Status, err = parseEnum("--status", status, rd.ParseInstanceState); err != nil {
				return err
			}
		}
		return o.check()
	}, runF)
}

func (a *app) runInstanceList(ctx context.Context, o *instanceListOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	page := st.client.ListInstances
	if o.Status != "" {
		page = func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.Instance], error) {
			return st.client.ListInstancesByStatus(ctx, o.Status, lo)
		}
	}
	ins, next, err := collect(ctx, o.listOptions, page)
	if err != nil {
		return a.tableErr(err)
	}
	a.more(next)
	return a.out.list(instanceColumns, mapRows(ins, instanceRow), mapSlice(ins, viewInstance))
}

type instanceStatusOptions struct {
	InstanceID string
	Status     rd.InstanceState
	Health     rd.Health
}

func newInstanceStatusCmd(runF func(context.Context, *instanceStatusOptions) error) *cobra.Command {
	o := &instanceStatusOptions{}
	var health string
	c := &cobra.Command{
		Use:   "status INSTANCE_ID [STATUS] [--health H]",
		Short: "Set an instance's status or health, or show them",
		Example: `  receipt-dynamo instance status "$INSTANCE" stopped
  receipt-dynamo instance status "$INSTANCE" --health unhealthy
  receipt-dynamo instance status "$INSTANCE"`,
		Args: rangeArgs(1, 2, "INSTANCE_ID [STATUS]"),
	}
	c.Flags().StringVar(&health, "health", "", "healthy, unhealthy or unknown")
	return command(c, o, func(args []string) error {
		var err error
		if o.InstanceID, err = parseUUID("INSTANCE_ID", args[0]); err != nil {
			return err
		}
		if len(args) == 2 {
			if o.Status, err = parseEnum("STATUS", args[1], rd.ParseInstanceState); err != nil {
				return err
			}
		}
		if health != "" {
			o.Health, err = parseEnum("--health", health, rd.ParseHealth)
		}
		return err
	}, runF)
}

func (a *app) runInstanceStatus(ctx context.Context, o *instanceStatusOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	var in rd.Instance
	if o.Status == "" && o.Health == "" {
		in, err = st.client.GetInstance(ctx, o.InstanceID)
	} else {
		in, err = st.client.UpdateInstanceStatus(ctx, o.InstanceID, o.Status, o.Health)
	}
	if err != nil {
		return a.notFound(err, "instance %s", o.InstanceID)
	}
	return a.out.list(instanceColumns, [][]string{instanceRow(in)}, viewInstance(in))
}
