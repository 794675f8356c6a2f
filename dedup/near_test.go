package dedup_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/model"
)

// TestNearMisses: in testdata/writethru the third version matches the
// second but not the first, the canonical, and is kept apart: it is the
// one near miss, the same whatever the worker count; none without a
// model, none once an editor decided the two apart.
func TestNearMisses(t *testing.T) {
	run := func(workers int, mod bool, decided string) ([]dedup.Near, *dedup.Result) {
		t.Helper()
		cfg := testConfig(t)
		cfg.Inputs, cfg.Workers = []string{"../testdata/writethru"}, workers
		if mod {
			cfg.Rules.Model = model.Default()
		}
		if decided != "" {
			file := filepath.Join(t.TempDir(), "decisions.jsonl")
			os.WriteFile(file, []byte(decided), 0o644)
			var err error
			if cfg.Decisions, err = decisions.Load([]string{file}); err != nil {
				t.Fatal(err)
			}
		}
		res, err := dedup.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return dedup.NearMisses(cfg, res, 10), res
	}
	near, res := run(1, true, "")
	if len(res.Clusters) != 1 || len(res.Clusters[0].Members) != 2 {
		t.Fatalf("clusters %+v, want pier-1 with pier-2", res.Clusters)
	}
	if len(near) != 1 || res.Docs[near[0].A].ID != "pier-2" || res.Docs[near[0].B].ID != "pier-3" || near[0].Match.P < model.Default().Cut-dedup.NearBelow {
		t.Fatalf("near misses %+v, want pier-2 / pier-3", near)
	}
	if again, _ := run(2, true, ""); !reflect.DeepEqual(again, near) {
		t.Errorf("with 2 workers %+v, with 1 %+v", again, near)
	}
	if off, _ := run(1, false, ""); len(off) != 0 {
		t.Errorf("without a model: %+v", off)
	}
	if apart, _ := run(1, true, `{"a":"pier-3","b":"pier-2","label":"distinct"}`+"\n"); len(apart) != 0 {
		t.Errorf("decided apart, still a near miss: %+v", apart)
	}
	if none := dedup.NearMisses(testConfig(t), res, 0); none != nil {
		t.Errorf("limit 0: %+v", none)
	}
}
