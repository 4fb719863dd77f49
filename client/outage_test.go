package client_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tokens issued by the second login of an outage fake.
const (
	vcavToken2 = "vcav-token-2-5d1e9a0c7b3f4e62"
	vchaToken2 = "c11ec4a0059e24fb2f60c5e7adf67490"
)

// outageAPI is what an outage fake needs to know about one API.
type outageAPI struct {
	name        string
	tokenHeader string
	loginRoute  string // ServeMux pattern of the login
	taskRoute   string // ServeMux pattern of the task read
	taskID      string
	tokens      [2]string // what the first and second logins issue
	// login checks the credentials and returns the request body.
	login func(r *http.Request) (body string, ok bool)
	// issue answers a successful login with token.
	issue func(w http.ResponseWriter, token string)
	// refuse answers 401, echoing msg (which may hold a secret).
	refuse func(w http.ResponseWriter, msg string)
	// unavailable answers 503.
	unavailable func(w http.ResponseWriter)
	// notFound answers 404 for the task.
	notFound func(w http.ResponseWriter)
	// task answers the task in state.
	task func(w http.ResponseWriter, state string)
}

// outageAPIs returns the VCAV and vSphere adapters.
func outageAPIs() []outageAPI {
	return []outageAPI{
		{
			name: "vcav", tokenHeader: "X-VCAV-Auth", loginRoute: "POST /sessions", taskRoute: "GET /tasks/{id}",
			taskID: vcavTaskID, tokens: [2]string{vcavToken, vcavToken2},
			login: func(r *http.Request) (string, bool) {
				b, _ := io.ReadAll(r.Body)
				var body map[string]string
				_ = json.Unmarshal(b, &body)
				return string(b), body["type"] == "localUser" && body["localUser"] == "root" && body["localPassword"] == vcavPassword
			},
			issue: func(w http.ResponseWriter, token string) {
				w.Header().Set("X-VCAV-Auth", token)
				writeJSON(w, 200, map[string]any{"user": "root", "roles": []string{"ADMINISTRATORS"}, "authenticatedSites": []any{}})
			},
			refuse:      func(w http.ResponseWriter, msg string) { writeJSON(w, 401, vcavErr("NotAuthenticated", msg)) },
			unavailable: func(w http.ResponseWriter) { writeRaw(w, 503, "text/html", "<html>Service Unavailable</html>") },
			notFound:    func(w http.ResponseWriter) { writeJSON(w, 404, vcavErr("TaskNotFound", "Task not found.")) },
			task:        func(w http.ResponseWriter, state string) { writeJSON(w, 200, vcavTask(state, 50)) },
		},
		{
			name: "vcha", tokenHeader: "vmware-api-session-id", loginRoute: "POST /api/session", taskRoute: "GET /api/cis/tasks/{id}",
			taskID: vchaTaskID, tokens: [2]string{vchaToken, vchaToken2},
			login: func(r *http.Request) (string, bool) {
				user, password, ok := r.BasicAuth()
				return r.Header.Get("Authorization"), ok && user == vchaUser && password == vchaPassword
			},
			issue:  func(w http.ResponseWriter, token string) { writeJSON(w, 201, token) },
			refuse: func(w http.ResponseWriter, msg string) { writeJSON(w, 401, vchaErr("UNAUTHENTICATED", msg)) },
			unavailable: func(w http.ResponseWriter) {
				writeJSON(w, 503, vchaErr("SERVICE_UNAVAILABLE", "Service not available."))
			},
			notFound: func(w http.ResponseWriter) { writeJSON(w, 404, vchaErr("NOT_FOUND", "Task not found.")) },
			task:     func(w http.ResponseWriter, state string) { writeJSON(w, 200, vchaTask(state, 50)) },
		},
	}
}

