package shingle_test

import (
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
)

func TestStripBoilerplate(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"AFP dateline", "MOSCOU, 21 févr. 2020 (AFP) - Le président russe a assuré", "Le président russe a assuré"},
		{"AFP short dateline", "BERLIN, 14 sept. (AFP) – Le chef de la diplomatie", "Le chef de la diplomatie"},
		{"AP dateline", "WASHINGTON (AP) — The Senate voted", "The Senate voted"},
		{"byline line", "By Jane Doe\nThe Senate voted on Tuesday.", "The Senate voted on Tuesday."},
		{"French byline with bureau", "Par Anne LEROY, avec le bureau de l'AFP à Moscou\n\nJeudi, la chancellerie", "\nJeudi, la chancellerie"},
		{"credits", "The deal closed.\n(Reporting by Jane Doe; Editing by John Roe)", "The deal closed."},
		{"Reuters tail", "Shr 20 cts vs 28 cts\n    Net 393,371 vs 555,989\n REUTER", "Shr 20 cts vs 28 cts\n    Net 393,371 vs 555,989"},
		{"desk initials and avec", "Fin du texte.\n\n(Avec AFP)\nbur/pz", "Fin du texte.\n"},
		{"copyright", "Body.\n© 2024 Agence France-Presse", "Body."},
		{"cité par", "a fait savoir Dmitri Peskov, cité par Sputnik.", "a fait savoir Dmitri Peskov."},
		{"citée par", "a déclaré la porte-parole, citée par TASS.", "a déclaré la porte-parole."},
		{"quoted by", "the ministry said, quoted by Interfax, that", "the ministry said, that"},
		{"according to an agency", "Prices rose, according to Reuters calculations.", "Prices rose calculations."},
		{"according to a report is kept", "Prices rose, according to the report.", "Prices rose, according to the report."},
		{"selon l'agence", "Le texte, selon l'agence AFP, est", "Le texte, est"},
		{"more follows", "First paragraph.\n    More follows.", "First paragraph."},
		{"prose is kept", "By the end of the year, the company said, sales would rise.", "By the end of the year, the company said, sales would rise."},
		{"a sentence about AP is kept", "AP reported that the vote was delayed.", "AP reported that the vote was delayed."},
		{"capitals that are not a dateline", "NEW YORK stocks rose on Monday.", "NEW YORK stocks rose on Monday."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shingle.StripBoilerplate(tt.in); strings.TrimRight(got, "\n ") != strings.TrimRight(tt.want, "\n ") {
				t.Errorf("StripBoilerplate(%q)\n = %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestBoilerLinePrefilter: every line the regexp strips passes the cheap
// prefilter, so the prefilter never changes what is stripped.
func FuzzBoilerLinePrefilter(f *testing.F) {
	for _, s := range []string{"By Jane Doe", "Par Anne LEROY, avec le bureau de l'AFP à Moscou", "(Reporting by X)",
		"© 2024 AFP", "bur/pz", "REUTER", "(Avec AFP)", "More follows.", "Source: Reuters", "AP"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		line = strings.TrimSpace(line)
		if shingle.MatchesBoilerLine(line) && !shingle.MayBeBoilerLine(line) {
			t.Fatalf("%q matches the line pattern but fails the prefilter", line)
		}
	})
}

// TestBoilerplateHeadAndTail: a byline is stripped among the first three
// and the last six non-empty lines (blank lines do not count), and kept
// elsewhere, where it is more likely prose.
func TestBoilerplateHeadAndTail(t *testing.T) {
	for n := 1; n <= 14; n++ {
		for at := range n {
			var lines []string
			for i := range n {
				if i == at {
					lines = append(lines, "By Jane Doe")
				} else {
					lines = append(lines, "Paragraph "+string(rune('a'+i))+" of the story.")
				}
				if i%3 == 1 {
					lines = append(lines, "   ") // blank lines do not count
				}
			}
			in := strings.Join(lines, "\n")
			stripped := !strings.Contains(shingle.StripBoilerplate(in), "Jane")
			if want := at < 3 || at >= n-6; stripped != want {
				t.Errorf("byline at %d of %d non-empty lines: stripped %v, want %v", at, n, stripped, want)
			}
		}
	}
}

// referenceStripLines is StripBoilerplate's line rule written plainly:
// split into lines, drop the boilerplate among the first three and last
// six non-empty ones, join the rest (then a new leading dateline goes).
func referenceStripLines(text string) string {
	lines := strings.Split(text, "\n")
	var nonEmpty []int
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			nonEmpty = append(nonEmpty, i)
		}
	}
	drop := map[int]bool{}
	for k, i := range nonEmpty {
		if (k < 3 || k >= len(nonEmpty)-6) && shingle.MayBeBoilerLine(strings.TrimSpace(lines[i])) &&
			len(strings.TrimSpace(lines[i])) < 200 && shingle.MatchesBoilerLine(strings.TrimSpace(lines[i])) {
			drop[i] = true
		}
	}
	if len(drop) == 0 {
		return text
	}
	var kept []string
	for i, l := range lines {
		if !drop[i] {
			kept = append(kept, l)
		}
	}
	return shingle.StripDateline(strings.Join(kept, "\n"))
}

