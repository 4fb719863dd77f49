package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/failoverkit/failoverkit/spec"
)

// vcavLifecycleOp is one VM replication lifecycle request: its operationId,
// method, the path after /vm-replications/{id} and its body ("" none).
type vcavLifecycleOp struct{ op, method, suffix, body string }

// The lifecycle operations the cases send (bodies: the vendor's minimal
// valid ones).
var (
	vcavOpTestFailover = vcavLifecycleOp{"testFailoverVmReplication", http.MethodPost, "/failover-test", `{"type":"vcloud","powerOn":false}`}
	vcavOpTestCleanup  = vcavLifecycleOp{"cleanupTestFailoverVmReplication", http.MethodDelete, "/failover-test", ""}
	vcavOpMigrate      = vcavLifecycleOp{"migrateVmReplication", http.MethodPost, "/migrate", `{"type":"vcloud","powerOn":false}`}
	vcavOpReverse      = vcavLifecycleOp{"reverseVmReplication", http.MethodPost, "/reverse", ""}
	vcavOpSync         = vcavLifecycleOp{"syncVmReplication", http.MethodPost, "/sync", ""}
	vcavOpPause        = vcavLifecycleOp{"pauseVmReplication", http.MethodPost, "/pause", ""}
	vcavOpResume       = vcavLifecycleOp{"resumeVmReplication", http.MethodPost, "/resume", ""}
	vcavOpDelete       = vcavLifecycleOp{"deleteVmReplication", http.MethodDelete, "", ""}
)

// request is o on replication id with token.
func (o vcavLifecycleOp) request(token, id string) request {
	req := request{op: o.op, method: o.method, path: "/vm-replications/" + url.PathEscape(id) + o.suffix, header: vcavHeader(token)}
	if o.body != "" {
		req.body = []byte(o.body)
	}
	return req
}

// vcavLifecycleCases are the cases of the VM replication lifecycle. Each one
// that changes a replication is destructive: against a real system it needs
// --allow-destructive and a named replication in the state it starts from.
func vcavLifecycleCases() []Case {
	ops := []vcavLifecycleOp{vcavOpTestFailover, vcavOpTestCleanup, vcavOpMigrate, vcavOpReverse, vcavOpSync, vcavOpPause, vcavOpResume, vcavOpDelete}
	var cs []Case
	for _, o := range ops {
		cs = append(cs, Case{Name: "vcav." + o.op + ".unknown-replication", Operation: o.op, Kind: KindNegative,
			Summary: "the operation on a replication that does not exist answers 404 VmReplicationNotFound",
			run: func(ctx context.Context, r *caseRun) error {
				token, err := r.vcavLogin(ctx)
				if err != nil {
					return err
				}
				_, err = r.call(ctx, o.request(token, missingReplication), http.StatusNotFound, "VmReplicationNotFound")
				return err
			}})
	}
	cs = append(cs,
		vcavLifecycleSucceeds(vcavOpTestFailover, stateNotStarted, stateTest, "a test failover of a NOT_STARTED replication"),
		vcavLifecycleSucceeds(vcavOpTestCleanup, stateTest, stateNotStarted, "a test cleanup of a replication in TEST"),
		vcavLifecycleSucceeds(vcavOpMigrate, stateNotStarted, stateComplete, "a planned migration of a NOT_STARTED replication"),
		vcavLifecycleSucceeds(vcavOpReverse, stateComplete, stateNotStarted, "a reverse of a COMPLETE replication"),
		vcavLifecycleSucceeds(vcavOpSync, stateNotStarted, stateNotStarted, "a sync of a NOT_STARTED replication"),
		vcavLifecycleRefused(vcavOpTestFailover, stateTest, "a second test failover"),
		vcavLifecycleRefused(vcavOpTestCleanup, stateNotStarted, "a test cleanup without a test image"),
		vcavLifecycleRefused(vcavOpReverse, stateNotStarted, "a reverse before any failover"),
		Case{Name: "vcav.pause-resume.succeeds", Operation: vcavOpPause.op, Kind: KindStateful, Destructive: true, run: vcavPauseResume,
			Summary: "pause then resume of a NOT_STARTED replication each answer 202 with a task that ends SUCCEEDED; isPaused reads back true, then false"},
	)
	for i := range cs {
		cs[i].API = spec.VCAV
	}
	return cs
}

