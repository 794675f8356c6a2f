package pipeline_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/spf13/pflag"

	"github.com/neardup/neardup/beam/pipeline"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/report"
)

func TestMain(m *testing.M) { ptest.Main(m) } // Prism unless --runner says otherwise

// config is what neardup run makes of flags and inputs.
func config(t *testing.T, flags []string, inputs ...string) dedup.Config {
	t.Helper()
	var o matchflags.Options
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(flags); err != nil {
		t.Fatal(err)
	}
	o.Workers = 2
	cfg, err := o.Config("test", inputs)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// outputs are a run's three files; the summary without what describes
// the run itself (version, workers, seconds).
type outputs struct {
	clusters, drop string
	summary        map[string]any
}

// cli runs the CLI's pipeline (dedup.Run) and writes its outputs as
// neardup run does.
func cli(t *testing.T, cfg dedup.Config) outputs {
	t.Helper()
	res, err := dedup.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var c, d, s bytes.Buffer
	if err := report.Clusters(&c, res); err != nil {
		t.Fatal(err)
	}
	if err := report.Drop(&d, res); err != nil {
		t.Fatal(err)
	}
	if err := report.NewSummary("test", cfg, res).Write(&s); err != nil {
		t.Fatal(err)
	}
	return outputs{c.String(), d.String(), summaryMap(t, s.Bytes())}
}

// onBeam runs the Beam pipeline (on Prism) and reads its outputs; with
// shards, it joins them first (pipeline.Join).
func onBeam(t *testing.T, cfg dedup.Config, rounds, shards int) (outputs, error) {
	t.Helper()
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	pipeline.Build(s, pipeline.Options{Config: pipeline.NewConfig(cfg), Out: out, Rounds: rounds, Shards: shards, Version: "test"})
	if err := ptest.Run(p); err != nil {
		return outputs{}, err
	}
	if shards > 0 {
		for i := range shards {
			if _, err := os.Stat(filepath.Join(out, pipeline.ShardName(report.ClustersFile, i, shards))); err != nil {
				t.Fatal(err)
			}
		}
		if err := pipeline.Join(context.Background(), out); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return outputs{string(read(report.ClustersFile)), string(read(report.DropFile)), summaryMap(t, read(report.SummaryFile))}, nil
}

func summaryMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "version")
	delete(m, "workers")
	delete(m, "seconds")
	return m
}

// same fails t where the Beam pipeline's outputs differ from the CLI's.
func same(t *testing.T, got, want outputs, minClusters int) {
	t.Helper()
	if n := strings.Count(want.clusters, "\n"); n < minClusters {
		t.Fatalf("the CLI found %d clusters, want at least %d: the case tests too little", n, minClusters)
	}
	if got.clusters != want.clusters {
		t.Errorf("clusters.jsonl differs:\n%s\nCLI:\n%s", head(got.clusters), head(want.clusters))
	}
	if got.drop != want.drop {
		t.Errorf("drop.txt differs: %d lines, CLI %d", strings.Count(got.drop, "\n"), strings.Count(want.drop, "\n"))
	}
	g, _ := json.MarshalIndent(got.summary, "", " ")
	w, _ := json.MarshalIndent(want.summary, "", " ")
	if !bytes.Equal(g, w) {
		t.Errorf("summary.json differs:\n%s\nCLI:\n%s", g, w)
	}
}

func head(s string) string {
	lines := strings.SplitN(s, "\n", 4)
	return strings.Join(lines[:min(len(lines), 3)], "\n")
}

// TestSameAsCLIOnTestdata: the bundled corpora, with the defaults and with
// every lever off.
func TestSameAsCLIOnTestdata(t *testing.T) {
	off := strings.Fields("--model off --shingle word:5 --threshold 0.5 --containment 0 --figures 0 --names 0 --window off --anti-chain=false --boilerplate=false --subject 0 --short-window off --figure-order 0 --lede 0 --furniture 0")
	for _, tc := range []struct {
		name   string
		flags  []string
		inputs []string
		min    int
	}{
		{"wire", nil, []string{"../../testdata/wire/"}, 2},
		{"briefs", nil, []string{"../../testdata/briefs/"}, 2},
		{"both, levers off", off, []string{"../../testdata/briefs/briefs.jsonl", "../../testdata/wire"}, 3},
		{"char shingles", []string{"--shingle", "char:5"}, []string{"../../testdata/wire/"}, 2},
		{"the veto stack", []string{"--model", "off"}, []string{"../../testdata/briefs/"}, 2},
		{"mean linkage", []string{"--linkage", "mean"}, []string{"../../testdata/wire/"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t, tc.flags, tc.inputs...)
			got, err := onBeam(t, cfg, pipeline.DefaultRounds, 0)
			if err != nil {
				t.Fatal(err)
			}
			same(t, got, cli(t, cfg), tc.min)
		})
	}
}

