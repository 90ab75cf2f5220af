#!/usr/bin/env bash
# The start-up floor of this machine, measured like .ci/measure-startup.sh: a bare wry web view
# with a hello-world page (src-tauri/examples/startup_baseline.rs), in a D-Bus session under Xvfb,
# from before exec to DOMContentLoaded and to its first painted frame (two animation frames).
# Usage: .ci/measure-baseline.sh [binary]   (default: the release build of the example)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/examples/startup_baseline}
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  start=$(date +%s%N)
  out=$(timeout 30 "$1" 2>/dev/null) || { echo "the baseline never painted"; exit 1; }
  at() { sed -n "s/^$1 at \([0-9]*\) ms.*/\1/p" <<<"$out"; }
  echo "baseline start to DOMContentLoaded: $(( $(at dom-content-loaded) - start / 1000000 )) ms"
  echo "baseline start to first paint: $(( $(at painted) - start / 1000000 )) ms"' bash "$bin" \
  2> >(grep -v -e "Failed to set fd limit" -e SpiRegistry -e GNOME_KEYRING -e dbus-daemon >&2)
