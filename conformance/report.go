package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// Status is the outcome of one case.
type Status string

// Outcomes of a case.
const (
	// StatusPass: the target answered as documented.
	StatusPass Status = "pass"
	// StatusFail: the target did not conform; Findings say how.
	StatusFail Status = "fail"
	// StatusSkip: the case did not run; Reason says why.
	StatusSkip Status = "skip"
	// StatusError: the case could not reach a verdict (connection lost, a
	// control API call failed, a bug in the case); Reason says why.
	StatusError Status = "error"
	// StatusInterrupted: the run was interrupted (Ctrl-C, --timeout) while
	// the case ran.
	StatusInterrupted Status = "interrupted"
)

// Result is the outcome of one case.
type Result struct {
	Case        string        `json:"case"`
	API         spec.API      `json:"api"`
	Operation   string        `json:"operation"`
	Kind        Kind          `json:"kind"`
	Destructive bool          `json:"destructive"`
	Tags        []string      `json:"tags"`
	Summary     string        `json:"summary"`
	Status      Status        `json:"status"`
	Reason      string        `json:"reason,omitempty"`
	Findings    []*Finding    `json:"findings,omitempty"`
	Duration    time.Duration `json:"durationNs"`
}

// TargetInfo records what a report was made against.
type TargetInfo struct {
	API  spec.API `json:"api"`
	URL  string   `json:"url"`
	Mock bool     `json:"mock"`
}

// Report is the outcome of a run of the suite.
type Report struct {
	Targets  []TargetInfo  `json:"targets"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"durationNs"`
	Results  []Result      `json:"results"`
	// Interrupted says why the run stopped early ("" when it did not).
	Interrupted string `json:"interrupted,omitempty"`
	// Unfinished lists the tasks the suite started and did not see finish
	// when the run was interrupted: they may still change the target.
	Unfinished []StartedTask `json:"unfinished,omitempty"`
}

// Counts tallies results by status.
type Counts struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Errors  int `json:"errors"`
	// Interrupted counts cases cut short by an interruption.
	Interrupted int `json:"interrupted,omitempty"`
	// Notes counts notes (departures from failoverkit choices), which never
	// fail a run.
	Notes int `json:"notes,omitempty"`
}

func newReport(t Target) *Report {
	return &Report{Started: time.Now(), Targets: TargetsOf(t)}
}

// TargetsOf describes what a run against t reports on.
func TargetsOf(t Target) []TargetInfo {
	var out []TargetInfo
	for _, api := range spec.APIs() {
		if u := t.url(api); u != "" {
			out = append(out, TargetInfo{API: api, URL: u, Mock: t.Mock})
		}
	}
	return out
}

func (r *Report) finish() { r.Duration = time.Since(r.Started) }

// Counts tallies the results.
func (r *Report) Counts() Counts { return countResults(r.Results) }

func countResults(rs []Result) Counts {
	var c Counts
	for _, res := range rs {
		c.Total++
		switch res.Status {
		case StatusPass:
			c.Passed++
		case StatusFail:
			c.Failed++
		case StatusSkip:
			c.Skipped++
		case StatusError:
			c.Errors++
		case StatusInterrupted:
			c.Interrupted++
		}
		for _, f := range res.Findings {
			if f.IsNote() {
				c.Notes++
			}
		}
	}
	return c
}

// OK reports whether no case failed or errored and the run was not
// interrupted (skips are fine).
func (r *Report) OK() bool {
	c := r.Counts()
	return c.Failed == 0 && c.Errors == 0 && c.Interrupted == 0 && r.Interrupted == ""
}

// AllSkipped reports whether every case was skipped: the run judged
// nothing.
func (r *Report) AllSkipped() bool {
	c := r.Counts()
	return c.Total > 0 && c.Skipped == c.Total
}

// FirstSkip returns the reason of the first skipped case, or "".
func (r *Report) FirstSkip() string {
	for _, res := range r.Results {
		if res.Status == StatusSkip {
			return res.Case + ": " + res.Reason
		}
	}
	return ""
}

// Summary is the one-line tally, e.g. "32 cases: 30 passed, 1 failed, 1 skipped, 0 errors".
func (r *Report) Summary() string {
	c := r.Counts()
	s := fmt.Sprintf("%d cases: %d passed, %d failed, %d skipped, %d errors", c.Total, c.Passed, c.Failed, c.Skipped, c.Errors)
	if c.Notes > 0 {
		s += fmt.Sprintf(", %d notes", c.Notes)
	}
	if c.Interrupted > 0 {
		s += fmt.Sprintf(", %d interrupted", c.Interrupted)
	}
	return s
}

// WriteJSON writes the report as indented JSON (a round trip through
// encoding/json restores it, kin-openapi causes aside).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		*Report
		Counts Counts `json:"counts"`
	}{r, r.Counts()})
}

// JUnit XML, as read by CI systems (Jenkins, GitLab, GitHub actions).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name       string         `xml:"name,attr"`
	Classname  string         `xml:"classname,attr"`
	Time       string         `xml:"time,attr"`
	Properties *junitPropList `xml:"properties,omitempty"`
	Failure    *junitProblem  `xml:"failure,omitempty"`
	Error      *junitProblem  `xml:"error,omitempty"`
	Skipped    *junitSkipped  `xml:"skipped,omitempty"`
}

type junitPropList struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite per API, one
// testcase per case (tags as properties); a failed case carries one failure
// listing every finding, an errored one an error, a skipped one its reason.
func (r *Report) WriteJUnit(w io.Writer) error {
	c := r.Counts()
	out := junitSuites{Name: "failoverkit conformance", Tests: c.Total, Failures: c.Failed, Errors: c.Errors + c.Interrupted,
		Skipped: c.Skipped, Time: seconds(r.Duration)}
	for _, api := range spec.APIs() {
		var rs []Result
		for _, res := range r.Results {
			if res.API == api {
				rs = append(rs, res)
			}
		}
		if len(rs) > 0 {
			out.Suites = append(out.Suites, r.junitSuite(api, rs))
		}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (r *Report) junitSuite(api spec.API, rs []Result) junitSuite {
	c := countResults(rs)
	var total time.Duration
	s := junitSuite{Name: "failoverkit." + string(api), Tests: c.Total, Failures: c.Failed, Errors: c.Errors + c.Interrupted,
		Skipped: c.Skipped, Timestamp: r.Started.UTC().Format(time.RFC3339)}
	for _, res := range rs {
		total += res.Duration
		s.Cases = append(s.Cases, junitCaseOf(res))
	}
	s.Time = seconds(total)
	return s
}

func junitCaseOf(res Result) junitCase {
	jc := junitCase{Name: res.Case, Classname: "failoverkit." + string(res.API) + "." + res.Operation, Time: seconds(res.Duration)}
	for _, t := range res.Tags {
		k, v, _ := strings.Cut(t, ":")
		jc.addProp(k, v)
	}
	switch res.Status {
	case StatusFail:
		var b strings.Builder
		writeDetail(&b, res)
		jc.Failure = &junitProblem{Message: res.Reason, Type: "non-conformance", Text: b.String()}
	case StatusError, StatusInterrupted:
		jc.Error = &junitProblem{Message: res.Reason, Type: string(res.Status), Text: res.Reason}
	case StatusSkip:
		jc.Skipped = &junitSkipped{Message: res.Reason}
	}
	return jc
}

func (jc *junitCase) addProp(name, value string) {
	if jc.Properties == nil {
		jc.Properties = &junitPropList{}
	}
	if value == "" {
		value = "true"
	}
	jc.Properties.Props = append(jc.Properties.Props, junitProp{Name: name, Value: value})
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
