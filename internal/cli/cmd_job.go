package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// parseUUID checks an id argument or flag that must be a UUID v4.
func parseUUID(name, s string) (string, error) {
	id := strings.ToLower(s)
	if !rd.IsUUIDv4(id) {
		return "", usagef("%s must be a UUID version 4, got %q", name, s)
	}
	return id, nil
}

// parseObject parses a JSON object flag; numbers stay exact (json.Number).
func parseObject(name, s string) (map[string]any, error) {
	if s == "" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		return nil, usagef("%s must be a JSON object, such as '{\"lr\": 0.001}'", name)
	}
	return m, nil
}

// parseEnum parses an enumeration flag or argument with the package's
// parser, as a usage error naming it.
func parseEnum[T any](name, s string, parse func(string) (T, error)) (T, error) {
	v, err := parse(s)
	if err != nil {
		return v, usagef("%s: %v", name, err)
	}
	return v, nil
}

func (a *app) jobCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "job",
		Short: "Create, list and follow model-training jobs",
		Long: `Create, list and follow model-training jobs: their status history, logs,
metrics, checkpoints and dependencies. "job log", "job metric", "job
checkpoint" and "job dependency" record an entry when given one, and list
the job's entries otherwise.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(
		newJobCreateCmd(run(a, a.runJobCreate)),
		newJobListCmd(run(a, a.runJobList)),
		newJobShowCmd(run(a, a.runJobShow)),
		newJobStatusCmd(run(a, a.runJobStatus)),
		newJobLogCmd(run(a, a.runJobLog)),
		newJobMetricCmd(run(a, a.runJobMetric)),
		newJobCheckpointCmd(run(a, a.runJobCheckpoint)),
		newJobDependencyCmd(run(a, a.runJobDependency)),
	)
	return c
}

// ---- job create

type jobCreateOptions struct {
	Job rd.Job
}

func newJobCreateCmd(runF func(context.Context, *jobCreateOptions) error) *cobra.Command {
	o := &jobCreateOptions{}
	var id, priority, config string
	var labels []string
	c := &cobra.Command{
		Use:   "create NAME --created-by USER",
		Short: "Create a job, pending",
		Long: `Create a job in the pending state and print it; its id is new unless --id
