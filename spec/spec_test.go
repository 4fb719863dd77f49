package spec_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

func TestLoad_ValidatesBothSpecs(t *testing.T) {
	for _, api := range spec.APIs() {
		doc, err := spec.Load(api)
		require.NoError(t, err, api)
		again, err := spec.Load(api)
		require.NoError(t, err)
		assert.Same(t, doc, again, "Load must parse once and share")
		_, err = spec.NewRouter(doc)
		require.NoError(t, err)
	}
	_, err := spec.Load("nope")
	assert.Error(t, err)
}

// TestOperations_AreDocumented pins the bar every operation must meet:
// an operationId, a summary, a description and examples on every response.
func TestOperations_AreDocumented(t *testing.T) {
	for _, api := range spec.APIs() {
		doc, err := spec.Load(api)
		require.NoError(t, err)
		for key, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				where := fmt.Sprintf("%s %s %s", api, method, key)
				assert.NotEmpty(t, op.OperationID, where)
				assert.NotEmpty(t, op.Summary, where)
				assert.NotEmpty(t, op.Description, where)
				for status, resp := range op.Responses.Map() {
					for ct, mt := range resp.Value.Content {
						assert.Truef(t, mt.Example != nil || len(mt.Examples) > 0,
							"%s: response %s %s has no example", where, status, ct)
					}
				}
				if op.RequestBody != nil {
					for ct, mt := range op.RequestBody.Value.Content {
						assert.Truef(t, mt.Example != nil || len(mt.Examples) > 0,
							"%s: request body %s has no example", where, ct)
					}
				}
			}
		}
	}
}

// TestExamples_ValidateAgainstSchemas walks every example in both documents
// (schemas, parameters, request bodies, responses, headers) and validates it.
func TestExamples_ValidateAgainstSchemas(t *testing.T) {
	for _, api := range spec.APIs() {
		doc, err := spec.Load(api)
		require.NoError(t, err)
		examples := collectExamples(doc)
		require.NotEmpty(t, examples, api)
		names := make([]string, 0, len(examples))
		for name := range examples {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ex := examples[name]
			t.Run(string(api)+"/"+name, func(t *testing.T) {
				assert.NoError(t, validateExample(ex.schema, ex.value))
			})
		}
	}
}

// TestSeedExample_ValidatesAgainstTaskSchema checks the vendor page's 202
// example against the failover task schema.
func TestSeedExample_ValidatesAgainstTaskSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "vcav-seed-failover-202.json"))
	require.NoError(t, err)
	var seed any
	require.NoError(t, json.Unmarshal(raw, &seed))

	doc, err := spec.Load(spec.VCAV)
	require.NoError(t, err)
	op := doc.Paths.Find("/vm-replications/{replicationId}/failover").Post
	schema := op.Responses.Status(202).Value.Content.Get("application/json").Schema.Value
	require.NoError(t, schema.VisitJSON(seed))
	assert.Same(t, doc.Components.Schemas["C4ApiTaskOfSingleVmReplicationInfo"].Value, schema)
}

// TestSeedCopy_MatchesSeed guards spec/testdata against drift from the
// vendor page in ../shared when that folder is present (it is in CI).
func TestSeedCopy_MatchesSeed(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "..", "shared", "seeds", "vcav-failover-vm-replication.txt"))
	if os.IsNotExist(err) {
		t.Skip("../shared is not beside this checkout")
	}
	require.NoError(t, err)
	s := string(page)
	start := strings.Index(s[strings.Index(s, "Accepted"):], "{") + strings.Index(s, "Accepted")
	var fromPage, fromCopy any
	require.NoError(t, json.NewDecoder(strings.NewReader(s[start:])).Decode(&fromPage))
	raw, err := os.ReadFile(filepath.Join("testdata", "vcav-seed-failover-202.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &fromCopy))
	assert.Equal(t, fromPage, fromCopy)
}
