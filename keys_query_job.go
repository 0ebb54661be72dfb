package receiptdynamo

import "time"

// This file spells the keys that the job side of the client reads by: the
// primary keys of single items, given their ids, and the partitions and
// sort-key conditions of its queries. Two rules keep a query to one item
// type:
//
//   - A prefix that selects the children of a partition ends with the
//     separator or with a label that only one type uses (STATUS#, METRIC#…),
//     so that the job item itself (SK "JOB") never matches.
//   - Index partitions shared by several types (STATUS#<s> holds jobs, status
//     entries and instances; JOB holds instance and queue links) are always
//     read with the prefix of one type: CREATED#, UPDATED#, INSTANCE#,
//     JOB#<j>#QUEUE#, JOB#<j>#INSTANCE#. Queries should still set
//     Query.Type.
//
// Timestamps in keys are FormatTime text. The older writer wrote times with
// whole seconds without a fraction ("…T14:05:00+00:00"), which sorts just
// before our form of the same instant ("…T14:05:00.000000+00:00"); the time
// bounds below are chosen so that both forms fall inside a range.

// JobKey returns the primary key of the job.
func JobKey(jobID string) Key { return jobKeys(jobID, "", "", "").Key() }

// JobStatusKey returns the primary key of the job's status entry at t. Like
// the other keys built from a time, it holds FormatTime(t): an item of the
// older writer is addressed by the Key method of the entity decoded from it.
func JobStatusKey(jobID string, t time.Time) Key {
	return jobStatusKeys(jobID, "", FormatTime(t)).Key()
}

// JobResourceKey returns the primary key of a resource of the job.
func JobResourceKey(jobID, resourceID string) Key {
	return jobResourceKeys(jobID, resourceID).Key()
}

// JobMetricKey returns the primary key of the job's measurement of the
// metric at t.
func JobMetricKey(jobID, name string, t time.Time) Key {
	return jobMetricKeys(jobID, name, FormatTime(t)).Key()
}

// JobCheckpointKey returns the primary key of the job's checkpoint at t.
func JobCheckpointKey(jobID string, t time.Time) Key {
	return jobCheckpointKeys(jobID, FormatTime(t)).Key()
}

// JobLogKey returns the primary key of the job's log entry at t.
func JobLogKey(jobID string, t time.Time) Key {
	return jobLogKeys(jobID, FormatTime(t)).Key()
}

// JobDependencyKey returns the primary key of the dependency of job
// dependentID on job dependencyID.
func JobDependencyKey(dependentID, dependencyID string) Key {
	return jobDependencyKeys(dependentID, dependencyID).Key()
}

// InstanceKey returns the primary key of the instance.
func InstanceKey(instanceID string) Key { return instanceKeys(instanceID, "").Key() }

// InstanceJobKey returns the primary key of the assignment of a job to an
// instance.
func InstanceJobKey(instanceID, jobID string) Key {
	return instanceJobKeys(instanceID, jobID).Key()
}

// QueueKey returns the primary key of the queue.
func QueueKey(name string) Key { return queueKeys(name).Key() }

// QueueJobKey returns the primary key of a job's entry in a queue.
func QueueJobKey(queue, jobID string) Key { return queueJobKeys(queue, jobID).Key() }

// Sort key conditions.

func beginsWith(prefix string) KeyCondition {
	return KeyCondition{Op: SKBeginsWith, Value: prefix}
}

// keyTimeFloor returns the least key text of the instant t in either
// stored form: the older writer's whole-second form when t has no
// microseconds, FormatTime(t) otherwise.
func keyTimeFloor(t time.Time) string {
	if t.UTC().Nanosecond()/1000 == 0 {
		return t.UTC().Format("2006-01-02T15:04:05+00:00")
	}
	return FormatTime(t)
}

// timeBetween selects the sort keys prefix+ts with from <= ts <= to, in
// either stored form of the timestamps.
func timeBetween(prefix string, from, to time.Time) KeyCondition {
	return KeyCondition{Op: SKBetween, Value: prefix + keyTimeFloor(from),
		Value2: prefix + FormatTime(to)}
}

// Under a job (PK = JOB#j).

// jobStatusPrefix selects the job's status entries, oldest first.
func jobStatusPrefix() KeyCondition { return beginsWith(pfxStatus) }

// jobResourcesPrefix selects the job's resources.
func jobResourcesPrefix() KeyCondition { return beginsWith(pfxResource) }

// jobMetricsPrefix selects the job's measurements of every metric, by name
// then time.
func jobMetricsPrefix() KeyCondition { return beginsWith(pfxMetric) }

// jobMetricPrefix selects the job's measurements of one metric, oldest
// first. Names written by this package hold no "#", so METRIC#loss# never
// matches another metric's items.
func jobMetricPrefix(name string) KeyCondition { return beginsWith(metricSKPrefix(name)) }

// jobMetricBetween selects the job's measurements of one metric from from
// to to, inclusive.
func jobMetricBetween(name string, from, to time.Time) KeyCondition {
	return timeBetween(metricSKPrefix(name), from, to)
}

func metricSKPrefix(name string) string { return pfxMetric + name + sep }

// jobCheckpointsPrefix selects the job's checkpoints, oldest first.
func jobCheckpointsPrefix() KeyCondition { return beginsWith(pfxCheckpoint) }

// jobLogsPrefix selects the job's log entries, oldest first.
func jobLogsPrefix() KeyCondition { return beginsWith(pfxLog) }