gives one.`,
		Example: `  receipt-dynamo job create train-layoutlm --created-by alice
  receipt-dynamo job create train-layoutlm --created-by alice --priority high \
      --config '{"lr": 0.0001, "epochs": 10}' --label team=ml --json | jq -r .job_id`,
		Args: exactArgs(1, "NAME"),
	}
	f := c.Flags()
	f.StringVar(&o.Job.CreatedBy, "created-by", "", "the `USER` creating the job (required)")
	f.StringVar(&o.Job.Description, "description", "", "what the job does")
	f.StringVar(&priority, "priority", "medium", "low, medium, high or critical")
	f.StringVar(&config, "config", "", "the job's configuration, a JSON object")
	f.StringArrayVar(&labels, "label", nil, "a `KEY=VALUE` label; repeatable")
	f.IntVar(&o.Job.EstimatedDuration, "estimated-duration", 0, "estimated `SECONDS`")
	f.StringVar(&id, "id", "", "the job's id (default: a new UUID)")
	return command(c, o, func(args []string) error {
		j := &o.Job
		j.Name, j.Status = args[0], rd.JobPending
		var err error
		if j.CreatedBy == "" {
			return usagef("give --created-by USER")
		}
		if j.Priority, err = parseEnum("--priority", priority, rd.ParsePriority); err != nil {
			return err
		}
		if j.Config, err = parseObject("--config", config); err != nil {
			return err
		}
		if j.EstimatedDuration < 0 {
			return usagef("--estimated-duration must be positive")
		}
		for _, l := range labels {
			k, v, ok := strings.Cut(l, "=")
			if !ok || k == "" {
				return usagef("--label must be KEY=VALUE, got %q", l)
			}
			if j.Tags == nil {
				j.Tags = map[string]string{}
			}
			j.Tags[k] = v
		}
		j.ID = uuid.NewString()
		if id != "" {
			j.ID, err = parseUUID("--id", id)
		}
		return err
	}, runF)
}

func (a *app) runJobCreate(ctx context.Context, o *jobCreateOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	j := o.Job
	j.CreatedAt = a.now()
	if j.Config == nil {
		j.Config = map[string]any{}
	}
	if err := st.client.AddJob(ctx, j); err != nil {
		return a.tableErr(fmt.Errorf("job create: %w", err))
	}
	return a.printJob(j)
}

// now returns the time of the run, as stored (UTC, microseconds).
func (a *app) now() time.Time { return a.env.Now().UTC().Truncate(time.Microsecond) }

func (a *app) printJob(j rd.Job) error {
	return a.out.record(jobFields(j), viewJob(j))
}

func jobFields(j rd.Job) []field {
	fields := []field{
		{"job_id", j.ID}, {"name", j.Name}, {"status", string(j.Status)},
		{"priority", string(j.Priority)}, {"created_by", j.CreatedBy},
		{"created_at", ts(j.CreatedAt)},
	}
	if j.Description != "" {
		fields = append(fields, field{"description", j.Description})
	}
	if len(j.Config) > 0 {
		b, _ := json.Marshal(j.Config)
		fields = append(fields, field{"config", string(b)})
	}
	if j.EstimatedDuration > 0 {
		fields = append(fields, field{"estimated_duration", itoa(j.EstimatedDuration) + "s"})
	}
	if len(j.Tags) > 0 {
		b, _ := json.Marshal(j.Tags)
		fields = append(fields, field{"labels", string(b)})
	}
	return fields
}

// ---- job list

type jobListOptions struct {
	listOptions
	Status rd.JobState
	User   string
}

func newJobListCmd(runF func(context.Context, *jobListOptions) error) *cobra.Command {
	o := &jobListOptions{}
	var status string
	c := &cobra.Command{
		Use:   "list [--status S | --user U]",
		Short: "List jobs, newest first",
		Example: `  receipt-dynamo job list
  receipt-dynamo job list --status running --json`,
		Args: cobra.NoArgs,
	}
	addListFlags(c, &o.listOptions)
	c.Flags().StringVar(&status, "status", "", "only jobs in this state")
	c.Flags().StringVar(&o.User, "user", "", "only jobs created by this user")
	return command(c, o, func([]string) error {
		if status != "" && o.User != "" {
			return usagef("--status and --user select different lists; give one")
		}
		if status != "" {
			var err error
			if o.Status, err = parseEnum("--status", status, rd.ParseJobState); err != nil {
				return err
			}
		}
		return o.check()
	}, runF)
}

func (a *app) runJobList(ctx context.Context, o *jobListOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	page := st.client.ListJobs
	switch {
	case o.Status != "":
		page = func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.Job], error) {
			return st.client.ListJobsByStatus(ctx, o.Status, lo)
		}
	case o.User != "":
		page = func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.Job], error) {
			return st.client.ListJobsByUser(ctx, o.User, lo)
		}
	}
	jobs, next, err := collect(ctx, o.listOptions, page)
	if err != nil {
		return a.tableErr(err)
	}
	a.more(next)
	return a.out.list([]string{"JOB_ID", "NAME", "STATUS", "PRIORITY", "CREATED_BY", "CREATED"},
		mapRows(jobs, func(j rd.Job) []string {
			return []string{j.ID, j.Name, string(j.Status), string(j.Priority), j.CreatedBy,
				ts(j.CreatedAt)}
		}), mapSlice(jobs, viewJob))
}

// ---- job show

type jobOptions struct {
	JobID string
}

func newJobShowCmd(runF func(context.Context, *jobOptions) error) *cobra.Command {
	o := &jobOptions{}
	return command(&cobra.Command{
		Use:     "show JOB_ID",
		Short:   "Show a job with its status history",
		Example: `  receipt-dynamo job show 0b8e5c1e-3f52-4d7a-9a51-6c2f0e4b7d10`,
		Args:    exactArgs(1, "JOB_ID"),
	}, o, func(args []string) error {
		var err error
		o.JobID, err = parseUUID("JOB_ID", args[0])
		return err
	}, runF)
}

func (a *app) runJobShow(ctx context.Context, o *jobOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	j, history, err := st.client.GetJobWithStatus(ctx, o.JobID)
	if err != nil {
		return a.notFound(err, "job %s", o.JobID)
	}
	if a.out.json {
		return a.out.printJSON(struct {
			Job     jobView         `json:"job"`
			History []jobStatusView `json:"history"`
		}{viewJob(j), mapSlice(history, viewJobStatus)})
	}
	a.out.record(jobFields(j), nil)
	a.details("Status history", statusColumns, "status", mapRows(history, statusRow))
	return nil
}

var statusColumns = []string{"UPDATED", "STATUS", "PROGRESS", "BY", "INSTANCE", "MESSAGE"}

func statusRow(s rd.JobStatus) []string {
	return []string{ts(s.UpdatedAt), string(s.Status), optFloat(s.Progress), s.UpdatedBy,
		s.InstanceID, s.Message}
}

// ---- job status

type jobStatusOptions struct {
	Status rd.JobStatus
}

func newJobStatusCmd(runF func(context.Context, *jobStatusOptions) error) *cobra.Command {
	o := &jobStatusOptions{}
	var progress, instance string
	c := &cobra.Command{
		Use:   "status JOB_ID STATUS",
		Short: "Set a job's status, adding it to the history",
		Long: `Set a job's status (pending, running, succeeded, failed, cancelled,
