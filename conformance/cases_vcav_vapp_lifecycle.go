package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// vappFinder finds the vApp replication a case starts from.
type vappFinder func(ctx context.Context, r *caseRun, token string) (string, error)

// vappInState finds a vApp replication with every VM in state.
func vappInState(state string) vappFinder {
	return func(ctx context.Context, r *caseRun, token string) (string, error) {
		return r.vappIn(ctx, token, state)
	}
}

// loginForVapp logs in to VCAV and finds the vApp replication a case acts
// on with find.
func (r *caseRun) loginForVapp(ctx context.Context, find vappFinder) (token, id string, err error) {
	if token, err = r.vcavLogin(ctx); err != nil {
		return "", "", err
	}
	id, err = find(ctx, r, token)
	return token, id, err
}

// vappTest finds (or, on a real system, makes) a vApp replication in TEST.
func vappTest(ctx context.Context, r *caseRun, token string) (string, error) {
	return r.vappInTest(ctx, token)
}

// vcavVappLifecycleCases are the vApp replication lifecycle cases, each
// destructive: against a real system they need --allow-destructive and a
// vApp replication named with --vcav-vapp-replication (deleting one also
// needs --allow-delete). Ordered so that one named NOT_STARTED vApp goes
// through them all and ends as it started: refusals, the drill (test
// failover, cleanup), sync, pause and resume, then the failback runbook
// (failover, reverse, planned migration back, reverse).
func vcavVappLifecycleCases() []Case {
	back := vappSucceeds(vappOpReverse, stateComplete, stateNotStarted, vappInState(stateComplete), "a reverse of a vApp after its planned migration back (the failback's last step)")
	back.Name = "vcav.reverseVappReplication.after-migration"
	return []Case{
		vappRefused(vappOpTestCleanup, stateNotStarted, vappInState(stateNotStarted), "a test cleanup of a vApp without a test image"),
		vappRefused(vappOpReverse, stateNotStarted, vappInState(stateNotStarted), "a reverse of a vApp before any failover"),
		vappSucceeds(vappOpTestFailover, stateNotStarted, stateTest, vappInState(stateNotStarted), "a test failover of a vApp whose VMs are NOT_STARTED"),
		vappRefused(vappOpTestFailover, stateTest, vappTest, "a second test failover of a vApp"),
		vappRefused(vappOpFailover, stateTest, vappTest, "a failover of a vApp with a test image"),
		vappSucceeds(vappOpTestCleanup, stateTest, stateNotStarted, vappTest, "a test cleanup of a vApp whose VMs are in TEST"),
		{Name: "vcav.syncVappReplication.succeeds", Operation: vappOpSync.op, Kind: KindStateful, Destructive: true, run: vappSyncSucceeds,
			Summary: "a sync of a vApp whose VMs are NOT_STARTED answers 202 with a task that ends SUCCEEDED; every VM stays NOT_STARTED with a new latest instance"},
		{Name: "vcav.vapp-pause-resume.succeeds", Operation: vappOpPause.op, Kind: KindStateful, Destructive: true, run: vappPauseResume,
			Summary: "pause then resume of a NOT_STARTED vApp each end SUCCEEDED with every VM's isPaused read back true, then false; a sync while paused answers 400 ReplicationPaused"},
		vappSucceeds(vappOpFailover, stateNotStarted, stateComplete, vappInState(stateNotStarted), "a failover of a vApp whose VMs are NOT_STARTED"),
		vappRefused(vappOpFailover, stateComplete, vappInState(stateComplete), "a failover of a vApp already failed over"),
		vappRefused(vappOpMigrate, stateComplete, vappInState(stateComplete), "a planned migration of a vApp already failed over"),
		vappRefused(vappOpSync, stateComplete, vappInState(stateComplete), "a sync of a vApp already failed over"),
		vappSucceeds(vappOpReverse, stateComplete, stateNotStarted, vappInState(stateComplete), "a reverse of a vApp whose VMs are COMPLETE"),
		vappSucceeds(vappOpMigrate, stateNotStarted, stateComplete, vappInState(stateNotStarted), "a planned migration of a vApp whose VMs are NOT_STARTED"),
		back,
		{Name: "vcav.deleteVappReplication.refused-in-TEST", Operation: vappOpDelete.op, Kind: KindStateful, Destructive: true,
			run:     vappDeleteGate(vappDeleteRefusedInTest),
			Summary: "deleting a vApp with a test image (failoverkit choice) answers 400 InvalidRecoveryState and leaves its VMs in TEST; against a real system only with --allow-delete"},
		{Name: "vcav.deleteVappReplication.succeeds", Operation: vappOpDelete.op, Kind: KindStateful, Destructive: true, run: vappDeleteGate(vappDeleteSucceeds),
			Summary: "deleting a vApp whose VMs are NOT_STARTED answers 202 with a task that ends SUCCEEDED, after which the vApp and its VM replications read 404; against a real system only with --allow-delete"},
	}
}

