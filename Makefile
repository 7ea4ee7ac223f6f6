# edgeq — common tasks. `make test` is what CI runs (see .ci/run).
GO        ?= go
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
PKGS      := ./...

.PHONY: build test test-purego vet generate fuzz bench demo clean

build:
	CGO_ENABLED=0 $(GO) build -o bin/edgeq ./cmd/edgeq

vet:
	$(GO) vet $(PKGS)

test: vet
	$(GO) test $(PKGS)
	$(GO) test -tags purego $(PKGS)

generate:
	$(GO) generate ./format/...

# Each fuzz target runs for FUZZTIME; none may crash.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./format
	$(GO) test -run '^$$' -fuzz '^FuzzImport$$' -fuzztime $(FUZZTIME) ./format/tflite
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) ./runtime
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) ./internal/npy

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
