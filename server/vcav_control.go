package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// ReplicationState is what the control API and SetVCAVReplicationState set
// on a VM replication: its recovery state and, when given, whether it is
// paused. Fields left out keep their value.
type ReplicationState struct {
	RecoveryState vcav.RecoveryState `json:"recoveryState,omitempty"`
	IsPaused      *bool              `json:"isPaused,omitempty"`
}

// registerControl adds PUT /_failoverkit/vcav/replications/{id}, which sets
// a VM replication's recovery state and paused flag (body: a
// ReplicationState) and answers the replication as GET
// /vm-replications/{id} would.
func (m *vcavMock) registerControl(g *echo.Group) []string {
	g.PUT("/replications/:id", func(c echo.Context) error {
		body, err := readControlBody(c)
		if err != nil {
			return err
		}
		var st ReplicationState
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&st); err != nil {
			return &Problem{Kind: KindBadRequest, Message: "replication state: " + err.Error()}
		}
		r, err := m.setReplicationState(c.Param("id"), st)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, r)
	})
	return []string{"PUT /replications/{id}"}
}

// setReplicationState applies st to replication id and returns a copy of
// it: 404 for an unknown id, 400 for an unknown recovery state. Tasks that
// are running keep running; their effect applies when they end.
func (m *vcavMock) setReplicationState(id string, st ReplicationState) (vcav.SingleVmReplicationInfo, error) {
	valid := []vcav.RecoveryState{vcav.RecoveryStateNOTSTARTED, vcav.RecoveryStateINPROGRESS,
		vcav.RecoveryStateTEST, vcav.RecoveryStateCOMPLETE}
	if st.RecoveryState != "" && !slices.Contains(valid, st.RecoveryState) {
		return vcav.SingleVmReplicationInfo{}, &Problem{Kind: KindBadRequest,
			Message: fmt.Sprintf("recoveryState %q: want one of %v", st.RecoveryState, valid)}
	}
	now := m.begin()
	defer m.end()
	r, ok := m.repls[id]
	if !ok {
		return vcav.SingleVmReplicationInfo{}, newProblem(KindNotFound, "no VM replication %q", id)
	}
	if st.RecoveryState != "" {
		vcavSetRecoveryState(r, st.RecoveryState, now)
	}
	if st.IsPaused != nil {
		r.IsPaused = new(*st.IsPaused)
		r.LastUpdated = new(now.UnixMilli())
	}
	return vcavCloneReplication(r), nil
}

// SetVCAVReplicationState sets a VM replication's recovery state and paused
// flag (see ReplicationState), as PUT
// /_failoverkit/vcav/replications/{id} does, so a test can start from any
// state without loading a fixture.
func (m *Mock) SetVCAVReplicationState(id string, st ReplicationState) error {
	for _, a := range m.apis {
		if v, ok := a.sim.(*vcavMock); ok {
			_, err := v.setReplicationState(id, st)
			return err
		}
	}
	return fmt.Errorf("the mock does not serve VCAV")
}
