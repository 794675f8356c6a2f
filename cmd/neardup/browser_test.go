package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

const (
	xssTitle = `Breaking <script>alert(1)</script> news`
	xssBody  = `The minister said <img src=x onerror=alert(2)> that talks on the new budget would resume next week in the capital with all parties present, officials said on Monday. <script>alert(1)</script>`
)

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
		{"id": "xss-2", "title": xssTitle + " (update)", "text": xssBody + " More talks are planned.", "date": "2024-05-08T10:00:00Z"},
	} {
		json.NewEncoder(&feed).Encode(rec)
	}
	os.WriteFile(filepath.Join(in, "injected.jsonl"), feed.Bytes(), 0o644)

	out := t.TempDir()
	html := filepath.Join(out, "report.html")
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, "--html", html, in); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	xssCluster := 0
	for _, c := range readClusters(t, filepath.Join(out, "clusters.jsonl")) {
		if strings.HasPrefix(c.Canonical, "xss-") {
			xssCluster = c.Cluster
		}
	}
	if xssCluster == 0 {
		t.Fatal("the injected articles did not form a cluster")
	}

	// The cluster with the injected text, after the page's script ran.
	dom := string(chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", fmt.Sprintf("file://%s#c=%d", html, xssCluster)))
	if !strings.Contains(dom, `data-ready="1"`) {
		t.Fatalf("the page's script did not finish:\n%.2000s", dom)
	}
	if n := strings.Count(dom, "<li "); n != 3 {
		t.Errorf("%d clusters listed in the DOM, want 3", n)
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",      // title and body, shown as text
		"&lt;img src=x onerror=alert(2)&gt;",         // likewise
		"&lt;b&gt;Wire&lt;/b&gt;",                    // a source is text too
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

	// A wire cluster: the Idlib story with its three rewrites.
	dom = string(chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", "file://"+html+"#c=1"))
	if n := len(regexp.MustCompile(`<section class="pair">`).FindAllString(dom, -1)); n != 3 {
		t.Errorf("cluster 1 shows %d canonical/copy pairs, want 3", n)
	}
	if !strings.Contains(dom, `<mark class="shared">`) || !strings.Contains(dom, "Idlib") {
		t.Error("cluster 1: no highlighted shared passage")
	}

	// Screenshots, wide (side by side) and narrow (stacked), to look at.
	shots := os.Getenv("NEARDUP_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	os.MkdirAll(shots, 0o755)
	for name, size := range map[string]string{"report-wide.png": "1440,1000", "report-narrow.png": "420,900"} {
		png := filepath.Join(shots, name)
		chromium(t, bin, "--virtual-time-budget=5000", "--window-size="+size, "--screenshot="+png, "file://"+html+"#c=2")
		b, err := os.ReadFile(png)
		if err != nil || len(b) < 10_000 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("screenshot %s: %d bytes, %v", png, len(b), err)
		}
	}
	t.Logf("screenshots in %s", shots)
}
