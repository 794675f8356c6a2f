package shingle

import (
	"regexp"
	"slices"
	"strings"
)

// Agencies named in datelines and credit lines.
const agencies = `AFP|Reuters?|REUTERS?|AP|PA|Sputnik|SPUTNIK|dpa|DPA|ANSA|EFE|UPI|Xinhua|XINHUA|Bloomberg|Belga|Kyodo|TASS|Tass|RIA Novosti|ATS|APA|Anadolu|AAP|CP|IANS|PTI|Yonhap`

var (
	// "BERLIN, 14 sept. (AFP) –", "WASHINGTON (AP) —", "MOSCOU, 21 févr. 2020 (AFP) -".
	datelineRE = regexp.MustCompile(`^\s*\p{Lu}[\p{Lu}\p{M} .'’/-]{1,40}(?:,[^()\n]{1,40})?\s*\((?:` + agencies + `)\)\s*[-–—:]+\s*`)
	// Whole lines: bylines, credit lines, copyright, desk tails.
	boilerLineRE = regexp.MustCompile(`^(?:` +
		`(?:By|Par|Von|Por|Di|Door|Av)\s+\p{Lu}[\p{L}\p{M}.'’-]*(?:\s+(?:\p{Lu}[\p{L}\p{M}.'’-]*|de|du|van|von|and|et|und|y|with|avec)){0,8}(?:,?\s+(?:` + agencies + `|avec .{0,60}|with .{0,60}|in .{0,30}|à .{0,30}))?` +
		`|\(?(?:Reporting|Writing|Editing|Additional reporting|Compiled|Editing and writing) by\b.*` +
		`|(?:©|Copyright|\(c\)\s*\d{4}).*` +
		`|All rights reserved\.?` +
		`|\(?(?:Avec|With|Source:?)\s+(?:` + agencies + `)\)?\.?` +
		`|(?:` + agencies + `)\.?` +
		`|More follows\.?|MORE|\(MORE\)` +
		`|[a-z]{2,4}(?:/[a-z]{2,4}){1,4}` +
		`)\s*$`)
	// Inline attribution to another agency: ", cité par Sputnik", ", quoted by Interfax".
	citedRE = regexp.MustCompile(`,?\s*(?:cité par|citée par|cités par|quoted by|selon l'agence|according to)\s+(?:` + agencies + `|Interfax|TASS|RIA)\b`)
)

// StripBoilerplate removes the parts of wire copy that say who sent it
// rather than what happened, so that two agencies' copies of one story, or
// one agency's stories of one day, neither gain nor lose similarity from
// them: a leading dateline with its agency ("BERLIN, 14 sept. (AFP) –"),
// lines that are only a byline ("By Jane Doe", "Par Anne LEROY, avec le
// bureau de l'AFP à Moscou"), credits ("Reporting by …", "Editing by …"),
// copyright and "(Avec AFP)" tails, desk initials ("bur/pz"), "More
// follows", a lone agency name ("REUTER"), and inline "cité par Sputnik".
// It is applied before shingling and never to outputs.
func StripBoilerplate(text string) string {
	text = stripDateline(text)
	if mayCite(text) {
		text = citedRE.ReplaceAllString(text, "")
	}
	var buf [headLines + tailLines]int
	drop := boilerLines(text, buf[:0])
	if len(drop) == 0 {
		return text
	}
	// The text without the dropped lines: strings.Join of the kept ones,
	// which is a slice of the text unless a line was dropped between two
	// kept ones.
	first, last := -1, -1 // start of the first kept line, end of the last
	lines(text, func(start, end int) {
		if !slices.Contains(drop, start) {
			if first < 0 {
				first = start
			}
			last = end
		}
	})
	var out string
	switch {
	case first < 0: // all dropped
	case !slices.ContainsFunc(drop, func(d int) bool { return first < d && d < last }):
		out = text[first:last]
	default:
		var b strings.Builder
		b.Grow(last - first)
		lines(text, func(start, end int) {
			if !slices.Contains(drop, start) {
				if start > first {
					b.WriteByte('\n')
				}
				b.WriteString(text[start:end])
			}
		})
		out = b.String()
	}
	// A dateline may open the body after lines just removed.
	return stripDateline(out)
}

// lines calls f with the start and end (before the newline) of each line
// of text, as strings.Split(text, "\n") would cut it.
func lines(text string, f func(start, end int)) {
	for start := 0; start <= len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		f(start, end)
		start = end + 1
	}
}

