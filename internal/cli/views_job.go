package cli

import (
	"strconv"
	"time"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// The JSON views of the job side: each entity's fields by the attribute
// names of the item format, times as stored, absent optional values
// omitted.

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return rd.FormatTime(t)
}

type jobView struct {
	JobID             string            `json:"job_id"`
	Name              string            `json:"name"`
	Description       string            `json:"description"`
	CreatedAt         string            `json:"created_at"`
	CreatedBy         string            `json:"created_by"`
	Status            string            `json:"status"`
	Priority          string            `json:"priority"`
	JobConfig         map[string]any    `json:"job_config"`
	EstimatedDuration int               `json:"estimated_duration,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"`
}

func viewJob(j rd.Job) jobView {
	cfg := j.Config
	if cfg == nil {
		cfg = map[string]any{}
	}
	return jobView{JobID: j.ID, Name: j.Name, Description: j.Description,
		CreatedAt: ts(j.CreatedAt), CreatedBy: j.CreatedBy, Status: string(j.Status),
		Priority: string(j.Priority), JobConfig: cfg, EstimatedDuration: j.EstimatedDuration,
		Tags: j.Tags}
}

type jobStatusView struct {
	JobID      string   `json:"job_id"`
	Status     string   `json:"status"`
	UpdatedAt  string   `json:"updated_at"`
	Progress   *float64 `json:"progress,omitempty"`
	Message    string   `json:"message,omitempty"`
	UpdatedBy  string   `json:"updated_by,omitempty"`
	InstanceID string   `json:"instance_id,omitempty"`
}

func viewJobStatus(s rd.JobStatus) jobStatusView {
	return jobStatusView{JobID: s.JobID, Status: string(s.Status), UpdatedAt: ts(s.UpdatedAt),
		Progress: s.Progress, Message: s.Message, UpdatedBy: s.UpdatedBy,
		InstanceID: s.InstanceID}
}

type jobLogView struct {
	JobID     string `json:"job_id"`
	Timestamp string `json:"timestamp"`
	LogLevel  string `json:"log_level"`
	Message   string `json:"message"`
	Source    string `json:"source,omitempty"`
	Exception string `json:"exception,omitempty"`
}

func viewJobLog(l rd.JobLog) jobLogView {
	return jobLogView{JobID: l.JobID, Timestamp: ts(l.Timestamp), LogLevel: string(l.Level),
		Message: l.Message, Source: l.Source, Exception: l.Exception}
}

type jobMetricView struct {
	JobID      string `json:"job_id"`
	MetricName string `json:"metric_name"`
	Timestamp  string `json:"timestamp"`
	Value      any    `json:"value"`
	Unit       string `json:"unit,omitempty"`
	Step       *int   `json:"step,omitempty"`
	Epoch      *int   `json:"epoch,omitempty"`
}

func viewJobMetric(m rd.JobMetric) jobMetricView {
	return jobMetricView{JobID: m.JobID, MetricName: m.Name, Timestamp: ts(m.Timestamp),
		Value: m.Value, Unit: m.Unit, Step: m.Step, Epoch: m.Epoch}
}

type jobCheckpointView struct {
	JobID          string         `json:"job_id"`
	Timestamp      string         `json:"timestamp"`
	S3Bucket       string         `json:"s3_bucket"`
	S3Key          string         `json:"s3_key"`
	SizeBytes      int64          `json:"size_bytes"`
	Step           int            `json:"step"`
	Epoch          int            `json:"epoch"`
	ModelState     bool           `json:"model_state"`
	OptimizerState bool           `json:"optimizer_state"`
	IsBest         bool           `json:"is_best"`
	Metrics        map[string]any `json:"metrics,omitempty"`
}

func viewJobCheckpoint(c rd.JobCheckpoint) jobCheckpointView {
	return jobCheckpointView{JobID: c.JobID, Timestamp: ts(c.Timestamp), S3Bucket: c.S3Bucket,
		S3Key: c.S3Key, SizeBytes: c.SizeBytes, Step: c.Step, Epoch: c.Epoch,
		ModelState: c.ModelState, OptimizerState: c.OptimizerState, IsBest: c.IsBest,
		Metrics: c.Metrics}
}

type jobDependencyView struct {
	DependentJobID  string `json:"dependent_job_id"`
	DependencyJobID string `json:"dependency_job_id"`
	Type            string `json:"type"`
	CreatedAt       string `json:"created_at"`
	Condition       string `json:"condition,omitempty"`
	State           string `json:"state,omitempty"` // met, waiting or broken
}

func viewJobDependency(d rd.JobDependency) jobDependencyView {
	return jobDependencyView{DependentJobID: d.DependentJobID,
		DependencyJobID: d.DependencyJobID, Type: string(d.Type), CreatedAt: ts(d.CreatedAt),
		Condition: d.Condition}
}

type instanceView struct {
	InstanceID       string `json:"instance_id"`
	InstanceType     string `json:"instance_type"`
	GPUCount         int    `json:"gpu_count"`
	Status           string `json:"status"`
	LaunchedAt       string `json:"launched_at"`
	IPAddress        string `json:"ip_address"`
	AvailabilityZone string `json:"availability_zone"`
	IsSpot           bool   `json:"is_spot"`
	HealthStatus     string `json:"health_status"`
}

func viewInstance(in rd.Instance) instanceView {
	return instanceView{InstanceID: in.ID, InstanceType: in.InstanceType,
		GPUCount: in.GPUCount, Status: string(in.Status), LaunchedAt: ts(in.LaunchedAt),
		IPAddress: in.IPAddress, AvailabilityZone: in.AvailabilityZone, IsSpot: in.IsSpot,
		HealthStatus: string(in.HealthStatus)}
}

type queueView struct {
	QueueName         string `json:"queue_name"`
	Description       string `json:"description"`
	CreatedAt         string `json:"created_at"`
	MaxConcurrentJobs int    `json:"max_concurrent_jobs"`
	Priority          string `json:"priority"`
	JobCount          int    `json:"job_count"`
	RunningJobs       *int   `json:"running_jobs,omitempty"`
}

func viewQueue(q rd.Queue) queueView {
	return queueView{QueueName: q.Name, Description: q.Description, CreatedAt: ts(q.CreatedAt),
		MaxConcurrentJobs: q.MaxConcurrentJobs, Priority: string(q.Priority),
		JobCount: q.JobCount}
}

type queueJobView struct {
	QueueName  string `json:"queue_name"`
	JobID      string `json:"job_id"`
	EnqueuedAt string `json:"enqueued_at"`
	Priority   string `json:"priority"`
	Position   int    `json:"position"`
}

func viewQueueJob(q rd.QueueJob) queueJobView {
	return queueJobView{QueueName: q.QueueName, JobID: q.JobID, EnqueuedAt: ts(q.EnqueuedAt),
		Priority: string(q.Priority), Position: q.Position}
}

type claimView struct {
	QueueName  string `json:"queue_name"`
	InstanceID string `json:"instance_id"`
	JobID      string `json:"job_id"`
	ClaimedAt  string `json:"claimed_at"`
	Priority   string `json:"priority"`
	EnqueuedAt string `json:"enqueued_at"`
}

func optFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}
