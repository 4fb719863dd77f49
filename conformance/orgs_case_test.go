package conformance_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/spec"
)

// isOrgs matches GET /inventory/orgs.
func isOrgs(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/inventory/orgs"
}

// TestOrgsCase_Judges runs vcav.orgs.list against servers whose
// /inventory/orgs answers fit the schema but break a rule: a departure from
// the vendor's paging rule fails on any target; a departure from a
// failoverkit choice (name order, full pages) fails the mock and is a note
// on a real target, which passes.
func TestOrgsCase_Judges(t *testing.T) {
	only := conformance.WithFilter(func(c conformance.Case) bool { return c.Name == "vcav.orgs.list" })
	reversed := okJSON(func(doc any) any {
		m := doc.(map[string]any)
		items, _ := m["items"].([]any)
		slices.Reverse(items)
		return m
	})
	short := okJSON(func(doc any) any {
		m := doc.(map[string]any)
		items, _ := m["items"].([]any)
		m["items"] = items[:1]
		return m
	})
	cases := []struct {
		name       string
		wrap       wrapper
		mock, real conformance.Status
		notes      int
	}{
		{"as served", nil, conformance.StatusPass, conformance.StatusPass, 0},
		{"limit 500 echoed", onResponses(spec.VCAV, isOrgs, okJSON(setField("limit", 500))), conformance.StatusFail, conformance.StatusFail, 0},
		{"total below the page", onResponses(spec.VCAV, isOrgs, okJSON(setField("total", 1))), conformance.StatusFail, conformance.StatusFail, 0},
		{"item without a name", onResponses(spec.VCAV, isOrgs, okJSON(func(doc any) any {
			doc.(map[string]any)["items"] = []any{map[string]any{"id": "x"}}
			return doc
		})), conformance.StatusFail, conformance.StatusFail, 0},
		{"not ordered by name", onResponses(spec.VCAV, isOrgs, reversed), conformance.StatusFail, conformance.StatusPass, 1},
		{"short page below total", onResponses(spec.VCAV, isOrgs, short), conformance.StatusFail, conformance.StatusPass, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := conformance.Check(t.Context(), startTarget(t, c.wrap), append(fastOpts, only)...)
			require.NoError(t, err)
			require.Len(t, rep.Results, 1)
			assert.Equal(t, c.mock, rep.Results[0].Status, "mock: %s %v", rep.Results[0].Reason, rep.Results[0].Findings)

			real := startTarget(t, c.wrap)
			real.Mock = false
			rep, err = conformance.Check(t.Context(), real, append(fastOpts, only)...)
			require.NoError(t, err)
			res := rep.Results[0]
			assert.Equal(t, c.real, res.Status, "real: %s %v", res.Reason, res.Findings)
			assert.Equal(t, c.notes, rep.Counts().Notes)
		})
	}
}
