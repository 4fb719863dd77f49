package server

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestForEachRange_CoversEveryIndexOnce: the ranges cover [0, n) exactly
// once, for counts below, at and far above the parallel threshold.
func TestForEachRange_CoversEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, minParallel - 1, minParallel, 2*minParallel + 1, 10007} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			seen := make([]atomic.Int32, n)
			var calls atomic.Int32
			require.NoError(t, forEachRange(n, func(lo, hi int) error {
				calls.Add(1)
				for i := lo; i < hi; i++ {
					seen[i].Add(1)
				}
				return nil
			}))
			for i := range seen {
				require.EqualValues(t, 1, seen[i].Load(), "index %d", i)
			}
			if n < 2*minParallel || runtime.GOMAXPROCS(0) == 1 {
				assert.EqualValues(t, 1, calls.Load(), "small counts run as one range")
			}
		})
	}
}

// TestForEachRange_ReportsTheFirstFailingIndex: with failures in several
// ranges, the error is the one the lowest failing index gives, as a loop
// in order would report, whatever order the ranges finish in.
func TestForEachRange_ReportsTheFirstFailingIndex(t *testing.T) {
	old := runtime.GOMAXPROCS(4) // several ranges even on a one-core runner
	defer runtime.GOMAXPROCS(old)
	const n = 8 * minParallel
	bad := map[int]bool{3*minParallel + 7: true, 6 * minParallel: true, 7*minParallel + 1: true}
	err := forEachRange(n, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			if bad[i] {
				return fmt.Errorf("item %d", i)
			}
		}
		return nil
	})
	require.EqualError(t, err, fmt.Sprintf("item %d", 3*minParallel+7))
}
