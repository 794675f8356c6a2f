package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The dates of both calendars: the default one (30 days from 2024-05-01,
// nanosecond draws, kept as they were) and the nightly one of -nights
// (whole seconds from 2026-11-01).
var (
	defaultStart = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	nightsStart  = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

// The delays of -nights, each a truncated exponential (see truncExp).
const (
	night       = 24 * time.Hour
	copyScale   = 8 * time.Hour  // a copy: scale 8 h, cut at 48 h
	copyMax     = 48 * time.Hour //
	followMin   = 2 * time.Hour  // a follow-up: 2 h plus scale 24 h, cut at 96 h
	followScale = 24 * time.Hour //
	followMax   = 96 * time.Hour //
)

// end is the end of the last night with -nights.
func (g *generator) end() time.Time {
	return nightsStart.Add(time.Duration(g.nights) * night)
}

// storyDate draws a new story's date.
func (g *generator) storyDate() time.Time {
	if g.nights == 0 {
		return defaultStart.Add(time.Duration(g.rng.Int64N(int64(30 * night))))
	}
	return nightsStart.Add(time.Duration(g.rng.Int64N(int64(g.nights)*int64(night/time.Second))) * time.Second)
}

// copyDate draws the date of a rewrite or heavy rewrite of an article
// published at origin.
func (g *generator) copyDate(origin time.Time) time.Time {
	if g.nights == 0 {
		return origin.Add(time.Duration(g.rng.Int64N(int64(12 * time.Hour))))
	}
	return origin.Add(g.truncExp(copyScale, copyMax))
}

// followDate draws the date of a follow-up of a story published at
// earlier.
func (g *generator) followDate(earlier time.Time) time.Time {
	if g.nights == 0 {
		return earlier.Add(2*time.Hour + time.Duration(g.rng.Int64N(int64(46*time.Hour))))
	}
	return earlier.Add(followMin + g.truncExp(followScale, followMax-followMin))
}

// published reports whether an article dated when is published inside the
// calendar: with -nights, before the end of the last night (a copy or a
// follow-up drawn later is left out, as a real window would miss it).
func (g *generator) published(when time.Time) bool {
	return g.nights == 0 || when.Before(g.end())
}

// truncExp draws a delay in whole seconds from an exponential of the given
// scale (its mean before the cut) conditioned on falling in [0, limit),
// by inverting its distribution function: one draw, no rejection. limit
// is whole seconds.
func (g *generator) truncExp(scale, limit time.Duration) time.Duration {
	m, t := scale.Seconds(), limit.Seconds()
	s := -m * math.Log1p(g.rng.Float64()*math.Expm1(-t/m))
	return time.Duration(min(math.Floor(s), t-1)) * time.Second
}

// nightOf gives the night (0 for the first) of a date with -nights.
func nightOf(when time.Time) int {
	return int(when.Sub(nightsStart) / night)
}

// nightFiles writes the articles of each night to DIR/night-KK.jsonl, the
// night numbered from 1 and zero-padded to the width of the number of
// nights (at least 2). Articles must come in night order; every night gets
// its file, an empty one when nothing arrives that night.
type nightFiles struct {
	dir    string
	nights int
	next   int // the next night to open
	f      *os.File
	w      *bufio.Writer
	paths  []string
}

func (nf *nightFiles) name(k int) string {
	return filepath.Join(nf.dir, fmt.Sprintf("night-%0*d.jsonl", max(2, len(strconv.Itoa(nf.nights))), k+1))
}

// to gives the writer of night k, opening it and any night before it not
// yet written.
func (nf *nightFiles) to(k int) (io.Writer, error) {
	for nf.next <= k {
		if err := nf.closeOne(); err != nil {
			return nil, err
		}
		path := nf.name(nf.next)
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		nf.f, nf.w = f, bufio.NewWriterSize(f, 1<<20)
		nf.paths = append(nf.paths, path)
		nf.next++
	}
	return nf.w, nil
}

func (nf *nightFiles) closeOne() error {
	if nf.f == nil {
		return nil
	}
	f := nf.f
	nf.f = nil
	if err := nf.w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// close writes the remaining nights and closes the last file.
func (nf *nightFiles) close() error {
	if nf.next < nf.nights {
		if _, err := nf.to(nf.nights - 1); err != nil {
			return err
		}
	}
	return nf.closeOne()
}
