package report

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/neardup/neardup/shingle"
)

//go:embed report.html.tmpl
var reportTemplate string

//go:embed report.css
var reportCSS string

//go:embed report.js
var reportJS string

var htmlTemplate = template.Must(template.New("report").Parse(reportTemplate))

// Article is the text of one article, for the report.
type Article struct {
	Title string
	Text  string // the matched text: body, or title when there is none
}

// HTMLOptions bound the report's size. The size budget of one cluster is
// its canonical article and up to MaxCopies copies with text, each at most
// MaxText bytes, plus about 250 bytes of metadata per member; further copies
// are listed without text. Once Budget bytes of text are used, later
// clusters are listed without any text (the summary says how many).
type HTMLOptions struct {
	MaxCopies int
	MaxText   int
	Budget    int
	Generated time.Time  // shown as the report's date
	Near      []NearLine // near misses, listed under their clusters with a "These are copies" button; nil: none
}

// DefaultHTMLOptions: 8 copies of at most 20 KB each per cluster, 16 MiB of
// text in all (about 5,000 clusters of two 1,500-word stories).
func DefaultHTMLOptions() HTMLOptions {
	return HTMLOptions{MaxCopies: 8, MaxText: 20000, Budget: 16 << 20}
}

// The data the page's script renders. Field names are short: a large
// report carries one of each per article.
type htmlData struct {
	// Run fingerprints the run (its inputs, parameters and clusters): the
	// page keeps an editor's decisions in the browser under it, so that a
	// reload keeps them and another run's page does not see them.
	Run      string        `json:"run"`
	Clusters []htmlCluster `json:"clusters"`
}

type htmlCluster struct {
	N       int         `json:"n"`
	Size    int         `json:"size"`
	Title   string      `json:"title"`
	Span    string      `json:"span,omitempty"`
	Sources []string    `json:"sources,omitempty"`
	Best    float64     `json:"best"`
	Worst   float64     `json:"worst"`
	Canon   htmlArticle `json:"canon"`
	Copies  []htmlCopy  `json:"copies"`
	NoText  bool        `json:"notext,omitempty"` // over budget: members listed without text

	// A nightly run's: the cluster's stable ID and how many of its members
	// arrived tonight.
	ID      string `json:"id,omitempty"`
	Tonight int    `json:"tonight,omitempty"`

	// Near misses: articles the run kept apart that nearly matched a member.
	Near []htmlNear `json:"near,omitempty"`
}

// htmlNear is a near miss as the page shows it: the article kept apart,
// the member it nearly matched (by ID), and the cluster it is in (0: none).
type htmlNear struct {
	htmlArticle
	Member string     `json:"member"`
	Apart  int        `json:"apart,omitempty"`
	Match  *MatchLine `json:"match,omitempty"`
}

type htmlArticle struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Source string `json:"source,omitempty"`
	Date   string `json:"date,omitempty"`
	Text   string `json:"text,omitempty"`
	Cut    bool   `json:"cut,omitempty"` // text truncated to MaxText

	// A nightly run's: when the member arrived and what became of it
	// (nightMark), and why an earlier night's member has no text.
	Mark    string `json:"mark,omitempty"`
	Kind    string `json:"kind,omitempty"` // "new", "kept" or "hidden"
	Missing string `json:"missing,omitempty"`
}

type htmlCopy struct {
	htmlArticle
	Similarity float64    `json:"sim"`
	Match      *MatchLine `json:"match,omitempty"`
	Note       string     `json:"note,omitempty"` // a nightly run's: published before the canonical
	// Run lengths over words, alternating not shared / shared, starting
	// with not shared: Shared over this copy's words (the rest it adds),
	// CanonShared over the canonical article's words (the rest it drops).
	// Words are runs of letters, decimal digits and marks, as in package
	// shingle; the page's script finds them in the text the same way.
	Shared      []int `json:"shared,omitempty"`
	CanonShared []int `json:"cshared,omitempty"`
}

type htmlPage struct {
	Summary   *Summary
	Generated string
	Omitted   int // clusters listed without text
	Hidden    int // a nightly run's: tonight's members hidden (drop.txt)
	CSS       template.CSS
	JS        template.JS
	Data      htmlData
}