// jobLogsBetween selects the job's log entries from from to to, inclusive.
func jobLogsBetween(from, to time.Time) KeyCondition {
	return timeBetween(pfxLog, from, to)
}

// jobDependenciesPrefix selects the dependencies the job has (the jobs it
// waits for).
func jobDependenciesPrefix() KeyCondition { return beginsWith(pfxDependsOn) }

// Index GSI1 by status (GSI1PK = STATUS#s), shared by jobs, status entries
// and instances.

// statusGSI1PK returns the GSI1 partition of a job, status entry or
// instance state: STATUS#running.
func statusGSI1PK[S ~string](st S) string { return pfxStatus + string(st) }

// jobCreatedPrefix selects the jobs of a status (GSI1) or of a user (GSI2),
// oldest first.
func jobCreatedPrefix() KeyCondition { return beginsWith(pfxCreated) }

// jobCreatedUpTo selects the jobs of a status or user whose index sort key
// is at most sk, a GSI1SK or GSI2SK of a job (CREATED#ts); read in reverse,
// it resumes a newest-first list at sk.
func jobCreatedUpTo(sk string) KeyCondition {
	return KeyCondition{Op: SKBetween, Value: pfxCreated, Value2: sk}
}

// jobCreatedBetween selects the jobs of a status or user created from from
// to to, inclusive.
func jobCreatedBetween(from, to time.Time) KeyCondition {
	return timeBetween(pfxCreated, from, to)
}

// statusUpdatedPrefix selects the status entries (of every job) that
// reached a status, oldest first.
func statusUpdatedPrefix() KeyCondition { return beginsWith(pfxUpdated) }

// instanceStatusPrefix selects the instances of a status.
func instanceStatusPrefix() KeyCondition { return beginsWith(pfxInstance) }

// Index GSI2 by user (GSI2PK = USER#u).

// userGSI2PK returns the GSI2 partition of the jobs created by user.
func userGSI2PK(user string) string { return pfxUser + user }

// Metrics across jobs: GSI1 and GSI2 share the partition METRIC#name.

// metricIndexPK returns the GSI1 and GSI2 partition of a metric's
// measurements. GSI1 sorts them by time across jobs, GSI2 by job then time.
func metricIndexPK(name string) string { return pfxMetric + name }

// metricTimeBetween selects, in GSI1, a metric's measurements of every job
// from from to to, inclusive.
func metricTimeBetween(from, to time.Time) KeyCondition { return timeBetween("", from, to) }

// metricJobPrefix selects, in GSI2, a metric's measurements of one job.
func metricJobPrefix(jobID string) KeyCondition { return beginsWith(jobPK(jobID) + sep) }

// Fixed index partitions of GSI1.

// resourceIndexPK is the GSI1 partition of every job resource.
func resourceIndexPK() string { return gsiResource }

// resourceIndexSK selects, in resourceIndexPK, the resource with the id.
func resourceIndexSK(resourceID string) KeyCondition {
	return KeyCondition{Op: SKEq, Value: pfxResource + resourceID}
}

// checkpointIndexPK is the GSI1 partition of every checkpoint, by job then
// time.
func checkpointIndexPK() string { return gsiCheckpoint }

// logIndexPK is the GSI1 partition of every log entry, by job then time.
func logIndexPK() string { return gsiLog }

// jobIndexPrefix selects, in checkpointIndexPK or logIndexPK, the items of
// one job.
func jobIndexPrefix(jobID string) KeyCondition { return beginsWith(jobPK(jobID) + sep) }

// dependencyIndexPK is the GSI1 and GSI2 partition of every dependency.
func dependencyIndexPK() string { return gsiDependency }

// dependenciesOfPrefix selects, in GSI1, the dependencies job a has.
func dependenciesOfPrefix(a string) KeyCondition {
	return beginsWith(pfxDependent + a + sep + "DEPENDENCY" + sep)
}

// dependentsOfPrefix selects, in GSI2, the dependencies on job b: the jobs
// that wait for it.
func dependentsOfPrefix(b string) KeyCondition {
	return beginsWith(pfxDependedBy + b + sep + pfxDependent)
}

// queueIndexPK is the GSI1 partition of every queue, by name.
func queueIndexPK() string { return gsiQueue }

// queuesPrefix selects the queues in queueIndexPK.
func queuesPrefix() KeyCondition { return beginsWith(pfxQueue) }

// linkIndexPK is the GSI1 partition of instance-job and queue-job links,
// by job.
func linkIndexPK() string { return gsiJob }

// jobQueuesPrefix selects, in linkIndexPK, the queue entries of a job.
func jobQueuesPrefix(jobID string) KeyCondition {
	return beginsWith(jobPK(jobID) + sep + pfxQueue)
}

// jobInstancesPrefix selects, in linkIndexPK, the instance assignments of
// a job.
func jobInstancesPrefix(jobID string) KeyCondition {
	return beginsWith(jobPK(jobID) + sep + pfxInstance)
}

// Under an instance (PK = INSTANCE#n) or a queue (PK = QUEUE#q).

// instanceJobsPrefix selects the jobs assigned to an instance.
func instanceJobsPrefix() KeyCondition { return beginsWith(pfxJob) }

// queueJobsPrefix selects the jobs of a queue, by job id.
func queueJobsPrefix() KeyCondition { return beginsWith(pfxJob) }
