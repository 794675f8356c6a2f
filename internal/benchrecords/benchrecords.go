// Package benchrecords makes the JSONL records the decode benchmarks go
// through, for package corpus's benchmarks and for the decoder comparison
// in benchmarks/jsondecode (a module of its own): one generator, so that
// both decode the same bytes.
package benchrecords

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
)

// N is how many records a set holds.
const N = 2000

// GeneratedSHA256 is the hash of Generated(N), lines joined by "\n" each:
// a change to the generator changes every benchmark's input, and must say
// so.
const GeneratedSHA256 = "4c10491168708268219e7cdeac2320552e495880aaad6cfa7c85d9f2b20901ec"

// Set is a named list of JSONL records.
type Set struct {
	Name  string
	Lines [][]byte
}

// Sets are the records the decode benchmarks go through: the generated
// ones, and the first N of Reuters-21578 (ASCII, 0.9 KB on average, a
// "topics" array, 7 % without text) when reutersPath can be read; err says
// why not.
func Sets(reutersPath string) (sets []Set, err error) {
	sets = []Set{{"gen", Generated(N)}}
	data, err := os.ReadFile(reutersPath)
	if err != nil {
		return sets, err
	}
	var lines [][]byte
	for l := range bytes.Lines(data) {
		if len(lines) == N {
			break
		}
		lines = append(lines, bytes.TrimRight(l, "\n"))
	}
	return append(sets, Set{"reuters", lines}), nil
}

// Generated makes n JSONL records shaped like benchmarks/gen's and real
// wire copy: a numeric-looking string ID, a headline, a body of 2–6 KB in
// paragraphs (newlines, hence escapes), quotes, some non-ASCII words and
// figures, a source and an RFC 3339 date; encoded by encoding/json, as
// most producers of JSONL do.
func Generated(n int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 27))
	words := strings.Fields(`the a of to in and said on for was is that by with at from its
		it as be has have will would year percent million billion shares bank government minister
		company market prices oil trade talks officials week report rose fell agreed statement
		Reuters analysts quarter profit growth exports central rate inflation election parliament
		Zürich São Paulo Société Générale café naïve «accord» — über Ålesund Kraków`)
	sources := []string{"Reuters", "AFP", "AP", "dpa", "Agence Europe"}
	word := func() string { return words[rng.IntN(len(words))] }
	type rec struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Text   string `json:"text"`
		Source string `json:"source"`
		Date   string `json:"date"`
	}
	lines := make([][]byte, n)
	for i := range lines {
		var title, body strings.Builder
		for j := range 6 + rng.IntN(6) {
			if j > 0 {
				title.WriteByte(' ')
			}
			title.WriteString(strings.ToUpper(word()))
		}
		size := 2000 + rng.IntN(4000)
		for body.Len() < size {
			for k := range 3 + rng.IntN(5) { // a sentence
				switch {
				case k > 0 && rng.IntN(12) == 0:
					fmt.Fprintf(&body, " %d.%d", rng.IntN(1000), rng.IntN(100))
				case k > 0 && rng.IntN(25) == 0:
					fmt.Fprintf(&body, ` "%s %s"`, word(), word())
				case k > 0:
					body.WriteString(" " + word())
				default:
					body.WriteString(word())
				}
			}
			body.WriteString(". ")
			if rng.IntN(4) == 0 {
				body.WriteString("\n    ")
			}
		}
		r := rec{
			ID:     fmt.Sprintf("%d", 100000+i),
			Title:  title.String(),
			Text:   strings.TrimSpace(body.String()),
			Source: sources[rng.IntN(len(sources))],
			Date:   fmt.Sprintf("2026-%02d-%02dT%02d:%02d:00Z", 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60)),
		}
		b, err := json.Marshal(r)
		if err != nil {
			panic(err)
		}
		lines[i] = b
	}
	return lines
}
