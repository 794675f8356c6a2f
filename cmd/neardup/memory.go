package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/sysmem"
	"github.com/neardup/neardup/state"
)

// memoryOptions are run's flags for the memory estimate.
type memoryOptions struct {
	maxMemory string // --max-memory: a size, 0 (no check) or "" (the memory available)
	dryRun    bool
}

func (o *memoryOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.maxMemory, "max-memory", "", "refuse to start a run whose estimated peak memory exceeds `SIZE` (e.g. 4GiB, 800MB; 0: no check; default: the memory available, from the cgroup limit or MemAvailable)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "estimate the run's peak memory from a sample of INPUT, print it and exit: nothing else is read or written (--out not needed)")
}

// memoryCheck estimates the run's peak memory before it reads its input
// (dedup.EstimateMemory, with what the state holds), prints it with
// --dry-run, and refuses a run over budget: exit 1 with advice, before
// anything is read, instead of the kernel killing the run an hour in.
// It returns whether the run should stop here (a dry run).
func memoryCheck(ctx context.Context, o *runOptions, cfg dedup.Config, e env) (stop bool, err error) {
	budget, from, err := memoryBudget(o.memory.maxMemory)
	if err != nil {
		return false, err
	}
	if budget == 0 && !o.memory.dryRun {
		return false, nil
	}
	stored := 0
	if o.state != "" {
		if m, err := state.ReadHistory(o.state); err == nil {
			stored = m.Articles
		}
	}
	est, err := dedup.EstimateMemory(ctx, cfg, stored)
	if errors.Is(err, dedup.ErrNoEstimate) {
		if o.memory.dryRun {
			return true, fmt.Errorf("run --dry-run: no estimate from %v", err)
		}
		return false, nil // a stream is not refused for what it might hold
	}
	if err != nil {
		if o.memory.dryRun {
			return true, fmt.Errorf("run --dry-run: %w", err)
		}
		return false, nil // an input the run itself will report, as --on-error says
	}
	if o.memory.dryRun {
		printEstimate(e.stdout, est, budget, from)
		return true, nil
	}
	if budget > 0 && est.Peak > budget {
		return false, fmt.Errorf("the run would need about %s of memory (%s articles of about %d bytes each%s), over the %s %s: "+
			"cut the signature (--hashes 64), split the input into nights (--state, docs/nightly.md), or run the Beam pipeline (docs/beam.md); "+
			"--max-memory SIZE sets the budget, --max-memory 0 turns the check off; nothing was read or written",
			sysmem.FormatSize(est.Peak), thousands(est.Articles), est.PerArticle, storedNote(est.Stored), sysmem.FormatSize(budget), from)
	}
	return false, nil
}

func storedNote(stored int) string {
	if stored == 0 {
		return ""
	}
	return fmt.Sprintf(", and %s in the state", thousands(stored))
}

func printEstimate(w io.Writer, est dedup.Estimate, budget int64, from string) {
	how := "estimated from a sample of " + thousands(est.Sampled)
	if est.Whole {
		how = "all read"
	}
	fmt.Fprintf(w, "articles      %s (%s)\n", thousands(est.Articles), how)
	fmt.Fprintf(w, "kept          %d bytes an article\n", est.PerArticle)
	if est.Stored > 0 {
		fmt.Fprintf(w, "in the state  %s articles\n", thousands(est.Stored))
	}
	fmt.Fprintf(w, "peak memory   about %s (%d bytes)\n", sysmem.FormatSize(est.Peak), est.Peak)
	switch {
	case budget == 0:
		fmt.Fprintln(w, "budget        none (--max-memory 0)")
	case est.Peak > budget:
		fmt.Fprintf(w, "budget        %s (%s): the run would be refused\n", sysmem.FormatSize(budget), from)
	default:
		fmt.Fprintf(w, "budget        %s (%s)\n", sysmem.FormatSize(budget), from)
	}
}

// memoryBudget is the run's memory budget: --max-memory's size, or
// without it the memory available to this process (the cgroup's limit,
// MemAvailable, or the address-space limit less RuntimeReserve, the
// smallest), with where it came from;
// 0: no check (--max-memory 0, or nothing known).
func memoryBudget(flag string) (int64, string, error) {
	if flag != "" {
		n, err := sysmem.ParseSize(flag)
		if err != nil {
			return 0, "", usagef("run: --max-memory %q: %v", flag, err)
		}
		return n, "--max-memory", nil
	}
	avail, from := sysmem.Available()
	return avail, "memory available, " + from, nil
}

// thousands writes n with commas: 1,000,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
