package receiptdynamo

import (
	"strconv"
	"strings"
)

// This file parses the enumerations of the job side. Input is accepted in
// any case; the parsed value is the constant, in the case that is stored.

// JobStates lists the states of a job.
var JobStates = []JobState{
	JobPending, JobRunning, JobSucceeded, JobFailed, JobCancelled, JobInterrupted,
}

// Priorities lists the priorities, lowest first.
var Priorities = []Priority{PriorityLow, PriorityMedium, PriorityHigh, PriorityCritical}

// ResourceTypes lists the kinds of job resources.
var ResourceTypes = []ResourceType{
	ResourceCPU, ResourceGPU, ResourceMemory, ResourceStorage, ResourceNetwork,
	ResourceCombined,
}

// ResourceStates lists the states of a job resource.
var ResourceStates = []ResourceState{
	ResourceAllocated, ResourceReleased, ResourceFailed, ResourcePending,
}

// LogLevels lists the log levels, least severe first.
var LogLevels = []LogLevel{LogDebug, LogInfo, LogWarning, LogError, LogCritical}

// DependencyTypes lists the kinds of job dependencies.
var DependencyTypes = []DependencyType{
	DependsOnCompletion, DependsOnSuccess, DependsOnFailure, DependsOnArtifact,
}

// InstanceStates lists the states of an instance.
var InstanceStates = []InstanceState{
	InstancePending, InstanceRunning, InstanceStopped, InstanceTerminated,
}

// HealthStates lists the health states of an instance.
var HealthStates = []Health{HealthHealthy, HealthUnhealthy, HealthUnknown}

// AssignmentStates lists the states of a job on an instance.
var AssignmentStates = []AssignmentState{
	AssignmentAssigned, AssignmentRunning, AssignmentCompleted, AssignmentFailed,
	AssignmentCancelled,
}

// parseJobEnum returns the member of all that equals v in any case. The
// error is a *ValidationError of the enumeration typ listing the members.
func parseJobEnum[T ~string](typ, v string, all []T) (T, error) {
	for _, m := range all {
		if strings.EqualFold(string(m), v) {
			return m, nil
		}
	}
	names := make([]string, len(all))
	for i, m := range all {
		names[i] = string(m)
	}
	return "", Invalid(typ, "", "must be one of "+strings.Join(names, ", "), strconv.Quote(v))
}

// ParseJobState returns the job state v names, in any case: "RUNNING" gives
// JobRunning. Any other text is a *ValidationError listing the states.
func ParseJobState(v string) (JobState, error) {
	return parseJobEnum("JobState", v, JobStates)
}

// ParsePriority returns the priority v names, in any case.
func ParsePriority(v string) (Priority, error) {
	return parseJobEnum("Priority", v, Priorities)
}

// ParseResourceType returns the resource type v names, in any case.
func ParseResourceType(v string) (ResourceType, error) {
	return parseJobEnum("ResourceType", v, ResourceTypes)
}

// ParseResourceState returns the resource state v names, in any case.
func ParseResourceState(v string) (ResourceState, error) {
	return parseJobEnum("ResourceState", v, ResourceStates)
}

// ParseLogLevel returns the log level v names, in any case: "warning" gives
// LogWarning.
func ParseLogLevel(v string) (LogLevel, error) {
	return parseJobEnum("LogLevel", v, LogLevels)
}

// ParseDependencyType returns the dependency type v names, in any case.
func ParseDependencyType(v string) (DependencyType, error) {
	return parseJobEnum("DependencyType", v, DependencyTypes)
}

// ParseInstanceState returns the instance state v names, in any case.
func ParseInstanceState(v string) (InstanceState, error) {
	return parseJobEnum("InstanceState", v, InstanceStates)
}

// ParseHealth returns the health state v names, in any case.
func ParseHealth(v string) (Health, error) {
	return parseJobEnum("Health", v, HealthStates)
}

// ParseAssignmentState returns the assignment state v names, in any case.
func ParseAssignmentState(v string) (AssignmentState, error) {
	return parseJobEnum("AssignmentState", v, AssignmentStates)
}

// Terminal reports whether a job in state s has finished for good:
// succeeded, failed or cancelled (in any case). An interrupted job may be
// resumed, so it is not terminal.
func (s JobState) Terminal() bool {
	p, err := ParseJobState(string(s))
	return err == nil && (p == JobSucceeded || p == JobFailed || p == JobCancelled)
}

// Rank returns the order of p among the priorities: 0 for low up to 3 for
// critical, in any case, and -1 for text that is no priority.
func (p Priority) Rank() int {
	for i, m := range Priorities {
		if strings.EqualFold(string(m), string(p)) {
			return i
		}
	}
	return -1
}
