// Command portable writes the portable variant of a failoverkit spec
// (see internal/portable): query-keyed path keys become standard OpenAPI
// that Prism, Redocly and other tools route.
//
//	go run ./tools/portable -in spec/vcha.yaml -out spec/portable/vcha.yaml
//
// It runs from `go generate` (generate.go); never edit its output.
package main
