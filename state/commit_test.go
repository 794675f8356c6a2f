package state

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
)

// nightConfig is `neardup run`'s default config over the wire test
// corpus, as a night reads it.
func nightConfig(t *testing.T) dedup.Config {
	t.Helper()
	var o matchflags.Options
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := o.Config("run", []string{"../testdata/wire"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Remember = true
	return cfg
}

// A Commit that fails leaves the previous state, and the same night
// commits on a second try (the segment written ahead of the first is
// gone by then); a second Night on the same State writes its own segment
// ahead; Close leaves no temporary file.
func TestCommitRetriedAndNightTwice(t *testing.T) {
	cfg := nightConfig(t)
	res, err := dedup.Read(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, keep := ParamsOf(cfg), 7*24*time.Hour
	first := s.Night(cfg, res, time.Time{}, keep)
	second := s.Night(cfg, res, time.Time{}, keep)
	if len(first.New) == 0 || len(first.New) != len(second.New) {
		t.Fatalf("nights of %d and %d new articles", len(first.New), len(second.New))
	}
	bad := []Output{{Name: filepath.Join("no", "such", "dir"), Data: []byte("x")}}
	if err := s.Commit(first, p, keep, nil, bad, nil); err == nil {
		t.Fatal("a commit writing an output where none can be written succeeded")
	}
	if s.Manifest.Generation != 0 {
		t.Fatalf("a failed commit moved the state to generation %d", s.Manifest.Generation)
	}
	outs := []Output{{Name: "drop.txt", Data: []byte("a\n")}}
	if err := s.Commit(first, p, keep, nil, outs, nil); err != nil {
		t.Fatalf("the same night on a second try: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			t.Errorf("left after Close: %s", e.Name())
		}
	}
	s, err = Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatalf("the committed state: %v", err)
	}
	defer s.Close()
	if s.Len() != len(first.New) || s.Manifest.Generation != 1 {
		t.Errorf("state of %d articles at generation %d, want %d at 1", s.Len(), s.Manifest.Generation, len(first.New))
	}
}

// Headers whose counts overflow when multiplied are refused, not
// trusted: count × hashes wraps to a few bytes.
func TestSegmentHeaderOverflow(t *testing.T) {
	hdr := append([]byte(segMagic), make([]byte, 16+68)...)
	for _, ch := range [][2]uint32{{4294836226, 2147549185}, {1 << 31, 1 << 31}, {0xFFFFFFFF, 0xFFFFFFFF}, {3, 1 << 31}} {
		b := append([]byte(nil), hdr...)
		putU32(b[len(segMagic):], ch[0])
		putU32(b[len(segMagic)+4:], ch[1])
		if _, err := decodeSegment(b); err == nil {
			t.Errorf("count %d, hashes %d: decoded", ch[0], ch[1])
		}
	}
}

func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
