package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/failoverkit/failoverkit/spec"
)

// vcavVappCases are the cases of vApp replications (/vapp-replications,
// C4VAPP- ids): the reads and the refusals aimed at a vApp that does not
// exist, safe against a real appliance, then the lifecycle cases, each
// destructive (vcavVappLifecycleCases).
func vcavVappCases() []Case {
	cs := []Case{
		{Name: "vcav.vapps.list", Operation: "listVappReplications", Kind: KindPositive, run: vappList,
			Summary: "listing vApp replications answers 200 with a valid page, limit above 100 served as 100, each VM replication naming its vApp"},
		{Name: "vcav.vapp.get", Operation: "getVappReplication", Kind: KindPositive, run: vappGet,
			Summary: "reading a listed vApp replication answers 200 with that vApp, agreeing with the list and the list filtered by its id"},
		{Name: "vcav.vapp.network-settings", Operation: "getVappReplicationNetworkSettings", Kind: KindPositive, run: vappNetworkSettings,
			Summary: "reading the network settings of a listed vApp replication answers 200 with ReplicationNetworkSettings"},
		{Name: "vcav.vapps.summary", Operation: "getVappReplicationsSummary", Kind: KindPositive, run: vappSummary,
			Summary: "the dashboard summary of vApp replications answers 200 (its schema is a failoverkit choice: a note on a real appliance; on the mock its counts agree with the list)"},
		{Name: "vcav.vapp.unknown", Operation: "getVappReplication", Kind: KindNegative, run: vappUnknownRun(vappOpGet),
			Summary: "reading a vApp replication that does not exist answers 404 in the ApiError shape (failoverkit choice of code: VappReplicationNotFound)"},
	}
	for _, o := range []vappOp{vappOpNetwork, vappOpFailover, vappOpTestFailover, vappOpTestCleanup, vappOpMigrate, vappOpReverse, vappOpSync, vappOpPause, vappOpResume, vappOpDelete} {
		cs = append(cs, Case{Name: "vcav." + o.op + ".unknown-replication", Operation: o.op, Kind: KindNegative, run: vappUnknownRun(o),
			Summary: "the operation on a vApp replication that does not exist answers 404 in the ApiError shape (failoverkit choice of code: VappReplicationNotFound)"})
	}
	cs = append(cs, vcavVappLifecycleCases()...)
	for i := range cs {
		cs[i].API = spec.VCAV
	}
	return cs
}

// vappList lists vApp replications asking for more than the maximum page:
// the page is served with limit 100, and every VM replication listed in a
// vApp that names its vApp names this one.
func vappList(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	ex, err := r.call(ctx, vappListReq(token, "offset=0&limit=500"), http.StatusOK, "")
	if err != nil {
		return err
	}
	if limit, _ := lookup(ex.doc, "limit"); limit != float64(100) {
		return r.finding(ex, InBody, "limit", fmt.Sprintf("is %v: a limit above the maximum is served as 100 (vendor paging rule)", limit), nil)
	}
	items, _ := lookup(ex.doc, "items")
	list, _ := items.([]any)
	for i, it := range list {
		id, _ := lookupString(it, "id")
		children, _ := lookup(it, "vmReplications")
		vms, _ := children.([]any)
		for j, vm := range vms {
			if owner, ok := lookupString(vm, "vappReplicationId"); ok && owner != id {
				path := fmt.Sprintf("items.%d.vmReplications.%d.vappReplicationId", i, j)
				return r.finding(ex, InBody, path, fmt.Sprintf("is %q inside vApp replication %s", owner, id), nil)
			}
		}
	}
	return nil
}

// vappFirst returns the id of the first listed vApp replication, skipping
// the case when the target lists none.
func (r *caseRun) vappFirst(ctx context.Context, token string) (string, *exchange, error) {
	list, err := r.call(ctx, vappListReq(token, "limit=1"), http.StatusOK, "")
	if err != nil {
		return "", nil, err
	}
	id, ok := lookupString(list.doc, "items.0.id")
	if !ok {
		return "", nil, skipf("the target lists no vApp replication to read")
	}
	return id, list, nil
}

// vappAgreeFields are the fields every read of one vApp replication must
// agree on.
var vappAgreeFields = []string{"id", "owner", "descriptor.name", "source.site", "destination.site", "destination.recoveredVappId"}

// vappGet reads a listed vApp replication: it agrees with its list item and
// with the list filtered by its id.
func vappGet(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	id, list, err := r.vappFirst(ctx, token)
	if err != nil {
		return err
	}
	ex, err := r.call(ctx, vappOpGet.request(token, id), http.StatusOK, "")
	if err != nil {
		return err
	}
	if got, _ := lookupString(ex.doc, "id"); got != id {
		return r.finding(ex, InBody, "id", fmt.Sprintf("is %q: the read answered another vApp replication than %s", got, id), nil)
	}
	item, _ := lookup(list.doc, "items", "0")
	if err := r.agree(ex, ex.doc, item, "the list", vappAgreeFields...); err != nil {
		return err
	}
	filtered, err := r.call(ctx, vappListReq(token, "ids="+url.QueryEscape(id)), http.StatusOK, "")
	if err != nil {
		return err
	}
	items, _ := lookup(filtered.doc, "items")
	list2, _ := items.([]any)
	if len(list2) == 0 {
		return r.finding(filtered, InBody, "items", fmt.Sprintf("listing ids=%s finds nothing, yet the vApp replication reads back", id), nil)
	}
	for i, it := range list2 {
		if got, _ := lookupString(it, "id"); got != id {
			return r.finding(filtered, InBody, fmt.Sprintf("items.%d.id", i), fmt.Sprintf("is %q in a list filtered by ids=%s", got, id), nil)
		}
	}
	return r.agree(filtered, list2[0], ex.doc, "GET /vapp-replications/"+id, vappAgreeFields...)
}

func vappNetworkSettings(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	id, _, err := r.vappFirst(ctx, token)
	if err != nil {
		return err
	}
	_, err = r.call(ctx, vappOpNetwork.request(token, id), http.StatusOK, "")
	return err
}

// vappUnknownRun sends o on a vApp replication that does not exist: 404,
// with failoverkit's code (a note on a real target).
func vappUnknownRun(o vappOp) func(context.Context, *caseRun) error {
	return func(ctx context.Context, r *caseRun) error {
		token, err := r.vcavLogin(ctx)
		if err != nil {
			return err
		}
		_, err = r.call(ctx, o.request(token, missingVapp), http.StatusNotFound, vappNotFound)
		return err
	}
}
