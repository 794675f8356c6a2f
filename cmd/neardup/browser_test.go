package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The report's real-browser test. It needs Debian's chromium; .ci/run
// installs it and sets NEARDUP_BROWSER_TEST=required, so that a missing
// browser fails there instead of skipping. Screenshots go to
// NEARDUP_SCREENSHOT_DIR when set (CI keeps them), else to a temporary
// directory.

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("NEARDUP_BROWSER_TEST") == "required" {
		t.Fatal("NEARDUP_BROWSER_TEST=required but no chromium on PATH")
	}
	t.Skip("no chromium on PATH: apt-get install chromium to run the report's browser test (CI does)")
	return ""
}

// chromium runs headless Chromium with the flags this sandboxed machine
// needs (no sandbox as root, no background network) and returns stdout.
func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
	var stdout, stderr bytes.Buffer
	for try := 1; ; try++ {
		cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
		stdout.Reset()
		stderr.Reset()
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err == nil {
			return stdout.Bytes()
		}
		// Chromium itself crashing (a signal, seen under load on shared
		// machines) is retried once; any other failure is the page's.
		var ee *exec.ExitError
		if try == 1 && errors.As(err, &ee) && ee.ProcessState.ExitCode() == -1 && ctx.Err() == nil {
			t.Logf("chromium %v crashed (%v): once more", args, err)
			continue
		}
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
}

const (
	xssTitle = `Breaking <script>alert(1)</script> news`
	xssBody  = `The minister said <img src=x onerror=alert(2)> that talks on the new budget would resume next week in the capital with all parties present, officials said on Monday. <script>alert(1)</script>`
)

// A story written for this test in the manner of 1980s wire copy: a title
// wrapped over two lines, the body hard-wrapped with indented paragraphs;
// the copy is wrapped at other columns, with blank lines between
// paragraphs, and adds a sentence.
const (
	wrappedTitle = "PORT STRIKE ENDS AFTER TEN DAYS,\nDOCKERS BACK ON MONDAY"
	wrappedBody  = "The dockers' union at the port of Harwell said its members\nwould return to work on Monday after a ten-day strike over\npay and hours, ending the longest stoppage at the port since\nthe terminal opened.\n" +
		"    The port authority said ships waiting outside the\nharbour would be handled in the order they arrived, and that\ncargo for the Franco-\nGerman rail link would go first.\n" +
		"    A union official said the agreement gave members a six\npct rise this year and a shorter working week from\nJanuary.\n"
	wrappedCopy = "The dockers' union at the port of Harwell said its members would return\nto work on Monday after a ten-day strike over pay and hours, ending the\nlongest stoppage at the port since the terminal opened.\n\n" +
		"The port authority said ships waiting outside the harbour would be\nhandled in the order they arrived, and that cargo for the Franco-German\nrail link would go first. Some forty ships were waiting on Sunday.\n\n" +
		"A union official said the agreement gave members a six pct rise this\nyear and a shorter working week from January.\n"
)

// wrappedParagraphs are the canonical story's paragraphs as the report
// should show them.
var wrappedParagraphs = []string{
	"The dockers' union at the port of Harwell said its members would return to work on Monday after a ten-day strike over pay and hours, ending the longest stoppage at the port since the terminal opened.",
	"The port authority said ships waiting outside the harbour would be handled in the order they arrived, and that cargo for the Franco-German rail link would go first.",
	"A union official said the agreement gave members a six pct rise this year and a shorter working week from January.",
}

// columnParagraphs returns the text of each paragraph of the report's
// column for role ("canonical" or "copy") in a dumped DOM, markup removed.
func columnParagraphs(t *testing.T, dom, role string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<div class="role">` + role + `</div>.*?<div class="text">(.*?)</div>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no %s text in the DOM", role)
	}
	var out []string
	tag := regexp.MustCompile(`<[^>]*>`)
	for _, p := range regexp.MustCompile(`(?s)<p>(.*?)</p>`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, html.UnescapeString(tag.ReplaceAllString(p[1], "")))
	}
	return out
}

