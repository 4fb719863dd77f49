package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// VCAV operation names (the spec's operationIds), used in errors.
const (
	opVCAVLogin        = "login"
	opVCAVGetSession   = "getSession"
	opVCAVLogout       = "logout"
	opVCAVGetTask      = "getTask"
	opVCAVFailover     = "failoverVmReplication"
	opVCAVReplication  = "getVmReplication"
	opVCAVReplications = "listVmReplications"
	// opTask names an error carried by a task rather than a response.
	opTask = "task"
)

// VCAVTokenHeader is the header that carries the VCAV session token, in the
// login response and in every later request.
const VCAVTokenHeader = "X-VCAV-Auth"

// vcavOperationIDHeader is VCAV's optional log-correlation header.
const vcavOperationIDHeader = "operationID"

// ErrNoTaskResult is returned by FailoverResult when the task has not
// succeeded or carries no result.
var ErrNoTaskResult = errors.New("task has no result")

// VCAV is a client of the VMware Cloud Director Availability API (VM
// replication failover and its companion operations). Create it with
// NewVCAV and log in before any other call. A VCAV is safe for concurrent
// use. It never prints its session token: String, GoString and Format show
// only the base URL and whether a session is held.
type VCAV struct {
	base *url.URL
	raw  *vcav.ClientWithResponses
	sess *session
	call *caller
	// relogin tells Login to keep the credentials for WaitTask.
	relogin bool
}

// NewVCAV returns a client for the VCDA API at baseURL, for example
// https://vcda.example.com. TLS certificates are verified against the system
// roots unless options say otherwise; every request sends
// Accept: application/json.
func NewVCAV(baseURL string, opts ...Option) (*VCAV, error) {
	u, cfg, err := prepare(baseURL, opts)
	if err != nil {
		return nil, err
	}
	sess := &session{}
	raw, err := vcav.NewClientWithResponses(u.String(),
		vcav.WithHTTPClient(timeoutDoer{next: cfg.httpClient, timeout: cfg.timeout}),
		vcav.WithRequestEditorFn(headerEditor(sess, VCAVTokenHeader, cfg.userAgent)),
		vcav.WithRequestEditorFn(operationIDEditor(cfg.operationID)),
	)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &VCAV{
		base:    u,
		raw:     raw,
		sess:    sess,
		call:    &caller{api: apiVCAV, sess: sess, vendorErr: decodeVCAVError},
		relogin: !cfg.noRelogin,
	}, nil
}

// prepare validates the base URL and applies the options.
func prepare(baseURL string, opts []Option) (*url.URL, *config, error) {
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, nil, err
	}
	if u.User != nil {
		return nil, nil, errors.New("client: the base URL must not contain credentials; use Login")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, nil, err
	}
	return u, cfg, nil
}

// operationIDEditor sets the operationID header from next when the request
// has none.
func operationIDEditor(next func() string) vcav.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		if next == nil || req.Header.Get(vcavOperationIDHeader) != "" {
			return nil
		}
		if id := next(); id != "" {
			req.Header.Set(vcavOperationIDHeader, id)
		}
		return nil
	}
}

// withoutHeader removes a header from one request; it keeps the session
// token out of the login request.
func withoutHeader(name string) editorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Del(name)
		return nil
	}
}

// Raw returns the generated client for operations this package does not
// wrap. It shares the session: requests sent through it carry the session
// token, the Accept and User-Agent headers and the per-request timeout.
func (c *VCAV) Raw() *vcav.ClientWithResponses { return c.raw }

// LoggedIn reports whether the client holds a session token.
func (c *VCAV) LoggedIn() bool { return c.sess.get() != "" }

