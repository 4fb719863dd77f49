package server

// The vAPI types of com.vmware.vcenter.vcha.cluster get and
// com.vmware.vcenter.vcha.cluster.active get, from the Python bindings
// com/vmware/vcenter/vcha_client.py and com/vmware/vcenter/vcha/cluster_client.py
// (vsphere-automation-sdk-python 199b26f1): their common input, vc_spec
// (CredentialsSpec, ConnectionSpec) and partial, and the outputs
// Cluster.Info and Active.Info with the structures they reference. Enums
// and ids are plain strings.
var tClusterGetInput, tClusterInfo, tActiveInfo = vchaClusterTypes()

func vchaClusterTypes() (input, info, active *vapiType) {
	conn := structure("com.vmware.vcenter.vcha.connection_spec", "hostname", tString, "port", optional(tInt),
		"ssl_thumbprint", optional(tString), "username", optional(tString), "password", optional(tSecret))
	creds := structure("com.vmware.vcenter.vcha.credentials_spec", "active_location", conn)
	input = structure("operation-input", "vc_spec", optional(creds), "partial", optional(tBool))

	runtime := structure("com.vmware.vcenter.vcha.cluster.node_runtime_info",
		"state", optional(tString), "role", optional(tString), "placement", optional(vchaPlacementInfo()))
	ip := vchaIPInfo()
	node := structure("com.vmware.vcenter.vcha.cluster.node_info",
		"failover_ip", optional(ip), "ha_ip", ip, "runtime", optional(runtime))
	witness := structure("com.vmware.vcenter.vcha.cluster.witness_info", "ha_ip", ip, "runtime", optional(runtime))
	cond := structure("com.vmware.vcenter.vcha.cluster.error_condition",
		"error", tLocalizableMessage, "recommendation", optional(tLocalizableMessage))
	info = structure("com.vmware.vcenter.vcha.cluster.info",
		"config_state", optional(tString), "node1", optional(node), "node2", optional(node),
		"witness", optional(witness), "mode", optional(tString), "health_state", optional(tString),
		"health_exception", optional(listOf(tLocalizableMessage)), "health_warnings", optional(listOf(cond)),
		"manual_failover_allowed", optional(tBool), "auto_failover_allowed", optional(tBool))
	active = structure("com.vmware.vcenter.vcha.cluster.active.info",
		"management", vchaIPSpec(), "ha", optional(vchaIPSpec()), "placement", optional(vchaPlacementInfo()))
	return input, info, active
}

// vchaIPSpec is IpSpec (the active node's addresses).
func vchaIPSpec() *vapiType {
	v4 := structure("com.vmware.vcenter.vcha.ipv4_spec",
		"address", tString, "subnet_mask", optional(tString), "prefix", optional(tInt))
	v6 := structure("com.vmware.vcenter.vcha.ipv6_spec", "address", tString, "prefix", tInt)
	return structure("com.vmware.vcenter.vcha.ip_spec", "ip_family", tString, "ipv4", optional(v4),
		"ipv6", optional(v6), "default_gateway", optional(tString), "dns_servers", optional(listOf(tString)))
}

// vchaIPInfo is Cluster.IpInfo.
func vchaIPInfo() *vapiType {
	v4 := structure("com.vmware.vcenter.vcha.cluster.ipv4_info",
		"address", tString, "subnet_mask", tString, "prefix", optional(tInt))
	v6 := structure("com.vmware.vcenter.vcha.cluster.ipv6_info", "address", tString, "prefix", tInt)
	return structure("com.vmware.vcenter.vcha.cluster.ip_info", "ip_family", tString,
		"ipv4", optional(v4), "ipv6", optional(v6), "gateway_ip", optional(tString))
}

// vchaPlacementInfo is PlacementInfo (with DiskInfo).
func vchaPlacementInfo() *vapiType {
	disk := structure("com.vmware.vcenter.vcha.disk_info", "datastore", tString, "datastore_name", tString)
	return structure("com.vmware.vcenter.vcha.placement_info",
		"management_vcenter_name", tString, "management_vcenter_server_guid", optional(tString),
		"vm_name", tString, "datacenter", tString, "datacenter_name", tString,
		"host", tString, "host_name", tString, "cluster", optional(tString), "cluster_name", optional(tString),
		"ha_network", optional(tString), "ha_network_name", optional(tString), "ha_network_type", optional(tString),
		"management_network", tString, "management_network_name", tString, "management_network_type", tString,
		"storage", disk, "bios_uuid", optional(tString))
}
