package main

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows one progress bar per pipeline stage on a terminal. A nil
// *progress shows nothing, so callers need not check.
type progress struct {
	w     io.Writer
	stage string
	bar   *progressbar.ProgressBar
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

// stageUnits names what each stage of dedup.Run counts, so the bar shows
// its rate in that unit: articles read and signed, bands sorted into
// candidate pairs.
var stageUnits = map[string]string{
	"read+sign":       "articles",
	"candidate bands": "bands",
}

// stageUnit is the unit of stage's count ("steps" for a stage not listed
// in stageUnits; a test checks that every stage of a run is).
func stageUnit(stage string) string {
	if u, ok := stageUnits[stage]; ok {
		return u
	}
	return "steps"
}

// update is a dedup.Config.Progress callback.
func (p *progress) update(stage string, done, total int) {
	if stage != p.stage {
		p.finish()
		p.stage = stage
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(stage),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(stageUnit(stage)),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionSetWidth(30),
		)
	}
	_ = p.bar.Set(done)
}

// finish clears the current bar, if any.
func (p *progress) finish() {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Finish()
	_ = p.bar.Clear()
	p.bar = nil
}