// HTML writes the editors' report: one self-contained page (inline CSS and
// script, no network access) listing the clusters, and for each the
// canonical article beside each copy with the passages they share
// highlighted and what the copy adds and drops. Texts are looked up by
// article ID in texts; a member without text is listed by title. Article
// text reaches the page only as JSON data inside the page, escaped by
// html/template, and the script inserts it as text nodes: it can never
// become markup or script.
//
// A nightly run's report (sum.State set) says which night it is, shows each
// cluster's stable ID and marks each member with the night it arrived
// (nightMark); an earlier night's member has no text in it, since the
// state keeps none and texts are read from tonight's inputs. A batch
// report's page and data carry none of this.
func HTML(w io.Writer, sum *Summary, clusters []ClusterLine, texts map[string]Article, opts HTMLOptions) error {
	sh, err := shingle.Parse(sum.Parameters.Shingle)
	if err != nil {
		sh = shingle.Options{Kind: shingle.Word, N: 3}
	}
	sh.FoldAccents = sum.Parameters.FoldAccents
	page := htmlPage{
		Summary:   sum,
		Generated: opts.Generated.UTC().Format(displayTime),
		CSS:       template.CSS(reportCSS),
		JS:        template.JS(reportJS),
	}
	near := map[int][]NearLine{}
	for _, n := range opts.Near {
		near[n.Cluster] = append(near[n.Cluster], n)
	}
	used := 0
	for _, c := range clusters {
		hc := htmlCluster{N: c.Cluster, Size: c.Size, Worst: 1}
		sources := map[string]bool{}
		var first, last time.Time
		var firstDate, lastDate string
		for i, m := range c.Members {
			if m.Source != "" && !sources[m.Source] {
				sources[m.Source] = true
				hc.Sources = append(hc.Sources, m.Source)
			}
			if t, ok := parseDate(m.Date); ok {
				if firstDate == "" || t.Before(first) {
					first, firstDate = t, m.Date
				}
				if lastDate == "" || t.After(last) {
					last, lastDate = t, m.Date
				}
			}
			if i > 0 {
				hc.Best = max(hc.Best, m.Similarity)
				hc.Worst = min(hc.Worst, m.Similarity)
			}
		}
		hc.Title = oneLine(cmp.Or(c.Title, c.Members[0].Title))
		hc.Span = dateSpan(firstDate, lastDate)
		hc.NoText = used >= opts.Budget
		if hc.NoText {
			page.Omitted++
		}
		canonText, cut := "", false
		if !hc.NoText {
			canonText, cut = displayText(texts[c.Canonical].Text, opts.MaxText)
		}
		hc.Canon = article(c.Members[0], canonText, cut)
		if sum.State != nil {
			hc.ID = c.StableID
			for i, m := range c.Members {
				if m.Night == sum.State.Night {
					hc.Tonight++
					if i > 0 {
						page.Hidden++
					}
				}
			}
			nightMark(&hc.Canon, c.Members[0], true, sum.State.Night)
		}
		used += len(canonText)
		canonSet := sh.Shingles(canonText)
		for i, m := range c.Members[1:] {
			cp := htmlCopy{Similarity: m.Similarity, Match: m.Match}
			text, cut := "", false
			if !hc.NoText && i < opts.MaxCopies {
				text, cut = displayText(texts[m.ID].Text, opts.MaxText)
			}
			cp.htmlArticle = article(m, text, cut)
			if sum.State != nil {
				nightMark(&cp.htmlArticle, m, false, sum.State.Night)
				if m.Match != nil && m.Match.PublishedBefore {
					cp.Note = publishedBeforeNote
				}
			}
			if text != "" && canonText != "" {
				_, shared := sh.SharedWords(text, canonSet)
				cp.Shared = runs(shared)
				_, cshared := sh.SharedWords(canonText, sh.Shingles(text))
				cp.CanonShared = runs(cshared)
				used += len(text)
			}
			hc.Copies = append(hc.Copies, cp)
		}
		for _, n := range near[c.Cluster] {
			text, cut := "", false
			if !hc.NoText {
				text, cut = displayText(texts[n.Other.ID].Text, min(opts.MaxText, nearText))
				used += len(text)
			}
			hc.Near = append(hc.Near, htmlNear{htmlArticle: article(n.Other, text, cut), Member: n.Member, Apart: n.Apart, Match: n.Other.Match})
		}
		page.Data.Clusters = append(page.Data.Clusters, hc)
	}
	if page.Data.Clusters == nil {
		page.Data.Clusters = []htmlCluster{}
	}
	page.Data.Run = runFingerprint(sum, clusters)
	return htmlTemplate.Execute(w, page)
}

// nearText bounds the text shown of a near miss's article: enough to
// read its lede and decide.
const nearText = 2000

