// Package portable rewrites an OpenAPI document whose path keys carry a
// fixed query string (`/api/vcenter/vcha/cluster?action=failover&vmw-task=true`,
// as VMware's own Swagger does) into standard OpenAPI that generic tools
// (Prism, Redocly, Swagger UI, code generators) can route:
//
//   - every query-keyed operation moves to its bare path, and each fixed
//     query parameter becomes a declared, required query parameter whose
//     schema is a single-value enum;
//   - where several operations share a bare path and method, they become one
//     operation whose parameters carry the union of values (enum), whose
//     request body is the anyOf of the bodies, and whose responses are
//     merged per status code (identical answers kept once, differing
//     answers joined as anyOf, each description labelled with its query).
//     x-failoverkit-variants lists, per original operationId, the fixed
//     query it needs.
//
// The hand-written spec stays the source; `make generate` writes the
// portable file (tools/portable) and `make check-generated` fails when it is
// stale.
package portable
