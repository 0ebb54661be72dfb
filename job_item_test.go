package receiptdynamo

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Ids and times of the job-side test entities.
const (
	tJob   = "3f52804b-2fad-4e00-92c8-b593da3a8ed3"
	tJob2  = "9a1c2d3e-4f50-4a6b-8c7d-0e1f2a3b4c5d"
	tInst  = "c0ffee00-1234-4abc-9def-0123456789ab"
	tRes   = "b16b00b5-0000-4000-a000-000000000001"
	tQueue = "training"
)

var (
	tT0 = time.Date(2025, 2, 27, 14, 3, 9, 512000000, time.UTC)
	tT1 = time.Date(2025, 2, 27, 14, 5, 0, 123456000, time.UTC)
)

// jobTypes lists the item types of the job side.
var jobTypes = []string{
	TypeJob, TypeJobStatus, TypeJobResource, TypeJobMetric, TypeJobCheckpoint, TypeJobLog,
	TypeJobDependency, TypeInstance, TypeInstanceJob, TypeQueue, TypeQueueJob,
}

// jobDecoders decodes an item as each job-side type, independently of
// UnmarshalAny.
var jobDecoders = map[string]func(Item) (Entity, error){
	TypeJob:           jobDecode[Job],
	TypeJobStatus:     jobDecode[JobStatus],
	TypeJobResource:   jobDecode[JobResource],
	TypeJobMetric:     jobDecode[JobMetric],
	TypeJobCheckpoint: jobDecode[JobCheckpoint],
	TypeJobLog:        jobDecode[JobLog],
	TypeJobDependency: jobDecode[JobDependency],
	TypeInstance:      jobDecode[Instance],
	TypeInstanceJob:   jobDecode[InstanceJob],
	TypeQueue:         jobDecode[Queue],
	TypeQueueJob:      jobDecode[QueueJob],
}

func jobDecode[T Entity, P interface {
	*T
	ItemUnmarshaler
}](item Item) (Entity, error) {
	v, err := Decode[T, P](item)
	return v, err
}

func ptr[T any](v T) *T { return &v }

// validJobEntities returns one valid entity of each job-side type, with
// normalised enumerations and times at microsecond resolution, so that a
// round trip gives them back equal.
func validJobEntities() []Entity {
	return []Entity{
		Job{ID: tJob, Name: "layoutlm-train", Description: "fine-tune", CreatedAt: tT0,
			CreatedBy: "alice", Status: JobRunning, Priority: PriorityHigh,
			Config: map[string]any{"lr": json.Number("0.0003"), "layers": []any{
				json.Number("12"), json.Number("12")}},
			EstimatedDuration: 3600, Tags: map[string]string{"team": "ml"}},
		JobStatus{JobID: tJob, Status: JobRunning, UpdatedAt: tT1, Progress: ptr(42.5),
			Message: "epoch 2", UpdatedBy: "worker-1", InstanceID: tInst},
		JobResource{JobID: tJob, ResourceID: tRes, InstanceID: tInst, InstanceType: "g5.xlarge",
			ResourceType: ResourceGPU, AllocatedAt: tT0, ReleasedAt: tT1,
			Status: ResourceReleased, GPUCount: ptr(1),
			Config: map[string]any{"memory_gb": json.Number("24")}},
		JobMetric{JobID: tJob, Name: "loss", Timestamp: tT1, Value: 0.4231, Unit: "nats",
			Step: ptr(200), Epoch: ptr(2)},
		JobMetric{JobID: tJob, Name: "confusion", Timestamp: tT1,
			Value: map[string]any{"tp": json.Number("10"), "fp": json.Number("2")}},
		JobCheckpoint{JobID: tJob, Timestamp: tT1, S3Bucket: "models", S3Key: "ckpt/200.pt",
			SizeBytes: 123456789, Step: 200, Epoch: 2, ModelState: true, OptimizerState: true,
			Metrics: map[string]any{"loss": json.Number("0.4231")}, IsBest: true},
		JobLog{JobID: tJob, Timestamp: tT1, Level: LogWarning, Message: "loss plateau",
			Source: "trainer", Exception: "ValueError"},
		JobDependency{DependentJobID: tJob, DependencyJobID: tJob2, Type: DependsOnSuccess,
			CreatedAt: tT0, Condition: "accuracy > 0.9"},
		Instance{ID: tInst, InstanceType: "g5.xlarge", GPUCount: 1, Status: InstanceRunning,
			LaunchedAt: tT0, IPAddress: "10.0.0.5", AvailabilityZone: "us-east-1a",
			IsSpot: true, HealthStatus: HealthHealthy},
		InstanceJob{InstanceID: tInst, JobID: tJob, AssignedAt: tT0, Status: AssignmentRunning,
			ResourceUtilization: map[string]any{"gpu": json.Number("0.93")}},
		Queue{Name: tQueue, Description: "GPU training jobs", CreatedAt: tT0,
			MaxConcurrentJobs: 2, Priority: PriorityHigh, JobCount: 1},
		QueueJob{QueueName: tQueue, JobID: tJob, EnqueuedAt: tT0, Priority: PriorityHigh},
	}
}

// minimalJobEntities returns valid entities with every optional field
// unset.
func minimalJobEntities() []Entity {
	return []Entity{
		Job{ID: tJob, Name: "n", CreatedAt: tT0, CreatedBy: "u", Status: JobPending,
			Priority: PriorityLow},
		JobStatus{JobID: tJob, Status: JobPending, UpdatedAt: tT0},
		JobResource{JobID: tJob, ResourceID: tRes, InstanceID: tInst, InstanceType: "t",
			ResourceType: ResourceCPU, AllocatedAt: tT0, Status: ResourceAllocated},
		JobMetric{JobID: tJob, Name: "m", Timestamp: tT0, Value: 1.0},
		JobCheckpoint{JobID: tJob, Timestamp: tT0, S3Bucket: "b", S3Key: "k"},
		JobLog{JobID: tJob, Timestamp: tT0, Level: LogInfo, Message: "m"},
		JobDependency{DependentJobID: tJob, DependencyJobID: tJob2, Type: DependsOnCompletion,
			CreatedAt: tT0},
		Instance{ID: tInst, InstanceType: "t", Status: InstancePending, LaunchedAt: tT0,
			AvailabilityZone: "z", HealthStatus: HealthUnknown},
		InstanceJob{InstanceID: tInst, JobID: tJob, AssignedAt: tT0, Status: AssignmentAssigned},
		Queue{Name: "q", CreatedAt: tT0, MaxConcurrentJobs: 1, Priority: PriorityMedium},
		QueueJob{QueueName: "q", JobID: tJob, EnqueuedAt: tT0, Priority: PriorityCritical},
	}
}

