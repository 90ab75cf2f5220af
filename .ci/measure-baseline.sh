#!/usr/bin/env bash
# The start-up floor of this machine, measured like .ci/measure-startup.sh: a bare wry web view
# with a hello-world page (src-tauri/examples/startup_baseline.rs), in a D-Bus session under Xvfb,
# from before exec to DOMContentLoaded and to its first painted frame (two animation frames).
# With MEASURE_IDLE=1 it also stays open 5 s and prints the RSS summed over it and its WebKit
# processes, read as the app's is.
# Usage: .ci/measure-baseline.sh [binary]   (default: the release build of the example)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/examples/startup_baseline}
export MEASURE_IDLE=${MEASURE_IDLE:-0}
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  bin=$1
  out=$(mktemp)
  start=$(date +%s%N)
  if [ "$MEASURE_IDLE" = 1 ]; then export BASELINE_STAY_OPEN=1; fi
  "$bin" >"$out" 2>/dev/null &
  app=$!
  at() { sed -n "s/^$1 at \([0-9]*\) ms.*/\1/p" "$out"; }
  for _ in $(seq 600); do [ -n "$(at painted)" ] && break; sleep 0.05; done
  [ -n "$(at painted)" ] || { echo "the baseline never painted"; kill $app; exit 1; }
  echo "baseline start to DOMContentLoaded: $(( $(at dom-content-loaded) - start / 1000000 )) ms"
  echo "baseline start to first paint: $(( $(at painted) - start / 1000000 )) ms"
  if [ "$MEASURE_IDLE" = 1 ]; then
    sleep 5
    total=0
    for pid in $(pstree -pT $app | grep -o "([0-9]*)" | tr -d "()"); do
      kb=$(awk "/VmRSS/ {print \$2}" /proc/$pid/status 2>/dev/null || echo 0); total=$((total + kb))
    done
    echo "baseline idle RSS after 5 s (process + WebKit processes): $((total / 1024)) MiB"
    kill $app
  fi
  wait $app 2>/dev/null || true
  rm -f "$out"' bash "$bin" \
  2> >(grep -v -e "Failed to set fd limit" -e SpiRegistry -e GNOME_KEYRING -e dbus-daemon >&2)