// vappSucceeds is the happy path of o on a vApp replication found by find
// (in from): 202, the task polled to SUCCEEDED with the vApp as its result
// (failoverkit choice), every VM read back in to.
func vappSucceeds(o vappOp, from, to string, find vappFinder, what string) Case {
	return Case{Name: "vcav." + o.op + ".succeeds", Operation: o.op, Kind: KindStateful, Destructive: true,
		Summary: what + " answers 202 with a task that ends SUCCEEDED, and every VM of it reads back " + to,
		run: func(ctx context.Context, r *caseRun) error {
			token, id, err := r.loginForVapp(ctx, find)
			if err != nil {
				return err
			}
			final, err := r.vappRunToSuccess(ctx, token, o, id)
			if o == vappOpTestFailover {
				// Leave no test image behind on a real system.
				r.deferCleanup(func(ctx context.Context) { _, _ = r.api.send(ctx, vappOpTestCleanup.request(token, id)) })
			}
			if err != nil {
				return err
			}
			back, err := r.vappExpectState(ctx, token, id, to)
			if err != nil {
				return err
			}
			return r.vappResultAgrees(final, back, o == vappOpFailover || o == vappOpMigrate)
		}}
}

// vappResultAgrees holds the task's result (failoverkit choice: the vApp
// with its VMs) to the vApp read back; after a recovery (failover,
// migration) the vApp and each VM name one recovered vApp (failoverkit
// choice).
func (r *caseRun) vappResultAgrees(final, back *exchange, recovered bool) error {
	id, _ := lookupString(back.doc, "id")
	for _, kv := range [][2]string{{"resultType", "VappReplicationInfo"}, {"result.id", id}} {
		if err := r.expectChoice(final, kv[0], kv[1]); err != nil {
			return err
		}
	}
	if res, ok := lookup(final.doc, "result"); ok && res != nil {
		if err := r.agree(back, back.doc, res, "the task's result", vappAgreeFields...); err != nil {
			return err
		}
	}
	if !recovered {
		return nil
	}
	vappID, _ := lookupString(back.doc, "destination.recoveredVappId")
	if vappID == "" {
		return r.choice(r.finding(back, InState, "destination.recoveredVappId", "is not set after a successful vApp recovery", nil))
	}
	ids, _ := vappChildStates(back.doc)
	for i := range ids {
		path := fmt.Sprintf("vmReplications.%d.destination.recoveredVappId", i)
		if got, _ := lookupString(back.doc, path); got != vappID {
			return r.choice(r.finding(back, InState, path, fmt.Sprintf("is %s, not the vApp's recovered vApp %s", describeValue(back.doc, path), vappID), nil))
		}
	}
	return nil
}

// vappRefused: o on a vApp replication found by find (in state) is refused
// (see stateRefusal) and leaves every VM of it in state.
func vappRefused(o vappOp, state string, find vappFinder, what string) Case {
	return Case{Name: fmt.Sprintf("vcav.%s.refused-in-%s", o.op, state), Operation: o.op, Kind: KindStateful, Destructive: true,
		Summary: what + " (its VMs in " + state + ") answers 400 InvalidRecoveryState and leaves them in " + state,
		run: func(ctx context.Context, r *caseRun) error {
			token, id, err := r.loginForVapp(ctx, find)
			if err != nil {
				return err
			}
			if err := r.stateRefusal(ctx, token, o.request(token, id)); err != nil {
				return err
			}
			_, err = r.vappExpectState(ctx, token, id, state)
			return err
		}}
}

// vappDeleteRefusedInTest deletes a vApp in TEST: refused with 400
// InvalidRecoveryState, its VMs left in TEST. Only failoverkit's choice
// refuses it, so a real appliance that deletes the vApp instead gets a note
// (and the state is not read back: there is none).
func vappDeleteRefusedInTest(ctx context.Context, r *caseRun) error {
	token, id, err := r.loginForVapp(ctx, vappTest)
	if err != nil {
		return err
	}
	deleted, err := r.refuse(ctx, token, vappOpDelete.request(token, id), "InvalidRecoveryState", true)
	if err != nil || deleted {
		return err
	}
	_, err = r.vappExpectState(ctx, token, id, stateTest)
	return err
}

// vappDeleteGate runs a delete case against a mock, or a real system with
// --allow-delete: a deleted replication cannot be brought back.
func vappDeleteGate(run func(context.Context, *caseRun) error) func(context.Context, *caseRun) error {
	return func(ctx context.Context, r *caseRun) error {
		if !r.target.Mock && !r.target.AllowDelete {
			return skipf("deleting a vApp replication cannot be undone: pass --allow-delete (with --allow-destructive) to let the suite delete a named one")
		}
		return run(ctx, r)
	}
}

// vappDeleteSucceeds deletes a NOT_STARTED vApp replication: the task
// ends SUCCEEDED, the vApp reads 404 and so does each of its VM
// replications (failoverkit choice: they go with it).
func vappDeleteSucceeds(ctx context.Context, r *caseRun) error {
	token, id, err := r.loginForVapp(ctx, vappInState(stateNotStarted))
	if err != nil {
		return err
	}
	before, err := r.call(ctx, vappOpGet.request(token, id), http.StatusOK, "")
	if err != nil {
		return err
	}
	children, _ := vappChildStates(before.doc)
	if _, err := r.vappRunToSuccess(ctx, token, vappOpDelete, id); err != nil {
		return err
	}
	if _, err := r.call(ctx, vappOpGet.request(token, id), http.StatusNotFound, vappNotFound); err != nil {
		return err
	}
	for _, child := range children {
		ex, err := r.send(ctx, vcavGetReplication(token, child))
		if err != nil {
			return err
		}
		if ex.status != http.StatusNotFound {
			return r.choice(r.finding(ex, InState, "", fmt.Sprintf("VM replication %s of the deleted vApp replication %s still reads %d (GET /vm-replications/%s)", child, id, ex.status, url.PathEscape(child)), nil))
		}
	}
	return nil
}
