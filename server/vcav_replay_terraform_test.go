package server

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// terraformTask is vcda/models.go's Task (lines 201–222) of
// vmware/terraform-provider-vcda: numbers must be JSON integers.
type terraformTask struct {
	ID           string `json:"id"`
	User         string `json:"user"`
	WorkflowInfo any    `json:"workflowInfo"`
	Progress     int64  `json:"progress"`
	State        string `json:"state"`
	LastUpdated  int64  `json:"lastUpdated"`
	StartTime    int64  `json:"startTime"`
	EndTime      int64  `json:"endTime"`
	ResultType   string `json:"resultType"`
	Result       any    `json:"result"`
	Error        *struct {
		Code string `json:"code"`
		Msg  string `json:"msg"`
	} `json:"error"`
	Warnings []any  `json:"warnings"`
	Site     string `json:"site"`
}

// TestReplay_TerraformProviderVCDA_CloudHealth replays the cloud health
// data source of vmware/terraform-provider-vcda at 32e096c with the mock's
// queue on (WithVCAVQueue): vcda/client.go GetAuthToken logs in before
// every request (lines 125–160; status ignored, never logs out), DoRequest
// (lines 60–93) sends X-Vcav-Auth as Go canonicalises it, Content-Type:
// application/json on every method and the h4-v4.7 Accept;
// data_source_cloud_health.go polls the health task while RUNNING or
// QUEUED (lines 241–260) on the SDK's backoff, then reads its result
// (lines 262–277; every tunnelConnectivity item needs a tunnelService).
// Then resource_vcda_pair_site.go's read: GET /sites, matched by apiPublicUrl.
func TestReplay_TerraformProviderVCDA_CloudHealth(t *testing.T) {
	tm := newTestMock(t, WithVCAVQueue(time.Second))
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	const accept, ua = "application/vnd.vmware.h4-v4.7+json;charset=UTF-8", "vcda-terraform-provider/h4-v4.7"
	login := func() string {
		t.Helper()
		_, hdr, _ := r.send("POST", "/sessions", `{"type":"localUser","localUser":"root","localPassword":"vmware"}`,
			"Content-Type", "application/json", "Accept", accept, "User-Agent", ua)
		return hdr.Get("X-VCAV-Auth") // r.Header.Get: any spelling
	}
	do := func(method, path, body string) (int, []byte) {
		t.Helper()
		status, hdr, out := r.send(method, path, body, "X-Vcav-Auth", login(), "Content-Type", "application/json",
			"Accept", accept, "User-Agent", ua)
		assert.Equal(t, accept, hdr.Get("Content-Type"))
		return status, out
	}
	status, body := do("POST", "/diagnostics/health", noBody)
	require.True(t, status >= 200 && status < 300, "%d %s", status, body)
	var task terraformTask
	require.NoError(t, json.Unmarshal(body, &task))
	require.NotEmpty(t, task.ID, "a missing id panics the provider")
	assert.Equal(t, "QUEUED", task.State)

	seen := terraformPoll(t, tm, task.ID, do)
	assert.Equal(t, map[string]bool{"QUEUED": true, "RUNNING": true, "SUCCEEDED": true}, seen)

	status, body = do("GET", "/tasks/"+task.ID, "")
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, json.Unmarshal(body, &task))
	result, ok := task.Result.(map[string]any)
	require.True(t, ok, "result must be an object")
	for _, item := range result["tunnelConnectivity"].([]any) {
		_, ok := field(item, "tunnelService").(map[string]any)
		require.True(t, ok, "each tunnelConnectivity item needs tunnelService")
	}
	assert.NotEmpty(t, field(result, "managerHealth.id"))

	status, body = do("GET", "/sites", "")
	require.Equal(t, http.StatusOK, status)
	terraformFindsPairedSite(t, body)
}

// terraformFindsPairedSite checks a GET /sites answer the way the
// provider looks up the paired site: by its apiPublicUrl.
func terraformFindsPairedSite(t *testing.T, body []byte) {
	t.Helper()
	var sites []map[string]any
	require.NoError(t, json.Unmarshal(body, &sites))
	found := false
	for _, s := range sites {
		found = found || s["apiPublicUrl"] == "https://vcda-site1.example.com"
	}
	assert.True(t, found, "the paired site is found by apiPublicUrl")
}

// terraformPoll replays retryHealthTask (data_source_cloud_health.go lines
// 241–260) on terraform-plugin-sdk v2.26.1's backoff (≈0, +0.5, +0.5, +0.8,
// +1.6, +3.2, +6.4 s, then every 10 s, 5-minute timeout): poll while
// RUNNING or QUEUED, FAILED is an error. It returns the states seen.
func terraformPoll(t *testing.T, tm *testMock, id string, do func(method, path, body string) (int, []byte)) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	waits := []time.Duration{0, 500, 500, 800, 1600, 3200, 6400}
	for i := 0; ; i++ {
		wait := 10 * time.Second
		if i < len(waits) {
			wait = waits[i] * time.Millisecond
		}
		tm.clock.Advance(wait)
		status, body := do("GET", "/tasks/"+id, "")
		require.Equal(t, http.StatusOK, status, "%s", body)
		var task terraformTask
		require.NoError(t, json.Unmarshal(body, &task), "typed decoding")
		seen[task.State] = true
		if task.State == "FAILED" {
			t.Fatalf("health task failed: %+v", task.Error)
		}
		if task.State != "RUNNING" && task.State != "QUEUED" {
			return seen
		}
		require.Less(t, i, 40, "5-minute timeout")
	}
}
