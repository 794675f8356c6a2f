package lock_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/lock"
)

func TestAcquire(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	ctx := context.Background()
	first, err := lock.Acquire(ctx, path, 0, "first")
	if err != nil {
		t.Fatal(err)
	}
	_, err = lock.Acquire(ctx, path, 0, "second")
	var le *lock.LockedError
	if !errors.As(err, &le) || !errors.Is(err, lock.ErrLocked) {
		t.Fatalf("second Acquire: %v, want a LockedError", err)
	}
	if le.Holder.PID != os.Getpid() || le.Holder.Command != "first" || le.Holder.Host == "" || le.Holder.Started.IsZero() {
		t.Errorf("holder %+v, want this process running first", le.Holder)
	}
	if msg := err.Error(); !strings.Contains(msg, "pid ") || !strings.Contains(msg, "(first)") {
		t.Errorf("message %q names no holder", msg)
	}

	// Waiting: the lock is released while the second one polls.
	go func() {
		time.Sleep(150 * time.Millisecond)
		first.Release()
	}()
	start := time.Now()
	second, err := lock.Acquire(ctx, path, 5*time.Second, "second")
	if err != nil {
		t.Fatalf("Acquire with a wait: %v", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 3*time.Second {
		t.Errorf("waited %v, want about 150ms", d)
	}
	// A wait that runs out names the holder and how long it waited.
	_, err = lock.Acquire(ctx, path, 120*time.Millisecond, "third")
	if !errors.As(err, &le) || le.Holder.Command != "second" || !strings.Contains(err.Error(), "waited 120ms") {
		t.Errorf("Acquire after a wait: %v", err)
	}
	// A cancelled wait returns the context's error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := lock.Acquire(cctx, path, time.Hour, "fourth"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Acquire: %v", err)
	}
	if err := second.Release(); err != nil {
		t.Fatal(err)
	}
	if err := second.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	if _, err := lock.Acquire(ctx, filepath.Join(t.TempDir(), "missing", ".lock"), 0, ""); err == nil || errors.Is(err, lock.ErrLocked) {
		t.Errorf("lock in a missing directory: %v", err)
	}
}
