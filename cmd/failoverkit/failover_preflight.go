package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Verdicts of a preflight check. A FAIL refuses the failover; a WARN is
// shown and lets it go on.
const (
	checkOK   = "OK"
	checkWarn = "WARN"
	checkFail = "FAIL"
)

// check is one line of the preflight table.
type check struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// preflight is what the checks found: what fails over, the name to type
// to confirm it, and the checks.
type preflight struct {
	subject string
	confirm string
	// prompt says what confirming does ("fails X over"); "" means
	// "fails <subject> over".
	prompt string
	checks []check
}

func (p *preflight) add(name, status, format string, args ...any) {
	p.checks = append(p.checks, check{Name: name, Status: status, Detail: fmt.Sprintf(format, args...)})
}

// failed joins the failed checks as "name: detail; ...", or "" when none
// failed.
func (p *preflight) failed() string {
	var out []string
	for _, c := range p.checks {
		if c.Status == checkFail {
			out = append(out, c.Name+": "+c.Detail)
		}
	}
	return strings.Join(out, "; ")
}

// writeTable prints the checks as an aligned table.
func (p *preflight) writeTable(w io.Writer) {
	fmt.Fprintf(w, "Preflight: %s\n", p.subject)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CHECK\tSTATUS\tDETAIL")
	for _, c := range p.checks {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Name, c.Status, c.Detail)
	}
	_ = tw.Flush()
}