interrupted) and add the entry to its status history, in one transaction.`,
		Example: `  receipt-dynamo job status "$JOB" running --progress 10 \
      --message "epoch 1" --by worker-3`,
		Args: exactArgs(2, "JOB_ID and STATUS"),
	}
	f := c.Flags()
	f.StringVar(&progress, "progress", "", "progress in percent, 0 to 100")
	f.StringVar(&o.Status.Message, "message", "", "what happened")
	f.StringVar(&o.Status.UpdatedBy, "by", "", "who or what set the status")
	f.StringVar(&instance, "instance", "", "the `INSTANCE_ID` running the job")
	return command(c, o, func(args []string) error {
		s := &o.Status
		var err error
		if s.JobID, err = parseUUID("JOB_ID", args[0]); err != nil {
			return err
		}
		if s.Status, err = parseEnum("STATUS", args[1], rd.ParseJobState); err != nil {
			return err
		}
		if progress != "" {
			p, err := strconv.ParseFloat(progress, 64)
			if err != nil || p < 0 || p > 100 {
				return usagef("--progress must be a number from 0 to 100, got %q", progress)
			}
			s.Progress = &p
		}
		if instance != "" {
			s.InstanceID, err = parseUUID("--instance", instance)
		}
		return err
	}, runF)
}

func (a *app) runJobStatus(ctx context.Context, o *jobStatusOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	s, err := st.client.RecordJobStatus(ctx, o.Status)
	if err != nil {
		return a.notFound(err, "job %s", o.Status.JobID)
	}
	return a.out.list(statusColumns, [][]string{statusRow(s)}, viewJobStatus(s))
}

// ---- job log

type jobLogOptions struct {
	listOptions
	Log      rd.JobLog
	MinLevel rd.LogLevel
}

func newJobLogCmd(runF func(context.Context, *jobLogOptions) error) *cobra.Command {
	o := &jobLogOptions{}
	var level, minLevel string
	c := &cobra.Command{
		Use:   "log JOB_ID [MESSAGE]",
		Short: "Add a log entry to a job, or list its log",
		Example: `  receipt-dynamo job log "$JOB" "loaded 626 receipts" --source loader
  receipt-dynamo job log "$JOB" --min-level warning`,
		Args: rangeArgs(1, 2, "JOB_ID [MESSAGE]"),
	}
	f := c.Flags()
	f.StringVar(&level, "level", "INFO", "the entry's level: DEBUG, INFO, WARNING, ERROR, CRITICAL")
	f.StringVar(&o.Log.Source, "source", "", "where the entry comes from")
	f.StringVar(&o.Log.Exception, "exception", "", "an exception to record")
	f.StringVar(&minLevel, "min-level", "", "when listing, only entries at least this severe")
	addListFlags(c, &o.listOptions)
	return command(c, o, func(args []string) error {
		var err error
		if o.Log.JobID, err = parseUUID("JOB_ID", args[0]); err != nil {
			return err
		}
		if len(args) == 2 {
			o.Log.Message = args[1]
			if o.Log.Message == "" {
				return usagef("MESSAGE must not be empty")
			}
			o.Log.Level, err = parseEnum("--level", level, rd.ParseLogLevel)
			return err
		}
		if minLevel != "" {
			if o.MinLevel, err = parseEnum("--min-level", minLevel, rd.ParseLogLevel); err != nil {
				return err
			}
		}
		return o.check()
	}, runF)
}

func (a *app) runJobLog(ctx context.Context, o *jobLogOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	columns := []string{"TIME", "LEVEL", "SOURCE", "MESSAGE", "EXCEPTION"}
	row := func(l rd.JobLog) []string {
		return []string{ts(l.Timestamp), string(l.Level), l.Source, l.Message, l.Exception}
	}
	if o.Log.Message != "" {
		if _, err := st.client.GetJob(ctx, o.Log.JobID); err != nil {
			return a.notFound(err, "job %s", o.Log.JobID)
		}
		l, err := st.client.RecordJobLog(ctx, o.Log)
		if err != nil {
			return a.tableErr(err)
		}
		return a.out.list(columns, [][]string{row(l)}, viewJobLog(l))
	}
	logs, next, err := collect(ctx, o.listOptions,
		func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.JobLog], error) {
			return st.client.ListJobLogs(ctx, o.Log.JobID, rd.TimeRange{}, o.MinLevel, lo)
		})
	if err != nil {
		return a.tableErr(err)
	}
	a.more(next)
	return a.out.list(columns, mapRows(logs, row), mapSlice(logs, viewJobLog))
}

// ---- job metric

type jobMetricOptions struct {
	listOptions
	Metric rd.JobMetric
	Record bool
}

func newJobMetricCmd(runF func(context.Context, *jobMetricOptions) error) *cobra.Command {
	o := &jobMetricOptions{}
	var step, epoch int
	c := &cobra.Command{
		Use:   "metric JOB_ID [NAME [VALUE]]",
		Short: "Record a measurement of a job, or list its metrics",
		Long: `Record a measurement of a job's metric (VALUE a number or a JSON object);
