package spec

import (
	"context"
	"embed"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// API names one of the two vendor APIs failoverkit covers.
type API string

const (
	// VCAV is VMware Cloud Director Availability (formerly vCloud Availability).
	VCAV API = "vcav"
	// VCHA is the vSphere Automation API for vCenter High Availability.
	VCHA API = "vcha"
)

// APIs lists every API in a stable order.
func APIs() []API { return []API{VCAV, VCHA} }

// ParseAPI turns "vcav" or "vcha" into an API.
func ParseAPI(s string) (API, error) {
	for _, a := range APIs() {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown API %q: want one of vcav, vcha", s)
}

//go:embed vcav.yaml vcha.yaml
var files embed.FS

// YAML returns the embedded OpenAPI document of api as written in spec/.
func YAML(api API) ([]byte, error) {
	if _, err := ParseAPI(string(api)); err != nil {
		return nil, err
	}
	b, err := files.ReadFile(string(api) + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("read embedded %s spec: %w", api, err)
	}
	return b, nil
}

var loaders = map[API]func() (*openapi3.T, error){
	VCAV: sync.OnceValues(func() (*openapi3.T, error) { return parse(VCAV) }),
	VCHA: sync.OnceValues(func() (*openapi3.T, error) { return parse(VCHA) }),
}

// Load returns the parsed and validated document of api. The document is
// parsed once per process and shared: callers must not modify it.
func Load(api API) (*openapi3.T, error) {
	load, ok := loaders[api]
	if !ok {
		return nil, fmt.Errorf("unknown API %q: want one of vcav, vcha", api)
	}
	return load()
}

func parse(api API) (*openapi3.T, error) {
	b, err := YAML(api)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("parse %s spec: %w", api, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate %s spec: %w", api, err)
	}
	return doc, nil
}
