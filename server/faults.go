package server

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// TaskFault makes the task an operation starts misbehave.
type TaskFault string

// Task faults.
const (
	// TaskFails makes the task end FAILED (with TaskError as its message).
	TaskFails TaskFault = "fail"
	// TaskHangs makes the task stay RUNNING forever.
	TaskHangs TaskFault = "hang"
)

// Fault changes how the mock answers one operation. Set it with WithFault,
// Mock.InjectFault, or POST /_failoverkit/faults.
type Fault struct {
	// ID names the fault once added (InjectFault returns it); DELETE
	// /_failoverkit/faults/{id} or RemoveFault removes it.
	ID string `json:"id,omitempty"`
	// API is "vcav" or "vcha".
	API spec.API `json:"api"`
	// OperationID is the spec's operationId, e.g. failoverVmReplication or
	// failoverVchaClusterAsync; it must be an operation of API's spec.
	OperationID string `json:"operationId"`
	// Status, when set, answers the operation with this HTTP status instead
	// of running it: a final status (200 to 599). The body is Body, or else
	// a vendor-shaped error (none for 204 and 304).
	Status int `json:"status,omitempty"`
	// Body is sent verbatim with Status (as application/json). It must fit
	// the answer the spec declares for Status (or its default answer), and
	// is refused with a status whose answer has no body.
	Body json.RawMessage `json:"body,omitempty"`
	// Latency delays the answer.
	Latency Duration `json:"latency,omitempty"`
	// Task makes the task the operation starts fail or hang.
	Task TaskFault `json:"task,omitempty"`
	// TaskError is the failed task's message (default: "injected fault").
	TaskError string `json:"taskError,omitempty"`
	// Times limits how many requests the fault hits; 0 means until cleared.
	Times int `json:"times,omitempty"`
}

// Duration is a time.Duration that reads and writes as "1.5s" in JSON and YAML.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"250ms\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("bad duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

func (f Fault) validate() error {
	if _, err := spec.ParseAPI(string(f.API)); err != nil {
		return fmt.Errorf("fault api: %w", err)
	}
	if f.OperationID == "" {
		return fmt.Errorf("fault operationId is required")
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return fmt.Errorf("fault status %d is not a final HTTP status (200 to 599)", f.Status)
	}
	if len(f.Body) > 0 && !json.Valid(f.Body) {
		return fmt.Errorf("fault body is not valid JSON")
	}
	if len(f.Body) > 0 && (f.Status == 0 || f.Status == 204 || f.Status == 304) {
		return fmt.Errorf("fault body needs a status whose answer has a body (not %d)", f.Status)
	}
	switch f.Task {
	case "", TaskFails, TaskHangs:
	default:
		return fmt.Errorf("fault task %q: want fail or hang", f.Task)
	}
	if f.Latency < 0 || f.Times < 0 {
		return fmt.Errorf("fault latency and times must not be negative")
	}
	if f.Status == 0 && f.Task == "" && f.Latency == 0 {
		return fmt.Errorf("fault does nothing: set status, latency or task")
	}
	return nil
}

// MaxFaults bounds how many faults are active at once.
const MaxFaults = 256

// faultSet holds the active faults. The first matching fault wins.
type faultSet struct {
	mu     sync.Mutex
	faults []*Fault
	next   int
}

// add keeps f; see insert.
func (s *faultSet) add(f Fault) error {
	_, err := s.insert(f)
	return err
}

// insert gives f an id, keeps it and returns the id.
func (s *faultSet) insert(f Fault) (string, error) {
	if err := f.validate(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) >= MaxFaults {
		return "", fmt.Errorf("%d faults are active, the most the mock keeps: remove some first", MaxFaults)
	}
	s.next++
	f.ID = fmt.Sprintf("fault-%d", s.next)
	s.faults = append(s.faults, &f)
	return f.ID, nil
}

// remove drops the fault with this id and reports whether it was there.
func (s *faultSet) remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.ID == id {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return true
		}
	}
	return false
}

// take returns the fault for the operation, counting one use of it.
func (s *faultSet) take(api spec.API, opID string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.API != api || f.OperationID != opID {
			continue
		}
		out := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		return out, true
	}
	return Fault{}, false
}

func (s *faultSet) list() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = *f
	}
	return out
}

func (s *faultSet) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}
