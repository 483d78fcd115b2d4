#!/usr/bin/env bash
# Builds hpedu with AddressSanitizer and UndefinedBehaviorSanitizer and runs
# every test with ctest. Installs missing Debian packages first. Tests that
# need PostgreSQL start their own throwaway server.
#
#   tests/run.sh              # everything
#   tests/run.sh -R registry  # extra arguments go to ctest
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${HPEDU_TEST_BUILD_DIR:-$root/build/asan}

"$root/deploy/local/deps.sh"

cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Debug -DHPEDU_SANITIZE=ON >/dev/null
cmake --build "$build" -j "$(nproc)"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}

cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
