package receiptdynamo

// This file validates, encodes and decodes the items of job queues: Queue
// and QueueJob.

const jaQueueName = "queue_name"

// Queue

// ItemType returns TypeQueue.
func (x Queue) ItemType() string { return TypeQueue }

// Key returns the key of the queue's item.
func (x Queue) Key() Key { return queueKeys(x.Name).Key() }

// Validate checks the queue: a name, a creation time, max_concurrent_jobs
// >= 1, a known priority (any case) and job_count >= 0.
func (x Queue) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the queue and returns its item, with the priority
// in lowercase.
func (x Queue) MarshalItem() (Item, error) { return x.encode() }

func (x Queue) encode() (Item, error) {
	c := jobCheck{typ: "Queue"}
	c.nonEmpty(jaQueueName, x.Name)
	c.time(jaCreatedAt, x.CreatedAt)
	c.atLeast(jaMaxConcurrent, int64(x.MaxConcurrentJobs), 1)
	priority := jobEnum(&c, jaPriority, x.Priority, ParsePriority)
	c.atLeast(AttrJobCount, int64(x.JobCount), 0)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 10)
	queueKeys(x.Name).put(item)
	item[jaDescription] = s(x.Description)
	item[jaCreatedAt] = s(FormatTime(x.CreatedAt))
	item[jaMaxConcurrent] = ni(int64(x.MaxConcurrentJobs))
	item[jaPriority] = s(string(priority))
	item[AttrJobCount] = ni(int64(x.JobCount))
	return item, nil
}

// UnmarshalItem decodes a QUEUE item. A missing job_count reads as 0.
func (x *Queue) UnmarshalItem(item Item) error {
	d := newDecoder(TypeQueue, item)
	ids := d.keyIDs()
	v := Queue{Name: ids.Name}
	jobSameID(d, jaQueueName, ids.Name)
	v.Description = d.optStr(jaDescription)
	v.CreatedAt = jobTime(d, jaCreatedAt, true)
	v.MaxConcurrentJobs = d.int(jaMaxConcurrent)
	v.Priority = readJobEnum(d, jaPriority, true, ParsePriority)
	if n, ok := d.optInt(AttrJobCount); ok {
		v.JobCount = int(n)
	}
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}

// QueueJob

// ItemType returns TypeQueueJob.
func (x QueueJob) ItemType() string { return TypeQueueJob }

// Key returns the key of the queued job's item.
func (x QueueJob) Key() Key { return queueJobKeys(x.QueueName, x.JobID).Key() }

// Validate checks the queued job: a queue name, a UUID v4 job id, an
// enqueue time, a known priority (any case) and position >= 0.
func (x QueueJob) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the queued job and returns its item.
func (x QueueJob) MarshalItem() (Item, error) { return x.encode() }

func (x QueueJob) encode() (Item, error) {
	c := jobCheck{typ: "QueueJob"}
	c.nonEmpty(jaQueueName, x.QueueName)
	c.uuid(jaJobID, x.JobID)
	c.time(jaEnqueuedAt, x.EnqueuedAt)
	priority := jobEnum(&c, jaPriority, x.Priority, ParsePriority)
	c.atLeast(jaPosition, int64(x.Position), 0)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 9)
	queueJobKeys(x.QueueName, x.JobID).put(item)
	item[jaEnqueuedAt] = s(FormatTime(x.EnqueuedAt))
	item[jaPriority] = s(string(priority))
	item[jaPosition] = ni(int64(x.Position))
	return item, nil
}

// UnmarshalItem decodes a QUEUE_JOB item.
func (x *QueueJob) UnmarshalItem(item Item) error {
	d := newDecoder(TypeQueueJob, item)
	ids := d.keyIDs()
	v := QueueJob{QueueName: ids.Name, JobID: ids.Other}
	jobSameID(d, jaQueueName, ids.Name)
	jobSameID(d, jaJobID, ids.Other)
	v.EnqueuedAt = jobTime(d, jaEnqueuedAt, true)
	v.Priority = readJobEnum(d, jaPriority, true, ParsePriority)
	v.Position = d.int(jaPosition)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}