func mustJobItem(t testing.TB, e Entity) Item {
	t.Helper()
	item, err := e.MarshalItem()
	if err != nil {
		t.Fatalf("%T.MarshalItem: %v", e, err)
	}
	return item
}

// jobFieldsOf returns the fields of a job-side entity by attribute name, as
// the older-writer fixture lists them: times as FormatTime text, absent
// optionals as nil.
func jobFieldsOf(e Entity) map[string]any {
	tm := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return FormatTime(t)
	}
	opt := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	optMap := func(m map[string]any) any {
		if m == nil {
			return nil
		}
		return m
	}
	switch x := e.(type) {
	case Job:
		var dur any
		if x.EstimatedDuration > 0 {
			dur = x.EstimatedDuration
		}
		var tags any
		if x.Tags != nil {
			tags = x.Tags
		}
		return map[string]any{"job_id": x.ID, "name": x.Name, "description": x.Description,
			"created_at": tm(x.CreatedAt), "created_by": x.CreatedBy, "status": x.Status,
			"priority": x.Priority, "job_config": optMap(x.Config), "estimated_duration": dur,
			"tags": tags}
	case JobStatus:
		return map[string]any{"job_id": x.JobID, "status": x.Status,
			"updated_at": tm(x.UpdatedAt), "progress": x.Progress, "message": opt(x.Message),
			"updated_by": opt(x.UpdatedBy), "instance_id": opt(x.InstanceID)}
	case JobResource:
		return map[string]any{"job_id": x.JobID, "resource_id": x.ResourceID,
			"instance_id": x.InstanceID, "instance_type": x.InstanceType,
			"resource_type": x.ResourceType, "allocated_at": tm(x.AllocatedAt),
			"released_at": tm(x.ReleasedAt), "status": x.Status, "gpu_count": x.GPUCount,
			"resource_config": optMap(x.Config)}
	case JobMetric:
		return map[string]any{"job_id": x.JobID, "metric_name": x.Name,
			"timestamp": tm(x.Timestamp), "value": x.Value, "unit": opt(x.Unit),
			"step": x.Step, "epoch": x.Epoch}
	case JobCheckpoint:
		return map[string]any{"job_id": x.JobID, "timestamp": tm(x.Timestamp),
			"s3_bucket": x.S3Bucket, "s3_key": x.S3Key, "size_bytes": x.SizeBytes,
			"step": x.Step, "epoch": x.Epoch, "model_state": x.ModelState,
			"optimizer_state": x.OptimizerState, "metrics": optMap(x.Metrics),
			"is_best": x.IsBest}
	case JobLog:
		return map[string]any{"job_id": x.JobID, "timestamp": tm(x.Timestamp),
			"log_level": x.Level, "message": x.Message, "source": opt(x.Source),
			"exception": opt(x.Exception)}
	case JobDependency:
		return map[string]any{"dependent_job_id": x.DependentJobID,
			"dependency_job_id": x.DependencyJobID, "type": x.Type,
			"created_at": tm(x.CreatedAt), "condition": opt(x.Condition)}
	case Instance:
		return map[string]any{"instance_id": x.ID, "instance_type": x.InstanceType,
			"gpu_count": x.GPUCount, "status": x.Status, "launched_at": tm(x.LaunchedAt),
			"ip_address": x.IPAddress, "availability_zone": x.AvailabilityZone,
			"is_spot": x.IsSpot, "health_status": x.HealthStatus}
	case InstanceJob:
		return map[string]any{"instance_id": x.InstanceID, "job_id": x.JobID,
			"assigned_at": tm(x.AssignedAt), "status": x.Status,
			"resource_utilization": optMap(x.ResourceUtilization)}
	case Queue:
		return map[string]any{"queue_name": x.Name, "description": x.Description,
			"created_at": tm(x.CreatedAt), "max_concurrent_jobs": x.MaxConcurrentJobs,
			"priority": x.Priority, "job_count": x.JobCount}
	case QueueJob:
		return map[string]any{"queue_name": x.QueueName, "job_id": x.JobID,
			"enqueued_at": tm(x.EnqueuedAt), "priority": x.Priority, "position": x.Position}
	}
	panic("not a job-side entity")
}

// jsonShape returns v as encoding/json gives it back (numbers float64), so
// that fields built in Go compare with fields read from the fixture.
func jsonShape(t testing.TB, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// timeFields are the fixture fields that hold timestamps.
var timeFields = []string{
	"created_at", "updated_at", "allocated_at", "released_at", "timestamp", "launched_at",
	"assigned_at", "enqueued_at",
}

// fixtureFields returns the fields of a case with timestamps as FormatTime
// text, so that "…T14:05:00+00:00" compares with our form.
func fixtureFields(t *testing.T, c olderCase) any {
	t.Helper()
	f := map[string]any{}
	for k, v := range c.Fields {
		f[k] = v
	}
	for _, name := range timeFields {
		if v, ok := f[name].(string); ok {
			tm, err := ParseTime(v)
			if err != nil {
				t.Fatalf("fixture %s: %v", name, err)
			}
			f[name] = FormatTime(tm)
		}
	}
	return jsonShape(t, f)
}

// keyAttrs returns the key attributes of item.
func keyAttrs(item Item) map[string]string {
	out := map[string]string{}
	for _, a := range []string{AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK, AttrGSI2PK, AttrGSI2SK,
		AttrGSI3PK, AttrGSI3SK, AttrType} {
		if v, ok := item[a].(*types.AttributeValueMemberS); ok {
			out[a] = v.Value
		}
	}
	return out
}

func TestOlderWriterJobItems(t *testing.T) {
	for _, c := range olderWriterCases(t, jobTypes...) {
		t.Run(c.Name(), func(t *testing.T) {
			e, err := jobDecoders[c.Type](c.Item)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			want := fixtureFields(t, c)
			if got := jsonShape(t, jobFieldsOf(e)); !reflect.DeepEqual(got, want) {
				t.Errorf("fields\n got %v\nwant %v", got, want)
			}

			// Re-encoding gives an item that decodes to the same fields and
			// is stored under the same keys, so that updates of an item read
			// from the older writer replace it rather than add a twin.
			item := mustJobItem(t, e)
			if got, want := keyAttrs(item), keyAttrs(c.Item); !reflect.DeepEqual(got, want) {
				t.Errorf("keys of the re-encoded item\n got %v\nwant %v", got, want)
			}
			if e.Key() != (Key{PK: keyAttrs(c.Item)[AttrPK], SK: keyAttrs(c.Item)[AttrSK]}) {
				t.Errorf("Key() = %v, want the stored key", e.Key())
			}
			again, err := jobDecoders[c.Type](item)
			if err != nil {
				t.Fatalf("decode re-encoded: %v", err)
			}
			if !reflect.DeepEqual(again, e) {
				t.Errorf("re-decoded\n got %#v\nwant %#v", again, e)
			}
			for name, av := range item {
				if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
					t.Errorf("attribute %s is NULL; job-side optionals are omitted", name)
				}
			}
		})
	}
}

