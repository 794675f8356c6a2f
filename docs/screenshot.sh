#!/usr/bin/env bash
# Retakes the README's screenshot, docs/report.png, from the current build:
# builds neardup, runs it with --html on testdata/wire/ (SOURCE_DATE_EPOCH
# fixed, so the page is the same byte for byte), takes a headless-Chromium
# screenshot of cluster 2 at 1280×800, and records the SHA-256 of the report
# in docs/report.png.source-sha256. CI (go test ./cmd/neardup,
# TestREADMEScreenshot) fails when the current build writes another report
# than the one recorded. The settings live in cmd/neardup/screenshot_test.go.
#
# Needs chromium (apt-get install chromium fonts-dejavu-core). Look at the
# picture before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./cmd/neardup -run '^TestREADMEScreenshot$' -count=1 -v -screenshot
echo "screenshot: now look at docs/report.png, then commit it with docs/report.png.source-sha256"
