package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/spec"
)

// The control API lives under ControlPrefix on both listeners. It is not part
// of either vendor spec and can be switched off (Config.DisableControl). It
// lets tests in any language reset the mock, load state, read the request
// log and inject faults:
//
//	GET    /_failoverkit/            this index
//	POST   /_failoverkit/reset       back to the startup fixture (?to=last: the last loaded); ends sessions, clears faults and log
//	GET    /_failoverkit/state       current state in fixture form (no passwords; loadable with PUT /fixture)
//	PUT    /_failoverkit/fixture     load a fixture (YAML or JSON body)
//	GET    /_failoverkit/requests    the request log, oldest first (?method=&operationId=&user=&status=)
//	GET    /_failoverkit/requests/summary  counts of the same, by operation and status
//	DELETE /_failoverkit/requests    clear the request log
//	GET    /_failoverkit/faults      active faults
//	POST   /_failoverkit/faults      add a fault (JSON Fault)
//	DELETE /_failoverkit/faults      clear faults
//	DELETE /_failoverkit/faults/{id} remove one fault
//	GET    /_failoverkit/outage      each API's current or last outage
//	POST   /_failoverkit/outage      start an outage: {"api": "...", "duration": "30s", "reset": "10s"}
//	DELETE /_failoverkit/outage      end every outage now
func (m *Mock) registerControl(e *echo.Echo) {
	g := e.Group(ControlPrefix, m.guardControl)
	g.GET("", m.controlIndex)
	g.GET("/", m.controlIndex)
	g.POST("/reset", m.controlReset)
	g.GET("/state", func(c echo.Context) error { return c.JSON(http.StatusOK, m.State()) })
	g.PUT("/fixture", m.controlLoadFixture)
	g.GET("/requests", func(c echo.Context) error {
		f, err := requestFilterOf(c)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, m.RequestsMatching(f))
	})
	g.GET("/requests/summary", func(c echo.Context) error {
		f, err := requestFilterOf(c)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, summarize(m.RequestsMatching(f)))
	})
	g.DELETE("/requests", func(c echo.Context) error {
		m.requests.clear()
		return c.NoContent(http.StatusNoContent)
	})
	g.GET("/faults", func(c echo.Context) error { return c.JSON(http.StatusOK, m.Faults()) })
	g.POST("/faults", m.controlAddFault)
	g.DELETE("/faults", func(c echo.Context) error {
		m.ClearFaults()
		return c.NoContent(http.StatusNoContent)
	})
	g.DELETE("/faults/:id", func(c echo.Context) error {
		if !m.RemoveFault(c.Param("id")) {
			return newProblem(KindNotFound, "no active fault %q", c.Param("id"))
		}
		return c.NoContent(http.StatusNoContent)
	})
	for _, a := range m.apis {
		if ext, ok := a.sim.(controlExtender); ok {
			for _, l := range ext.registerControl(g.Group("/" + string(a.def.api))) {
				method, path, _ := strings.Cut(l, " ")
				m.apiControl = append(m.apiControl, method+" "+ControlPrefix+"/"+string(a.def.api)+path)
			}
		}
	}
	g.GET("/outage", func(c echo.Context) error { return c.JSON(http.StatusOK, m.Outages()) })
	g.POST("/outage", m.controlStartOutage)
	g.DELETE("/outage", func(c echo.Context) error {
		m.EndOutage()
		return c.NoContent(http.StatusNoContent)
	})
}

func (m *Mock) controlIndex(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string][]string{"endpoints": append([]string{
		"POST " + ControlPrefix + "/reset",
		"GET " + ControlPrefix + "/state",
		"PUT " + ControlPrefix + "/fixture",
		"GET " + ControlPrefix + "/requests",
		"GET " + ControlPrefix + "/requests/summary",
		"DELETE " + ControlPrefix + "/requests",
		"GET " + ControlPrefix + "/faults",
		"POST " + ControlPrefix + "/faults",
		"DELETE " + ControlPrefix + "/faults",
		"DELETE " + ControlPrefix + "/faults/{id}",
		"GET " + ControlPrefix + "/outage",
		"POST " + ControlPrefix + "/outage",
		"DELETE " + ControlPrefix + "/outage",
	}, m.apiControlIndex()...)})
}

func readControlBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, controlBodyLimit))
	if err != nil {
		return nil, &Problem{Kind: KindTooLarge, Message: fmt.Sprintf("control request body over %d bytes", controlBodyLimit)}
	}
	return body, nil
}

func (m *Mock) controlLoadFixture(c echo.Context) error {
	body, err := readControlBody(c)
	if err != nil {
		return err
	}
	doc, err := m.withKeptPasswords(body)
	if err != nil {
		return &Problem{Kind: KindBadRequest, Message: err.Error() + curlHint(body)}
	}
	f, err := ParseFixture(doc)
	if err != nil {
		return &Problem{Kind: KindBadRequest, Message: err.Error() + curlHint(body)}
	}
	if err := m.LoadFixture(f); err != nil {
		return &Problem{Kind: KindBadRequest, Message: err.Error()}
	}
	return c.NoContent(http.StatusNoContent)
}

func (m *Mock) controlAddFault(c echo.Context) error {
	body, err := readControlBody(c)
	if err != nil {
		return err
	}
	var f Fault
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return &Problem{Kind: KindBadRequest, Message: "fault: " + err.Error()}
	}
	id, err := m.AddFault(f)
	if err != nil {
		return &Problem{Kind: KindBadRequest, Message: err.Error()}
	}
	f.ID = id
	return c.JSON(http.StatusCreated, f)
}

// outageRequest is the body of POST /_failoverkit/outage.
type outageRequest struct {
	API      spec.API `json:"api"`
	Duration Duration `json:"duration"`
	// Reset is the first part of the outage that resets connections.
	Reset Duration `json:"reset,omitempty"`
}

func (m *Mock) controlStartOutage(c echo.Context) error {
	body, err := readControlBody(c)
	if err != nil {
		return err
	}
	var req outageRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return &Problem{Kind: KindBadRequest, Message: "outage: " + err.Error()}
	}
	if err := m.StartOutageWithReset(req.API, time.Duration(req.Duration), time.Duration(req.Reset)); err != nil {
		return &Problem{Kind: KindBadRequest, Message: err.Error()}
	}
	return c.JSON(http.StatusCreated, m.Outages())
}

// apiControlIndex lists the APIs' own control endpoints (registered once per
// listener, so each line is listed once).
func (m *Mock) apiControlIndex() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range m.apiControl {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}
