#!/usr/bin/env bash
# The demo workspace from a terminal: starts the local Lamina-compatible server, runs the
# "Hero Image" app through lamina-cli and prints where the image was saved.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p lamina-cli -p lamina-sandbox
log=$(mktemp)
./target/debug/lamina-sandbox --port 0 --speed 2 >"$log" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
base=$(grep -o 'http://[^ ]*' "$log")
export LAMINA_BASE_URL=$base LAMINA_API_KEY=lma_demo_workspace_key
export LAMINA_DATA_DIR=${LAMINA_DATA_DIR:-$PWD/target/demo-data}
echo "Demo workspace at $base"
./target/debug/lamina-cli apps
echo
./target/debug/lamina-cli run 5b1f6a52-9c0e-4f3a-a8d2-4e7c1b9f0a11 \
  --input "Prompt=A ceramic mug on a sunlit kitchen table" --input "Aspect Ratio=16:9"