// Bylines open a story and credits close it: only the first headLines and
// last tailLines non-empty lines are examined.
const headLines, tailLines = 3, 6

// boilerLines appends to drop the byte offsets where the lines
// StripBoilerplate examines start, for those that are boilerplate, without
// splitting the text: most texts have none.
func boilerLines(text string, drop []int) []int {
	rest, start := text, 0
	lastHead := -1 // start of the last line the head pass examined
	for k := 0; k < headLines && start <= len(text); {
		line, after, found := strings.Cut(rest, "\n")
		if t := strings.TrimSpace(line); t != "" {
			k++
			if isBoilerLine(t) {
				drop = append(drop, start)
			}
		}
		lastHead = start
		if !found {
			return drop // the whole text was examined
		}
		start += len(line) + 1
		rest = after
	}
	end := len(text)
	for k := 0; k < tailLines; {
		start := strings.LastIndexByte(text[:end], '\n') + 1
		if start <= lastHead {
			break // examined by the head pass
		}
		if t := strings.TrimSpace(text[start:end]); t != "" {
			k++
			if isBoilerLine(t) {
				drop = append(drop, start)
			}
		}
		end = start - 1 // before the newline
	}
	return drop
}

// isBoilerLine reports whether a trimmed line is boilerplate.
func isBoilerLine(t string) bool {
	return len(t) < 200 && mayBeBoilerLine(t) && boilerLineRE.MatchString(t)
}

// stripDateline removes a leading dateline; text without one is returned
// as it is, not copied.
func stripDateline(text string) string {
	if loc := datelineRE.FindStringIndex(text); loc != nil {
		return text[loc[1]:]
	}
	return text
}

// boilerStarts are the words a byline, credit or tail line can start with;
// agency names are checked separately. Lines starting otherwise cannot
// match boilerLineRE, and most lines are spared running it.
var boilerStarts = []string{"By", "Par", "Von", "Por", "Di", "Door", "Av", "(", "Reporting", "Writing",
	"Editing", "Additional", "Compiled", "©", "Copyright", "All rights", "Avec", "With", "Source", "More", "MORE"}

// citeTriggers are literal parts of citedRE's phrases, each with where the
// phrase ends in it and whether it is ASCII. ("ccording to": 'c' is rarer
// than 'a', and the search twice as fast; "'agence" for "selon l'agence".)
var citeTriggers = []struct {
	lit   string
	ascii bool
}{{"quoted by", true}, {"ccording to", true}, {"'agence", true}, {"ité par", false}, {"itée par", false}, {"ités par", false}}

// mayCite is a cheap necessary condition for citedRE: one of its phrases
// followed by white space and an agency's name. Most texts with "according
// to" cite no agency, and are spared the regular expression.
func mayCite(text string) bool {
	ascii := isASCII(text) // then no "cité par"
	for _, t := range citeTriggers {
		if ascii && !t.ascii {
			continue
		}
		for rest := text; ; {
			i := strings.Index(rest, t.lit)
			if i < 0 {
				break
			}
			rest = rest[i+len(t.lit):]
			if after := strings.TrimLeft(rest, " \t\n\f\r"); len(after) < len(rest) && startsWithAgency(after) {
				return true
			}
		}
	}
	return false
}

// startsWithAgency reports whether s starts with a literal prefix of one of
// citedRE's agency alternatives.
func startsWithAgency(s string) bool {
	for _, a := range agencyNames {
		if strings.HasPrefix(s, a) {
			return true
		}
	}
	return strings.HasPrefix(s, "Interfax") || strings.HasPrefix(s, "RIA")
}

// agencyNames are literal prefixes of the agency alternatives ("Reuters?"
// gives "Reuter").
var agencyNames = func() []string {
	var names []string
	for _, a := range strings.Split(agencies, "|") {
		if i := strings.IndexByte(a, '?'); i > 0 {
			a = a[:i-1]
		}
		names = append(names, a)
	}
	return names
}()

// mayBeBoilerLine is a cheap necessary condition for boilerLineRE.
func mayBeBoilerLine(t string) bool {
	for _, p := range boilerStarts {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	for _, a := range agencyNames {
		if strings.HasPrefix(t, a) {
			return true
		}
	}
	// Desk initials: "bur/pz", lower-case letters and slashes only.
	return len(t) <= 24 && strings.IndexByte(t, '/') > 0 && strings.Trim(t, "abcdefghijklmnopqrstuvwxyz/") == ""
}
