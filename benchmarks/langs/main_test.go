package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadSaysWhatItSkips: machine-translated rows are left out and
// counted, so a language that has only those (Russian in the SemEval
// file) is reported with its reason instead of vanishing from the table.
func TestReadSaysWhatItSkips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pairs.jsonl")
	rows := strings.Join([]string{
		`{"pair_id": "1_2", "augmented_translation": false, "lang1": "tr", "lang2": "tr", "text1": "Bir", "text2": "İki"}`,
		`{"pair_id": "1_3", "augmented_translation": false, "lang1": "tr", "lang2": "en", "text1": "Bir", "text2": "Three"}`,
		`{"pair_id": "4_5", "augmented_translation": true, "lang1": "ru", "lang2": "ru", "text1": "Один", "text2": "Два"}`,
	}, "\n")
	if err := os.WriteFile(path, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	d := read(path)
	if got := strings.Join(d.texts["tr"], ","); got != "Bir,İki" {
		t.Errorf("Turkish articles %q, want each distinct article once", got)
	}
	if len(d.texts["ru"]) != 0 || d.translated["ru"] != 2 {
		t.Errorf("Russian: %d articles, %d translated texts; want 0 and 2", len(d.texts["ru"]), d.translated["ru"])
	}
	for lang, want := range map[string]string{
		"tr": "",
		"en": "",
		"ru": "its 2 texts are all in machine-translated rows, which are left out",
		"zh": "not in the data, which has en,tr",
	} {
		if got := d.skipReason(lang); got != want {
			t.Errorf("skipReason(%s) = %q, want %q", lang, got, want)
		}
	}
}
