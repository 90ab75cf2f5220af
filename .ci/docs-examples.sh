#!/usr/bin/env bash
# Runs the Lamina docs' own examples against the sandbox: the curl steps of "Run your first app"
# (list apps, inspect, start, poll) and its JavaScript and Python polling examples, unchanged but
# for the base URL. Fails if any of them does not reach a completed run with an image.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p lamina-sandbox
python3 -c "import requests" 2>/dev/null || python3 -m pip install -q requests
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
"${CARGO_TARGET_DIR:-target}"/debug/lamina-sandbox --port 0 --speed 4 >"$work/log" 2>/dev/null &
server=$!
for _ in $(seq 100); do grep -q listening "$work/log" && break; sleep 0.1; done
base=$(grep -o 'http://[^ ]*' "$work/log")
export LAMINA_API_KEY=lma_demo_workspace_key
app=5b1f6a52-9c0e-4f3a-a8d2-4e7c1b9f0a11
fail() { echo "docs example failed: $*" >&2; exit 1; }

echo "== curl: list apps, inspect, start, poll"
curl -sf -H "x-api-key: $LAMINA_API_KEY" "$base/v1/apps" | grep -q "\"appId\":\"$app\"" || fail "list apps"
curl -sf -H "x-api-key: $LAMINA_API_KEY" "$base/v1/apps/$app" | grep -q '"name":"Aspect Ratio"' || fail "inspect"
started=$(curl -sf -X POST \
  -H "x-api-key: $LAMINA_API_KEY" \
  -H "Content-Type: application/json" \
  -d '{
"inputs": {
"Prompt": "A cinematic ecommerce hero image",
"Aspect Ratio": "16:9"
}
}' \
  "$base/v1/apps/$app/runs")
run=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["runId"])' <<<"$started")
for _ in $(seq 30); do
  state=$(curl -sf -H "x-api-key: $LAMINA_API_KEY" "$base/v1/runs/$run")
  grep -q '"status":"completed"' <<<"$state" && break
  sleep 1
done
grep -q '"status":"completed"' <<<"$state" || fail "curl poll did not complete"
echo "   run $run completed"

echo "== JavaScript example (node)"
sed "s#https://app.uselamina.ai#$base#" .ci/docs-examples/run-your-first-app.mjs >"$work/example.mjs"
js=$(node "$work/example.mjs" "$app")
echo "   $js"
grep -q '"status":"completed"' <<<"$js" || fail "javascript"

echo "== Python example (requests)"
sed "s#https://app.uselamina.ai#$base#" .ci/docs-examples/run_your_first_app.py >"$work/example.py"
py=$(python3 "$work/example.py" "$app")
echo "   $py"
grep -q '"status": "completed"' <<<"$py" || fail "python"
image=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["image"])' "$py")
curl -sf "$image" -o "$work/hero.png"
file "$work/hero.png" | grep -q "PNG image data, 1024 x 576" || fail "image is not a 1024x576 PNG"
echo "examples: 3 passed, 0 failed"
