package receiptdynamo

// This file validates, encodes and decodes the items of compute instances:
// Instance and InstanceJob.

// Instance

// ItemType returns TypeInstance.
func (x Instance) ItemType() string { return TypeInstance }

// Key returns the key of the instance's item.
func (x Instance) Key() Key { return instanceKeys(x.ID, "").Key() }

// Validate checks the instance: a UUID v4 id, an instance type and an
// availability zone, gpu_count >= 0, a launch time, and a known status and
// health (any case). The IP address may be empty (an instance that is still
// pending has none).
func (x Instance) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the instance and returns its item, with status and
// health in lowercase.
func (x Instance) MarshalItem() (Item, error) { return x.encode() }

func (x Instance) encode() (Item, error) {
	c := jobCheck{typ: "Instance"}
	c.uuid(jaInstanceID, x.ID)
	c.nonEmpty(jaInstanceType, x.InstanceType)
	c.atLeast(jaGPUCount, int64(x.GPUCount), 0)
	status := jobEnum(&c, AttrStatus, x.Status, ParseInstanceState)
	c.time(jaLaunchedAt, x.LaunchedAt)
	c.nonEmpty(jaZone, x.AvailabilityZone)
	health := jobEnum(&c, jaHealth, x.HealthStatus, ParseHealth)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 13)
	instanceKeys(x.ID, string(status)).put(item)
	item[jaInstanceType] = s(x.InstanceType)
	item[jaGPUCount] = ni(int64(x.GPUCount))
	item[AttrStatus] = s(string(status))
	item[jaLaunchedAt] = s(FormatTime(x.LaunchedAt))
	item[jaIPAddress] = s(x.IPAddress)
	item[jaZone] = s(x.AvailabilityZone)
	item[jaIsSpot] = b(x.IsSpot)
	item[jaHealth] = s(string(health))
	return item, nil
}

// UnmarshalItem decodes an INSTANCE item. A missing ip_address reads as "".
func (x *Instance) UnmarshalItem(item Item) error {
	d := newDecoder(TypeInstance, item)
	ids := d.keyIDs()
	v := Instance{ID: ids.Name}
	jobSameID(d, jaInstanceID, ids.Name)
	v.InstanceType = d.str(jaInstanceType)
	v.GPUCount = d.int(jaGPUCount)
	v.Status = readJobEnum(d, AttrStatus, true, ParseInstanceState)
	v.LaunchedAt = jobTime(d, jaLaunchedAt, true)
	v.IPAddress = d.optStr(jaIPAddress)
	v.AvailabilityZone = d.str(jaZone)
	v.IsSpot = d.bool(jaIsSpot)
	v.HealthStatus = readJobEnum(d, jaHealth, true, ParseHealth)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}

// InstanceJob

// ItemType returns TypeInstanceJob.
func (x InstanceJob) ItemType() string { return TypeInstanceJob }

// Key returns the key of the assignment's item.
func (x InstanceJob) Key() Key { return instanceJobKeys(x.InstanceID, x.JobID).Key() }

// Validate checks the assignment: UUID v4 instance and job ids, an
// assignment time, a known status (any case) and free-form utilisation.
func (x InstanceJob) Validate() error {
	_, err := x.encode()
	return err
}

// MarshalItem validates the assignment and returns its item.
func (x InstanceJob) MarshalItem() (Item, error) { return x.encode() }

func (x InstanceJob) encode() (Item, error) {
	c := jobCheck{typ: "InstanceJob"}
	c.uuid(jaInstanceID, x.InstanceID)
	c.uuid(jaJobID, x.JobID)
	c.time(jaAssignedAt, x.AssignedAt)
	status := jobEnum(&c, AttrStatus, x.Status, ParseAssignmentState)
	util := c.freeform(jaUtilization, x.ResourceUtilization)
	if c.err != nil {
		return nil, c.err
	}

	item := make(Item, 9)
	instanceJobKeys(x.InstanceID, x.JobID).put(item)
	item[jaAssignedAt] = s(FormatTime(x.AssignedAt))
	item[AttrStatus] = s(string(status))
	if util != nil {
		item[jaUtilization] = util
	}
	return item, nil
}

// UnmarshalItem decodes an INSTANCE_JOB item.
func (x *InstanceJob) UnmarshalItem(item Item) error {
	d := newDecoder(TypeInstanceJob, item)
	ids := d.keyIDs()
	v := InstanceJob{InstanceID: ids.Name, JobID: ids.Other}
	jobSameID(d, jaInstanceID, ids.Name)
	jobSameID(d, jaJobID, ids.Other)
	v.AssignedAt = jobTime(d, jaAssignedAt, true)
	v.Status = readJobEnum(d, AttrStatus, true, ParseAssignmentState)
	v.ResourceUtilization = readFreeform(d, jaUtilization)
	if d.err != nil {
		return d.err
	}
	*x = v
	return nil
}
