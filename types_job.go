package receiptdynamo

import "time"

// The enumerations of the job side. Each parses case-insensitively
// (ParseJobState and the like) and is stored in the case of its constants.

// JobState is the status of a job.
type JobState string

// The states of a job.
const (
	JobPending     JobState = "pending"
	JobRunning     JobState = "running"
	JobSucceeded   JobState = "succeeded"
	JobFailed      JobState = "failed"
	JobCancelled   JobState = "cancelled"
	JobInterrupted JobState = "interrupted"
)

// Priority is the priority of a job, a queue or a queued job.
type Priority string

// The priorities, lowest first.
const (
	PriorityLow      Priority = "low"
	PriorityMedium   Priority = "medium"
	PriorityHigh     Priority = "high"
	PriorityCritical Priority = "critical"
)

// ResourceType is the kind of a job resource.
type ResourceType string

// The kinds of job resources.
const (
	ResourceCPU      ResourceType = "cpu"
	ResourceGPU      ResourceType = "gpu"
	ResourceMemory   ResourceType = "memory"
	ResourceStorage  ResourceType = "storage"
	ResourceNetwork  ResourceType = "network"
	ResourceCombined ResourceType = "combined"
)

// ResourceState is the status of a job resource.
type ResourceState string

// The states of a job resource.
const (
	ResourceAllocated ResourceState = "allocated"
	ResourceReleased  ResourceState = "released"
	ResourceFailed    ResourceState = "failed"
	ResourcePending   ResourceState = "pending"
)

// LogLevel is the level of a job log entry.
type LogLevel string

// The log levels, least severe first.
const (
	LogDebug    LogLevel = "DEBUG"
	LogInfo     LogLevel = "INFO"
	LogWarning  LogLevel = "WARNING"
	LogError    LogLevel = "ERROR"
	LogCritical LogLevel = "CRITICAL"
)

// DependencyType says when a job dependency is met.
type DependencyType string

// The kinds of job dependencies.
const (
	DependsOnCompletion DependencyType = "COMPLETION" // succeeded, failed or cancelled
	DependsOnSuccess    DependencyType = "SUCCESS"
	DependsOnFailure    DependencyType = "FAILURE"
	DependsOnArtifact   DependencyType = "ARTIFACT"
)

// InstanceState is the status of a compute instance.
type InstanceState string

// The states of an instance.
const (
	InstancePending    InstanceState = "pending"
	InstanceRunning    InstanceState = "running"
	InstanceStopped    InstanceState = "stopped"
	InstanceTerminated InstanceState = "terminated"
)

// Health is the health of an instance.
type Health string

// The health states of an instance.
const (
	HealthHealthy   Health = "healthy"
	HealthUnhealthy Health = "unhealthy"
	HealthUnknown   Health = "unknown"
)

// AssignmentState is the status of a job on an instance.
type AssignmentState string

// The states of an instance's job.
const (
	AssignmentAssigned  AssignmentState = "assigned"
	AssignmentRunning   AssignmentState = "running"
	AssignmentCompleted AssignmentState = "completed"
	AssignmentFailed    AssignmentState = "failed"
	AssignmentCancelled AssignmentState = "cancelled"
)

// Free-form maps (job configuration, checkpoint metrics, resource
// configuration and utilisation, structured metric values) hold values of
// these Go types, recursively: map[string]any, []any, string, json.Number
// (numbers are decoded exactly, as json.Number), bool and nil. Encoding also
// accepts the other Go integer and float types.

// Job is one model-training job.
type Job struct {
	ID                string // UUID v4
	Name              string
	Description       string
	CreatedAt         time.Time
	CreatedBy         string
	Status            JobState
	Priority          Priority
	Config            map[string]any
	EstimatedDuration int               // seconds; 0 means unset
	Tags              map[string]string // labels; unrelated to word tags
}

// JobStatus is one entry of a job's status history. Progress is optional
// (nil), in 0..100.
type JobStatus struct {
	JobID      string
	Status     JobState
	UpdatedAt  time.Time
	Progress   *float64
	Message    string
	UpdatedBy  string
	InstanceID string

	// keyTS is the timestamp text of the stored keys of an item read with
	// keys in another form than FormatTime (the older writer's).
	keyTS storedTime
}

// JobResource is a resource allocated to a job.
type JobResource struct {
	JobID        string
	ResourceID   string // UUID v4
	InstanceID   string
	InstanceType string
	ResourceType ResourceType
	AllocatedAt  time.Time
	ReleasedAt   time.Time // zero while allocated
	Status       ResourceState
	GPUCount     *int // optional, >= 0
	Config       map[string]any
}

// JobMetric is one measurement of a job. Value is a float64 or, for a
// structured value, a map[string]any (see the free-form maps above).
type JobMetric struct {
	JobID     string
	Name      string
	Timestamp time.Time
	Value     any
	Unit      string
	Step      *int
	Epoch     *int

	keyTS storedTime // see JobStatus.keyTS
}

// JobCheckpoint is a saved model state of a job. At most one checkpoint of a
// job is the best.
type JobCheckpoint struct {
	JobID          string
	Timestamp      time.Time
	S3Bucket       string
	S3Key          string
	SizeBytes      int64
	Step           int
	Epoch          int
	ModelState     bool
	OptimizerState bool
	Metrics        map[string]any
	IsBest         bool

	keyTS storedTime // see JobStatus.keyTS
}

// JobLog is one log entry of a job.
type JobLog struct {
	JobID     string
	Timestamp time.Time
	Level     LogLevel
	Message   string
	Source    string
	Exception string

	keyTS storedTime // see JobStatus.keyTS
}

// JobDependency says that job DependentJobID waits for job DependencyJobID.
type JobDependency struct {
	DependentJobID  string
	DependencyJobID string
	Type            DependencyType
	CreatedAt       time.Time
	Condition       string
}

// Instance is a compute instance that runs jobs.
type Instance struct {
	ID               string // UUID v4
	InstanceType     string
	GPUCount         int
	Status           InstanceState
	LaunchedAt       time.Time
	IPAddress        string
	AvailabilityZone string
	IsSpot           bool
	HealthStatus     Health
}

// InstanceJob records that a job was assigned to an instance.
type InstanceJob struct {
	InstanceID          string
	JobID               string
	AssignedAt          time.Time
	Status              AssignmentState
	ResourceUtilization map[string]any
}

// Queue is a named queue of jobs.
type Queue struct {
	Name              string
	Description       string
	CreatedAt         time.Time
	MaxConcurrentJobs int // >= 1
	Priority          Priority
	JobCount          int // the number of the queue's QueueJob items
}

// QueueJob is a job waiting in a queue.
type QueueJob struct {
	QueueName  string
	JobID      string
	EnqueuedAt time.Time
	Priority   Priority
	Position   int
}