// TestOlderWriterKeyTimeMoves checks that the stored key text of an older
// item is used only while the entity's time still names the same instant.
func TestOlderWriterKeyTimeMoves(t *testing.T) {
	var st JobStatus
	for _, c := range olderWriterCases(t, TypeJobStatus) {
		if err := st.UnmarshalItem(c.Item); err != nil {
			t.Fatal(err)
		}
	}
	if got := st.Key().SK; got != "STATUS#2025-02-27T14:05:00+00:00" {
		t.Fatalf("SK = %q, want the stored text", got)
	}
	st.UpdatedAt = st.UpdatedAt.Add(time.Microsecond)
	if got := st.Key().SK; got != "STATUS#2025-02-27T14:05:00.000001+00:00" {
		t.Errorf("SK after the time changed = %q", got)
	}
}

func TestJobEntitiesRoundTrip(t *testing.T) {
	all := append(validJobEntities(), minimalJobEntities()...)
	for _, e := range all {
		t.Run(e.ItemType(), func(t *testing.T) {
			if err := e.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			item := mustJobItem(t, e)
			got, err := jobDecoders[e.ItemType()](item)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, e) {
				t.Errorf("round trip\n got %#v\nwant %#v", got, e)
			}
			if got.Key() != e.Key() {
				t.Errorf("Key() = %v, want %v", got.Key(), e.Key())
			}
			if e.Key() != (Key{PK: keyAttrs(item)[AttrPK], SK: keyAttrs(item)[AttrSK]}) {
				t.Errorf("Key() %v differs from the item's keys %v", e.Key(), keyAttrs(item))
			}
			for name, av := range item {
				if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
					t.Errorf("attribute %s is NULL; job-side optionals are omitted", name)
				}
			}
		})
	}
}

// TestJobItemFormat checks the keys and attributes against the tables of
// item-format.md, spelled out here independently of keys.go.
func TestJobItemFormat(t *testing.T) {
	ts0 := "2025-02-27T14:03:09.512000+00:00"
	ts1 := "2025-02-27T14:05:00.123456+00:00"
	want := []struct {
		keys  map[string]string
		attrs []string // every non-key attribute
	}{
		{map[string]string{"PK": "JOB#" + tJob, "SK": "JOB", "GSI1PK": "STATUS#running",
			"GSI1SK": "CREATED#" + ts0, "GSI2PK": "USER#alice", "GSI2SK": "CREATED#" + ts0,
			"TYPE": "JOB"},
			[]string{"created_at", "created_by", "description", "estimated_duration",
				"job_config", "name", "priority", "status", "tags"}},
		{map[string]string{"PK": "JOB#" + tJob, "SK": "STATUS#" + ts1,
			"GSI1PK": "STATUS#running", "GSI1SK": "UPDATED#" + ts1, "TYPE": "JOB_STATUS"},
			[]string{"instance_id", "message", "progress", "status", "updated_at",
				"updated_by"}},
		{map[string]string{"PK": "JOB#" + tJob, "SK": "RESOURCE#" + tRes, "GSI1PK": "RESOURCE",
			"GSI1SK": "RESOURCE#" + tRes, "TYPE": "JOB_RESOURCE"},
			[]string{"allocated_at", "gpu_count", "instance_id", "instance_type", "job_id",
				"released_at", "resource_config", "resource_id", "resource_type", "status"}},
		{map[string]string{"PK": "JOB#" + tJob, "SK": "METRIC#loss#" + ts1,
			"GSI1PK": "METRIC#loss", "GSI1SK": ts1, "GSI2PK": "METRIC#loss",
			"GSI2SK": "JOB#" + tJob + "#" + ts1, "TYPE": "JOB_METRIC"},
			[]string{"epoch", "job_id", "metric_name", "step", "timestamp", "unit", "value"}},
		{map[string]string{"PK": "JOB#" + tJob, "SK": "METRIC#confusion#" + ts1,
			"GSI1PK": "METRIC#confusion", "GSI1SK": ts1, "GSI2PK": "METRIC#confusion",
			"GSI2SK": "JOB#" + tJob + "#" + ts1, "TYPE": "JOB_METRIC"},
			[]string{"job_id", "metric_name", "timestamp", "value"}},
		{map[string]string{"PK": "JOB#" + tJob, "SK": "CHECKPOINT#" + ts1,
			"GSI1PK": "CHECKPOINT", "GSI1SK": "JOB#" + tJob + "#" + ts1,
			"TYPE": "JOB_CHECKPOINT"},
			[]string{"epoch", "is_best", "job_id", "metrics", "model_state", "optimizer_state",
				"s3_bucket", "s3_key", "size_bytes", "step", "timestamp"}},
		{map[string]string{"PK": "JOB#" + tJob, "SK": "LOG#" + ts1, "GSI1PK": "LOG",
			"GSI1SK": "JOB#" + tJob + "#" + ts1, "TYPE": "JOB_LOG"},
			[]string{"exception", "log_level", "message", "source"}},
		{map[string]string{"PK": "JOB#" + tJob, "SK": "DEPENDS_ON#" + tJob2,
			"GSI1PK": "DEPENDENCY", "GSI1SK": "DEPENDENT#" + tJob + "#DEPENDENCY#" + tJob2,
			"GSI2PK": "DEPENDENCY", "GSI2SK": "DEPENDED_BY#" + tJob2 + "#DEPENDENT#" + tJob,
			"TYPE": "JOB_DEPENDENCY"},
			[]string{"condition", "created_at", "dependency_job_id", "dependent_job_id",
				"type"}},
		{map[string]string{"PK": "INSTANCE#" + tInst, "SK": "INSTANCE",
			"GSI1PK": "STATUS#running", "GSI1SK": "INSTANCE#" + tInst, "TYPE": "INSTANCE"},
			[]string{"availability_zone", "gpu_count", "health_status", "instance_type",
				"ip_address", "is_spot", "launched_at", "status"}},
		{map[string]string{"PK": "INSTANCE#" + tInst, "SK": "JOB#" + tJob, "GSI1PK": "JOB",
			"GSI1SK": "JOB#" + tJob + "#INSTANCE#" + tInst, "TYPE": "INSTANCE_JOB"},
			[]string{"assigned_at", "resource_utilization", "status"}},
		{map[string]string{"PK": "QUEUE#training", "SK": "QUEUE", "GSI1PK": "QUEUE",
			"GSI1SK": "QUEUE#training", "TYPE": "QUEUE"},
			[]string{"created_at", "description", "job_count", "max_concurrent_jobs",
				"priority"}},
		{map[string]string{"PK": "QUEUE#training", "SK": "JOB#" + tJob, "GSI1PK": "JOB",
			"GSI1SK": "JOB#" + tJob + "#QUEUE#training", "TYPE": "QUEUE_JOB"},
			[]string{"enqueued_at", "position", "priority"}},
	}
	entities := validJobEntities()
	if len(entities) != len(want) {
		t.Fatalf("%d entities, %d expectations", len(entities), len(want))
	}
	for i, e := range entities {
		item := mustJobItem(t, e)
		if got := keyAttrs(item); !reflect.DeepEqual(got, want[i].keys) {
			t.Errorf("%s keys\n got %v\nwant %v", e.ItemType(), got, want[i].keys)
		}
		var attrs []string
		for _, name := range itemAttrNames(item) {
			if _, isKey := want[i].keys[name]; !isKey {
				attrs = append(attrs, name)
			}
		}
		if !reflect.DeepEqual(attrs, want[i].attrs) {
			t.Errorf("%s attributes\n got %v\nwant %v", e.ItemType(), attrs, want[i].attrs)
		}
	}

	// Attribute values that the format fixes.
	job := mustJobItem(t, entities[0])
	if got := job["job_config"].(*types.AttributeValueMemberM).Value["layers"]; got == nil {
		t.Error("job_config.layers missing")
	} else if _, ok := got.(*types.AttributeValueMemberL); !ok {
		t.Errorf("job_config.layers is %s, want L", typeName(got))
	}
	tags := job["tags"].(*types.AttributeValueMemberM).Value
	if _, ok := tags["team"].(*types.AttributeValueMemberS); !ok {
		t.Error("tags.team is not S")
	}
	if _, ok := mustJobItem(t, entities[4])["value"].(*types.AttributeValueMemberM); !ok {
		t.Error("structured metric value is not M")
	}
	value := mustJobItem(t, entities[3])["value"].(*types.AttributeValueMemberN)
	if value.Value != "0.4231" {
		t.Errorf("metric value = %q, want 0.4231", value.Value)
	}

	// A job without config still has job_config, as an empty map.
	minimal := mustJobItem(t, minimalJobEntities()[0])
	if m, ok := minimal["job_config"].(*types.AttributeValueMemberM); !ok || len(m.Value) != 0 {
		t.Errorf("job_config of a job without config = %#v, want an empty M",
			minimal["job_config"])
	}
}

