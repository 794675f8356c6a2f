// Command neardup finds duplicate and near-duplicate news articles and
// groups rewritten copies of the same story into clusters.
//
// Usage:
//
//	neardup run [flags] INPUT...
//	neardup eval (--gold FILE | --pairs FILE | --audit FILE) [flags] (--clusters FILE | INPUT...)
//	neardup report --out DIR [flags] [INPUT...]
//	neardup history --state DIR
//	neardup state show|verify|export --state DIR
//	neardup fit -o MODEL SPEC
//	neardup help [COMMAND]
//	neardup version
//
// See README.md and `neardup COMMAND --help`. This package keeps the
// flags, the printing and the exit codes; the nightly protocol is package
// nightly's. Exit codes are a contract for scripts: 0 success; 1 failure
// (bad input with --on-error=fail, no articles read, I/O error,
// interrupted); 2 usage error; 3 finished, but input records were skipped
// for errors (--on-error=skip); 11 --out or --state is locked by another
// neardup; 12 --state was made with other parameters or in another
// format; 13 the --max-rate-change alarm (committed); 14 --state is
// damaged; 15 --max-evict refused the night; 16 nothing new (outputs
// written, no night committed); 17 the state's last night published
// instead of tonight's.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/internal/sysmem"
	"github.com/neardup/neardup/lock"
	"github.com/neardup/neardup/nightly"
	"github.com/neardup/neardup/state"
)

// version is the neardup release; it is written into summary.json.
const version = "0.1.0"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitSkipped = 3
	exitLocked  = 11 // as restic's "repository is already locked"
	exitParams  = 12 // --state was made with other parameters, or in another format
	exitAlarm   = 13 // --max-rate-change: tonight's dedup rate is far from the recent nights'
	exitDamaged = 14 // --state is damaged: nothing used or changed
	exitEvict   = 15 // --max-evict: the night would evict too much of the state; nothing changed
	exitNothing = 16 // every article read was in the state already: no night committed, outputs written
	exitMissed  = 17 // the state's last night had not reached --out: its outputs published, tonight not read
)

