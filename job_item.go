package receiptdynamo

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file validates, encodes and decodes the items of a job: Job,
// JobStatus, JobResource, JobMetric, JobCheckpoint, JobLog and
// JobDependency. Optional attributes are omitted when absent, as
// item-format.md asks of the job side. Decoding takes the ids from the keys,
// checks any id attribute against them, normalises enumerations and leaves
// the receiver unchanged when it fails.

// Attribute names that clients of the job side use in conditions and
// updates.
const (
	// AttrStatus is the status of a job, job resource, instance or
	// instance job.
	AttrStatus = "status"
	// AttrIsBest marks the best checkpoint of a job.
	AttrIsBest = "is_best"
	// AttrJobCount is the number of queue-job items of a queue.
	AttrJobCount = "job_count"
)

// Attribute names of the job side.
const (
	jaJobID         = "job_id"
	jaName          = "name"
	jaDescription   = "description"
	jaCreatedAt     = "created_at"
	jaCreatedBy     = "created_by"
	jaPriority      = "priority"
	jaJobConfig     = "job_config"
	jaEstDuration   = "estimated_duration"
	jaTags          = "tags"
	jaUpdatedAt     = "updated_at"
	jaProgress      = "progress"
	jaMessage       = "message"
	jaUpdatedBy     = "updated_by"
	jaInstanceID    = "instance_id"
	jaResourceID    = "resource_id"
	jaInstanceType  = "instance_type"
	jaResourceType  = "resource_type"
	jaAllocatedAt   = "allocated_at"
	jaReleasedAt    = "released_at"
	jaGPUCount      = "gpu_count"
	jaResConfig     = "resource_config"
	jaMetricName    = "metric_name"
	jaTimestamp     = "timestamp"
	jaValue         = "value"
	jaUnit          = "unit"
	jaStep          = "step"
	jaEpoch         = "epoch"
	jaS3Bucket      = "s3_bucket"
	jaS3Key         = "s3_key"
	jaSizeBytes     = "size_bytes"
	jaModelState    = "model_state"
	jaOptState      = "optimizer_state"
	jaMetrics       = "metrics"
	jaLogLevel      = "log_level"
	jaSource        = "source"
	jaException     = "exception"
	jaDependentID   = "dependent_job_id"
	jaDependencyID  = "dependency_job_id"
	jaDepType       = "type"
	jaCondition     = "condition"
	jaLaunchedAt    = "launched_at"
	jaIPAddress     = "ip_address"
	jaZone          = "availability_zone"
	jaIsSpot        = "is_spot"
	jaHealth        = "health_status"
	jaAssignedAt    = "assigned_at"
	jaUtilization   = "resource_utilization"
	jaMaxConcurrent = "max_concurrent_jobs"
	jaEnqueuedAt    = "enqueued_at"
	jaPosition      = "position"
)

// putOptS writes v under attr unless it is empty.
func putOptS(item Item, attr, v string) {
	if v != "" {
		item[attr] = s(v)
	}
}

// Job

// ItemType returns TypeJob.
func (j Job) ItemType() string { return TypeJob }

// Key returns the key of the job's item.
func (j Job) Key() Key { return jobKeys(j.ID, "", "", "").Key() }

// Validate checks the job: a UUID v4 id, a name and creator, a creation
// time, a known status and priority (in any case), an estimated duration
// that is positive when set (0 means unset), and free-form config values.
func (j Job) Validate() error {
	_, err := j.encode()
	return err
}

// MarshalItem validates the job and returns its item, with status and
// priority in lowercase.
func (j Job) MarshalItem() (Item, error) { return j.encode() }

