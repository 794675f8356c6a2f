// This file is the sequencer: concurrent work on tasks, results handed back
// in the order the tasks came, with bounded memory.

package corpus

import (
	"context"
	"sync"
)

// A sequencer runs a function on tasks on a fixed number of goroutines and
// hands the results back in the order the tasks were added, whatever order
// they finish in. Its model is cmd/gofmt's sequencer (concurrent tasks,
// output in a deterministic order), shaped for a stream: one goroutine adds
// tasks, the workers run them, one goroutine takes the results. gofmt's
// bounds the weight (file size) of the tasks in flight; this one bounds
// their number, and the reader's tasks are batches bounded in bytes
// (batchBytes), which comes to the same.
//
//	s := newSequencer(ctx, workers, run)
//	go func() { // the producer
//		defer s.close()
//		for ... {
//			if !s.add(task) {
//				return // ctx is cancelled
//			}
//		}
//	}()
//	for out, ok := s.next(); ok; out, ok = s.next() { // the consumer
//		...
//	}
//	cancel() // if the consumer stopped before the end
//	s.wait()
//
// Contract:
//
//   - run(worker, task) is called once per task, on one of the workers
//     goroutines (worker in [0, workers), so a worker can own scratch state
//     indexed by it), concurrently and in no particular order. It must not
//     wait for the consumer, and may return early, with a partial result,
//     when ctx is cancelled: a consumer that sees ctx cancelled must not
//     use what next returns.
//   - next returns the results in the order of add, each once it is ready;
//     ok is false once close was called and every result has been taken.
//   - Memory is bounded: add blocks while workers tasks wait for a worker,
//     or 2·workers results wait for the consumer: at most 2·workers+2
//     tasks are alive at once (queued, running, done and not taken, the
//     one the consumer holds and the one add is placing), plus the one the
//     producer is filling.
//   - Cancelling ctx makes a blocked add return false; the producer must
//     then stop adding and call close. After the consumer stops taking,
//     with ctx cancelled, wait waits until the producer has closed and
//     every worker has returned: no goroutine outlives it.
//
// add and close belong to one goroutine, next to one other (or the same,
// interleaved); wait is called once, after the last next.
type sequencer[In, Out any] struct {
	ctx     context.Context
	run     func(worker int, task In) Out
	tasks   chan seqTask[In, Out]
	order   chan *seqResult[Out] // results in the order of add
	workers sync.WaitGroup
}

// seqTask is a task with the place its result goes.
type seqTask[In, Out any] struct {
	in  In
	res *seqResult[Out]
}

// seqResult is one task's result; done is closed when out is set.
type seqResult[Out any] struct {
	out  Out
	done chan struct{}
}

// newSequencer starts workers (at least one) goroutines running run.
func newSequencer[In, Out any](ctx context.Context, workers int, run func(worker int, task In) Out) *sequencer[In, Out] {
	workers = max(1, workers)
	s := &sequencer[In, Out]{
		ctx:   ctx,
		run:   run,
		tasks: make(chan seqTask[In, Out], workers),
		order: make(chan *seqResult[Out], 2*workers),
	}
	s.workers.Add(workers)
	for w := range workers {
		go func() {
			defer s.workers.Done()
			for t := range s.tasks {
				t.res.out = s.run(w, t.in)
				close(t.res.done)
			}
		}()
	}
	return s
}

// add queues a task; false means ctx is cancelled and the task was not
// queued.
func (s *sequencer[In, Out]) add(task In) bool {
	res := &seqResult[Out]{done: make(chan struct{})}
	select {
	case s.tasks <- seqTask[In, Out]{task, res}:
	case <-s.ctx.Done():
		return false
	}
	select {
	case s.order <- res:
		return true
	case <-s.ctx.Done():
		// Queued to a worker but not to the consumer: its result is
		// dropped (wait waits for the worker all the same).
		return false
	}
}

// close says no task will be added.
func (s *sequencer[In, Out]) close() {
	close(s.tasks)
	close(s.order)
}

// next returns the result of the oldest task not yet taken, once it is
// ready; ok is false when all are taken and close was called.
func (s *sequencer[In, Out]) next() (out Out, ok bool) {
	res, ok := <-s.order
	if !ok {
		return out, false
	}
	<-res.done
	return res.out, true
}

// wait lets the producer and the workers finish: it discards the results
// not taken and returns when close was called and every worker returned.
// Call it with ctx cancelled, unless every result was taken.
func (s *sequencer[In, Out]) wait() {
	for res := range s.order {
		<-res.done
	}
	s.workers.Wait()
}