// env is the outside world of one invocation, so tests can run commands
// in-process.
type env struct {
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	stderrTTY bool // show a progress bar
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errSkipped reports a finished run that skipped bad input: exit code 3.
var errSkipped = errors.New("finished, but input records were skipped")

// defaultGCPercent is the garbage collector's target unless GOGC is set:
// 50 instead of Go's 100 keeps peak memory 29 % lower on a 1M-article run
// at no measured cost in time. Unless GOMEMLIMIT is set, freed memory is
// also returned to the system promptly (sysmem.FollowHeapGoal).
const defaultGCPercent = 50

func main() {
	if code := sysmem.CheckAddressSpace(os.Stderr); code != 0 {
		os.Exit(code)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		sysmem.FollowHeapGoal()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go exitIfStuck(ctx, stop)
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, stderrTTY: term.IsTerminal(int(os.Stderr.Fd()))}
	code := run(ctx, os.Args[1:], e)
	stop()
	os.Exit(code)
}

// interruptGrace is how long an interrupted run may take to stop.
const interruptGrace = 3 * time.Second

// exitIfStuck makes sure a signal always ends the process. The first
// SIGINT or SIGTERM cancels ctx, which every read of the inputs watches;
// but a file named to eval (--gold, --pairs, --clusters) may be a pipe
// that blocks in open or read. So once ctx is cancelled, signals get their
// default effect again (a second Ctrl-C kills at once), and a run still
// going after interruptGrace exits with code 1. Outputs are written
// atomically, so neither spoils the previous ones.
func exitIfStuck(ctx context.Context, stop func()) {
	<-ctx.Done()
	stop()
	time.Sleep(interruptGrace)
	fmt.Fprintf(os.Stderr, "neardup: interrupted; still running after %v, exiting\n", interruptGrace)
	os.Exit(exitFailure)
}

// run executes one command line and returns its exit code.
func run(ctx context.Context, args []string, e env) int {
	err := dispatch(ctx, args, e)
	var ue usageError
	var me *matchflags.UsageError
	switch {
	case err == nil, errors.Is(err, errHelpShown):
		return exitOK
	case errors.Is(err, errSkipped):
		return exitSkipped
	case errors.Is(err, lock.ErrLocked):
		fmt.Fprintf(e.stderr, "neardup: %v\n", err)
		return exitLocked
	case errors.As(err, new(*state.ParamsError)), errors.As(err, new(*state.FormatError)):
		fmt.Fprintf(e.stderr, "neardup: %v\n", err)
		return exitParams
	case errors.As(err, new(*state.ErrDamaged)):
		fmt.Fprintf(e.stderr, "neardup: %v\n", err)
		return exitDamaged
	case errors.As(err, new(*nightly.RateAlarm)):
		fmt.Fprintf(e.stderr, "neardup: alarm: %v\n", err)
		return exitAlarm
	case errors.As(err, new(*nightly.EvictAlarm)), errors.As(err, new(*state.ClockEvictError)):
		fmt.Fprintf(e.stderr, "neardup: refused: %v\n", err)
		return exitEvict
	case errors.As(err, new(*nightly.NothingNew)):
		fmt.Fprintf(e.stderr, "neardup: %v\n", err)
		return exitNothing
	case errors.As(err, new(*nightly.Unpublished)):
		fmt.Fprintf(e.stderr, "neardup: %v\n", err)
		return exitMissed
	case errors.As(err, &ue), errors.As(err, &me):
		help := "neardup --help"
		if len(args) > 0 && slices.Contains(commands, args[0]) {
			help = "neardup " + args[0] + " --help"
		}
		fmt.Fprintf(e.stderr, "neardup: %v\nRun '%s' for usage.\n", err, help)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(e.stderr, "neardup: interrupted; previous outputs left as they were")
		return exitFailure
	}
	fmt.Fprintf(e.stderr, "neardup: %v\n", err)
	return exitFailure
}

const mainHelp = `neardup finds duplicate and near-duplicate news articles and groups
rewritten copies of the same story into clusters, one canonical article each.

Usage:
  neardup run [flags] INPUT...   find clusters; write outputs into --out DIR
  neardup eval --gold G|--pairs P|--audit A [flags] (--clusters F | INPUT...)
                                 score clusters against labels; --sweep a grid
  neardup report --out DIR [INPUT...]
                                 (re)build the editors' HTML report of a run
  neardup history --state DIR    the nights a nightly state remembers
  neardup state show|verify|export --state DIR
                                 a nightly state at a glance, checked, or as JSONL
  neardup fit -o MODEL SPEC      fit the match decision to labels (run --model)
  neardup help [COMMAND]         show help
  neardup version                print the version

Examples:
  neardup run --out out/ testdata/wire/
  zcat feed.jsonl.gz | neardup run --out out/ -

Exit codes: 0 success, 1 failure (previous outputs left whole), 2 usage error,
            3 finished but input records were skipped (--on-error=skip),
            11 --out or --state is locked by another neardup (--wait DURATION waits),
            12 --state was made with other parameters or in another format,
            13 --max-rate-change alarm (the night was committed),
            14 --state is damaged (nothing changed),
            15 --max-evict: the night would evict too much of the state (nothing changed),
            16 nothing new: every article was in the state already (outputs written, no night committed),
            17 the state's last night had not been published: its outputs are now (tonight not read).

Environment: GOGC (default here 50) and GOMEMLIMIT tune memory; without
GOMEMLIMIT, freed memory is returned to the system promptly.
SOURCE_DATE_EPOCH fixes the date printed in HTML reports.

Run 'neardup COMMAND --help' for the flags of run, eval, report and history.
`

// commands are the subcommands with a help of their own.
var commands = []string{"run", "eval", "report", "history", "state", "fit"}

func dispatch(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, mainHelp)
		return usagef("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return runCmd(ctx, rest, e)
	case "eval":
		return evalCmd(ctx, rest, e)
	case "report":
		return reportCmd(ctx, rest, e)
	case "history":
		return historyCmd(ctx, rest, e)
	case "state":
		return stateCmd(ctx, rest, e)
	case "fit":
		return fitCmd(ctx, rest, e)
	case "version", "--version":
		if KillHooks {
			fmt.Fprintln(e.stdout, "neardup", version, "(a test build: kill hooks on, not for production)")
			return nil
		}
		fmt.Fprintln(e.stdout, "neardup", version)
		return nil
	case "help", "-h", "--help":
		if len(rest) > 0 && rest[0] == "run" {
			return runCmd(ctx, []string{"--help"}, e)
		}
		if len(rest) > 0 && rest[0] == "eval" {
			return evalCmd(ctx, []string{"--help"}, e)
		}
		if len(rest) > 0 && rest[0] == "report" {
			return reportCmd(ctx, []string{"--help"}, e)
		}
		if len(rest) > 0 && rest[0] == "history" {
			return historyCmd(ctx, []string{"--help"}, e)
		}
		if len(rest) > 0 && rest[0] == "fit" {
			return fitCmd(ctx, []string{"--help"}, e)
		}
		fmt.Fprint(e.stdout, mainHelp)
		return nil
	default:
		return usagef("unknown command %q", cmd)
	}
}

// errHelpShown reports that a command printed its help: exit code 0.
var errHelpShown = errors.New("help shown")

// parseFlags parses a command's flags with the flags addFlags binds. On
// --help it prints help and the flags to stdout and returns errHelpShown;
// a bad flag is a usage error.
func parseFlags(name, help string, args []string, e env, addFlags func(*pflag.FlagSet)) (*pflag.FlagSet, error) {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.SortFlags = false
	addFlags(fs)
	fs.VisitAll(showListDefault)
	fs.Usage = func() {
		fmt.Fprint(e.stdout, strings.TrimRight(helpText(help), "\n")+"\n")
		printFlags(e.stdout, fs, name == "run" || name == "eval")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return fs, errHelpShown
		}
		return fs, usagef("%s: %v", name, err)
	}
	return fs, nil
}

// showListDefault makes a list flag's default in the help read as it is
// typed: 0.3,0.4,0.5 rather than pflag's [0.300000,0.400000,0.500000], and
// an empty list as no default rather than (default []).
func showListDefault(f *pflag.Flag) {
	sv, ok := f.Value.(pflag.SliceValue)
	if !ok {
		return
	}
	items := sv.GetSlice()
	if len(items) == 0 {
		if t := f.Value.Type(); t != "stringSlice" && t != "intSlice" && t != "stringArray" {
			f.DefValue = "" // pflag shows no default for "" here, and for "[]" on those three
		}
		return
	}
	for i, it := range items {
		if v, err := strconv.ParseFloat(it, 64); err == nil {
			items[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	f.DefValue = strings.Join(items, ",")
}