func (j Job) encode() (Item, error) {
	c := jobCheck{typ: "Job"}
	c.uuid(jaJobID, j.ID)
	c.nonEmpty(jaName, j.Name)
	c.time(jaCreatedAt, j.CreatedAt)
	c.nonEmpty(jaCreatedBy, j.CreatedBy)
	status := jobEnum(&c, AttrStatus, j.Status, ParseJobState)
	priority := jobEnum(&c, jaPriority, j.Priority, ParsePriority)
	if j.EstimatedDuration < 0 {
		c.fail(jaEstDuration, "must be positive seconds when set (0 means unset)",
			j.EstimatedDuration)
	}
	config := c.freeform(jaJobConfig, j.Config)
	if c.err != nil {
		return nil, c.err
	}

	created := FormatTime(j.CreatedAt)
	item := make(Item, 16)
	jobKeys(j.ID, string(status), created, j.CreatedBy).put(item)
	item[jaName] = s(j.Name)
	item[jaDescription] = s(j.Description)
	item[jaCreatedAt] = s(created)
	item[jaCreatedBy] = s(j.CreatedBy)
	item[AttrStatus] = s(string(status))
	item[jaPriority] = s(string(priority))
	if config == nil {
		config = &types.AttributeValueMemberM{Value: Item{}}
	}
	item[jaJobConfig] = config
	if j.EstimatedDuration > 0 {
		item[jaEstDuration] = ni(int64(j.EstimatedDuration))
	}
	if len(j.Tags) > 0 {
		tags := make(Item, len(j.Tags))
		for k, v := range j.Tags {
			tags[k] = s(v)
		}
		item[jaTags] = &types.AttributeValueMemberM{Value: tags}
	}
	return item, nil
}

// UnmarshalItem decodes a JOB item. An empty job_config decodes as nil.
func (j *Job) UnmarshalItem(item Item) error {
	d := newDecoder(TypeJob, item)
	ids := d.keyIDs()
	v := Job{ID: ids.Job}
	v.Name = d.str(jaName)
	v.Description = d.optStr(jaDescription)
	v.CreatedAt = jobTime(d, jaCreatedAt, true)
	v.CreatedBy = d.str(jaCreatedBy)
	v.Status = readJobEnum(d, AttrStatus, true, ParseJobState)
	v.Priority = readJobEnum(d, jaPriority, true, ParsePriority)
	v.Config = readFreeform(d, jaJobConfig)
	if n, ok := d.optInt(jaEstDuration); ok {
		v.EstimatedDuration = int(n)
	}
	v.Tags = readStringMap(d, jaTags)
	if d.err != nil {
		return d.err
	}
	*j = v
	return nil
}

// readStringMap reads an M of S attribute; missing, NULL or empty is nil.
func readStringMap(d *decoder, attr string) map[string]string {
	var m Item
	switch av := d.get(attr).(type) {
	case nil:
		return nil
	case *types.AttributeValueMemberM:
		m = av.Value
	default:
		d.fail(attr, "must be a map of strings", typeName(av))
		return nil
	}
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		sv, ok := e.(*types.AttributeValueMemberS)
		if !ok {
			d.fail(attr+"."+k, "must be a string", typeName(e))
			return nil
		}
		out[k] = sv.Value
	}
	return out
}

// JobStatus

// ItemType returns TypeJobStatus.
func (x JobStatus) ItemType() string { return TypeJobStatus }

// Key returns the key of the status entry.
func (x JobStatus) Key() Key {
	return jobStatusKeys(x.JobID, "", keyTimeText(x.UpdatedAt, x.keyTS)).Key()
}

// Validate checks the status entry: a UUID v4 job id, a known status (any
// case), an update time, progress in 0..100 when set, and a UUID v4
// instance id when set.
func (x JobStatus) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the status entry and returns its item.
func (x JobStatus) MarshalItem() (Item, error) { return x.encode() }

func (x JobStatus) encode() (Item, error) {
	c := jobCheck{typ: "JobStatus"}
	c.uuid(jaJobID, x.JobID)
	status := jobEnum(&c, AttrStatus, x.Status, ParseJobState)
	c.time(jaUpdatedAt, x.UpdatedAt)
	if p := x.Progress; p != nil {
		c.finite(jaProgress, *p)
		if !(*p >= 0 && *p <= 100) {
			c.fail(jaProgress, "must be in 0..100", *p)
		}
	}
	c.optUUID(jaInstanceID, x.InstanceID)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 12)
	jobStatusKeys(x.JobID, string(status), keyTimeText(x.UpdatedAt, x.keyTS)).put(item)
	item[AttrStatus] = s(string(status))
	item[jaUpdatedAt] = s(FormatTime(x.UpdatedAt))
	if x.Progress != nil {
		item[jaProgress] = n(*x.Progress)
	}
	putOptS(item, jaMessage, x.Message)
	putOptS(item, jaUpdatedBy, x.UpdatedBy)
	putOptS(item, jaInstanceID, x.InstanceID)
	return item, nil
}

