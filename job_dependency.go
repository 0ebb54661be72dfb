package receiptdynamo

// DependencyOutcome is what the state of the job depended on means for a
// dependency.
type DependencyOutcome int

// The outcomes of a dependency.
const (
	// DependencyWaiting: the other job has not reached a state that decides
	// the dependency (pending, running, interrupted).
	DependencyWaiting DependencyOutcome = iota
	// DependencyMet: the dependent job may start.
	DependencyMet
	// DependencyBroken: the other job finished in a way that can never meet
	// the dependency, such as a failure for a SUCCESS dependency.
	DependencyBroken
)

// String returns "waiting", "met" or "broken".
func (o DependencyOutcome) String() string {
	switch o {
	case DependencyWaiting:
		return "waiting"
	case DependencyMet:
		return "met"
	case DependencyBroken:
		return "broken"
	}
	return "DependencyOutcome(" + idString(int(o)) + ")"
}

// EvaluateDependency tells what the state other of the job depended on
// means for a dependency of type typ. Both are read in any case; an unknown
// type or state is a *ValidationError. The rules are those of
// item-format.md:
//
//   - COMPLETION is met once the other job succeeded, failed or was
//     cancelled.
//   - SUCCESS is met when it succeeded, and broken when it failed or was
//     cancelled.
//   - FAILURE is met when it failed, and broken when it succeeded or was
//     cancelled.
//   - ARTIFACT waits for something the other job produces (a model, a
//     checkpoint), which only a successful job is trusted to have produced:
//     it is met when the other job succeeded and broken when it failed or
//     was cancelled, like SUCCESS. Whether the artifact itself exists is
//     for the caller to check; the item format does not record it.
//
// An interrupted job may be resumed, so it leaves every dependency waiting.
func EvaluateDependency(typ DependencyType, other JobState) (DependencyOutcome, error) {
	t, err := ParseDependencyType(string(typ))
	if err != nil {
		return DependencyWaiting, err
	}
	st, err := ParseJobState(string(other))
	if err != nil {
		return DependencyWaiting, err
	}
	if !st.Terminal() {
		return DependencyWaiting, nil
	}
	var met bool
	switch t {
	case DependsOnCompletion:
		met = true
	case DependsOnSuccess, DependsOnArtifact:
		met = st == JobSucceeded
	case DependsOnFailure:
		met = st == JobFailed
	}
	if met {
		return DependencyMet, nil
	}
	return DependencyBroken, nil
}

// DependencyMetBy reports whether a dependency of type typ is met when the
// job depended on is in state other (see EvaluateDependency). An unknown
// type or state is never met.
func DependencyMetBy(typ DependencyType, other JobState) bool {
	o, err := EvaluateDependency(typ, other)
	return err == nil && o == DependencyMet
}

// Evaluate tells what the state other of the job d waits for means for d;
// see EvaluateDependency.
func (d JobDependency) Evaluate(other JobState) (DependencyOutcome, error) {
	return EvaluateDependency(d.Type, other)
}
