package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFindVSphereUser pins the login-name forms of the vSphere
// Authentication guide (user@domain, DOMAIN\user, bare default-domain name)
// and the failoverkit choice on letter case (domain insensitive, user
// sensitive).
func TestFindVSphereUser(t *testing.T) {
	users := []User{
		{Name: "administrator@vsphere.local", Password: "vmware"},
		{Name: "svc-dr@CORP.example", Password: "s3cret"},
	}
	tests := []struct {
		login, password, want string
	}{
		{"administrator@vsphere.local", "vmware", "administrator@vsphere.local"},
		{"administrator@VSPHERE.LOCAL", "vmware", "administrator@vsphere.local"},
		{`VSPHERE.LOCAL\administrator`, "vmware", "administrator@vsphere.local"},
		{`vsphere.local\administrator`, "vmware", "administrator@vsphere.local"},
		{"administrator", "vmware", "administrator@vsphere.local"},
		{`corp.example\svc-dr`, "s3cret", "svc-dr@CORP.example"},
		{"svc-dr@corp.EXAMPLE", "s3cret", "svc-dr@CORP.example"},
		{"Administrator@vsphere.local", "vmware", ""},
		{"svc-dr", "s3cret", ""},
		{"administrator@vsphere.local", "wrong", ""},
		{`VSPHERE.LOCAL\`, "vmware", ""},
		{"", "vmware", ""},
	}
	for _, tc := range tests {
		u, ok := findVSphereUser(users, tc.login, tc.password)
		assert.Equal(t, tc.want != "", ok, tc.login)
		assert.Equal(t, tc.want, u.Name, tc.login)
	}
}