// UnmarshalItem decodes a JOB_STATUS item. The update time is updated_at,
// or the key's timestamp when that attribute is missing.
func (x *JobStatus) UnmarshalItem(item Item) error {
	d := newDecoder(TypeJobStatus, item)
	ids := d.keyIDs()
	v := JobStatus{JobID: ids.Job}
	v.Status = readJobEnum(d, AttrStatus, true, ParseJobState)
	if d.err == nil {
		v.UpdatedAt, v.keyTS = jobKeyTime(d, jaUpdatedAt, ids.Time)
	}
	v.Progress = d.optNumPtr(jaProgress)
	v.Message = d.optStr(jaMessage)
	v.UpdatedBy = d.optStr(jaUpdatedBy)
	v.InstanceID = d.optStr(jaInstanceID)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}

// JobResource

// ItemType returns TypeJobResource.
func (x JobResource) ItemType() string { return TypeJobResource }

// Key returns the key of the resource's item.
func (x JobResource) Key() Key { return jobResourceKeys(x.JobID, x.ResourceID).Key() }

// Validate checks the resource: UUID v4 job, resource and instance ids, an
// instance type, a known resource type and status (any case), an
// allocation time, and gpu_count >= 0 when set.
func (x JobResource) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the resource and returns its item.
func (x JobResource) MarshalItem() (Item, error) { return x.encode() }

func (x JobResource) encode() (Item, error) {
	c := jobCheck{typ: "JobResource"}
	c.uuid(jaJobID, x.JobID)
	c.uuid(jaResourceID, x.ResourceID)
	c.uuid(jaInstanceID, x.InstanceID)
	c.nonEmpty(jaInstanceType, x.InstanceType)
	rtype := jobEnum(&c, jaResourceType, x.ResourceType, ParseResourceType)
	c.time(jaAllocatedAt, x.AllocatedAt)
	c.optTime(jaReleasedAt, x.ReleasedAt)
	status := jobEnum(&c, AttrStatus, x.Status, ParseResourceState)
	c.optAtLeast(jaGPUCount, x.GPUCount, 0)
	config := c.freeform(jaResConfig, x.Config)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 16)
	jobResourceKeys(x.JobID, x.ResourceID).put(item)
	item[jaJobID] = s(x.JobID)
	item[jaResourceID] = s(x.ResourceID)
	item[jaInstanceID] = s(x.InstanceID)
	item[jaInstanceType] = s(x.InstanceType)
	item[jaResourceType] = s(string(rtype))
	item[jaAllocatedAt] = s(FormatTime(x.AllocatedAt))
	if !x.ReleasedAt.IsZero() {
		item[jaReleasedAt] = s(FormatTime(x.ReleasedAt))
	}
	item[AttrStatus] = s(string(status))
	if x.GPUCount != nil {
		item[jaGPUCount] = ni(int64(*x.GPUCount))
	}
	if config != nil {
		item[jaResConfig] = config
	}
	return item, nil
}

// UnmarshalItem decodes a JOB_RESOURCE item.
func (x *JobResource) UnmarshalItem(item Item) error {
	d := newDecoder(TypeJobResource, item)
	ids := d.keyIDs()
	v := JobResource{JobID: ids.Job, ResourceID: ids.Other}
	jobSameID(d, jaJobID, ids.Job)
	jobSameID(d, jaResourceID, ids.Other)
	v.InstanceID = d.str(jaInstanceID)
	v.InstanceType = d.str(jaInstanceType)
	v.ResourceType = readJobEnum(d, jaResourceType, true, ParseResourceType)
	v.AllocatedAt = jobTime(d, jaAllocatedAt, true)
	v.ReleasedAt = jobTime(d, jaReleasedAt, false)
	v.Status = readJobEnum(d, AttrStatus, true, ParseResourceState)
	v.GPUCount = jobIntPtr(d, jaGPUCount)
	v.Config = readFreeform(d, jaResConfig)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}

