# fwgen's tasks. `make test` is what CI and contributors run.
GO        ?= go
BUILD     ?= build
FUZZTIME  ?= 60s
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: build test golden lint fuzz bench e2e mutation clean release-template

## build: the fwgen binary in build/, statically linked: no dynamic loader
## to run at start-up (something in the dependencies imports net, which
## links the C library otherwise)
build:
	CGO_ENABLED=0 $(GO) build -o $(BUILD)/fwgen ./cmd/fwgen

## test: formatting, vet, and every unit, script, golden and pty test
test: lint
	$(GO) test -count=1 ./...

## golden: rewrite testdata/golden from the current templates (read the diff!)
golden:
	$(GO) test -count=1 ./cmd/fwgen -run 'Golden' -update
	@git status --short testdata/golden || true

## lint: gofmt and go vet must be clean
lint:
	@out=$$(gofmt -l cmd internal templates); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./internal/e2e/

## fuzz: each fuzz target for FUZZTIME (default 60s); inputs over 64 KiB are
## skipped and one taking over 2s fails (answers files and manifests)
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzNames$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./internal/names
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./internal/answers
	$(GO) test -run '^$$' -fuzz '^FuzzParseSets$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./internal/answers
	$(GO) test -run '^$$' -fuzz '^FuzzRenderPath$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./internal/render
	$(GO) test -run '^$$' -fuzz '^FuzzManifest$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./internal/manifest

## bench: Go benchmarks, then whole processes side by side with a Go
## hello-world, cp -r and a plain write loop (on /dev/shm when there is one)
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./cmd/fwgen
	$(GO) run ./internal/benchproc -fwgen $(BUILD)/fwgen

## e2e: generate every variant, install it from PyPI, and run what its README says
e2e:
	$(GO) test -tags e2e -count=1 -timeout 60m -v ./internal/e2e/

## mutation: mutation-test the generated projects (slow; a measurement, not a gate)
##           VARIANTS="flask-default" limits it, MUTATION_TIMEOUT bounds each run
mutation:
	internal/mutation/run.sh $(VARIANTS)

## release-template: after raising T's version, archive the version pinned in
## templates/versions.txt, from the newest commit that pinned it (so the
## changes may be committed already or not), and pin the new one
release-template:
	@test -n "$(T)" || { echo "usage: make release-template T=flask|django"; exit 2; }
	@old=$$(sed -n 's/^$(T) \([^ ]*\) .*/\1/p' templates/versions.txt); \
	new=$$(sed -n 's/^version: *//p' templates/$(T)/fwgen.yaml); \
	if [ -z "$$old" ]; then echo "templates/versions.txt pins no version of $(T)"; exit 2; fi; \
	if [ "$$old" = "$$new" ]; then echo "templates/$(T) is $$new, as pinned: raise version: in templates/$(T)/fwgen.yaml first"; exit 2; fi; \
	ref=""; for c in $$(git log --format=%H -- templates/versions.txt); do \
		if git show "$$c:templates/versions.txt" | grep -q "^$(T) $$old "; then ref=$$c; break; fi; \
	done; \
	if [ -z "$$ref" ]; then echo "no commit pins $(T) $$old; commit the pin first"; exit 2; fi; \
	git archive --format=tar "$$ref:templates/$(T)" | gzip -n -9 > templates/releases/$(T)-$$old.tar.gz; \
	echo "archived $(T) $$old from $$(git rev-parse --short $$ref) as templates/releases/$(T)-$$old.tar.gz"
	$(GO) test -count=1 ./templates -run TestVersionsPinned -update-versions

clean:
	rm -rf $(BUILD)
