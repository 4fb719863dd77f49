package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// listIDs lists the ids of one page of GET /vm-replications?query.
func listIDs(t *testing.T, h http.Handler, token, query string) []string {
	t.Helper()
	a := serveCall(h, benchCall{api: spec.VCAV, method: http.MethodGet, target: "/vm-replications?" + query,
		header: http.Header{"X-Vcav-Auth": {token}}})
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal(a.body, &page))
	ids := make([]string, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	return ids
}

// TestListVmReplications_PagesOfTheIDOrderSurviveOtherSorts: the
// unfiltered pages served straight from the id order stay in id order
// after lists sorted otherwise (which must sort a copy), and pages
// concatenate to the whole list without gaps or repeats.
func TestListVmReplications_PagesOfTheIDOrderSurviveOtherSorts(t *testing.T) {
	f, err := GenerateReplications(250)
	require.NoError(t, err)
	m, err := New(WithFixture(f))
	require.NoError(t, err)
	h := m.Handler(spec.VCAV)
	token := benchSession(t, h, spec.VCAV)
	before := listIDs(t, h, token, "limit=100&offset=0")
	desc := listIDs(t, h, token, "sort=vmName-&limit=100")
	require.NotEqual(t, before, desc)
	assert.Equal(t, before, listIDs(t, h, token, "limit=100&offset=0"), "the id order is unchanged by a sorted list")
	var all []string
	for offset := 0; ; offset += 100 {
		ids := listIDs(t, h, token, "limit=100&offset="+itoa(offset))
		if len(ids) == 0 {
			break
		}
		all = append(all, ids...)
	}
	require.Len(t, all, len(f.VCAV.Replications))
	for i := 1; i < len(all); i++ {
		require.Less(t, all[i-1], all[i], "ids ascending without repeats")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
