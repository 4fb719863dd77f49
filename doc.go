// Package failoverkit is the module root of failoverkit: OpenAPI specs, a
// stateful mock, a client and a conformance suite for two VMware failover
// APIs (VCDA "Failover Vm Replication" and vSphere "Failover Vcha Cluster
// Async"). The root package holds only the go:generate directives; see
// README.md for the layout.
package failoverkit
