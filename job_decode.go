package receiptdynamo

// init registers the job-side types with UnmarshalAny, from the job side's
// own file so that decode.go need not change with them.
func init() {
	for typ, decode := range map[string]func(Item) (Entity, error){
		TypeJob:           decodeEntity[Job],
		TypeJobStatus:     decodeEntity[JobStatus],
		TypeJobResource:   decodeEntity[JobResource],
		TypeJobMetric:     decodeEntity[JobMetric],
		TypeJobCheckpoint: decodeEntity[JobCheckpoint],
		TypeJobLog:        decodeEntity[JobLog],
		TypeJobDependency: decodeEntity[JobDependency],
		TypeInstance:      decodeEntity[Instance],
		TypeInstanceJob:   decodeEntity[InstanceJob],
		TypeQueue:         decodeEntity[Queue],
		TypeQueueJob:      decodeEntity[QueueJob],
	} {
		decoders[typ] = decode
	}
}