without VALUE, list the job's measurements of the metric NAME, oldest first;
without NAME, list every metric of the job, by name and then time.`,
		Example: `  receipt-dynamo job metric "$JOB" loss 0.173 --step 1200 --epoch 3
  receipt-dynamo job metric "$JOB" f1 '{"total": 0.91, "date": 0.88}'
  receipt-dynamo job metric "$JOB" loss --json
  receipt-dynamo job metric "$JOB"`,
		Args: rangeArgs(1, 3, "JOB_ID [NAME [VALUE]]"),
	}
	f := c.Flags()
	f.StringVar(&o.Metric.Unit, "unit", "", "the value's unit")
	f.IntVar(&step, "step", -1, "the training step")
	f.IntVar(&epoch, "epoch", -1, "the training epoch")
	addListFlags(c, &o.listOptions)
	return command(c, o, func(args []string) error {
		m := &o.Metric
		var err error
		if m.JobID, err = parseUUID("JOB_ID", args[0]); err != nil {
			return err
		}
		if len(args) == 1 {
			return o.check()
		}
		m.Name = args[1]
		if m.Name == "" {
			return usagef("NAME must not be empty")
		}
		if len(args) == 2 {
			return o.check()
		}
		o.Record = true
		if m.Value, err = parseMetricValue(args[2]); err != nil {
			return err
		}
		if step >= 0 {
			m.Step = &step
		}
		if epoch >= 0 {
			m.Epoch = &epoch
		}
		return nil
	}, runF)
}

// parseMetricValue reads a number, or a JSON object for a structured value.
func parseMetricValue(s string) (any, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return parseObject("VALUE", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, usagef("VALUE must be a number or a JSON object, got %q", s)
	}
	return v, nil
}

func (a *app) runJobMetric(ctx context.Context, o *jobMetricOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	columns := []string{"TIME", "NAME", "VALUE", "UNIT", "STEP", "EPOCH"}
	row := func(m rd.JobMetric) []string {
		return []string{ts(m.Timestamp), m.Name, metricValue(m.Value), m.Unit, optInt(m.Step),
			optInt(m.Epoch)}
	}
	if o.Record {
		if _, err := st.client.GetJob(ctx, o.Metric.JobID); err != nil {
			return a.notFound(err, "job %s", o.Metric.JobID)
		}
		m, err := st.client.RecordMetric(ctx, o.Metric)
		if err != nil {
			return a.tableErr(err)
		}
		return a.out.list(columns, [][]string{row(m)}, viewJobMetric(m))
	}
	ms, next, err := collect(ctx, o.listOptions,
		func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.JobMetric], error) {
			return st.client.ListJobMetrics(ctx, o.Metric.JobID, o.Metric.Name, rd.TimeRange{}, lo)
		})
	if err != nil {
		return a.tableErr(err)
	}
	a.more(next)
	return a.out.list(columns, mapRows(ms, row), mapSlice(ms, viewJobMetric))
}

func metricValue(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSpace(b.String())
}

// ---- job checkpoint

type jobCheckpointOptions struct {
	listOptions
	Checkpoint rd.JobCheckpoint
	Record     bool
}

func newJobCheckpointCmd(runF func(context.Context, *jobCheckpointOptions) error) *cobra.Command {
	o := &jobCheckpointOptions{}
	var s3, metrics string
	c := &cobra.Command{
		Use:   "checkpoint JOB_ID [--s3 s3://BUCKET/KEY ...]",
		Short: "Record a checkpoint of a job, or list its checkpoints",
		Long: `Record a saved model state of a job (--s3 gives where it is), or, without
