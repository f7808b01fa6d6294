#!/bin/sh
# report-browser.sh -- what an auditor sees of report.html, in a real
# browser (headless Chromium), offline: the page renders with networking
# cut off, its chart is drawn, its text is text (selectable, not an
# image), and it prints on A4 with every row of every table on the page
# (pdftotext finds every request id and code), in a sane number of pages.
# Without chromium the checks are skipped; CI installs it and fails on a
# skipped check.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROMIUM" ] || ! command -v pdftotext >/dev/null ||
    ! command -v pdfinfo >/dev/null; then
	skip "report.html in a browser" "needs chromium and poppler-utils"
	done_testing
fi

cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/o" --now 2026-12-01T02:00:00Z --token-key "$SAMPLE_KEY" \
    --quiet
expect_rc 1 "the sample run"
mkdir "$TMP/x"
tar -xzf "$TMP"/o/*/audit-*.tar.gz -C "$TMP/x"
page=$(ls "$TMP"/x/audit-*/data/report.html)
dec=$(ls "$TMP"/x/audit-*/data/decisions.csv)

# chrome FLAGS...: headless, no sandbox (root in CI), its own profile, and
# no network: every request goes to a proxy that is not there.
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$TMP/profile" --no-first-run \
	    --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
	    "$@" "file://$page" 2>>"$TMP/chrome.err"
}

chrome --dump-dom >"$TMP/dom.html"
grep -q "Outcomes and codes" "$TMP/dom.html"
ok $? "the page renders offline"
n=$(grep -o '<rect ' "$TMP/dom.html" | wc -l)
grep -q '<svg' "$TMP/dom.html" && [ "$n" -ge 3 ]
ok $? "the chart is drawn ($n bars)"
! grep -qi 'user-select *: *none' "$page" && ! grep -q '<img' "$page" &&
    grep -q '<td[^>]*>[^<]*rq-2026-0001' "$TMP/dom.html"
ok $? "the text is text: no image, nothing made unselectable"

chrome --window-size=1280,2000 --hide-scrollbars \
    --screenshot="$TMP/shot.png" >/dev/null
[ "$(head -c 4 "$TMP/shot.png" | tail -c 3)" = PNG ]
ok $? "a screenshot is taken"

chrome --no-pdf-header-footer --print-to-pdf="$TMP/report.pdf" >/dev/null
pdfinfo "$TMP/report.pdf" >"$TMP/info"
ok $? "the page prints to PDF"
grep -q '^Page size: .*(A4)' "$TMP/info"
ok $? "on A4 ($(sed -n 's/^Page size: *//p' "$TMP/info"))"
pages=$(sed -n 's/^Pages: *//p' "$TMP/info")
[ "${pages:-0}" -ge 1 ] && [ "$pages" -le 20 ]
ok $? "in a sane number of pages ($pages)"
# Every id and code is printed (cells may wrap: compare without blanks),
# and no word lies past the edge of its page.
pdftotext -raw "$TMP/report.pdf" - | tr -d ' \n' >"$TMP/report.txt"
missing=0
for id in $(tail -n +2 "$dec" | cut -d, -f1 | sort -u); do
	grep -q -- "$id" "$TMP/report.txt" || { echo "# $id not printed"; missing=$((missing + 1)); }
done
for code in $(tail -n +2 "$dec" | cut -d, -f7 | tr ';' '\n' | grep . | sort -u); do
	grep -q -- "$code" "$TMP/report.txt" || { echo "# $code not printed"; missing=$((missing + 1)); }
done
[ "$missing" -eq 0 ] && [ -s "$TMP/report.txt" ]
ok $? "every request id and code is on paper"
pdftotext -bbox "$TMP/report.pdf" "$TMP/bbox.html"
"$PYTHON3" - "$TMP/bbox.html" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
bad = 0
for w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>',
                             s, re.S):
    for x0, y0, x1, y1 in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                                     r'xMax="([\d.]+)" yMax="([\d.]+)"', body):
        if float(x1) > float(w) or float(y1) > float(h):
            bad += 1
sys.exit(1 if bad else 0)
PY
ok $? "no word is printed past the edge of its page: no table is cut"

done_testing
