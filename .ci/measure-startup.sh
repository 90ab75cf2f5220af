#!/usr/bin/env bash
# Cold start to first paint and idle memory of the app under Xvfb, on the demo workspace, in a
# D-Bus session (as on any desktop; without one, GTK and the keychain launch their own buses).
# First paint = the moment the catalog's first app cards are on screen, which the window reports
# (two animation frames after they render; `LAMINA_STARTUP_PROBE` makes the app print it). The
# clock starts before exec, so dynamic linking and the web view's start are included.
# Also prints DOMContentLoaded from before exec (what tauri-apps/benchmark_results measures).
# LAMINA_DATA_DIR set: that data folder is used and kept (a returning user: its saved catalog
# and first screen); unset: a fresh one each launch (a first start), removed afterwards.
# Usage: .ci/measure-startup.sh [binary]   (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/lamina-desktop}
# MEASURE_IDLE=0 skips the idle memory reading (5 s per launch).
export MEASURE_IDLE=${MEASURE_IDLE:-1}
export LAMINA_DEMO=1 LAMINA_STARTUP_PROBE=1
if [ -z "${LAMINA_DATA_DIR:-}" ]; then
  LAMINA_DATA_DIR=$(mktemp -d)
  trap 'rm -rf "$LAMINA_DATA_DIR"' EXIT
fi
export LAMINA_DATA_DIR
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  bin=$1
  out=$(mktemp)
  start=$(date +%s%N)
  "$bin" >"$out" 2>/dev/null &
  app=$!
  painted=""
  for _ in $(seq 600); do
    painted=$(sed -n "s/^first paint at \([0-9]*\) ms.*/\1/p" "$out")
    [ -n "$painted" ] && break
    sleep 0.05
  done
  [ -n "$painted" ] || { echo "the catalog never painted"; kill $app; exit 1; }
  echo "cold start to first paint: $(( painted - start / 1000000 )) ms ($(sed -n "s/.*(\(.*\))$/\1/p" "$out"))"
  marks=$(sed -n "s/^page marks, //p" "$out")
  echo "  page marks, $marks"
  # DOMContentLoaded from before exec: its mark after main, plus the time from exec to main.
  after_main=$(sed -n "s/.*(\([0-9]*\) ms after main)$/\1/p" "$out")
  dcl=$(sed -n "s/.*dom-content-loaded +\([0-9]*\).*/\1/p" <<<"$marks")
  [ -n "$dcl" ] && echo "start to DOMContentLoaded: $(( dcl + painted - start / 1000000 - after_main )) ms"
  [ "$MEASURE_IDLE" = 1 ] || { kill $app; wait $app 2>/dev/null; rm -f "$out"; exit 0; }
  sleep 5
  pids=$(pstree -pT $app | grep -o "([0-9]*)" | tr -d "()")
  total=0
  for pid in $pids; do
    kb=$(awk "/VmRSS/ {print \$2}" /proc/$pid/status 2>/dev/null || echo 0); total=$((total + kb))
  done
  echo "idle RSS after 5 s (app + WebKit processes): $((total / 1024)) MiB"
  kill $app
  wait $app 2>/dev/null
  rm -f "$out"' bash "$bin" 2> >(grep -v "Failed to set fd limit" >&2)
