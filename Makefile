# The two commands of the README: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
export ATPROTO_INTEROP_DIR ?= $(abspath ../shared/atproto-interop-tests)
export ATPROTO_LEXICON_DIR ?= $(abspath ../shared/atproto-lexicons)
export DPDS_PYTHON ?= $(abspath .venv/bin/python)

.PHONY: deps venv build test run bench clean

# Network-namespace tests (the NAT test of desktop enrollment) need iproute2 and nftables.
TEST_APT := iproute2 nftables
# The tunnel bench runs ngtcp2's own example client/server next to ours; the relay bench drives wrk.
BENCH_APT := ngtcp2-client ngtcp2-server wrk

deps:
	@scripts/install-deps.sh

venv:
	@scripts/install-venv.sh

build: deps
	swift build

# Build once with tests, then run without rebuilding: alternating the two rebuilds everything.
# A hung run ends red after 15 minutes with its stuck tests and stacks (a normal run takes ~1).
# Line-buffered, so the log of a run that hangs or crashes ends where the run did; a crash prints
# its backtrace and exits instead of waiting for someone at a terminal.
test: deps venv
	@scripts/install-deps.sh $(TEST_APT)
	swift build --build-tests
	SWIFT_BACKTRACE=enable=yes,interactive=no scripts/test-watchdog.sh 900 stdbuf -oL -eL swift test --skip-build

run: deps
	swift run dpds relay serve

bench: deps venv
	@scripts/install-deps.sh $(BENCH_APT)
	swift build -c release --product dpds-bench
	.build/release/dpds-bench cbor
	.build/release/dpds-bench crypto
	.build/release/dpds-bench repo
	.build/release/dpds-bench tunnel
	.build/release/dpds-bench relay
	.build/release/dpds-bench enroll

clean:
	rm -rf .build
