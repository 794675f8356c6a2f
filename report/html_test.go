package report_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/shingle"
)

const xssTitle = `<script>alert(1)</script> & <img src=x onerror=alert(2)>`

func sampleReport(t *testing.T, opts report.HTMLOptions) (string, map[string]any) {
	t.Helper()
	sum := &report.Summary{Inputs: []string{"feed.jsonl"}}
	sum.Parameters.Shingle = "word:3"
	sum.Matching.Clusters = 1
	body := "The port authority agreed to raise wages by 4.5 percent, union officials said on Wednesday. </script><script>alert(3)</script>"
	clusters := []report.ClusterLine{{Cluster: 1, Size: 2, Canonical: "a", Members: []report.MemberLine{
		{ID: "a", Title: xssTitle, Similarity: 1, Source: "Wire", Date: "2024-05-08"},
		{ID: "b", Title: "Copy", Similarity: 0.8, Date: "2024-05-09", Match: &report.MatchLine{Reason: "jaccard", Jaccard: 0.8, Containment: 0.9}},
	}}}
	// A second cluster, to show what the text budget leaves out.
	second := clusters[0]
	second.Cluster = 2
	clusters = append(clusters, second)
	texts := map[string]report.Article{
		"a": {Title: xssTitle, Text: body},
		"b": {Title: "Copy", Text: "Dockers: the port authority agreed to raise wages by 4.5 percent, union officials said."},
	}
	opts.Generated = time.Unix(0, 0)
	return render(t, sum, clusters, texts, opts)
}

