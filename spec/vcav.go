package spec

// VCAV is VMware Cloud Director Availability (formerly vCloud Availability):
// vcav.yaml. Its errors are ApiError objects classified by code.
var VCAV = Register(Info{
	API: "vcav", Title: "VCAV", YAML: embedded("vcav.yaml"),
	ErrorSchema: "ApiError", ErrorCodeField: "code",
})
