#!/usr/bin/env bash
# Copies the README's pictures out of an E2E run's screenshots (artifacts/e2e), so they always show
# the current build: `make screenshots` runs the E2E files that take them, then this script.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${E2E_ARTIFACTS:-artifacts/e2e}
dest=.github/assets/screens
mkdir -p "$dest"
# README picture <- E2E screenshot, for each theme.
declare -A pictures=(
  [catalog]=polish-THEME-02-catalog
  [run]=polish-THEME-04-run-completed
  [history]=polish-THEME-05-history
  [lightbox]=polish-THEME-06-lightbox
  [batch]=batch-04-finished-grid-THEME
)
missing=0
copy() {
  if [ -f "$src/$1.png" ]; then cp "$src/$1.png" "$dest/$2.png"; else echo "missing screenshot $src/$1.png" >&2; missing=1; fi
}
for theme in light dark; do
  for name in "${!pictures[@]}"; do copy "${pictures[$name]//THEME/$theme}" "$name-$theme"; done
done
copy compare-07-compare-light compare-light
copy compare-08-compare-dark compare-dark
copy photos-demo-run-completed own-photo-light
copy describe-02-chosen-app-light describe-light
copy describe-06-publish-compose-dark publish-dark
[ "$missing" = 0 ] || { echo "README pictures not all updated: run the E2E files that take them" >&2; exit 1; }
cp "$dest/run-light.png" .github/assets/hero-image-run.png
ls -l "$dest"
