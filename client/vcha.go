package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// vSphere operation names (the spec's operationIds), used in errors.
const (
	opVCHACreateSession = "createSession"
	opVCHAGetSession    = "getSession"
	opVCHADeleteSession = "deleteSession"
	opVCHAGetTask       = "getTask"
	opVCHAFailover      = "failoverVchaClusterAsync"
	opVCHACluster       = "getVchaCluster"
	opVCHAMode          = "getVchaClusterMode"
	opVCHASetMode       = "setVchaClusterModeAsync"
)

// VCHATokenHeader is the header that carries the vSphere session token on
// every request after login.
const VCHATokenHeader = "vmware-api-session-id"

// VCHA is a client of the vSphere Automation API operations that drive a
// vCenter High Availability cluster: sessions, cluster and mode, failover
// and CIS task polling. Create it with NewVCHA and log in before any other
// call. A VCHA is safe for concurrent use. It never prints its session
// token: String, GoString and Format show only the base URL and whether a
// session is held.
type VCHA struct {
	base *url.URL
	raw  *vcha.ClientWithResponses
	sess *session
	call *caller
	// relogin tells Login to keep the credentials for WaitTask.
	relogin bool
}

// NewVCHA returns a client for the vCenter Server at baseURL, for example
// https://vcsa.example.com. TLS certificates are verified against the
// system roots unless options say otherwise; every request sends
// Accept: application/json.
func NewVCHA(baseURL string, opts ...Option) (*VCHA, error) {
	u, cfg, err := prepare(baseURL, opts)
	if err != nil {
		return nil, err
	}
	sess := &session{}
	raw, err := vcha.NewClientWithResponses(u.String(),
		vcha.WithHTTPClient(timeoutDoer{next: cfg.httpClient, timeout: cfg.timeout}),
		vcha.WithRequestEditorFn(headerEditor(sess, VCHATokenHeader, cfg.userAgent)),
	)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &VCHA{
		base:    u,
		raw:     raw,
		sess:    sess,
		call:    &caller{api: apiVCHA, sess: sess, vendorErr: decodeVCHAError},
		relogin: !cfg.noRelogin,
	}, nil
}

// Raw returns the generated client for operations this package does not
// wrap. It shares the session: requests sent through it carry the session
// token, the Accept and User-Agent headers and the per-request timeout.
func (c *VCHA) Raw() *vcha.ClientWithResponses { return c.raw }

// LoggedIn reports whether the client holds a session token.
func (c *VCHA) LoggedIn() bool { return c.sess.get() != "" }

// Login creates a session with HTTP Basic credentials (POST /api/session)
// and keeps the token for every later call, in the vmware-api-session-id
// header. A successful login replaces the previous session token without
// deleting that session. Wrong credentials give a *VCHAError with Status
// 401 and error_type UNAUTHENTICATED.
//
// Unless the client was built WithoutRelogin, it also keeps user and
// password, in memory only, so that WaitTask can log in again (Basic) when
// a poll is refused with 401 because a vCenter HA failover ended every
// session; Logout forgets them.
func (c *VCHA) Login(ctx context.Context, user, password string) error {
	err := c.login(ctx, user, password)
	if err == nil && c.relogin {
		c.sess.remember(&credentials{
			login:   func(ctx context.Context) error { return c.login(ctx, user, password) },
			secrets: basicSecrets(user, password),
		})
	}
	return err
}

// basicSecrets returns the password and the Basic credentials that carry it.
func basicSecrets(user, password string) []string {
	return []string{password, base64.StdEncoding.EncodeToString([]byte(user + ":" + password))}
}

// login creates a session with HTTP Basic credentials and stores its token.
func (c *VCHA) login(ctx context.Context, user, password string) error {
	basic := func(_ context.Context, req *http.Request) error {
		req.Header.Del(VCHATokenHeader)
		req.SetBasicAuth(user, password)
		return nil
	}
	resp, err := c.raw.CreateSession(ctx, basic)
	secrets := basicSecrets(user, password)
	var token string
	r, err := c.call.do(opVCHACreateSession, resp, err, &token, secrets...)
	if err != nil {
		return err
	}
	if token == "" {
		return c.call.unexpected(opVCHACreateSession, r, c.call.redactor(secrets...), ErrMissingToken)
	}
	c.sess.set(token)
	return nil
}

