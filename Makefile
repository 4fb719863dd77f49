# failoverkit build. `make` alone prints this help.
.DEFAULT_GOAL := help
SHELL := /bin/bash

GO            ?= go
TEST_TIMEOUT  ?= 10m
TEST_COUNT    ?= 1
FUZZTIME      ?= 50000x
SPECTRAL      := tools/spectral/node_modules/.bin/spectral
STATICCHECK   := $(GO) tool -modfile=tools/lint/go.mod staticcheck

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: check
check: ## Run the conformance suite against the embedded mock (the main job).
	$(GO) run ./cmd/failoverkit check

.PHONY: mock
mock: ## Serve both mock APIs (VCAV on :8441, vSphere on :8442).
	$(GO) run ./cmd/failoverkit mock

.PHONY: generate
generate: ## Regenerate gen/ from spec/ with the pinned oapi-codegen.
	$(GO) generate ./...

.PHONY: check-generated
check-generated: generate ## Regenerate, then fail if gen/ differs from what is committed.
	@if [ -n "$$(git status --porcelain -- gen)" ]; then \
		echo "gen/ is stale: run 'make generate' and commit the result"; \
		git status --porcelain -- gen; git --no-pager diff --stat -- gen; exit 1; \
	fi

$(SPECTRAL): tools/spectral/package.json tools/spectral/package-lock.json
	cd tools/spectral && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: lint-spec
lint-spec: $(SPECTRAL) ## Lint both specs with Spectral's OpenAPI ruleset (pinned, from npm).
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity=error spec/vcav.yaml spec/vcha.yaml

.PHONY: vet
vet: ## go vet every package.
	$(GO) vet ./...

.PHONY: fmt-check
fmt-check: ## Fail if gofmt would change a file.
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

.PHONY: lint
lint: vet fmt-check ## vet, gofmt and staticcheck (pinned in tools/lint/go.mod).
	$(STATICCHECK) ./...

.PHONY: tidy-check
tidy-check: ## Fail if go.mod or go.sum are not tidy.
	$(GO) mod tidy -diff

.PHONY: test
test: ## Run every test with the race detector.
	$(GO) test -race -count=$(TEST_COUNT) -timeout=$(TEST_TIMEOUT) ./...

# Benchmarks (see BENCHMARKS.md): validation and handler micro-benchmarks,
# then the loopback load benchmark (mock against a bare replaying server),
# the memory benchmark in a process of its own, and the wall time of the
# conformance suite. They print figures and never fail on a timing.
.PHONY: bench
bench: ## Run the benchmarks and print their figures (see BENCHMARKS.md).
	$(GO) test -run='^$$' -bench='^Benchmark(ValidateRequest|ValidateResponse|Handler|FailoverHandler)$$' -benchmem ./server/
	$(GO) test -run='^$$' -bench='^BenchmarkLoad$$' -benchtime=1x ./server/
	$(GO) test -run='^$$' -bench='^BenchmarkMemory$$' -benchtime=1x ./server/
	$(GO) test -run='^$$' -bench=. -benchtime=1x ./bench/

# Each target runs a fixed number of executions (FUZZTIME, "50000x"), not
# a duration: on a shared 2-core machine a duration could be spent on
# baseline coverage and minimization (FuzzParseFixture once ran 17
# executions in 90 s), and a deadline hit while minimizing failed the run.
# Minimization is bounded by executions too. The last "execs:" line of
# each target is its count.
FUZZ_TARGETS     := FuzzVCAVFailover FuzzVCHAFailover FuzzVCHASetMode FuzzParseFixture
FUZZMINIMIZETIME ?= 2000x

.PHONY: fuzz
fuzz: ## Fuzz each target for FUZZTIME executions (default 50000x); crashers are kept in server/testdata/fuzz.
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "--- $$t"; \
		$(GO) test -run='^$$' -fuzz="^$$t\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) ./server/; \
	done

.PHONY: ci
ci: check-generated tidy-check lint lint-spec test ## Everything CI runs.
