#!/usr/bin/env bash
# Cold start to first paint and idle memory of the app under Xvfb, on the demo workspace.
# First paint = the first screenshot in which the catalog's first app card (white on grey) is
# drawn; screenshots are taken back to back, so the figure is an upper bound (± one capture).
# Usage: .ci/measure-startup.sh [binary]   (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/lamina-desktop}
export LAMINA_DEMO=1 LAMINA_DATA_DIR=$(mktemp -d)
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  bin=$1
  start=$(date +%s%N)
  "$bin" >/dev/null 2>&1 &
  app=$!
  painted=""
  for _ in $(seq 400); do
    # Pixel inside the first catalog card; the page background is grey, cards are white.
    colour=$(import -silent -window root -crop 1x1+400+200 txt:- 2>/dev/null | tail -n 1 | grep -o "#[0-9A-F]\{6\}" || true)
    if [ "$colour" = "#FFFFFF" ]; then painted=$(date +%s%N); break; fi
  done
  [ -n "$painted" ] || { echo "the catalog never painted"; kill $app; exit 1; }
  echo "cold start to first paint: $(( (painted - start) / 1000000 )) ms"
  sleep 5
  pids=$(pstree -pT $app | grep -o "([0-9]*)" | tr -d "()")
  total=0
  for pid in $pids; do
    kb=$(awk "/VmRSS/ {print \$2}" /proc/$pid/status 2>/dev/null || echo 0); total=$((total + kb))
  done
  echo "idle RSS after 5 s (app + WebKit processes): $((total / 1024)) MiB"
  kill $app' bash "$bin"
