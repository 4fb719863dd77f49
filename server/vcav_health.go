package server

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcav3xMediaTypes are the vendor media types of the 3.x generation, whose
// GET /diagnostics/health answers the health itself.
var vcav3xMediaTypes = []string{"application/vnd.vmware.h4-v3+json", "application/vnd.vmware.h4-v3.5+json"}

// GetHealth answers GET /diagnostics/health as the generation the client
// asks for (failoverkit choice, see the spec): an Accept of a 3.x vendor
// type gets 200 with the CloudHealthInfo; any other gets 202 with a health
// task, exactly like POST /diagnostics/health (the Ansible VCDA module
// requires that).
func (m *vcavMock) GetHealth(ctx context.Context, req vcav.GetHealthRequestObject) (vcav.GetHealthResponseObject, error) {
	taskID := uuid.NewString()
	now := m.begin()
	defer m.end()
	mt := negotiatedFrom(ctx)
	for _, v3 := range vcav3xMediaTypes {
		if strings.EqualFold(mt, v3) {
			return vcav.GetHealth200JSONResponse(m.cloudHealth(now)), nil
		}
	}
	t := m.startHealth(ctx, taskID, now, req.Params.OperationID)
	return vcav.GetHealth202JSONResponse(vcavGenericTask(t, now)), nil
}

// CheckHealth answers POST /diagnostics/health with 202 and a health task,
// whose result is the CloudHealthInfo when it succeeds.
func (m *vcavMock) CheckHealth(ctx context.Context, req vcav.CheckHealthRequestObject) (vcav.CheckHealthResponseObject, error) {
	taskID := uuid.NewString()
	now := m.begin()
	defer m.end()
	t := m.startHealth(ctx, taskID, now, req.Params.OperationID)
	return vcav.CheckHealth202JSONResponse(vcavGenericTask(t, now)), nil
}

// startHealth starts a health task. The caller holds m.mu.
func (m *vcavMock) startHealth(ctx context.Context, id string, now time.Time, opID *string) *vcavTask {
	return m.startTask(ctx, id, now, vcavHealthKind, taskSubject{corrID: derefOr(opID, "")}, m.healthEffect())
}

// cloudHealth is the fixture's health at now: its currentTime is now, and
// the product fields it leaves out are the about information's. The
// caller holds m.mu.
func (m *vcavMock) cloudHealth(now time.Time) vcav.CloudHealthInfo {
	var h vcav.CloudHealthInfo
	if m.health != nil {
		h = *m.health
	}
	about := m.aboutInfo()
	if h.ProductName == nil {
		h.ProductName = new(about.ProductName)
	}
	if h.BuildVersion == nil {
		h.BuildVersion = new(about.BuildVersion)
	}
	if h.BuildDate == nil {
		h.BuildDate = new(about.BuildDate)
	}
	if h.InstanceId == nil {
		h.InstanceId = new(about.InstanceId)
	}
	if h.ManagerHealth == nil {
		h.ManagerHealth = &vcav.ManagerHealth{OfflineReplicators: &[]string{}}
	}
	if h.TunnelConnectivity == nil {
		h.TunnelConnectivity = &[]vcav.TunnelConnectivity{}
	}
	h.CurrentTime = new(now.UnixMilli())
	return h
}