// JobMetric

// ItemType returns TypeJobMetric.
func (x JobMetric) ItemType() string { return TypeJobMetric }

// Key returns the key of the measurement's item.
func (x JobMetric) Key() Key {
	return jobMetricKeys(x.JobID, x.Name, keyTimeText(x.Timestamp, x.keyTS)).Key()
}

// Validate checks the measurement: a UUID v4 job id, a name without "#"
// (a name with "#" would make a query of one metric's items also match
// another's), a time, a value that is a finite number or a free-form map,
// and step and epoch >= 0 when set.
func (x JobMetric) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the measurement and returns its item; value is N,
// or M for a map.
func (x JobMetric) MarshalItem() (Item, error) { return x.encode() }

func (x JobMetric) encode() (Item, error) {
	c := jobCheck{typ: "JobMetric"}
	c.uuid(jaJobID, x.JobID)
	c.nonEmpty(jaMetricName, x.Name)
	c.noHash(jaMetricName, x.Name)
	c.time(jaTimestamp, x.Timestamp)
	value := metricValue(&c, x.Value)
	c.optAtLeast(jaStep, x.Step, 0)
	c.optAtLeast(jaEpoch, x.Epoch, 0)
	if c.err != nil {
		return nil, c.err
	}

	ts := keyTimeText(x.Timestamp, x.keyTS)
	item := make(Item, 14)
	jobMetricKeys(x.JobID, x.Name, ts).put(item)
	item[jaJobID] = s(x.JobID)
	item[jaMetricName] = s(x.Name)
	item[jaTimestamp] = s(FormatTime(x.Timestamp))
	item[jaValue] = value
	putOptS(item, jaUnit, x.Unit)
	if x.Step != nil {
		item[jaStep] = ni(int64(*x.Step))
	}
	if x.Epoch != nil {
		item[jaEpoch] = ni(int64(*x.Epoch))
	}
	return item, nil
}

// metricValue encodes a metric's value: a number (float64, an integer type
// or json.Number) as N, a string-keyed map as M.
func metricValue(c *jobCheck, v any) types.AttributeValue {
	if v == nil {
		c.fail(jaValue, "must be set", nil)
		return nil
	}
	av, err := EncodeFreeform(jaValue, v)
	if err != nil {
		field, rule, value := ruleOf(err, jaValue)
		c.fail(field, rule, value)
		return nil
	}
	switch av.(type) {
	case *types.AttributeValueMemberN, *types.AttributeValueMemberM:
		return av
	}
	c.fail(jaValue, "must be a number or a map", typeName(av))
	return nil
}

// UnmarshalItem decodes a JOB_METRIC item: an N value as float64, an M
// value as map[string]any (numbers inside as json.Number).
func (x *JobMetric) UnmarshalItem(item Item) error {
	d := newDecoder(TypeJobMetric, item)
	ids := d.keyIDs()
	v := JobMetric{JobID: ids.Job, Name: ids.Name}
	jobSameID(d, jaJobID, ids.Job)
	jobSameID(d, jaMetricName, ids.Name)
	if d.err == nil {
		v.Timestamp, v.keyTS = jobKeyTime(d, jaTimestamp, ids.Time)
	}
	switch av := d.get(jaValue).(type) {
	case nil:
		d.fail(jaValue, "is missing", nil)
	case *types.AttributeValueMemberN:
		v.Value = d.num(jaValue)
	case *types.AttributeValueMemberM:
		m, err := DecodeFreeform(jaValue, av)
		if err != nil {
			d.fail(ruleOf(err, jaValue))
		}
		v.Value = m
	default:
		d.fail(jaValue, "must be a number or a map", typeName(av))
	}
	v.Unit = d.optStr(jaUnit)
	v.Step = jobIntPtr(d, jaStep)
	v.Epoch = jobIntPtr(d, jaEpoch)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}

