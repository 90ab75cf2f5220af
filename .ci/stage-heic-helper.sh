#!/usr/bin/env bash
# Builds the HEIC helper (src-tauri/crates/lamina-core/src/bin/lamina-heic.rs) and puts it where
# the Linux packages take it from (tauri.conf.json: bundle.linux.deb/rpm.files, installed as
# /usr/bin/lamina-heic beside the app). Built with the app in one cargo run, so the two share
# their dependencies' build. Usage: .ci/stage-heic-helper.sh release|debug
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:?release or debug}
target=${CARGO_TARGET_DIR:-$PWD/target}
flags=(--locked -p lamina-desktop -p lamina-core --bin lamina-desktop --bin lamina-heic)
[ "$profile" = release ] && flags+=(--release)
cargo build "${flags[@]}"
mkdir -p target/heic
cp "$target/$profile/lamina-heic" target/heic/lamina-heic
echo "staged the $profile HEIC helper in target/heic"
