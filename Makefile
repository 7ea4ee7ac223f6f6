# edgeq — common tasks. `make test` is what CI runs (see .ci/run).
GO        ?= go
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
PKGS      := ./...

.PHONY: build test vet generate fuzz bench demo clean cross cross-all qemu-test asmcheck

build:
	CGO_ENABLED=0 $(GO) build -o bin/edgeq ./cmd/edgeq

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) vet $(PKGS)

test: vet
	$(GO) test $(PKGS)
	$(GO) test -tags purego $(PKGS)

generate:
	$(GO) generate ./format/...

# Every fuzz target in the module runs for FUZZTIME; none may crash.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 200x $$pkg || exit 1; \
		done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) ./kernels ./runtime

# The main job on a default model: convert, run and bench MLPerf Tiny KWS.
EDGEQ_TESTDATA ?= ../shared
demo: build
	mkdir -p out
	bin/edgeq convert $(EDGEQ_TESTDATA)/conformance/kws_ref_model/model.tflite -o out/kws.eqm
	bin/edgeq run out/kws.eqm -i $(EDGEQ_TESTDATA)/conformance/kws_ref_model/inputs/000_0.bin -o out
	bin/edgeq bench out/kws.eqm --iters 200

clean:
	rm -rf bin dist out

# Board-specific builds and tests. BOARD is a profile name from `edgeq boards`.
BOARD ?= generic-arm64

# Static, cgo-free edgeq (and any examples) for one board, into dist/BOARD/.
cross:
	@eval "$$($(GO) run ./cmd/edgeq boards --env $(BOARD))" && \
	mkdir -p dist/$(BOARD) && \
	echo "cross $(BOARD): GOOS=$$GOOS GOARCH=$$GOARCH GOARM=$$GOARM" && \
	CGO_ENABLED=0 GOOS=$$GOOS GOARCH=$$GOARCH GOARM=$$GOARM \
		$(GO) build -trimpath -ldflags '-s -w' -o dist/$(BOARD)/ ./cmd/... $$(ls -d ./examples/*/ 2>/dev/null)

cross-all:
	@for b in $$($(GO) run ./cmd/edgeq boards --json | sed -n 's/^      "name": "\(.*\)",/\1/p'); do \
		$(MAKE) --no-print-directory cross BOARD=$$b || exit 1; \
	done

# Kernel and conformance tests under the board's emulated CPU.
QEMU_PKGS ?= ./kernels ./runtime
qemu-test:
	@eval "$$($(GO) run ./cmd/edgeq boards --env $(BOARD))" && \
	if [ -z "$$QEMU" ]; then echo "qemu-test: $(BOARD) runs natively"; exec $(GO) test $(QEMU_PKGS); fi && \
	echo "qemu-test $(BOARD): $$QEMU" && \
	CGO_ENABLED=0 GOOS=$$GOOS GOARCH=$$GOARCH GOARM=$$GOARM \
		$(GO) test -count=1 -exec "$$QEMU" $(QEMU_PKGS)

# Re-assemble the GNU mnemonic in the comment of every `WORD $0x...` in the
# arm64 kernels (binutils-aarch64-linux-gnu) and compare with the word.
# `go run ./internal/cmd/asmcheck -w` rewrites the words from the comments.
asmcheck:
	$(GO) run ./internal/cmd/asmcheck kernels/*_arm64.s
