package server

import (
	"context"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// GetVappReplicationsSummary answers GET /vapp-replications/summary: the
// counts of VappReplicationsSummary over every vApp replication and its VMs
// (the schema is a failoverkit choice, see spec/vcav.yaml).
func (m *vcavMock) GetVappReplicationsSummary(ctx context.Context, req vcav.GetVappReplicationsSummaryRequestObject) (vcav.GetVappReplicationsSummaryResponseObject, error) {
	m.begin()
	defer m.end()
	if _, refusal := m.checkSite(ctx, req.Params.Site); refusal != nil {
		return nil, refusal.problem()
	}
	var s vcav.VappReplicationsSummary
	for _, id := range m.vappOrder {
		a := m.vapps[id]
		s.VappReplications++
		vcavCountHealth(&s.OverallHealth, a.info.OverallHealth)
		for _, cid := range a.children {
			r, ok := m.repls[cid]
			if !ok {
				continue
			}
			s.VmReplications++
			if r.IsPaused != nil && *r.IsPaused {
				s.PausedVmReplications++
			}
			vcavCountRecoveryState(&s.RecoveryStates, vcavRecoveryStateOf(r))
		}
	}
	return vcav.GetVappReplicationsSummary200JSONResponse(s), nil
}

// vcavCountHealth counts one vApp of health h (none: not counted).
func vcavCountHealth(c *vcav.HealthCounts, h *vcav.VappReplicationInfoOverallHealth) {
	if h == nil {
		return
	}
	switch *h {
	case vcav.VappReplicationInfoOverallHealthGREEN:
		c.GREEN++
	case vcav.VappReplicationInfoOverallHealthYELLOW:
		c.YELLOW++
	case vcav.VappReplicationInfoOverallHealthRED:
		c.RED++
	}
}

// vcavCountRecoveryState counts one VM in recovery state st.
func vcavCountRecoveryState(c *vcav.RecoveryStateCounts, st vcav.RecoveryState) {
	switch st {
	case vcav.RecoveryStateNOTSTARTED:
		c.NOTSTARTED++
	case vcav.RecoveryStateTEST:
		c.TEST++
	case vcav.RecoveryStateINPROGRESS:
		c.INPROGRESS++
	case vcav.RecoveryStateCOMPLETE:
		c.COMPLETE++
	}
}
