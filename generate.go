package failoverkit

// Code generation: one directive per generated file, each with its own config
// in gen/<api>/. oapi-codegen is pinned as a module tool in go.mod, so
// `go generate ./...` needs no global install. Run `make generate` after
// editing spec/; `make check-generated` (and CI) fails when gen/ is stale.

//go:generate go tool oapi-codegen -config gen/vcav/types.cfg.yaml spec/vcav.yaml
//go:generate go tool oapi-codegen -config gen/vcav/server.cfg.yaml spec/vcav.yaml
//go:generate go tool oapi-codegen -config gen/vcav/client.cfg.yaml spec/vcav.yaml
//go:generate go tool oapi-codegen -config gen/vcav/spec.cfg.yaml spec/vcav.yaml
//go:generate go tool oapi-codegen -config gen/vcha/types.cfg.yaml spec/vcha.yaml
//go:generate go tool oapi-codegen -config gen/vcha/server.cfg.yaml spec/vcha.yaml
//go:generate go tool oapi-codegen -config gen/vcha/client.cfg.yaml spec/vcha.yaml
//go:generate go tool oapi-codegen -config gen/vcha/spec.cfg.yaml spec/vcha.yaml

// The portable variant of the vSphere spec (query-keyed paths as standard
// OpenAPI, for Prism, Redocly and other tools); see internal/portable.
//go:generate go run ./tools/portable -in spec/vcha.yaml -out spec/portable/vcha.yaml
