package server

import (
	"fmt"
	"strings"

	"github.com/failoverkit/failoverkit/spec"
)

// BannerConfig says what the startup banner describes.
type BannerConfig struct {
	// URLs are where the APIs are served (ServeConfig.Ready hands them over).
	URLs []ServedURL
	// Fixture is the fixture the mock started with; nil means the embedded
	// default. The default fixture's passwords are public (README) and
	// shown; those of any other fixture never are.
	Fixture *Fixture
	// Control says whether the control API is served.
	Control bool
}

// Banner describes a running mock for people, after the line that lists
// the URLs: each API's browsable reference (DocsPath) and spec, the
// control API, and how to log in as the fixture's users.
func Banner(c BannerConfig) (string, error) {
	fx, showPasswords := c.Fixture, c.Fixture == nil
	if fx == nil {
		var err error
		if fx, err = DefaultFixture(); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	b.WriteString("  API reference:")
	for _, u := range c.URLs {
		fmt.Fprintf(&b, "  %s %s%s", title(u.API), u.URL, DocsPath)
	}
	fmt.Fprintf(&b, "  (specs at %s)\n", SpecPath)
	if c.Control && len(c.URLs) > 0 {
		fmt.Fprintf(&b, "  Control API:    %s%s on every listener (state, fixtures, faults, request log)\n", c.URLs[0].URL, ControlPrefix)
	}
	if showPasswords {
		b.WriteString("  Log in (the default fixture's users):\n")
	} else {
		b.WriteString("  Log in (your fixture's users; passwords as in the fixture file):\n")
	}
	for _, u := range c.URLs {
		for _, d := range builtinAPIs() {
			if d.api == u.API && d.loginHelp != nil {
				for _, line := range d.loginHelp(fx, u.URL, showPasswords) {
					fmt.Fprintf(&b, "    %-8s %s\n", title(u.API), line)
				}
			}
		}
	}
	return b.String(), nil
}

// title names api for people ("VCAV", "vSphere").
func title(api spec.API) string {
	info, _ := spec.Lookup(api)
	return info.Title
}

// shownPassword is the password to print: itself when shown, otherwise a
// placeholder.
func shownPassword(pw string, show bool) string {
	if show {
		return pw
	}
	return "<password>"
}