// FuzzBoilerplateLines: StripBoilerplate, which finds the lines to drop
// without splitting the text, agrees with the plain rule on texts made of
// lines of every kind (bylines, credits, blanks, prose) in any number.
func FuzzBoilerplateLines(f *testing.F) {
	f.Add(uint64(1), uint8(12))
	f.Add(uint64(7), uint8(3))
	pieces := []string{"By Jane Doe", "", "   ", "REUTER", "Paragraph of the story.", "(Reporting by X; Editing by Y)",
		"bur/pz", "More follows", "Another paragraph, with a comma.", "\t", "AP", "By the end of the year, sales rose."}
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		var lines []string
		for i := range int(n % 20) {
			seed = seed*6364136223846793005 + 1442695040888963407
			lines = append(lines, pieces[(seed>>33)%uint64(len(pieces))]+strings.Repeat(" ", i%2))
		}
		text := strings.Join(lines, "\n")
		if got, want := shingle.StripBoilerplate(text), referenceStripLines(text); got != want {
			t.Fatalf("StripBoilerplate(%q)\n = %q\nwant %q", text, got, want)
		}
	})
}

// TestBoilerplateLinesAgree runs the comparison over many texts in every
// test run, not only under -fuzz.
func TestBoilerplateLinesAgree(t *testing.T) {
	pieces := []string{"By Jane Doe", "", "   ", "REUTER", "Paragraph of the story.", "(Reporting by X; Editing by Y)",
		"bur/pz", "Another paragraph.", "AP"}
	seed := uint64(42)
	for range 20000 {
		var lines []string
		seed = seed*6364136223846793005 + 1442695040888963407
		for range int(seed>>59) + 1 {
			seed = seed*6364136223846793005 + 1442695040888963407
			lines = append(lines, pieces[(seed>>33)%uint64(len(pieces))])
		}
		text := strings.Join(lines, "\n")
		if got, want := shingle.StripBoilerplate(text), referenceStripLines(text); got != want {
			t.Fatalf("StripBoilerplate(%q)\n = %q\nwant %q", text, got, want)
		}
	}
}

// FuzzCitePrefilter: every text the citation pattern matches passes the
// cheap prefilter, so the prefilter never changes what is stripped.
func FuzzCitePrefilter(f *testing.F) {
	for _, s := range []string{"said, according to Reuters.", "citée par\tSputnik", "quoted by  Interfax", "selon l'agence AFP",
		"according to the report", "cités par RIA Novosti", "ACCORDING TO AP"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if shingle.MatchesCited(text) && !shingle.MayCite(text) {
			t.Fatalf("%q matches the citation pattern but fails the prefilter", text)
		}
	})
}