func TestReportInBrowser(t *testing.T) {
	bin := chromiumPath(t)
	in := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(wireDir, "*.txt"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(in, filepath.Base(f)), b, 0o644)
	}
	var feed bytes.Buffer
	for _, rec := range []map[string]string{
		{"id": "xss-1", "title": xssTitle, "text": xssBody, "date": "2024-05-08T09:00:00Z", "source": "<b>Wire</b>"},
		{"id": "xss-2", "title": xssTitle + " (update)", "text": xssBody + " More talks are planned.", "date": "2024-05-08T10:00:00Z", "source": "\u202eRLO Agency"},
		{"id": "wrap-1", "title": wrappedTitle, "text": wrappedBody, "date": "2024-05-09T08:30:15Z", "source": "Wire"},
		{"id": "wrap-2", "title": "PORT STRIKE ENDS,\n  DOCKERS BACK", "text": wrappedCopy, "date": "2024-05-09T11:45:00+02:00", "source": "Wire"},
	} {
		json.NewEncoder(&feed).Encode(rec)
	}
	os.WriteFile(filepath.Join(in, "injected.jsonl"), feed.Bytes(), 0o644)

	out := t.TempDir()
	html := filepath.Join(out, "report.html")
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, "--html", html, in); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	xssCluster, wrapCluster := 0, 0
	for _, c := range readClusters(t, filepath.Join(out, "clusters.jsonl")) {
		if strings.HasPrefix(c.Canonical, "xss-") {
			xssCluster = c.Cluster
		}
		if strings.HasPrefix(c.Canonical, "wrap-") && c.Size == 2 {
			wrapCluster = c.Cluster
		}
	}
	if xssCluster == 0 || wrapCluster == 0 {
		t.Fatalf("the injected articles did not form their clusters (%d, %d)", xssCluster, wrapCluster)
	}

	// The cluster with the injected text, after the page's script ran.
	dom := string(chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", fmt.Sprintf("file://%s#c=%d", html, xssCluster)))
	if !strings.Contains(dom, `data-ready="1"`) {
		t.Fatalf("the page's script did not finish:\n%.2000s", dom)
	}
	if n := strings.Count(dom, "<li "); n != 4 {
		t.Errorf("%d clusters listed in the DOM, want 4", n)
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",      // title and body, shown as text
		"&lt;img src=x onerror=alert(2)&gt;",         // likewise
		"<bdi>&lt;b&gt;Wire&lt;/b&gt;</bdi>",         // a source is text too, isolated from the next
		"<bdi>\u202eRLO Agency</bdi>",                // a bidi override reverses its own source only
		`<mark class="shared">`,                      // shared passages highlighted
		`<span class="added">More talks are planned`, // what the copy adds
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, "<img") || strings.Count(dom, "<script") != 2 || strings.Contains(dom, "<b>Wire") {
		t.Errorf("injected markup became elements:\n%.3000s", dom)
	}

	// The hard-wrapped story: paragraphs, titles on one line, dates in the
	// report's format, and the copy's added sentence still marked.
	dom = string(chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", fmt.Sprintf("file://%s#c=%d", html, wrapCluster)))
	if got := columnParagraphs(t, dom, "canonical"); !slices.Equal(got, wrappedParagraphs) {
		t.Errorf("canonical article's paragraphs:\n%q\nwant\n%q", got, wrappedParagraphs)
	}
	wantCopy := slices.Clone(wrappedParagraphs)
	wantCopy[1] += " Some forty ships were waiting on Sunday."
	if got := columnParagraphs(t, dom, "copy"); !slices.Equal(got, wantCopy) {
		t.Errorf("copy's paragraphs:\n%q\nwant\n%q", got, wantCopy)
	}
	oneLine := "PORT STRIKE ENDS AFTER TEN DAYS, DOCKERS BACK ON MONDAY"
	for _, want := range []string{
		`<span class="size">2</span>` + oneLine + "</div>", // the list
		"<h1>" + oneLine + "</h1>",                         // the cluster
		"<h3>" + oneLine + "</h3>",                         // the canonical column
		"<h3>PORT STRIKE ENDS, DOCKERS BACK</h3>",          // the copy's
		"<span>2024-05-09 08:30 UTC – 2024-05-09 09:45 UTC</span>",
		"<span>2024-05-09 08:30 UTC</span>",
		"<span>2024-05-09 09:45 UTC</span>",
		`<span class="added">Some forty ships were waiting on Sunday</span>`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("DOM of the hard-wrapped cluster lacks %q", want)
		}
	}
	if regexp.MustCompile(`<(mark|span)[^>]*>[^<]*\n`).MatchString(dom) || strings.Contains(dom, "T08:30") {
		t.Errorf("a line break or a raw date left in the hard-wrapped cluster:\n%.4000s", dom)
	}

	// A wire cluster: the Idlib story with its three rewrites.
	dom = string(chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", "file://"+html+"#c=1"))
	if n := len(regexp.MustCompile(`<section class="pair"[ >]`).FindAllString(dom, -1)); n != 3 {
		t.Errorf("cluster 1 shows %d canonical/copy pairs, want 3", n)
	}
	if !strings.Contains(dom, `<mark class="shared">`) || !strings.Contains(dom, "Idlib") {
		t.Error("cluster 1: no highlighted shared passage")
	}
	// Its articles have one paragraph per line, unwrapped: each stays one.
	if n := len(columnParagraphs(t, dom, "canonical")); n < 6 {
		t.Errorf("cluster 1's canonical article shows %d paragraphs, want one per line of the file", n)
	}

	// Screenshots, wide (side by side) and narrow (stacked), to look at.
	shots := os.Getenv("NEARDUP_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	os.MkdirAll(shots, 0o755)
	for name, shot := range map[string]struct{ size, cluster string }{
		"report-wide.png":    {"1440,1000", "2"},
		"report-narrow.png":  {"420,900", "2"},
		"report-wrapped.png": {"1440,1000", fmt.Sprint(wrapCluster)},
	} {
		png := filepath.Join(shots, name)
		chromium(t, bin, "--virtual-time-budget=5000", "--window-size="+shot.size, "--screenshot="+png, "file://"+html+"#c="+shot.cluster)
		b, err := os.ReadFile(png)
		if err != nil || len(b) < 10_000 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("screenshot %s: %d bytes, %v", png, len(b), err)
		}
	}
	t.Logf("screenshots in %s", shots)
}

// visibleText loads the report page in Chromium and returns its body's
// innerText once the page's script has run: the text a reader sees (CSS
// applied: nothing hidden, text-transform done). A wrapper page beside the
// report reads it through an iframe (--allow-file-access-from-files makes
// the two file: pages one origin), and prints it in its own DOM.
func visibleText(t *testing.T, bin, page, fragment string) string {
	t.Helper()
	wrapper := filepath.Join(t.TempDir(), "visible.html")
	src := "file://" + page + fragment
	os.WriteFile(wrapper, []byte(`<!DOCTYPE html><html><body><iframe id="f" style="width:1440px;height:1000px"></iframe><pre id="out"></pre><script>
var f = document.getElementById("f");
f.src = `+strconvQuote(src)+`;
(function poll() {
  var d = f.contentDocument;
  if (!d || !d.body || d.body.getAttribute("data-ready") !== "1") { setTimeout(poll, 20); return; }
  document.getElementById("out").textContent = d.body.innerText;
  document.body.setAttribute("data-done", "1");
})();
</script></body></html>`), 0o644)
	dom := string(chromium(t, bin, "--allow-file-access-from-files", "--virtual-time-budget=5000", "--dump-dom", "file://"+wrapper))
	m := regexp.MustCompile(`(?s)<body data-done="1">.*?<pre id="out">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the report %s did not finish loading:\n%.2000s", src, dom)
	}
	return html.UnescapeString(m[1])
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// A nightly report, night 2 of two: the cluster that gained members
// tonight, with its earlier members marked as kept or hidden on night 1's
// date and without text, tonight's marked as new, and the late copy
// published before the canonical noted as such.
func TestNightlyReportInBrowser(t *testing.T) {
	bin := chromiumPath(t)
	dir := t.TempDir()
	// Copies within hours of the canonical (the match model weighs time
	// apart), night 2's clock on the 25th.
	canon := wire(t, "000_r3_sputnik_added", "<i>a0</i>", "2026-11-24T22:30:00Z")
	nights := []string{filepath.Join(dir, "n1", "feed.jsonl"), filepath.Join(dir, "n2", "feed.jsonl")}
	writeNight(t, nights[0], canon, wire(t, "000_r1_afp_trimmed", "a1", "2026-11-24T23:00:00Z"))
	writeNight(t, nights[1], wire(t, "000_r2_reordered", "a2", "2026-11-24T21:00:00Z"),
		wire(t, "000_d995efe7b01a9663", "a3", "2026-11-25T00:30:00Z"))
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	page := filepath.Join(out, "report.html")
	for i, n := range nights {
		if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, "--html", page, n); code != 0 {
			t.Fatalf("night %d: exit %d: %s", i+1, code, stderr)
		}
	}
	text := visibleText(t, bin, page, "#c=1")
	for _, want := range []string{
		"Night 2, 2026-11-25: clusters that gained a member tonight",
		"cluster <i>a0</i>", // the stable ID, as text
		"2 new tonight",     // in the list
		"HIDDEN TONIGHT\n2", // the header's stats (capitalised by their style)
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the nightly report does not show %q:\n%.3000s", want, text)
		}
	}
	// Three pairs: the canonical article beside a3, a1 and a2.
	for _, want := range []struct {
		text string
		n    int
	}{
		{"\nkept on 2026-11-24\n", 3},                                    // the canonical, decided on night 1
		{"\nhidden on 2026-11-24\n", 1},                                  // a1
		{"\nnew tonight\n", 2},                                           // a3 and a2
		{"\ntext not in tonight's input: the state keeps no texts\n", 4}, // the canonical and a1
		{"published before the canonical, kept on an earlier night", 1},  // a2
	} {
		if n := strings.Count(text, want.text); n != want.n {
			t.Errorf("the nightly report shows %q %d times, want %d", want.text, n, want.n)
		}
	}
	dom := string(chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", "file://"+page+"#c=1"))
	if strings.Contains(dom, "<i>") || !strings.Contains(dom, "cluster &lt;i&gt;a0&lt;/i&gt;") {
		t.Errorf("the stable ID's markup became an element:\n%.3000s", dom)
	}

	// The same input in a batch run: none of it.
	batch := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", t.TempDir(), "--html", batch, nights[0], nights[1]); code != 0 {
		t.Fatalf("batch: exit %d: %s", code, stderr)
	}
	text = visibleText(t, bin, batch, "#c=1")
	if !strings.Contains(text, "cluster 1") {
		t.Errorf("the batch report does not number its cluster:\n%.2000s", text)
	}
	for _, bad := range []string{"Night ", "tonight", "TONIGHT", "kept on", "hidden on", "state keeps no texts", "published before"} {
		if strings.Contains(text, bad) {
			t.Errorf("the batch report shows %q", bad)
		}
	}

	shots := os.Getenv("NEARDUP_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	os.MkdirAll(shots, 0o755)
	png := filepath.Join(shots, "report-night.png")
	chromium(t, bin, "--virtual-time-budget=5000", "--window-size=1440,1000", "--screenshot="+png, "file://"+page+"#c=1")
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("screenshot %s: %d bytes, %v", png, len(b), err)
	}
}

// An editor's decision, as an editor makes it (issue 23): "Not a copy" on
// a member of the wire report, a reload (the decision is kept), the
// export; then a run with the exported file takes the member out of its
// cluster, and says why.
func TestEditorDecisionsInBrowser(t *testing.T) {
	bin := chromiumPath(t)
	out := t.TempDir()
	page := filepath.Join(out, "report.html")
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, "--html", page, wireDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	wrapper := filepath.Join(t.TempDir(), "editor.html")
	os.WriteFile(wrapper, []byte(`<!DOCTYPE html><html><body><iframe id="f" style="width:1440px;height:1000px"></iframe><pre id="out"></pre><script>
var f = document.getElementById("f"), step = 0, id = "", loads = 0;
f.addEventListener("load", function () { loads++; });
f.src = `+strconvQuote("file://"+page+"#c=1")+`;
(function poll() {
  var d = f.contentDocument;
  if (loads <= step || !d || !d.body || d.body.getAttribute("data-ready") !== "1") { setTimeout(poll, 20); return; }
  if (step === 0) {
    var sec = d.querySelector("section.pair");
    id = sec.getAttribute("data-id");
    d.getElementById("editor").value = "Ann";
    sec.querySelector("button.not-a-copy").click();
    step = 1; // the page after the reload: the iframe's second load
    f.contentWindow.location.reload();
    setTimeout(poll, 50);
    return;
  }
  var kept = d.querySelector('section.pair.apart[data-id="' + id + '"]') !== null;
  // The download itself is the browser's (headless Chromium waits on
  // it): the link's click is noted, not followed.
  var downloaded = "";
  f.contentWindow.HTMLAnchorElement.prototype.click = function () { downloaded = this.download; };
  d.getElementById("export").click();
  document.getElementById("out").textContent = JSON.stringify({id: id, kept: kept, downloaded: downloaded,
    pending: d.getElementById("pending").textContent, exported: d.getElementById("exported").textContent});
  document.body.setAttribute("data-done", "1");
})();
</script></body></html>`), 0o644)
	m := editorSteps(t, bin, wrapper)
	var got struct {
		ID, Pending, Exported, Downloaded string
		Kept                              bool
	}
	if err := json.Unmarshal(m, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Kept || got.Pending != "1 decision to export" || got.Downloaded != "decisions.jsonl" {
		t.Errorf("after a reload: decision kept %v, pending %q; downloaded %q", got.Kept, got.Pending, got.Downloaded)
	}
	var d struct{ A, B, Label, By, At string }
	if err := json.Unmarshal([]byte(got.Exported), &d); err != nil || strings.Count(got.Exported, "\n") != 1 {
		t.Fatalf("exported %q: %v", got.Exported, err)
	}
	if d.B != got.ID || d.Label != "distinct" || d.By != "Ann" || d.At == "" || d.A == "" {
		t.Errorf("exported decision %+v, want %s distinct by Ann", d, got.ID)
	}
	file := filepath.Join(t.TempDir(), "decisions.jsonl")
	os.WriteFile(file, []byte(got.Exported), 0o644)
	out2 := t.TempDir()
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out2, "--decisions", file, wireDir); code != 0 {
		t.Fatalf("run --decisions: exit %d: %s", code, stderr)
	}
	for _, c := range readClusters(t, filepath.Join(out2, "clusters.jsonl")) {
		if c.Canonical != d.A {
			continue
		}
		for _, mem := range c.Members {
			if mem.ID == d.B {
				t.Errorf("%s is still in %s's cluster after the editor's decision", d.B, d.A)
			}
		}
	}
}

// writethruDir holds one story in three versions, each written through
// from the one before (testdata/writethru): the third matches the second
// but not the first, the canonical, so the run keeps it apart and the
// report lists it as a near miss.
const writethruDir = "../../testdata/writethru"

// TestNearMissInBrowser: an editor clicks "These are copies" on the
// article a run kept apart under a cluster, exports, and the next run
// given the file puts it in the cluster.
func TestNearMissInBrowser(t *testing.T) {
	bin := chromiumPath(t)
	out := t.TempDir()
	page := filepath.Join(out, "report.html")
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, "--html", page, writethruDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := readClusters(t, filepath.Join(out, "clusters.jsonl"))
	if len(before) != 1 || before[0].Size != 2 {
		t.Fatalf("clusters before the decision: %+v, want pier-1 and pier-2 without pier-3", before)
	}
	wrapper := filepath.Join(t.TempDir(), "editor.html")
	os.WriteFile(wrapper, []byte(`<!DOCTYPE html><html><body><iframe id="f" style="width:1440px;height:1000px"></iframe><pre id="out"></pre><script>
var f = document.getElementById("f");
f.src = `+strconvQuote("file://"+page+"#c=1")+`;
(function poll() {
  var d = f.contentDocument;
  if (!d || !d.body || d.body.getAttribute("data-ready") !== "1") { setTimeout(poll, 20); return; }
  var near = d.querySelector(".near section.pair");
  var listed = near ? near.getAttribute("data-id") : "";
  var why = near ? near.querySelector(".why").textContent : "";
  if (near) near.querySelector("button.are-copies").click();
  var marked = d.querySelector(".near section.pair.same") !== null;
  f.contentWindow.HTMLAnchorElement.prototype.click = function () {};
  d.getElementById("export").click();
  document.getElementById("out").textContent = JSON.stringify({listed: listed, why: why, marked: marked,
    exported: d.getElementById("exported").textContent});
  document.body.setAttribute("data-done", "1");
})();
</script></body></html>`), 0o644)
	m := editorSteps(t, bin, wrapper)
	var got struct {
		Listed, Why, Exported string
		Marked                bool
	}
	if err := json.Unmarshal(m, &got); err != nil {
		t.Fatal(err)
	}
	if got.Listed != "pier-3" || !got.Marked || !strings.Contains(got.Why, "against pier-2: probability") || !strings.Contains(got.Why, "standing alone") {
		t.Fatalf("near miss listed %q (why %q), marked %v", got.Listed, got.Why, got.Marked)
	}
	var d struct{ A, B, Label string }
	if err := json.Unmarshal([]byte(got.Exported), &d); err != nil || d.A != "pier-2" || d.B != "pier-3" || d.Label != "dup" {
		t.Fatalf("exported %q (%v), want pier-2 and pier-3 dup", got.Exported, err)
	}
	file := filepath.Join(t.TempDir(), "decisions.jsonl")
	os.WriteFile(file, []byte(got.Exported), 0o644)
	out2 := t.TempDir()
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out2, "--decisions", file, writethruDir); code != 0 {
		t.Fatalf("run --decisions: exit %d: %s", code, stderr)
	}
	after := readClusters(t, filepath.Join(out2, "clusters.jsonl"))
	if len(after) != 1 || after[0].Size != 3 || after[0].Members[2].ID != "pier-3" {
		t.Errorf("after the decision: %+v, want pier-3 in pier-1's cluster", after)
	}
	if b := readFile(t, filepath.Join(out2, "clusters.jsonl")); !strings.Contains(b, `"editor"`) {
		t.Errorf("pier-3's match does not name the editor: %s", b)
	}
}

// editorSteps loads wrapper, a page whose script drives a report in an
// iframe as an editor would and writes what it saw as JSON into
// <pre id="out">, then marks its body data-done; it returns that JSON.
func editorSteps(t *testing.T, bin, wrapper string) []byte {
	t.Helper()
	dom := string(chromium(t, bin, "--allow-file-access-from-files", "--virtual-time-budget=8000", "--dump-dom", "file://"+wrapper))
	m := regexp.MustCompile(`(?s)<body data-done="1">.*?<pre id="out">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the editor's steps did not finish:\n%.2000s", dom)
	}
	return []byte(html.UnescapeString(m[1]))
}
