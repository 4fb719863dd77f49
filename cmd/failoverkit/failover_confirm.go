package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// confirm asks for the name of what the operation acts on on stderr and reads it
// from stdin; anything else, the end of stdin or ctx ending refuses.
func confirm(ctx context.Context, stdin io.Reader, stderr io.Writer, pf *preflight) error {
	prompt := pf.prompt
	if prompt == "" {
		prompt = fmt.Sprintf("fails %s over", pf.subject)
	}
	fmt.Fprintf(stderr, "\nThis %s. Type %q to confirm (Ctrl-C to cancel): ", prompt, pf.confirm)
	line := make(chan string, 1)
	go func() { line <- readLine(stdin) }()
	select {
	case <-ctx.Done():
		fmt.Fprintln(stderr)
		return ctx.Err()
	case got := <-line:
		if !isTTY(stdin) { // a terminal echoed the answer and its newline
			fmt.Fprintln(stderr)
		}
		got = strings.TrimSpace(got)
		switch {
		case got == pf.confirm:
			return nil
		case got == "":
			return fmt.Errorf("not confirmed (no answer); nothing was started; pass --yes for unattended runs")
		default:
			return fmt.Errorf("not confirmed: %q is not %q; nothing was started", got, pf.confirm)
		}
	}
}

// readLine reads stdin up to a newline, one byte at a time so that
// nothing after the line is consumed; it stops at the end or on an error.
func readLine(r io.Reader) string {
	var b strings.Builder
	buf := make([]byte, 1)
	for b.Len() < 4096 {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			break
		}
	}
	return strings.TrimSuffix(b.String(), "\r")
}