// Session returns the user and times of the current session.
func (c *VCHA) Session(ctx context.Context) (*vcha.CisSessionInfo, error) {
	resp, err := c.raw.GetSession(ctx)
	var info vcha.CisSessionInfo
	if _, err := c.call.do(opVCHAGetSession, resp, err, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// Logout deletes the session. It does nothing when the client holds no
// session, so it is safe to defer. The credentials kept for re-login are
// forgotten at once. The token is forgotten when the server confirms the
// logout or answers 401 (the session had already ended); it is kept after
// other failures so that Logout can be retried.
func (c *VCHA) Logout(ctx context.Context) error {
	c.sess.forget()
	token := c.sess.get()
	if token == "" {
		return nil
	}
	resp, err := c.raw.DeleteSession(ctx)
	_, err = c.call.do(opVCHADeleteSession, resp, err, nil)
	if err == nil || statusOf(err) == http.StatusUnauthorized {
		c.sess.clearIf(token)
	}
	return err
}

// Failover starts a failover from the active to the passive node (POST
// /api/vcenter/vcha/cluster?action=failover&vmw-task=true) and returns the
// id of the CIS task to wait for with WaitTask. A planned failover first
// flushes the active node's state to the passive node (no data loss); a
// forced one (planned false) fails over at once and may lose data. Unmet
// preconditions (mode DISABLED, a node down) are reported by the task, as
// a *TaskFailedError from WaitTask.
func (c *VCHA) Failover(ctx context.Context, planned bool) (string, error) {
	resp, err := c.raw.FailoverVchaClusterAsync(ctx, vcha.VchaClusterFailoverTaskRequestBody{Planned: planned})
	return c.taskID(opVCHAFailover, resp, err)
}

// Cluster returns the VCHA configuration and health. With partial true,
// only the information that needs no connection to the active vCenter is
// returned (and the System.Read privilege suffices).
func (c *VCHA) Cluster(ctx context.Context, partial bool) (*vcha.VchaClusterInfo, error) {
	resp, err := c.raw.GetVchaCluster(ctx, vcha.VchaClusterGetRequestBody{Partial: &partial})
	var info vcha.VchaClusterInfo
	if _, err := c.call.do(opVCHACluster, resp, err, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// Mode returns the cluster mode (ENABLED, DISABLED or MAINTENANCE).
func (c *VCHA) Mode(ctx context.Context) (vcha.VchaClusterClusterMode, error) {
	resp, err := c.raw.GetVchaClusterMode(ctx)
	var info vcha.VchaClusterModeInfo
	if _, err := c.call.do(opVCHAMode, resp, err, &info); err != nil {
		return "", err
	}
	return info.Mode, nil
}

// SetMode starts a change of the cluster mode and returns the id of the CIS
// task to wait for with WaitTask. The mode changes only when the task
// succeeds; a forbidden transition makes the task fail.
func (c *VCHA) SetMode(ctx context.Context, mode vcha.VchaClusterClusterMode) (string, error) {
	resp, err := c.raw.SetVchaClusterModeAsync(ctx, vcha.VchaClusterModeSetTaskRequestBody{Mode: mode})
	return c.taskID(opVCHASetMode, resp, err)
}

// taskID reads the task id a task-only operation answers with.
func (c *VCHA) taskID(op string, resp *http.Response, err error) (string, error) {
	var id string
	r, err := c.call.do(op, resp, err, &id)
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", c.call.unexpected(op, r, c.call.redactor(), fmt.Errorf("empty task id"))
	}
	return id, nil
}

// Task returns the CIS task with the given id once, without waiting.
func (c *VCHA) Task(ctx context.Context, id string) (*vcha.TaskInfo, error) {
	if id == "" {
		return nil, fmt.Errorf("%s %s: empty task id", apiVCHA, opVCHAGetTask)
	}
	resp, err := c.raw.GetTask(ctx, id, nil)
	var task vcha.TaskInfo
	if _, err := c.call.do(opVCHAGetTask, resp, err, &task); err != nil {
		return nil, err
	}
	return &task, nil
}

// WaitTask polls the CIS task until its status is SUCCEEDED or FAILED and
// returns it; PENDING, RUNNING and BLOCKED keep it polling. The error is nil
// when the task SUCCEEDED. FAILED, and any status this package does not
// know, give a *TaskFailedError that unwraps to the task's *VCHAError when
// the task carries one. Site options are ignored.
//
// WaitTask survives a vCenter HA failover, during which the API is gone for
// up to about 5 minutes and every session is lost: transient failures
// (refused or reset connections, 429, 502, 503, 504) are retried for the
// RetryBudget (10 minutes by default), and a poll refused with 401 makes
// the client log in again (Basic, with the credentials of its last Login)
// once until a poll succeeds, unless it was built WithoutRelogin; a second
// 401 gives an error wrapping ErrReloginRejected. If the task read answers
// 404 after such a re-login, the new active node does not know the task:
// WaitTask returns a *TaskLostError, and the outcome must be verified by
// reading the cluster roles (Cluster) rather than by failing over again.
// On timeout or cancellation WaitTask returns the last task it saw (or nil)
// and an error wrapping the context's error; see WaitOption for the
// polling and retry policy.
func (c *VCHA) WaitTask(ctx context.Context, id string, opts ...WaitOption) (*vcha.TaskInfo, error) {
	return poll(ctx, newWaitConfig(opts), taskPoller[vcha.TaskInfo]{
		api:      apiVCHA,
		id:       id,
		sess:     c.sess,
		get:      func(ctx context.Context) (*vcha.TaskInfo, error) { return c.Task(ctx, id) },
		describe: describeVCHATask,
		finished: func(t *vcha.TaskInfo) (bool, error) { return c.taskOutcome(id, t) },
		lost: func(err error, last *vcha.TaskInfo) error {
			lost := &TaskLostError{API: apiVCHA, TaskID: id, Err: err}
			if last != nil {
				lost.LastState = string(last.Status)
			}
			return lost
		},
	})
}

// describeVCHATask returns the status and the progress in percent of t.
func describeVCHATask(t *vcha.TaskInfo) (string, int) {
	pct := 0
	if p := t.Progress; p != nil && p.Total > 0 {
		pct = int(min(max(p.Completed*100/p.Total, 0), 100))
	} else if t.Status == vcha.CisTaskStatusSUCCEEDED {
		pct = 100
	}
	return string(t.Status), pct
}

// taskOutcome reports whether t has ended and, if it did not succeed, why.
func (c *VCHA) taskOutcome(id string, t *vcha.TaskInfo) (bool, error) {
	switch t.Status {
	case vcha.CisTaskStatusPENDING, vcha.CisTaskStatusRUNNING, vcha.CisTaskStatusBLOCKED:
		return false, nil
	case vcha.CisTaskStatusSUCCEEDED:
		return true, nil
	}
	fe := &TaskFailedError{API: apiVCHA, TaskID: id, State: string(t.Status), VCHATask: t}
	if t.Error != nil {
		body := *t.Error
		redactVCHA(&body, c.call.redactor())
		fe.Err = &VCHAError{Op: opTask, Body: body}
	}
	return true, fe
}

// String describes the client without its session token.
func (c *VCHA) String() string { return describeClient("VCHA", c.base, c.sess) }

// GoString describes the client without its session token.
func (c *VCHA) GoString() string { return "&" + c.String() }

// Format prints the client with String (GoString for %#v) for every verb,
// so that no formatting of a client reveals its session token.
func (c *VCHA) Format(f fmt.State, verb rune) { formatClient(f, verb, c.String(), c.GoString()) }

// LogValue describes the client for log/slog without its session token.
func (c *VCHA) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.base.Redacted()), slog.Bool("logged_in", c.LoggedIn()))
}

