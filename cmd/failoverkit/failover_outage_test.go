package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/server"
)

// lossyTasks stands between the command and the mock's vSphere API like a
// vCenter HA failover does: the first task read reaches the mock (the
// failover happens) but answers 401, the session lost with the old active
// node; every task read after the new login answers 404, the new active
// node not knowing the old node's task.
func lossyTasks(t *testing.T, target string, swallow bool) (string, *atomic.Int32) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	var reads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/api/cis/tasks/") {
			proxy.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if reads.Add(1) == 1 {
			if !swallow {
				proxy.ServeHTTP(httptest.NewRecorder(), r) // the mock runs the task to its end
			}
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error_type":"UNAUTHENTICATED","messages":[]}`))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error_type":"NOT_FOUND","messages":[]}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &reads
}

func TestFailoverVCHA_TaskLostInTheOutageIsVerifiedByTheRoles(t *testing.T) {
	env := server.Test(t)
	lossy, reads := lossyTasks(t, env.VCHAURL, false)
	env.VCHAURL = lossy
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcha", "--yes", "--output", "json")
	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, outcomeSucceeded, rep.Outcome)
	assert.Equal(t, "cluster roles", rep.Details["verifiedBy"])
	assert.Contains(t, rep.Summary, "the task was lost in the outage, but the cluster roles show node2")
	assert.Equal(t, int32(2), reads.Load(), "one read refused with 401, one after the new login answered 404")
}

func TestFailoverVCHA_TaskLostAndRolesUnchangedFails(t *testing.T) {
	clock := server.NewManualClock(time.Now())
	env := server.Test(t, server.WithClock(clock), server.WithTaskDuration(time.Hour))
	lossy, _ := lossyTasks(t, env.VCHAURL, true)
	env.VCHAURL = lossy
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcha", "--yes", "--output", "json")
	assert.Equal(t, exitFindings, code)
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, outcomeUnknown, rep.Outcome)
	assert.Contains(t, rep.Error, "lost after logging in again")
	assert.Contains(t, rep.Error, "the cluster roles still show node1 ACTIVE, not node2")
	assert.Contains(t, rep.Follow, "/api/cis/tasks/"+rep.TaskID)
}

// TestFailoverVCHA_FollowingALostTaskReportsTheRoles: --follow does not
// know the roles before the failover, so a lost task is an unknown
// outcome that names the active node now.
func TestFailoverVCHA_FollowingALostTaskReportsTheRoles(t *testing.T) {
	env := server.Test(t)
	id, err := env.VCHA.Failover(t.Context(), true)
	require.NoError(t, err)
	lossy, _ := lossyTasks(t, env.VCHAURL, false)
	env.VCHAURL = lossy
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcha", "--follow", id, "--output", "json")
	assert.Equal(t, exitFindings, code)
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, outcomeUnknown, rep.Outcome)
	assert.Equal(t, id, rep.TaskID)
	assert.Empty(t, rep.Preflight, "following skips the preflight")
	assert.Contains(t, rep.Error, "the cluster roles now show node2 ACTIVE: compare with the roles before the failover")
}