// JobCheckpoint

// ItemType returns TypeJobCheckpoint.
func (x JobCheckpoint) ItemType() string { return TypeJobCheckpoint }

// Key returns the key of the checkpoint's item.
func (x JobCheckpoint) Key() Key {
	return jobCheckpointKeys(x.JobID, keyTimeText(x.Timestamp, x.keyTS)).Key()
}

// Validate checks the checkpoint: a UUID v4 job id, a time, an S3 bucket
// and key, size_bytes, step and epoch >= 0, and free-form metrics.
func (x JobCheckpoint) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the checkpoint and returns its item.
func (x JobCheckpoint) MarshalItem() (Item, error) { return x.encode() }

func (x JobCheckpoint) encode() (Item, error) {
	c := jobCheck{typ: "JobCheckpoint"}
	c.uuid(jaJobID, x.JobID)
	c.time(jaTimestamp, x.Timestamp)
	c.nonEmpty(jaS3Bucket, x.S3Bucket)
	c.nonEmpty(jaS3Key, x.S3Key)
	c.atLeast(jaSizeBytes, x.SizeBytes, 0)
	c.atLeast(jaStep, int64(x.Step), 0)
	c.atLeast(jaEpoch, int64(x.Epoch), 0)
	metrics := c.freeform(jaMetrics, x.Metrics)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 16)
	jobCheckpointKeys(x.JobID, keyTimeText(x.Timestamp, x.keyTS)).put(item)
	item[jaJobID] = s(x.JobID)
	item[jaTimestamp] = s(FormatTime(x.Timestamp))
	item[jaS3Bucket] = s(x.S3Bucket)
	item[jaS3Key] = s(x.S3Key)
	item[jaSizeBytes] = ni(x.SizeBytes)
	item[jaStep] = ni(int64(x.Step))
	item[jaEpoch] = ni(int64(x.Epoch))
	item[jaModelState] = b(x.ModelState)
	item[jaOptState] = b(x.OptimizerState)
	item[AttrIsBest] = b(x.IsBest)
	if metrics != nil {
		item[jaMetrics] = metrics
	}
	return item, nil
}

// UnmarshalItem decodes a JOB_CHECKPOINT item.
func (x *JobCheckpoint) UnmarshalItem(item Item) error {
	d := newDecoder(TypeJobCheckpoint, item)
	ids := d.keyIDs()
	v := JobCheckpoint{JobID: ids.Job}
	jobSameID(d, jaJobID, ids.Job)
	if d.err == nil {
		v.Timestamp, v.keyTS = jobKeyTime(d, jaTimestamp, ids.Time)
	}
	v.S3Bucket = d.str(jaS3Bucket)
	v.S3Key = d.str(jaS3Key)
	if n, ok := d.optInt(jaSizeBytes); ok {
		v.SizeBytes = n
	} else {
		d.fail(jaSizeBytes, "is missing", nil)
	}
	v.Step = d.int(jaStep)
	v.Epoch = d.int(jaEpoch)
	v.ModelState = d.bool(jaModelState)
	v.OptimizerState = d.bool(jaOptState)
	v.IsBest = d.bool(AttrIsBest)
	v.Metrics = readFreeform(d, jaMetrics)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}

// JobLog

// ItemType returns TypeJobLog.
func (x JobLog) ItemType() string { return TypeJobLog }

// Key returns the key of the log entry's item.
func (x JobLog) Key() Key {
	return jobLogKeys(x.JobID, keyTimeText(x.Timestamp, x.keyTS)).Key()
}

// Validate checks the log entry: a UUID v4 job id, a time, a known level
// (any case) and a message.
func (x JobLog) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the log entry and returns its item, with the level
// in uppercase. The job id and time live in the keys only.
func (x JobLog) MarshalItem() (Item, error) { return x.encode() }

