package server

import (
	"strings"
	"testing"
)

// TestContainsFold_AgreesWithToLowerContains: the allocation-free
// substring match of list filters answers as strings.Contains on the
// lower-cased name does, for ASCII and non-ASCII names.
func TestContainsFold_AgreesWithToLowerContains(t *testing.T) {
	names := []string{"app-db-01", "APP-DB-01", "gen-vm-000999", "Ünïcode-VM", "straße", "", "a", "İstanbul-vm"}
	subs := []string{"", "db", "DB", "app-db-01x", "vm-0009", "ünï", "STRASSE", "ß", "i̇s", "a"}
	for _, n := range names {
		for _, sub := range subs {
			lower := strings.ToLower(sub)
			want := strings.Contains(strings.ToLower(n), lower)
			if got := containsFold(n, lower); got != want {
				t.Errorf("containsFold(%q, %q) = %v, strings.Contains(ToLower) = %v", n, lower, got, want)
			}
		}
	}
}
