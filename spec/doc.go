// Package spec embeds failoverkit's hand-written OpenAPI documents, the
// single source of truth for both vendor APIs, and gives the rest of the
// project one way to load and route them.
//
// Two documents live here:
//
//   - vcav.yaml: VMware Cloud Director Availability (VCDA / vCloud
//     Availability) VM replication failover, sessions, tasks and replications.
//   - vcha.yaml: vSphere Automation "Failover Vcha Cluster Async", sessions,
//     CIS tasks and the VCHA cluster and mode operations.
//
// Each document's facts (its title, its error schema and error code field)
// are declared once beside it (vcav.go, vcha.go) and registered with
// Register; APIs lists the registered APIs, Lookup returns their facts.
// Load parses and validates a document once per process; the result is shared
// and must be treated as read-only.
//
// vSphere routes several operations by query string on one path and method
// (POST /api/vcenter/vcha/cluster?action=failover&vmw-task=true and
// ?action=get). OpenAPI 3.0 cannot key operations that way, so vcha.yaml
// follows VMware's own published Swagger and writes the fixed query into the
// path key. Router understands that convention: the "?k=v&..." part of a path
// key is a set of query parameters that must all be present with those
// values. It implements kin-openapi's routers.Router, so it plugs straight
// into openapi3filter.
package spec