--s3, list the job's checkpoints, newest first. --best makes the new
checkpoint the job's only best one.`,
		Example: `  receipt-dynamo job checkpoint 0b8e5c1e-3f52-4d7a-9a51-6c2f0e4b7d10 \
      --s3 s3://models/layoutlm/step-1200.pt --size 440000000 --step 1200 --epoch 3 --best
  receipt-dynamo job checkpoint 0b8e5c1e-3f52-4d7a-9a51-6c2f0e4b7d10`,
		Args: exactArgs(1, "JOB_ID"),
	}
	cp := &o.Checkpoint
	f := c.Flags()
	f.StringVar(&s3, "s3", "", "where the checkpoint is: s3://BUCKET/KEY")
	f.Int64Var(&cp.SizeBytes, "size", 0, "its size in bytes")
	f.IntVar(&cp.Step, "step", 0, "the training step")
	f.IntVar(&cp.Epoch, "epoch", 0, "the training epoch")
	f.BoolVar(&cp.ModelState, "model-state", true, "it holds the model's state")
	f.BoolVar(&cp.OptimizerState, "optimizer-state", false, "it holds the optimizer's state")
	f.BoolVar(&cp.IsBest, "best", false, "make it the job's best checkpoint")
	f.StringVar(&metrics, "metrics", "", "its metrics, a JSON object")
	addListFlags(c, &o.listOptions)
	return command(c, o, func(args []string) error {
		var err error
		if cp.JobID, err = parseUUID("JOB_ID", args[0]); err != nil {
			return err
		}
		if s3 == "" {
			return o.check()
		}
		o.Record = true
		rest, ok := strings.CutPrefix(s3, "s3://")
		cp.S3Bucket, cp.S3Key, _ = strings.Cut(rest, "/")
		if !ok || cp.S3Bucket == "" || cp.S3Key == "" {
			return usagef("--s3 must be s3://BUCKET/KEY, got %q", s3)
		}
		if cp.SizeBytes < 0 || cp.Step < 0 || cp.Epoch < 0 {
			return usagef("--size, --step and --epoch must be 0 or more")
		}
		cp.Metrics, err = parseObject("--metrics", metrics)
		return err
	}, runF)
}

func (a *app) runJobCheckpoint(ctx context.Context, o *jobCheckpointOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	columns := []string{"TIME", "S3", "SIZE", "STEP", "EPOCH", "BEST"}
	row := func(c rd.JobCheckpoint) []string {
		return []string{ts(c.Timestamp), "s3://" + c.S3Bucket + "/" + c.S3Key,
			strconv.FormatInt(c.SizeBytes, 10), itoa(c.Step), itoa(c.Epoch),
			strconv.FormatBool(c.IsBest)}
	}
	if o.Record {
		if _, err := st.client.GetJob(ctx, o.Checkpoint.JobID); err != nil {
			return a.notFound(err, "job %s", o.Checkpoint.JobID)
		}
		cp, err := st.client.AddCheckpoint(ctx, o.Checkpoint)
		if err != nil {
			return a.tableErr(err)
		}
		return a.out.list(columns, [][]string{row(cp)}, viewJobCheckpoint(cp))
	}
	cps, next, err := collect(ctx, o.listOptions,
		func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.JobCheckpoint], error) {
			return st.client.ListCheckpoints(ctx, o.Checkpoint.JobID, lo)
		})
	if err != nil {
		return a.tableErr(err)
	}
	a.more(next)
	return a.out.list(columns, mapRows(cps, row), mapSlice(cps, viewJobCheckpoint))
}

