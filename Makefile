# opentsm front door. Every target installs what it needs first (scripts/deps.sh).
#   make demo    build (release) and run the demo
#   make check   release + asan/ubsan builds, ctest on both, the interop suite
#                (skipped, in one line, without the DMTF peers), fuzz smoke run
#   make interop the live interop suite against the DMTF peers ($OPENTSM_PEERS)
#   make bench   build (release) and run the benchmarks
#   make fw-size the firmware profile's code, RAM and stack (default profile and
#                every SPDM feature on) against the full
#                libraries (bench/fw_size.sh, its own -Os tree in $(BUILD)/fw)
#   make fuzz    build fuzz targets and fuzz each for FUZZ_SECONDS (default 60)
#   make build   release build only
#   make format  clang-format the sources
BUILD       ?= build
JOBS        ?= $(shell nproc)
FUZZ_SECONDS ?= 60
SMOKE_SECONDS ?= 10

CMAKE_GEN = cmake -G Ninja -S . -Wno-dev

# The DMTF reference peers of the interop suite (tests/interop, docs/interop.md):
# $OPENTSM_PEERS, else ../shared/peers beside this tree. OPENTSM_REQUIRE_PEERS=1
# (CI) makes their absence an error in `make check` too.
OPENTSM_PEERS ?= $(abspath $(CURDIR)/../shared/peers)
export OPENTSM_PEERS
HAVE_PEERS = test -x "$(OPENTSM_PEERS)/bin/spdm_responder_emu"

.PHONY: all deps build demo check check-release check-asan check-interop interop fuzz-build fuzz-smoke fuzz bench fw-size format clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/release/build.ninja: | deps
	$(CMAKE_GEN) -B $(BUILD)/release -DCMAKE_BUILD_TYPE=Release

$(BUILD)/debug/build.ninja: | deps
	$(CMAKE_GEN) -B $(BUILD)/debug -DCMAKE_BUILD_TYPE=Debug

$(BUILD)/asan/build.ninja: | deps
	CC=clang $(CMAKE_GEN) -B $(BUILD)/asan -DCMAKE_BUILD_TYPE=Debug -DOT_SANITIZE=ON -DOT_BENCH=OFF

$(BUILD)/fuzz/build.ninja: | deps
	CC=clang $(CMAKE_GEN) -B $(BUILD)/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOT_FUZZ=ON -DOT_BENCH=OFF

build: $(BUILD)/release/build.ninja
	cmake --build $(BUILD)/release -j $(JOBS)

debug: $(BUILD)/debug/build.ninja
	cmake --build $(BUILD)/debug -j $(JOBS)

demo: build
	$(BUILD)/release/tools/opentsm/opentsm demo

check-release: build
	ctest --test-dir $(BUILD)/release --output-on-failure -j $(JOBS) -LE interop

# The interop suite runs on the release build only: the peers are not
# sanitized, and its cases drive our binary the way a user does.
interop: build
	@$(HAVE_PEERS) || { echo "interop: no DMTF peers at $(OPENTSM_PEERS): set OPENTSM_PEERS"; exit 1; }
	ctest --test-dir $(BUILD)/release --output-on-failure -j $(JOBS) -L interop

check-interop: build
	@if $(HAVE_PEERS); then $(MAKE) --no-print-directory interop; \
	elif [ -n "$$OPENTSM_REQUIRE_PEERS" ]; then \
	  echo "interop suite: no DMTF peers at $(OPENTSM_PEERS), and they are required"; exit 1; \
	else echo "interop suite skipped: no DMTF peers at $(OPENTSM_PEERS) (set OPENTSM_PEERS to run it)"; fi

check-asan: $(BUILD)/asan/build.ninja
	cmake --build $(BUILD)/asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(BUILD)/asan --output-on-failure -j $(JOBS) -LE interop

fuzz-build: $(BUILD)/fuzz/build.ninja
	cmake --build $(BUILD)/fuzz -j $(JOBS)

fuzz-smoke: fuzz-build
	scripts/fuzz.sh $(BUILD)/fuzz $(SMOKE_SECONDS)

check: check-release check-interop check-asan fuzz-smoke

fuzz: fuzz-build
	scripts/fuzz.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

bench: build
	scripts/bench.sh $(BUILD)/release

fw-size: | deps
	bench/fw_size.sh $(BUILD)/fw

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
