package conformance_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
)

// brokenReport runs the suite against a variant with failures and returns
// the report.
func brokenReport(t *testing.T, name string) *conformance.Report {
	t.Helper()
	for _, v := range variants() {
		if v.name == name {
			rep, err := conformance.Check(t.Context(), startTarget(t, v.wrap), fastOpts...)
			require.NoError(t, err)
			return rep
		}
	}
	t.Fatalf("no variant %q", name)
	return nil
}

// junitDoc is the JUnit structure a CI system reads.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestReport_JUnitParses(t *testing.T) {
	rep := brokenReport(t, "not-found-as-500")
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&buf))
	require.True(t, strings.HasPrefix(buf.String(), xml.Header))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	c := rep.Counts()
	assert.Equal(t, c.Total, doc.Tests)
	assert.Equal(t, c.Failed, doc.Failures)
	require.Len(t, doc.Suites, 2)
	assert.Equal(t, "failoverkit.vcav", doc.Suites[0].Name)
	var failed int
	for _, s := range doc.Suites {
		for _, tc := range s.Cases {
			assert.NotEmpty(t, tc.Props, "tags are properties")
			if tc.Failure != nil {
				failed++
				assert.Contains(t, tc.Failure.Text, "got 500, want 404")
			}
		}
	}
	assert.Equal(t, c.Failed, failed)
	assert.Positive(t, failed)
}

func TestReport_JSONRoundTrip(t *testing.T) {
	rep := brokenReport(t, "enum-value-outside")
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJSON(&buf))
	var back conformance.Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	// The kin-openapi cause is not serialised; everything else is.
	for _, res := range rep.Results {
		for _, f := range res.Findings {
			f.Err = nil
		}
	}
	assert.True(t, rep.Started.Equal(back.Started))
	back.Started = rep.Started
	assert.Equal(t, *rep, back)
	var counts struct {
		Counts conformance.Counts `json:"counts"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &counts))
	assert.Equal(t, rep.Counts(), counts.Counts)
}

func TestReport_Text(t *testing.T) {
	rep := brokenReport(t, "enum-value-outside")
	var plain, colour bytes.Buffer
	require.NoError(t, rep.WriteText(&plain, false))
	require.NoError(t, rep.WriteText(&colour, true))
	out := plain.String()
	assert.NotContains(t, out, "\x1b[", "no colour unless asked")
	assert.Contains(t, colour.String(), "\x1b[31mFAIL")
	assert.Contains(t, out, `body field "items.`)
	assert.Contains(t, out, "destinationState.recoveryInfo.recoveryState")
	assert.Contains(t, out, `excerpt: {`)
	assert.Contains(t, out, "FAILED_OVER")
	assert.Contains(t, out, "DOES NOT CONFORM")
	assert.Contains(t, out, rep.Summary())
}

func TestCases_NamesAndTags(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range conformance.Cases() {
		assert.False(t, seen[c.Name], "duplicate case %s", c.Name)
		seen[c.Name] = true
		assert.True(t, strings.HasPrefix(c.Name, string(c.API)+"."), c.Name)
		assert.NotEmpty(t, c.Operation, c.Name)
		assert.NotEmpty(t, c.Summary, c.Name)
		assert.Contains(t, []conformance.Kind{conformance.KindPositive, conformance.KindNegative, conformance.KindAuth, conformance.KindStateful}, c.Kind, c.Name)
		tags := c.Tags()
		assert.Contains(t, tags, "api:"+string(c.API))
		assert.Contains(t, tags, "operation:"+c.Operation)
		assert.Contains(t, tags, "kind:"+string(c.Kind))
		if c.Destructive {
			assert.Contains(t, tags, "destructive")
		} else {
			assert.Contains(t, tags, "safe")
		}
	}
	// The minimum, per API.
	for _, name := range []string{
		"vcav.session.login", "vcav.session.bad-credentials", "vcav.failover.no-token", "vcav.failover.invalid-token",
		"vcav.failover.succeeds", "vcav.failover.unknown-replication", "vcav.failover.unknown-site", "vcav.task.unknown",
		"vcav.failover.malformed-json", "vcav.failover.wrong-type", "vcav.failover.wrong-field-types", "vcav.failover.test-state",
		"vcha.session.create", "vcha.session.bad-credentials", "vcha.failover.no-token", "vcha.failover.invalid-token",
		"vcha.failover.planned", "vcha.task.unknown", "vcha.failover.malformed-json", "vcha.failover.wrong-field-types",
		"vcha.failover.missing-planned", "vcha.failover.disabled-mode", "vcha.failover.non-task-form", "vcha.failover.forbidden",
	} {
		assert.True(t, seen[name], "missing case %s", name)
	}
}

// TestRun runs the suite the go test way: one subtest per case.
func TestRun(t *testing.T) {
	conformance.Run(t, startTarget(t, nil), fastOpts...)
}