// render writes the report and returns the page and the data it embeds
// for the script.
func render(t *testing.T, sum *report.Summary, clusters []report.ClusterLine, texts map[string]report.Article, opts report.HTMLOptions) (string, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if err := report.HTML(&buf, sum, clusters, texts, opts); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	m := regexp.MustCompile(`(?s)<script id="data" type="application/json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no data block in the page")
	}
	var data map[string]any
	if err := json.Unmarshal([]byte(m[1]), &data); err != nil {
		t.Fatalf("data block is not JSON: %v", err)
	}
	return page, data
}

func TestHTMLEscapesArticleText(t *testing.T) {
	page, data := sampleReport(t, report.DefaultHTMLOptions())
	for _, bad := range []string{"<script>alert", "<img src=x", "</script><script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	if n := strings.Count(page, "<script"); n != 2 {
		t.Errorf("%d <script> elements, want 2 (data and code)", n)
	}
	if !strings.Contains(page, "Content-Security-Policy") || strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("the page must forbid and make no network access")
	}
	c := data["clusters"].([]any)[0].(map[string]any)
	canon := c["canon"].(map[string]any)
	if canon["title"] != xssTitle || !strings.Contains(canon["text"].(string), "</script><script>alert(3)</script>") {
		t.Errorf("article text did not survive escaping: %v", canon)
	}
}

func TestHTMLHighlightsAndBudget(t *testing.T) {
	_, data := sampleReport(t, report.DefaultHTMLOptions())
	c := data["clusters"].([]any)[0].(map[string]any)
	cp := c["copies"].([]any)[0].(map[string]any)
	shared := cp["shared"].([]any)
	// Copy: "Dockers" added, then 14 words shared with the canonical one
	// ("4.5" is two words).
	if len(shared) != 2 || shared[0].(float64) != 1 || shared[1].(float64) != 14 {
		t.Errorf("copy shared runs %v, want [1 14]", shared)
	}
	if c["span"] != "2024-05-08 – 2024-05-09" || c["best"].(float64) != 0.8 {
		t.Errorf("cluster summary: %v %v", c["span"], c["best"])
	}

	// Text budget: the first cluster uses it up; the second is listed
	// without text.
	opts := report.DefaultHTMLOptions()
	opts.Budget = 1
	_, data = sampleReport(t, opts)
	first := data["clusters"].([]any)[0].(map[string]any)
	c = data["clusters"].([]any)[1].(map[string]any)
	if first["notext"] == true || c["notext"] != true || c["canon"].(map[string]any)["text"] != nil {
		t.Errorf("over budget: %v", c)
	}
	// Per-article limit: text cut at a rune boundary and flagged.
	opts = report.DefaultHTMLOptions()
	opts.MaxText = 10
	_, data = sampleReport(t, opts)
	canon := data["clusters"].([]any)[0].(map[string]any)["canon"].(map[string]any)
	if canon["text"] != "The port a" || canon["cut"] != true {
		t.Errorf("cut text: %v", canon)
	}
}

// reportData builds a report of clusters and returns the data its page
// embeds for the script.
func reportData(t *testing.T, clusters []report.ClusterLine, texts map[string]report.Article) (string, map[string]any) {
	t.Helper()
	return renderPage(t, &report.Summary{}, clusters, texts)
}

// pair is a cluster of two articles, a (canonical) and b.
func pair(titleA, textA, titleB, textB string) ([]report.ClusterLine, map[string]report.Article) {
	return []report.ClusterLine{{Cluster: 1, Size: 2, Canonical: "a", Members: []report.MemberLine{
			{ID: "a", Title: titleA, Similarity: 1},
			{ID: "b", Title: titleB, Similarity: 0.5, Match: &report.MatchLine{Reason: "jaccard", Jaccard: 0.5, Containment: 0.6}},
		}}}, map[string]report.Article{
			"a": {Title: titleA, Text: textA},
			"b": {Title: titleB, Text: textB},
		}
}

func cluster0(data map[string]any) map[string]any {
	return data["clusters"].([]any)[0].(map[string]any)
}

func copy0(data map[string]any) map[string]any {
	return cluster0(data)["copies"].([]any)[0].(map[string]any)
}

// The texts below are written for these tests in the manner of 1980s wire
// copy: hard-wrapped near 65 columns, paragraphs indented.
func TestHTMLReflowsHardWrappedText(t *testing.T) {
	long1 := "The harbour board said on Tuesday that the new container terminal would open in the spring, two months later than planned, because of a strike."
	long2 := "Shipping agents said the delay would cost the port several large contracts with lines that call at the northern ports instead."
	for _, tc := range []struct{ name, in, want string }{
		{"one line", "Port strike ends.", "Port strike ends."},
		{"indented paragraphs",
			"The dockers' union said its members would\nreturn to work on Monday after a ten-day strike\nover pay.\n    The port authority said ships waiting\noutside the harbour would be handled first.\n    Reuter",
			"The dockers' union said its members would return to work on Monday after a ten-day strike over pay.\nThe port authority said ships waiting outside the harbour would be handled first.\nReuter"},
		{"blank lines",
			"Grain exports rose 12 pct\nin March from February.\n\n\nExporters said demand from\nNorth Africa was strong.\n",
			"Grain exports rose 12 pct in March from February.\nExporters said demand from North Africa was strong."},
		{"blank line of spaces and a tab", "First paragraph\ngoes on here.\n  \t \nSecond one.", "First paragraph goes on here.\nSecond one."},
		{"CRLF and CR", "Talks will\r\nresume today.\r\n    Officials\rsaid so.", "Talks will resume today.\nOfficials said so."},
		{"hyphen joins a compound",
			"The Franco-\nGerman brigade and a long-\nterm plan for 1986-\n87 were discussed.",
			"The Franco-German brigade and a long-term plan for 1986-87 were discussed."},
		{"dashes and spaced hyphens are not compounds",
			"Prices fell --\nbut only slightly -\nand briefly -\n    traders said.",
			"Prices fell -- but only slightly - and briefly -\ntraders said."},
		{"trailing spaces and a leading indent", "    Shares rose   \nsharply today.  \n", "Shares rose sharply today."},
		{"indented table rows stay rows",
			"Year to March 31\n    Shr 1.10 dlrs vs 95 cts\n    Net 12.4 mln vs 10.7 mln\n    Revs 140.2 mln vs 131.9 mln",
			"Year to March 31\nShr 1.10 dlrs vs 95 cts\nNet 12.4 mln vs 10.7 mln\nRevs 140.2 mln vs 131.9 mln"},
		{"one paragraph per line, unwrapped", long1 + "\n" + long2, long1 + "\n" + long2},
		{"one long line in ten is still wrapped text",
			"a1\na2\na3\na4\na5\na6\na7\na8\na9\n" + long1,
			"a1 a2 a3 a4 a5 a6 a7 a8 a9 " + long1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clusters, texts := pair("A", tc.in, "B", tc.in)
			_, data := reportData(t, clusters, texts)
			for _, a := range []map[string]any{cluster0(data)["canon"].(map[string]any), copy0(data)} {
				if a["text"] != tc.want {
					t.Errorf("%s: text\n%q\nwant\n%q", a["id"], a["text"], tc.want)
				}
			}
		})
	}
}

// wordRE finds words as package shingle and the page's script do.
var wordRE = regexp.MustCompile(`[\p{L}\p{Nd}\p{M}]+`)

// expand turns the report's run lengths (not shared, shared, …) into one
// flag per word.
func expand(runs []any) []bool {
	var out []bool
	v := false
	for _, r := range runs {
		for range int(r.(float64)) {
			out = append(out, v)
		}
		v = !v
	}
	return out
}

func TestHTMLReflowKeepsHighlights(t *testing.T) {
	// The same story wrapped at different columns; the copy adds a
	// sentence in its second paragraph and drops the canonical one's last.
	canon := "The dockers' union said its members would return to\nwork on Monday after a ten-day strike over pay and\nhours.\n    The port authority said ships waiting outside\nthe harbour would be handled in the order they\narrived, and that cargo for the Franco-\nGerman rail link would go first.\n    A union official said the agreement gave\nmembers a six pct rise this year.\n"
	cp := "The dockers' union said its members would return to work on\nMonday after a ten-day strike over pay and hours.\n\n    The port authority said ships waiting outside the harbour\nwould be handled in the order they arrived, and that cargo for\nthe Franco-German rail link would go first. Some forty ships\nwere waiting on Sunday.\n"
	clusters, texts := pair("A", canon, "B", cp)
	_, data := reportData(t, clusters, texts)
	sh, _ := shingle.Parse("word:3")
	for _, side := range []struct {
		name, raw, other, key string
		shown                 map[string]any
	}{
		{"copy", cp, canon, "shared", copy0(data)},
		{"canonical", canon, cp, "cshared", copy0(data)},
	} {
		text := side.shown["text"].(string)
		if side.name == "canonical" {
			text = cluster0(data)["canon"].(map[string]any)["text"].(string)
		}
		if strings.Count(text, "\n") < 1 || strings.Contains(text, "\n\n") {
			t.Errorf("%s: not reflowed into paragraphs: %q", side.name, text)
		}
		// Reflowing changed no word…
		if got, want := wordRE.FindAllString(text, -1), wordRE.FindAllString(side.raw, -1); !slices.Equal(got, want) {
			t.Fatalf("%s: words changed by reflowing:\n%q\n%q", side.name, got, want)
		}
		// …so the runs the page gets mark the same words as on the text
		// as written.
		_, want := sh.SharedWords(side.raw, sh.Shingles(side.other))
		got := expand(side.shown[side.key].([]any))
		if !slices.Equal(got, want) {
			t.Errorf("%s: shared flags\n%v\nwant (on the text as written)\n%v", side.name, got, want)
		}
	}
	// The copy's added sentence is not shared; the canonical article's
	// dropped last paragraph is not either.
	words := wordRE.FindAllString(copy0(data)["text"].(string), -1)
	flags := expand(copy0(data)["shared"].([]any))
	for i, w := range words[len(words)-6:] {
		if flags[len(words)-6+i] {
			t.Errorf("added word %q marked shared", w)
		}
	}
	if !flags[0] {
		t.Errorf("the copy's first word is not marked shared")
	}
}

func TestHTMLTitlesOnOneLine(t *testing.T) {
	clusters, texts := pair("PORT STRIKE ENDS AFTER TEN DAYS,\nDOCKERS BACK ON MONDAY", "Dockers return.",
		"  PORT STRIKE\r\n ENDS\t AFTER TEN DAYS ", "Dockers return to work.")
	page, data := reportData(t, clusters, texts)
	c := cluster0(data)
	want := "PORT STRIKE ENDS AFTER TEN DAYS, DOCKERS BACK ON MONDAY"
	if c["title"] != want || c["canon"].(map[string]any)["title"] != want {
		t.Errorf("cluster title %q, canonical %q, want %q", c["title"], c["canon"].(map[string]any)["title"], want)
	}
	if got := copy0(data)["title"]; got != "PORT STRIKE ENDS AFTER TEN DAYS" {
		t.Errorf("copy title %q", got)
	}
	if strings.Contains(page, `DAYS,\nDOCKERS`) {
		t.Error("the page still carries a title with a line break")
	}
}

func TestHTMLDatesInOneFormat(t *testing.T) {
	clusters := []report.ClusterLine{{Cluster: 1, Size: 4, Canonical: "a", Members: []report.MemberLine{
		{ID: "a", Title: "A", Similarity: 1, Date: "2024-05-08T09:05:30Z"},
		{ID: "b", Title: "B", Similarity: 0.9, Date: "2024-05-08T12:00:00+02:00"},
		{ID: "c", Title: "C", Similarity: 0.8, Date: "2024-05-07"},
		{ID: "d", Title: "D", Similarity: 0.7, Date: "last Tuesday"},
	}}}
	texts := map[string]report.Article{}
	page, data := reportData(t, clusters, texts)
	c := cluster0(data)
	if got, want := c["span"], "2024-05-07 – 2024-05-08 10:00 UTC"; got != want {
		t.Errorf("span %q, want %q", got, want)
	}
	if got := c["canon"].(map[string]any)["date"]; got != "2024-05-08 09:05 UTC" {
		t.Errorf("canonical date %q", got)
	}
	for i, want := range []string{"2024-05-08 10:00 UTC", "2024-05-07", "last Tuesday"} {
		if got := c["copies"].([]any)[i].(map[string]any)["date"]; got != want {
			t.Errorf("copy %d date %q, want %q", i, got, want)
		}
	}
	if !strings.Contains(page, "run of 2026-11-26 14:05 UTC") {
		t.Error("the report's own date is not in the same format")
	}

	// One member dated, or all on one day at one time: one date.
	clusters[0].Members = clusters[0].Members[:2]
	clusters[0].Members[1].Date = "2024-05-08T09:05:00Z"
	if _, data = reportData(t, clusters, texts); cluster0(data)["span"] != "2024-05-08 09:05 UTC" {
		t.Errorf("span of one moment: %q", cluster0(data)["span"])
	}
}

// nightClusters is a nightly run's cluster, listed on night 3 (2026-11-26):
// its canonical article and a copy were decided on earlier nights (their
// texts are not in tonight's input), two copies arrived tonight, one of
// them published before the canonical. Its stable ID is the canonical
// article's ID, markup included.
func nightClusters() ([]report.ClusterLine, map[string]report.Article) {
	const id = `a<script>alert(4)</script>`
	match := func(sim float64, before bool) *report.MatchLine {
		return &report.MatchLine{Reason: "jaccard", Jaccard: sim, Containment: sim, PublishedBefore: before}
	}
	clusters := []report.ClusterLine{{Cluster: 1, StableID: id, Size: 4, Canonical: id, Members: []report.MemberLine{
		{ID: id, Title: "Port strike ends", Similarity: 1, Date: "2026-11-24T10:00:00Z", Night: 1, Arrived: "2026-11-24"},
		{ID: "b", Title: "Copy B", Similarity: 0.9, Match: match(0.9, false), Night: 2},
		{ID: "c", Title: "Copy C", Similarity: 0.8, Match: match(0.8, false), Night: 3, Arrived: "2026-11-26"},
		{ID: "d", Title: "Late copy " + xssTitle, Similarity: 0.7, Date: "2026-11-24T09:00:00Z", Match: match(0.7, true), Night: 3, Arrived: "2026-11-26"},
	}}}
	texts := map[string]report.Article{
		"c": {Title: "Copy C", Text: "Dockers return to work on Monday, the union said."},
		"d": {Title: "Late copy", Text: "Dockers will return to work on Monday, the union said </script><b>late</b>."},
	}
	return clusters, texts
}

// renderPage is render with the inputs, parameters and date of these
// tests.
func renderPage(t *testing.T, sum *report.Summary, clusters []report.ClusterLine, texts map[string]report.Article) (string, map[string]any) {
	t.Helper()
	sum.Inputs = []string{"feed.jsonl"}
	sum.Parameters.Shingle = "word:3"
	sum.Matching.Clusters = len(clusters)
	opts := report.DefaultHTMLOptions()
	opts.Generated = time.Date(2026, 11, 26, 14, 5, 59, 0, time.UTC)
	return render(t, sum, clusters, texts, opts)
}

func TestHTMLNightlyMarks(t *testing.T) {
	clusters, texts := nightClusters()
	sum := &report.Summary{State: &report.StateSummary{Night: 3, Date: "2026-11-26"}}
	page, data := renderPage(t, sum, clusters, texts)

	// The header says which night it is; the stats, what tonight hid.
	for _, want := range []string{
		`<p class="night">Night 3, 2026-11-26: clusters that gained a member tonight</p>`,
		"<title>neardup report — night 3, 2026-11-26: 1 clusters</title>",
		"<dt>hidden tonight</dt><dd>2</dd>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The stable ID, the marks and the notes reach the page as data, and
	// markup in them only as escaped text.
	for _, bad := range []string{"<script>alert", "</script><b>", "<img src=x"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	c := cluster0(data)
	if c["id"] != clusters[0].StableID || c["tonight"] != 2.0 {
		t.Errorf("cluster: id %q, %v new tonight", c["id"], c["tonight"])
	}
	const missing = "text not in tonight's input: the state keeps no texts"
	canon := c["canon"].(map[string]any)
	if canon["mark"] != "kept on 2026-11-24" || canon["kind"] != "kept" || canon["missing"] != missing || canon["text"] != nil {
		t.Errorf("canonical of night 1: %v", canon)
	}
	copies := c["copies"].([]any)
	for i, want := range []struct{ mark, kind, missing, note string }{
		{"hidden on night 2", "hidden", missing, ""}, // night 2's date unknown
		{"new tonight", "new", "", ""},
		{"new tonight", "new", "", "published before the canonical, kept on an earlier night"},
	} {
		cp := copies[i].(map[string]any)
		if cp["mark"] != want.mark || cp["kind"] != want.kind || (cp["missing"] != nil) != (want.missing != "") ||
			(want.missing != "" && cp["missing"] != want.missing) || (cp["note"] != nil) != (want.note != "") ||
			(want.note != "" && cp["note"] != want.note) {
			t.Errorf("copy %s: %v, want %+v", cp["id"], cp, want)
		}
	}
	if d := copies[2].(map[string]any); !strings.Contains(d["text"].(string), "</script><b>late</b>") || d["title"] != "Late copy "+xssTitle {
		t.Errorf("tonight's text did not survive escaping: %v", d)
	}
	if m := copies[2].(map[string]any)["match"].(map[string]any); m["published_before_canonical"] != true {
		t.Errorf("match: %v", m)
	}

	// The canonical article's night known by number only.
	clusters[0].Members[0].Arrived = ""
	if _, data = renderPage(t, sum, clusters, texts); cluster0(data)["canon"].(map[string]any)["mark"] != "kept on night 1" {
		t.Errorf("canonical without a date: %v", cluster0(data)["canon"])
	}
	// A night without a date: the header names its number alone.
	sum.State.Date = ""
	if page, _ = renderPage(t, sum, clusters, texts); !strings.Contains(page, `<p class="night">Night 3: clusters that gained a member tonight</p>`) {
		t.Error("header of a night without a date")
	}
}

// The same clusters in a batch report (no State): none of a night's marks.
func TestHTMLBatchHasNoNightlyMarks(t *testing.T) {
	clusters, texts := nightClusters()
	page, data := renderPage(t, &report.Summary{}, clusters, texts)
	// The page's code (which renders a nightly report's marks) aside.
	page = regexp.MustCompile(`(?s)<script>.*?</script>|<style>.*?</style>`).ReplaceAllString(page, "")
	for _, bad := range []string{"tonight", "kept on", "hidden on", "state keeps no texts", "published before the canonical", `class="night"`} {
		if strings.Contains(page, bad) {
			t.Errorf("batch page says %q", bad)
		}
	}
	c := cluster0(data)
	for _, key := range []string{"id", "tonight"} {
		if _, ok := c[key]; ok {
			t.Errorf("batch cluster has %q", key)
		}
	}
	for _, a := range append([]any{c["canon"]}, c["copies"].([]any)...) {
		for _, key := range []string{"mark", "kind", "missing", "note"} {
			if _, ok := a.(map[string]any)[key]; ok {
				t.Errorf("batch member %s has %q", a.(map[string]any)["id"], key)
			}
		}
	}
}
