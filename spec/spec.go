package spec

import (
	"context"
	"embed"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// API names one of the vendor APIs failoverkit covers.
type API string

// Info is what failoverkit knows about one API's document, declared once
// beside it (vcav.go, vcha.go) and registered with Register.
type Info struct {
	API API
	// Title names the API for people ("VCAV", "vSphere").
	Title string
	// YAML is the OpenAPI document.
	YAML []byte
	// ErrorSchema is the component schema of every error body the API
	// answers, for requests to an operation or not.
	ErrorSchema string
	// ErrorCodeField is the field of an error body that classifies it.
	ErrorCodeField string
	// PrefixErrorSchemas names, per path prefix, the error schema of the
	// requests under it when it is not ErrorSchema (an API that serves a
	// second, older wire shape beside its own).
	PrefixErrorSchemas map[string]string
	// MediaTypes is the API's media-type policy; nil: every answer is
	// application/json.
	MediaTypes *MediaTypePolicy
	// HeaderSpellings are response header names the API sends spelled
	// exactly so on HTTP/1.1, where Go would canonicalise them
	// ("X-VCAV-Auth", not "X-Vcav-Auth").
	HeaderSpellings []string
	// DocumentedCodes are the error codes the vendor documents; any other
	// code the document names is a failoverkit choice, and a real server
	// answering another code with the right status and shape is reported
	// as a note, never a failure (nil: every code is binding).
	DocumentedCodes []string
	// InterchangeableCodes are groups of documented codes the vendor uses
	// for the same kind of refusal; answering one where another of its
	// group is expected is a note, not a failure.
	InterchangeableCodes [][]string
}

// MediaTypePolicy is how an API negotiates the media type of its JSON
// answers. A request whose Accept names one of its versioned vendor media
// types (Vendor matches, with a served version) is answered in that type;
// every other request in application/json; an Accept that names only
// vendor types of versions not served is refused with 406. Every answer
// carries ;charset=Charset when Charset is set. Bodies are the same JSON
// whatever the media type.
type MediaTypePolicy struct {
	// Vendor matches a vendor media type (lower case, without parameters);
	// its first submatch is the version.
	Vendor *regexp.Regexp
	// Versions are the versions served.
	Versions []string
	// Charset is the charset parameter of every answer ("UTF-8").
	Charset string
}

// ErrorSchemaFor returns the error schema of requests to path.
func (i Info) ErrorSchemaFor(path string) string {
	for prefix, schema := range i.PrefixErrorSchemas {
		if strings.HasPrefix(path, prefix) {
			return schema
		}
	}
	return i.ErrorSchema
}

// registry holds the registered APIs in registration order.
var registry struct {
	mu    sync.RWMutex
	infos []*entry
}

type entry struct {
	Info
	load func() (*openapi3.T, error)
}

// Register adds an API; the built-in ones register themselves. It returns
// the API's name, and panics on a second registration of the same name (a
// programming error).
func Register(info Info) API {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for _, e := range registry.infos {
		if e.API == info.API {
			panic(fmt.Sprintf("spec: API %q registered twice", info.API))
		}
	}
	e := &entry{Info: info}
	e.load = sync.OnceValues(func() (*openapi3.T, error) { return parse(e.Info) })
	registry.infos = append(registry.infos, e)
	return info.API
}

// APIs lists every registered API in registration order (the built-in
// ones first: vcav, vcha).
func APIs() []API {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	out := make([]API, len(registry.infos))
	for i, e := range registry.infos {
		out[i] = e.API
	}
	return out
}

// Lookup returns what is registered about api.
func Lookup(api API) (Info, bool) {
	e, ok := lookup(api)
	if !ok {
		return Info{}, false
	}
	return e.Info, true
}

func lookup(api API) (*entry, bool) {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	for _, e := range registry.infos {
		if e.API == api {
			return e, true
		}
	}
	return nil, false
}

// ParseAPI turns a registered API's name ("vcav", "vcha") into an API.
func ParseAPI(s string) (API, error) {
	if _, ok := lookup(API(s)); ok {
		return API(s), nil
	}
	names := make([]string, 0, 2)
	for _, a := range APIs() {
		names = append(names, string(a))
	}
	return "", fmt.Errorf("unknown API %q: want one of %s", s, strings.Join(names, ", "))
}

//go:embed vcav.yaml vcha.yaml
var files embed.FS

// embedded returns an embedded document; a missing one is a build bug.
func embedded(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("spec: embedded %s: %v", name, err))
	}
	return b
}

// YAML returns the OpenAPI document of api as written in spec/.
func YAML(api API) ([]byte, error) {
	e, ok := lookup(api)
	if !ok {
		_, err := ParseAPI(string(api))
		return nil, err
	}
	return e.YAML, nil
}

// Load returns the parsed and validated document of api. The document is
// parsed once per process and shared: callers must not modify it.
func Load(api API) (*openapi3.T, error) {
	e, ok := lookup(api)
	if !ok {
		_, err := ParseAPI(string(api))
		return nil, err
	}
	return e.load()
}

func parse(info Info) (*openapi3.T, error) {
	api := info.API
	doc, err := openapi3.NewLoader().LoadFromData(info.YAML)
	if err != nil {
		return nil, fmt.Errorf("parse %s spec: %w", api, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate %s spec: %w", api, err)
	}
	return doc, nil
}
