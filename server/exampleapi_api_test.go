package server

import (
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/spec"
)

// A tiny third API, declared the way vcav_api.go and vcha_api.go declare
// theirs, in test files only: its spec (testdata/exampleapi/example.yaml)
// registered with spec.Register, its declaration (exampleAPI), its
// simulation (exampleSim) with one asynchronous operation, a task kind
// plus its effect. exampleapi_test.go serves it beside the built-in APIs.
// Nothing here needed an edit of a shared file.

// exampleSpec registers the example API's document once per test binary.
var exampleSpec = sync.OnceValue(func() spec.API {
	b, err := os.ReadFile("testdata/exampleapi/example.yaml")
	if err != nil {
		panic(err)
	}
	return spec.Register(spec.Info{API: "example", Title: "Example", YAML: b, ErrorSchema: "Error", ErrorCodeField: "code"})
})

// exampleAPI declares the example API: no fixture section, a test address.
func exampleAPI() *apiDef {
	return &apiDef{
		api: exampleSpec(), defaultAddr: "127.0.0.1:0", addrHelp: "example API listen address",
		newSim: func(e *env) simulator { return newExampleSim(e) },
	}
}

// withAPIs makes the mock serve defs instead of the built-in APIs.
func withAPIs(defs ...*apiDef) Option {
	return func(cfg *Config, _ *[]Fault) { cfg.apis = defs }
}

// exampleError is the example API's error body.
type exampleError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// exampleJob is a job task as the example API renders it.
type exampleJob struct {
	ID    string        `json:"id"`
	User  string        `json:"user"`
	State string        `json:"state"`
	Error *exampleError `json:"error,omitempty"`
}

// exampleKind is the example API's task kind: the name of its operation.
type exampleKind struct{ name string }

// exampleJobKind is the task of startJob; its effect counts the job.
var exampleJobKind = &exampleKind{name: "job"}

type exampleTask = task[*exampleKind, exampleError]

// exampleSim simulates the example API: a counter of succeeded jobs.
type exampleSim struct {
	env   *env
	mu    sync.Mutex
	count int
	tasks *taskEngine[*exampleKind, exampleError]
}

func newExampleSim(e *env) *exampleSim {
	s := &exampleSim{env: e}
	s.clear()
	return s
}

func (s *exampleSim) clear() {
	s.count = 0
	s.tasks = newTaskEngine[*exampleKind](s.env.taskRetention, nil, func(text string) exampleError {
		return exampleError{Code: "Injected", Message: text}
	})
}

func (s *exampleSim) api() spec.API { return exampleSpec() }

func (s *exampleSim) writeProblem(c echo.Context, p *Problem) error {
	return c.JSON(statusOf(p), exampleError{Code: "Problem" + http.StatusText(statusOf(p)), Message: p.Message})
}

func (s *exampleSim) load(*Fixture) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
	return nil
}

func (s *exampleSim) snapshot(*Fixture) {}

func (s *exampleSim) register(e *echo.Echo) {
	e.POST("/session", s.login)
	e.POST("/jobs", s.startJob)
	e.GET("/jobs/:id", s.getJob)
	e.GET("/counter", s.getCounter)
}

// begin locks the simulation and finishes the tasks that are due.
func (s *exampleSim) begin() time.Time {
	s.mu.Lock()
	now := s.env.clock.Now()
	s.tasks.advance(now)
	return now
}

func (s *exampleSim) login(c echo.Context) error {
	var body struct {
		User string `json:"user"`
	}
	if err := c.Bind(&body); err != nil {
		return err
	}
	token, _, err := s.env.sessions.create(User{Name: body.User})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"token": token})
}

func (s *exampleSim) startJob(c echo.Context) error {
	now := s.begin()
	defer s.mu.Unlock()
	t := s.tasks.start(c.Request().Context(), &exampleTask{
		id: uuid.NewString(), kind: exampleJobKind,
		timing: taskTiming{Start: now, Duration: s.env.taskDuration},
		effect: taskEffect{succeed: func(time.Time) []byte { s.count++; return nil }},
	})
	return c.JSON(http.StatusAccepted, exampleRender(t))
}

func (s *exampleSim) getJob(c echo.Context) error {
	s.begin()
	defer s.mu.Unlock()
	t, ok := s.tasks.get(c.Param("id"))
	if !ok {
		return newProblem(KindNotFound, "no job %s", c.Param("id"))
	}
	return c.JSON(http.StatusOK, exampleRender(t))
}

func (s *exampleSim) getCounter(c echo.Context) error {
	s.begin()
	defer s.mu.Unlock()
	return c.JSON(http.StatusOK, map[string]int{"count": s.count})
}

func exampleRender(t *exampleTask) exampleJob {
	j := exampleJob{ID: t.id, User: t.user, State: "RUNNING"}
	switch {
	case t.done && t.failure != nil:
		j.State, j.Error = "FAILED", t.failure
	case t.done:
		j.State = "SUCCEEDED"
	}
	return j
}
