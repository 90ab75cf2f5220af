#!/usr/bin/env bash
# What the first frame of the app's first screen costs, variant by variant, in a bare web view
# drawn as the app draws (src-tauri/examples/page_paint.rs). From the built UI (ui/dist) and a
# saved first screen (first-screen.json from the app's data folder) it writes three pages, each
# reporting two animation frames after DOMContentLoaded in place of the app's scripts:
#   screen    the built index.html with the saved markup in #root and the theme and web view on
#             <html>, as the app's asset provider serves it (src-tauri/src/first_screen.rs)
#   no-css    the same without the entry's CSS
#   css-only  a hello world with the entry's CSS
# then launches them in turns under Xvfb, RUNS times each, and prints each one's median ms from
# launch to that frame. To try a change, edit a page in the printed folder and run page_paint on it.
# Usage: .ci/page-paint.sh <first-screen.json> [page_paint binary]   (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
saved=${1:?usage: .ci/page-paint.sh <first-screen.json> [page_paint binary]}
bin=${2:-${CARGO_TARGET_DIR:-target}/debug/examples/page_paint}
pages=$(mktemp -d)
python3 - "$saved" ui/dist "$pages" <<'PY'
import json, pathlib, re, sys
saved, dist, pages = json.loads(pathlib.Path(sys.argv[1]).read_text()), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
built = (dist / "index.html").read_text()
report = ('<script>document.addEventListener("DOMContentLoaded", () => requestAnimationFrame(() =>'
          ' requestAnimationFrame(() => window.ipc.postMessage("painted"))));</script>')
page = re.sub(r'<script type="module"[^>]*></script>|<link rel="modulepreload"[^>]*>', "", built)
page = page.replace("</head>", report + "</head>")
theme = {"light": ' data-theme="light"', "dark": ' data-theme="dark"'}.get(saved["theme"], "")
screen = page.replace('<div id="root"></div>', f'<div id="root">{saved["markup"]}</div>', 1)
screen = screen.replace('<html lang="en"', f'<html lang="en" data-webview="webkitgtk"{theme}', 1)
no_css = re.sub(r'<link rel="stylesheet"[^>]*>', "", screen)
css_only = page.replace('<div id="root"></div>', "<h1>Hello world</h1>", 1)
for name, html in {"screen": screen, "no-css": no_css, "css-only": css_only}.items():
    (pages / name).mkdir()
    (pages / name / "index.html").write_text(html)
    (pages / name / "assets").symlink_to((dist / "assets").resolve())
PY
echo "pages in $pages"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  bin=$1 pages=$2
  for run in $(seq "${RUNS:-5}"); do
    for page in screen no-css css-only; do
      start=$(date +%s%N)
      painted=$(PAGE_DIR=$pages/$page timeout 60 "$bin" 2>/dev/null | sed -n "s/^painted at \([0-9]*\) ms/\1/p")
      [ -n "$painted" ] || { echo "$page never painted" >&2; exit 1; }
      echo "$page $(( painted - start / 1000000 ))" >>"$pages/times"
    done
  done' bash "$bin" "$pages" \
  2> >(grep -v -e "Failed to set fd limit" -e SpiRegistry -e GNOME_KEYRING -e dbus-daemon >&2)
for page in screen no-css css-only; do
  ms=$(awk -v p="$page" '$1 == p {print $2}' "$pages/times" | sort -n)
  echo "$page: median $(echo "$ms" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms of $(echo "$ms" | wc -l) ($(echo $ms))"
done
