// This file is the ordered parallel pipeline: the producer hands batches
// of records to workers, and the consumer takes them back in input order.

package corpus

import "context"

// A Read is a pipeline of three parts:
//
//   - the producer (one goroutine) walks the inputs, opens, decompresses and
//     splits files into records — raw JSONL lines, parsed CSV rows and .txt
//     files — and hands them on in batches;
//   - Options.Workers workers parse the lines, check each record on its own
//     and call process;
//   - the consumer (the caller's goroutine) takes the batches in input
//     order: it counts, checks IDs against the earlier ones, and calls
//     OnError and emit.
//
// JSONL lines are copied into a batch's buffer, which is reused once its
// batch is parsed: what outlives the batch is copied out of it first.

// Batch limits: a batch goes to a worker when it holds batchItems records
// or batchBytes bytes of text (a few batches are in flight: large .txt
// articles must not make them large).
const (
	batchItems = 256
	batchBytes = 1 << 20
	bufferSize = batchBytes + batchBytes/4
)

type itemKind uint8

const (
	fileOpened  itemKind = iota // Stats.Files
	fileIgnored                 // Stats.Ignored
	fileSpecial                 // Stats.Special
	jsonlEnd                    // the end of a JSONL stream, named in pos
	failed                      // err
	rawLine                     // a JSONL line: buf[lo:hi], to parse
	blankLine                   // a JSONL line with nothing on it
	parsedDoc                   // doc, parsed by the producer
)

// item is one record as the producer hands it on.
type item struct {
	kind    itemKind
	tooLong bool // rawLine: longer than MaxBytes, not kept
	invalid bool // parsedDoc: had invalid UTF-8 (known)
	check   bool // parsedDoc: validity of the fields unknown, check them
	lo, hi  int
	pos     Position
	doc     Document
	err     *Error
}

// batch is a run of consecutive items; out is filled by a worker, then done
// is closed.
type batch[T any] struct {
	items []item
	buf   []byte
	out   []outcome[T]
	done  chan struct{}
}

// outcome is an item after a worker: a document, an error or a count.
type outcome[T any] struct {
	kind      itemKind // fileOpened, fileIgnored, fileSpecial, jsonlEnd, failed, blankLine or parsedDoc
	invalid   bool     // invalid UTF-8 was replaced
	empty     bool     // no text: counted, not emitted
	titleOnly bool     // a title but no text
	jsonl     bool     // a JSONL record: hasText and keys apply
	hasText   bool     // the record has the text field
	rawID     string   // the ID as written, if it had invalid UTF-8
	keys      []string // without the text field, in the first keyLines lines: the record's keys
	doc       Document
	value     T
	err       *Error
}

// run runs the pipeline over what produce hands to its producer.
func (r *reader[T]) run(produce func(p *producer)) (Stats, error) {
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	work := make(chan *batch[T], r.opts.Workers)
	ordered := make(chan *batch[T], 2*r.opts.Workers)
	free := make(chan []byte, 4*r.opts.Workers) // buffers of parsed batches, for reuse

	go func() {
		defer close(ordered)
		defer close(work)
		p := &producer{ctx: ctx, opts: &r.opts, free: free}
		p.send = func(items []item, buf []byte) bool {
			b := &batch[T]{items: items, buf: buf, done: make(chan struct{})}
			select {
			case work <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case ordered <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		produce(p)
		p.flush()
	}()
	done := make(chan struct{})
	for w := range r.opts.Workers {
		go func() {
			defer func() { done <- struct{}{} }()
			var scratch []byte
			for b := range work {
				r.work(ctx, w, b, &scratch)
				if cap(b.buf) == bufferSize { // not one grown for a huge line
					select {
					case free <- b.buf[:0]:
					default:
					}
				}
				b.buf, b.items = nil, nil
				close(b.done)
			}
		}()
	}

	err := r.consume(ordered)
	cancel()
	for b := range ordered { // let the producer and the workers finish
		<-b.done
	}
	for range r.opts.Workers {
		<-done
	}
	return r.stats, err
}

// consume handles the batches in order.
func (r *reader[T]) consume(ordered <-chan *batch[T]) error {
	for b := range ordered {
		<-b.done
		if err := r.ctx.Err(); err != nil {
			return err
		}
		for i := range b.out {
			if err := r.accept(&b.out[i]); err != nil {
				return err
			}
		}
	}
	return r.ctx.Err()
}