// TestJobEnumerationsAnyCase checks that every enumeration field accepts
// input in any case and is stored in its normal case.
func TestJobEnumerationsAnyCase(t *testing.T) {
	cases := []struct {
		e     Entity
		attrs map[string]string
		gsi1  string
	}{
		{Job{ID: tJob, Name: "n", CreatedAt: tT0, CreatedBy: "u", Status: "RuNNing",
			Priority: "HIGH"}, map[string]string{"status": "running", "priority": "high"},
			"STATUS#running"},
		{JobStatus{JobID: tJob, Status: "SUCCEEDED", UpdatedAt: tT0},
			map[string]string{"status": "succeeded"}, "STATUS#succeeded"},
		{JobResource{JobID: tJob, ResourceID: tRes, InstanceID: tInst, InstanceType: "t",
			ResourceType: "Gpu", AllocatedAt: tT0, Status: "RELEASED"},
			map[string]string{"resource_type": "gpu", "status": "released"}, "RESOURCE"},
		{JobLog{JobID: tJob, Timestamp: tT0, Level: "warning", Message: "m"},
			map[string]string{"log_level": "WARNING"}, "LOG"},
		{JobDependency{DependentJobID: tJob, DependencyJobID: tJob2, Type: "artifact",
			CreatedAt: tT0}, map[string]string{"type": "ARTIFACT"}, "DEPENDENCY"},
		{Instance{ID: tInst, InstanceType: "t", Status: "Stopped", LaunchedAt: tT0,
			AvailabilityZone: "z", HealthStatus: "UNHEALTHY"},
			map[string]string{"status": "stopped", "health_status": "unhealthy"},
			"STATUS#stopped"},
		{InstanceJob{InstanceID: tInst, JobID: tJob, AssignedAt: tT0, Status: "COMPLETED"},
			map[string]string{"status": "completed"}, "JOB"},
		{Queue{Name: "q", CreatedAt: tT0, MaxConcurrentJobs: 1, Priority: "Critical"},
			map[string]string{"priority": "critical"}, "QUEUE"},
		{QueueJob{QueueName: "q", JobID: tJob, EnqueuedAt: tT0, Priority: "LOW"},
			map[string]string{"priority": "low"}, "JOB"},
	}
	for _, c := range cases {
		t.Run(c.e.ItemType(), func(t *testing.T) {
			item := mustJobItem(t, c.e)
			for attr, want := range c.attrs {
				if got := item[attr].(*types.AttributeValueMemberS).Value; got != want {
					t.Errorf("%s = %q, want %q", attr, got, want)
				}
			}
			if got := keyAttrs(item)[AttrGSI1PK]; got != c.gsi1 {
				t.Errorf("GSI1PK = %q, want %q", got, c.gsi1)
			}
			// A stored item in another case (an older writer's) decodes to
			// the normal case.
			for attr, want := range c.attrs {
				item[attr] = s(strings.ToUpper(want[:1]) + strings.ToLower(want[1:]))
			}
			got, err := jobDecoders[c.e.ItemType()](item)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			for attr, want := range c.attrs {
				if v := jsonShape(t, jobFieldsOf(got)).(map[string]any)[attr]; v != want {
					t.Errorf("decoded %s = %v, want %q", attr, v, want)
				}
			}
		})
	}
}