// runFingerprint identifies a run by its inputs, parameters and clusters
// (members in order), 16 hex digits of their SHA-256: the same run gives
// the same, another run another.
func runFingerprint(sum *Summary, clusters []ClusterLine) string {
	h := sha256.New()
	p, _ := json.Marshal(sum.Parameters)
	fmt.Fprintf(h, "%q\n%s\n", sum.Inputs, p)
	if sum.State != nil {
		fmt.Fprintf(h, "night %d\n", sum.State.Night)
	}
	for _, c := range clusters {
		for _, m := range c.Members {
			fmt.Fprintf(h, "%q ", m.ID)
		}
		h.Write([]byte("\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// article describes a member as the page shows it: title on one line,
// date in the report's one format, text as displayText made it.
func article(m MemberLine, text string, cut bool) htmlArticle {
	return htmlArticle{ID: m.ID, Title: oneLine(m.Title), Source: m.Source, Date: displayDate(m.Date),
		Text: text, Cut: cut}
}

// Words of a nightly report: the member marks (nightMark), and the notes
// on a member without text and on one published before its canonical.
const (
	markTonight         = "new tonight"
	missingText         = "text not in tonight's input: the state keeps no texts"
	publishedBeforeNote = "published before the canonical, kept on an earlier night"
)

// nightMark marks a member of a nightly run's cluster with the night it
// arrived: tonight's "new tonight"; an earlier night's canonical "kept on
// DATE" and other members "hidden on DATE" (decisions are final), "night N"
// when the night's date is unknown. An earlier night's member without text
// says why. A member without a night (a hand-made clusters.jsonl) is left
// unmarked.
func nightMark(a *htmlArticle, m MemberLine, canonical bool, tonight int) {
	switch {
	case m.Night == 0:
		return
	case m.Night == tonight:
		a.Mark, a.Kind = markTonight, "new"
		return
	case canonical:
		a.Kind = "kept"
	default:
		a.Kind = "hidden"
	}
	when := "night " + strconv.Itoa(m.Night)
	if m.Arrived != "" {
		when = m.Arrived
	}
	a.Mark = a.Kind + " on " + when
	if a.Text == "" {
		a.Missing = missingText
	}
}

// displayText is an article's text as the page shows it: reflowed into
// paragraphs, then cut to at most maxText bytes (cut reports whether it
// was). The shared-passage runs are computed on this text; reflowing
// changes only whitespace, never a word, so they are the same as on the
// text as written.
func displayText(text string, maxText int) (string, bool) {
	text = reflow(text)
	if len(text) <= maxText {
		return text, false
	}
	return strings.TrimRightFunc(truncate(text, maxText), unicode.IsSpace), true
}

// displayTime is the report's one format for a moment (publication dates
// with a time, the report's own date); a date without a time is shown as
// YYYY-MM-DD.
const displayTime = "2006-01-02 15:04 UTC"

// parseDate reads a member's date as clusters.jsonl has it: RFC 3339, or
// YYYY-MM-DD (midnight UTC).
func parseDate(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// displayDate shows a member's date in the report's format: "2024-05-08
// 09:30 UTC", or "2024-05-08" for a date without a time. A date that is
// neither RFC 3339 nor YYYY-MM-DD (a hand-edited clusters.jsonl) is shown
// as it is.
func displayDate(s string) string {
	t, ok := parseDate(s)
	switch {
	case !ok:
		return s
	case len(s) == len(time.DateOnly):
		return s
	}
	return t.Format(displayTime)
}

// dateSpan shows the dates of a cluster's first and last member, or one
// date when they are the same.
func dateSpan(first, last string) string {
	first, last = displayDate(first), displayDate(last)
	if first == last {
		return first
	}
	return first + " – " + last
}

// oneLine collapses every run of white space in a title, line breaks
// included, to one space: wire headlines come hard-wrapped too.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// wrapWidth is the longest line, in characters, of hard-wrapped text:
// wire copy is wrapped at 60 to 80 columns. A text with more than one line
// in ten longer than this has one paragraph per line.
const wrapWidth = 100

// reflow joins hard-wrapped lines into paragraphs, one per line of the
// result. In hard-wrapped text a line break followed by a blank line or an
// indented line starts a paragraph, and any other line break becomes a
// space (nothing after a hyphen between two words: "Japan-" and "European"
// give "Japan-European"). In text with long lines every line is a
// paragraph. Lines are trimmed, blank lines dropped. Only white space
// changes: the words, and so the shared-passage runs over them, stay the
// same.
func reflow(text string) string {
	if strings.IndexByte(text, '\n') < 0 && strings.IndexByte(text, '\r') < 0 {
		return strings.TrimSpace(text)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	long, filled := 0, 0
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		filled++
		if len(l) > wrapWidth && utf8.RuneCountInString(l) > wrapWidth {
			long++
		}
	}
	wrapped := long*10 <= filled
	var b strings.Builder
	b.Grow(len(text))
	blank, prev := false, ""
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			blank = true
			continue
		}
		if b.Len() > 0 {
			r, _ := utf8.DecodeRuneInString(l)
			switch {
			case !wrapped || blank || unicode.IsSpace(r):
				b.WriteByte('\n')
			case joinsHyphen(prev, t):
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(t)
		blank, prev = false, t
	}
	return b.String()
}

// joinsHyphen reports whether a line ending in a hyphen that follows a
// letter or digit continues on the next, which starts with one: the
// hyphen joins a compound broken at the line's end.
func joinsHyphen(line, next string) bool {
	if !strings.HasSuffix(line, "-") {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(line[:len(line)-1])
	after, _ := utf8.DecodeRuneInString(next)
	return isLetterOrDigit(before) && isLetterOrDigit(after)
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// runs encodes flags as run lengths, alternating false/true, starting with
// false (a leading 0 when the first flag is true).
func runs(flags []bool) []int {
	var out []int
	cur, n := false, 0
	for _, f := range flags {
		if f != cur {
			out = append(out, n)
			cur, n = f, 0
		}
		n++
	}
	return append(out, n)
}
