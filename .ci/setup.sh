#!/usr/bin/env bash
# Installs what building and testing Lamina Desktop needs on Debian/Ubuntu, and says plainly what
# is missing where it cannot install it. Safe to run repeatedly: it only installs what is absent.
set -euo pipefail

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need cargo || missing+=("a Rust toolchain (https://rustup.rs)")
need node || missing+=("Node.js >= 20")
need make || missing+=("make")
need git || missing+=("git")
if ((${#missing[@]})); then
  echo "Lamina Desktop needs: ${missing[*]}. Install them, then run this command again." >&2
  exit 1
fi

# System packages: build tools, and for the desktop app WebKitGTK; for tests Xvfb, a D-Bus
# session with GNOME Keyring (the real Secret Service) and WebKitWebDriver; for `make
# check-windows` the MinGW cross compiler (it builds the C parts of -sys crates, such as
# rusqlite's bundled SQLite, for Windows); libheif-dev for HEIC photos (converted to JPEG before
# upload, lamina-core/src/storage/heic.rs).
packages=(build-essential pkg-config curl file xdg-utils cmake libheif-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev patchelf
  xvfb xauth webkit2gtk-driver gnome-keyring dbus dbus-x11 libsecret-1-dev libdbus-1-dev imagemagick
  gcc-mingw-w64-x86-64)
absent=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || absent+=("$p")
done
if ((${#absent[@]})); then
  if ! need apt-get; then
    echo "Missing system packages (${absent[*]}) and no apt-get: install their equivalents." >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    need sudo || { echo "Installing ${absent[*]} needs root (no sudo found)." >&2; exit 1; }
    sudo="sudo"
  fi
  echo "Installing system packages: ${absent[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${absent[@]}" >/dev/null
fi
pkg-config --exists libheif || {
  echo "libheif (with its pkg-config file) is missing: HEIC photos need it to build. Install libheif-dev (Debian/Ubuntu) or libheif-devel (Fedora)." >&2
  exit 1
}
