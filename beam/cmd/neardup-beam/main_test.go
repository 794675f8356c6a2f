package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/report"
)

// TestRun: the command's exit codes and outputs, through its flags.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"id":"1","text":"one two three four"}`+"\n{oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.jsonl")
	if err := os.WriteFile(empty, []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string // a part of it
	}{
		{"help", []string{"--help"}, 0, ""},
		{"no out", []string{"../../../testdata/wire"}, 2, "--out DIR is required"},
		{"unknown flag", []string{"--out", dir, "--nope", "x"}, 2, "unknown flag"},
		{"bad matching flag", []string{"--out", dir, "--threshold", "2", "x"}, 2, "--threshold"},
		{"no input", []string{"--out", dir}, 2, "no INPUT"},
		{"rounds", []string{"--out", dir, "--components-rounds", "0", "x"}, 2, "--components-rounds"},
		{"wire", []string{"--out", filepath.Join(dir, "wire"), "--runner", "prism", "../../../testdata/wire/"}, 0, "2 clusters, 6 duplicates"},
		{"skipped records", []string{"--out", filepath.Join(dir, "skip"), "--on-error", "skip", bad}, 3, "1 articles read, 1 skipped"},
		{"bad record", []string{"--out", filepath.Join(dir, "fail"), bad}, 1, "bad.jsonl:2"},
		{"nothing read", []string{"--out", filepath.Join(dir, "none"), empty}, 1, "no articles read"},
		{"sharded", []string{"--out", filepath.Join(dir, "sharded"), "--shards", "3", "../../../testdata/wire/"}, 0, "2 clusters, 6 duplicates"},
		{"join", []string{"--join", "--out", filepath.Join(dir, "sharded")}, 0, ""},
		{"join without shards", []string{"--join", "--out", filepath.Join(dir, "none")}, 1, "no shards"},
		{"join with input", []string{"--join", "--out", dir, "x"}, 2, "no INPUT"},
		{"missing input", []string{"--out", filepath.Join(dir, "none"), filepath.Join(dir, "missing.jsonl")}, 1, "missing.jsonl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, lastLines(stderr.String()), tc.code, tc.stderr)
			}
			if tc.name == "help" && !strings.Contains(stdout.String(), "--components-rounds") {
				t.Errorf("help: %q", stdout.String())
			}
		})
	}
	set, err := report.ReadSet(filepath.Join(dir, "wire"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Clusters) != 2 || len(set.Drop) != 6 {
		t.Errorf("wire: %d clusters, %d dropped; want 2 and 6", len(set.Clusters), len(set.Drop))
	}
	for _, name := range []string{report.ClustersFile, report.DropFile} {
		whole, err := os.ReadFile(filepath.Join(dir, "wire", name))
		if err != nil {
			t.Fatal(err)
		}
		joined, err := os.ReadFile(filepath.Join(dir, "sharded", name))
		if err != nil || !bytes.Equal(whole, joined) {
			t.Errorf("%s: joined shards differ from one run's whole file (%v)", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none", report.SummaryFile)); err == nil {
		t.Error("a run that read nothing wrote outputs")
	}
}

func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-3):], "\n")
}

// TestNoFlagShadowsBeams: Beam's flags (the standard library's) and
// neardup-beam's own never share a name: one would silently hide the
// other.
func TestNoFlagShadowsBeams(t *testing.T) {
	var o options
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	o.addFlags(fs)
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if fs.Lookup(f.Name) != nil {
			t.Errorf("--%s is both Beam's and neardup-beam's", f.Name)
		}
	})
	for _, name := range []string{"runner", "project", "region", "staging_location", "endpoint", "environment_type", "worker"} {
		if flag.CommandLine.Lookup(name) == nil {
			t.Errorf("Beam's --%s is not defined", name)
		}
	}
}
