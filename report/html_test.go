package report_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/report"
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