// outageFake replays a vCenter HA failover on a virtual clock that the
// injected timer advances: the task is RUNNING; from down the server
// answers 503; from refused its listener is closed (connection refused);
// from up it listens again without the old sessions (401 for the old
// token), a new login works, and the task read answers afterUp: a task
// state, "404" (the new node does not know the task) or "401" (no session
// is ever accepted again).
type outageFake struct {
	t                 *testing.T
	api               outageAPI
	down, refused, up time.Duration
	afterUp           string
	// loginFails makes every login after the outage fail (the password
	// was changed meanwhile).
	loginFails bool

	mu          sync.Mutex
	now         time.Duration
	srv         *httptest.Server
	addr        string
	sessions    map[string]bool
	tookOver    bool // the sessions were lost at up
	loginBodies []string
	refusedOld  int    // polls refused with 401 after the outage
	lastToken   string // token of the last task poll that was answered
}

// start starts the fake and returns its URL.
func (f *outageFake) start() string {
	f.sessions = map[string]bool{}
	f.srv = httptest.NewServer(f.handler())
	f.addr = f.srv.Listener.Addr().String()
	f.t.Cleanup(func() {
		f.mu.Lock()
		srv := f.srv
		f.mu.Unlock()
		if srv != nil {
			srv.Close()
		}
	})
	return f.srv.URL
}

// handler serves the login and the task read.
func (f *outageFake) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(f.api.loginRoute, f.login)
	mux.HandleFunc(f.api.taskRoute, f.task)
	return mux
}

// after is the injected timer: it advances the virtual clock by d, moves
// the server to the phase of the new time, and fires at once.
func (f *outageFake) after(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	f.now += d
	srv := f.srv
	closeIt := f.now >= f.refused && f.now < f.up && srv != nil
	takeOver := f.now >= f.up && !f.tookOver
	if closeIt {
		f.srv = nil
	}
	if takeOver {
		f.tookOver, f.sessions = true, map[string]bool{}
	}
	f.mu.Unlock()
	switch {
	case closeIt:
		srv.Close()
	case takeOver && srv == nil:
		f.reopen()
	}
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

// reopen listens again on the same address, as the new active node that
// took over the public IP.
func (f *outageFake) reopen() {
	l, err := net.Listen("tcp", f.addr)
	require.NoError(f.t, err, "listening again on %s", f.addr)
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: f.handler()}}
	srv.Start()
	f.mu.Lock()
	f.srv = srv
	f.mu.Unlock()
}

// phase returns the phase of the virtual clock: "up" before the outage,
// "503" during its first part, "back" after it.
func (f *outageFake) phase() string {
	switch {
	case f.now < f.down:
		return "up"
	case f.now < f.up:
		return "503"
	}
	return "back"
}

// login issues the first token before the outage and the second after it.
func (f *outageFake) login(w http.ResponseWriter, r *http.Request) {
	body, ok := f.api.login(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loginBodies = append(f.loginBodies, body)
	phase := f.phase()
	switch {
	case phase == "503":
		f.api.unavailable(w)
	case !ok || phase == "back" && f.loginFails:
		f.api.refuse(w, "Authentication failed for "+body)
	default:
		token := f.api.tokens[0]
		if phase == "back" {
			token = f.api.tokens[1]
		}
		f.sessions[token] = true
		f.api.issue(w, token)
	}
}

// task answers the task read according to the phase.
func (f *outageFake) task(w http.ResponseWriter, r *http.Request) {
	token := r.Header.Get(f.api.tokenHeader)
	f.mu.Lock()
	defer f.mu.Unlock()
	phase := f.phase()
	switch {
	case phase == "503":
		f.api.unavailable(w)
	case !f.sessions[token] || phase == "back" && f.afterUp == "401":
		if phase == "back" {
			f.refusedOld++
		}
		f.api.refuse(w, "Session "+token+" is not authenticated.")
	case phase == "up":
		f.lastToken = token
		f.api.task(w, "RUNNING")
	case f.afterUp == "404":
		f.api.notFound(w)
	default:
		f.lastToken = token
		f.api.task(w, f.afterUp)
	}
}

// logins returns the login request bodies received.
func (f *outageFake) logins() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.loginBodies...)
}