func TestParseJobEnumerations(t *testing.T) {
	check := func(t *testing.T, name string, got, want any, err error) {
		t.Helper()
		if err != nil || got != want {
			t.Errorf("%s: got %v, %v; want %v", name, got, err, want)
		}
	}
	st, err := ParseJobState("Interrupted")
	check(t, "ParseJobState", st, JobInterrupted, err)
	p, err := ParsePriority("MEDIUM")
	check(t, "ParsePriority", p, PriorityMedium, err)
	rt, err := ParseResourceType("NETWORK")
	check(t, "ParseResourceType", rt, ResourceNetwork, err)
	rs, err := ParseResourceState("Pending")
	check(t, "ParseResourceState", rs, ResourcePending, err)
	ll, err := ParseLogLevel("critical")
	check(t, "ParseLogLevel", ll, LogCritical, err)
	dt, err := ParseDependencyType("Failure")
	check(t, "ParseDependencyType", dt, DependsOnFailure, err)
	is, err := ParseInstanceState("TERMINATED")
	check(t, "ParseInstanceState", is, InstanceTerminated, err)
	h, err := ParseHealth("Healthy")
	check(t, "ParseHealth", h, HealthHealthy, err)
	as, err := ParseAssignmentState("Cancelled")
	check(t, "ParseAssignmentState", as, AssignmentCancelled, err)

	_, err = ParseJobState("done")
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("ParseJobState(done) = %v, want a *ValidationError", err)
	}
	if ve.Type != "JobState" || !strings.Contains(ve.Rule,
		"pending, running, succeeded, failed, cancelled, interrupted") {
		t.Errorf("error %v does not name the type and the allowed values", err)
	}
	if _, err := ParseLogLevel(""); err == nil {
		t.Error("ParseLogLevel(\"\") succeeded")
	}
}

func TestJobStateTerminalAndPriorityRank(t *testing.T) {
	terminal := map[JobState]bool{JobSucceeded: true, JobFailed: true, JobCancelled: true,
		"FAILED": true, JobPending: false, JobRunning: false, JobInterrupted: false, "x": false}
	for st, want := range terminal {
		if st.Terminal() != want {
			t.Errorf("%q.Terminal() = %v", st, !want)
		}
	}
	ranks := map[Priority]int{PriorityLow: 0, PriorityMedium: 1, PriorityHigh: 2,
		PriorityCritical: 3, "HIGH": 2, "urgent": -1}
	for p, want := range ranks {
		if got := p.Rank(); got != want {
			t.Errorf("%q.Rank() = %d, want %d", p, got, want)
		}
	}
}

// jobWith returns a copy of v changed by f.
func jobWith[T Entity](v T, f func(*T)) Entity {
	f(&v)
	return v
}

