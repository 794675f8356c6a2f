package matchflags

import (
	"errors"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func parse(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	var o Options
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &o, nil
}

func TestDefaults(t *testing.T) {
	o, _ := parse(t)
	cfg, err := o.Config("run", []string{"in"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Rules.Threshold != 0.3 || cfg.Rules.Containment != 0.6 || cfg.LSH.Hashes != 128 || cfg.Rules.Window != 48*time.Hour ||
		cfg.Rules.ShortWindow != 20*time.Hour || !cfg.AntiChain || !cfg.Boilerplate || cfg.Rules.FurnitureMin != 20 {
		t.Errorf("defaults: %+v", cfg)
	}
	// The banding threshold follows from containment: lower than the verification one.
	if cfg.LSH.Threshold >= cfg.Rules.Threshold {
		t.Errorf("candidate threshold %v, want below %v", cfg.LSH.Threshold, cfg.Rules.Threshold)
	}
}

func TestConfigRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"--threshold", "1"}, {"--threshold", "0"}, {"--containment", "1.5"}, {"--window", "3x"}, {"--short-window", "-1h"},
		{"--furniture", "1"}, {"--short-below", "-1"}, {"--signature", "simhash"}, {"--veto-below", "-2"}, {"-j", "0"},
		{"--on-error", "ignore"}, {"--max-bytes", "0"}, {"--id-field", "text"}, {"--title-field", `a"b`}, {"--shingle", "line:2"},
		{"--hashes", "8"}, {"--hashes", "31"},
	} {
		o, _ := parse(t, args...)
		_, err := o.Config("run", []string{"in"})
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: got %v, want a usage error", args, err)
		}
	}
	o, _ := parse(t)
	if _, err := o.Config("run", nil); err == nil {
		t.Error("no INPUT: accepted")
	}
}

func TestParseWindow(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "off": 0, "0": 0, "3d": 72 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := ParseWindow(in); err != nil || got != want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0d", "-3d", "1.5d", "x", "-1h"} {
		if _, err := ParseWindow(in); err == nil {
			t.Errorf("ParseWindow(%q): no error", in)
		}
	}
}
