package oasvalidate

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckJSON(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	cases := []struct {
		name string
		body string
		max  int
		want string // "" accepted, else the reason
	}{
		{"ordinary body", `{"type":"localUser","localUser":"root","localPassword":"p[{\"]}"}`, 10, ""},
		{"depth at the limit", nest(MaxJSONDepth), 1000, ""},
		{"depth over the limit", nest(MaxJSONDepth + 1), 1000, "JSON nested deeper than 64 levels"},
		{"brackets inside strings do not nest", `["` + strings.Repeat("[", 1000) + `"]`, 10, ""},
		{"escaped quote keeps the string open", `["a\"[[[[", 1]`, 3, ""},
		{"values at the limit", `[1,2,3,4]`, 5, ""},
		{"values over the limit", `[1,2,3,4,5]`, 5, "JSON holds more than 5 values"},
		{"empty containers count", `[[],[],[],[],[]]`, 5, "JSON holds more than 5 values"},
		{"keys count as strings", `{"a":1,"b":2}`, 5, ""},
		{"keys over the limit", `{"a":1,"b":2}`, 4, "JSON holds more than 4 values"},
		{"not JSON at all is left to the decoder", `{"a":`, 10, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckJSON([]byte(c.body), c.max)
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			var le *LimitError
			if assert.True(t, errors.As(err, &le), "%v", err) {
				assert.Equal(t, c.want, le.Reason)
			}
		})
	}
}
