#!/usr/bin/env bash
# E2E: drives the real app binary with tauri-driver + WebKitWebDriver under Xvfb, inside a D-Bus
# session with a real keyring. Screenshots of every step land in artifacts/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ui/node_modules ] || npm --prefix ui ci --no-audit --no-fund
npm --prefix ui run build
# The app, and the HEIC helper it runs beside it.
cargo build -p lamina-desktop -p lamina-core --bin lamina-desktop --bin lamina-heic
# The sandbox binary too: test_minimal_service.py runs it as a separate process, the service a
# real account talks to.
# (Built apart: together, Cargo unifies their features and rebuilds the app's dependencies.)
cargo build -p lamina-sandbox
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
# test_own_photos.py: a real S3-compatible server (crates.io s3s-fs), as the storage tests use.
export LAMINA_S3S_FS=${LAMINA_S3S_FS:-$PWD/target/tools/s3s-fs/bin/s3s-fs}
[ -x "$LAMINA_S3S_FS" ] || cargo install s3s-fs@0.14.1 --features binary --locked --root target/tools/s3s-fs
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q "selenium==4.38.0"

export LAMINA_APP_BINARY=${CARGO_TARGET_DIR:-$PWD/target}/debug/lamina-desktop
export LAMINA_SANDBOX_BINARY=${CARGO_TARGET_DIR:-$PWD/target}/debug/lamina-sandbox
export E2E_ARTIFACTS=$PWD/artifacts/e2e
export LAMINA_DEMO_SPEED=${LAMINA_DEMO_SPEED:-4}
export E2E_ONLY=${E2E_ONLY:-}  # e.g. E2E_ONLY="test_batch.py test_polish.py" runs those files
# Another run on the same machine can take another port (tauri-driver also uses port + 1).
export E2E_PORT=${E2E_PORT:-4444}
export TAURI_DRIVER_URL=http://127.0.0.1:$E2E_PORT
# "Connect your Lamina account" goes to the service a test starts on port + 2 (the app reads
# LAMINA_BASE_URL, as lamina-cli does); the demo workspace never uses it.
export E2E_SERVICE_PORT=$((E2E_PORT + 2))
export LAMINA_BASE_URL=http://127.0.0.1:$E2E_SERVICE_PORT
# Batch exports land here, not in ~/Pictures (the app inherits it through tauri-driver).
export LAMINA_EXPORT_DIR=${LAMINA_EXPORT_DIR:-$(mktemp -d)}
rm -rf "$E2E_ARTIFACTS"
mkdir -p "$E2E_ARTIFACTS"
# Each file is a separate app session on its own empty data folder. The app inherits its
# environment from tauri-driver (not from the test), so each file gets its own tauri-driver.
.ci/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  set +e
  status=0
  for test in .ci/e2e/test_*.py; do
    [ -z "$E2E_ONLY" ] || [[ " $E2E_ONLY " == *" $(basename "$test") "* ]] || continue
    echo "== $test"
    export LAMINA_DATA_DIR=$(mktemp -d)
    log="$E2E_ARTIFACTS/tauri-driver-$(basename "$test" .py).log"
    tauri-driver --port $E2E_PORT --native-port $((E2E_PORT + 1)) >"$log" 2>&1 &
    driver=$!
    for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$E2E_PORT) 2>/dev/null && break; sleep 0.1; done
    if (exec 3<>/dev/tcp/127.0.0.1/$E2E_PORT) 2>/dev/null; then
      # A WebDriver command that never returns must not hold CI until its limit.
      timeout 600 python3 "$test" || { echo "$test failed or ran over 600 s"; status=1; }
    else
      echo "tauri-driver did not start:"; cat "$log"; status=1
    fi
    kill $driver 2>/dev/null
    wait $driver 2>/dev/null
    rm -rf "$LAMINA_DATA_DIR"
  done
  exit $status'
