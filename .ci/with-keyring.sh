#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring, i.e. a real
# Secret Service, as the OS keychain tests need on a headless Linux machine.
set -euo pipefail
if [ "${LAMINA_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
command -v dbus-run-session >/dev/null || { echo "dbus-run-session missing: run make setup" >&2; exit 1; }
command -v gnome-keyring-daemon >/dev/null || { echo "gnome-keyring-daemon missing: run make setup" >&2; exit 1; }
export LAMINA_IN_KEYRING=1
exec dbus-run-session -- bash -c '
  # A fresh, throw-away login keyring unlocked with a dummy password.
  export XDG_DATA_HOME=$(mktemp -d) HOME=${HOME:-/root}
  echo -n lamina-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  exec "$@"' bash "$@"