// ---- job dependency

type jobDependencyOptions struct {
	Dependency rd.JobDependency
}

func newJobDependencyCmd(runF func(context.Context, *jobDependencyOptions) error) *cobra.Command {
	o := &jobDependencyOptions{}
	var typ string
	c := &cobra.Command{
		Use:   "dependency JOB_ID [DEPENDS_ON_JOB_ID]",
		Short: "Make a job wait for another, or list what it waits for",
		Long: `Record that JOB_ID waits for DEPENDS_ON_JOB_ID (--type COMPLETION: the
other job finished in any way; SUCCESS; FAILURE; ARTIFACT), refusing cycles;
or, with JOB_ID alone, list its dependencies and whether each is met,
waiting or broken.`,
		Example: `  receipt-dynamo job dependency 0b8e5c1e-3f52-4d7a-9a51-6c2f0e4b7d10 \
      7d0f3a2b-8c4e-4f1a-b6d2-9e5c3a1b0f47 --type success
  receipt-dynamo job dependency 0b8e5c1e-3f52-4d7a-9a51-6c2f0e4b7d10`,
		Args: rangeArgs(1, 2, "JOB_ID [DEPENDS_ON_JOB_ID]"),
	}
	c.Flags().StringVar(&typ, "type", "COMPLETION", "COMPLETION, SUCCESS, FAILURE or ARTIFACT")
	c.Flags().StringVar(&o.Dependency.Condition, "condition", "", "a free-form condition")
	return command(c, o, func(args []string) error {
		d := &o.Dependency
		var err error
		if d.DependentJobID, err = parseUUID("JOB_ID", args[0]); err != nil {
			return err
		}
		if len(args) == 1 {
			return nil
		}
		if d.DependencyJobID, err = parseUUID("DEPENDS_ON_JOB_ID", args[1]); err != nil {
			return err
		}
		if d.DependencyJobID == d.DependentJobID {
			return usagef("a job cannot depend on itself")
		}
		d.Type, err = parseEnum("--type", typ, rd.ParseDependencyType)
		return err
	}, runF)
}

func (a *app) runJobDependency(ctx context.Context, o *jobDependencyOptions) error {
	st, err := a.openStore(ctx, needTable)
	if err != nil {
		return err
	}
	d := o.Dependency
	columns := []string{"DEPENDS_ON", "TYPE", "STATE", "CREATED", "CONDITION"}
	row := func(v jobDependencyView) []string {
		return []string{v.DependencyJobID, v.Type, v.State, v.CreatedAt, v.Condition}
	}
	if d.DependencyJobID != "" {
		d.CreatedAt = a.now()
		if err := st.client.AddDependency(ctx, d); err != nil {
			return a.notFound(fmt.Errorf("job dependency: %w", err), "job %s or %s",
				d.DependentJobID, d.DependencyJobID)
		}
		v := viewJobDependency(d)
		return a.out.list(columns, [][]string{row(v)}, v)
	}
	if _, err := st.client.GetJob(ctx, d.DependentJobID); err != nil {
		return a.notFound(err, "job %s", d.DependentJobID)
	}
	deps, _, err := collect(ctx, listOptions{},
		func(ctx context.Context, lo rd.ListOptions) (rd.PageOf[rd.JobDependency], error) {
			return st.client.ListDependencies(ctx, d.DependentJobID, lo)
		})
	if err != nil {
		return a.tableErr(err)
	}
	rep, err := st.client.CheckDependencies(ctx, d.DependentJobID)
	if err != nil {
		return a.tableErr(err)
	}
	state := map[string]string{}
	for _, w := range rep.Waiting {
		state[w.DependencyJobID] = "waiting"
	}
	for _, b := range rep.Broken {
		state[b.DependencyJobID] = "broken"
	}
	views := mapSlice(deps, func(x rd.JobDependency) jobDependencyView {
		v := viewJobDependency(x)
		v.State = "met"
		if s, ok := state[x.DependencyJobID]; ok {
			v.State = s
		}
		return v
	})
	return a.out.list(columns, mapRows(views, row), views)
}
