package spec

// VCHA is the vSphere Automation API for vCenter High Availability:
// vcha.yaml. Its errors are Std_Errors_Error objects classified by
// error_type.
var VCHA = Register(Info{
	API: "vcha", Title: "vSphere", YAML: embedded("vcha.yaml"),
	ErrorSchema: "Std_Errors_Error", ErrorCodeField: "error_type",
	// The deprecated /rest API wraps its errors: {type, value}.
	PrefixErrorSchemas: map[string]string{"/rest/": "Legacy_Error"},
	// The error types vcha.md confirms for the answers the suite expects
	// them in (401, 403, an unknown task, an unexpected body field); the
	// others it expects (INVALID_REQUEST for the non-task form,
	// NOT_ALLOWED_IN_CURRENT_STATE for a refused failover) are choices.
	DocumentedCodes: []string{"UNAUTHENTICATED", "UNAUTHORIZED", "NOT_FOUND", "INVALID_ARGUMENT"},
})
