# failoverkit build. `make` alone prints this help.
.DEFAULT_GOAL := help
SHELL := /bin/bash

GO            ?= go
TEST_TIMEOUT  ?= 10m
TEST_COUNT    ?= 1
FUZZTIME      ?= 50000x
SPECTRAL      := tools/spectral/node_modules/.bin/spectral
PRISM         := tools/prism/node_modules/.bin/prism
REDOCLY       := tools/redocly/node_modules/.bin/redocly
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
check-generated: generate ## Regenerate, then fail if gen/ or spec/portable/ differs from what is committed.
	@if [ -n "$$(git status --porcelain -- gen spec/portable)" ]; then \
		echo "gen/ or spec/portable/ is stale: run 'make generate' and commit the result"; \
		git status --porcelain -- gen spec/portable; git --no-pager diff --stat -- gen spec/portable; exit 1; \
	fi

$(SPECTRAL): tools/spectral/package.json tools/spectral/package-lock.json
	cd tools/spectral && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: lint-spec
lint-spec: $(SPECTRAL) ## Lint both specs with Spectral's OpenAPI ruleset (pinned, from npm).
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity=error spec/vcav.yaml spec/vcha.yaml

$(PRISM): tools/prism/package.json tools/prism/package-lock.json
	cd tools/prism && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(REDOCLY): tools/redocly/package.json tools/redocly/package-lock.json
	cd tools/redocly && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: portable-check
portable-check: $(PRISM) $(REDOCLY) ## Redocly lint and Prism mocking of spec/portable/vcha.yaml (pinned, from npm).
	$(REDOCLY) lint --config tools/redocly/redocly.yaml spec/portable/vcha.yaml
	tools/prism/check.sh

# The API reference the mock serves at /docs (server/docs.go): Redoc's
# standalone bundle, pinned in tools/docs, copied into server/apidocs/ and
# embedded at build time. The copy is committed; docs-check fails when it
# differs from the pinned package.
REDOC_BUNDLE := tools/docs/node_modules/redoc/bundles/redoc.standalone.js

$(REDOC_BUNDLE): tools/docs/package.json tools/docs/package-lock.json
	cd tools/docs && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: docs-assets
docs-assets: $(REDOC_BUNDLE) ## Copy the pinned Redoc bundle (tools/docs) into server/apidocs/ for embedding.
	cp $(REDOC_BUNDLE) $(REDOC_BUNDLE).LICENSE.txt server/apidocs/
	cp tools/docs/node_modules/redoc/LICENSE server/apidocs/redoc.LICENSE

.PHONY: docs-check
docs-check: docs-assets ## Fail if server/apidocs/ is stale; render /docs of each listener in headless Chromium.
	@if [ -n "$$(git status --porcelain -- server/apidocs)" ]; then \
		echo "server/apidocs/ is stale: run 'make docs-assets' and commit the result"; \
		git status --porcelain -- server/apidocs; exit 1; \
	fi
	FAILOVERKIT_CHROMIUM=required $(GO) test -count=1 -run '^TestDocs' ./server/

# Release snapshot and image (see README "Releases and images").
RELEASE_TARGETS ?= linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64
RELEASE_PARALLEL ?= 1
IMAGE_ARCH      ?= amd64
IMAGE_TAG       ?= failoverkit/failoverkit:snapshot
IMAGE_TAR       := dist/failoverkit-mock_linux_$(IMAGE_ARCH).tar

.PHONY: release-snapshot
release-snapshot: ## Static binaries, archives and checksums.txt for RELEASE_TARGETS into dist/ (offline).
	$(GO) run ./tools/release -out dist -targets $(RELEASE_TARGETS) -parallel $(RELEASE_PARALLEL)
	cd dist && sha256sum -c checksums.txt

.PHONY: image
image: ## OCI image tarball of `failoverkit mock` (no Docker daemon), checked by reading it back.
	$(GO) run ./tools/release -binaries-only -out dist/bin -targets linux/$(IMAGE_ARCH)
	cd tools/image && $(GO) run . -bin ../../dist/bin/linux_$(IMAGE_ARCH)/failoverkit -platform linux/$(IMAGE_ARCH) \
		-tag $(IMAGE_TAG) -out ../../$(IMAGE_TAR) -created $$(git log -1 --format=%cI)
	$(MAKE) image-check

.PHONY: image-check
image-check: ## Read the image tarball back: config (user, ports, entrypoint) and layers (binary, CA bundle, passwd); test tools/image.
	cd tools/image && $(GO) run . -check ../../$(IMAGE_TAR) -platform linux/$(IMAGE_ARCH) -tag $(IMAGE_TAG)
	cd tools/image && $(GO) mod tidy -diff && $(GO) vet ./... && $(GO) test ./...

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
bench: ## Run the benchmarks and print their figures (see BENCHMARKS.md); installs wrk when it can.
	@command -v wrk >/dev/null 2>&1 || (apt-get install -y wrk >/dev/null 2>&1 || sudo -n apt-get install -y wrk >/dev/null 2>&1) \
		|| echo "bench: wrk could not be installed (apt-get install -y wrk): BenchmarkExternal will be skipped"
	-$(GO) test -run='^$$' -bench='^BenchmarkExternal$$' -benchtime=1x -timeout=30m ./server/
	$(GO) test -run='^$$' -bench='^Benchmark(ValidateRequest|ValidateResponse|Handler|FailoverHandler)$$' -benchmem ./server/
	$(GO) test -run='^$$' -bench='^BenchmarkLoad$$' -benchtime=1x ./server/
	$(GO) test -run='^$$' -bench='^BenchmarkScale$$' -benchtime=1x -v -timeout=30m ./server/ | grep -v '^=== '
	$(GO) test -run='^$$' -bench='^BenchmarkMemory$$' -benchtime=1x ./server/
	$(GO) test -run='^$$' -bench='^BenchmarkHostileJSON$$' -benchtime=5x ./server/
	$(GO) test -count=1 -run='^TestProxy_HostileJSONMemoryBounded$$' -v ./conformance/ | grep allocated
	$(GO) test -run='^$$' -bench=. -benchtime=1x ./bench/

# Each target runs a fixed number of executions (FUZZTIME, "50000x"), not
# a duration: on a shared 2-core machine a duration could be spent on
# baseline coverage and minimization (FuzzParseFixture once ran 17
# executions in 90 s), and a deadline hit while minimizing failed the run.
# Minimization is bounded by executions too. The last "execs:" line of
# each target is its count.
FUZZ_TARGETS     := FuzzVCAVFailover FuzzVCHAFailover FuzzVCHASetMode FuzzVCHAJSONRPC FuzzParseFixture
FUZZMINIMIZETIME ?= 2000x

.PHONY: fuzz
fuzz: ## Fuzz each target for FUZZTIME executions (default 50000x); crashers are kept in server/testdata/fuzz.
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "--- $$t"; \
		$(GO) test -run='^$$' -fuzz="^$$t\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) ./server/; \
	done

.PHONY: ci
ci: check-generated tidy-check lint lint-spec portable-check docs-check test ## Everything CI runs but the fuzz, release and image steps.
