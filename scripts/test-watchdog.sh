#!/usr/bin/env bash
# Runs the test command with a time limit. A test run that hangs must end red within minutes, not
# at CI's own limit, and say why: past the limit this prints the tests still running and every
# thread's stack of the test process (gdb, when present), then stops it.
#   scripts/test-watchdog.sh SECONDS command...
set -uo pipefail
limit=$1; shift
log=$(mktemp /tmp/dpds-test-log.XXXXXX)

# A process group of its own, so the runner and its pipeline stop together.
set -m
( "$@" 2>&1 | tee "$log" ) &
runner=$!
set +m

# Every process under `$1`: swift test starts the test binary in a process group of its own.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done
}

deadline=$((SECONDS + limit))
while kill -0 "$runner" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "test-watchdog: no end after ${limit}s; the test process is stuck" >&2
    # Each test binary under the runner (swift test runs *PackageTests.xctest).
    tree=$(descendants "$runner")
    pids=$(for pid in $tree; do grep -q PackageTests "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"; done)
    for pid in $pids; do
      if command -v gdb >/dev/null 2>&1; then
        echo "test-watchdog: stacks of $pid ($(tr '\0' ' ' < /proc/$pid/cmdline | cut -c1-120))" >&2
        # Only threads in our own code (Sources/, Tests/); idle pool threads say nothing. Whole
        # stacks: a thread blocked deep in GRDB or libdispatch has our frames far from the top.
        echo "test-watchdog: $(ls /proc/$pid/task | wc -l) threads" >&2
        gdb -p "$pid" -batch -nx -ex 'set pagination off' -ex 'thread apply all bt 200' 2>/dev/null \
          | awk '/^Thread /{ if (ours) printf "%s", t; t=$0 "\n"; ours=0; next }
                 /^#/{ t=t $0 "\n"; if ($0 ~ /\/(Sources|Tests)\//) ours=1 }
                 END{ if (ours) printf "%s", t }' \
          | sed -E 's/ \(.*\) (at|from) / \1 /; s/0x[0-9a-f]{16} in //' \
          | { swift demangle --simplified 2>/dev/null || cat; } | cut -c1-200 >&2
      else
        echo "test-watchdog: gdb is not installed; no stacks" >&2
      fi
    done
    # Started and never finished (swift-testing prints both lines).
    started=$(grep -oE 'Test [A-Za-z0-9_]+\(\) started' "$log" | sed 's/ started//' | sort -u)
    ended=$(grep -oE 'Test [A-Za-z0-9_]+\(\) (passed|failed|skipped)' "$log" | sed -E 's/ (passed|failed|skipped)//' | sort -u)
    echo "test-watchdog: still running:" >&2
    comm -23 <(echo "$started") <(echo "$ended") | sed 's/^/  /' >&2
    kill -TERM -- "-$runner" $tree 2>/dev/null
    sleep 5
    kill -KILL -- "-$runner" $tree 2>/dev/null
    rm -f "$log"
    exit 124
  fi
  sleep 2
done
wait "$runner"
status=$?
rm -f "$log"
exit $status
