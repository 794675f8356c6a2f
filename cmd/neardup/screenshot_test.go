package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The README's screenshot, docs/report.png, is taken by this test from the
// report the current build writes for testdata/wire, and the SHA-256 of
// that report is kept beside it (docs/report.png.source-sha256). Pixels
// depend on the fonts and the browser installed, so CI compares the
// report, not the picture: when matching, the report's data or its page
// change, the hash changes and this test fails until the screenshot is
// taken again with docs/screenshot.sh (go test -run TestREADMEScreenshot
// -screenshot, which needs chromium).

var screenshot = flag.Bool("screenshot", false, "retake docs/report.png from the current build (needs chromium) and record the report's hash")

const (
	repoRoot = "../.."
	// screenshotEpoch is the report's date (SOURCE_DATE_EPOCH): 2026-01-01
	// 00:00 UTC, fixed so that the page is the same byte for byte.
	screenshotEpoch   = "1767225600"
	screenshotInput   = "testdata/wire/" // as a newcomer types it, from the repository root
	screenshotCluster = "2"              // the Putin/Security Council story and its rewrites
	screenshotWindow  = "1280,800"
	screenshotPNG     = "docs/report.png"
	screenshotHash    = "docs/report.png.source-sha256"
)

// screenshotReport runs the built command as the README's example does,
// from the repository root, and returns the report it wrote.
func screenshotReport(t *testing.T, extra ...string) []byte {
	t.Helper()
	out := t.TempDir()
	html := filepath.Join(out, "report.html")
	args := append([]string{"run", "-q", "--out", out, "--html", html}, extra...)
	cmd := exec.Command(binary, append(args, screenshotInput)...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+screenshotEpoch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("neardup run --html: %v: %s", err, stderr.String())
	}
	b, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestREADMEScreenshot(t *testing.T) {
	page := screenshotReport(t)
	sum := sha256.Sum256(page)
	got := hex.EncodeToString(sum[:])
	hashFile := filepath.Join(repoRoot, screenshotHash)

	if *screenshot {
		bin := chromiumPath(t)
		dir := t.TempDir()
		html := filepath.Join(dir, "report.html")
		if err := os.WriteFile(html, page, 0o644); err != nil {
			t.Fatal(err)
		}
		shot := filepath.Join(dir, "report.png")
		chromium(t, bin, "--virtual-time-budget=5000", "--window-size="+screenshotWindow, "--screenshot="+shot,
			"file://"+html+"#c="+screenshotCluster)
		png, err := os.ReadFile(shot)
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Fatalf("screenshot: %d bytes, %v", len(png), err)
		}
		if err := os.WriteFile(filepath.Join(repoRoot, screenshotPNG), png, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(hashFile, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes) and %s: look at the picture before committing it", screenshotPNG, len(png), screenshotHash)
		return
	}

	want, err := os.ReadFile(hashFile)
	if err != nil {
		t.Fatalf("%v: run docs/screenshot.sh to take the README's screenshot", err)
	}
	if strings.TrimSpace(string(want)) != got {
		t.Errorf("%s was taken from another report than the current build writes "+
			"(SHA-256 %s, recorded %s): the README's screenshot is stale. "+
			"Run docs/screenshot.sh (needs chromium), look at %s, and commit it with %s",
			screenshotPNG, got[:12], strings.TrimSpace(string(want))[:min(12, len(want))], screenshotPNG, screenshotHash)
	}
}

// The report of the screenshot names its input as given and nothing of
// the machine: the same bytes from any checkout, any worker count.
func TestREADMEScreenshotReportIsReproducible(t *testing.T) {
	a := screenshotReport(t)
	if !bytes.Contains(a, []byte(screenshotInput)) {
		t.Errorf("the report does not name its input %s", screenshotInput)
	}
	if b := screenshotReport(t, "-j", "1"); !bytes.Equal(a, b) {
		t.Error("a run with -j 1 wrote another report: the screenshot's hash would depend on the machine")
	}
}
