package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// The request bodies of com/vmware/vcenter/vcha_client.py Cluster.get as
// VMware's Python SDK (vsphere-automation-sdk-python 199b26f1) sends them,
// captured byte for byte: get(), get(partial=True) and get(vc_spec=
// CredentialsSpec(active_location=ConnectionSpec(...)), partial=False). Only
// the session id ({token}) is put in from this run. Likewise
// com/vmware/vcenter/vcha/cluster_client.py Active.get() and
// get(partial=True).
const (
	sdkActiveGet         = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.vcenter.vcha.cluster.active","operationId":"get","input":{"STRUCTURE":{"operation-input":{"vc_spec":{"OPTIONAL":null},"partial":{"OPTIONAL":null}}}},"ctx":{"appCtx":{"opId":"54f92f5d-ef8d-41b3-ab52-7b085a0642df"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"0"}`
	sdkActiveGetPartial  = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.vcenter.vcha.cluster.active","operationId":"get","input":{"STRUCTURE":{"operation-input":{"vc_spec":{"OPTIONAL":null},"partial":{"OPTIONAL":true}}}},"ctx":{"appCtx":{"opId":"f782c105-f6f1-4deb-956c-1a74bcc77241"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"1"}`
	sdkClusterGet        = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.vcenter.vcha.cluster","operationId":"get","input":{"STRUCTURE":{"operation-input":{"vc_spec":{"OPTIONAL":null},"partial":{"OPTIONAL":null}}}},"ctx":{"appCtx":{"opId":"412afc44-5ace-41ec-9679-a888755c7bd8"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"0"}`
	sdkClusterGetPartial = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.vcenter.vcha.cluster","operationId":"get","input":{"STRUCTURE":{"operation-input":{"vc_spec":{"OPTIONAL":null},"partial":{"OPTIONAL":true}}}},"ctx":{"appCtx":{"opId":"a5a509ba-5cbd-4bf5-b219-4b5deb34cf49"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"1"}`
	sdkClusterGetVcSpec  = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.vcenter.vcha.cluster","operationId":"get","input":{"STRUCTURE":{"operation-input":{"vc_spec":{"OPTIONAL":{"STRUCTURE":{"com.vmware.vcenter.vcha.credentials_spec":{"active_location":{"STRUCTURE":{"com.vmware.vcenter.vcha.connection_spec":{"hostname":"mgmt-vc.example.com","port":{"OPTIONAL":443},"ssl_thumbprint":{"OPTIONAL":"AA:BB"},"username":{"OPTIONAL":"administrator@vsphere.local"},"password":{"OPTIONAL":{"SECRET":"secret-pw"}}}}}}}}},"partial":{"OPTIONAL":false}}}},"ctx":{"appCtx":{"opId":"bd73530a-1de6-4aac-b06c-ea9a1ea3908a"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"2"}`
)

// sdkIPInfo is a Cluster.IpInfo of IPv4 address addr (/24) with gateway gw
// (JSON: null or a string).
func sdkIPInfo(addr, gw string) string {
	return `{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.ip_info":{"gateway_ip":{"OPTIONAL":` + gw + `},"ip_family":"IPV4",` +
		`"ipv4":{"OPTIONAL":{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.ipv4_info":{"address":"` + addr +
		`","prefix":{"OPTIONAL":24},"subnet_mask":"255.255.255.0"}}}},"ipv6":{"OPTIONAL":null}}}}`
}

// sdkRuntime is an optional Cluster.NodeRuntimeInfo; placement is JSON.
func sdkRuntime(state, role, placement string) string {
	return `{"OPTIONAL":{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.node_runtime_info":{"placement":{"OPTIONAL":` + placement +
		`},"role":{"OPTIONAL":"` + role + `"},"state":{"OPTIONAL":"` + state + `"}}}}}`
}

// sdkNode is an optional Cluster.NodeInfo of the default fixture: the
// shared failover IP, HA address haAddr, runtime rt.
func sdkNode(haAddr, rt string) string {
	return `{"OPTIONAL":{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.node_info":{"failover_ip":{"OPTIONAL":` +
		sdkIPInfo("192.168.110.10", `"192.168.110.1"`) + `},"ha_ip":` + sdkIPInfo(haAddr, "null") + `,"runtime":` + rt + `}}}}`
}

