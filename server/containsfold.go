package server

import (
	"strings"
	"unicode/utf8"
)

// containsFold reports whether s contains lowerSub (already lower-cased)
// ignoring case, as strings.Contains(strings.ToLower(s), lowerSub) does,
// without allocating for ASCII s (list filters run it on every item).
func containsFold(s, lowerSub string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(s), lowerSub)
		}
	}
	n := len(lowerSub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n && asciiLower(s[i+j]) == lowerSub[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
