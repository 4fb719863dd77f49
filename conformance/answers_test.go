package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// TestAnswers_EveryOperationDecodes: every operation of every spec has the
// generated decoder its answers are held to, so an operation added to a
// spec cannot escape the typed-decoding check.
func TestAnswers_EveryOperationDecodes(t *testing.T) {
	for _, api := range spec.APIs() {
		v, err := oasvalidate.New(api)
		require.NoError(t, err)
		for _, item := range v.Doc.Paths.Map() {
			for _, op := range item.Operations() {
				assert.Contains(t, facts(api).decoders, op.OperationID, "%s %s has no decoder in %s facts", api, op.OperationID, api)
			}
		}
	}
}