// LoginLocal logs in as a local user of the appliance (type localUser, for
// example root).
func (c *VCAV) LoginLocal(ctx context.Context, user, password string) (*vcav.C4SessionDetails, error) {
	var req vcav.AuthenticationRequest
	err := req.FromLocalUserAuthenticationRequest(vcav.LocalUserAuthenticationRequest{
		Type: vcav.LocalUserAuthenticationRequestTypeLocalUser, LocalUser: user, LocalPassword: password,
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", apiVCAV, opVCAVLogin, err)
	}
	return c.Login(ctx, req)
}

// LoginVCD logs in as a Cloud Director user (type vcdCredentials); user is
// in user@org form, for example admin@org1.
func (c *VCAV) LoginVCD(ctx context.Context, user, password string) (*vcav.C4SessionDetails, error) {
	var req vcav.AuthenticationRequest
	err := req.FromVcdCredentialsAuthenticationRequest(vcav.VcdCredentialsAuthenticationRequest{
		Type: vcav.VcdCredentialsAuthenticationRequestTypeVcdCredentials, VcdUser: user, VcdPassword: password,
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", apiVCAV, opVCAVLogin, err)
	}
	return c.Login(ctx, req)
}

// Login creates a session with any kind of credentials and keeps the token
// from the X-VCAV-Auth response header for every later call. A successful
// login replaces the previous session token without logging it out. Wrong
// credentials give a *VCAVError with Status 401 and code NotAuthenticated.
//
// Unless the client was built WithoutRelogin, it also keeps req, in memory
// only, so that WaitTask can log in again with the same type and body when
// a poll is refused with 401 NotAuthenticated (the session was lost);
// Logout forgets it.
func (c *VCAV) Login(ctx context.Context, req vcav.AuthenticationRequest) (*vcav.C4SessionDetails, error) {
	details, err := c.login(ctx, req)
	if err == nil && c.relogin {
		c.sess.remember(&credentials{
			login: func(ctx context.Context) error {
				_, err := c.login(ctx, req)
				return err
			},
			secrets: authSecrets(req),
		})
	}
	return details, err
}

// login creates a session with req and stores its token.
func (c *VCAV) login(ctx context.Context, req vcav.AuthenticationRequest) (*vcav.C4SessionDetails, error) {
	if kind, err := req.Discriminator(); err != nil || kind == "" {
		return nil, fmt.Errorf("%s %s: the authentication request has no type; build it with a From...AuthenticationRequest method", apiVCAV, opVCAVLogin)
	}
	resp, err := c.raw.Login(ctx, nil, req, withoutHeader(VCAVTokenHeader))
	var details vcav.C4SessionDetails
	r, err := c.call.do(opVCAVLogin, resp, err, &details, authSecrets(req)...)
	if err != nil {
		return nil, err
	}
	token := r.header.Get(VCAVTokenHeader)
	if token == "" {
		return nil, fmt.Errorf("%s %s: %w", apiVCAV, opVCAVLogin, ErrMissingToken)
	}
	c.sess.set(token)
	return &details, nil
}

// authSecrets returns the secret fields of an authentication request, to
// keep them out of error strings.
func authSecrets(req vcav.AuthenticationRequest) []string {
	return secretFields(req, "localPassword", "password", "vcdPassword", "samlToken", "signature", "vcdCookie", "vcdAccessToken")
}

// secretFields returns the non-empty string values of the named fields of
// body encoded as a JSON object (nothing when it does not encode as one).
func secretFields(body json.Marshaler, names ...string) []string {
	b, err := body.MarshalJSON()
	if err != nil {
		return nil
	}
	var fields map[string]any
	if json.Unmarshal(b, &fields) != nil {
		return nil
	}
	var secrets []string
	for _, k := range names {
		if s, ok := fields[k].(string); ok && s != "" {
			secrets = append(secrets, s)
		}
	}
	return secrets
}

// Session returns the user, roles and sites of the current session.
func (c *VCAV) Session(ctx context.Context) (*vcav.C4SessionDetails, error) {
	resp, err := c.raw.GetSession(ctx, nil)
	var details vcav.C4SessionDetails
	if _, err := c.call.do(opVCAVGetSession, resp, err, &details); err != nil {
		return nil, err
	}
	return &details, nil
}

// Logout ends the session. It does nothing when the client holds no
// session, so it is safe to defer. The credentials kept for re-login are
// forgotten at once. The token is forgotten when the server confirms the
// logout or answers 401 (the session had already ended); it is kept after
// other failures so that Logout can be retried.
func (c *VCAV) Logout(ctx context.Context) error {
	c.sess.forget()
	token := c.sess.get()
	if token == "" {
		return nil
	}
	resp, err := c.raw.Logout(ctx, nil)
	_, err = c.call.do(opVCAVLogout, resp, err, nil)
	if err == nil || statusOf(err) == http.StatusUnauthorized {
		c.sess.clearIf(token)
	}
	return err
}

// Failover fails the VM replication over to its destination site and
// returns the task the appliance answers with (202); wait for it with
// WaitTask. settings must carry a type: build them with
// FromVmFailoverSettings (vcloud) or FromVcFailoverSettings (vcenter), or
// use FailoverToCloud. A replication whose recovery state forbids failover
// gives a *VCAVError with code InvalidRecoveryState.
func (c *VCAV) Failover(ctx context.Context, replicationID string, settings vcav.VmReplicationFailoverSettings, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	if replicationID == "" {
		return nil, fmt.Errorf("%s %s: empty replication id", apiVCAV, opVCAVFailover)
	}
	if kind, err := settings.Discriminator(); err != nil || kind == "" {
		return nil, fmt.Errorf("%s %s: the failover settings have no type; build them with FromVmFailoverSettings or FromVcFailoverSettings", apiVCAV, opVCAVFailover)
	}
	params := &vcav.FailoverVmReplicationParams{Site: newCallConfig(opts).siteParam()}
	resp, err := c.raw.FailoverVmReplication(ctx, replicationID, params, settings)
	var task vcav.C4ApiTaskOfSingleVmReplicationInfo
	if _, err := c.call.do(opVCAVFailover, resp, err, &task); err != nil {
		return nil, err
	}
	return &task, nil
}

// FailoverToCloud fails the VM replication over into a Cloud Director site:
// it sets settings.Type to vcloud and calls Failover. A zero
// VmFailoverSettings uses the vendor defaults (latest instance, powered on).
func (c *VCAV) FailoverToCloud(ctx context.Context, replicationID string, settings vcav.VmFailoverSettings, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	settings.Type = vcav.VmFailoverSettingsTypeVcloud
	var body vcav.VmReplicationFailoverSettings
	if err := body.FromVmFailoverSettings(settings); err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", apiVCAV, opVCAVFailover, err)
	}
	return c.Failover(ctx, replicationID, body, opts...)
}

// Task returns the task with the given id once, without waiting.
func (c *VCAV) Task(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTask, error) {
	if id == "" {
		return nil, fmt.Errorf("%s %s: empty task id", apiVCAV, opVCAVGetTask)
	}
	params := &vcav.GetTaskParams{Site: newCallConfig(opts).siteParam()}
	resp, err := c.raw.GetTask(ctx, id, params)
	var task vcav.C4ApiTask
	if _, err := c.call.do(opVCAVGetTask, resp, err, &task); err != nil {
		return nil, err
	}
	return &task, nil
}

// WaitTask polls the task until it ends and returns it. Only SUCCEEDED and
// FAILED end a task: RUNNING, QUEUED (VMware's terraform provider polls
// through it) and any state this package does not know keep WaitTask
// polling, so a queued failover is never reported as failed. The error is
// nil when the task SUCCEEDED; FAILED gives a *TaskFailedError that
// unwraps to the task's *VCAVError. Pass Site to poll a task on a remote
// site.
//
// Transient failures (network errors, 429, 502, 503, 504) are retried for
// the RetryBudget (10 minutes by default). A poll refused with 401 makes
// the client log in again with the credentials and login type of its last
// Login, once until a poll succeeds (not for RemoteAuthenticationFailure:
// a new session would not be extended to the remote site), unless it was
// built WithoutRelogin; a second 401 gives an error wrapping
// ErrReloginRejected. On timeout or cancellation WaitTask returns the last
// task it saw (or nil) and an error wrapping the context's error; see
// WaitOption for the polling and retry policy.
func (c *VCAV) WaitTask(ctx context.Context, id string, opts ...WaitOption) (*vcav.C4ApiTask, error) {
	wc := newWaitConfig(opts)
	site := Site(wc.site)
	return poll(ctx, wc, taskPoller[vcav.C4ApiTask]{
		api:  apiVCAV,
		id:   id,
		sess: c.sess,
		get:  func(ctx context.Context) (*vcav.C4ApiTask, error) { return c.Task(ctx, id, site) },
		describe: func(t *vcav.C4ApiTask) (string, int) {
			return string(t.State), int(t.Progress)
		},
		finished: c.taskOutcome,
		mayRelogin: func(err error) bool {
			return !IsVCAVCode(err, codeRemoteAuthenticationFailure)
		},
	})
}

// codeRemoteAuthenticationFailure is the 401 code of a call to a site the
// session was not extended to.
const codeRemoteAuthenticationFailure = "RemoteAuthenticationFailure"

// taskOutcome reports whether t has ended (SUCCEEDED or FAILED) and, if it
// failed, why. Every other state, QUEUED included, is pending.
func (c *VCAV) taskOutcome(t *vcav.C4ApiTask) (bool, error) {
	switch t.State {
	case vcav.TaskStateSUCCEEDED:
		return true, nil
	case vcav.TaskStateFAILED:
		return true, c.taskFailed(t)
	}
	return false, nil
}

// taskFailed builds the error of a FAILED task.
func (c *VCAV) taskFailed(t *vcav.C4ApiTask) error {
	fe := &TaskFailedError{API: apiVCAV, TaskID: t.Id, State: string(t.State), VCAVTask: t}
	if t.Error != nil {
		body := *t.Error
		redactVCAV(&body, c.call.redactor())
		fe.Err = &VCAVError{Op: opTask, Body: body}
	}
	return fe
}

// FailoverResult decodes the result of a succeeded failover task: the
// failed-over VM replication. It returns an error wrapping ErrNoTaskResult
// when the task did not succeed or has no result.
func (c *VCAV) FailoverResult(task *vcav.C4ApiTask) (*vcav.SingleVmReplicationInfo, error) {
	if task == nil {
		return nil, fmt.Errorf("%s failover result: nil task: %w", apiVCAV, ErrNoTaskResult)
	}
	if task.State != vcav.TaskStateSUCCEEDED || task.Result == nil {
		return nil, fmt.Errorf("%s failover result of task %s (state %s): %w", apiVCAV, task.Id, task.State, ErrNoTaskResult)
	}
	b, err := json.Marshal(task.Result)
	if err != nil {
		return nil, fmt.Errorf("%s failover result of task %s: %w", apiVCAV, task.Id, err)
	}
	var info vcav.SingleVmReplicationInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("%s failover result of task %s: not a VM replication: %w", apiVCAV, task.Id, err)
	}
	if info.Id == "" {
		return nil, fmt.Errorf("%s failover result of task %s: the result has no replication id: %w", apiVCAV, task.Id, ErrNoTaskResult)
	}
	return &info, nil
}

