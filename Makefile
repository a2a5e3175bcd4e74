# opentsm front door. Every target installs what it needs first (scripts/deps.sh).
#   make demo    build (release) and run the demo
#   make check   release + asan/ubsan builds, ctest on both, fuzz smoke run
#   make bench   build (release) and run the benchmarks
#   make fuzz    build fuzz targets and fuzz each for FUZZ_SECONDS (default 60)
#   make build   release build only
#   make format  clang-format the sources
BUILD       ?= build
JOBS        ?= $(shell nproc)
FUZZ_SECONDS ?= 60
SMOKE_SECONDS ?= 10

CMAKE_GEN = cmake -G Ninja -S . -Wno-dev

.PHONY: all deps build demo check check-release check-asan fuzz-build fuzz-smoke fuzz bench format clean

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
	ctest --test-dir $(BUILD)/release --output-on-failure -j $(JOBS)

check-asan: $(BUILD)/asan/build.ninja
	cmake --build $(BUILD)/asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(BUILD)/asan --output-on-failure -j $(JOBS)

fuzz-build: $(BUILD)/fuzz/build.ninja
	cmake --build $(BUILD)/fuzz -j $(JOBS)

fuzz-smoke: fuzz-build
	scripts/fuzz.sh $(BUILD)/fuzz $(SMOKE_SECONDS)

check: check-release check-asan fuzz-smoke

fuzz: fuzz-build
	scripts/fuzz.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

bench: build
	scripts/bench.sh $(BUILD)/release

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
