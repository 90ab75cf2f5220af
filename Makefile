# One task runner for people and CI. `make demo` and `make test` are the README's two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: screenshots help setup ui-deps ui-build demo sandbox test test-rust test-docs test-ui e2e bindings check-bindings fmt fmt-check lint bench check-layering bundle icons test-deb audit bench-footprint check-windows s3-server

help:
	@echo "make demo   - install what is needed and open the app on the demo workspace"
	@echo "make test   - install what is needed and run every test"
	@echo "make bench  - run the benchmarks and print their tables"
	@echo "make lint   - rustfmt check, clippy -D warnings, layering check"
	@echo "make bundle - release build and the Linux packages (.deb, .rpm) in target/release/bundle"
	@echo "make bench-footprint - sizes, start-up time and memory of the release app (after bundle)"

setup:
	@bash .ci/setup.sh

# The desktop app embeds ui/dist, so the UI is built before any Rust build of the app.
ui-deps:
	@[ -d ui/node_modules ] || npm --prefix ui ci --no-audit --no-fund

ui-build: ui-deps
	npm --prefix ui run build

demo: setup ui-build
	cargo build -p lamina-desktop -p lamina-core --bin lamina-desktop --bin lamina-heic
	LAMINA_DEMO=1 $${CARGO_TARGET_DIR:-target}/debug/lamina-desktop

sandbox:
	$(CARGO) run -q -p lamina-sandbox --bin lamina-sandbox -- --port 8787

test: setup ui-build lint check-windows audit test-ui check-bindings test-rust test-docs e2e test-deb

# The docs' own curl, JavaScript and Python examples against the sandbox.
test-docs:
	@bash .ci/docs-examples.sh

# Inside a D-Bus session with GNOME Keyring: the keychain tests use the real Secret Service.
test-rust: s3-server
	bash .ci/with-keyring.sh $(CARGO) test --workspace --all-targets --locked

# The S3-compatible server the storage tests talk to (crates.io s3s-fs; rust-version 1.92, so
# 0.14.1: 0.15+ needs Rust 1.96). Installed once under target/.
S3S_FS := target/tools/s3s-fs/bin/s3s-fs
s3-server: $(S3S_FS)
$(S3S_FS):
	$(CARGO) install s3s-fs@0.14.1 --features binary --locked --root target/tools/s3s-fs

test-ui: ui-deps
	npm --prefix ui run lint
	npm --prefix ui run typecheck
	npm --prefix ui test

e2e:
	bash .ci/e2e.sh

# The README's pictures, taken by the E2E run from the current build (.github/assets/screens).
screenshots:
	E2E_ONLY="test_polish.py test_batch.py test_presets_compare.py test_own_photos.py test_describe.py" bash .ci/e2e.sh
	bash .ci/readme-screenshots.sh

# Installs the .deb into a clean root (dpkg -x) and launches the installed binary under Xvfb.
# In `make test` it packages the debug build e2e made (seconds); see README "Install".
test-deb:
	bash .ci/deb-smoke.sh

# cargo deny (advisories, licences, bans, sources) and npm audit --audit-level=high.
audit:
	bash .ci/audit.sh

# Release build (LTO) and the installers; the version comes from Cargo.toml. Linux: .deb and .rpm
# in target/release/bundle. The release workflow passes BUNDLES/TAURI_ARGS for macOS and Windows.
TAURI := ui/node_modules/.bin/tauri
BUNDLES ?= deb,rpm
TAURI_ARGS ?=
bundle: ui-deps
	@[ "$$(uname -s)" != Linux ] || bash .ci/setup.sh
	@[ "$$(uname -s)" != Linux ] || bash .ci/stage-heic-helper.sh release
	$(TAURI) build --ci --bundles $(BUNDLES) $(TAURI_ARGS)
	@find $${CARGO_TARGET_DIR:-target} -maxdepth 5 -path '*/release/bundle/*' \( -name '*.deb' -o -name '*.rpm' -o -name '*.dmg' -o -name '*.msi' -o -name '*-setup.exe' \) -exec ls -l {} +

# Every platform's icons from the one source image (desktop platforms only).
icons: ui-deps
	$(TAURI) icon icons/source.png -o icons
	rm -rf icons/android icons/ios
	cp icons/128x128.png ui/public/app-icon.png

bench-footprint: bundle
	bash .ci/bench-footprint.sh

# TypeScript types of commands and events, generated from Rust (never written by hand).
bindings:
	$(CARGO) run -q -p lamina-desktop --features export-bindings --bin export-bindings -- ui/src/lib/backend/bindings.ts

check-bindings: bindings
	@git diff --exit-code -- ui/src/lib/backend/bindings.ts || \
	  (echo "bindings.ts is out of date: run make bindings and commit it" && exit 1)

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

lint: fmt-check check-layering ui-build
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Windows code paths compile here too: the whole workspace checked for the Windows target (the
# MinGW cross compiler from .ci/setup.sh builds the -sys crates' C parts), and clippy for that
# target on the crates without Tauri, so a cfg(windows) mistake fails CI on Linux.
WINDOWS_TARGET := x86_64-pc-windows-gnu
check-windows: ui-build
	@# rustup downloads the target as it does the toolchain; only this check needs it (make demo does not).
	@rustup target list --installed 2>/dev/null | grep -qx $(WINDOWS_TARGET) || { \
	  command -v rustup >/dev/null || { echo "Checking the Windows build needs rustup (to add $(WINDOWS_TARGET))." >&2; exit 1; }; \
	  echo "Adding the Rust target $(WINDOWS_TARGET)"; rustup target add $(WINDOWS_TARGET); }
	$(CARGO) clippy -p lamina-api -p lamina-core -p lamina-sandbox -p lamina-cli --all-targets --locked --target $(WINDOWS_TARGET) -- -D warnings
	$(CARGO) check --workspace --all-targets --locked --target $(WINDOWS_TARGET)

# Crates below the desktop app never depend on Tauri.
check-layering:
	@for crate in lamina-api lamina-core lamina-sandbox lamina-cli; do \
	  if $(CARGO) tree -q -p $$crate -e normal -i tauri >/dev/null 2>&1; then \
	    echo "$$crate depends on tauri: not allowed"; exit 1; fi; done
	@echo "layering ok: no Tauri below the app crate"

bench:
	$(CARGO) run -q --release -p lamina-core --example delivery_bench
	$(CARGO) run -q --release -p lamina-core --example webhook_bench
	$(CARGO) run -q --release -p lamina-core --example image_bench
	$(CARGO) run -q --release -p lamina-core --example history_bench
	$(CARGO) run -q --release -p lamina-core --example batch_bench
