package client_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
)

// secrets are the literal values that must never be printed.
var secrets = []string{
	vcavPassword, vcavToken, vchaPassword, vchaToken, vcavToken2, vchaToken2,
	base64.StdEncoding.EncodeToString([]byte(vchaUser + ":" + vchaPassword)),
}

// assertNoSecret fails if s contains any secret.
func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range secrets {
		assert.False(t, strings.Contains(s, secret), "%s reveals %q: %s", what, secret, s)
	}
}

// renderings returns v formatted with every common verb.
func renderings(v any) map[string]string {
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%T"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	return out
}

func TestClientsDoNotPrintSecrets(t *testing.T) {
	vc := loggedInVCAV(t, newVCAVFake(t, 0))
	hc := loggedInVCHA(t, &vchaFake{t: t, statuses: []string{"SUCCEEDED"}})
	require.True(t, vc.LoggedIn())
	require.True(t, hc.LoggedIn())

	for name, v := range map[string]any{"*VCAV": vc, "*VCHA": hc, "VCAV": *vc, "VCHA": *hc} {
		for verb, s := range renderings(v) {
			assertNoSecret(t, name+" "+verb, s)
		}
	}
	assert.Contains(t, fmt.Sprint(vc), "LoggedIn: true")
	assert.Contains(t, fmt.Sprintf("%#v", hc), "&client.VCHA{BaseURL: ")
	assert.Equal(t, vc.String(), fmt.Sprintf("%+v", vc))

	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	logger.Info("clients", "vcav", vc, "vcha", hc)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("clients", "vcav", vc, "vcha", hc)
	assertNoSecret(t, "slog", buf.String())
	assert.Contains(t, buf.String(), "logged_in=true")
}

func TestVCAVErrorsDoNotRevealSecrets(t *testing.T) {
	// A server that echoes the session token, and the password the client
	// keeps for re-login, in every error.
	echo := func(w http.ResponseWriter, r *http.Request) {
		msg := "rejected " + r.Header.Get("X-VCAV-Auth") + " " + vcavPassword + " " + readBody(t, r)
		writeJSON(w, 401, map[string]any{"code": "NotAuthenticated", "msg": msg, "args": []string{"x" + vcavToken}, "stacktrace": vcavToken})
	}
	f := newVCAVFake(t, 0)
	fake := f.server()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sessions/bad", echo)
	mux.HandleFunc("GET /tasks/{id}", echo)
	mux.HandleFunc("GET /vm-replications/{id}", func(w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, 502, "text/plain", "upstream said: token="+vcavToken)
	})
	mux.Handle("/", fake.Config.Handler)
	c := newVCAV(t, newServer(t, mux))
	ctx := context.Background()

	_, err := c.LoginVCD(ctx, vcavUser, vcavPassword)
	require.NoError(t, err)

	_, err = c.Task(ctx, vcavTaskID)
	var ve *client.VCAVError
	require.ErrorAs(t, err, &ve)
	assertNoSecret(t, "task error", err.Error())
	assertNoSecret(t, "task error body", fmt.Sprintf("%+v", ve.Body)+*ve.Body.Stacktrace+strings.Join(*ve.Body.Args, ","))
	assert.Contains(t, err.Error(), "[REDACTED]")

	_, err = c.Replication(ctx, replicationID)
	var ue *client.UnexpectedResponseError
	require.ErrorAs(t, err, &ue)
	assertNoSecret(t, "unexpected response", err.Error())
	assert.Equal(t, "upstream said: token=[REDACTED]", ue.Excerpt)
}

func TestVCAVLoginErrorDoesNotRevealPassword(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, map[string]any{"code": "NotAuthenticated", "msg": "bad credentials in " + readBody(t, r)})
	}))
	c := newVCAV(t, srv)
	_, err := c.LoginVCD(context.Background(), vcavUser, vcavPassword)
	require.Error(t, err)
	assertNoSecret(t, "login error", err.Error())
	assert.Contains(t, err.Error(), vcavUser, "user names are not secret")
}

func TestVCHAErrorsDoNotRevealSecrets(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echoed := r.Header.Get("Authorization") + " " + r.Header.Get("vmware-api-session-id")
		switch r.URL.Path {
		case "/api/session":
			if r.Header.Get("Authorization") != "" && r.URL.Query().Get("fail") == "" {
				_, pw, _ := r.BasicAuth()
				if pw == vchaPassword {
					writeJSON(w, 201, vchaToken)
					return
				}
			}
			_, pw, _ := r.BasicAuth()
			writeRaw(w, 401, "text/plain", "denied: "+echoed+" password="+pw)
		default:
			body := vchaErr("ERROR", "internal error for "+echoed)
			body["challenge"] = vchaToken
			writeJSON(w, 500, body)
		}
	}))
	c := newVCHA(t, srv)
	ctx := context.Background()

	err := c.Login(ctx, vchaUser, vchaPassword+"-wrong")
	require.ErrorAs(t, err, new(*client.UnexpectedResponseError))
	assertNoSecret(t, "login error", err.Error())
	assert.NotContains(t, err.Error(), base64.StdEncoding.EncodeToString([]byte(vchaUser+":"+vchaPassword+"-wrong")))

	require.NoError(t, c.Login(ctx, vchaUser, vchaPassword))
	_, err = c.Failover(ctx, true)
	var he *client.VCHAError
	require.ErrorAs(t, err, &he)
	assertNoSecret(t, "failover error", err.Error())
	assertNoSecret(t, "failover error challenge", *he.Body.Challenge)
	assert.Contains(t, err.Error(), "[REDACTED]")
}

func TestTaskFailedErrorDoesNotRevealToken(t *testing.T) {
	f := newVCAVFake(t, 0)
	f.final = vcavTask("FAILED", 0)
	f.final["error"] = vcavErr("GeneralServerFailure", "session "+vcavToken+" lost")
	c := loggedInVCAV(t, f)
	wait, _ := instant()
	_, err := c.WaitTask(context.Background(), vcavTaskID, wait)
	require.ErrorAs(t, err, new(*client.TaskFailedError))
	assertNoSecret(t, "task failed error", err.Error())
}
