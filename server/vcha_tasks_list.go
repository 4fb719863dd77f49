package server

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// maxListedTasks is the most tasks one list answers; more matches are a
// RESOURCE_INACCESSIBLE error, as the vendor documents.
const maxListedTasks = 1000

// Message ids of the task list's refusals (failoverkit's own).
const (
	msgListFilterRequired = "com.vmware.cis.tasks.list.filter_spec.required"
	msgListTooMany        = "com.vmware.cis.tasks.list.too_many"
)

// ListTasks answers POST /api/cis/tasks?action=list: the kept tasks that
// match filter_spec, by id. filter_spec must name tasks or services (400
// INVALID_ARGUMENT); fields combine with AND, values of one field with OR;
// users match in any login-name form; targets never match (VCHA tasks have
// none); unknown ids are left out; over 1000 matches: 500
// RESOURCE_INACCESSIBLE. Any session may list any task, as it may read one.
func (m *vchaMock) ListTasks(_ context.Context, req vcha.ListTasksRequestObject) (vcha.ListTasksResponseObject, error) {
	now := m.begin()
	defer m.mu.Unlock()
	var f vcha.CisTasksFilterSpec
	if req.Body != nil && req.Body.FilterSpec != nil {
		f = *req.Body.FilterSpec
	}
	if len(deref(f.Tasks)) == 0 && len(deref(f.Services)) == 0 {
		return vcha.ListTasks400JSONResponse(vapiError(vcha.StdErrorsErrorTypeINVALIDARGUMENT,
			vapiMessage(msgListFilterRequired, "filter_spec must name at least one task or one service."))), nil
	}
	out := vcha.ListTasks200JSONResponse{}
	for id, t := range m.tasks.byID {
		if !taskMatches(f, id, t, now) {
			continue
		}
		if len(out) == maxListedTasks {
			return vcha.ListTasks500JSONResponse(vapiError(vcha.StdErrorsErrorTypeRESOURCEINACCESSIBLE,
				vapiMessage(msgListTooMany, fmt.Sprintf("More than %d tasks match the filter.", maxListedTasks)))), nil
		}
		out[id] = vchaTaskInfo(t, now)
	}
	return out, nil
}

// taskMatches applies the filter to one task at now.
func taskMatches(f vcha.CisTasksFilterSpec, id string, t *vchaTask, now time.Time) bool {
	in := func(list *[]string, v string) bool { return len(deref(list)) == 0 || slices.Contains(*list, v) }
	switch {
	case !in(f.Tasks, id), !in(f.Services, t.kind.service), !in(f.Operations, t.kind.operation):
		return false
	case len(deref(f.Targets)) > 0:
		return false
	case len(deref(f.Status)) > 0 && !slices.Contains(*f.Status, vchaTaskStatus(t, now)):
		return false
	}
	if users := deref(f.Users); len(users) > 0 {
		owner := parseVSphereName(t.user)
		return slices.ContainsFunc(users, func(u string) bool { return parseVSphereName(u).equal(owner) })
	}
	return true
}

// deref returns *p, or nil.
func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}