// sdkPlacement is the default fixture's PlacementInfo of one member.
func sdkPlacement(n int, vm, bios string) string {
	return `{"STRUCTURE":{"com.vmware.vcenter.vcha.placement_info":{"bios_uuid":{"OPTIONAL":"` + bios + `"},` +
		`"cluster":{"OPTIONAL":"domain-c8"},"cluster_name":{"OPTIONAL":"Cluster01"},"datacenter":"datacenter-3","datacenter_name":"DC01",` +
		`"ha_network":{"OPTIONAL":"dvportgroup-20"},"ha_network_name":{"OPTIONAL":"vcha-ha"},"ha_network_type":{"OPTIONAL":"DISTRIBUTED_PORTGROUP"},` +
		fmt.Sprintf(`"host":"host-%d","host_name":"esx0%d.example.com",`, 9+n, n) +
		`"management_network":"network-13","management_network_name":"VM Network","management_network_type":"STANDARD_PORTGROUP",` +
		`"management_vcenter_name":"vcsa-mgmt.example.com","management_vcenter_server_guid":{"OPTIONAL":"8c1e3f4a-5b6d-4e7f-9a0b-1c2d3e4f5a6b"},` +
		fmt.Sprintf(`"storage":{"STRUCTURE":{"com.vmware.vcenter.vcha.disk_info":{"datastore":"datastore-%d","datastore_name":"datastore%d"}}},`, 13+n, n) +
		`"vm_name":"` + vm + `"}}}`
}

// sdkClusterAnswer is the answer of Cluster.get as the SDK's deserializer
// accepted it (com.vmware.vcenter.vcha.cluster.info): health and whether
// failover is allowed, the warnings (JSON), the three members' runtimes.
func sdkClusterAnswer(id, health string, allowed bool, warnings, rt1, rt2, rtw string) string {
	return `{"id":"` + id + `","jsonrpc":"2.0","result":{"output":{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.info":{` +
		fmt.Sprintf(`"auto_failover_allowed":{"OPTIONAL":%t},"manual_failover_allowed":{"OPTIONAL":%t},`, allowed, allowed) +
		`"config_state":{"OPTIONAL":"CONFIGURED"},"health_exception":{"OPTIONAL":null},"health_state":{"OPTIONAL":"` + health + `"},` +
		`"health_warnings":{"OPTIONAL":` + warnings + `},"mode":{"OPTIONAL":"ENABLED"},` +
		`"node1":` + sdkNode("192.168.111.11", rt1) + `,"node2":` + sdkNode("192.168.111.12", rt2) +
		`,"witness":{"OPTIONAL":{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.witness_info":{"ha_ip":` +
		sdkIPInfo("192.168.111.13", "null") + `,"runtime":` + rtw + `}}}}}}}}}`
}

// sdkPassiveDown is health_warnings once the old active (node1) is down.
const sdkPassiveDown = `[{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.error_condition":{` +
	`"error":{"STRUCTURE":{"com.vmware.vapi.std.localizable_message":{"args":[],"default_message":"The passive node (node1) is down.",` +
	`"id":"com.vmware.vcenter.vcha.cluster.health.passive_down","localized":{"OPTIONAL":null},"params":{"OPTIONAL":null}}}},` +
	`"recommendation":{"OPTIONAL":{"STRUCTURE":{"com.vmware.vapi.std.localizable_message":{"args":[],` +
	`"default_message":"Power on the passive node or redeploy it.","id":"com.vmware.vcenter.vcha.cluster.health.passive_down.recommendation",` +
	`"localized":{"OPTIONAL":null},"params":{"OPTIONAL":null}}}}}}}}]`

// TestVCHAJSONRPC_PythonSDKClusterGet replays the Python SDK's health check
// around a failover (tools/pysdk/replay.py does the same with the real
// SDK): Cluster.get() with the members' placement, get(partial=True)
// without it, failover_task, get(partial=True) again with the roles
// swapped, as the REST twin reads them. Each answer is exactly what the
// SDK's deserializer accepted.
func TestVCHAJSONRPC_PythonSDKClusterGet(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(3*time.Second))
	token := rpcLogin(t, tm)
	full := sdkClusterAnswer("0", "HEALTHY", true, "null",
		sdkRuntime("UP", "ACTIVE", sdkPlacement(1, "vcsa01", "4230a1b2-c3d4-e5f6-0718-293a4b5c6d7e")),
		sdkRuntime("UP", "PASSIVE", sdkPlacement(2, "vcsa01-peer", "4230c9d8-e7f6-a5b4-1c2d-3e4f5a6b7c8d")),
		sdkRuntime("UP", "WITNESS", sdkPlacement(3, "vcsa01-witness", "4230e1f2-a3b4-c5d6-7e8f-9a0b1c2d3e4f")))
	assert.JSONEq(t, full, string(rpcCall(t, tm, sdkBody(sdkClusterGet, token, ""))))
	assert.JSONEq(t, sdkClusterAnswer("1", "HEALTHY", true, "null", sdkRuntime("UP", "ACTIVE", "null"),
		sdkRuntime("UP", "PASSIVE", "null"), sdkRuntime("UP", "WITNESS", "null")),
		string(rpcCall(t, tm, sdkBody(sdkClusterGetPartial, token, ""))))

	raw := rpcCall(t, tm, sdkBody(sdkClusterGetVcSpec, token, ""))
	assert.JSONEq(t, strings.Replace(full, `"id":"0"`, `"id":"2"`, 1), string(raw), "vc_spec is accepted, as on REST")
	assert.NotContains(t, string(raw), "secret-pw")

	rpcCall(t, tm, sdkBody(sdkFailover, token, ""))
	tm.clock.Advance(3 * time.Second)
	assert.JSONEq(t, sdkClusterAnswer("1", "DEGRADED", false, sdkPassiveDown, sdkRuntime("DOWN", "PASSIVE", "null"),
		sdkRuntime("UP", "ACTIVE", "null"), sdkRuntime("UP", "WITNESS", "null")),
		string(rpcCall(t, tm, sdkBody(sdkClusterGetPartial, token, ""))))
	rest := getCluster(t, tm, token)
	n1, n2 := roles(rest)
	assert.Equal(t, [2]vcha.VchaClusterNodeRole{vcha.VchaClusterNodeRolePASSIVE, vcha.VchaClusterNodeRoleACTIVE}, [2]vcha.VchaClusterNodeRole{n1, n2})
	assert.Equal(t, vcha.VchaClusterClusterStateDEGRADED, *rest.HealthState, "the REST twin reads the same")
}

