package client

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// Operation names of the reads and session calls in this file.
const (
	opVCAVAbout           = "getAbout"
	opVCAVCheckHealth     = "checkHealth"
	opVCAVSites           = "listSites"
	opVCAVVcSites         = "listVcSites"
	opVCAVTasks           = "listTasks"
	opVCAVInstances       = "listVmReplicationInstances"
	opVCAVNetworkSettings = "getVmReplicationNetworkSettings"
	opVCAVExtend          = "extendSession"
	opVCAVOrgs            = "listInventoryOrgs"
)

// LoginCookie logs in with a Cloud Director session cookie (type
// vcdCookie, as PowerVCAV does).
func (c *VCAV) LoginCookie(ctx context.Context, cookie string) (*vcav.C4SessionDetails, error) {
	var req vcav.AuthenticationRequest
	err := req.FromVcdCookieAuthenticationRequest(vcav.VcdCookieAuthenticationRequest{
		Type: vcav.VcdCookieAuthenticationRequestTypeVcdCookie, VcdCookie: cookie,
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", apiVCAV, opVCAVLogin, err)
	}
	return c.Login(ctx, req)
}

// LoginAccessToken logs in with a Cloud Director API access token (type
// vcdAccessToken, 4.2+).
func (c *VCAV) LoginAccessToken(ctx context.Context, token string) (*vcav.C4SessionDetails, error) {
	var req vcav.AuthenticationRequest
	err := req.FromVcdAccessTokenAuthenticationRequest(vcav.VcdAccessTokenAuthenticationRequest{
		Type: vcav.VcdAccessTokenAuthenticationRequestTypeVcdAccessToken, VcdAccessToken: token,
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", apiVCAV, opVCAVLogin, err)
	}
	return c.Login(ctx, req)
}

// ExtendSession extends the session to a remote site (POST
// /sessions/extend), so that calls with Site(<that site>) run there; build
// req with FromExtendSessionCredentials, FromExtendSessionCookie,
// FromExtendSessionAccessToken or FromExtendSessionMultisite. Refused
// credentials give a *VCAVError with code RemoteAuthenticationFailure.
func (c *VCAV) ExtendSession(ctx context.Context, req vcav.ExtendSessionRequest) (*vcav.C4SessionDetails, error) {
	resp, err := c.raw.ExtendSession(ctx, nil, req)
	var details vcav.C4SessionDetails
	if _, err := c.call.do(opVCAVExtend, resp, err, &details, extendSecrets(req)...); err != nil {
		return nil, err
	}
	return &details, nil
}

// extendSecrets returns the secret fields of an extend request, to keep
// them out of error strings.
func extendSecrets(req vcav.ExtendSessionRequest) []string {
	return secretFields(req, "vcdPassword", "cookie", "vcdAccessToken")
}

// About returns the product information of the appliance (GET
// /diagnostics/about), which clients read right after logging in.
func (c *VCAV) About(ctx context.Context) (*vcav.AboutInfo, error) {
	resp, err := c.raw.GetAbout(ctx, nil)
	var out vcav.AboutInfo
	if _, err := c.call.do(opVCAVAbout, resp, err, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Health starts a health check of the cloud site (POST
// /diagnostics/health, 4.x) and returns its task; wait for it with
// WaitTask and read the result with HealthResult.
func (c *VCAV) Health(ctx context.Context) (*vcav.C4ApiTask, error) {
	resp, err := c.raw.CheckHealth(ctx, nil)
	var task vcav.C4ApiTask
	if _, err := c.call.do(opVCAVCheckHealth, resp, err, &task); err != nil {
		return nil, err
	}
	return &task, nil
}

// HealthResult decodes the result of a succeeded health task. It returns
// an error wrapping ErrNoTaskResult when the task did not succeed or has
// no result.
func (c *VCAV) HealthResult(task *vcav.C4ApiTask) (*vcav.CloudHealthInfo, error) {
	if task == nil || task.State != vcav.TaskStateSUCCEEDED || task.Result == nil {
		return nil, fmt.Errorf("%s health result: %w", apiVCAV, ErrNoTaskResult)
	}
	b, err := json.Marshal(task.Result)
	if err != nil {
		return nil, fmt.Errorf("%s health result of task %s: %w", apiVCAV, task.Id, err)
	}
	var out vcav.CloudHealthInfo
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("%s health result of task %s: not a CloudHealthInfo: %w", apiVCAV, task.Id, err)
	}
	return &out, nil
}

// Sites returns every site of the deployment (GET /sites); the local one
// has IsLocal set.
func (c *VCAV) Sites(ctx context.Context) ([]vcav.Site, error) {
	resp, err := c.raw.ListSites(ctx, nil)
	var out []vcav.Site
	if _, err := c.call.do(opVCAVSites, resp, err, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// VcSites returns the on-premises vCenter sites (GET /vc-sites).
func (c *VCAV) VcSites(ctx context.Context) ([]vcav.VcSite, error) {
	resp, err := c.raw.ListVcSites(ctx, nil)
	var out []vcav.VcSite
	if _, err := c.call.do(opVCAVVcSites, resp, err, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Orgs returns one page of the site's Cloud Director organisations
// (GET /inventory/orgs; nil params: the first page, up to 100), as
// PowerVCAV's summary report reads them. Page on with params.Offset until
// Offset+len(Items) reaches Total; params.Site reads a remote site the
// session was extended to.
func (c *VCAV) Orgs(ctx context.Context, params *vcav.ListInventoryOrgsParams) (*vcav.QueryResultOfInventoryOrg, error) {
	resp, err := c.raw.ListInventoryOrgs(ctx, params)
	var page vcav.QueryResultOfInventoryOrg
	if _, err := c.call.do(opVCAVOrgs, resp, err, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Tasks returns one page of the user's tasks that match params (nil: the
// first page of all of them), newest first.
func (c *VCAV) Tasks(ctx context.Context, params *vcav.ListTasksParams) (*vcav.QueryResultOfC4ApiTask, error) {
	resp, err := c.raw.ListTasks(ctx, params)
	var page vcav.QueryResultOfC4ApiTask
	if _, err := c.call.do(opVCAVTasks, resp, err, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Instances returns the point-in-time instances of a VM replication,
// newest first; an instance's Key is what a failover's instanceId takes.
func (c *VCAV) Instances(ctx context.Context, replicationID string, opts ...CallOption) ([]vcav.InstanceInfo, error) {
	if replicationID == "" {
		return nil, fmt.Errorf("%s %s: empty replication id", apiVCAV, opVCAVInstances)
	}
	params := &vcav.ListVmReplicationInstancesParams{Site: newCallConfig(opts).siteParam()}
	resp, err := c.raw.ListVmReplicationInstances(ctx, replicationID, params)
	var out []vcav.InstanceInfo
	if _, err := c.call.do(opVCAVInstances, resp, err, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkSettings returns the network settings stored with a VM
// replication for failover and for test failover.
func (c *VCAV) NetworkSettings(ctx context.Context, replicationID string, opts ...CallOption) (*vcav.ReplicationNetworkSettings, error) {
	if replicationID == "" {
		return nil, fmt.Errorf("%s %s: empty replication id", apiVCAV, opVCAVNetworkSettings)
	}
	params := &vcav.GetVmReplicationNetworkSettingsParams{Site: newCallConfig(opts).siteParam()}
	resp, err := c.raw.GetVmReplicationNetworkSettings(ctx, replicationID, params)
	var out vcav.ReplicationNetworkSettings
	if _, err := c.call.do(opVCAVNetworkSettings, resp, err, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
