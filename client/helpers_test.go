package client_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
)

// Secrets used by the tests; no error string or client rendering may
// contain them.
const (
	vcavUser     = "admin@org1"
	vcavPassword = "vcav-Pa55word-7f3a"
	vcavToken    = "vcav-token-0b6e2f7c3c1d4e8a"
	vchaUser     = "administrator@vsphere.local"
	vchaPassword = "vcha-Pa55word-91c2"
	vchaToken    = "b00db39f948d13ea1e59b4d6fce56389"
)

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeRaw writes body with the given status and content type.
func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// readBody returns the request body.
func readBody(t *testing.T, r *http.Request) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return string(b)
}

// newServer starts an httptest server and closes it when the test ends.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newVCAV returns a VCAV client of srv.
func newVCAV(t *testing.T, srv *httptest.Server, opts ...client.Option) *client.VCAV {
	t.Helper()
	c, err := client.NewVCAV(srv.URL, append([]client.Option{client.WithHTTPClient(srv.Client())}, opts...)...)
	require.NoError(t, err)
	return c
}

// newVCHA returns a VCHA client of srv.
func newVCHA(t *testing.T, srv *httptest.Server, opts ...client.Option) *client.VCHA {
	t.Helper()
	c, err := client.NewVCHA(srv.URL, append([]client.Option{client.WithHTTPClient(srv.Client())}, opts...)...)
	require.NoError(t, err)
	return c
}

// fakeClock is an injected timer: every sleep ends at once, and the
// requested delays are recorded.
type fakeClock struct {
	mu     sync.Mutex
	delays []time.Duration
}

// after records d and returns a channel that has already fired.
func (f *fakeClock) after(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	f.delays = append(f.delays, d)
	f.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

// recorded returns the delays requested so far.
func (f *fakeClock) recorded() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.delays...)
}

// instant returns a WaitOption whose sleeps end at once, and the clock
// recording them.
func instant() (client.WaitOption, *fakeClock) {
	f := &fakeClock{}
	return client.WithTimer(f.after), f
}

// never is a timer that never fires: only the context can end a sleep.
func never(time.Duration) <-chan time.Time { return nil }

// counter is a concurrency-safe counter for handlers.
type counter struct {
	mu sync.Mutex
	n  int
}

// inc increments the counter and returns the new value.
func (c *counter) inc() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

// get returns the value.
func (c *counter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
