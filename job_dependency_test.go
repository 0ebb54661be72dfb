package receiptdynamo

import (
	"errors"
	"testing"
)

func TestEvaluateDependency(t *testing.T) {
	W, M, B := DependencyWaiting, DependencyMet, DependencyBroken
	// Rows: dependency type; columns: the other job's state, in the order
	// pending, running, interrupted, succeeded, failed, cancelled.
	states := []JobState{JobPending, JobRunning, JobInterrupted, JobSucceeded, JobFailed,
		JobCancelled}
	table := map[DependencyType][6]DependencyOutcome{
		DependsOnCompletion: {W, W, W, M, M, M},
		DependsOnSuccess:    {W, W, W, M, B, B},
		DependsOnFailure:    {W, W, W, B, M, B},
		DependsOnArtifact:   {W, W, W, M, B, B},
	}
	for typ, row := range table {
		for i, st := range states {
			got, err := EvaluateDependency(typ, st)
			if err != nil || got != row[i] {
				t.Errorf("EvaluateDependency(%s, %s) = %v, %v; want %v", typ, st, got, err, row[i])
			}
			if met := DependencyMetBy(typ, st); met != (row[i] == M) {
				t.Errorf("DependencyMetBy(%s, %s) = %v", typ, st, met)
			}
			d := JobDependency{DependentJobID: tJob, DependencyJobID: tJob2, Type: typ}
			if got, _ := d.Evaluate(st); got != row[i] {
				t.Errorf("JobDependency.Evaluate(%s) with %s = %v", st, typ, got)
			}
		}
	}
}

func TestEvaluateDependencyAnyCaseAndErrors(t *testing.T) {
	if got, err := EvaluateDependency("success", "SUCCEEDED"); err != nil || got != DependencyMet {
		t.Errorf("lower-case type, upper-case state = %v, %v", got, err)
	}
	for _, c := range []struct {
		typ DependencyType
		st  JobState
	}{{"START", JobSucceeded}, {DependsOnSuccess, "done"}, {"", ""}} {
		_, err := EvaluateDependency(c.typ, c.st)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("EvaluateDependency(%q, %q) = %v, want ErrInvalid", c.typ, c.st, err)
		}
		if DependencyMetBy(c.typ, c.st) {
			t.Errorf("DependencyMetBy(%q, %q) = true", c.typ, c.st)
		}
	}
	if s := DependencyBroken.String(); s != "broken" {
		t.Errorf("String() = %q", s)
	}
}
