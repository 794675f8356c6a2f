package corpus

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// TestSequencerOrder: results come in the order of add, though the tasks
// finish out of order, and each worker number is in [0, workers).
func TestSequencerOrder(t *testing.T) {
	const workers, n = 4, 500
	delay := make([]time.Duration, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range delay {
		delay[i] = time.Duration(rng.IntN(200)) * time.Microsecond
	}
	s := newSequencer(context.Background(), workers, func(w, i int) int {
		if w < 0 || w >= workers {
			t.Errorf("worker %d", w)
		}
		time.Sleep(delay[i])
		return i * i
	})
	go func() {
		defer s.close()
		for i := range n {
			if !s.add(i) {
				t.Error("add failed without cancellation")
				return
			}
		}
	}()
	i := 0
	for out, ok := s.next(); ok; out, ok = s.next() {
		if out != i*i {
			t.Fatalf("result %d is %d, want %d", i, out, i*i)
		}
		i++
	}
	s.wait()
	if i != n {
		t.Errorf("%d results, want %d", i, n)
	}
}

// TestSequencerCancel: a consumer that stops early, cancels and waits
// leaves no goroutine behind, and the producer's add reports false.
func TestSequencerCancel(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	s := newSequencer(ctx, 3, func(_, i int) int { return i })
	stopped := make(chan bool, 1)
	go func() {
		defer s.close()
		for i := 0; ; i++ {
			if !s.add(i) {
				stopped <- true
				return
			}
		}
	}()
	for range 10 {
		s.next()
	}
	cancel()
	s.wait()
	if !<-stopped {
		t.Error("the producer did not stop")
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines before, %d after wait", before, runtime.NumGoroutine())
}
