package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	gojson "github.com/goccy/go-json"
	"sigs.k8s.io/yaml"

	"github.com/failoverkit/failoverkit/spec"
)

//go:embed fixtures/*.yaml
var defaultFixtures embed.FS

// defaultFixture is the embedded default: each API's section from its
// fixture file.
var defaultFixture = sync.OnceValues(func() (*Fixture, error) {
	var out Fixture
	for _, d := range builtinAPIs() {
		sec := d.fixture
		if sec.file == "" {
			continue
		}
		b, err := defaultFixtures.ReadFile(sec.file)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", sec.file, err)
		}
		f, err := ParseFixture(b)
		if err != nil {
			return nil, fmt.Errorf("embedded %s: %w", sec.file, err)
		}
		if !sec.present(f) {
			return nil, fmt.Errorf("embedded default fixture lacks the %s section", d.api)
		}
		sec.inherit(&out, f)
	}
	return &out, nil
})

// DefaultFixture returns a fresh copy of the embedded default fixture.
func DefaultFixture() (*Fixture, error) {
	f, err := defaultFixture()
	if err != nil {
		return nil, err
	}
	return deepCopy(f)
}

// DefaultFixtureYAML returns the embedded default fixture files, for users to
// copy and edit.
func DefaultFixtureYAML() ([]byte, error) {
	var out []byte
	for _, d := range builtinAPIs() {
		if d.fixture.file == "" {
			continue
		}
		b, err := defaultFixtures.ReadFile(d.fixture.file)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", d.fixture.file, err)
		}
		out = append(out, b...)
	}
	return out, nil
}

// LoadFixtureFile reads and validates a YAML or JSON fixture file.
func LoadFixtureFile(path string) (*Fixture, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read fixture: %w", err)
	}
	f, err := ParseFixture(b)
	if err != nil {
		return nil, fmt.Errorf("fixture %s: %w", path, err)
	}
	return f, nil
}

// ParseFixture decodes YAML or JSON strictly (an unknown field is an error)
// and validates the result; errors name the offending field.
func ParseFixture(data []byte) (*Fixture, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %w", err)
	}
	var f Fixture
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode fixture: %w", err)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// Validate checks every section present, naming the first bad field.
func (f *Fixture) Validate() error {
	for _, d := range builtinAPIs() {
		if sec := d.fixture; sec.file != "" && sec.present(f) {
			if err := sec.validate(f); err != nil {
				return fmt.Errorf("%s: %w", d.api, err)
			}
		}
	}
	return nil
}

// deepCopy copies v through JSON, so loaded state never aliases a fixture
// and a fixture never aliases live state.
func deepCopy[T any](v *T) (*T, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("copy %T: %w", v, err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("copy %T: %w", v, err)
	}
	return out, nil
}

// withDefaultSections validates f and returns a fixture with f's sections
// and, for those f leaves out, the default fixture's. It shares f's
// sections (the caller encodes it: see fixtureImage); nil f gives the
// default.
func withDefaultSections(f *Fixture) (*Fixture, error) {
	def, err := defaultFixture()
	if err != nil {
		return nil, err
	}
	if f == nil {
		return def, nil
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	out := new(*f)
	for _, d := range builtinAPIs() {
		if sec := d.fixture; sec.file != "" && !sec.present(out) {
			sec.inherit(out, def)
		}
	}
	return out, nil
}

// checkSchema validates v (a generated model value) against the named
// component schema of api's spec; where prefixes the field path in errors,
// e.g. `replications[2].destinationState.recoveryInfo.recoveryState: value
// is not one of the allowed values`.
func checkSchema(api spec.API, schema string, v any, where string) error {
	doc, err := spec.Load(api)
	if err != nil {
		return err
	}
	ref := doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("%s spec has no schema %s", api, schema)
	}
	b, err := gojson.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	var wire any
	if err := gojson.Unmarshal(b, &wire); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	err = ref.Value.VisitJSON(wire)
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if p := se.JSONPointer(); len(p) > 0 {
			where += "." + strings.Join(p, ".")
		}
		return fmt.Errorf("%s: %s", where, se.Reason)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return nil
}