// vcavLifecycleSucceeds is the happy path of o on a replication in from:
// 202, the task polled to SUCCEEDED, the replication read back in to.
func vcavLifecycleSucceeds(o vcavLifecycleOp, from, to, what string) Case {
	return Case{Name: "vcav." + o.op + ".succeeds", Operation: o.op, Kind: KindStateful, Destructive: true,
		Summary: what + " answers 202 with a task that ends SUCCEEDED, and the replication reads back " + to,
		run: func(ctx context.Context, r *caseRun) error {
			token, err := r.vcavLogin(ctx)
			if err != nil {
				return err
			}
			id, err := r.vcavReplicationIn(ctx, token, from)
			if err != nil {
				return err
			}
			if err := r.vcavRunToSuccess(ctx, token, o, id); err != nil {
				return err
			}
			if o == vcavOpTestFailover {
				// Leave no test image behind on a real system.
				r.deferCleanup(func(ctx context.Context) { _, _ = r.api.send(ctx, vcavOpTestCleanup.request(token, id)) })
			}
			return r.vcavExpectState(ctx, token, id, to)
		}}
}

// vcavLifecycleRefused: o on a replication in state is refused with 400
// InvalidRecoveryState (failoverkit choice: a real appliance may refuse
// with another code or a FAILED task, a note) and leaves it there.
func vcavLifecycleRefused(o vcavLifecycleOp, state, what string) Case {
	return Case{Name: fmt.Sprintf("vcav.%s.refused-in-%s", o.op, state), Operation: o.op, Kind: KindStateful, Destructive: true,
		Summary: what + " (replication in " + state + ") answers 400 InvalidRecoveryState and leaves it in " + state,
		run: func(ctx context.Context, r *caseRun) error {
			token, err := r.vcavLogin(ctx)
			if err != nil {
				return err
			}
			id, err := r.vcavReplicationIn(ctx, token, state)
			if err != nil {
				return err
			}
			if err := r.stateRefusal(ctx, token, o.request(token, id)); err != nil {
				return err
			}
			return r.vcavExpectState(ctx, token, id, state)
		}}
}

// vcavRunToSuccess sends o on id, requires 202 and polls the task to
// SUCCEEDED.
func (r *caseRun) vcavRunToSuccess(ctx context.Context, token string, o vcavLifecycleOp, id string) error {
	accepted, err := r.call(ctx, o.request(token, id), http.StatusAccepted, "")
	if err != nil {
		return err
	}
	taskID, _ := lookupString(accepted.doc, "id")
	final, err := r.pollVCAVTask(ctx, token, taskID)
	if err != nil {
		return err
	}
	return r.expectString(final, "state", "SUCCEEDED")
}

// vcavPauseResume pauses then resumes a NOT_STARTED replication and reads
// isPaused back after each.
func vcavPauseResume(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	id, err := r.vcavReplicationIn(ctx, token, stateNotStarted)
	if err != nil {
		return err
	}
	for _, step := range []struct {
		o    vcavLifecycleOp
		want bool
	}{{vcavOpPause, true}, {vcavOpResume, false}} {
		if err := r.vcavRunToSuccess(ctx, token, step.o, id); err != nil {
			return err
		}
		back, err := r.call(ctx, vcavGetReplication(token, id), http.StatusOK, "")
		if err != nil {
			return err
		}
		if got, _ := lookup(back.doc, "isPaused"); got != step.want {
			return r.finding(back, InState, "isPaused", fmt.Sprintf("is %v after %s, want %v", got, step.o.op, step.want), nil)
		}
	}
	return nil
}
