package server

import (
	"runtime"
	"sync"
)

// minParallel is the smallest count of items forEachRange splits: below
// it, starting goroutines costs more than the work (a fixture's items take
// tens of microseconds each).
const minParallel = 512

// forEachRange calls fn on contiguous ranges [lo, hi) that together cover
// [0, n) exactly once, on up to GOMAXPROCS goroutines (one range, on the
// calling goroutine, when n < minParallel), and waits for them. It is how
// loading a large fixture validates, encodes and decodes its replications
// on every core. fn must stop at the first item it fails on; forEachRange
// then returns the error of the lowest range that failed, which is the
// error the first failing item would give run in order.
func forEachRange(n int, fn func(lo, hi int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n/minParallel)
	if workers <= 1 {
		return fn(0, n)
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Go(func() { errs[w] = fn(lo, hi) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