// sdkIPSpec is an IpSpec of IPv4 address addr (/24) with gateway gw (JSON).
func sdkIPSpec(addr, gw string) string {
	return `{"STRUCTURE":{"com.vmware.vcenter.vcha.ip_spec":{"default_gateway":{"OPTIONAL":` + gw + `},"dns_servers":{"OPTIONAL":null},` +
		`"ip_family":"IPV4","ipv4":{"OPTIONAL":{"STRUCTURE":{"com.vmware.vcenter.vcha.ipv4_spec":{"address":"` + addr +
		`","prefix":{"OPTIONAL":24},"subnet_mask":{"OPTIONAL":"255.255.255.0"}}}}},"ipv6":{"OPTIONAL":null}}}}`
}

// sdkActiveAnswer is the answer of cluster.Active.get as the SDK's
// deserializer accepted it (com.vmware.vcenter.vcha.cluster.active.info):
// the shared management address, the active node's HA address and
// placement (JSON).
func sdkActiveAnswer(id, haAddr, placement string) string {
	return `{"id":"` + id + `","jsonrpc":"2.0","result":{"output":{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.active.info":{` +
		`"ha":{"OPTIONAL":` + sdkIPSpec(haAddr, "null") + `},"management":` + sdkIPSpec("192.168.110.10", `"192.168.110.1"`) +
		`,"placement":{"OPTIONAL":` + placement + `}}}}}}`
}

// TestVCHAJSONRPC_PythonSDKActiveGet replays the Python SDK's
// cluster.Active.get() and get(partial=True) before and after a failover
// (tools/pysdk/replay.py does the same with the real SDK): the active node
// moves from node1 to node2, as the REST twin reads it; without
// Global.VCServer only the partial read is allowed.
func TestVCHAJSONRPC_PythonSDKActiveGet(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(3*time.Second))
	token := rpcLogin(t, tm)
	assert.JSONEq(t, sdkActiveAnswer("0", "192.168.111.11", sdkPlacement(1, "vcsa01", "4230a1b2-c3d4-e5f6-0718-293a4b5c6d7e")),
		string(rpcCall(t, tm, sdkBody(sdkActiveGet, token, ""))))
	assert.JSONEq(t, sdkActiveAnswer("1", "192.168.111.11", "null"), string(rpcCall(t, tm, sdkBody(sdkActiveGetPartial, token, ""))))

	rpcCall(t, tm, sdkBody(sdkFailover, token, ""))
	tm.clock.Advance(3 * time.Second)
	assert.JSONEq(t, sdkActiveAnswer("0", "192.168.111.12", sdkPlacement(2, "vcsa01-peer", "4230c9d8-e7f6-a5b4-1c2d-3e4f5a6b7c8d")),
		string(rpcCall(t, tm, sdkBody(sdkActiveGet, token, ""))))
	status, raw, _ := do(t, tm.vchaHC, "POST", vchaURL(tm, "/api/vcenter/vcha/cluster/active?action=get"), "{}", "vmware-api-session-id", token)
	require.Equal(t, http.StatusOK, status, string(raw))
	assert.Contains(t, string(raw), `"address":"192.168.111.12"`, "the REST twin reads the same active node")

	ro := vchaLogin(t, tm, vchaReadonly)
	assert.Equal(t, "com.vmware.vapi.std.errors.unauthorized", rpcVapiErr(t, rpcCall(t, tm, sdkBody(sdkActiveGet, ro, ""))).name)
	assert.JSONEq(t, sdkActiveAnswer("1", "192.168.111.12", "null"), string(rpcCall(t, tm, sdkBody(sdkActiveGetPartial, ro, ""))))
}