// decodeVCHAError returns a *VCHAError when body is a Std_Errors_Error (a
// JSON object with an error_type or a messages array), or nil.
func decodeVCHAError(status int, op string, body []byte, red redactor) error {
	var b vcha.StdErrorsError
	if json.Unmarshal(body, &b) != nil {
		return nil
	}
	if (b.ErrorType == nil || *b.ErrorType == "") && b.Messages == nil {
		return nil
	}
	redactVCHA(&b, red)
	return &VCHAError{Status: status, Op: op, Body: b}
}

// redactVCHA removes secrets from the text fields of a Std_Errors_Error.
func redactVCHA(b *vcha.StdErrorsError, red redactor) {
	msgs := append([]vcha.StdLocalizableMessage(nil), b.Messages...)
	for i := range msgs {
		msgs[i].DefaultMessage = red.str(msgs[i].DefaultMessage)
		if msgs[i].Args != nil {
			msgs[i].Args = append([]string{}, msgs[i].Args...)
			red.strs(msgs[i].Args)
		}
		if msgs[i].Localized != nil {
			s := red.str(*msgs[i].Localized)
			msgs[i].Localized = &s
		}
	}
	if b.Messages != nil {
		b.Messages = msgs
	}
	if b.Challenge != nil {
		s := red.str(*b.Challenge)
		b.Challenge = &s
	}
}