// TestSameAsCLIOnGenerated: 10,000 generated articles (rewrites, heavy
// rewrites, follow-ups) in four files, one gzipped, read through a
// pattern by the pipeline and as a directory by the CLI, written whole
// and in shards joined with pipeline.Join; and the same
// files with bad records and IDs repeated across files, --on-error skip.
func TestSameAsCLIOnGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a corpus")
	}
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus.jsonl")
	gen := exec.Command("go", "run", "./benchmarks/gen", "-n", "10000", "-followups", "0.05", "-heavy", "0.1",
		"-out", corpus, "-gold", filepath.Join(dir, "gold.jsonl"))
	gen.Dir = "../.."
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generating the corpus: %v\n%s", err, out)
	}
	b, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	clean, dirty := filepath.Join(dir, "clean"), filepath.Join(dir, "dirty")
	for i := range 4 {
		part := strings.Join(lines[i*len(lines)/4:(i+1)*len(lines)/4], "")
		name := fmt.Sprintf("part-%d.jsonl", i)
		// The dirty copy: a malformed line, a bad date, and two articles
		// of the first part again (IDs read twice, across files).
		bad := part + "{not json\n" + `{"id":"bad-date-` + fmt.Sprint(i) + `","text":"x","date":"0001-01-01"}` + "\n"
		if i > 0 {
			bad = lines[i] + part + lines[2*i]
		}
		write(t, filepath.Join(clean, name), part, i == 2)
		write(t, filepath.Join(dirty, name), bad, i == 2)
	}
	for _, shards := range []int{0, 5} {
		t.Run(fmt.Sprintf("clean, %d shards", shards), func(t *testing.T) {
			cfg := config(t, nil, filepath.Join(clean, "part-*"))
			got, err := onBeam(t, cfg, pipeline.DefaultRounds, shards)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Inputs = []string{clean}
			want := cli(t, cfg)
			want.summary["inputs"] = got.summary["inputs"]
			same(t, got, want, 2000)
		})
	}
	t.Run("skipped records", func(t *testing.T) {
		cfg := config(t, []string{"--on-error", "skip"}, dirty)
		got, err := onBeam(t, cfg, pipeline.DefaultRounds, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := cli(t, cfg)
		if !strings.Contains(fmt.Sprint(want.summary["skips"]), "duplicate_id") {
			t.Fatalf("the CLI skipped no duplicate: %v", want.summary["skips"])
		}
		same(t, got, want, 2000)
	})
	t.Run("fail", func(t *testing.T) {
		cfg := config(t, nil, dirty)
		if _, err := onBeam(t, cfg, pipeline.DefaultRounds, 0); err == nil || !strings.Contains(err.Error(), "part-0.jsonl:") {
			t.Errorf("bad records without --on-error skip: %v, want an error naming file:line", err)
		}
	})
}

// write writes a file, gzipped if zip (named .gz).
func write(t *testing.T, name, text string, zip bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	b := []byte(text)
	if zip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		b, name = buf.Bytes(), name+".gz"
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSameAsCLIOnLargeBuckets: 400 copies of one brief and 300 of
// another, in two files, share every band: buckets over lsh.MaxBucket,
// where only the first lsh.StarPairs articles in input order are paired.
// The pipeline must pair the same ones.
func TestSameAsCLIOnLargeBuckets(t *testing.T) {
	dir := t.TempDir()
	var files [2]strings.Builder
	for i := range 700 {
		text := "Acme Corp raised its quarterly dividend to 12 cents a share from 10 cents, payable June 1 to holders of record May 15."
		if i%7 < 3 {
			text = "Globex said first quarter net profit rose to 4.1 mln dlrs from 3.2 mln on sales of 51.6 mln against 44.0 mln a year earlier."
		}
		fmt.Fprintf(&files[i%2], `{"id":"b%03d","title":"Company brief","text":%q,"date":"2024-05-0%dT%02d:00:00Z"}`+"\n", i, text, 1+i%2, i%24)
	}
	for i := range files {
		write(t, filepath.Join(dir, fmt.Sprintf("f%d.jsonl", i)), files[i].String(), false)
	}
	cfg := config(t, nil, dir)
	got, err := onBeam(t, cfg, pipeline.DefaultRounds, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := cli(t, cfg)
	if n := want.summary["matching"].(map[string]any)["candidate_pairs"].(float64); n >= 400*399/2 {
		t.Fatalf("%v candidate pairs: the buckets were not bounded", n)
	}
	same(t, got, want, 2)
}
