#!/bin/sh
# A report rendered in a real browser (issue 15 item 2): headless Chromium
# loads the HTML from a file (nothing listens, nothing is fetched), dumps
# the DOM and takes a screenshot; html_check.py checks them against the
# JSON report. With "hostile", the page is hostile_render's instead.
# Usage: html_browser.sh report WHYHUNG OUTDIR VMCORE VMLINUX
#        html_browser.sh hostile HOSTILE_RENDER OUTDIR
set -eu
mode=$1 prog=$2 out=$3
here=$(dirname "$0")
command -v chromium >/dev/null || { echo "chromium not installed (setup.sh installs it)"; exit 1; }
rm -rf "$out" && mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
now_ms() { date +%s%3N; }
# The flags keep Chromium off the network and out of its first-run work;
# without the background-networking ones it waits on the closed network.
browser() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@" 2>>"$out/chromium.log"
}
t0=$(now_ms)
if [ "$mode" = hostile ]; then
	"$prog" html >"$out/report.html"
	"$prog" svg >"$out/graph.svg"
else
	"$prog" "$4" -k "$5" --format html >"$out/report.html"
	t1=$(now_ms)
	"$prog" "$4" -k "$5" --format json >"$out/report.json"
	"$prog" "$4" -k "$5" --format svg >"$out/graph.svg"
	echo "whyhung --format html: $((t1 - t0)) ms, $(wc -c <"$out/report.html") bytes"
fi
# The SVG alone must be well-formed XML.
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$out/graph.svg"
t2=$(now_ms)
browser --dump-dom "file://$out/report.html" >"$out/dom.html"
t3=$(now_ms)
browser --window-size=1280,2400 --screenshot="$out/screenshot.png" "file://$out/report.html" \
	>/dev/null
echo "chromium: DOM $((t3 - t2)) ms, screenshot $(($(now_ms) - t3)) ms"
# Printable: the page prints, collapsed stacks included (a PDF with them
# open is longer than the screen's first pages).
browser --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "file://$out/report.html" \
	>/dev/null
head -c 5 "$out/report.pdf" | grep -q '^%PDF-' || { echo "FAIL: no PDF printed"; exit 1; }
pages=$(grep -ac '/Type /Page$\|/Type /Page[^s]' "$out/report.pdf" || true)
[ "$pages" -ge 1 ] || { echo "FAIL: the PDF has no page"; exit 1; }
echo "printed: $pages pages"
[ -s "$out/dom.html" ] || { echo "FAIL: Chromium dumped no DOM"; exit 1; }
if [ "$mode" = hostile ]; then
	# The SVG alone in the browser too: no element from a name.
	browser --dump-dom "file://$out/graph.svg" >"$out/svg-dom.xml"
	python3 "$here/html_check.py" svg "$out/svg-dom.xml"
	exec python3 "$here/html_check.py" hostile "$out/report.html" "$out/dom.html" \
		"$out/screenshot.png"
fi
exec python3 "$here/html_check.py" report "$out/report.html" "$out/dom.html" \
	"$out/screenshot.png" "$out/report.json"
