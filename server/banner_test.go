package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBanner_EveryLinkAndLoginWorks follows the banner as a new user
// would: each docs link answers, and each login it prints logs in.
func TestBanner_EveryLinkAndLoginWorks(t *testing.T) {
	env := Test(t)
	text, err := Banner(BannerConfig{URLs: env.servers.URLs(), Control: true})
	require.NoError(t, err)
	for _, u := range env.servers.URLs() {
		assert.Contains(t, text, u.URL+DocsPath)
		resp, err := http.Get(u.URL + DocsPath)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}
	assert.Contains(t, text, env.servers.URLs()[0].URL+ControlPrefix)

	posts := regexp.MustCompile(`POST (\S+) (\{.*?\})  `).FindAllStringSubmatch(text, -1)
	basics := regexp.MustCompile(`POST (\S+) with HTTP Basic (\S+):(\S+)  `).FindAllStringSubmatch(text, -1)
	require.Len(t, posts, 3, text) // the default VCAV users: localUser, vcdCredentials, ssoCredentials
	require.Len(t, basics, 2, text)
	for _, p := range posts {
		resp, err := http.Post(p[1], "application/json", strings.NewReader(p[2]))
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s %s", p[1], p[2])
	}
	for _, b := range basics {
		req, err := http.NewRequest(http.MethodPost, b[1], nil)
		require.NoError(t, err)
		req.SetBasicAuth(b[2], b[3])
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Less(t, resp.StatusCode, 300, "%s as %s", b[1], b[2])
	}
}

// TestBanner_NeverShowsTheFixturesPasswords: only the embedded default's
// published passwords are printed.
func TestBanner_NeverShowsTheFixturesPasswords(t *testing.T) {
	fx, err := DefaultFixture()
	require.NoError(t, err)
	for i := range fx.VCAV.Users {
		fx.VCAV.Users[i].Password = "s3cret-vcav"
	}
	for i := range fx.VCHA.Users {
		fx.VCHA.Users[i].Password = "s3cret-vcha"
	}
	env := Test(t, WithFixture(fx))
	text, err := Banner(BannerConfig{URLs: env.servers.URLs(), Fixture: fx})
	require.NoError(t, err)
	assert.NotContains(t, text, "s3cret")
	assert.Contains(t, text, "root")
	assert.Contains(t, text, "<password>")
	assert.Contains(t, text, "passwords as in the fixture file")
	assert.NotContains(t, text, ControlPrefix, "no control API line when it is off")
}
