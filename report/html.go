package report

import (
	_ "embed"
	"html/template"
	"io"
	"time"
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
	Generated time.Time // shown as the report's date
}

// DefaultHTMLOptions: 8 copies of at most 20 KB each per cluster, 16 MiB of
// text in all (about 5,000 clusters of two 1,500-word stories).
func DefaultHTMLOptions() HTMLOptions {
	return HTMLOptions{MaxCopies: 8, MaxText: 20000, Budget: 16 << 20}
}

// The data the page's script renders. Field names are short: a large
// report carries one of each per article.
type htmlData struct {
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
}

type htmlArticle struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Source string `json:"source,omitempty"`
	Date   string `json:"date,omitempty"`
	Text   string `json:"text,omitempty"`
	Cut    bool   `json:"cut,omitempty"` // text truncated to MaxText
}

type htmlCopy struct {
	htmlArticle
	Similarity float64    `json:"sim"`
	Match      *MatchLine `json:"match,omitempty"`
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
func HTML(w io.Writer, sum *Summary, clusters []ClusterLine, texts map[string]Article, opts HTMLOptions) error {
	sh, err := shingle.Parse(sum.Parameters.Shingle)
	if err != nil {
		sh = shingle.Options{Kind: shingle.Word, N: 3}
	}
	sh.FoldAccents = sum.Parameters.FoldAccents
	page := htmlPage{
		Summary:   sum,
		Generated: opts.Generated.UTC().Format("2006-01-02 15:04 MST"),
		CSS:       template.CSS(reportCSS),
		JS:        template.JS(reportJS),
	}
	used := 0
	for _, c := range clusters {
		hc := htmlCluster{N: c.Cluster, Size: c.Size, Worst: 1}
		sources := map[string]bool{}
		var first, last string
		for i, m := range c.Members {
			if m.Source != "" && !sources[m.Source] {
				sources[m.Source] = true
				hc.Sources = append(hc.Sources, m.Source)
			}
			if m.Date != "" {
				if first == "" || m.Date < first {
					first = m.Date
				}
				if m.Date > last {
					last = m.Date
				}
			}
			if i > 0 {
				hc.Best = max(hc.Best, m.Similarity)
				hc.Worst = min(hc.Worst, m.Similarity)
			}
		}
		hc.Title = c.Members[0].Title
		hc.Span = dateSpan(first, last)
		hc.NoText = used >= opts.Budget
		if hc.NoText {
			page.Omitted++
		}
		canonText := ""
		if !hc.NoText {
			canonText = truncate(texts[c.Canonical].Text, opts.MaxText)
		}
		hc.Canon = article(c.Members[0], texts, canonText, opts.MaxText)
		used += len(canonText)
		canonSet := sh.Shingles(canonText)
		for i, m := range c.Members[1:] {
			cp := htmlCopy{Similarity: m.Similarity, Match: m.Match}
			text := ""
			if !hc.NoText && i < opts.MaxCopies {
				text = truncate(texts[m.ID].Text, opts.MaxText)
			}
			cp.htmlArticle = article(m, texts, text, opts.MaxText)
			if text != "" && canonText != "" {
				_, shared := sh.SharedWords(text, canonSet)
				cp.Shared = runs(shared)
				_, cshared := sh.SharedWords(canonText, sh.Shingles(text))
				cp.CanonShared = runs(cshared)
				used += len(text)
			}
			hc.Copies = append(hc.Copies, cp)
		}
		page.Data.Clusters = append(page.Data.Clusters, hc)
	}
	if page.Data.Clusters == nil {
		page.Data.Clusters = []htmlCluster{}
	}
	return htmlTemplate.Execute(w, page)
}

func article(m MemberLine, texts map[string]Article, text string, maxText int) htmlArticle {
	return htmlArticle{ID: m.ID, Title: m.Title, Source: m.Source, Date: m.Date, Text: text,
		Cut: text != "" && len(texts[m.ID].Text) > maxText}
}

func dateSpan(first, last string) string {
	if len(first) >= 10 && len(last) >= 10 {
		if first[:10] == last[:10] {
			return first[:10]
		}
		return first[:10] + " – " + last[:10]
	}
	return ""
}

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
