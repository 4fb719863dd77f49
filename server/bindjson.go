package server

import (
	"bytes"
	"encoding/json"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
)

// bodyJSON is echo's JSON serializer (the generated strict handlers bind
// request bodies through it), except that a body the validator left whole
// (oasvalidate.ValidatedBody), bound to a json.Unmarshaler, is handed to it
// directly. The generated unions (the VCAV failover settings, the login
// body) are Unmarshalers that keep their bytes: echo's json.Decoder would
// allocate its buffer and scanner and scan the body once more only to
// hand over the same bytes, at every failover. The Unmarshaler gets what
// encoding/json gives it, the value without the whitespace around it; a
// body that is not one JSON value, or that the Unmarshaler refuses, goes
// through echo's own path, which answers as it always did.
type bodyJSON struct{ echo.DefaultJSONSerializer }

// Deserialize implements echo.JSONSerializer.
func (s bodyJSON) Deserialize(c echo.Context, i any) error {
	u, ok := i.(json.Unmarshaler)
	if !ok {
		return s.DefaultJSONSerializer.Deserialize(c, i)
	}
	b, ok := oasvalidate.ValidatedBody(c.Request())
	if !ok || !json.Valid(b) || u.UnmarshalJSON(bytes.Trim(b, " \t\r\n")) != nil {
		return s.DefaultJSONSerializer.Deserialize(c, i)
	}
	return nil
}
