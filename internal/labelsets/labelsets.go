// Package labelsets builds, from ../shared/data and the generator, the
// labelled sets the quality and training commands read: files written
// into a temporary folder, never into the repository (the shared texts
// are for research use only).
package labelsets

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// SemEval writes, from SemEval-2022 Task 8's pairs_with_text.jsonl at
// path, a corpus of its articles (dir/semeval.jsonl: id, text; machine
// translated rows left out) and the pairs people rated different stories
// (Overall ≥ 3.5) as distinct pair labels (dir/different.jsonl). It
// returns the two files and their counts.
func SemEval(path, dir string) (corpusFile, pairsFile string, articles, pairs int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", 0, 0, err
	}
	defer f.Close()
	corpusFile, pairsFile = filepath.Join(dir, "semeval.jsonl"), filepath.Join(dir, "different.jsonl")
	var corpus, labels strings.Builder
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r struct {
			PairID    string  `json:"pair_id"`
			Augmented bool    `json:"augmented_translation"`
			Overall   float64 `json:"Overall"`
			Text1     string  `json:"text1"`
			Text2     string  `json:"text2"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return "", "", 0, 0, fmt.Errorf("%s: %v", path, err)
		}
		if r.Augmented {
			continue
		}
		ids := strings.SplitN(r.PairID, "_", 2)
		if len(ids) != 2 || ids[0] == ids[1] {
			continue
		}
		for i, text := range []string{r.Text1, r.Text2} {
			if !seen[ids[i]] {
				seen[ids[i]] = true
				line, _ := json.Marshal(map[string]string{"id": ids[i], "text": text})
				corpus.Write(append(line, '\n'))
			}
		}
		if r.Overall >= 3.5 {
			pairs++
			line, _ := json.Marshal(map[string]string{"a": ids[0], "b": ids[1], "label": "distinct", "stratum": "overall>=3.5"})
			labels.Write(append(line, '\n'))
		}
	}
	if err := sc.Err(); err != nil {
		return "", "", 0, 0, err
	}
	if err := os.WriteFile(corpusFile, []byte(corpus.String()), 0o644); err != nil {
		return "", "", 0, 0, err
	}
	if err := os.WriteFile(pairsFile, []byte(labels.String()), 0o644); err != nil {
		return "", "", 0, 0, err
	}
	return corpusFile, pairsFile, len(seen), pairs, nil
}

// HardGen is the generator's command line for its corpus with follow-up
// stories and heavy rewrites, and its pair labels.
var HardGen = []string{"-n", "10000", "-followups", "0.1", "-heavy", "0.15"}

// Gen runs ./benchmarks/gen with args (from the repository root) and
// writes dir/NAME.jsonl, dir/NAME.gold.jsonl and dir/NAME.pairs.jsonl.
func Gen(dir, name string, args []string) (corpus, gold, pairs string, err error) {
	corpus, gold, pairs = filepath.Join(dir, name+".jsonl"), filepath.Join(dir, name+".gold.jsonl"), filepath.Join(dir, name+".pairs.jsonl")
	full := append([]string{"run", "./benchmarks/gen"}, args...)
	full = append(full, "-out", corpus, "-gold", gold, "-pairs", pairs)
	if out, err := exec.Command("go", full...).CombinedOutput(); err != nil {
		return "", "", "", fmt.Errorf("go %s: %v\n%s", strings.Join(full, " "), err, out)
	}
	return corpus, gold, pairs, nil
}
