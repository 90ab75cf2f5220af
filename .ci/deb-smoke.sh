#!/usr/bin/env bash
# Installs the app's .deb into a clean root with `dpkg -x` and launches the INSTALLED binary under
# Xvfb on the demo workspace (LAMINA_DEMO=1), through tauri-driver: the catalog must render and the
# About dialog must show the version from Cargo.toml. Also checks the package's metadata, desktop
# entry and icons, and that every shared library the installed binary needs resolves.
#
# Cheap on purpose (it runs in `make test`): it packages the DEBUG binary that `make e2e` already
# built with `tauri bundle --debug --bundles deb` (no second compile, no release LTO build).
# `make bundle` builds the release .deb/.rpm; pass a .deb to test that one instead:
#   .ci/deb-smoke.sh [path/to/package.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
version=$(cargo metadata --no-deps --format-version 1 --offline |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="lamina-desktop"))')

deb=${1:-}
if [ -z "$deb" ]; then
  [ -d ui/node_modules ] || npm --prefix ui ci --no-audit --no-fund
  [ -f ui/dist/index.html ] || npm --prefix ui run build
  # Reuses target/debug/lamina-desktop when it is up to date (after `make e2e`: no compile), and
  # stages the HEIC helper the package installs beside it.
  bash .ci/stage-heic-helper.sh debug
  rm -rf "$target/debug/bundle/deb"
  start=$(date +%s)
  ui/node_modules/.bin/tauri bundle --debug --bundles deb --ci >/dev/null
  echo "deb-smoke: packaged the debug build in $(($(date +%s) - start)) s"
  deb=$(ls "$target"/debug/bundle/deb/*.deb)
fi
echo "deb-smoke: $deb ($(du -h "$deb" | cut -f1))"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
dpkg-deb -x "$deb" "$root"

fail() { echo "deb-smoke: FAIL: $*" >&2; exit 1; }
# Package metadata.
info=$(dpkg-deb -f "$deb")
grep -qx "Package: lamina-desktop" <<<"$info" || fail "package name: $info"
grep -qx "Version: $version" <<<"$info" || fail "package version is not $version: $info"
grep -q "^Depends:.*libwebkit2gtk-4.1-0" <<<"$info" || fail "no WebKitGTK dependency: $info"
grep -q "^Description: Generate product images" <<<"$info" || fail "description: $info"
# Files: the binary, a desktop entry naming it, icons.
bin=$root/usr/bin/lamina-desktop
[ -x "$bin" ] || fail "no /usr/bin/lamina-desktop in the package"
helper=$root/usr/bin/lamina-heic
[ "$(ls "$root/usr/bin" | tr '\n' ' ')" = "lamina-desktop lamina-heic " ] ||
  fail "/usr/bin holds other than the app and its HEIC helper: $(ls "$root/usr/bin")"
# The app doesn't load libheif at start (src-tauri/crates/lamina-core/src/bin/lamina-heic.rs says
# why); the installed helper converts an iPhone photo.
! readelf -d "$bin" | grep -q libheif || fail "the app links libheif: $(readelf -d "$bin" | grep libheif)"
heic_header=$("$helper" <src-tauri/crates/lamina-core/tests/fixtures/photo.heic | head -n 1 || true)
[ "$heic_header" = "96 64 3 1" ] || fail "the installed HEIC helper answered '$heic_header'"
entry=$(ls "$root"/usr/share/applications/*.desktop)
grep -Eq "^Exec=(/usr/bin/)?lamina-desktop( %[uUfF])?$" "$entry" || fail "desktop entry Exec: $(cat "$entry")"
grep -qx "Name=Lamina Desktop" "$entry" || fail "desktop entry Name: $(cat "$entry")"
grep -Eq "^Categories=Graphics;?$" "$entry" || fail "desktop entry Categories: $(cat "$entry")"
icon=$(sed -n 's/^Icon=//p' "$entry")
ls "$root"/usr/share/icons/hicolor/*/apps/"$icon".png >/dev/null || fail "no icon named $icon"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$entry"; fi
# Every shared library resolves on this system (the package's Depends install them elsewhere).
for installed in "$bin" "$helper"; do
  if ldd "$installed" | grep -q "not found"; then fail "missing libraries: $(ldd "$installed" | grep 'not found')"; fi
done

# Launch the installed binary (not the build tree's) on the demo workspace.
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q "selenium==4.38.0"
export LAMINA_DEMO=1 LAMINA_DATA_DIR=$work/data LAMINA_APP_BINARY=$bin LAMINA_EXPECT_VERSION=$version
export SMOKE_ARTIFACTS=$PWD/artifacts/deb-smoke
mkdir -p "$SMOKE_ARTIFACTS"
.ci/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  port=4460
  tauri-driver --port $port --native-port $((port + 1)) >"$SMOKE_ARTIFACTS/tauri-driver.log" 2>&1 &
  driver=$!
  for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  set +e
  TAURI_DRIVER_URL=http://127.0.0.1:$port python3 .ci/deb_smoke.py
  status=$?
  kill $driver 2>/dev/null
  exit $status'
[ -n "$(find "$LAMINA_DATA_DIR" -name history.sqlite3 -size +0)" ] ||
  fail "the installed app wrote no history database into $LAMINA_DATA_DIR"
echo "deb-smoke: ok (installed $version, rendered the catalog, About shows the version)"
