package spec

// VCHA is the vSphere Automation API for vCenter High Availability:
// vcha.yaml. Its errors are Std_Errors_Error objects classified by
// error_type.
var VCHA = Register(Info{
	API: "vcha", Title: "vSphere", YAML: embedded("vcha.yaml"),
	ErrorSchema: "Std_Errors_Error", ErrorCodeField: "error_type",
	// The deprecated /rest API wraps its errors: {type, value}.
	PrefixErrorSchemas: map[string]string{"/rest/": "Legacy_Error"},
})
