// Package gen holds the code oapi-codegen generates from spec/: one
// subpackage per API (vcav, vcha), one config per generated file. The
// //go:generate directives live in the module root's generate.go.
package gen