func (x JobLog) encode() (Item, error) {
	c := jobCheck{typ: "JobLog"}
	c.uuid(jaJobID, x.JobID)
	c.time(jaTimestamp, x.Timestamp)
	level := jobEnum(&c, jaLogLevel, x.Level, ParseLogLevel)
	c.nonEmpty(jaMessage, x.Message)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 9)
	jobLogKeys(x.JobID, keyTimeText(x.Timestamp, x.keyTS)).put(item)
	item[jaLogLevel] = s(string(level))
	item[jaMessage] = s(x.Message)
	putOptS(item, jaSource, x.Source)
	putOptS(item, jaException, x.Exception)
	return item, nil
}

// UnmarshalItem decodes a JOB_LOG item; its time is the key's timestamp.
func (x *JobLog) UnmarshalItem(item Item) error {
	d := newDecoder(TypeJobLog, item)
	ids := d.keyIDs()
	v := JobLog{JobID: ids.Job}
	if d.err == nil {
		v.Timestamp, v.keyTS = jobKeyTime(d, jaTimestamp, ids.Time)
	}
	v.Level = readJobEnum(d, jaLogLevel, true, ParseLogLevel)
	v.Message = d.str(jaMessage)
	v.Source = d.optStr(jaSource)
	v.Exception = d.optStr(jaException)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}

// JobDependency

// ItemType returns TypeJobDependency.
func (x JobDependency) ItemType() string { return TypeJobDependency }

// Key returns the key of the dependency's item.
func (x JobDependency) Key() Key {
	return jobDependencyKeys(x.DependentJobID, x.DependencyJobID).Key()
}

// Validate checks the dependency: two different UUID v4 job ids (compared
// in any case), a known type (any case) and a creation time.
func (x JobDependency) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the dependency and returns its item, with the type
// in uppercase.
func (x JobDependency) MarshalItem() (Item, error) { return x.encode() }

func (x JobDependency) encode() (Item, error) {
	c := jobCheck{typ: "JobDependency"}
	c.uuid(jaDependentID, x.DependentJobID)
	c.uuid(jaDependencyID, x.DependencyJobID)
	if c.err == nil && strings.EqualFold(x.DependentJobID, x.DependencyJobID) {
		c.fail(jaDependencyID, "must differ from dependent_job_id: a job cannot depend on itself",
			strconv.Quote(x.DependencyJobID))
	}
	typ := jobEnum(&c, jaDepType, x.Type, ParseDependencyType)
	c.time(jaCreatedAt, x.CreatedAt)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 13)
	jobDependencyKeys(x.DependentJobID, x.DependencyJobID).put(item)
	item[jaDependentID] = s(x.DependentJobID)
	item[jaDependencyID] = s(x.DependencyJobID)
	item[jaDepType] = s(string(typ))
	item[jaCreatedAt] = s(FormatTime(x.CreatedAt))
	putOptS(item, jaCondition, x.Condition)
	return item, nil
}

// UnmarshalItem decodes a JOB_DEPENDENCY item.
func (x *JobDependency) UnmarshalItem(item Item) error {
	d := newDecoder(TypeJobDependency, item)
	ids := d.keyIDs()
	v := JobDependency{DependentJobID: ids.Job, DependencyJobID: ids.Other}
	jobSameID(d, jaDependentID, ids.Job)
	jobSameID(d, jaDependencyID, ids.Other)
	v.Type = readJobEnum(d, jaDepType, true, ParseDependencyType)
	v.CreatedAt = jobTime(d, jaCreatedAt, true)
	v.Condition = d.optStr(jaCondition)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}

// Every job-side type is an Entity and decodes through its pointer.
var (
	_ = []Entity{
		Job{}, JobStatus{}, JobResource{}, JobMetric{}, JobCheckpoint{}, JobLog{},
		JobDependency{}, Instance{}, InstanceJob{}, Queue{}, QueueJob{},
	}
	_ = []ItemUnmarshaler{
		&Job{}, &JobStatus{}, &JobResource{}, &JobMetric{}, &JobCheckpoint{}, &JobLog{},
		&JobDependency{}, &Instance{}, &InstanceJob{}, &Queue{}, &QueueJob{},
	}
)
