#!/usr/bin/env bash
# Screenshots of the window's first frames at start-up (before React and after), to see that the
# saved catalog is what the first frame shows and that React takes it over without a flash.
# The app starts once on a demo data folder (so its first screen is saved), then again while the
# whole screen is captured every few ms (.ci/capture_frames.py keeps each distinct frame); every
# frame is compared with the last one (ImageMagick `compare`, differing pixels). Each frame is kept
# as a PNG named by ms since launch.
# Usage: .ci/first-frames.sh [binary] [out dir]   (default: the release build, artifacts/first-frames)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/lamina-desktop}
out=${2:-artifacts/first-frames}
rm -rf "$out" && mkdir -p "$out"
export LAMINA_DEMO=1 LAMINA_STARTUP_PROBE=1 LAMINA_DATA_DIR=$(mktemp -d) OUT=$out
trap 'rm -rf "$LAMINA_DATA_DIR"' EXIT
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  bin=$1
  # First start: the first screen is saved 1.5 s after React draws it.
  "$bin" >/dev/null 2>&1 & app=$!
  for _ in $(seq 600); do [ -s "$LAMINA_DATA_DIR/first-screen.json" ] && break; sleep 0.1; done
  kill $app; wait $app 2>/dev/null
  log=$(mktemp)
  start=$(date +%s%N)
  "$bin" >"$log" 2>/dev/null & app=$!
  python3 .ci/capture_frames.py "$OUT" "$start" "${SECONDS_CAPTURED:-6}"
  painted=$(sed -n "s/^first paint at \([0-9]*\) ms.*/\1/p" "$log")
  echo "first paint at $(( painted - start / 1000000 )) ms; page marks: $(sed -n "s/^page marks, //p" "$log")"
  kill $app; wait $app 2>/dev/null; rm -f "$log"' bash "$bin" 2> >(grep -v "Failed to set fd limit" >&2)
for frame in "$out"/frame-*.ppm; do convert "$frame" "${frame%.ppm}.png" && rm "$frame"; done
last=$(ls "$out"/frame-*.png | tail -n 1)
for frame in "$out"/frame-*.png; do
  diff=$(compare -metric AE "$frame" "$last" null: 2>&1 || true)
  echo "$(basename "$frame") differs from the last frame in $diff pixels"
done
