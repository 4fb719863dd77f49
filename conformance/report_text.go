package conformance

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ANSI colours for the text report.
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
)

var statusColour = map[Status]string{StatusPass: ansiGreen, StatusFail: ansiRed, StatusSkip: ansiYellow, StatusError: ansiRed, StatusInterrupted: ansiRed}

// TextStream writes the human-readable report as the run goes: the header,
// then one block per case as it finishes, then the verdict.
type TextStream struct {
	W io.Writer
	// Colour adds ANSI colours (for a terminal).
	Colour bool
}

func (t TextStream) paint(code, s string) string {
	if !t.Colour {
		return s
	}
	return code + s + ansiReset
}

// Header writes the title and the targets.
func (t TextStream) Header(targets []TargetInfo) error {
	var b strings.Builder
	b.WriteString(t.paint(ansiBold, "failoverkit conformance report") + "\n")
	for _, tg := range targets {
		kind := ""
		if tg.Mock {
			kind = " (failoverkit mock)"
		}
		fmt.Fprintf(&b, "  %-5s %s%s\n", strings.ToUpper(string(tg.API)), tg.URL, kind)
	}
	b.WriteString("\n")
	_, err := io.WriteString(t.W, b.String())
	return err
}

// Result writes one case: its line, then its findings, notes or reason.
func (t TextStream) Result(res Result) error {
	var b strings.Builder
	label := fmt.Sprintf("%-5s", strings.ToUpper(string(res.Status)))
	fmt.Fprintf(&b, "%s %-36s %6s  [%s]\n", t.paint(statusColour[res.Status], label), res.Case,
		res.Duration.Round(time.Millisecond), strings.Join(res.Tags, " "))
	writeDetail(&b, res)
	_, err := io.WriteString(t.W, b.String())
	return err
}

// Footer writes the interruption, if any, the tally and the verdict.
func (t TextStream) Footer(r *Report) error {
	var b strings.Builder
	if r.Interrupted != "" {
		fmt.Fprintf(&b, "\n%s %s; %s\n", t.paint(ansiRed, "INTERRUPTED:"), r.Interrupted, describeStarted(r.Unfinished))
	}
	verdict := t.paint(ansiGreen, "CONFORMS")
	switch {
	case r.Interrupted != "":
		verdict = t.paint(ansiRed, "INTERRUPTED")
	case !r.OK():
		verdict = t.paint(ansiRed, "DOES NOT CONFORM")
	case r.AllSkipped():
		verdict = t.paint(ansiYellow, "NOTHING JUDGED (every case skipped)")
	}
	fmt.Fprintf(&b, "\n%s in %s: %s\n", r.Summary(), r.Duration.Round(time.Millisecond), verdict)
	_, err := io.WriteString(t.W, b.String())
	return err
}

// WriteText writes the human-readable report: one line per case with its
// tags, the findings of failed cases with their excerpts and a curl to
// reproduce them, notes, the reasons of skipped ones, and the tally. colour
// adds ANSI colours (for a terminal).
func (r *Report) WriteText(w io.Writer, colour bool) error {
	t := TextStream{W: w, Colour: colour}
	if err := t.Header(r.Targets); err != nil {
		return err
	}
	for _, res := range r.Results {
		if err := t.Result(res); err != nil {
			return err
		}
	}
	return t.Footer(r)
}

// writeDetail writes the indented detail under a case line.
func writeDetail(b *strings.Builder, res Result) {
	for _, f := range res.Findings {
		prefix := ""
		if f.IsNote() {
			prefix = "note: "
		}
		fmt.Fprintf(b, "      %s%s (%s %s) → %s\n", prefix, f.Operation, f.Method, f.Path, statusText(f.Status))
		fmt.Fprintf(b, "        %s: %s\n", f.Where(), f.Reason)
		if f.Excerpt != "" {
			fmt.Fprintf(b, "        excerpt: %s\n", f.Excerpt)
		}
		if f.Curl != "" && !f.IsNote() {
			fmt.Fprintf(b, "        reproduce: %s\n", f.Curl)
		}
	}
	if len(res.Findings) == 0 && res.Reason != "" {
		fmt.Fprintf(b, "      %s\n", res.Reason)
	}
}

func statusText(s int) string {
	if s == 0 {
		return "no response"
	}
	return fmt.Sprint(s)
}
