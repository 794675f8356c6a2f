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
// The workers and the order are a sequencer (sequencer.go) whose tasks are
// batches and whose results are their outcomes. The producer runs on a
// goroutine of its own and stops when the sequencer's add fails; run
// returns only once it and every worker have returned.
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
	fileOutside                 // Stats.Outside
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

// batch is a run of consecutive items, the sequencer's task; a worker
// turns it into as many outcomes.
type batch struct {
	items []item
	buf   []byte // the JSONL lines of the items, reused once they are parsed
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
	labels    bool     // failed as a record of a label file
	doc       Document
	value     T
	err       *Error
}

// run runs the pipeline over what produce hands to its producer.
func (r *reader[T]) run(produce func(p *producer)) (Stats, error) {
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	free := make(chan []byte, 4*r.opts.Workers) // buffers of parsed batches, for reuse
	scratch := make([][]byte, r.opts.Workers)   // a worker's, for unquoted strings
	seq := newSequencer(ctx, r.opts.Workers, func(w int, b batch) []outcome[T] {
		out := r.work(ctx, w, b, &scratch[w])
		if cap(b.buf) == bufferSize { // not one grown for a huge line
			select {
			case free <- b.buf[:0]:
			default:
			}
		}
		return out
	})
	go func() {
		defer seq.close()
		p := &producer{ctx: ctx, opts: &r.opts, free: free}
		p.send = func(items []item, buf []byte) bool { return seq.add(batch{items, buf}) }
		produce(p)
		p.flush()
	}()

	err := r.consume(seq)
	cancel()
	seq.wait() // let the producer and the workers finish
	return r.stats, err
}

// consume handles the batches in order.
func (r *reader[T]) consume(seq *sequencer[batch, []outcome[T]]) error {
	for out, ok := seq.next(); ok; out, ok = seq.next() {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		for i := range out {
			if err := r.accept(&out[i]); err != nil {
				return err
			}
		}
	}
	return r.ctx.Err()
}