// TestJobValidation has, for every rule, a case that passes and one that
// fails; a failing case names the type and field of the error.
func TestJobValidation(t *testing.T) {
	vs := validJobEntities()
	job, st, res := vs[0].(Job), vs[1].(JobStatus), vs[2].(JobResource)
	met, cp, lg := vs[3].(JobMetric), vs[5].(JobCheckpoint), vs[6].(JobLog)
	dep, inst, ij := vs[7].(JobDependency), vs[8].(Instance), vs[9].(InstanceJob)
	q, qj := vs[10].(Queue), vs[11].(QueueJob)
	upper := strings.ToUpper(tJob)

	type tc struct {
		name  string
		e     Entity
		field string // "" when the entity is valid
	}
	cases := []tc{
		// Job
		{"job id upper-case UUID", jobWith(job, func(x *Job) { x.ID = upper }), ""},
		{"job id not a UUID", jobWith(job, func(x *Job) { x.ID = "job-1" }), "job_id"},
		{"job id UUID v1", jobWith(job, func(x *Job) {
			x.ID = "3f52804b-2fad-1e00-92c8-b593da3a8ed3"
		}), "job_id"},
		{"job id bad variant", jobWith(job, func(x *Job) {
			x.ID = "3f52804b-2fad-4e00-c2c8-b593da3a8ed3"
		}), "job_id"},
		{"job id empty", jobWith(job, func(x *Job) { x.ID = "" }), "job_id"},
		{"job name one char", jobWith(job, func(x *Job) { x.Name = "x" }), ""},
		{"job name empty", jobWith(job, func(x *Job) { x.Name = "" }), "name"},
		{"job description empty", jobWith(job, func(x *Job) { x.Description = "" }), ""},
		{"job created_by empty", jobWith(job, func(x *Job) { x.CreatedBy = "" }), "created_by"},
		{"job created_at zero", jobWith(job, func(x *Job) { x.CreatedAt = time.Time{} }),
			"created_at"},
		{"job created_at year 10000", jobWith(job, func(x *Job) {
			x.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		}), "created_at"},
		{"job status pending", jobWith(job, func(x *Job) { x.Status = JobPending }), ""},
		{"job status unknown", jobWith(job, func(x *Job) { x.Status = "done" }), "status"},
		{"job status empty", jobWith(job, func(x *Job) { x.Status = "" }), "status"},
		{"job priority critical", jobWith(job, func(x *Job) { x.Priority = "Critical" }), ""},
		{"job priority unknown", jobWith(job, func(x *Job) { x.Priority = "urgent" }),
			"priority"},
		{"job duration unset", jobWith(job, func(x *Job) { x.EstimatedDuration = 0 }), ""},
		{"job duration 1", jobWith(job, func(x *Job) { x.EstimatedDuration = 1 }), ""},
		{"job duration negative", jobWith(job, func(x *Job) { x.EstimatedDuration = -1 }),
			"estimated_duration"},
		{"job config nested", jobWith(job, func(x *Job) {
			x.Config = map[string]any{"a": []any{map[string]any{"b": nil}}}
		}), ""},
		{"job config bad value", jobWith(job, func(x *Job) {
			x.Config = map[string]any{"a": []any{1, make(chan int)}}
		}), "job_config.a[1]"},
		{"job config NaN", jobWith(job, func(x *Job) {
			x.Config = map[string]any{"lr": nanValue()}
		}), "job_config.lr"},

		// JobStatus
		{"status progress 0", jobWith(st, func(x *JobStatus) { x.Progress = ptr(0.0) }), ""},
		{"status progress 100", jobWith(st, func(x *JobStatus) { x.Progress = ptr(100.0) }), ""},
		{"status progress unset", jobWith(st, func(x *JobStatus) { x.Progress = nil }), ""},
		{"status progress over 100", jobWith(st, func(x *JobStatus) { x.Progress = ptr(100.5) }),
			"progress"},
		{"status progress negative", jobWith(st, func(x *JobStatus) { x.Progress = ptr(-1.0) }),
			"progress"},
		{"status progress NaN", jobWith(st, func(x *JobStatus) { x.Progress = ptr(nanValue()) }),
			"progress"},
		{"status job id bad", jobWith(st, func(x *JobStatus) { x.JobID = "x" }), "job_id"},
		{"status unknown", jobWith(st, func(x *JobStatus) { x.Status = "paused" }), "status"},
		{"status updated_at zero", jobWith(st, func(x *JobStatus) { x.UpdatedAt = time.Time{} }),
			"updated_at"},
		{"status instance unset", jobWith(st, func(x *JobStatus) { x.InstanceID = "" }), ""},
		{"status instance not UUID", jobWith(st, func(x *JobStatus) { x.InstanceID = "i-0abc" }),
			"instance_id"},

		// JobResource
		{"resource gpu_count 0", jobWith(res, func(x *JobResource) { x.GPUCount = ptr(0) }), ""},
		{"resource gpu_count unset", jobWith(res, func(x *JobResource) { x.GPUCount = nil }), ""},
		{"resource gpu_count negative", jobWith(res, func(x *JobResource) {
			x.GPUCount = ptr(-1)
		}), "gpu_count"},
		{"resource id bad", jobWith(res, func(x *JobResource) { x.ResourceID = "r1" }),
			"resource_id"},
		{"resource job id bad", jobWith(res, func(x *JobResource) { x.JobID = "j" }), "job_id"},
		{"resource instance empty", jobWith(res, func(x *JobResource) { x.InstanceID = "" }),
			"instance_id"},
		{"resource instance type empty", jobWith(res, func(x *JobResource) {
			x.InstanceType = ""
		}), "instance_type"},
		{"resource type unknown", jobWith(res, func(x *JobResource) { x.ResourceType = "tpu" }),
			"resource_type"},
		{"resource status unknown", jobWith(res, func(x *JobResource) { x.Status = "lost" }),
			"status"},
		{"resource allocated zero", jobWith(res, func(x *JobResource) {
			x.AllocatedAt = time.Time{}
		}), "allocated_at"},
		{"resource released unset", jobWith(res, func(x *JobResource) {
			x.ReleasedAt = time.Time{}
		}), ""},
		{"resource config bad", jobWith(res, func(x *JobResource) {
			x.Config = map[string]any{"f": func() {}}
		}), "resource_config.f"},

		// JobMetric
		{"metric int value", jobWith(met, func(x *JobMetric) { x.Value = 3 }), ""},
		{"metric json.Number value", jobWith(met, func(x *JobMetric) {
			x.Value = json.Number("1e-5")
		}), ""},
		{"metric map value", jobWith(met, func(x *JobMetric) {
			x.Value = map[string]any{"p": 0.5}
		}), ""},
		{"metric nil value", jobWith(met, func(x *JobMetric) { x.Value = nil }), "value"},
		{"metric string value", jobWith(met, func(x *JobMetric) { x.Value = "0.5" }), "value"},
		{"metric list value", jobWith(met, func(x *JobMetric) { x.Value = []any{1} }), "value"},
		{"metric NaN value", jobWith(met, func(x *JobMetric) { x.Value = nanValue() }), "value"},
		{"metric name empty", jobWith(met, func(x *JobMetric) { x.Name = "" }), "metric_name"},
		{"metric name with #", jobWith(met, func(x *JobMetric) { x.Name = "loss#val" }),
			"metric_name"},
		{"metric name with / and .", jobWith(met, func(x *JobMetric) { x.Name = "val/loss.1" }),
			""},
		{"metric time zero", jobWith(met, func(x *JobMetric) { x.Timestamp = time.Time{} }),
			"timestamp"},
		{"metric step 0", jobWith(met, func(x *JobMetric) { x.Step = ptr(0) }), ""},
		{"metric step negative", jobWith(met, func(x *JobMetric) { x.Step = ptr(-1) }), "step"},
		{"metric epoch negative", jobWith(met, func(x *JobMetric) { x.Epoch = ptr(-2) }),
			"epoch"},
		{"metric job id bad", jobWith(met, func(x *JobMetric) { x.JobID = "j" }), "job_id"},

		// JobCheckpoint
		{"checkpoint zero sizes", jobWith(cp, func(x *JobCheckpoint) {
			x.SizeBytes, x.Step, x.Epoch = 0, 0, 0
		}), ""},
		{"checkpoint size negative", jobWith(cp, func(x *JobCheckpoint) { x.SizeBytes = -1 }),
			"size_bytes"},
		{"checkpoint step negative", jobWith(cp, func(x *JobCheckpoint) { x.Step = -1 }), "step"},
		{"checkpoint epoch negative", jobWith(cp, func(x *JobCheckpoint) { x.Epoch = -1 }),
			"epoch"},
		{"checkpoint bucket empty", jobWith(cp, func(x *JobCheckpoint) { x.S3Bucket = "" }),
			"s3_bucket"},
		{"checkpoint key empty", jobWith(cp, func(x *JobCheckpoint) { x.S3Key = "" }), "s3_key"},
		{"checkpoint time zero", jobWith(cp, func(x *JobCheckpoint) {
			x.Timestamp = time.Time{}
		}), "timestamp"},
		{"checkpoint job id bad", jobWith(cp, func(x *JobCheckpoint) { x.JobID = "" }),
			"job_id"},
		{"checkpoint metrics bad", jobWith(cp, func(x *JobCheckpoint) {
			x.Metrics = map[string]any{"m": map[int]int{1: 1}}
		}), "metrics.m"},

		// JobLog
		{"log level lower case", jobWith(lg, func(x *JobLog) { x.Level = "debug" }), ""},
		{"log level unknown", jobWith(lg, func(x *JobLog) { x.Level = "TRACE" }), "log_level"},
		{"log message empty", jobWith(lg, func(x *JobLog) { x.Message = "" }), "message"},
		{"log source empty", jobWith(lg, func(x *JobLog) { x.Source = "" }), ""},
		{"log time zero", jobWith(lg, func(x *JobLog) { x.Timestamp = time.Time{} }),
			"timestamp"},
		{"log job id bad", jobWith(lg, func(x *JobLog) { x.JobID = "j" }), "job_id"},

		// JobDependency
		{"dependency same id", jobWith(dep, func(x *JobDependency) {
			x.DependencyJobID = x.DependentJobID
		}), "dependency_job_id"},
		{"dependency same id in other case", jobWith(dep, func(x *JobDependency) {
			x.DependencyJobID = upper
		}), "dependency_job_id"},
		{"dependent id bad", jobWith(dep, func(x *JobDependency) { x.DependentJobID = "a" }),
			"dependent_job_id"},
		{"dependency id bad", jobWith(dep, func(x *JobDependency) { x.DependencyJobID = "b" }),
			"dependency_job_id"},
		{"dependency type unknown", jobWith(dep, func(x *JobDependency) { x.Type = "START" }),
			"type"},
		{"dependency created zero", jobWith(dep, func(x *JobDependency) {
			x.CreatedAt = time.Time{}
		}), "created_at"},
		{"dependency no condition", jobWith(dep, func(x *JobDependency) { x.Condition = "" }),
			""},

		// Instance
		{"instance gpu_count 0", jobWith(inst, func(x *Instance) { x.GPUCount = 0 }), ""},
		{"instance gpu_count negative", jobWith(inst, func(x *Instance) { x.GPUCount = -1 }),
			"gpu_count"},
		{"instance id bad", jobWith(inst, func(x *Instance) { x.ID = "i-0abc" }), "instance_id"},
		{"instance type empty", jobWith(inst, func(x *Instance) { x.InstanceType = "" }),
			"instance_type"},
		{"instance zone empty", jobWith(inst, func(x *Instance) { x.AvailabilityZone = "" }),
			"availability_zone"},
		{"instance no ip yet", jobWith(inst, func(x *Instance) { x.IPAddress = "" }), ""},
		{"instance status unknown", jobWith(inst, func(x *Instance) { x.Status = "gone" }),
			"status"},
		{"instance health unknown value", jobWith(inst, func(x *Instance) {
			x.HealthStatus = "sick"
		}), "health_status"},
		{"instance launched zero", jobWith(inst, func(x *Instance) {
			x.LaunchedAt = time.Time{}
		}), "launched_at"},

		// InstanceJob
		{"instance job status unknown", jobWith(ij, func(x *InstanceJob) { x.Status = "x" }),
			"status"},
		{"instance job instance bad", jobWith(ij, func(x *InstanceJob) { x.InstanceID = "" }),
			"instance_id"},
		{"instance job job bad", jobWith(ij, func(x *InstanceJob) { x.JobID = "j" }), "job_id"},
		{"instance job assigned zero", jobWith(ij, func(x *InstanceJob) {
			x.AssignedAt = time.Time{}
		}), "assigned_at"},
		{"instance job utilization bad", jobWith(ij, func(x *InstanceJob) {
			x.ResourceUtilization = map[string]any{"gpu": complex(1, 1)}
		}), "resource_utilization.gpu"},

		// Queue
		{"queue max 1", jobWith(q, func(x *Queue) { x.MaxConcurrentJobs = 1 }), ""},
		{"queue max 0", jobWith(q, func(x *Queue) { x.MaxConcurrentJobs = 0 }),
			"max_concurrent_jobs"},
		{"queue job_count 0", jobWith(q, func(x *Queue) { x.JobCount = 0 }), ""},
		{"queue job_count negative", jobWith(q, func(x *Queue) { x.JobCount = -1 }),
			"job_count"},
		{"queue name empty", jobWith(q, func(x *Queue) { x.Name = "" }), "queue_name"},
		{"queue priority unknown", jobWith(q, func(x *Queue) { x.Priority = "" }), "priority"},
		{"queue created zero", jobWith(q, func(x *Queue) { x.CreatedAt = time.Time{} }),
			"created_at"},

		// QueueJob
		{"queue job position 0", jobWith(qj, func(x *QueueJob) { x.Position = 0 }), ""},
		{"queue job position negative", jobWith(qj, func(x *QueueJob) { x.Position = -1 }),
			"position"},
		{"queue job queue empty", jobWith(qj, func(x *QueueJob) { x.QueueName = "" }),
			"queue_name"},
		{"queue job job bad", jobWith(qj, func(x *QueueJob) { x.JobID = "j" }), "job_id"},
		{"queue job priority unknown", jobWith(qj, func(x *QueueJob) { x.Priority = "x" }),
			"priority"},
		{"queue job enqueued zero", jobWith(qj, func(x *QueueJob) {
			x.EnqueuedAt = time.Time{}
		}), "enqueued_at"},
	}
	typeNames := map[string]string{
		TypeJob: "Job", TypeJobStatus: "JobStatus", TypeJobResource: "JobResource",
		TypeJobMetric: "JobMetric", TypeJobCheckpoint: "JobCheckpoint", TypeJobLog: "JobLog",
		TypeJobDependency: "JobDependency", TypeInstance: "Instance",
		TypeInstanceJob: "InstanceJob", TypeQueue: "Queue", TypeQueueJob: "QueueJob",
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.e.Validate()
			_, merr := c.e.MarshalItem()
			if (err == nil) != (merr == nil) {
				t.Fatalf("Validate = %v but MarshalItem = %v", err, merr)
			}
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if ve.Type != typeNames[c.e.ItemType()] || ve.Field != c.field || ve.Rule == "" {
				t.Errorf("error %q names %s.%s, want %s.%s", err, ve.Type, ve.Field,
					typeNames[c.e.ItemType()], c.field)
			}
		})
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}

