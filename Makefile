# One task runner for people and CI. `make demo` and `make test` are the README's two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: help setup demo sandbox test test-rust fmt fmt-check lint bench check-layering

help:
	@echo "make demo   - install what is needed and start the demo workspace"
	@echo "make test   - install what is needed and run every test"
	@echo "make bench  - run the benchmarks and print their tables"
	@echo "make lint   - rustfmt check, clippy -D warnings, layering check"

setup:
	@bash .ci/setup.sh

demo: setup
	@bash .ci/demo.sh

sandbox:
	$(CARGO) run -q -p lamina-sandbox --bin lamina-sandbox -- --port 8787

test: setup lint test-rust

test-rust:
	$(CARGO) test --workspace --all-targets --locked

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

lint: fmt-check check-layering
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Crates below the desktop app never depend on Tauri.
check-layering:
	@for crate in lamina-api lamina-core lamina-sandbox lamina-cli; do \
	  if $(CARGO) tree -q -p $$crate -e normal -i tauri >/dev/null 2>&1; then \
	    echo "$$crate depends on tauri: not allowed"; exit 1; fi; done
	@echo "layering ok: no Tauri below the app crate"

bench:
	$(CARGO) run -q --release -p lamina-cli --example delivery_bench
