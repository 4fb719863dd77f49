package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// ListTasks answers GET /tasks: one page of the session user's tasks that
// run on the requested site (the local one by default) and match every
// filter, newest first (then by id); total counts every match. resourceType
// and state take comma-separated lists; user, sourceOrg, destinationOrg and
// operationID match exactly (the orgs are those of the VM or vApp
// replication a task acts on when the task started: a reverse's task keeps
// the orgs it started with, a removed replication's tasks still match).
func (m *vcavMock) ListTasks(ctx context.Context, req vcav.ListTasksRequestObject) (vcav.ListTasksResponseObject, error) {
	now := m.begin()
	defer m.end()
	site, refusal := m.checkSite(ctx, req.Params.Site)
	if refusal != nil {
		return nil, refusal.problem()
	}
	offset, limit, refusal := vcavPage(req.Params.Offset, req.Params.Limit)
	if refusal != nil {
		return nil, refusal.problem()
	}
	sess, _ := sessionFrom(ctx)
	var matched []*vcavTask
	for _, t := range m.tasks.byID {
		if t.user == sess.User.Name && t.subject.site == site && m.taskMatches(t, req.Params, now) {
			matched = append(matched, t)
		}
	}
	slices.SortFunc(matched, func(a, b *vcavTask) int {
		return cmp.Or(b.timing.Start.Compare(a.timing.Start), cmp.Compare(a.id, b.id))
	})
	page := vcav.QueryResultOfC4ApiTask{Items: []vcav.C4ApiTask{}, Offset: offset, Limit: limit, Total: int64(len(matched))}
	for i := int(offset); i < len(matched) && len(page.Items) < int(limit); i++ {
		page.Items = append(page.Items, m.listedTask(matched[i], now))
	}
	return vcav.ListTasks200JSONResponse(page), nil
}

// listedTask renders t at now with its result decoded, as GET /tasks
// lists it.
func (m *vcavMock) listedTask(t *vcavTask, now time.Time) vcav.C4ApiTask {
	v := vcavGenericTask(t, now)
	if r := t.result.Load(); r != nil {
		var buf bytes.Buffer
		if err := r.inflateTo(&buf); err == nil {
			v.Result = json.RawMessage(buf.Bytes())
		}
	}
	return v
}

// taskMatches reports whether t passes every filter of p at now. The
// caller holds m.mu.
func (m *vcavMock) taskMatches(t *vcavTask, p vcav.ListTasksParams, now time.Time) bool {
	inList := func(list *string, v string) bool {
		return list == nil || slices.Contains(strings.Split(*list, ","), v)
	}
	start := t.timing.Start.UnixMilli()
	switch {
	case !inList(p.ResourceType, t.kind.resourceType), !inList(p.State, string(vcavTaskState(t, now))):
		return false
	case p.User != nil && *p.User != t.user, p.OperationID != nil && *p.OperationID != t.subject.corrID:
		return false
	case p.StartTimeAfter != nil && start <= *p.StartTimeAfter, p.StartTimeBefore != nil && start >= *p.StartTimeBefore:
		return false
	}
	if p.SourceOrg == nil && p.DestinationOrg == nil {
		return true
	}
	orgs := t.subject.scope // [source, destination] when the task started
	return len(orgs) == 2 && (p.SourceOrg == nil || orgs[0] == *p.SourceOrg) && (p.DestinationOrg == nil || orgs[1] == *p.DestinationOrg)
}

// subjectOrgs returns the source and destination orgs of the VM or vApp
// replication id a task acts on; ok is false when there is none (a health
// check). The caller holds m.mu.
func (m *vcavMock) subjectOrgs(id string) (src, dst string, ok bool) {
	if r, found := m.repls[id]; found {
		return derefOr(vcavSrc(r).Org, ""), derefOr(vcavDst(r).Org, ""), true
	}
	a, found := m.vapps[id]
	if !found {
		return "", "", false
	}
	if a.info.Source != nil {
		src = derefOr(a.info.Source.Org, "")
	}
	if a.info.Destination != nil {
		dst = derefOr(a.info.Destination.Org, "")
	}
	return src, dst, true
}
