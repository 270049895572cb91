# Campus Organization Portal. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
GO ?= go
TEST_DATA_DIR := .pgdata/test

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## Start the portal with demo data (a private PostgreSQL unless DATABASE_URL is set).
	$(GO) run ./cmd/portal run

.PHONY: test
test: browser ## Vet, check formatting and generated files, run every test (database and browser tests included).
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v _templ.go))" || (echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go' | grep -v _templ.go); exit 1)
	@status=0; \
	PORTAL_TEST_DATA_DIR=$(TEST_DATA_DIR) $(GO) test -count=1 -timeout 20m ./... || status=$$?; \
	PORTAL_DATA_DIR=$(TEST_DATA_DIR) $(GO) run ./cmd/portal db stop >/dev/null 2>&1; \
	exit $$status

SCALE ?= province

.PHONY: bench
bench: build ## Generate the SCALE data set (default province; timed) and measure the portal against the baseline into docs/benchmarks.md.
	./bin/portal seed -scale $(SCALE)
	./bin/portal bench -out docs/benchmarks.md

.PHONY: bench-again
bench-again: build ## Measure again on the data set of the last `make bench` (no new generation).
	./bin/portal bench -out docs/benchmarks.md

.PHONY: browser
browser: ## Install Debian's chromium for the browser tests when it is missing.
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing chromium for the browser tests"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null || exit 1; \
		else \
			echo "chromium is missing: run 'sudo apt-get install chromium fonts-noto-cjk'"; exit 1; \
		fi; \
	fi

.PHONY: generate
generate: ## Regenerate templ components (commit the *_templ.go files).
	$(GO) tool templ generate

.PHONY: check
check: ## Fail when generated templ files are stale or Go files unformatted.
	$(GO) tool templ generate
	@git diff --exit-code -- '*_templ.go' || (echo "templ output is stale: commit the regenerated files"; exit 1)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v _templ.go))" || (gofmt -l $$(git ls-files '*.go' | grep -v _templ.go); exit 1)

.PHONY: db-stop
db-stop: ## Stop the private PostgreSQL of `make run` (data kept).
	$(GO) run ./cmd/portal db stop

.PHONY: db-wipe
db-wipe: ## Stop the private PostgreSQL of `make run` and delete its data.
	$(GO) run ./cmd/portal db wipe

.PHONY: build
build: ## Build the portal binary into bin/portal.
	$(GO) build -o bin/portal ./cmd/portal
