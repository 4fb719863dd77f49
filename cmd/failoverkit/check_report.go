package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/failoverkit/failoverkit/conformance"
)

// reportFiles names the file each report format is written to under
// --output-dir.
var reportFiles = map[string]string{"text": "conformance.txt", "json": "conformance.json", "junit": "conformance.xml"}

// reporters write the run's reports: the text report streams to stdout as
// cases finish (when text goes to stdout or files go to a directory); the
// other formats, and every format under --output-dir, are written at the
// end.
type reporters struct {
	formats   []string
	outputDir string
	stdout    io.Writer
	// stream is the text report on stdout, nil when stdout gets another
	// format.
	stream *conformance.TextStream
	err    error
}

func newReporters(f *checkFlags, stdout io.Writer) *reporters {
	r := &reporters{formats: f.formats, outputDir: f.outputDir, stdout: stdout}
	if f.outputDir != "" || f.formats[0] == "text" {
		r.stream = &conformance.TextStream{W: stdout, Colour: isTerminal(stdout) && os.Getenv("NO_COLOR") == ""}
	}
	return r
}

// header starts the streamed text report.
func (r *reporters) header(t conformance.Target) {
	if r.stream != nil {
		r.err = errors.Join(r.err, r.stream.Header(conformance.TargetsOf(t)))
	}
}

// result streams one case.
func (r *reporters) result(res conformance.Result) {
	if r.stream != nil {
		r.err = errors.Join(r.err, r.stream.Result(res))
	}
}

// finish ends the stream and writes every other report.
func (r *reporters) finish(rep *conformance.Report) error {
	if r.stream != nil {
		r.err = errors.Join(r.err, r.stream.Footer(rep))
	}
	if r.outputDir == "" {
		if r.stream == nil {
			r.err = errors.Join(r.err, writeReport(r.stdout, rep, r.formats[0]))
		}
		return r.err
	}
	if err := os.MkdirAll(r.outputDir, 0o755); err != nil {
		return errors.Join(r.err, err)
	}
	for _, f := range r.formats {
		var buf bytes.Buffer
		if err := writeReport(&buf, rep, f); err != nil {
			return errors.Join(r.err, err)
		}
		path := filepath.Join(r.outputDir, reportFiles[f])
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return errors.Join(r.err, fmt.Errorf("write %s: %w", path, err))
		}
	}
	return r.err
}

func writeReport(w io.Writer, rep *conformance.Report, format string) error {
	switch format {
	case "json":
		return rep.WriteJSON(w)
	case "junit":
		return rep.WriteJUnit(w)
	default:
		return rep.WriteText(w, false)
	}
}
