package ctxsleep_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/failoverkit/failoverkit/internal/ctxsleep"
)

func TestSleep(t *testing.T) {
	assert.NoError(t, ctxsleep.Sleep(context.Background(), time.Millisecond))
	assert.NoError(t, ctxsleep.Sleep(context.Background(), 0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, ctxsleep.Sleep(ctx, time.Hour), context.Canceled, "an ended context cuts the sleep short")
	assert.ErrorIs(t, ctxsleep.Sleep(ctx, 0), context.Canceled)
}
