package server

import (
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
)

// checkFault checks f against the spec of its API: the API is served, the
// operationId is one of its operations, and a body fits the answer the
// operation declares for the status (or its default answer).
func (m *Mock) checkFault(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	a := m.mounted(f.API)
	if a == nil {
		return fmt.Errorf("fault api %q is not served by this mock", f.API)
	}
	op := operationByID(a.v.Doc, f.OperationID)
	if op == nil {
		return fmt.Errorf("fault operationId %q is not an operation of the %s spec (see %s)", f.OperationID, f.API, SpecPath)
	}
	if len(f.Body) == 0 {
		return nil
	}
	resp := op.Responses.Status(f.Status)
	if resp == nil {
		resp = op.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		return fmt.Errorf("fault body: %s declares no %d answer to fit it to; leave the body out for a vendor error", f.OperationID, f.Status)
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return fmt.Errorf("fault body: the %d answer of %s has no JSON body", f.Status, f.OperationID)
	}
	if err := oasvalidate.CheckJSON(f.Body, oasvalidate.MaxResponseJSONValues); err != nil {
		return fmt.Errorf("fault body: %w", err)
	}
	var v any
	if err := json.Unmarshal(f.Body, &v); err != nil {
		return fmt.Errorf("fault body: %w", err)
	}
	if err := mt.Schema.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.DisableSchemaErrorDetails()); err != nil {
		d := oasvalidate.Describe(err)
		return fmt.Errorf("fault body does not fit the %d answer of %s: %s", f.Status, f.OperationID, fieldReason(d))
	}
	return nil
}

// fieldReason renders a schema failure as `field "x": reason`.
func fieldReason(d oasvalidate.Detail) string {
	if d.Field == "" {
		return d.Reason
	}
	return fmt.Sprintf("field %q: %s", d.Field, d.Reason)
}

// operationByID finds the operation of doc with this operationId.
func operationByID(doc *openapi3.T, id string) *openapi3.Operation {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == id {
				return op
			}
		}
	}
	return nil
}