// TestJobUnmarshalErrors checks that a malformed item fails with an error
// naming the item type and the attribute, and leaves the receiver as it
// was.
func TestJobUnmarshalErrors(t *testing.T) {
	vs := validJobEntities()
	base := func(i int) Item { return mustJobItem(t, vs[i]) }
	type tc struct {
		name string
		i    int // index into validJobEntities
		edit func(Item)
		attr string
	}
	cases := []tc{
		{"no TYPE", 0, func(it Item) { delete(it, AttrType) }, "TYPE"},
		{"other TYPE", 0, func(it Item) { it[AttrType] = s(TypeJobLog) }, "TYPE"},
		{"no PK", 0, func(it Item) { delete(it, AttrPK) }, "PK"},
		{"PK of another type", 0, func(it Item) { it[AttrPK] = s("QUEUE#x") }, "PK"},
		{"SK of another type", 0, func(it Item) { it[AttrSK] = s("JOBS") }, "SK"},
		{"name missing", 0, func(it Item) { delete(it, "name") }, "name"},
		{"name not S", 0, func(it Item) { it["name"] = ni(3) }, "name"},
		{"status unknown", 0, func(it Item) { it["status"] = s("done") }, "status"},
		{"created_at bad", 0, func(it Item) { it["created_at"] = s("yesterday") }, "created_at"},
		{"created_at without offset", 0, func(it Item) {
			it["created_at"] = s("2025-02-27T14:03:09")
		}, "created_at"},
		{"job_config not M", 0, func(it Item) { it["job_config"] = s("{}") }, "job_config"},
		{"tags value not S", 0, func(it Item) {
			it["tags"] = &types.AttributeValueMemberM{Value: Item{"team": ni(1)}}
		}, "tags.team"},
		{"estimated_duration fraction", 0, func(it Item) {
			it["estimated_duration"] = &types.AttributeValueMemberN{Value: "1.5"}
		}, "estimated_duration"},
		{"progress not N", 1, func(it Item) { it["progress"] = s("42") }, "progress"},
		{"status SK time bad", 1, func(it Item) {
			delete(it, "updated_at")
			it[AttrSK] = s("STATUS#soon")
		}, "SK"},
		{"resource job_id differs", 2, func(it Item) { it["job_id"] = s(tJob2) }, "job_id"},
		{"resource gpu_count not N", 2, func(it Item) { it["gpu_count"] = s("1") }, "gpu_count"},
		{"metric value missing", 3, func(it Item) { delete(it, "value") }, "value"},
		{"metric value S", 3, func(it Item) { it["value"] = s("0.4") }, "value"},
		{"metric value bad N", 3, func(it Item) {
			it["value"] = &types.AttributeValueMemberN{Value: "x"}
		}, "value"},
		{"metric name differs", 3, func(it Item) { it["metric_name"] = s("acc") }, "metric_name"},
		{"checkpoint is_best missing", 5, func(it Item) { delete(it, "is_best") }, "is_best"},
		{"checkpoint size_bytes missing", 5, func(it Item) { delete(it, "size_bytes") },
			"size_bytes"},
		{"checkpoint metrics list", 5, func(it Item) {
			it["metrics"] = &types.AttributeValueMemberL{}
		}, "metrics"},
		{"log level unknown", 6, func(it Item) { it["log_level"] = s("TRACE") }, "log_level"},
		{"log message missing", 6, func(it Item) { delete(it, "message") }, "message"},
		{"dependency type missing", 7, func(it Item) { delete(it, "type") }, "type"},
		{"dependency id differs", 7, func(it Item) {
			it["dependency_job_id"] = s(tJob)
		}, "dependency_job_id"},
		{"instance is_spot not BOOL", 8, func(it Item) { it["is_spot"] = s("true") }, "is_spot"},
		{"instance health missing", 8, func(it Item) { delete(it, "health_status") },
			"health_status"},
		{"instance job status missing", 9, func(it Item) { delete(it, "status") }, "status"},
		{"queue max missing", 10, func(it Item) { delete(it, "max_concurrent_jobs") },
			"max_concurrent_jobs"},
		{"queue job position missing", 11, func(it Item) { delete(it, "position") },
			"position"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			item := base(c.i)
			c.edit(item)
			typ := vs[c.i].ItemType()
			err := unmarshalInto(vs[c.i], item)
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("UnmarshalItem = %v, want a *ValidationError", err)
			}
			if ve.Type != typ || ve.Field != c.attr {
				t.Errorf("error %q names %s.%s, want %s.%s", err, ve.Type, ve.Field, typ, c.attr)
			}
		})
	}
}