// Replication returns one VM replication, including its recovery state.
func (c *VCAV) Replication(ctx context.Context, id string, opts ...CallOption) (*vcav.SingleVmReplicationInfo, error) {
	if id == "" {
		return nil, fmt.Errorf("%s %s: empty replication id", apiVCAV, opVCAVReplication)
	}
	params := &vcav.GetVmReplicationParams{Site: newCallConfig(opts).siteParam()}
	resp, err := c.raw.GetVmReplication(ctx, id, params)
	var info vcav.SingleVmReplicationInfo
	if _, err := c.call.do(opVCAVReplication, resp, err, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// Replications returns one page of the VM replications that match params
// (nil lists the first page of all of them).
func (c *VCAV) Replications(ctx context.Context, params *vcav.ListVmReplicationsParams) (*vcav.QueryResultOfSingleVmReplicationInfo, error) {
	resp, err := c.raw.ListVmReplications(ctx, params)
	var page vcav.QueryResultOfSingleVmReplicationInfo
	if _, err := c.call.do(opVCAVReplications, resp, err, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// String describes the client without its session token.
func (c *VCAV) String() string { return describeClient("VCAV", c.base, c.sess) }

// GoString describes the client without its session token.
func (c *VCAV) GoString() string { return "&" + c.String() }

// Format prints the client with String (GoString for %#v) for every verb,
// so that no formatting of a client reveals its session token.
func (c *VCAV) Format(f fmt.State, verb rune) { formatClient(f, verb, c.String(), c.GoString()) }

// LogValue describes the client for log/slog without its session token.
func (c *VCAV) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.base.Redacted()), slog.Bool("logged_in", c.LoggedIn()))
}

// decodeVCAVError returns a *VCAVError when body is an ApiError (a JSON
// object with a code), or nil.
func decodeVCAVError(status int, op string, body []byte, red redactor) error {
	var b vcav.ApiError
	if json.Unmarshal(body, &b) != nil || b.Code == "" {
		return nil
	}
	redactVCAV(&b, red)
	return &VCAVError{Status: status, Op: op, Body: b}
}

// redactVCAV removes secrets from the text fields of an ApiError.
func redactVCAV(b *vcav.ApiError, red redactor) {
	b.Msg = red.str(b.Msg)
	if b.Stacktrace != nil {
		s := red.str(*b.Stacktrace)
		b.Stacktrace = &s
	}
	if b.Args != nil {
		args := append([]string(nil), *b.Args...)
		red.strs(args)
		b.Args = &args
	}
}
