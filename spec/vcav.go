package spec

import "regexp"

// VCAV is VMware Cloud Director Availability (formerly vCloud Availability):
// vcav.yaml. Its errors are ApiError objects classified by code. It answers
// JSON as application/json or as the versioned vendor type the client asks
// for (application/vnd.vmware.h4-v<N>+json), always with ;charset=UTF-8,
// and spells its token header X-VCAV-Auth (VMware KB 315136 greps for it).
var VCAV = Register(Info{
	API: "vcav", Title: "VCAV", YAML: embedded("vcav.yaml"),
	ErrorSchema: "ApiError", ErrorCodeField: "code",
	MediaTypes: &MediaTypePolicy{
		Vendor:   regexp.MustCompile(`^application/vnd\.vmware\.h4-v([0-9][0-9.]*)\+json$`),
		Versions: []string{"3", "3.5", "4", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7"},
		Charset:  "UTF-8",
	},
	HeaderSpellings: []string{"X-VCAV-Auth"},
	DocumentedCodes: []string{
		"BadRequest", "BadUserInput", "NotAuthenticated", "RemoteAuthenticationFailure",
		"VmReplicationNotFound", "SiteNotFound", "GeneralServerFailure",
	},
	// Both 400 codes are documented for malformed input; which one an
	// appliance picks for a given refusal is not.
	InterchangeableCodes: [][]string{{"BadRequest", "BadUserInput"}},
})