// unmarshalInto decodes item into a copy of e and checks that a failure
// leaves the copy unchanged.
func unmarshalInto(e Entity, item Item) error {
	p := reflect.New(reflect.TypeOf(e))
	p.Elem().Set(reflect.ValueOf(e))
	err := p.Interface().(ItemUnmarshaler).UnmarshalItem(item)
	if err != nil && !reflect.DeepEqual(p.Elem().Interface(), e) {
		return errors.New("a failed UnmarshalItem changed its receiver")
	}
	return err
}

// TestJobDecodeTolerance checks the variants a reader must accept.
func TestJobDecodeTolerance(t *testing.T) {
	vs := validJobEntities()

	// A job without job_config, description or tags, with an empty map.
	item := mustJobItem(t, vs[0])
	delete(item, "job_config")
	delete(item, "description")
	item["tags"] = &types.AttributeValueMemberM{Value: Item{}}
	j, err := Decode[Job](item)
	if err != nil || j.Config != nil || j.Tags != nil || j.Description != "" {
		t.Errorf("job without optional maps = %+v, %v", j, err)
	}

	// Optionals written as NULL read as absent.
	item = mustJobItem(t, vs[1])
	item["progress"], item["message"], item["instance_id"] = null(), null(), null()
	st, err := Decode[JobStatus](item)
	if err != nil || st.Progress != nil || st.Message != "" || st.InstanceID != "" {
		t.Errorf("status with NULL optionals = %+v, %v", st, err)
	}

	// Timestamps with other offsets and without a fraction read as the same
	// instant, in UTC.
	item = mustJobItem(t, vs[10])
	item["created_at"] = s("2025-02-27T16:03:09.512+02:00")
	qu, err := Decode[Queue](item)
	if err != nil || !qu.CreatedAt.Equal(tT0) || qu.CreatedAt.Location() != time.UTC {
		t.Errorf("queue created_at = %v, %v; want %v in UTC", qu.CreatedAt, err, tT0)
	}

	// A log's time comes from its key; an older key without a fraction
	// reads as that second.
	item = mustJobItem(t, vs[6])
	item[AttrSK] = s("LOG#2025-02-27T14:05:00+00:00")
	lg, err := Decode[JobLog](item)
	want := time.Date(2025, 2, 27, 14, 5, 0, 0, time.UTC)
	if err != nil || !lg.Timestamp.Equal(want) || lg.Key().SK != "LOG#2025-02-27T14:05:00+00:00" {
		t.Errorf("older log = %v, %v (key %v)", lg.Timestamp, err, lg.Key())
	}

	// A key whose time differs from the attribute's (or is finer than a
	// microsecond) still addresses the item: Key gives the stored key.
	item = mustJobItem(t, vs[5])
	item[AttrSK] = s("CHECKPOINT#2025-02-27T14:05:00.123456789Z")
	cp, err := Decode[JobCheckpoint](item)
	if err != nil || cp.Key().SK != "CHECKPOINT#2025-02-27T14:05:00.123456789Z" ||
		!cp.Timestamp.Equal(tT1) {
		t.Errorf("checkpoint = %v, key %v, %v", cp.Timestamp, cp.Key(), err)
	}
	if again := mustJobItem(t, cp); keyAttrs(again)[AttrSK] != keyAttrs(item)[AttrSK] {
		t.Errorf("re-encoded SK %q, want the stored %q", keyAttrs(again)[AttrSK],
			keyAttrs(item)[AttrSK])
	}

	// Numbers with spaces and exponents.
	item = mustJobItem(t, vs[3])
	item["value"] = &types.AttributeValueMemberN{Value: " 4.231E-1 "}
	m, err := Decode[JobMetric](item)
	if err != nil || m.Value != 0.4231 {
		t.Errorf("metric value = %v, %v", m.Value, err)
	}
}

// TestUnmarshalAnyJobTypes checks that UnmarshalAny decodes every job-side
// type by its TYPE into the entity value.
func TestUnmarshalAnyJobTypes(t *testing.T) {
	for _, e := range validJobEntities() {
		got, err := UnmarshalAny(mustJobItem(t, e))
		if err != nil || !reflect.DeepEqual(got, e) {
			t.Errorf("UnmarshalAny(%s) = %#v, %v; want %#v", e.ItemType(), got, err, e)
		}
	}
}
